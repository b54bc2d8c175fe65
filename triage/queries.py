"""Reads of findings, with their query shape decided here."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from triage.models import Finding, FindingState, Level


def open_urgent_findings(user: User) -> QuerySet[Finding]:
    return Finding.objects.filter(user=user, state=FindingState.OPEN, level=Level.URGENT).order_by(
        "code"
    )


def open_findings(user: User) -> QuerySet[Finding]:
    return Finding.objects.filter(user=user, state=FindingState.OPEN)


def past_findings(user: User) -> QuerySet[Finding]:
    return (
        Finding.objects.filter(user=user)
        .exclude(state=FindingState.OPEN)
        .select_related("acknowledged_by")
        .order_by("-acknowledged_at")[:100]
    )
