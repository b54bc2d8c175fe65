"""Counting sessions done against sessions prescribed, on plain data."""

from __future__ import annotations

import datetime as dt

from exercises.adherence import (
    LoggedDay,
    PlanSchedule,
    ScheduledExercise,
    VersionSchedule,
    count_days,
    total,
    worse_after_exercise,
    worse_after_exercise_days,
)

MONDAY = dt.date(2026, 11, 30)
EVERY_DAY = frozenset(range(7))


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


def exercise(key: str, times: int = 1, weekdays: frozenset[int] = EVERY_DAY) -> ScheduledExercise:
    return ScheduledExercise(key=key, name=key, times_a_day=times, weekdays=weekdays)


def plan(
    *versions: VersionSchedule, accepted_on: dt.date | None = MONDAY, ended_on=None
) -> PlanSchedule:
    return PlanSchedule(accepted_on=accepted_on, ended_on=ended_on, versions=versions)


def week(plans, logged, today=None):
    return count_days(day(0), day(6), plans, logged, today or day(6))


def test_done_counts_one_some_half_not_today_and_blank_none():
    plans = [plan(VersionSchedule(MONDAY, (exercise("a"), exercise("b"))))]
    logged = {
        day(0): LoggedDay({"a": "done", "b": "done"}),
        day(1): LoggedDay({"a": "some", "b": "not_today"}),
        day(2): LoggedDay({"a": "done"}),
    }
    counts = week(plans, logged, today=day(2))
    assert [(c.prescribed, c.done) for c in counts] == [(2, 2), (2, 0.5), (2, 1)]
    assert total(counts).percent == 58  # 3.5 of 6
    assert str(total(counts)) == "58% (3.5 of 6 sessions)"


def test_an_exercise_twice_a_day_is_two_sessions():
    plans = [plan(VersionSchedule(MONDAY, (exercise("a", times=2),)))]
    counts = week(plans, {day(0): LoggedDay({"a": "some"})}, today=day(0))
    assert (counts[0].prescribed, counts[0].done) == (2, 1)


def test_days_off_in_the_schedule_are_not_counted():
    weekdays_only = exercise("walk", weekdays=frozenset({0, 2, 4}))
    plans = [plan(VersionSchedule(MONDAY, (weekdays_only,)))]
    logged = {day(0): LoggedDay({"walk": "done"}), day(1): LoggedDay({"walk": "done"})}
    counts = week(plans, logged)
    assert [c.prescribed for c in counts] == [1, 0, 1, 0, 1, 0, 0]
    assert total(counts).done == 1  # Tuesday's tick was a day off: nothing to count
    assert total(counts).prescribed == 3


def test_a_plan_accepted_mid_week_counts_from_that_day():
    plans = [plan(VersionSchedule(MONDAY, (exercise("a"),)), accepted_on=day(3))]
    counts = week(plans, {})
    assert [c.prescribed for c in counts] == [0, 0, 0, 1, 1, 1, 1]


def test_a_change_mid_week_counts_each_day_by_the_version_then_in_force():
    plans = [
        plan(
            VersionSchedule(MONDAY, (exercise("a"),)),
            VersionSchedule(day(4), (exercise("a"), exercise("b", times=2))),
        )
    ]
    logged = {day(1): LoggedDay({"a": "done", "b": "done"}), day(5): LoggedDay({"b": "done"})}
    counts = week(plans, logged)
    assert [c.prescribed for c in counts] == [1, 1, 1, 1, 3, 3, 3]
    assert counts[1].done == 1  # "b" was not in the plan on Tuesday
    assert counts[5].done == 2


def test_an_ended_plan_stops_counting_on_its_end_day():
    plans = [plan(VersionSchedule(MONDAY, (exercise("a"),)), ended_on=day(2))]
    assert [c.prescribed for c in week(plans, {})] == [1, 1, 0, 0, 0, 0, 0]


def test_days_after_today_never_count():
    plans = [plan(VersionSchedule(MONDAY, (exercise("a"),)))]
    counts = week(plans, {}, today=day(2))
    assert len(counts) == 3


def test_a_suggested_plan_not_accepted_counts_nothing():
    plans = [plan(VersionSchedule(MONDAY, (exercise("a"),)), accepted_on=None)]
    assert total(week(plans, {})).share is None
    assert str(total(week(plans, {}))) == "no exercises planned"


def test_worse_after_exercise_on_three_plan_days_of_the_last_seven_is_a_signal():
    plans = [plan(VersionSchedule(MONDAY, (exercise("a"),)))]
    worse = LoggedDay({"a": "done"}, pain_after="worse")
    two = {day(0): worse, day(3): worse, day(4): LoggedDay({"a": "done"}, pain_after="same")}
    assert not worse_after_exercise(week(plans, two), day(6))
    three = {**two, day(6): worse}
    assert worse_after_exercise_days(week(plans, three), day(6)) == 3
    assert worse_after_exercise(week(plans, three), day(6))
    # A week later the same answers are out of the window.
    later = count_days(day(0), day(13), plans, three, day(13))
    assert not worse_after_exercise(later, day(13))


def test_worse_on_a_day_without_a_plan_is_not_counted():
    plans = [plan(VersionSchedule(MONDAY, (exercise("a", weekdays=frozenset({0})),)))]
    worse = LoggedDay({}, pain_after="worse")
    counts = week(plans, {day(1): worse, day(2): worse, day(3): worse})
    assert not worse_after_exercise(counts, day(6))
