"""Escalations through a real broker and a real worker: an urgent flag raised while the
broker is down still reaches the person and their physiotherapist, and the 24-hour
re-prompt goes out exactly once."""

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
from triage.models import EscalationOutbox, Finding, OutboxStep

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


def sweep_and_wait() -> None:
    from triage.tasks import sweep_outbox

    sweep_outbox.apply_async(ignore_result=False).get(timeout=TIMEOUT)


def test_an_urgent_flag_saved_while_the_broker_is_down_is_delivered_when_it_returns(
    celery_worker, broker_url: str, patient_sharing_with_physio
) -> None:
    from config.celery import app

    patient, physio = patient_sharing_with_physio
    point_celery_at(app, UNREACHABLE_BROKER)
    saved = save_entry(
        user=patient,
        values={"date": patient.profile.local_today(), "pain": 7, "symptoms": ["fever"]},
    )
    assert saved.entry.pk is not None  # the person's entry is safe whatever the broker does
    finding = Finding.objects.get(user=patient, code="FEVER")
    row = EscalationOutbox.objects.get(finding=finding)
    assert row.delivered_at is None
    assert not Message.objects.exists()

    point_celery_at(app, broker_url)
    sweep_and_wait()
    wait_until(
        lambda: (
            delivered(patient, f"escalation:{finding.pk}:first")
            and delivered(physio, f"physio_alert:{physio.pk}:{finding.pk}:first")
        ),
        "the prompt and the alert to be delivered",
    )
    row.refresh_from_db()
    assert row.delivered_at is not None
    prompt = Message.objects.get(user=patient)
    assert prompt.kind == Kind.ESCALATION
    channels = set(Delivery.objects.filter(message=prompt).values_list("channel", flat=True))
    assert channels == {Channel.IN_APP, Channel.EMAIL}
    alert = Message.objects.get(user=physio)
    assert (alert.title, alert.body) == (PHYSIO_ALERT, PHYSIO_ALERT)


def test_the_24_hour_reprompt_goes_out_exactly_once(
    celery_worker, patient_sharing_with_physio
) -> None:
    from triage.tasks import sweep_outbox

    patient, physio = patient_sharing_with_physio
    save_entry(
        user=patient,
        values={"date": patient.profile.local_today(), "pain": 7, "symptoms": ["fever"]},
    )
    finding = Finding.objects.get(user=patient, code="FEVER")
    wait_until(lambda: delivered(patient, f"escalation:{finding.pk}:first"), "the first prompt")
    sweep_and_wait()
    assert not EscalationOutbox.objects.filter(step=OutboxStep.REPROMPT).exists()

    Finding.objects.filter(pk=finding.pk).update(first_seen=timezone.now() - dt.timedelta(hours=25))
    sweeps = [sweep_outbox.apply_async(ignore_result=False) for _ in range(2)]
    for sweep in sweeps:
        sweep.get(timeout=TIMEOUT)
    wait_until(
        lambda: (
            delivered(patient, f"escalation:{finding.pk}:reprompt")
            and delivered(physio, f"physio_alert:{physio.pk}:{finding.pk}:reprompt")
        ),
        "the re-prompt and its alert to be delivered",
    )
    sweep_and_wait()

    assert EscalationOutbox.objects.filter(finding=finding, step=OutboxStep.REPROMPT).count() == 1
    assert Message.objects.filter(user=patient).count() == 2
    assert Message.objects.filter(user=physio).count() == 2
    reprompt = Message.objects.get(key=f"escalation:{finding.pk}:reprompt")
    assert reprompt.title.startswith("Reminder: ")
