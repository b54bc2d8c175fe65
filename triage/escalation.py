"""Escalation prompts for urgent findings: to the person, and to each physiotherapist who
receives alerts from their shared diary. A physiotherapist's alert names no symptom and
no diagnosis.

There is one outbox, notify's. The first prompt is recorded by `send_first_prompts` in
the transaction that opens the finding: its messages and delivery rows commit with the
finding or not at all, and a worker delivers them once it commits. A broker that is down
then does not lose them: notify's sweeper sends what no worker was handed.

The second prompt, for an urgent finding still open a day after it was first seen, is
`send_due_reprompts` (every minute, from beat). Each finding is claimed with a
conditional UPDATE of `Finding.reprompted_at` that must change exactly one row, in the
transaction that records its messages: a beat that fires twice or two workers at once
prompt once, and never after the finding is acknowledged. Every message's idempotency
key (finding, step, recipient) is a second guard.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Callable, Sequence
from functools import cache

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from notify.models import Kind, Message
from notify.preferences import channels_for, channels_for_many
from notify.service import Outgoing, send_many
from triage.models import Finding, FindingState, Level
from triage.rules import RULES_BY_CODE

log = logging.getLogger(__name__)

REPROMPT_AFTER = dt.timedelta(hours=24)
BATCH = 200
PHYSIO_ALERT = "A patient who shares their diary with you has an urgent flag"
EMERGENCY = "If you think you are seriously ill, call your local emergency number now."


class Step(enum.StrEnum):
    """Which prompt of a finding: part of every message's idempotency key."""

    FIRST = "first"
    REPROMPT = "reprompt"


def send_first_prompts(findings: Sequence[Finding]) -> list[Message]:
    """Record the first prompt of new urgent findings, all of one person. Call inside the
    transaction that opens them; a worker delivers once it commits, so the request that
    saved the entry waits on no mail server and no broker."""
    return send_many(outgoing=prompts(findings, Step.FIRST), on_worker=True)


def send_due_reprompts(now: dt.datetime | None = None) -> int:
    """Prompt once more for urgent findings still open 24 hours after they were first
    seen; returns how many findings were prompted. A finding whose prompt fails is
    logged and left for the next run; the others go on. First prompts carried over from
    the removed outbox go first."""
    now = now or timezone.now()
    carried = Finding.objects.filter(first_prompt_pending=True).select_related("user")
    for finding in carried.order_by("first_seen")[:BATCH]:
        with transaction.atomic():
            claimed = Finding.objects.filter(pk=finding.pk, first_prompt_pending=True).update(
                first_prompt_pending=False
            )
            if claimed == 1 and finding.state == FindingState.OPEN:
                send_first_prompts([finding])
    due = (
        Finding.objects.filter(
            state=FindingState.OPEN,
            level=Level.URGENT,
            reprompted_at__isnull=True,
            first_seen__lte=now - REPROMPT_AFTER,
        )
        .select_related("user")
        .order_by("first_seen")
    )
    prompted = 0
    for finding in due[:BATCH]:
        try:
            prompted += reprompt(finding, now)
        except SoftTimeLimitExceeded:
            raise  # the task is out of time: what was committed is sent
        except Exception:  # one bad finding must not hold back the other prompts
            log.exception("Re-prompting finding %s failed; the next run will try again", finding.pk)
    return prompted


def reprompt(finding: Finding, now: dt.datetime) -> bool:
    """Claim the finding's re-prompt and record its messages in one transaction; False
    when another run claimed it first or it was acknowledged meanwhile."""
    with transaction.atomic():
        claimed = Finding.objects.filter(
            pk=finding.pk, state=FindingState.OPEN, reprompted_at__isnull=True
        ).update(reprompted_at=now)
        if claimed != 1:
            return False
        send_many(outgoing=prompts([finding], Step.REPROMPT))
    return True


def prompts(findings: Sequence[Finding], step: Step) -> list[Outgoing]:
    """The messages of one step for findings of one person: theirs, while their account
    is active, and one alert per physiotherapist receiving alerts from their diary."""
    if not findings:
        return []
    patient = findings[0].user
    patient_channels = escalation_channels(patient) if patient.is_active else None
    physiotherapists = alert_recipients(patient)
    channels = channels_for_many(physiotherapists, Kind.PHYSIO_ALERT)
    outgoing = []
    for finding in findings:
        if patient_channels is not None:
            outgoing.append(prompt_to_patient(finding, step, patient_channels))
        outgoing.extend(
            alert_to_physiotherapist(physiotherapist, finding, step, channels[physiotherapist.pk])
            for physiotherapist in physiotherapists
        )
    return outgoing


def prompt_to_patient(
    finding: Finding, step: Step, channels: Sequence[str] | None = None
) -> Outgoing:
    rule = RULES_BY_CODE.get(finding.code)
    again = "Reminder: " if step == Step.REPROMPT else ""
    about = f"{rule.title}. {rule.what_to_do}" if rule else "Please see a doctor immediately."
    if rule and finding.entry_removed:
        about = (
            f"You deleted the diary entry behind the flag '{rule.title}'. It stays open because "
            f"the symptom may still be real. If you do have it: {rule.what_to_do} If it was "
            "logged by mistake, open the flag and acknowledge it."
        )
    return Outgoing(
        user=finding.user,
        kind=Kind.ESCALATION,
        key=f"escalation:{finding.pk}:{step}",
        title=f"{again}Urgent: please see a doctor immediately",
        body=f"{about} {EMERGENCY}",
        url=reverse("triage:my_flags"),
        channels=escalation_channels(finding.user) if channels is None else channels,
    )


def alert_to_physiotherapist(
    physiotherapist: User, finding: Finding, step: Step, channels: Sequence[str] | None = None
) -> Outgoing:
    # No symptom and no diagnosis leave the app: the physiotherapist opens it to see more.
    return Outgoing(
        user=physiotherapist,
        kind=Kind.PHYSIO_ALERT,
        key=f"physio_alert:{physiotherapist.pk}:{finding.pk}:{step}",
        title=PHYSIO_ALERT,
        body=PHYSIO_ALERT,
        url=reverse("physio:review", args=[finding.user_id]),
        channels=channels_for(physiotherapist, Kind.PHYSIO_ALERT) if channels is None else channels,
        about=finding.user,
    )


def escalation_channels(user: User) -> list[str]:
    """Escalations always go in-app and by email, whatever the quiet hours; push if chosen."""
    return channels_for(user, Kind.ESCALATION)


def alert_recipients(patient: User) -> list[User]:
    """The physiotherapists to alert about this patient: `settings.ESCALATION_ALERT_RECIPIENTS`
    names the function that knows (sharing's, above triage in the apps' order)."""
    return _recipients_function(settings.ESCALATION_ALERT_RECIPIENTS)(patient)


@cache
def _recipients_function(path: str) -> Callable[[User], list[User]]:
    function: Callable[[User], list[User]] = import_string(path)
    return function
