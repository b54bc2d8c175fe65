"""The notification settings page: channels, quiet hours, reminder time, pause, time zone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from notify.models import NotificationPreference
from tests.notify.conftest import subscribe_device
from tracker.models import Profile

pytestmark = pytest.mark.django_db

PAGE = reverse("tracker:notification_settings")
NOW = dt.datetime(2026, 1, 14, 12, tzinfo=dt.UTC)  # noon in London


def form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reminder_channels": ["in_app", "push"],
        "escalation_channels": [],
        "summary_channels": ["email"],
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "07:00",
        "reminder_time": "20:00",
        "pause_days": "0",
        "time_zone": "Europe/London",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def at_noon():
    with time_machine.travel(NOW, tick=False):
        yield


def profile_of(user: User) -> Profile:
    return Profile.objects.get(user=user)


def test_the_page_needs_a_login(client) -> None:
    assert client.get(PAGE).status_code == 302


def test_the_page_is_for_patients(client, physio) -> None:
    client.force_login(physio)
    assert client.get(PAGE).status_code == 404


def test_the_page_shows_the_defaults_before_anything_is_chosen(alice_client, vapid) -> None:
    page = alice_client.get(PAGE).content.decode()
    assert "Urgent flags" in page
    assert "No phone has allowed push notifications yet" in page
    assert not NotificationPreference.objects.exists()


@pytest.fixture
def alice_phone(alice: User):
    return subscribe_device(alice, "https://push.example.net/alice")


def test_urgent_flags_show_in_app_and_email_ticked_and_fixed(alice_client, alice_phone) -> None:
    page = alice_client.get(PAGE).content.decode()
    assert page.count("disabled") == 2


def test_push_is_ticked_only_once_a_phone_has_allowed_it(alice_client, alice) -> None:
    before = alice_client.get(PAGE).content.decode()
    push_boxes = re.findall(r'<input[^>]*value="push"[^>]*>', before)
    assert len(push_boxes) == 3
    assert all("checked" not in box and "disabled" in box for box in push_boxes)
    subscribe_device(alice, "https://push.example.net/alice")
    after = alice_client.get(PAGE).content.decode()
    push_boxes = re.findall(r'<input[^>]*value="push"[^>]*>', after)
    assert all("checked" in box and "disabled" not in box for box in push_boxes)


def test_saving_with_no_phone_keeps_the_push_choice_for_when_one_allows_it(
    alice_client, alice
) -> None:
    alice_client.post(PAGE, form(reminder_channels=["email"], summary_channels=["email"]))
    preference = NotificationPreference.objects.get(user=alice)
    assert preference.reminder_channels == ["email", "push"]
    assert preference.summary_channels == ["email", "push"]


def test_saving_stores_channels_and_quiet_hours(alice_client, alice, alice_phone, at_noon) -> None:
    response = alice_client.post(PAGE, form())
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=alice)
    assert preference.reminder_channels == ["in_app", "push"]
    assert preference.summary_channels == ["email"]
    assert preference.escalation_channels == ["in_app", "email"]
    assert (preference.quiet_hours_start, preference.quiet_hours_end) == (dt.time(22), dt.time(7))


def test_escalations_keep_in_app_and_email_whatever_is_posted(alice_client, alice) -> None:
    alice_client.post(PAGE, form(escalation_channels=["push"]))
    assert NotificationPreference.objects.get(user=alice).escalation_channels == [
        "in_app",
        "email",
        "push",
    ]


def test_a_new_reminder_time_moves_the_next_reminder(alice_client, alice, at_noon) -> None:
    alice_client.post(PAGE, form(reminder_time="18:30"))
    assert profile_of(alice).next_reminder_at == dt.datetime(2026, 1, 14, 18, 30, tzinfo=dt.UTC)


def test_a_new_time_zone_moves_the_next_reminder(alice_client, alice, at_noon) -> None:
    alice_client.post(PAGE, form(time_zone="America/New_York"))
    profile = profile_of(alice)
    assert profile.time_zone == "America/New_York"
    assert profile.next_reminder_at == dt.datetime(2026, 1, 15, 1, tzinfo=dt.UTC)


def test_saving_unchanged_reminder_settings_leaves_the_slot_alone(
    alice_client, alice, at_noon
) -> None:
    due = dt.datetime(2026, 1, 14, 11, 59, tzinfo=dt.UTC)  # due, not yet sent
    Profile.objects.filter(user=alice).update(reminder_time=dt.time(11, 59), next_reminder_at=due)
    alice_client.post(PAGE, form(reminder_time="11:59"))
    assert profile_of(alice).next_reminder_at == due


def test_pausing_for_three_days_skips_today_and_the_next_two(alice_client, alice, at_noon):
    alice_client.post(PAGE, form(pause_days="3"))
    profile = profile_of(alice)
    assert profile.reminders_paused_until == dt.date(2026, 1, 16)
    assert profile.next_reminder_at == dt.datetime(2026, 1, 17, 20, tzinfo=dt.UTC)
    page = alice_client.get(PAGE).content.decode()
    assert "paused until the end of Friday 16 January" in page
    assert 'name="pause_days" value="3"' in page


def test_a_pause_of_zero_days_resumes_reminders(alice_client, alice, at_noon) -> None:
    alice_client.post(PAGE, form(pause_days="5"))
    alice_client.post(PAGE, form(pause_days="0"))
    profile = profile_of(alice)
    assert profile.reminders_paused_until is None
    assert profile.next_reminder_at == dt.datetime(2026, 1, 14, 20, tzinfo=dt.UTC)


def test_no_reminder_time_means_no_reminder(alice_client, alice) -> None:
    alice_client.post(PAGE, form(reminder_time=""))
    assert profile_of(alice).next_reminder_at is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "do not know this time zone"),
        ({"pause_days": "31"}, "from 0 to 30"),
        ({"pause_days": "-1"}, "from 0 to 30"),
        ({"pause_days": "two"}, "from 0 to 30"),
        ({"quiet_hours_end": ""}, "both a start and an end"),
        ({"quiet_hours_end": "22:00"}, "must differ from the start"),
        ({"quiet_hours_start": "25:00"}, "time like 22:00"),
        ({"reminder_time": "8pm"}, "time like 20:00"),
        ({"reminder_channels": ["carrier_pigeon"]}, "Select a valid choice"),
    ],
)
def test_bad_answers_get_a_message_and_change_nothing(alice_client, alice, changes, message):
    response = alice_client.post(PAGE, form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_old_address_of_the_settings_leads_to_them(alice_client) -> None:
    response = alice_client.get("/notifications/preferences/")
    assert response.status_code == 302
    assert response["Location"] == PAGE


def test_an_exercise_reminder_time_sets_its_own_slot(alice_client, alice, at_noon) -> None:
    alice_client.post(PAGE, form(exercise_reminder_time="08:15"))
    profile = profile_of(alice)
    assert profile.exercise_reminder_time == dt.time(8, 15)
    assert profile.next_exercise_reminder_at == dt.datetime(2026, 1, 15, 8, 15, tzinfo=dt.UTC)
    assert profile.next_reminder_at == dt.datetime(2026, 1, 14, 20, tzinfo=dt.UTC)
    alice_client.post(PAGE, form(exercise_reminder_time=""))
    assert profile_of(alice).next_exercise_reminder_at is None


def test_a_bad_exercise_reminder_time_is_said_at_the_field(alice_client, alice) -> None:
    response = alice_client.post(PAGE, form(exercise_reminder_time="25:00"))
    assert response.status_code == 200
    assert "Enter a time like 08:00, or leave it empty." in response.content.decode()
