from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(client) -> User:
    user = User.objects.create_user("new@example.com", PASSWORD)
    client.force_login(user)
    return user


def test_a_patient_is_sent_to_onboarding_before_anything_else(client, newcomer) -> None:
    response = client.get(reverse("tracker:today"))
    assert response.status_code == 302
    assert response["Location"] == reverse("tracker:onboarding")


def test_onboarding_stores_the_profile_and_time_zone(client, newcomer) -> None:
    response = client.post(
        reverse("tracker:onboarding"),
        {
            "birth_year": "1970",
            "pain_started": "2026-10-01",
            "history": ["osteoporosis"],
            "onset": ["heavy_lifting"],
            "location": ["middle_back", "lower_ribs"],
            "time_zone": "America/New_York",
            "reminder_time": "19:30",
        },
    )
    assert response.status_code == 302
    profile = newcomer.profile
    profile.refresh_from_db()
    assert profile.birth_year == 1970
    assert profile.pain_started == dt.date(2026, 10, 1)
    assert profile.history == ["osteoporosis"]
    assert profile.location == ["lower_ribs", "middle_back"]
    assert profile.time_zone == "America/New_York"
    assert profile.reminder_time == dt.time(19, 30)
    assert profile.next_reminder_at is not None
    assert profile.onboarded_at is not None
    assert newcomer.findings.filter(code__in=["AGE", "OSTEOPOROSIS", "HEAVY_LIFTING"]).count() == 3


def test_every_question_may_be_left_unanswered(client, newcomer) -> None:
    response = client.post(reverse("tracker:onboarding"), {"time_zone": "Europe/Paris"})
    assert response.status_code == 302
    newcomer.profile.refresh_from_db()
    assert newcomer.profile.birth_year is None
    assert newcomer.profile.reminder_time is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus", "do not know this time zone"),
        ("birth_year", "19x0", "four digits"),
        ("birth_year", "1800", "Enter a year between"),
        ("pain_started", "2026-02-30", "real date"),
        ("reminder_time", "25:99", "time like 20:00"),
    ],
)
def test_bad_answers_get_a_message_at_the_field(client, newcomer, field, value, message) -> None:
    data = {"time_zone": "Europe/London", field: value}
    response = client.post(reverse("tracker:onboarding"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert value in response.content.decode()
