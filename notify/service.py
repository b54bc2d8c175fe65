"""`send`: the one way to send a person anything.

Sending is two steps, so that nothing a worker claimed is ever lost:

1. Record. The message (its key is unique) and one pending delivery row per channel are
   written in one transaction: a savepoint of the caller's, when there is one. The
   reminder dispatcher records in the same transaction as the claim of the person's
   reminder slot, so a slot is never advanced without its message, nor the reverse.
2. Deliver, once that transaction has committed. The waiting rows are claimed in one
   transaction (their attempt count up, their next attempt one lease ahead; rows another
   worker holds are skipped), then attempted once, channel by channel: emails over one
   connection to the mail server. A transient failure (a server that did not answer) is
   retried with exponential backoff by `notify.tasks.retry_delivery`, which claims its
   row with a conditional UPDATE on the attempt count; a permanent one (no address, a
   subscription that is gone) is not.

`send_many` does both steps for a whole batch (a chunk of reminders or summaries) with
the same guarantees, in a handful of queries instead of several per person.

A worker killed between the two steps, or during an attempt, or a retry that could not
be queued because the broker was down, leaves a pending or retry row whose next attempt
is overdue: `retry_overdue_deliveries` (`notify.tasks.sweep_deliveries`, every minute)
picks those up. Delivery is therefore at least once per channel: a worker killed after
the mail server took an email but before its row said so sends that email again after
the lease. The message itself, which is the in-app notification, exists exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import batched

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from notify.models import Channel, Delivery, Kind, Message, Outcome
from notify.transports import PermanentError, TransientError, transport_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_BACKOFF = dt.timedelta(seconds=30)
LONGEST_BACKOFF = dt.timedelta(minutes=15)  # well inside the broker's visibility timeout
# Longer than one attempt can take (the push and mail timeouts), so a live attempt is
# never swept; a killed one is retried once the lease has run out.
ATTEMPT_LEASE = dt.timedelta(minutes=5)
# The scheduled retry task goes first; the sweeper only takes what it missed.
SWEEP_GRACE = dt.timedelta(minutes=1)
WAITING = (Outcome.PENDING, Outcome.RETRY)
URGENT_KINDS = frozenset({Kind.ESCALATION, Kind.PHYSIO_ALERT})
ESCALATIONS_QUEUE = "escalations"
DELIVERY_CHUNK = 500  # deliveries claimed and attempted together
# One sweep stops taking new chunks after this, well before the next one is due.
SWEEP_BUDGET = dt.timedelta(seconds=45)


@dataclass(frozen=True)
class Outgoing:
    """One message for `send_many`: what `send` takes for one."""

    user: User
    kind: str
    key: str
    title: str
    body: str
    url: str
    channels: Sequence[str]
    about: User | None = None

    def message(self, now: dt.datetime) -> Message:
        return Message(
            key=self.key,
            user=self.user,
            kind=self.kind,
            title=self.title,
            body=self.body,
            url=self.url,
            about=self.about,
            created_at=now,
            read_at=None if Channel.IN_APP in self.channels else now,
        )


def send(
    *,
    user: User,
    kind: str,
    key: str,
    title: str,
    body: str,
    url: str,
    channels: Iterable[str],
    about: User | None = None,
) -> Message | None:
    """Record the message under its idempotency key, and deliver it on each channel once
    the surrounding transaction commits (at once when there is none).

    Returns None, sending nothing, when a message with this key already exists: a task
    that runs twice, or two dispatchers that race, deliver once. A message that is not
    sent in-app is stored as read: it stays in the person's list as a record, but never
    counts as unread.
    """
    item = Outgoing(user, kind, key, title, body, url, list(dict.fromkeys(channels)), about)
    return _record_alone(item, timezone.now())


def send_many(*, outgoing: Iterable[Outgoing]) -> list[Message]:
    """`send` for many messages at once (a chunk of reminders or summaries), with the same
    guarantees: one message per key, its deliveries recorded in the caller's transaction
    and delivered once it commits. Returns the messages recorded, leaving out the keys
    that already had one.

    In bulk: the keys already taken are read in one query and the others inserted
    together, their deliveries too; those waiting for a channel are then claimed and
    attempted together after commit (emails over one connection). Should another sender
    record one of the keys in between, this batch falls back to one message at a time.
    """
    now = timezone.now()
    batch = {item.key: _with_unique_channels(item) for item in outgoing}
    taken = set(Message.objects.filter(key__in=list(batch)).values_list("key", flat=True))
    fresh = [item for key, item in batch.items() if key not in taken]
    with transaction.atomic():
        try:
            with transaction.atomic():
                messages = Message.objects.bulk_create([item.message(now) for item in fresh])
        except IntegrityError:
            return [m for item in fresh if (m := _record_alone(item, now)) is not None]
        deliveries = Delivery.objects.bulk_create(
            [
                recorded_delivery(message, channel, now)
                for message, item in zip(messages, fresh, strict=True)
                for channel in item.channels
            ]
        )
        _deliver_after_commit(deliveries)
    return messages


def _with_unique_channels(item: Outgoing) -> Outgoing:
    return replace(item, channels=list(dict.fromkeys(item.channels)))


def _record_alone(item: Outgoing, now: dt.datetime) -> Message | None:
    """Record one message in a savepoint of its own: None if its key is taken."""
    try:
        with transaction.atomic():
            message = item.message(now)
            message.save(force_insert=True)
            deliveries = Delivery.objects.bulk_create(
                [recorded_delivery(message, channel, now) for channel in item.channels]
            )
            _deliver_after_commit(deliveries)
    except IntegrityError:
        return None
    return message


def _deliver_after_commit(deliveries: Iterable[Delivery]) -> None:
    waiting = [d.pk for d in deliveries if d.outcome == Outcome.PENDING]
    if waiting:
        transaction.on_commit(partial(deliver, waiting), robust=True)


def recorded_delivery(message: Message, channel: str, now: dt.datetime) -> Delivery:
    """A pending delivery, or a sent one for a channel that storing the message delivers."""
    delivery = Delivery(
        message=message,
        channel=channel,
        outcome=Outcome.PENDING,
        updated_at=now,
        next_attempt_at=now,
    )
    transport = transport_for(channel)
    if transport.delivered_by_recording:
        delivery.outcome, delivery.attempts = Outcome.SENT, 1
        delivery.detail = transport.send(message)
    return delivery


def deliver(delivery_ids: Iterable[int]) -> None:
    """Claim these deliveries, those still waiting and due, and attempt each once: in
    chunks, each claimed with one UPDATE and attempted channel by channel together."""
    for chunk in batched(delivery_ids, DELIVERY_CHUNK):
        claimed = claim_due(chunk)
        by_channel: dict[str, list[Delivery]] = defaultdict(list)
        for delivery in claimed:
            by_channel[delivery.channel].append(delivery)
        for channel, deliveries in by_channel.items():
            results = transport_for(channel).send_each([d.message for d in deliveries])
            finish(
                [
                    (delivery, *outcome_of(delivery, result))
                    for delivery, result in zip(deliveries, results, strict=True)
                ]
            )


class AlreadyTaken(Exception):
    """Another worker took one of the deliveries being claimed."""


def claim_due(delivery_ids: Iterable[int]) -> list[Delivery]:
    """Take the waiting, due deliveries among these for one attempt: their attempt count
    goes up and their next attempt one lease ahead, so nobody attempts them meanwhile.

    Deliveries with the same attempt count are taken with one conditional UPDATE, which
    must change every row read. When one does not (another worker took some of them),
    that attempt is rolled back and each row is taken on its own, as `attempt_delivery`
    does: an UPDATE on its attempt count that must change exactly one row.
    """
    now = timezone.now()
    waiting = list(
        Delivery.objects.select_related("message__user")
        .filter(pk__in=list(delivery_ids), outcome__in=WAITING, next_attempt_at__lte=now)
        .order_by("pk")
    )
    alike: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in waiting:
        alike[delivery.attempts].append(delivery)
    try:
        with transaction.atomic():
            for attempts, group in alike.items():
                if _take([d.pk for d in group], attempts, now) != len(group):
                    raise AlreadyTaken
        claimed = waiting
    except AlreadyTaken:
        claimed = [d for d in waiting if _take([d.pk], d.attempts, now) == 1]
    for delivery in claimed:
        delivery.attempts += 1
    return claimed


def _take(pks: list[int], attempts: int, now: dt.datetime) -> int:
    return Delivery.objects.filter(pk__in=pks, outcome__in=WAITING, attempts=attempts).update(
        attempts=attempts + 1, next_attempt_at=now + ATTEMPT_LEASE, updated_at=now
    )


def attempt_delivery(delivery_id: int) -> Outcome | None:
    """Claim one waiting delivery and attempt it once. None when there was nothing to
    claim: already sent, given up, or another worker holds it."""
    delivery = (
        Delivery.objects.select_related("message__user")
        .filter(pk=delivery_id, outcome__in=WAITING)
        .first()
    )
    if delivery is None:
        return None
    if _take([delivery.pk], delivery.attempts, timezone.now()) != 1:
        return None
    delivery.attempts += 1
    [outcome] = finish([(delivery, *try_transport(delivery))])
    return outcome


def try_transport(delivery: Delivery) -> tuple[Outcome, str]:
    try:
        result: str | Exception = transport_for(delivery.channel).send(delivery.message)
    except Exception as error:  # noqa: BLE001 - sorted by kind below
        result = error
    return outcome_of(delivery, result)


def outcome_of(delivery: Delivery, result: str | Exception) -> tuple[Outcome, str]:
    """What an attempt's result means: sent; a transient failure, retried; a permanent
    one, not; anything else (a bug, an unexpected library error) retried, then given up."""
    if isinstance(result, str):
        return Outcome.SENT, result
    if isinstance(result, TransientError):
        return Outcome.RETRY, str(result)
    if isinstance(result, PermanentError):
        return Outcome.FAILED, str(result)
    log.error("Delivery %s by %s failed", delivery.pk, delivery.channel, exc_info=result)
    return Outcome.RETRY, f"unexpected {type(result).__name__}"


def finish(attempts: Sequence[tuple[Delivery, Outcome, str]]) -> list[Outcome]:
    """Write each attempt's outcome to the delivery log (one UPDATE for all that ended
    alike) and queue the retries. A retry after MAX_ATTEMPTS gives up instead."""
    finished = timezone.now()
    outcomes, alike = [], defaultdict(list)
    for delivery, outcome, detail in attempts:
        if outcome == Outcome.RETRY and delivery.attempts >= MAX_ATTEMPTS:
            outcome = Outcome.FAILED
        outcomes.append(outcome)
        alike[(outcome, detail[:300], delivery.attempts)].append(delivery.pk)
    for (outcome, detail, attempt_count), pks in alike.items():
        Delivery.objects.filter(pk__in=pks, attempts=attempt_count).update(
            outcome=outcome,
            detail=detail,
            updated_at=finished,
            next_attempt_at=finished + backoff_after(attempt_count),
        )
    for (delivery, _, _), outcome in zip(attempts, outcomes, strict=True):
        if outcome == Outcome.RETRY:
            backoff = backoff_after(delivery.attempts)
            schedule_retry(delivery.pk, backoff, urgent=delivery.message.kind in URGENT_KINDS)
    return outcomes


def backoff_after(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min... never more than 15 minutes."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), LONGEST_BACKOFF)


def schedule_retry(delivery_id: int, backoff: dt.timedelta, *, urgent: bool = False) -> None:
    """Queue the next attempt; an urgent one on the escalations queue, so that it never
    waits behind a minute's worth of reminders."""
    from notify.tasks import retry_delivery

    try:
        retry_delivery.apply_async(
            args=[delivery_id],
            countdown=int(backoff.total_seconds()),
            queue=ESCALATIONS_QUEUE if urgent else None,
            retry=False,
        )
    except Exception:  # noqa: BLE001 - any broker failure: the sweeper retries it later
        log.warning("Could not queue a retry of delivery %s; the sweeper will", delivery_id)


def retry_overdue_deliveries(
    now: dt.datetime | None = None, budget: dt.timedelta = SWEEP_BUDGET
) -> int:
    """Attempt deliveries whose next attempt is overdue: never attempted (the worker died
    after recording), retries that were never queued, attempts whose worker died.

    Drains the whole backlog a chunk at a time (a dead worker can leave thousands), until
    nothing overdue is left or the time budget is spent; the next sweep goes on from there.
    Each attempt moves its row's next attempt into the future, so no row is taken twice.
    """
    cutoff = (now or timezone.now()) - SWEEP_GRACE
    stop_at = time.monotonic() + budget.total_seconds()
    swept = 0
    while time.monotonic() < stop_at:
        overdue = list(
            Delivery.objects.filter(outcome__in=WAITING, next_attempt_at__lte=cutoff)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:DELIVERY_CHUNK]
        )
        if not overdue:
            break
        deliver(overdue)
        swept += len(overdue)
    return swept


def unread_count(user: User) -> int:
    return Message.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user: User, message_ids: Iterable[int]) -> int:
    return Message.objects.filter(user=user, pk__in=list(message_ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(*, user: User) -> int:
    return Message.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
