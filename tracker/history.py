"""Reads of the history page, with their query shape decided here.

A fixed number of queries whatever the length of the diary: the entries of the period,
the dates that make up the current streak, and any exercise plan with its log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import User
from exercises.queries import day_counts_by_patient
from tracker.charts import PainChart, pain_chart
from tracker.models import Entry
from tracker.services import editable_dates

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30


@dataclass(frozen=True)
class DayInList:
    """A row of the history list: a logged day, or a recent day that may still be filled in."""

    day: dt.date
    entry: Entry | None


@dataclass(frozen=True)
class History:
    today: dt.date
    days: int
    chart: PainChart
    day_list: tuple[DayInList, ...]
    logged_this_week: int
    streak: int

    @property
    def days_so_far_this_week(self) -> int:
        """Monday to today: the days the week's count can have reached yet."""
        return self.today.weekday() + 1

    logged_today: bool


def period_from(
    value: str | None, *, periods: tuple[int, ...] = PERIODS, default: int = DEFAULT_PERIOD
) -> int:
    """The number of days asked for, when it is one of the periods offered; else the default."""
    try:
        days = int(value or "")
    except ValueError:
        return default
    return days if days in periods else default


def history_for(user: User, *, today: dt.date, days: int) -> History:
    start = today - dt.timedelta(days=days - 1)
    entries = list(
        Entry.objects.filter(user=user, date__gte=start, date__lte=today)
        .only("id", "date", "pain", "night_pain", "rested", "active_minutes")
        .order_by("-date")
    )
    logged = {entry.date for entry in entries}
    exercise_days = day_counts_by_patient([user.pk], start, today, {user.pk: today}).get(
        user.pk, []
    )
    return History(
        today=today,
        days=days,
        chart=pain_chart(
            entries,
            start=start,
            end=today,
            exercises={d.day: (d.done, d.prescribed) for d in exercise_days},
        ),
        day_list=_day_list(entries, start=start, today=today),
        logged_this_week=days_logged_this_week(logged, today),
        streak=streak_ending(_dates_up_to(user, today), today),
        logged_today=today in logged,
    )


def days_logged_this_week(logged: Iterable[dt.date], today: dt.date) -> int:
    """Days logged from Monday of today's week to today."""
    monday = today - dt.timedelta(days=today.weekday())
    return sum(1 for day in set(logged) if monday <= day <= today)


def streak_ending(dates_newest_first: Iterable[dt.date], today: dt.date) -> int:
    """Consecutive logged days ending today, or ending yesterday while today is still open."""
    expected: dt.date | None = None
    streak = 0
    for day in dates_newest_first:
        if day > today:
            continue
        if expected is None:
            if day < today - dt.timedelta(days=1):
                return 0
            expected = day
        if day != expected:
            break
        streak += 1
        expected -= dt.timedelta(days=1)
    return streak


def _dates_up_to(user: User, today: dt.date) -> list[dt.date]:
    return list(
        Entry.objects.filter(user=user, date__lte=today)
        .order_by("-date")
        .values_list("date", flat=True)
    )


def _day_list(entries: list[Entry], *, start: dt.date, today: dt.date) -> tuple[DayInList, ...]:
    """Logged days newest first, with the recent unlogged days (the ones the entry form
    still accepts) in their place, so they can be filled in."""
    by_date = {entry.date: entry for entry in entries}
    first_fillable, _ = editable_dates(today)
    rows = []
    day = today
    while day >= start:
        if day in by_date or day >= first_fillable:
            rows.append(DayInList(day=day, entry=by_date.get(day)))
        day -= dt.timedelta(days=1)
    return tuple(rows)
