from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import User
from notify import attempts, queue
from notify.models import PushSubscription
from notify.vapid_dev import generate_keys
from tests.notify.push_stub import browser_keys


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """The shared people have passwords; hashing them properly is most of a test's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_pace_and_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a fresh worker process would: no send timed yet, and no broker
    failure remembered from an earlier test."""
    monkeypatch.setattr(attempts, "PACE", attempts.Pace())
    queue.PAUSE.end()


@pytest.fixture
def vapid(settings) -> dict[str, str]:
    keys = generate_keys()
    settings.VAPID_PUBLIC_KEY = keys["public_key"]
    settings.VAPID_PRIVATE_KEY = keys["private_key"]
    return keys


def subscribe_device(user: User, endpoint: str) -> PushSubscription:
    keys = browser_keys()
    return PushSubscription.objects.create(
        user=user,
        endpoint=endpoint,
        p256dh=keys["p256dh"],
        auth=keys["auth"],
        created_at=timezone.now(),
    )
