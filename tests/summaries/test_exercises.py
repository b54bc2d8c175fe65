"""The weekly summary and exercise plans: the week's sessions, plan days with exercises in
"what seems to help", old stored summaries, the message, and the queries per chunk."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from exercises import plans
from exercises.adherence import (
    Adherence,
    LoggedDay,
    PlanSchedule,
    ScheduledExercise,
    VersionSchedule,
    count_days,
)
from exercises.plans import Prescription
from notify.models import Message
from summaries.models import WeeklySummary
from summaries.numbers import EXERCISE_PLAN, WeekNumbers, compute_week
from summaries.services import build_due_summaries, compute_weeks
from summaries.words import in_words
from tests.conftest import make_patient
from tracker.models import Entry
from triage.diary import EntryData

MONDAY = dt.date(2026, 11, 16)
SUNDAY = MONDAY + dt.timedelta(days=6)
WINDOW_START = SUNDAY - dt.timedelta(days=27)
LONDON = zoneinfo.ZoneInfo("Europe/London")
# Sunday 22 November 2026, 18:30 in London: the default moment of that week's summary.
LONDON_SUNDAY_EVENING = dt.datetime(2026, 11, 22, 18, 30, tzinfo=dt.UTC)
EVERY_DAY = frozenset(range(7))
MONDAY_WEDNESDAY_FRIDAY = frozenset({0, 2, 4})


def day(offset: int) -> dt.date:
    """A day of the summarised week: 0 is Monday 16 November, -7 the Monday before."""
    return MONDAY + dt.timedelta(days=offset)


def plan(*exercises: ScheduledExercise, accepted: int = -27) -> PlanSchedule:
    return PlanSchedule(
        accepted_on=day(accepted),
        ended_on=None,
        versions=(VersionSchedule(starts_on=day(accepted), exercises=exercises),),
    )


def chin_tucks(times_a_day: int = 1, weekdays: frozenset[int] = EVERY_DAY) -> ScheduledExercise:
    return ScheduledExercise("chin-tuck", "Chin tucks", times_a_day, weekdays)


def rows(times_a_day: int = 1, weekdays: frozenset[int] = EVERY_DAY) -> ScheduledExercise:
    return ScheduledExercise("rows", "Band rows", times_a_day, weekdays)


def week_with(
    schedule: PlanSchedule,
    marks: dict[int, dict[str, str]],
    entries: Sequence[EntryData] = (),
    today: dt.date = SUNDAY,
) -> WeekNumbers:
    logged = {day(offset): LoggedDay(marks=ticked) for offset, ticked in marks.items()}
    counts = count_days(WINDOW_START, SUNDAY, [schedule], logged, today)
    return compute_week(entries, [], MONDAY, exercise_days=counts)


def pain(offset: int, value: int) -> EntryData:
    return EntryData(date=day(offset), pain=value)


# --- The week's sessions -------------------------------------------------------------------


def test_done_counts_whole_sessions_and_some_half_of_them() -> None:
    # Chin tucks twice a day every day (14 sessions), rows on Monday, Wednesday and Friday (3).
    numbers = week_with(
        plan(chin_tucks(times_a_day=2), rows(weekdays=MONDAY_WEDNESDAY_FRIDAY)),
        {
            0: {"chin-tuck": "done", "rows": "done"},  # 2 + 1
            1: {"chin-tuck": "some"},  # 1
            2: {"chin-tuck": "not_today", "rows": "some"},  # 0 + 0.5
            3: {"chin-tuck": "done"},  # 2
            # Friday to Sunday: nothing logged.
        },
    )
    assert numbers.exercises == Adherence(prescribed=17, done=6.5)
    assert in_words(numbers).exercises == "Exercises: 6.5 of 17 sessions done (38%)"


def test_a_plan_accepted_mid_week_counts_from_that_day() -> None:
    numbers = week_with(
        plan(chin_tucks(), accepted=3),  # Thursday
        {1: {"chin-tuck": "done"}, 3: {"chin-tuck": "done"}, 4: {"chin-tuck": "done"},
         5: {"chin-tuck": "done"}},
    )  # fmt: skip
    # Tuesday's tick was before the plan: Thursday to Sunday, 3 of 4.
    assert numbers.exercises == Adherence(prescribed=4, done=3)
    assert in_words(numbers).exercises == "Exercises: 3 of 4 sessions done (75%)"


def test_days_off_in_the_schedule_are_not_sessions() -> None:
    numbers = week_with(
        plan(rows(weekdays=MONDAY_WEDNESDAY_FRIDAY)),
        {0: {"rows": "done"}, 1: {"rows": "done"}, 2: {"rows": "done"}},
    )
    # Tuesday is a day off: done or not, it is not one of the 3 sessions.
    assert numbers.exercises == Adherence(prescribed=3, done=2)


def test_days_after_the_persons_today_are_not_yet_due() -> None:
    numbers = week_with(plan(chin_tucks()), {0: {"chin-tuck": "done"}}, today=day(2))
    assert numbers.exercises == Adherence(prescribed=3, done=1)


def test_without_a_plan_the_summary_says_nothing_about_exercises() -> None:
    numbers = compute_week([pain(0, 3)], [], MONDAY)
    assert numbers.exercises is None
    assert in_words(numbers).exercises is None


def test_a_plan_with_no_session_due_this_week_says_nothing_either() -> None:
    # Accepted on Sunday for Mondays only: the first session is next week.
    numbers = week_with(plan(rows(weekdays=frozenset({0})), accepted=6), {})
    assert numbers.exercises is None


# --- What seems to help ----------------------------------------------------------------------


def test_the_day_after_plan_days_with_exercises_is_compared_with_the_day_after_others() -> None:
    numbers = week_with(
        plan(rows(weekdays=MONDAY_WEDNESDAY_FRIDAY)),
        # Rows done (or some) on three plan days, nothing on three others.
        {-14: {"rows": "done"}, -7: {"rows": "some"}, 0: {"rows": "done"},
         -12: {"rows": "not_today"}},
        [pain(-13, 2), pain(-6, 3), pain(1, 1),  # the days after: 2.0 on average
         pain(-11, 5), pain(-9, 6), pain(3, 4),  # after plan days without: 5.0
         pain(-14, 9), pain(0, 9), pain(2, 9)],  # the plan days themselves: on neither side
    )  # fmt: skip
    (association,) = numbers.associations
    assert (association.item, association.days_with, association.days_without) == (
        EXERCISE_PLAN,
        3,
        3,
    )
    words = in_words(numbers)
    assert words.helps == (
        "The day after you did exercises from your plan your pain averaged 2.0, and 5.0 "
        "after plan days without them. This does not prove your exercise plan helps, but "
        "it may be worth keeping up.",
    )
    assert words.encouragement.startswith("Your plan's exercises went with your easier days.")


def test_with_too_few_plan_days_on_one_side_nothing_is_said() -> None:
    numbers = week_with(
        plan(rows(weekdays=MONDAY_WEDNESDAY_FRIDAY)),
        {-14: {"rows": "done"}, -7: {"rows": "done"}, 0: {"rows": "done"}},
        # Three days logged after plan days with rows, only two after plan days without.
        [pain(-13, 2), pain(-6, 2), pain(1, 2), pain(-11, 6), pain(3, 6)],
    )
    assert numbers.associations == ()
    assert in_words(numbers).helps == ()


def test_exercise_days_sort_with_the_diary_items_by_how_much_easier_they_went() -> None:
    numbers = week_with(
        plan(rows(weekdays=MONDAY_WEDNESDAY_FRIDAY)),
        {-14: {"rows": "done"}, -7: {"rows": "done"}, 0: {"rows": "done"}},
        [EntryData(date=day(-13), pain=3, activities=("walking",)),
         EntryData(date=day(-6), pain=3, activities=("walking",)),
         EntryData(date=day(1), pain=3, activities=("walking",)),
         pain(-11, 5), pain(-9, 5), pain(3, 5), pain(0, 1), pain(2, 1)],
    )  # fmt: skip
    # Walking: 3.0 against 3.4 (a 0.4 difference). After plan days: 3.0 against 5.0 (2.0).
    assert [a.item for a in numbers.helpful] == [EXERCISE_PLAN, "walking"]


# --- Stored numbers ----------------------------------------------------------------------------


def test_stored_numbers_keep_the_exercise_sessions() -> None:
    numbers = week_with(plan(chin_tucks()), {0: {"chin-tuck": "some"}}, [pain(0, 3)])
    assert WeekNumbers.from_json(numbers.to_json()) == numbers
    assert WeekNumbers.from_json(numbers.to_json()).exercises == Adherence(7, 0.5)


@pytest.mark.django_db
def test_a_summary_stored_before_exercise_plans_still_shows(alice_client, alice) -> None:
    numbers = compute_week([pain(n, 4) for n in range(4)], [], MONDAY).to_json()
    del numbers["exercises"]  # as stored before plans existed
    summary = WeeklySummary.objects.create(
        user=alice, week_start=MONDAY, days_logged=4, numbers=numbers
    )
    assert WeekNumbers.from_json(numbers).exercises is None
    response = alice_client.get(reverse("summaries:detail", args=[summary.pk]))
    assert response.status_code == 200
    assert "You logged 4 of 7 days this week." in response.text
    assert "Exercises:" not in response.text


# --- Loaded from the database, sent and shown ----------------------------------------------------


def prescribe(user: User, *, times_a_day: int = 1, accepted_on: dt.date = WINDOW_START) -> None:
    plans.choose_own_plan(
        patient=user,
        prescriptions=[Prescription(name="Band rows", times_a_day=times_a_day)],
        today=accepted_on,
    )


def tick(user: User, offset: int, done: str) -> None:
    plans.record_exercise_day(patient=user, day=day(offset), marks={"own-band-rows": done})


@pytest.mark.django_db
def test_the_message_and_the_page_give_the_weeks_sessions(
    alice, alice_client, django_capture_on_commit_callbacks
) -> None:
    prescribe(alice, accepted_on=day(3))  # Thursday: 4 sessions this week
    for offset in (3, 4, 5):
        tick(alice, offset, "done")
        Entry.objects.create(user=alice, date=day(offset), pain=3)

    with (
        time_machine.travel(LONDON_SUNDAY_EVENING, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert build_due_summaries(LONDON_SUNDAY_EVENING) == 1

    sentence = "Exercises: 3 of 4 sessions done (75%)"
    assert sentence in Message.objects.get().body
    assert sentence in mail.outbox[0].body
    summary = WeeklySummary.objects.get(user=alice)
    response = alice_client.get(reverse("summaries:detail", args=[summary.pk]))
    assert sentence in response.text


@pytest.mark.django_db
def test_a_week_still_going_counts_only_up_to_the_persons_today(alice) -> None:
    prescribe(alice)
    tick(alice, 0, "done")
    # Wednesday 18 November, 10:00 in London: Monday to Wednesday are due.
    with time_machine.travel(dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC), tick=False):
        numbers = compute_weeks([alice.pk], MONDAY, LONDON)[alice.pk]
    assert numbers.exercises == Adherence(prescribed=3, done=1)


def chunk_with_plans(size: int) -> list[int]:
    ids = []
    for n in range(size):
        person = make_patient(f"person{size}-{n}@example.com")
        prescribe(person, times_a_day=2)
        tick(person, 0, "done")
        tick(person, 1, "some")
        Entry.objects.create(user=person, date=day(0), pain=4)
        ids.append(person.pk)
    return ids


@pytest.mark.django_db
def test_plans_load_in_the_same_queries_for_twenty_people_as_for_two() -> None:
    two, twenty = chunk_with_plans(2), chunk_with_plans(20)
    with time_machine.travel(LONDON_SUNDAY_EVENING, tick=False):
        with CaptureQueriesContext(connection) as for_two:
            numbers = compute_weeks(two, MONDAY, LONDON)
        with CaptureQueriesContext(connection) as for_twenty:
            numbers |= compute_weeks(twenty, MONDAY, LONDON)
    # Entries, findings, PEG answers; plans, their versions and items; exercise days, marks.
    assert len(for_two.captured_queries) == len(for_twenty.captured_queries) == 8
    assert {n.exercises for n in numbers.values()} == {Adherence(prescribed=14, done=3)}
