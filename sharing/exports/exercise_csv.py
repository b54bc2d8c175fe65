"""The exercise log as CSV: one row per exercise due on each day of the period, a day with
nothing ticked keeping its rows with `done` empty. Exercise names written for one person
are free text, so every cell goes through the same guard against spreadsheet formulas as
the diary's CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from sharing.exports.plan_record import LogRow
from tracker.spreadsheet import Writable, cell

COLUMNS = ("date", "exercise", "done", "times_a_day", "pain_after")


def write_exercise_log(out: Writable, rows: Iterable[LogRow]) -> None:
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                cell(row.day.isoformat()),
                cell(row.exercise),
                cell(row.done),
                cell(row.times_a_day),
                cell(row.pain_after),
            ]
        )
