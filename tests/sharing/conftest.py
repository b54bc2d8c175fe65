"""Named people and a few builders for the physiotherapist's side: a live share between
alice and the approved physiotherapist, and entries and findings made in one line."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from sharing.models import Share
from tests.conftest import PASSWORD, enable_second_factor
from tracker.models import Entry
from triage.models import Finding, FindingState, Level


def today() -> dt.date:
    return timezone.now().date()


def share_between(patient: User, physio: User, **terms: object) -> Share:
    return Share.objects.create(patient=patient, physiotherapist=physio, **terms)


def log(user: User, days_ago: int, pain: int, **fields: object) -> Entry:
    return Entry.objects.create(
        user=user, date=today() - dt.timedelta(days=days_ago), pain=pain, **fields
    )


def open_finding(user: User, code: str, level: str = Level.URGENT, **fields: Any) -> Finding:
    return Finding.objects.create(
        user=user,
        code=code,
        level=level,
        evidence=fields.pop("evidence", f"{code} evidence."),
        since=today(),
        state=FindingState.OPEN,
        **fields,
    )


@pytest.fixture
def other_physio(db: None) -> User:
    user = User.objects.create_user(
        "dana@example.com",
        PASSWORD,
        display_name="Dana",
        role=Role.PHYSIOTHERAPIST,
        registration_number="PH0003",
        approved_at=timezone.now(),
    )
    enable_second_factor(user)
    return user


@pytest.fixture
def share(alice: User, physio: User) -> Share:
    return share_between(alice, physio)


@pytest.fixture
def physio_client(physio: User) -> Client:
    """A second browser, so a test can hold the patient's and the physio's side at once."""
    browser = Client()
    browser.force_login(physio)
    return browser
