"""The Celery app. Beat's schedule is static configuration: run exactly one beat."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("upright")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "send-due-reminders": {
        "task": "tracker.tasks.send_due_reminders",
        "schedule": crontab(),  # every minute
    },
    "build-weekly-summaries": {
        # summaries.tasks keeps the name it had in tracker, so queued tasks still resolve.
        "task": "tracker.summary_tasks.build_weekly_summaries",
        "schedule": crontab(minute="*/15"),
    },
    "sweep-deliveries": {
        "task": "notify.tasks.sweep_deliveries",
        "schedule": crontab(),  # every minute: deliveries a broker outage or a killed worker left
    },
    "send-escalation-reprompts": {
        "task": "triage.tasks.send_due_reprompts",
        "schedule": crontab(),  # every minute: urgent findings still open a day later
    },
}


@app.task(name="config.ping", ignore_result=False)
def ping(value: str = "pong") -> str:
    """A task with no side effects, used to prove the worker and broker answer."""
    return value
