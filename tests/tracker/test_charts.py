"""The pain chart as shapes: gaps stay gaps, every measure has its own mark."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.charts import PLOT_BOTTOM, PLOT_TOP, pain_chart
from triage.diary import EntryData

END = dt.date(2026, 11, 26)
WEEK_START = END - dt.timedelta(days=6)


def day(days_ago: int) -> dt.date:
    return END - dt.timedelta(days=days_ago)


def test_a_missing_day_breaks_the_line_and_gets_no_point() -> None:
    entries = [EntryData(day(3), 4), EntryData(day(2), 5), EntryData(day(0), 6)]
    chart = pain_chart(entries, start=WEEK_START, end=END)
    assert [point.day for point in chart.day_pain.points] == [day(3), day(2), day(0)]
    assert len(chart.day_pain.paths) == 1, "only the two days in a row are joined"
    joined = chart.day_pain.points[:2]
    assert chart.day_pain.paths[0] == f"M{joined[0].x} {joined[0].y} L{joined[1].x} {joined[1].y}"


def test_a_missing_day_is_never_drawn_as_zero() -> None:
    chart = pain_chart([EntryData(day(1), 3)], start=WEEK_START, end=END)
    assert all(point.y != PLOT_BOTTOM for point in chart.day_pain.points)
    assert chart.day_pain.paths == ()
    assert chart.logged_days == 1


def test_night_pain_not_given_is_a_gap_in_the_night_line_only() -> None:
    entries = [EntryData(day(2), 4, night_pain=6), EntryData(day(1), 4), EntryData(day(0), 5, 7)]
    chart = pain_chart(entries, start=WEEK_START, end=END)
    assert len(chart.day_pain.paths) == 1
    assert [point.day for point in chart.night_pain.points] == [day(2), day(0)]
    assert chart.night_pain.paths == ()


def test_pain_runs_from_the_bottom_to_the_top_of_the_plot() -> None:
    entries = [EntryData(day(1), 0), EntryData(day(0), 10)]
    chart = pain_chart(entries, start=WEEK_START, end=END)
    assert [point.y for point in chart.day_pain.points] == [PLOT_BOTTOM, PLOT_TOP]
    assert [line.value for line in chart.gridlines] == [0, 2, 4, 6, 8, 10]


def test_days_run_left_to_right_inside_the_plot() -> None:
    entries = [EntryData(day(n), 5) for n in range(7)]
    chart = pain_chart(entries, start=WEEK_START, end=END)
    xs = [point.x for point in chart.day_pain.points]
    assert xs == sorted(xs)
    assert chart.plot_left < xs[0] and xs[-1] < chart.plot_right


def test_rest_and_activity_are_marked_only_on_their_days() -> None:
    entries = [
        EntryData(day(2), 4, rested=True, rest_relief="no"),
        EntryData(day(1), 4, active_minutes=30),
        EntryData(day(0), 4, active_minutes=240),
    ]
    chart = pain_chart(entries, start=WEEK_START, end=END)
    assert [mark.day for mark in chart.rest_marks] == [day(2)]
    assert [bar.day for bar in chart.active_bars] == [day(1), day(0)]
    half_hour, long_day = chart.active_bars
    assert half_hour.height < long_day.height, "a longer activity draws a taller bar"


def test_entries_outside_the_period_are_left_out() -> None:
    entries = [EntryData(day(10), 9), EntryData(day(0), 2), EntryData(day(-1), 8)]
    chart = pain_chart(entries, start=WEEK_START, end=END)
    assert [row.day for row in chart.rows] == [day(0)]


@pytest.mark.parametrize(("days", "labels"), [(7, 7), (30, 5), (90, 7)])
def test_dates_are_labelled_often_enough_to_read_but_never_crowded(days: int, labels: int) -> None:
    chart = pain_chart([], start=END - dt.timedelta(days=days - 1), end=END)
    assert len(chart.date_ticks) == labels
    assert chart.date_ticks[-1].day == END


def test_markers_shrink_for_long_periods_but_stay_visible() -> None:
    week = pain_chart([], start=WEEK_START, end=END)
    quarter = pain_chart([], start=END - dt.timedelta(days=89), end=END)
    assert week.marker_size > quarter.marker_size >= 1.5


def test_the_summary_numbers_describe_the_period() -> None:
    entries = [EntryData(day(2), 2, night_pain=5), EntryData(day(0), 7, rested=True)]
    chart = pain_chart(entries, start=WEEK_START, end=END)
    assert (chart.days, chart.logged_days) == (7, 2)
    assert (chart.lowest_pain, chart.highest_pain, chart.highest_night_pain) == (2, 7, 5)
    assert (chart.rested_days, chart.active_days, chart.night_pain_days) == (1, 0, 1)


def test_a_period_that_ends_before_it_starts_is_an_error() -> None:
    with pytest.raises(ValueError, match="period"):
        pain_chart([], start=END, end=WEEK_START)


def test_a_plan_adds_a_row_of_marks_none_some_all_and_the_table_says_it_in_words() -> None:
    plain = pain_chart([EntryData(day(1), 3)], start=WEEK_START, end=END)
    assert not plain.has_exercises
    chart = pain_chart(
        [EntryData(day(1), 3)],
        start=WEEK_START,
        end=END,
        exercises={day(2): (0, 2), day(1): (1, 2), day(0): (2, 2), day(3): (0, 0)},
    )
    assert [(m.day, m.state) for m in chart.exercise_marks] == [
        (day(2), "none"), (day(1), "some"), (day(0), "all"),
    ]  # fmt: skip
    assert chart.height > plain.height
    assert chart.rows[0].exercises == "1 of 2 sessions"
