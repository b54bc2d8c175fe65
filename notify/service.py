"""`send`: the one way to send a person anything.

Sending is two steps, so that nothing a worker claimed is ever lost:

1. Record. The message (its key is unique) and one pending delivery row per channel are
   written in one transaction: a savepoint of the caller's, when there is one. The
   reminder dispatcher records in the same transaction as the claim of the person's
   reminder slot, so a slot is never advanced without its message, nor the reverse.
2. Deliver, once that transaction has committed. Each delivery row is claimed with a
   conditional UPDATE on its attempt count (two workers can never attempt it together),
   pushed one lease into the future, then attempted once. A transient failure (a server
   that did not answer) is retried with exponential backoff by `notify.tasks.
   retry_delivery`; a permanent one (no address, a subscription that is gone) is not.

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
from collections.abc import Iterable
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
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
    channels = list(dict.fromkeys(channels))
    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key,
                user=user,
                kind=kind,
                title=title,
                body=body,
                url=url,
                about=about,
                created_at=now,
                read_at=None if Channel.IN_APP in channels else now,
            )
            deliveries = Delivery.objects.bulk_create(
                [recorded_delivery(message, channel, now) for channel in channels]
            )
            waiting = [d.pk for d in deliveries if d.outcome == Outcome.PENDING]
            transaction.on_commit(partial(deliver, waiting), robust=True)
    except IntegrityError:
        return None
    return message


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
    for delivery_id in delivery_ids:
        attempt_delivery(delivery_id)


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
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery.pk, outcome__in=WAITING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + ATTEMPT_LEASE, updated_at=now)
    if claimed != 1:
        return None
    delivery.attempts += 1

    outcome, detail = try_transport(delivery)
    if outcome == Outcome.RETRY and delivery.attempts >= MAX_ATTEMPTS:
        outcome = Outcome.FAILED
    backoff = backoff_after(delivery.attempts)
    finished = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
        outcome=outcome,
        detail=detail[:300],
        updated_at=finished,
        next_attempt_at=finished + backoff,
    )
    if outcome == Outcome.RETRY:
        schedule_retry(delivery.pk, backoff, urgent=delivery.message.kind in URGENT_KINDS)
    return outcome


def try_transport(delivery: Delivery) -> tuple[Outcome, str]:
    try:
        return Outcome.SENT, transport_for(delivery.channel).send(delivery.message)
    except TransientError as error:
        return Outcome.RETRY, str(error)
    except PermanentError as error:
        return Outcome.FAILED, str(error)
    except Exception as error:  # a bug or an unexpected library error: retried, then given up
        log.exception("Delivery %s by %s failed", delivery.pk, delivery.channel)
        return Outcome.RETRY, f"unexpected {type(error).__name__}"


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


def retry_overdue_deliveries(now: dt.datetime | None = None, limit: int = 200) -> int:
    """Attempt deliveries whose next attempt is overdue: never attempted (the worker died
    after recording), retries that were never queued, attempts whose worker died."""
    now = now or timezone.now()
    overdue = list(
        Delivery.objects.filter(outcome__in=WAITING, next_attempt_at__lte=now - SWEEP_GRACE)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    deliver(overdue)
    return len(overdue)


def unread_count(user: User) -> int:
    return Message.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user: User, message_ids: Iterable[int]) -> int:
    return Message.objects.filter(user=user, pk__in=list(message_ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(*, user: User) -> int:
    return Message.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
