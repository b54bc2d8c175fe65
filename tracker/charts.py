"""Server-drawn SVG charts of the diary: day and night pain over a period, rest and activity.

Pure: it takes a period and the entries in it and returns shapes (coordinates in a fixed
viewBox) for `tracker/_chart.html` to draw, so every page that shows a diary draws the same
chart. A day without an entry, or without a night pain answer, is a gap in its line; it is
never drawn as zero, which would read as "no pain".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

# The viewBox. Its width is about a phone's, so 12px text stays readable at 360px wide.
WIDTH = 360
HEIGHT = 242
PLOT_LEFT = 46  # room for the row labels "Active" and "Rested"
PLOT_RIGHT = WIDTH - 18  # room for the last date label
PLOT_TOP = 10
PLOT_BOTTOM = 160
DATE_LABEL_Y = PLOT_BOTTOM + 15  # a second line, 13 below, names the weekday or month
ACTIVE_ROW_BOTTOM = 216
ACTIVE_BAR_MAX_HEIGHT = 16
# Bars grow up to an hour of activity; anything longer draws as a full bar.
ACTIVE_MINUTES_FULL_BAR = 60
REST_ROW_Y = 232
# With an exercise plan, a row of marks below the rest: one per day the plan named.
EXERCISE_ROW_Y = 252
EXERCISE_ROW_HEIGHT = 20
MAX_PAIN = 10


class ChartableDay(Protocol):
    """What the chart reads from an entry: `Entry` and `triage.diary.EntryData` both fit."""

    @property
    def date(self) -> dt.date: ...

    @property
    def pain(self) -> int: ...

    @property
    def night_pain(self) -> int | None: ...

    @property
    def rested(self) -> bool: ...

    @property
    def active_minutes(self) -> int: ...


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    day: dt.date


@dataclass(frozen=True)
class Line:
    """One measure over the period: paths through consecutive days, and a marker per day."""

    paths: tuple[str, ...]
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Gridline:
    y: float
    value: int


@dataclass(frozen=True)
class DateTick:
    x: float
    day: dt.date


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: dt.date


@dataclass(frozen=True)
class Triangle:
    points: str
    day: dt.date


@dataclass(frozen=True)
class ExerciseMark:
    """A day the exercise plan named: an empty circle for none done, half filled for some,
    filled for all of them (the shape carries it, not colour alone)."""

    x: float
    day: dt.date
    done: float
    prescribed: float

    @property
    def state(self) -> str:
        if self.done <= 0:
            return "none"
        return "all" if self.done >= self.prescribed else "some"

    @property
    def words(self) -> str:
        return f"{self.done:g} of {self.prescribed:g} sessions"


@dataclass(frozen=True)
class TableRow:
    day: dt.date
    pain: int
    night_pain: int | None
    rested: bool
    active_minutes: int
    exercises: str = ""


@dataclass(frozen=True)
class PainChart:
    start: dt.date
    end: dt.date
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    date_label_y: float
    active_label_y: float
    rest_label_y: float
    marker_size: float
    marker_span: float
    gridlines: tuple[Gridline, ...]
    date_ticks: tuple[DateTick, ...]
    day_pain: Line
    night_pain: Line
    active_bars: tuple[Bar, ...]
    rest_marks: tuple[Triangle, ...]
    rows: tuple[TableRow, ...]
    exercise_marks: tuple[ExerciseMark, ...] = ()
    exercise_row_y: float = EXERCISE_ROW_Y

    @property
    def has_exercises(self) -> bool:
        return bool(self.exercise_marks)

    @property
    def exercise_label_y(self) -> float:
        return self.exercise_row_y + 4

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def logged_days(self) -> int:
        return len(self.rows)

    @property
    def rested_days(self) -> int:
        return len(self.rest_marks)

    @property
    def active_days(self) -> int:
        return len(self.active_bars)

    @property
    def lowest_pain(self) -> int | None:
        return min((row.pain for row in self.rows), default=None)

    @property
    def highest_pain(self) -> int | None:
        return max((row.pain for row in self.rows), default=None)

    @property
    def night_pain_days(self) -> int:
        return len(self.night_pain.points)

    @property
    def highest_night_pain(self) -> int | None:
        return max((point.value for point in self.night_pain.points), default=None)


def pain_chart(
    entries: Iterable[ChartableDay],
    *,
    start: dt.date,
    end: dt.date,
    exercises: Mapping[dt.date, tuple[float, float]] | None = None,
) -> PainChart:
    """The chart of the days from `start` to `end`; entries outside them are left out.
    `exercises`, for a person with a plan: day -> (sessions done, sessions prescribed)."""
    days = (end - start).days + 1
    if days < 1:
        raise ValueError("the period must end on or after its start")
    by_date = {entry.date: entry for entry in entries if start <= entry.date <= end}
    step = (PLOT_RIGHT - PLOT_LEFT) / days

    def x_of(day: dt.date) -> float:
        return _round(PLOT_LEFT + ((day - start).days + 0.5) * step)

    logged = [by_date[day] for day in sorted(by_date)]
    marker_size = _round(min(3.5, max(1.5, step * 0.3)))
    exercise_marks = tuple(
        ExerciseMark(x_of(day), day, done, prescribed)
        for day, (done, prescribed) in sorted((exercises or {}).items())
        if start <= day <= end and prescribed > 0
    )
    marks_by_day = {mark.day: mark.words for mark in exercise_marks}
    return PainChart(
        start=start,
        end=end,
        width=WIDTH,
        height=HEIGHT + (EXERCISE_ROW_HEIGHT if exercise_marks else 0),
        plot_left=PLOT_LEFT,
        plot_right=PLOT_RIGHT,
        plot_top=PLOT_TOP,
        plot_bottom=PLOT_BOTTOM,
        date_label_y=DATE_LABEL_Y,
        active_label_y=ACTIVE_ROW_BOTTOM - 4,
        rest_label_y=REST_ROW_Y + 4,
        marker_size=marker_size,
        marker_span=_round(2 * marker_size),
        gridlines=tuple(Gridline(_y_of(value), value) for value in range(0, MAX_PAIN + 1, 2)),
        date_ticks=tuple(DateTick(x_of(day), day) for day in _labelled_days(start, end)),
        day_pain=_line([(entry.date, entry.pain) for entry in logged], x_of),
        night_pain=_line(
            [(entry.date, entry.night_pain) for entry in logged if entry.night_pain is not None],
            x_of,
        ),
        active_bars=tuple(
            _active_bar(entry, x_of(entry.date), step) for entry in logged if entry.active_minutes
        ),
        rest_marks=tuple(
            _rest_mark(entry.date, x_of(entry.date), marker_size + 1)
            for entry in logged
            if entry.rested
        ),
        rows=tuple(
            TableRow(
                e.date,
                e.pain,
                e.night_pain,
                e.rested,
                e.active_minutes,
                marks_by_day.get(e.date, ""),
            )
            for e in logged
        ),
        exercise_marks=exercise_marks,
    )


def _line(values: list[tuple[dt.date, int]], x_of: Callable[[dt.date], float]) -> Line:
    """Points for every answered day; a path only joins days that follow one another."""
    points = tuple(Point(x_of(day), _y_of(value), value, day) for day, value in values)
    runs: list[list[Point]] = []
    for point in points:
        if runs and point.day - runs[-1][-1].day == dt.timedelta(days=1):
            runs[-1].append(point)
        else:
            runs.append([point])
    paths = tuple("M" + " L".join(f"{p.x} {p.y}" for p in run) for run in runs if len(run) > 1)
    return Line(paths=paths, points=points)


def _y_of(pain: int) -> float:
    return _round(PLOT_BOTTOM - pain * (PLOT_BOTTOM - PLOT_TOP) / MAX_PAIN)


def _active_bar(entry: ChartableDay, x: float, step: float) -> Bar:
    share = min(entry.active_minutes, ACTIVE_MINUTES_FULL_BAR) / ACTIVE_MINUTES_FULL_BAR
    height = max(2.0, share * ACTIVE_BAR_MAX_HEIGHT)
    width = max(1.0, min(step * 0.6, 12.0))
    return Bar(
        x=_round(x - width / 2),
        y=_round(ACTIVE_ROW_BOTTOM - height),
        width=_round(width),
        height=_round(height),
        day=entry.date,
    )


def _rest_mark(day: dt.date, x: float, size: float) -> Triangle:
    corners = ((x, REST_ROW_Y - size), (x - size, REST_ROW_Y + size), (x + size, REST_ROW_Y + size))
    return Triangle(points=" ".join(f"{_round(a)},{_round(b)}" for a, b in corners), day=day)


def _labelled_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day for a week; weekly or fortnightly for longer, counted back from the end."""
    days = (end - start).days + 1
    every = 1 if days <= 7 else 7 if days <= 31 else 14
    labelled = []
    day = end
    while day >= start:
        labelled.append(day)
        day -= dt.timedelta(days=every)
    return labelled[::-1]


def _round(value: float) -> float:
    return round(value, 1)
