from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import User
from notify.models import Message
from tests.conftest import PASSWORD
from triage.models import FindingState, ProfileFlagClearance

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
    answers = {
        "birth_year": "1970",
        "pain_started": "2026-10-01",
        "history": ["osteoporosis"],
        "onset": ["heavy_lifting"],
        "location": ["middle_back", "lower_ribs"],
        "time_zone": "America/New_York",
        "reminder_time": "19:30",
    }
    asked = client.post(reverse("tracker:onboarding"), answers)
    assert "Has a doctor already examined you for this pain?" in asked.content.decode()
    response = client.post(
        reverse("tracker:onboarding"),
        {**answers, "examined_asked": "AGE HEAVY_LIFTING OSTEOPOROSIS", "already_examined": "no"},
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


BETWEEN_THE_SHOULDER_BLADES = {
    "location": ["between_shoulder_blades"],
    "time_zone": "Europe/London",
}


def test_a_raised_profile_flag_brings_the_question_back_before_anything_is_saved(
    client, newcomer
) -> None:
    response = client.post(reverse("tracker:onboarding"), BETWEEN_THE_SHOULDER_BLADES)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Has a doctor already examined you for this pain?" in page
    assert "Pain at the top of the back or between the shoulders" in page
    assert 'name="examined_asked"' in page
    newcomer.profile.refresh_from_db()
    assert newcomer.profile.onboarded_at is None
    assert not newcomer.findings.exists()


def test_already_examined_yes_leaves_no_urgent_banner_and_shows_the_flag_as_checked(
    client, newcomer
) -> None:
    response = client.post(
        reverse("tracker:onboarding"),
        {**BETWEEN_THE_SHOULDER_BLADES, "examined_asked": "TOP_OF_BACK", "already_examined": "yes"},
    )
    assert response.status_code == 302
    today = client.get(reverse("tracker:today"), follow=True).content.decode()
    assert 'class="urgent-banner"' not in today
    flags = client.get(reverse("triage:my_flags")).content.decode()
    assert "Pain at the top of the back or between the shoulders: marked checked by" in flags
    clearance = ProfileFlagClearance.objects.get(user=newcomer)
    assert (clearance.code, clearance.cleared_by, clearance.undone_at) == (
        "TOP_OF_BACK", newcomer, None,
    )  # fmt: skip
    assert not newcomer.findings.filter(state=FindingState.OPEN).exists()
    assert not Message.objects.filter(user=newcomer).exists()  # no prompt was written


@pytest.mark.parametrize("answer", ["no", ""])
def test_already_examined_no_or_no_answer_leaves_the_flag_open(client, newcomer, answer) -> None:
    client.post(
        reverse("tracker:onboarding"),
        {
            **BETWEEN_THE_SHOULDER_BLADES,
            "examined_asked": "TOP_OF_BACK",
            "already_examined": answer,
        },
    )
    assert newcomer.findings.filter(code="TOP_OF_BACK", state=FindingState.OPEN).exists()
    assert not ProfileFlagClearance.objects.exists()
    page = client.get(reverse("tracker:today"), follow=True).content.decode()
    assert 'class="urgent-banner"' in page


def test_answers_that_raise_no_flag_are_saved_without_the_question(client, newcomer) -> None:
    response = client.post(
        reverse("tracker:onboarding"), {"location": ["middle_back"], "time_zone": "Europe/London"}
    )
    assert response.status_code == 302


def test_changing_answers_later_does_not_ask_the_question(client, newcomer) -> None:
    client.post(reverse("tracker:onboarding"), {"time_zone": "Europe/London"})
    response = client.post(reverse("tracker:onboarding"), BETWEEN_THE_SHOULDER_BLADES)
    assert response.status_code == 302
    assert newcomer.findings.filter(code="TOP_OF_BACK", state=FindingState.OPEN).exists()


def test_answers_changed_under_the_question_are_asked_about_again_before_any_is_cleared(
    client, newcomer
) -> None:
    response = client.post(
        reverse("tracker:onboarding"),
        {
            **BETWEEN_THE_SHOULDER_BLADES,
            "history": ["cancer"],
            "examined_asked": "TOP_OF_BACK",
            "already_examined": "yes",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A history of cancer" in page
    assert 'value="CANCER_HISTORY TOP_OF_BACK"' in page
    assert not ProfileFlagClearance.objects.exists()
    assert not newcomer.findings.exists()
