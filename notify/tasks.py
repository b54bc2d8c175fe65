"""Deliveries handed to a worker, retries and the sweeper: thin Celery wrappers over
notify.attempts, and one send budget per task."""

from __future__ import annotations

from celery import shared_task
from celery.signals import task_postrun, task_prerun

from notify import attempts


@task_prerun.connect
def start_the_send_budget(**kwargs: object) -> None:
    attempts.task_started()


@task_postrun.connect
def end_the_send_budget(**kwargs: object) -> None:
    attempts.task_ended()


@shared_task(name="notify.tasks.deliver", acks_late=True)
def deliver(delivery_ids: list[int]) -> int:
    """Deliveries recorded where nothing may wait on a mail server (a web request's
    escalation): attempted here. A worker killed meanwhile leaves them to the sweeper."""
    return attempts.deliver(delivery_ids)


@shared_task(name="notify.tasks.retry_delivery", acks_late=True)
def retry_delivery(delivery_id: int) -> str | None:
    """One more attempt after a transient failure (a no-op if another worker has it)."""
    return attempts.attempt_delivery(delivery_id)


@shared_task(name="notify.tasks.sweep_deliveries", acks_late=True)
def sweep_deliveries() -> int:
    """Every minute: deliveries a dead worker or a down broker left waiting."""
    return attempts.retry_overdue_deliveries()
