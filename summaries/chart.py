"""The small chart of a weekly summary: one bar of day pain for each day, Monday to Sunday.

Pure: it returns shapes in a fixed viewBox for `summaries/_week_chart.html` to draw.
A day without an entry has no bar and says "not logged": it is never drawn as zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 320
HEIGHT = 150
PLOT_LEFT = 24
PLOT_RIGHT = WIDTH - 6
PLOT_TOP = 16
PLOT_BOTTOM = 116
DAY_LABEL_Y = PLOT_BOTTOM + 16
MAX_PAIN = 10
BAR_SHARE = 0.6  # of each day's column; the rest is the gap between bars


@dataclass(frozen=True, slots=True)
class DayBar:
    day: dt.date
    pain: int | None
    x: float  # the middle of the day's column
    bar_x: float
    bar_y: float
    bar_width: float
    bar_height: float


@dataclass(frozen=True, slots=True)
class Gridline:
    y: float
    value: int


@dataclass(frozen=True, slots=True)
class WeekChart:
    week_start: dt.date
    bars: tuple[DayBar, ...]
    gridlines: tuple[Gridline, ...]
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_RIGHT
    plot_bottom: int = PLOT_BOTTOM
    day_label_y: int = DAY_LABEL_Y

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def logged(self) -> tuple[DayBar, ...]:
        return tuple(bar for bar in self.bars if bar.pain is not None)


def _y(pain: int) -> float:
    return round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * pain / MAX_PAIN, 1)


def week_chart(week_start: dt.date, pain_by_day: Sequence[int | None]) -> WeekChart:
    column = (PLOT_RIGHT - PLOT_LEFT) / len(pain_by_day)
    bar_width = round(column * BAR_SHARE, 1)
    bars = []
    for index, pain in enumerate(pain_by_day):
        middle = round(PLOT_LEFT + column * (index + 0.5), 1)
        top = _y(pain) if pain is not None else PLOT_BOTTOM
        bars.append(
            DayBar(
                day=week_start + dt.timedelta(days=index),
                pain=pain,
                x=middle,
                bar_x=round(middle - bar_width / 2, 1),
                bar_y=top,
                bar_width=bar_width,
                bar_height=round(PLOT_BOTTOM - top, 1),
            )
        )
    return WeekChart(
        week_start=week_start,
        bars=tuple(bars),
        gridlines=tuple(Gridline(_y(value), value) for value in (0, 5, 10)),
    )
