"""Web Push through a stand-in push service on 127.0.0.1: sent, gone, or worth a retry."""

from __future__ import annotations

import pytest

from accounts.models import User
from notify import attempts
from notify.models import Channel, Delivery, Kind, Outcome, PushSubscription
from notify.service import send
from tests.notify.conftest import subscribe_device
from tests.notify.push_stub import push_service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_retry_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attempts, "schedule_retry", lambda pk, after, urgent: None)


def push_reminder(user: User) -> Delivery:
    message = send(
        user=user,
        kind=Kind.REMINDER,
        key=f"reminder:{user.pk}:2026-01-14",
        title="Time for today's diary",
        body="How is your back today?",
        url="/today/",
        channels=[Channel.PUSH],
    )
    assert message is not None
    return Delivery.objects.get(message=message)


def test_a_push_is_encrypted_signed_and_sent_to_the_device(alice: User, vapid) -> None:
    with push_service(201) as stub:
        subscribe_device(alice, stub.endpoint("alice-phone"))
        push = push_reminder(alice)
    assert (push.outcome, push.attempts) == (Outcome.SENT, 1)
    assert push.detail == "sent to 1 device(s)"
    [request] = stub.received
    assert request["path"] == "/push/alice-phone"
    assert request["encoding"] == "aes128gcm"
    assert request["authorization"].startswith("vapid t=")
    assert vapid["public_key"] in request["authorization"]


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_calls_gone_is_deleted(alice, vapid, status) -> None:
    with push_service(status) as stub:
        subscribe_device(alice, stub.endpoint("old-phone"))
        push = push_reminder(alice)
    assert push.outcome == Outcome.FAILED
    assert not PushSubscription.objects.filter(user=alice).exists()


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_or_broken_push_service_is_tried_again(alice, vapid, status) -> None:
    with push_service(status) as stub:
        subscribe_device(alice, stub.endpoint("phone"))
        push = push_reminder(alice)
    assert (push.outcome, push.attempts) == (Outcome.RETRY, 1)
    assert PushSubscription.objects.filter(user=alice).exists()


def test_a_refused_request_is_not_retried(alice: User, vapid) -> None:
    with push_service(400) as stub:
        subscribe_device(alice, stub.endpoint("phone"))
        push = push_reminder(alice)
    assert push.outcome == Outcome.FAILED
    assert PushSubscription.objects.filter(user=alice).exists()


def test_a_push_service_that_does_not_answer_is_tried_again(alice: User, vapid) -> None:
    with push_service(201) as stub:
        endpoint = stub.endpoint("phone")
    subscribe_device(alice, endpoint)  # nobody listens there any more
    assert push_reminder(alice).outcome == Outcome.RETRY


def test_one_device_gone_and_one_reached_is_a_success(alice: User, vapid) -> None:
    with push_service(410) as gone, push_service(201) as live:
        subscribe_device(alice, gone.endpoint("old-phone"))
        subscribe_device(alice, live.endpoint("new-phone"))
        push = push_reminder(alice)
    assert push.outcome == Outcome.SENT
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        live.endpoint("new-phone")
    ]


def test_without_a_vapid_key_push_fails_for_good(alice: User, settings) -> None:
    settings.VAPID_PRIVATE_KEY = ""
    subscribe_device(alice, "https://push.example.net/phone")
    assert push_reminder(alice).outcome == Outcome.FAILED
