"""The period's entries as CSV, one row per day, columns named as in `backpain-diary/1`.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a
formula; such cells get a leading apostrophe so they stay text (OWASP's advice).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

COLUMNS = ("date", "pain", "night_pain", "woke_at_night", "rested", "rest_relief",
           "active_minutes", "activities", "daily_tasks", "sleep", "symptoms",
           "self_care")  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def write_entries(out: Writable, entries: Iterable[Any], *, include_notes: bool) -> None:
    """Entries, or anything with the same attribute names (the rows of a diary document)."""
    writer = csv.writer(out)
    writer.writerow((*COLUMNS, "notes") if include_notes else COLUMNS)
    for entry in entries:
        row = [cell(getattr(entry, column)) for column in COLUMNS]
        if include_notes:
            row.append(cell(entry.notes))
        writer.writerow(row)


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(str(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
