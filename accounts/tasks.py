from __future__ import annotations

from celery import shared_task

from accounts.ratelimit import forget_old_windows


@shared_task(name="accounts.tasks.forget_old_rate_limits")
def forget_old_rate_limits() -> int:
    return forget_old_windows()
