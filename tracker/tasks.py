"""Background jobs of the journal: thin Celery wrappers over tracker.reminders."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tracker import reminders


@shared_task(name="tracker.tasks.send_due_reminders", acks_late=True)
def send_due_reminders() -> int:
    """Every minute (beat): queue the profiles whose reminder is due, in chunks."""
    queued = 0
    now = timezone.now()
    for reminder in reminders.REMINDERS.values():
        for chunk in reminders.chunks_of_due_profiles(now, reminder):
            send_reminders.delay(chunk, reminder.key)
            queued += len(chunk)
    return queued


@shared_task(name="tracker.tasks.send_reminders", acks_late=True)
def send_reminders(profile_ids: list[int], which: str = reminders.DAILY.key) -> int:
    return reminders.send_reminders(profile_ids, reminder=reminders.REMINDERS[which])
