"""Red-flags.md v2, "new occurrence": an acknowledged finding opens again only on new
information, never for the passing of time or an unrelated correction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notify.models import Kind, Message
from tracker.models import Entry
from tracker.services import delete_entry, save_entry, update_profile
from triage import escalation
from triage.models import Finding, FindingState
from triage.services import acknowledge, recheck

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 26)  # alice lives in Europe/London


@pytest.fixture(autouse=True)
def at_noon() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def log(user: User, day: dt.date, **answers: object) -> Entry:
    existing = Entry.objects.filter(user=user, date=day).first()
    saved = save_entry(user=user, values={"date": day, "pain": 3, **answers}, editing=existing)
    return saved.entry


def acknowledge_all(user: User) -> None:
    for finding in Finding.objects.filter(user=user, state=FindingState.OPEN):
        acknowledge(finding=finding, by=user)


def open_codes(user: User) -> set[str]:
    return set(
        Finding.objects.filter(user=user, state=FindingState.OPEN).values_list("code", flat=True)
    )


def first_prompts_sent(user: User) -> int:
    return Message.objects.filter(user=user, kind=Kind.ESCALATION).count()


# --- symptom flags ------------------------------------------------------------------------


def test_correcting_the_pain_of_an_old_entry_with_an_acknowledged_symptom_alerts_nothing(
    alice,
) -> None:
    log(alice, ago(4), symptoms=["chest_pain"])
    assert first_prompts_sent(alice) == 1
    acknowledge_all(alice)

    log(alice, ago(4), pain=8, symptoms=["chest_pain"])

    assert open_codes(alice) == set()
    assert first_prompts_sent(alice) == 1


def test_ticking_the_symptom_on_an_entry_that_did_not_have_it_opens_a_new_finding(alice) -> None:
    log(alice, ago(4), symptoms=["chest_pain"])
    log(alice, ago(2))
    acknowledge_all(alice)

    log(alice, ago(2), symptoms=["chest_pain"])

    assert open_codes(alice) == {"CHEST_PAIN"}
    assert first_prompts_sent(alice) == 2


def test_a_new_entry_with_the_symptom_opens_a_new_finding(alice) -> None:
    log(alice, ago(1), symptoms=["fever"])
    acknowledge_all(alice)
    log(alice, TODAY, symptoms=["fever"])
    assert open_codes(alice) == {"FEVER"}


def test_an_older_day_leaving_the_window_alerts_nothing(alice, at_noon) -> None:
    log(alice, ago(6), symptoms=["chest_pain"])
    log(alice, ago(5), symptoms=["chest_pain"])
    finding = Finding.objects.get(user=alice, code="CHEST_PAIN")
    assert finding.evidence == "Chest pain reported on 2 of the last 7 days."
    acknowledge_all(alice)

    at_noon.shift(dt.timedelta(days=1))
    log(alice, TODAY + dt.timedelta(days=1), pain=2)
    recheck(alice)

    assert open_codes(alice) == set()
    assert Finding.objects.filter(user=alice, code="CHEST_PAIN").count() == 1
    assert first_prompts_sent(alice) == 1


# --- trend flags --------------------------------------------------------------------------


def worse_night(user: User, day: dt.date, **answers: object) -> Entry:
    return log(user, day, **{"pain": 2, "night_pain": 6, **answers})


def test_a_fourth_worse_night_reopens_an_acknowledged_night_worse(alice) -> None:
    for day in (ago(5), ago(3), ago(1)):
        worse_night(alice, day)
    assert open_codes(alice) == {"NIGHT_WORSE"}
    acknowledge_all(alice)

    worse_night(alice, TODAY)

    assert open_codes(alice) == {"NIGHT_WORSE"}
    assert first_prompts_sent(alice) == 2


def test_re_saving_one_of_the_same_three_nights_does_not_reopen_night_worse(alice) -> None:
    for day in (ago(5), ago(3), ago(1)):
        worse_night(alice, day)
    acknowledge_all(alice)

    worse_night(alice, ago(3), notes="slept a little better in the morning", night_pain=7)
    log(alice, TODAY, pain=2, night_pain=2)

    assert open_codes(alice) == set()
    assert first_prompts_sent(alice) == 1


def test_one_of_three_nights_leaving_the_window_does_not_reopen_night_worse(alice, at_noon) -> None:
    for day in (ago(6), ago(5), ago(4), ago(3)):
        worse_night(alice, day)
    acknowledge_all(alice)
    at_noon.shift(dt.timedelta(days=1))
    recheck(alice)
    assert open_codes(alice) == set()


def test_an_acknowledged_trend_from_before_days_were_recorded_stays_quiet_until_it_changes(
    alice,
) -> None:
    for day in (ago(5), ago(3), ago(1)):
        worse_night(alice, day)
    acknowledge_all(alice)
    Finding.objects.filter(user=alice).update(days=[])  # as acknowledged before version 2

    recheck(alice)
    assert open_codes(alice) == set()
    worse_night(alice, TODAY)
    assert open_codes(alice) == {"NIGHT_WORSE"}


def test_nights_woken_with_no_night_pain_raise_nothing(alice) -> None:
    for day in (ago(2), ago(1), TODAY):
        log(alice, day, pain=0, night_pain=0, woke_at_night=True)
    assert open_codes(alice) == set()
    assert not Message.objects.exists()


# --- profile flags ------------------------------------------------------------------------


def test_saving_the_same_profile_answers_again_does_not_reopen_an_acknowledged_flag(alice) -> None:
    update_profile(user=alice, values={"history": ["cancer"]})
    acknowledge_all(alice)
    update_profile(user=alice, values={"history": ["cancer"], "reminder_time": dt.time(20)})
    assert open_codes(alice) == set()


def test_an_answer_removed_and_given_again_reopens_its_flag(alice) -> None:
    update_profile(user=alice, values={"location": ["top_of_back"]})
    acknowledge_all(alice)
    update_profile(user=alice, values={"location": ["middle_back"]})
    assert open_codes(alice) == set()
    update_profile(user=alice, values={"location": ["middle_back", "top_of_back"]})
    assert open_codes(alice) == {"TOP_OF_BACK"}


def test_a_new_year_changing_the_age_sentence_does_not_reopen_an_acknowledged_age_flag(
    alice, at_noon
) -> None:
    update_profile(user=alice, values={"birth_year": 1960})
    acknowledge_all(alice)
    at_noon.move_to(dt.datetime(2027, 1, 2, 12, tzinfo=dt.UTC))
    recheck(alice)
    assert open_codes(alice) == set()


def test_a_profile_flag_dates_from_the_persons_local_day_the_answer_was_given(alice) -> None:
    alice.profile.time_zone = "Pacific/Kiritimati"  # UTC+14: already 27 November there
    alice.profile.created_at = timezone.now() - dt.timedelta(days=40)
    alice.profile.save()
    update_profile(user=alice, values={"history": ["osteoporosis"]})
    finding = Finding.objects.get(user=alice, code="OSTEOPOROSIS")
    assert finding.since == dt.date(2026, 11, 27)
    alice.profile.refresh_from_db()
    assert alice.profile.answered_on == {"OSTEOPOROSIS": "2026-11-27"}


# --- an entry deleted under an open urgent finding ----------------------------------------


def test_deleting_the_entry_behind_an_urgent_finding_keeps_it_open_and_says_it_was_removed(
    alice, alice_client
) -> None:
    entry = log(alice, ago(1), symptoms=["saddle_numbness"])
    delete_entry(entry=entry)

    finding = Finding.objects.get(user=alice)
    assert (finding.state, finding.still_present, finding.entry_removed) == ("open", False, True)
    page = alice_client.get(reverse("tracker:history")).content.decode()
    assert "You deleted the diary entry behind this flag" in page
    assert "You reported something" not in page
    Finding.objects.filter(pk=finding.pk).update(first_seen=timezone.now() - dt.timedelta(days=2))
    assert escalation.send_due_reprompts() == 1
    reprompt = Message.objects.get(user=alice, key=f"escalation:{finding.pk}:reprompt")
    assert "You deleted the diary entry behind the flag" in reprompt.body
    assert "If you do have it: See a doctor immediately" in reprompt.body


def test_logging_the_symptom_again_after_deleting_its_entry_clears_the_removed_note(alice) -> None:
    delete_entry(entry=log(alice, ago(1), symptoms=["fever"]))
    log(alice, TODAY, symptoms=["fever"])
    finding = Finding.objects.get(user=alice, state=FindingState.OPEN)
    assert (finding.still_present, finding.entry_removed) == (True, False)
