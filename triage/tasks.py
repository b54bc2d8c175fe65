"""Escalation delivery: thin Celery wrappers over triage.escalation."""

from __future__ import annotations

from celery import shared_task

from triage import escalation


@shared_task(name="triage.tasks.deliver_pending_escalations", acks_late=True)
def deliver_pending_escalations() -> int:
    return escalation.deliver_pending()


@shared_task(name="triage.tasks.sweep_outbox", acks_late=True)
def sweep_outbox() -> int:
    """Every minute: deliver rows whose enqueue failed, and queue 24-hour re-prompts."""
    escalation.queue_reprompts()
    return escalation.deliver_pending()
