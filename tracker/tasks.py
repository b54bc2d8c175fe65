"""Background jobs of the journal: thin Celery wrappers over tracker.reminders."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tracker import reminders


@shared_task(name="tracker.tasks.send_due_reminders", acks_late=True)
def send_due_reminders() -> int:
    """Every minute (beat): queue the profiles whose reminder is due, in chunks."""
    chunks = reminders.chunks_of_due_profiles(timezone.now())
    for chunk in chunks:
        send_reminders.delay(chunk)
    return sum(len(chunk) for chunk in chunks)


@shared_task(name="tracker.tasks.send_reminders", acks_late=True)
def send_reminders(profile_ids: list[int]) -> int:
    return reminders.send_reminders(profile_ids)
