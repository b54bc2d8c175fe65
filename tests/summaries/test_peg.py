"""The weekly PEG questions: pain, enjoyment of life and general activity, each 0 to 10."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from summaries.models import PegResponse
from summaries.numbers import PegAnswers, compute_week
from summaries.words import in_words

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 16)
# Thursday 19 November 2026, noon in London.
THURSDAY_NOON = dt.datetime(2026, 11, 19, 12, 0, tzinfo=dt.UTC)
ANSWERS = {"pain": "5", "enjoyment": "6", "activity": "6"}


@pytest.fixture
def on_thursday():
    with time_machine.travel(THURSDAY_NOON, tick=False):
        yield


def test_the_page_asks_three_questions_on_eleven_point_scales(alice_client, on_thursday) -> None:
    page = alice_client.get(reverse("summaries:peg")).content.decode()
    assert page.count('type="radio"') == 33
    assert page.count('role="radiogroup"') == 3
    assert "enjoying life" in page and "everyday activities" in page
    assert "style=" not in page


def test_answers_are_stored_for_this_week_with_their_score(
    alice_client, alice, on_thursday
) -> None:
    response = alice_client.post(reverse("summaries:peg"), ANSWERS, follow=True)
    answer = PegResponse.objects.get(user=alice)
    assert (answer.week_start, answer.pain, answer.enjoyment, answer.activity) == (
        MONDAY, 5, 6, 6
    )  # fmt: skip
    # (5 + 6 + 6) / 3 = 5.67, shown to one decimal.
    assert "Your PEG score for this week is 5.7." in response.content.decode()


def test_answering_again_the_same_week_corrects_the_answers(
    alice_client, alice, on_thursday
) -> None:
    alice_client.post(reverse("summaries:peg"), ANSWERS)
    alice_client.post(reverse("summaries:peg"), {**ANSWERS, "pain": "2"})
    assert PegResponse.objects.get(user=alice).pain == 2


def test_last_weeks_questions_may_still_be_answered_from_the_summary_link(
    alice_client, alice, on_thursday
) -> None:
    last_week = MONDAY - dt.timedelta(days=7)
    url = reverse("summaries:peg") + f"?week={last_week.isoformat()}"
    alice_client.post(url, ANSWERS)
    assert PegResponse.objects.get(user=alice).week_start == last_week


@pytest.mark.parametrize("week", ["2026-11-02", "2026-11-23", "not-a-date", "2026-02-30"])
def test_any_other_week_in_the_link_means_this_week(alice_client, alice, on_thursday, week) -> None:
    alice_client.post(reverse("summaries:peg") + f"?week={week}", ANSWERS)
    assert PegResponse.objects.get(user=alice).week_start == MONDAY


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pain", "11", "Choose a whole number from 0 to 10."),
        ("enjoyment", "lots", "Choose a whole number from 0 to 10."),
        ("activity", "-1", "Choose a whole number from 0 to 10."),
        ("pain", "", "Choose a number from 0 to 10."),
    ],
)
def test_a_bad_answer_gets_a_message_at_its_question(
    alice_client, on_thursday, field, value, message
) -> None:
    response = alice_client.post(reverse("summaries:peg"), {**ANSWERS, field: value})
    assert response.status_code == 422
    page = response.content.decode()
    question = page.index(f'id="id_{field}_legend"')
    next_question = page.find("</fieldset>", question)
    assert message in page[question:next_question]
    assert not PegResponse.objects.exists()


def test_the_questions_are_for_patients_only(client, physio) -> None:
    client.force_login(physio)
    assert client.get(reverse("summaries:peg")).status_code == 404


def test_the_summary_shows_the_score_and_its_change_from_last_week() -> None:
    numbers = compute_week(
        [], [], MONDAY, peg=PegAnswers(5, 6, 6), previous_peg=PegAnswers(7, 7, 6)
    )
    # (5 + 6 + 6) / 3 = 5.67 and (7 + 7 + 6) / 3 = 6.67: one point lower.
    assert numbers.peg == pytest.approx(5.667, abs=0.001)
    assert numbers.peg_change == pytest.approx(-1.0)
    assert in_words(numbers).peg == (
        "Your PEG score this week is 5.7 out of 10. That is 1.0 lower than last week (6.7)."
    )


def test_without_last_weeks_answers_the_summary_shows_the_score_alone() -> None:
    numbers = compute_week([], [], MONDAY, peg=PegAnswers(2, 3, 3))
    assert numbers.peg_change is None
    assert in_words(numbers).peg == "Your PEG score this week is 2.7 out of 10."


def test_a_higher_score_reads_as_higher() -> None:
    numbers = compute_week(
        [], [], MONDAY, peg=PegAnswers(6, 6, 6), previous_peg=PegAnswers(4, 4, 5)
    )
    assert in_words(numbers).peg == (
        "Your PEG score this week is 6.0 out of 10. That is 1.7 higher than last week (4.3)."
    )
