"""Where a message goes: the person's choices, their devices, and their quiet hours."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from notify.models import Channel, Kind, NotificationPreference
from notify.preferences import channels_for
from tests.notify.conftest import subscribe_device

pytestmark = pytest.mark.django_db

IN_APP, EMAIL, PUSH = Channel.IN_APP, Channel.EMAIL, Channel.PUSH
# Alice lives in London; in January that is UTC.
NIGHT = dt.datetime(2026, 1, 14, 23, 30, tzinfo=dt.UTC)
MORNING = dt.datetime(2026, 1, 15, 7, 30, tzinfo=dt.UTC)


@pytest.fixture
def alice_with_phone(alice: User, vapid: dict[str, str]) -> User:
    subscribe_device(alice, "https://push.example.net/alice-phone")
    return alice


def at_their_clock(user: User, kind: str, at: dt.datetime) -> list[str]:
    """Where a message goes at `at`, given the person's time zone as the journal keeps it."""
    return channels_for(user, kind, at, zone=user.profile.zone)


def quiet(user: User, start: dt.time, end: dt.time, **choices: list[str]) -> None:
    NotificationPreference.objects.create(
        user=user, quiet_hours_start=start, quiet_hours_end=end, **choices
    )


def test_someone_who_never_chose_gets_everything_but_push_without_a_device(alice: User) -> None:
    assert channels_for(alice, Kind.REMINDER) == [IN_APP, EMAIL]
    assert channels_for(alice, Kind.SUMMARY) == [IN_APP, EMAIL]


def test_a_subscribed_phone_adds_push(alice_with_phone: User) -> None:
    assert channels_for(alice_with_phone, Kind.REMINDER) == [IN_APP, EMAIL, PUSH]


def test_no_push_when_the_server_has_no_vapid_key(alice_with_phone: User, settings) -> None:
    settings.VAPID_PRIVATE_KEY = ""
    assert channels_for(alice_with_phone, Kind.REMINDER) == [IN_APP, EMAIL]


def test_the_chosen_channels_are_followed(alice_with_phone: User) -> None:
    NotificationPreference.objects.create(
        user=alice_with_phone, reminder_channels=[PUSH], summary_channels=[EMAIL]
    )
    assert channels_for(alice_with_phone, Kind.REMINDER) == [PUSH]
    assert channels_for(alice_with_phone, Kind.SUMMARY) == [EMAIL]


def test_quiet_hours_across_midnight_hold_back_reminder_and_summary_pushes(
    alice_with_phone: User,
) -> None:
    quiet(alice_with_phone, dt.time(22), dt.time(7))
    assert at_their_clock(alice_with_phone, Kind.REMINDER, NIGHT) == [IN_APP, EMAIL]
    assert at_their_clock(alice_with_phone, Kind.SUMMARY, NIGHT) == [IN_APP, EMAIL]
    assert at_their_clock(alice_with_phone, Kind.REMINDER, MORNING) == [IN_APP, EMAIL, PUSH]


def test_quiet_hours_follow_the_persons_own_clock(alice_with_phone: User) -> None:
    alice_with_phone.profile.time_zone = "America/New_York"
    alice_with_phone.profile.save()
    quiet(alice_with_phone, dt.time(22), dt.time(7))
    # 23:30 in London is 18:30 in New York: not quiet there.
    assert PUSH in at_their_clock(alice_with_phone, Kind.REMINDER, NIGHT)


def test_quiet_hours_within_one_day(alice_with_phone: User) -> None:
    quiet(alice_with_phone, dt.time(13), dt.time(14))
    lunch = dt.datetime(2026, 1, 14, 13, 0, tzinfo=dt.UTC)
    assert PUSH not in at_their_clock(alice_with_phone, Kind.REMINDER, lunch)
    assert PUSH in at_their_clock(alice_with_phone, Kind.REMINDER, lunch.replace(hour=14))


def test_escalations_always_go_in_app_and_by_email_even_in_quiet_hours(
    alice_with_phone: User,
) -> None:
    quiet(alice_with_phone, dt.time(22), dt.time(7), escalation_channels=[PUSH])
    assert channels_for(alice_with_phone, Kind.ESCALATION, at=NIGHT) == [IN_APP, EMAIL, PUSH]


def test_escalations_reach_someone_who_turned_every_channel_off(alice: User) -> None:
    NotificationPreference.objects.create(user=alice, escalation_channels=[])
    assert channels_for(alice, Kind.ESCALATION) == [IN_APP, EMAIL]


def test_alerts_to_a_physiotherapist_go_in_app_and_by_email(physio: User, vapid) -> None:
    subscribe_device(physio, "https://push.example.net/physio-phone")
    assert channels_for(physio, Kind.PHYSIO_ALERT) == [IN_APP, EMAIL]
