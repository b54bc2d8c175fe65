"""Escalations through a real broker and a real worker: an urgent flag's prompts reach the
person and their physiotherapist once the save commits, also when the broker was down
at the save, and the 24-hour re-prompt goes out exactly once."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator

import kombu.pools
import pytest
from django.utils import timezone

from accounts.models import User
from notify.models import Channel, Delivery, Kind, Message, Outcome
from sharing.models import Share
from tests.conftest import UNREACHABLE_BROKER, point_celery_at
from tracker.models import Profile
from tracker.services import save_entry
from triage.models import Finding
from triage.services import acknowledge

pytestmark = pytest.mark.integration

TIMEOUT = 45
PHYSIO_ALERT = "A patient who shares their diary with you has an urgent flag"


def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


@pytest.fixture(autouse=True)
def fresh_broker_pools() -> Iterator[None]:
    """Forget kombu's global connection pools, which the shared fixture closes but leaves
    registered: without this, the next test to publish gets 'Acquire on closed pool'."""
    kombu.pools.reset()
    yield
    kombu.pools.reset()


@pytest.fixture
def patient_sharing_with_physio(transactional_db: None) -> tuple[User, User]:
    patient = User.objects.create_user("dana@example.com")
    Profile.objects.create(user=patient, time_zone="Europe/London", onboarded_at=timezone.now())
    physio = User.objects.create_user(
        "physio@example.com",
        role="physiotherapist",
        registration_number="PH0001",
        approved_at=timezone.now(),
    )
    Share.objects.create(patient=patient, physiotherapist=physio)
    return patient, physio


def delivered(user: User, key: str) -> bool:
    message = Message.objects.filter(user=user, key=key).first()
    if message is None:
        return False
    outcomes = set(Delivery.objects.filter(message=message).values_list("outcome", flat=True))
    return outcomes == {Outcome.SENT}


def report_fever(patient: User) -> Finding:
    save_entry(
        user=patient,
        values={"date": patient.profile.local_today(), "pain": 7, "symptoms": ["fever"]},
    )
    return Finding.objects.get(user=patient, code="FEVER")


def sweep_deliveries_and_wait() -> None:
    from notify.tasks import sweep_deliveries

    sweep_deliveries.apply_async(ignore_result=False).get(timeout=TIMEOUT)


def test_the_prompt_and_the_alert_are_delivered_by_the_worker_once_the_save_commits(
    celery_worker, patient_sharing_with_physio
) -> None:
    patient, physio = patient_sharing_with_physio
    finding = report_fever(patient)
    wait_until(
        lambda: (
            delivered(patient, f"escalation:{finding.pk}:first")
            and delivered(physio, f"physio_alert:{physio.pk}:{finding.pk}:first")
        ),
        "the prompt and the alert to be delivered, with no sweep",
    )
    prompt = Message.objects.get(user=patient)
    assert prompt.kind == Kind.ESCALATION
    channels = set(Delivery.objects.filter(message=prompt).values_list("channel", flat=True))
    assert channels == {Channel.IN_APP, Channel.EMAIL}
    alert = Message.objects.get(user=physio)
    assert (alert.title, alert.body) == (PHYSIO_ALERT, PHYSIO_ALERT)
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_an_urgent_flag_saved_while_the_broker_is_down_is_delivered_when_it_returns(
    celery_worker, broker_url: str, patient_sharing_with_physio
) -> None:
    from config.celery import app

    patient, physio = patient_sharing_with_physio
    point_celery_at(app, UNREACHABLE_BROKER)
    finding = report_fever(patient)  # the person's entry is safe whatever the broker does
    # Recorded with the finding: listed in the app at once, the emails waiting.
    emails = Delivery.objects.filter(channel=Channel.EMAIL)
    assert set(emails.values_list("message__key", "outcome")) == {
        (f"escalation:{finding.pk}:first", Outcome.PENDING),
        (f"physio_alert:{physio.pk}:{finding.pk}:first", Outcome.PENDING),
    }

    point_celery_at(app, broker_url)
    sweep_deliveries_and_wait()  # the minute's sweep, once the broker answers
    wait_until(
        lambda: (
            delivered(patient, f"escalation:{finding.pk}:first")
            and delivered(physio, f"physio_alert:{physio.pk}:{finding.pk}:first")
        ),
        "the prompt and the alert to be delivered",
    )
    sweep_deliveries_and_wait()
    assert Message.objects.filter(user=patient).count() == 1
    assert Message.objects.filter(user=physio).count() == 1
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_the_24_hour_reprompt_goes_out_exactly_once(
    celery_worker, patient_sharing_with_physio
) -> None:
    from triage.tasks import send_due_reprompts

    patient, physio = patient_sharing_with_physio
    finding = report_fever(patient)
    wait_until(lambda: delivered(patient, f"escalation:{finding.pk}:first"), "the first prompt")
    assert send_due_reprompts.apply_async(ignore_result=False).get(timeout=TIMEOUT) == 0

    Finding.objects.filter(pk=finding.pk).update(first_seen=timezone.now() - dt.timedelta(hours=25))
    runs = [send_due_reprompts.apply_async(ignore_result=False) for _ in range(2)]  # beat twice
    assert sorted(run.get(timeout=TIMEOUT) for run in runs) == [0, 1]
    wait_until(
        lambda: (
            delivered(patient, f"escalation:{finding.pk}:reprompt")
            and delivered(physio, f"physio_alert:{physio.pk}:{finding.pk}:reprompt")
        ),
        "the re-prompt and its alert to be delivered",
    )
    assert send_due_reprompts.apply_async(ignore_result=False).get(timeout=TIMEOUT) == 0

    assert Message.objects.filter(user=patient).count() == 2
    assert Message.objects.filter(user=physio).count() == 2
    reprompt = Message.objects.get(key=f"escalation:{finding.pk}:reprompt")
    assert reprompt.title.startswith("Reminder: ")
    assert Finding.objects.get(pk=finding.pk).reprompted_at is not None


def test_an_acknowledged_finding_gets_no_reprompt(
    celery_worker, patient_sharing_with_physio
) -> None:
    from triage.tasks import send_due_reprompts

    patient, _ = patient_sharing_with_physio
    finding = report_fever(patient)
    acknowledge(finding=finding, by=patient)
    Finding.objects.filter(pk=finding.pk).update(first_seen=timezone.now() - dt.timedelta(hours=25))
    assert send_due_reprompts.apply_async(ignore_result=False).get(timeout=TIMEOUT) == 0
    assert not Message.objects.filter(key__endswith=":reprompt").exists()
