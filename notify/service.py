"""`send`: the one way to send a person anything.

Sending is two steps, so that nothing a worker claimed is ever lost:

1. Record. The message (its key is unique) and one pending delivery row per channel are
   written in one transaction: a savepoint of the caller's, when there is one. The
   reminder dispatcher records in the same transaction as the claim of the person's
   reminder slot, so a slot is never advanced without its message, nor the reverse.
2. Deliver, once that transaction has committed: `notify.attempts` claims the waiting
   rows, sends, records each outcome as it happens, retries and sweeps. A web request
   (an escalation recorded with the urgent finding of a save) asks for `on_worker`: the
   deliveries are then queued for a worker, without waiting on the broker, instead of
   attempted in the request; those a broker that does not take them leaves are the
   sweeper's at its next run.

`send_many` does both steps for a whole batch (a chunk of reminders or summaries) with
the same guarantees, recording in a handful of queries instead of several per person.
The message itself, which is the in-app notification, exists exactly once; what the
other channels guarantee is in `notify.attempts`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from notify.attempts import ESCALATIONS_QUEUE, URGENT_KINDS, deliver, hand_on
from notify.models import Channel, Delivery, Message, Outcome
from notify.queue import enqueue
from notify.transports import transport_for

log = logging.getLogger(__name__)


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
    on_worker: bool = False,
) -> Message | None:
    """Record the message under its idempotency key, and deliver it on each channel once
    the surrounding transaction commits (at once when there is none): in this process, or
    `on_worker`, by a worker.

    Returns None, sending nothing, when a message with this key already exists: a task
    that runs twice, or two dispatchers that race, deliver once. A message that is not
    sent in-app is stored as read: it stays in the person's list as a record, but never
    counts as unread.
    """
    item = Outgoing(user, kind, key, title, body, url, list(dict.fromkeys(channels)), about)
    return _record_alone(item, timezone.now(), on_worker)


def send_many(*, outgoing: Iterable[Outgoing], on_worker: bool = False) -> list[Message]:
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
            return [
                message
                for item in fresh
                if (message := _record_alone(item, now, on_worker)) is not None
            ]
        deliveries = Delivery.objects.bulk_create(
            [
                recorded_delivery(message, channel, now)
                for message, item in zip(messages, fresh, strict=True)
                for channel in item.channels
            ]
        )
        _deliver_after_commit(deliveries, on_worker)
    return messages


def _with_unique_channels(item: Outgoing) -> Outgoing:
    return replace(item, channels=list(dict.fromkeys(item.channels)))


def _record_alone(item: Outgoing, now: dt.datetime, on_worker: bool) -> Message | None:
    """Record one message in a savepoint of its own: None if its key is taken."""
    try:
        with transaction.atomic():
            message = item.message(now)
            message.save(force_insert=True)
            deliveries = Delivery.objects.bulk_create(
                [recorded_delivery(message, channel, now) for channel in item.channels]
            )
            _deliver_after_commit(deliveries, on_worker)
    except IntegrityError:
        return None
    return message


def _deliver_after_commit(deliveries: Iterable[Delivery], on_worker: bool) -> None:
    waiting = [d for d in deliveries if d.outcome == Outcome.PENDING]
    if not waiting:
        return
    ids = [d.pk for d in waiting]
    if on_worker:
        urgent = any(d.message.kind in URGENT_KINDS for d in waiting)
        transaction.on_commit(partial(hand_to_worker, ids, urgent=urgent))
    else:
        transaction.on_commit(partial(deliver_recorded, ids))


def hand_to_worker(delivery_ids: list[int], *, urgent: bool) -> None:
    """Queue the deliveries for a worker (an urgent message on the escalations queue, ahead
    of a minute's reminders) without holding this process up on the broker. A broker that
    does not take them leaves them due for the next sweep at once."""
    from notify.tasks import deliver as deliver_task

    queue = ESCALATIONS_QUEUE if urgent else None
    if not enqueue(deliver_task, args=[delivery_ids], queue=queue):
        hand_on(delivery_ids)


def deliver_recorded(delivery_ids: list[int]) -> None:
    """`deliver`, once the messages are recorded: a failure is logged and left to the
    sweeper, never the caller's problem, except the task's soft time limit, which must
    reach the task so that it stops."""
    try:
        deliver(delivery_ids)
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        log.exception("Delivering %s deliveries failed; the sweeper will", len(delivery_ids))


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


def unread_count(user: User) -> int:
    return Message.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user: User, message_ids: Iterable[int]) -> int:
    return Message.objects.filter(user=user, pk__in=list(message_ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(*, user: User) -> int:
    return Message.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
