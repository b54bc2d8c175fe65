"""Escalation re-prompts: a thin Celery wrapper over triage.escalation."""

from __future__ import annotations

from celery import shared_task

from triage import escalation


@shared_task(name="triage.tasks.send_due_reprompts", acks_late=True)
def send_due_reprompts() -> int:
    """Every minute: the second prompt for urgent findings still open a day later."""
    return escalation.send_due_reprompts()


@shared_task(name="triage.tasks.sweep_outbox", acks_late=True)
def sweep_outbox() -> int:
    """The name a beat of the release before this one schedules, for the messages it
    queues while the new workers start: the same work as `send_due_reprompts`."""
    return escalation.send_due_reprompts()
