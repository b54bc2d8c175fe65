"""Beat names tasks by string: each must be one a worker registers."""

from __future__ import annotations

import pytest
from django.apps import apps

from config.celery import app


@pytest.fixture(autouse=True)
def discovered() -> None:
    """What a worker does at start: import each installed app's `tasks` module."""
    app.loader.autodiscover_tasks([config.name for config in apps.get_app_configs()])


def test_every_task_beat_sends_is_registered_by_autodiscovery() -> None:
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled - set(app.tasks) == set()


def test_the_summary_tasks_keep_the_names_queued_tasks_carry() -> None:
    """Tasks queued before summaries left tracker name the old module: they still run."""
    assert app.tasks["tracker.summary_tasks.build_summary_chunk"].__module__ == "summaries.tasks"
    assert app.tasks["tracker.summary_tasks.build_weekly_summaries"].__module__ == (
        "summaries.tasks"
    )
