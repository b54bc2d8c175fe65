"""Escalation prompts (triage.escalation), as the people receive them.

They live here rather than under tests/triage because what they check is what notify
sends: who gets which message, on which channels, in which words.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from accounts.models import User
from notify.attempts import SWEEP_GRACE, retry_overdue_deliveries
from notify.models import Channel, Delivery, Kind, Message, Outcome
from notify.service import Outgoing
from sharing.models import Share
from tracker.services import save_entry
from triage import escalation
from triage.models import Finding, FindingState
from triage.services import acknowledge

pytestmark = pytest.mark.django_db(transaction=True)

PHYSIO_ALERT = "A patient who shares their diary with you has an urgent flag"
A_DAY_LATER = dt.timedelta(hours=25)


def report_fever(user: User) -> Finding:
    save_entry(
        user=user,
        values={"date": user.profile.local_today(), "pain": 6, "symptoms": ["fever"]},
    )
    return Finding.objects.get(user=user, code="FEVER")


def deliver_as_the_sweeper_would() -> int:
    """The tests' broker is a closed port: what a save recorded waits for the sweep."""
    return retry_overdue_deliveries()


def emails_to(user: User) -> list[EmailMultiAlternatives]:
    return [email for email in mail.outbox if email.to == [user.email]]  # type: ignore[misc]


def test_the_person_is_prompted_in_app_at_once_and_by_email(alice: User) -> None:
    finding = report_fever(alice)
    message = Message.objects.get(user=alice, kind=Kind.ESCALATION)
    assert message.key == f"escalation:{finding.pk}:first"
    assert message.title == "Urgent: please see a doctor immediately"
    assert "A high temperature" in message.body
    assert "call your local emergency number now" in message.body
    outcomes = dict(Delivery.objects.filter(message=message).values_list("channel", "outcome"))
    assert outcomes == {Channel.IN_APP: Outcome.SENT, Channel.EMAIL: Outcome.PENDING}

    deliver_as_the_sweeper_would()
    [email] = emails_to(alice)
    assert email.subject == "Urgent: please see a doctor immediately"


def test_the_saving_request_sends_no_email_and_a_broker_that_is_down_leaves_it_to_the_sweep(
    alice: User,
) -> None:
    report_fever(alice)
    assert mail.outbox == []  # a worker's job, never the request's
    email = Delivery.objects.get(channel=Channel.EMAIL)
    assert (email.outcome, email.attempts) == (Outcome.PENDING, 0)
    assert email.next_attempt_at <= timezone.now() - SWEEP_GRACE  # the next sweep's at once
    assert deliver_as_the_sweeper_would() == 1
    assert deliver_as_the_sweeper_would() == 0
    assert len(emails_to(alice)) == 1


def test_a_sharing_physiotherapist_is_alerted_without_any_symptom(alice, physio) -> None:
    Share.objects.create(patient=alice, physiotherapist=physio)
    finding = report_fever(alice)
    alert = Message.objects.get(user=physio)
    assert alert.key == f"physio_alert:{physio.pk}:{finding.pk}:first"
    assert (alert.kind, alert.title, alert.body) == (Kind.PHYSIO_ALERT, PHYSIO_ALERT, PHYSIO_ALERT)
    deliver_as_the_sweeper_would()
    [email] = emails_to(physio)
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
    deliver_as_the_sweeper_would()
    assert not Message.objects.filter(user=physio).exists()
    assert emails_to(physio) == []


def test_the_reprompt_goes_once_a_day_after_to_the_person_and_each_physiotherapist(
    alice, physio
) -> None:
    Share.objects.create(patient=alice, physiotherapist=physio)
    finding = report_fever(alice)
    assert escalation.send_due_reprompts() == 0
    later = timezone.now() + A_DAY_LATER
    assert escalation.send_due_reprompts(later) == 1
    assert escalation.send_due_reprompts(later) == 0  # beat firing twice

    reprompt = Message.objects.get(key=f"escalation:{finding.pk}:reprompt")
    assert reprompt.title == "Reminder: Urgent: please see a doctor immediately"
    alert = Message.objects.get(key=f"physio_alert:{physio.pk}:{finding.pk}:reprompt")
    assert alert.body == PHYSIO_ALERT
    assert Message.objects.filter(user=alice).count() == 2
    assert Message.objects.filter(user=physio).count() == 2
    assert len(emails_to(alice)) == 1  # sent by the task itself; the first prompt waits
    deliver_as_the_sweeper_would()
    assert len(emails_to(alice)) == len(emails_to(physio)) == 2


def test_two_runs_that_read_the_same_finding_reprompt_it_once(alice: User) -> None:
    finding = report_fever(alice)
    later = timezone.now() + A_DAY_LATER
    stale = Finding.objects.select_related("user").get(pk=finding.pk)  # read by a second worker
    assert escalation.send_due_reprompts(later) == 1
    assert escalation.reprompt(stale, later) is False
    assert Message.objects.filter(user=alice, key__endswith=":reprompt").count() == 1


def test_an_acknowledged_finding_is_not_prompted_again(alice: User) -> None:
    finding = report_fever(alice)
    acknowledge(finding=finding, by=alice)
    assert escalation.send_due_reprompts(timezone.now() + A_DAY_LATER) == 0
    assert Message.objects.filter(user=alice).count() == 1
    finding.refresh_from_db()
    assert (finding.state, finding.reprompted_at) == (FindingState.ACKNOWLEDGED, None)


def test_a_finding_acknowledged_after_it_was_read_is_not_prompted(alice: User) -> None:
    finding = report_fever(alice)
    stale = Finding.objects.select_related("user").get(pk=finding.pk)
    acknowledge(finding=finding, by=alice)
    assert escalation.reprompt(stale, timezone.now() + A_DAY_LATER) is False
    assert not Message.objects.filter(key__endswith=":reprompt").exists()


def test_a_reprompt_that_fails_waits_for_the_next_run_and_the_others_go_on(
    alice, bob, monkeypatch: pytest.MonkeyPatch
) -> None:
    report_fever(alice)
    report_fever(bob)
    real = escalation.prompt_to_patient

    def broken_for_alice(finding: Finding, *args: object) -> Outgoing:
        if finding.user == alice:
            raise RuntimeError("template missing")
        return real(finding, *args)  # type: ignore[arg-type]

    later = timezone.now() + A_DAY_LATER
    monkeypatch.setattr(escalation, "prompt_to_patient", broken_for_alice)
    assert escalation.send_due_reprompts(later) == 1
    assert Finding.objects.get(user=alice).reprompted_at is None  # its claim rolled back
    assert not Message.objects.filter(user=alice, key__endswith=":reprompt").exists()
    assert Message.objects.filter(user=bob, key__endswith=":reprompt").exists()

    monkeypatch.undo()
    assert escalation.send_due_reprompts(later) == 1
    assert Message.objects.filter(user=alice, key__endswith=":reprompt").exists()
