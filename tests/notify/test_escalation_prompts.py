"""Escalation prompts from the outbox (triage.escalation), as the people receive them.

They live here rather than under tests/triage because what they check is what notify
sends: who gets which message, on which channels, in which words.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notify.models import Channel, Delivery, Kind, Message
from sharing.models import Share
from tracker.services import save_entry
from triage import escalation
from triage.models import EscalationOutbox, Finding, FindingState, OutboxStep
from triage.services import acknowledge

pytestmark = pytest.mark.django_db(transaction=True)

PHYSIO_ALERT = "A patient who shares their diary with you has an urgent flag"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The outbox is delivered by calling the sweeper's function, as a worker would."""
    monkeypatch.setattr("triage.services._enqueue_escalations", lambda: None)


def report_fever(user: User) -> Finding:
    save_entry(
        user=user,
        values={"date": user.profile.local_today(), "pain": 6, "symptoms": ["fever"]},
    )
    return Finding.objects.get(user=user, code="FEVER")


def test_the_person_is_prompted_in_app_and_by_email(alice: User) -> None:
    finding = report_fever(alice)
    assert escalation.deliver_pending() == 1
    message = Message.objects.get(user=alice, kind=Kind.ESCALATION)
    assert message.key == f"escalation:{finding.pk}:first"
    assert message.title == "Urgent: please see a doctor immediately"
    assert "A high temperature" in message.body
    channels = set(Delivery.objects.filter(message=message).values_list("channel", flat=True))
    assert channels == {Channel.IN_APP, Channel.EMAIL}
    assert EscalationOutbox.objects.get().delivered_at is not None


def test_a_sharing_physiotherapist_is_alerted_without_any_symptom(alice, physio) -> None:
    Share.objects.create(patient=alice, physiotherapist=physio)
    report_fever(alice)
    escalation.deliver_pending()
    alert = Message.objects.get(user=physio)
    assert (alert.kind, alert.title, alert.body) == (Kind.PHYSIO_ALERT, PHYSIO_ALERT, PHYSIO_ALERT)
    [email] = [email for email in mail.outbox if email.to == [physio.email]]
    assert isinstance(email, EmailMultiAlternatives)
    assert email.subject == PHYSIO_ALERT
    for word in ("temperature", "fever", "infection", "doctor"):
        assert word not in email.body.lower()
        assert word not in str(email.alternatives[0][0]).lower()


@pytest.mark.parametrize(
    "share",
    [
        {"send_alerts": False},
        {"revoked_at": timezone.now()},
        {"ends_on": dt.date(2020, 1, 1)},
    ],
)
def test_no_alert_without_a_live_share_with_alerts(alice, physio, share) -> None:
    Share.objects.create(patient=alice, physiotherapist=physio, **share)
    report_fever(alice)
    escalation.deliver_pending()
    assert not Message.objects.filter(user=physio).exists()


def test_two_sweepers_with_the_same_rows_deliver_each_once(alice: User) -> None:
    report_fever(alice)
    stale = list(EscalationOutbox.objects.select_related("finding__user"))
    assert escalation.deliver_pending() == 1
    assert [escalation.deliver(row) for row in stale] == [False]
    assert Message.objects.filter(user=alice).count() == 1


def test_a_row_claimed_again_after_a_crash_sends_nothing_twice(alice: User) -> None:
    report_fever(alice)
    row = EscalationOutbox.objects.get()
    escalation.send_prompts(row)  # a worker sent, then died before marking the row
    assert escalation.deliver_pending() == 1
    assert Message.objects.filter(user=alice).count() == 1


def test_a_row_that_fails_waits_for_the_next_sweep_and_others_go_on(
    alice, bob, monkeypatch: pytest.MonkeyPatch
) -> None:
    report_fever(alice)
    report_fever(bob)
    real = escalation.send_to_patient

    def broken_for_alice(finding: Finding, step: str) -> None:
        if finding.user == alice:
            raise RuntimeError("template missing")
        real(finding, step)

    monkeypatch.setattr(escalation, "send_to_patient", broken_for_alice)
    assert escalation.deliver_pending() == 1
    alice_row = EscalationOutbox.objects.get(finding__user=alice)
    assert (alice_row.delivered_at, alice_row.attempts) == (None, 1)
    assert not Message.objects.filter(user=alice).exists()

    monkeypatch.undo()
    monkeypatch.setattr("triage.services._enqueue_escalations", lambda: None)
    assert escalation.deliver_pending() == 1
    assert Message.objects.filter(user=alice).exists()


def test_the_reprompt_is_queued_once_a_day_after_and_only_once(alice: User) -> None:
    finding = report_fever(alice)
    escalation.deliver_pending()
    assert escalation.queue_reprompts() == 0
    later = timezone.now() + dt.timedelta(hours=25)
    assert escalation.queue_reprompts(later) == 1
    assert escalation.queue_reprompts(later) == 0
    escalation.deliver_pending()
    reprompt = Message.objects.get(key=f"escalation:{finding.pk}:reprompt")
    assert reprompt.title == "Reminder: Urgent: please see a doctor immediately"


def test_an_acknowledged_finding_is_not_prompted_again(alice: User) -> None:
    finding = report_fever(alice)
    escalation.deliver_pending()
    acknowledge(finding=finding, by=alice)
    with transaction.atomic():
        EscalationOutbox.objects.create(finding=finding, step=OutboxStep.REPROMPT)
    escalation.deliver_pending()
    assert Message.objects.filter(user=alice).count() == 1
    assert Finding.objects.get(pk=finding.pk).state == FindingState.ACKNOWLEDGED
    assert not EscalationOutbox.objects.filter(delivered_at__isnull=True).exists()
