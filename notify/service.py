"""`send`: the one way to send a person anything."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from notify.models import Delivery, Message, Outcome
from notify.transports import PermanentError, TransientError, transport_for

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def send(
    *,
    user: User,
    kind: str,
    key: str,
    title: str,
    body: str,
    url: str,
    channels: Iterable[str],
) -> Message | None:
    """Store the message under its idempotency key, then deliver it on each channel.

    Returns None, sending nothing, when a message with this key already exists: a task
    that runs twice, or two dispatchers that race, deliver once.
    """
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key, user=user, kind=kind, title=title, body=body, url=url
            )
            deliveries = Delivery.objects.bulk_create(
                [Delivery(message=message, channel=c, outcome=Outcome.RETRY) for c in channels]
            )
    except IntegrityError:
        return None
    for delivery in deliveries:
        attempt_delivery(delivery)
    return message


def attempt_delivery(delivery: Delivery) -> None:
    """One attempt on one channel; a transient failure is retried later with backoff."""
    delivery.attempts += 1
    try:
        delivery.detail = transport_for(delivery.channel).send(delivery.message)[:300]
        delivery.outcome = Outcome.SENT
    except TransientError as error:
        delivery.detail = str(error)[:300]
        delivery.outcome = Outcome.RETRY if delivery.attempts < MAX_ATTEMPTS else Outcome.FAILED
    except PermanentError as error:
        delivery.detail = str(error)[:300]
        delivery.outcome = Outcome.FAILED
    delivery.updated_at = timezone.now()
    delivery.save(update_fields=["attempts", "detail", "outcome", "updated_at"])
    if delivery.outcome == Outcome.RETRY:
        schedule_retry(delivery)


def schedule_retry(delivery: Delivery) -> None:
    from notify.tasks import retry_delivery

    countdown = min(30 * 2 ** (delivery.attempts - 1), 900)
    try:
        retry_delivery.apply_async(args=[delivery.pk], countdown=countdown, retry=False)
    except Exception:  # noqa: BLE001 - the sweeper retries RETRY rows when the broker is back
        log.warning("Could not schedule a retry for delivery %s", delivery.pk)


def unread_count(user: User) -> int:
    return Message.objects.filter(user=user, read_at__isnull=True).count()
