"""A send budget that Celery's soft time limit could cut short would bring back what the
budget is for: sends cut off mid-way, their outcome unknown."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def send_budget_fits_the_time_limit(**kwargs: Any) -> list[CheckMessage]:
    budget = settings.NOTIFY_SEND_BUDGET.total_seconds()
    longest_send = float(settings.MAILERS["default"].get("OPTIONS", {}).get("timeout") or 0)
    soft_limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
    if budget + longest_send < soft_limit:
        return []
    return [
        Error(
            f"NOTIFY_SEND_BUDGET_SECONDS ({budget:g}) plus the mail server timeout "
            f"({longest_send:g}) must be less than the Celery soft time limit ({soft_limit}).",
            hint="Lower NOTIFY_SEND_BUDGET_SECONDS.",
            id="notify.E001",
        )
    ]
