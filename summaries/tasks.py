"""Weekly summaries: thin Celery wrappers over summaries.services.

The task names are those of the module they had before the summaries app existed
(`tracker.summary_tasks`): beat's schedule and any task still queued name them so."""

from __future__ import annotations

import datetime as dt
from itertools import batched

from celery import shared_task
from django.utils import timezone

from summaries import services


@shared_task(name="tracker.summary_tasks.build_weekly_summaries", acks_late=True)
def build_weekly_summaries() -> int:
    """Every 15 minutes: hand each chunk of people whose local week has just ended to a
    worker. Returns the number of chunks queued."""
    queued = 0
    for group in services.due_groups(timezone.now()):
        for chunk in batched(group.user_ids, services.CHUNK_SIZE):
            build_summary_chunk.delay(group.time_zone, group.week_start.isoformat(), list(chunk))
            queued += 1
    return queued


@shared_task(name="tracker.summary_tasks.build_summary_chunk", acks_late=True)
def build_summary_chunk(time_zone: str, week_start: str, user_ids: list[int]) -> int:
    """Idempotent: people whose summary another run already built are skipped."""
    return services.build_summaries(
        user_ids=user_ids, week_start=dt.date.fromisoformat(week_start), time_zone=time_zone
    )
