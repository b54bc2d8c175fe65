from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_a_real_worker_runs_a_task_sent_through_the_real_broker(celery_worker) -> None:
    from config.celery import ping

    result = ping.delay("hello from the test")
    assert result.get(timeout=30) == "hello from the test"
