"""Daily reminders through a real broker and a real worker: once per person per local day,
through duplicate beats, a worker killed mid-batch, quiet hours and a gone device."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import kombu.pools
import pytest
from django.utils import timezone

from accounts.models import User
from notify.models import (
    Channel,
    Delivery,
    Kind,
    Message,
    NotificationPreference,
    Outcome,
    PushSubscription,
)
from notify.vapid_dev import generate_keys
from tests.notify.push_stub import browser_keys, push_service
from tracker.models import Entry, Profile

pytestmark = pytest.mark.integration

TIMEOUT = 45


def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


def tasks_finished(log_path: Path, name: str) -> int:
    text = log_path.read_text(errors="replace")
    return sum(
        1 for line in text.splitlines() if f"Task {name}[" in line and " succeeded in " in line
    )


@pytest.fixture
def vapid_env(monkeypatch: pytest.MonkeyPatch, settings) -> dict[str, str]:
    """VAPID keys for the worker (through its environment) and for this process."""
    keys = generate_keys()
    monkeypatch.setenv("VAPID_PUBLIC_KEY", keys["public_key"])
    monkeypatch.setenv("VAPID_PRIVATE_KEY", keys["private_key"])
    settings.VAPID_PUBLIC_KEY = keys["public_key"]
    settings.VAPID_PRIVATE_KEY = keys["private_key"]
    return keys


@pytest.fixture(autouse=True)
def fresh_broker_pools() -> Iterator[None]:
    """Forget kombu's global connection pools, which the shared fixture closes but leaves
    registered: without this, the next test to publish gets 'Acquire on closed pool'."""
    kombu.pools.reset()
    yield
    kombu.pools.reset()


@pytest.fixture
def celery_worker(vapid_env: dict[str, str], celery_worker):
    """The shared real worker, started once VAPID keys are in its environment."""
    return celery_worker


def people_due(count: int, *, zone: str = "Europe/London", prefix: str = "p") -> list[User]:
    """People whose reminder was due a moment ago (no password: hashing 300 is slow)."""
    now = timezone.now()
    users = User.objects.bulk_create(
        [User(email=f"{prefix}{number}@example.com", password="!") for number in range(count)]
    )
    local = now.astimezone(Profile(time_zone=zone).zone)
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                time_zone=zone,
                reminder_time=local.time().replace(second=0, microsecond=0),
                next_reminder_at=now - dt.timedelta(seconds=1),
                onboarded_at=now,
            )
            for user in users
        ]
    )
    return users


def local_today(user: User) -> dt.date:
    return Profile.objects.get(user=user).local_today()


def reminders_of(user: User) -> list[Message]:
    return list(Message.objects.filter(user=user, kind=Kind.REMINDER))


def all_delivered(users: list[User]) -> bool:
    """Every one of these people has a message, and none of its deliveries is waiting."""
    with_messages = Message.objects.filter(user__in=users).values("user").distinct().count()
    waiting = Delivery.objects.filter(
        message__user__in=users, outcome__in=[Outcome.PENDING, Outcome.RETRY]
    )
    return with_messages == len(users) and not waiting.exists()


def test_a_due_reminder_is_sent_once_even_when_beat_fires_twice(celery_worker) -> None:
    from tracker.tasks import send_due_reminders

    alice, bob = people_due(2)
    Entry.objects.create(user=bob, date=local_today(bob), pain=2)  # bob logged today
    [carol] = people_due(1, prefix="carol")
    later = timezone.now() + dt.timedelta(hours=1)
    Profile.objects.filter(user=carol).update(next_reminder_at=later)

    first = send_due_reminders.apply_async(ignore_result=False)
    second = send_due_reminders.apply_async(ignore_result=False)
    chunks = sum(
        1 for queued in (first.get(timeout=TIMEOUT), second.get(timeout=TIMEOUT)) if queued
    )
    wait_until(
        lambda: tasks_finished(celery_worker.log_path, "tracker.tasks.send_reminders") == chunks,
        "every queued chunk to finish",
    )
    wait_until(lambda: all_delivered([alice]), "alice's reminder to be delivered")

    [message] = reminders_of(alice)
    assert message.key == f"reminder:{alice.pk}:{local_today(alice).isoformat()}"
    assert message.url == "/today/"
    outcomes = dict(Delivery.objects.filter(message=message).values_list("channel", "outcome"))
    assert outcomes == {Channel.IN_APP: Outcome.SENT, Channel.EMAIL: Outcome.SENT}
    assert reminders_of(bob) == []
    assert reminders_of(carol) == []
    assert Profile.objects.get(user=carol).next_reminder_at == later
    tomorrow = Profile.objects.get(user=bob).next_reminder_at
    assert tomorrow is not None and tomorrow > timezone.now()


def test_a_worker_killed_mid_batch_loses_nobody_and_doubles_nobody(celery_worker) -> None:
    from notify.tasks import sweep_deliveries
    from tracker.tasks import send_due_reminders

    people = people_due(300)
    send_due_reminders.delay()
    wait_until(lambda: Message.objects.exists(), "the first reminders")
    celery_worker.kill()
    sent_before_the_kill = Message.objects.count()
    assert sent_before_the_kill < len(people), "the batch finished before the kill"

    celery_worker.start()
    send_due_reminders.delay()  # the next beat
    wait_until(lambda: Message.objects.count() >= len(people), "every person's reminder")
    per_person = Message.objects.values_list("user_id", flat=True)
    assert sorted(per_person) == sorted(person.pk for person in people)

    # Deliveries the killed worker held are retried by the sweeper once their lease is over.
    Delivery.objects.filter(outcome__in=[Outcome.PENDING, Outcome.RETRY]).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=10)
    )
    sweep_deliveries.delay()
    wait_until(lambda: all_delivered(people), "every delivery to be sent")
    assert Delivery.objects.filter(outcome=Outcome.SENT).count() == 2 * len(people)
    assert Message.objects.count() == len(people)


@pytest.fixture
def push_devices() -> Iterator[tuple[object, object]]:
    with push_service(201) as live, push_service(410) as gone:
        yield live, gone


def test_quiet_hours_hold_back_the_push_and_a_gone_device_is_forgotten(
    celery_worker, push_devices
) -> None:
    from tracker.tasks import send_due_reminders

    live, gone = push_devices
    alice, bob = people_due(2)
    for user, endpoint in ((alice, live.endpoint("alice")), (bob, gone.endpoint("bob"))):
        PushSubscription.objects.create(user=user, endpoint=endpoint, **browser_keys())
    now_local = timezone.now().astimezone(Profile.objects.get(user=alice).zone)
    NotificationPreference.objects.create(
        user=alice,
        quiet_hours_start=(now_local - dt.timedelta(hours=1)).time(),
        quiet_hours_end=(now_local + dt.timedelta(hours=1)).time(),
    )

    send_due_reminders.delay()
    wait_until(lambda: all_delivered([alice, bob]), "both reminders to be delivered")

    alice_channels = Delivery.objects.filter(message__user=alice).values_list("channel", "outcome")
    assert dict(alice_channels) == {Channel.IN_APP: Outcome.SENT, Channel.EMAIL: Outcome.SENT}
    assert live.received == []
    bob_push = Delivery.objects.get(message__user=bob, channel=Channel.PUSH)
    assert (bob_push.outcome, bob_push.attempts) == (Outcome.FAILED, 1)
    assert len(gone.received) == 1
    assert not PushSubscription.objects.filter(user=bob).exists()
    assert PushSubscription.objects.filter(user=alice).exists()
