"""Deliver escalation prompts from the outbox: to the person, and to each physiotherapist
who receives alerts from their shared diary.

The outbox row is written in the transaction that opened the urgent finding, so a prompt
survives a broker that is down: `deliver_pending` runs as soon as that transaction
commits when the broker answers, and every minute from the sweeper whatever happened.

Safe to run twice or in parallel:
- a row is claimed with a conditional UPDATE on its attempt count before anything is
  sent, so two workers that read the same batch never both take a row;
- its messages and its `delivered_at` commit together, and every message has an
  idempotency key (finding, step, recipient): a row claimed again after a worker died
  mid-way sends only what was not recorded yet. Recorded messages are then notify's to
  deliver (its sweeper retries what a dead worker left pending);
- a row that raises is logged and left for the next sweep; the rest of the batch goes on.

The 24-hour re-prompt is a second outbox row (step `reprompt`) for an urgent finding still
open a day after it was first seen; one row per finding and step makes it exactly once.
A physiotherapist's alert names no symptom and no diagnosis.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notify.models import Kind
from notify.preferences import channels_for
from notify.service import send
from triage.models import EscalationOutbox, Finding, FindingState, Level, OutboxStep
from triage.rules import RULES_BY_CODE

log = logging.getLogger(__name__)

REPROMPT_AFTER = dt.timedelta(hours=24)
BATCH = 200
PHYSIO_ALERT = "A patient who shares their diary with you has an urgent flag"
EMERGENCY = "If you think you are seriously ill, call your local emergency number now."


def deliver_pending() -> int:
    """Deliver undelivered outbox rows (fresh ones first); return how many were sent."""
    rows = list(
        EscalationOutbox.objects.filter(delivered_at__isnull=True)
        .select_related("finding__user")
        .order_by("attempts", "created_at")[:BATCH]
    )
    return sum(deliver(row) for row in rows)


def deliver(row: EscalationOutbox) -> bool:
    """Claim the row, then record its messages and mark it delivered in one transaction."""
    claimed = EscalationOutbox.objects.filter(
        pk=row.pk, delivered_at__isnull=True, attempts=row.attempts
    ).update(attempts=F("attempts") + 1)
    if claimed != 1:
        return False
    try:
        with transaction.atomic():
            send_prompts(row)
            EscalationOutbox.objects.filter(pk=row.pk).update(delivered_at=timezone.now())
    except SoftTimeLimitExceeded:
        raise  # the task is out of time: notify has recorded what it sent
    except Exception:  # one bad row must not hold back the other prompts
        log.exception("Escalation outbox row %s failed; the sweeper will try again", row.pk)
        return False
    return True


def send_prompts(row: EscalationOutbox) -> None:
    finding = row.finding
    # The first prompt always goes; the re-prompt only while the finding is still open.
    if row.step == OutboxStep.REPROMPT and finding.state != FindingState.OPEN:
        return
    if finding.user.is_active:
        send_to_patient(finding, row.step)
    for physiotherapist in alert_recipients(finding):
        send_to_physiotherapist(physiotherapist, finding, row.step)


def send_to_patient(finding: Finding, step: str) -> None:
    rule = RULES_BY_CODE.get(finding.code)
    again = "Reminder: " if step == OutboxStep.REPROMPT else ""
    about = f"{rule.title}. {rule.what_to_do}" if rule else "Please see a doctor immediately."
    if rule and finding.entry_removed:
        about = (
            f"You deleted the diary entry behind the flag '{rule.title}'. It stays open because "
            f"the symptom may still be real. If you do have it: {rule.what_to_do} If it was "
            "logged by mistake, open the flag and acknowledge it."
        )
    send(
        user=finding.user,
        kind=Kind.ESCALATION,
        key=f"escalation:{finding.pk}:{step}",
        title=f"{again}Urgent: please see a doctor immediately",
        body=f"{about} {EMERGENCY}",
        url=reverse("triage:my_flags"),
        channels=escalation_channels(finding.user),
    )


def send_to_physiotherapist(physiotherapist: User, finding: Finding, step: str) -> None:
    # No symptom and no diagnosis leave the app: the physiotherapist opens it to see more.
    send(
        user=physiotherapist,
        kind=Kind.PHYSIO_ALERT,
        key=f"physio_alert:{physiotherapist.pk}:{finding.pk}:{step}",
        title=PHYSIO_ALERT,
        body=PHYSIO_ALERT,
        url=reverse("physio:review", args=[finding.user_id]),
        channels=channels_for(physiotherapist, Kind.PHYSIO_ALERT),
        about=finding.user,
    )


def escalation_channels(user: User) -> list[str]:
    """Escalations always go in-app and by email, whatever the quiet hours; push if chosen."""
    return channels_for(user, Kind.ESCALATION)


def alert_recipients(finding: Finding) -> list[User]:
    from sharing.consent import physiotherapists_receiving_alerts

    return physiotherapists_receiving_alerts(finding.user)


def queue_reprompts(now: dt.datetime | None = None) -> int:
    """Urgent findings still open 24 hours after they were raised are prompted once more."""
    now = now or timezone.now()
    due = Finding.objects.filter(
        state=FindingState.OPEN, level=Level.URGENT, first_seen__lte=now - REPROMPT_AFTER
    ).exclude(outbox__step=OutboxStep.REPROMPT)
    created = 0
    for finding in due.order_by("first_seen")[:BATCH]:
        try:
            with transaction.atomic():
                EscalationOutbox.objects.create(finding=finding, step=OutboxStep.REPROMPT)
            created += 1
        except IntegrityError:  # another sweeper queued it first
            continue
    return created
