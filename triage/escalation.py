"""Deliver escalation prompts from the outbox: to the person and to a sharing physio."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from notify.models import Channel, Kind
from notify.service import send
from triage.models import EscalationOutbox, Finding, FindingState, Level, OutboxStep
from triage.rules import RULES_BY_CODE

REPROMPT_AFTER = dt.timedelta(hours=24)
BATCH = 200


def deliver_pending() -> int:
    """Send every undelivered outbox row. Safe to run twice or in parallel: each message
    has an idempotency key, so a row sent but not yet marked is not sent again."""
    rows = list(
        EscalationOutbox.objects.filter(delivered_at__isnull=True)
        .select_related("finding__user")
        .order_by("created_at")[:BATCH]
    )
    for row in rows:
        deliver(row)
    return len(rows)


def deliver(row: EscalationOutbox) -> None:
    finding = row.finding
    if finding.state == FindingState.OPEN or row.step == OutboxStep.FIRST:
        send_to_patient(finding, row.step)
        for physiotherapist in alert_recipients(finding):
            send_to_physiotherapist(physiotherapist, finding, row.step)
    EscalationOutbox.objects.filter(pk=row.pk, delivered_at__isnull=True).update(
        delivered_at=timezone.now(), attempts=row.attempts + 1
    )


def send_to_patient(finding: Finding, step: str) -> None:
    rule = RULES_BY_CODE[finding.code]
    again = "Reminder: " if step == OutboxStep.REPROMPT else ""
    send(
        user=finding.user,
        kind=Kind.ESCALATION,
        key=f"escalation:{finding.pk}:{step}",
        title=f"{again}Urgent: please see a doctor today",
        body=(
            f"{rule.title}. {rule.what_to_do} "
            "If you think you are seriously ill, call your local emergency number now."
        ),
        url=reverse("triage:my_flags"),
        channels=escalation_channels(finding.user),
    )


def send_to_physiotherapist(physiotherapist, finding: Finding, step: str) -> None:
    # No symptom and no diagnosis leave the app: the physio opens it to see more.
    send(
        user=physiotherapist,
        kind=Kind.PHYSIO_ALERT,
        key=f"physio_alert:{physiotherapist.pk}:{finding.pk}:{step}",
        title="A patient who shares their diary with you has an urgent flag",
        body="A patient who shares their diary with you has an urgent flag. "
        "Open Upright to see it.",
        url=reverse("home"),
        channels=[Channel.IN_APP, Channel.EMAIL],
    )


def escalation_channels(user) -> list[str]:
    """Escalations always go in-app and by email, whatever the quiet hours; push if chosen."""
    from notify.preferences import channels_for

    return sorted({Channel.IN_APP, Channel.EMAIL, *channels_for(user, Kind.ESCALATION)})


def alert_recipients(finding: Finding) -> list:
    from tracker.sharing import physiotherapists_receiving_alerts

    return physiotherapists_receiving_alerts(finding.user)


def queue_reprompts(now: dt.datetime | None = None) -> int:
    """Urgent findings still open 24 hours after they were raised are prompted once more."""
    now = now or timezone.now()
    due = Finding.objects.filter(
        state=FindingState.OPEN, level=Level.URGENT, first_seen__lte=now - REPROMPT_AFTER
    ).exclude(outbox__step=OutboxStep.REPROMPT)
    created = 0
    for finding in due[:BATCH]:
        try:
            with transaction.atomic():
                EscalationOutbox.objects.create(finding=finding, step=OutboxStep.REPROMPT)
            created += 1
        except IntegrityError:
            continue
    return created
