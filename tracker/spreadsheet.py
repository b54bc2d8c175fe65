"""The period's entries as CSV, one row per day, columns named as in `backpain-diary/1`.

Spreadsheets run a cell as a formula when its first character that is not blank is
= + - or @: spaces, non-breaking spaces, tabs and line breaks before it do not stop them.
Such cells, and any starting with a tab or carriage return, get a leading apostrophe so
they stay text (OWASP, "CSV Injection").
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

COLUMNS = ("date", "pain", "night_pain", "woke_at_night", "rested", "rest_relief",
           "active_minutes", "activities", "daily_tasks", "sleep", "symptoms",
           "self_care")  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@")
# A spreadsheet may treat these as the end of a field and read what follows as a new cell.
SEPARATOR_STARTS = ("\t", "\r")


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
    return "'" + text if runs_as_formula(text) else text


def runs_as_formula(text: str) -> bool:
    """`str.lstrip()` drops every Unicode blank: spaces, U+00A0, tabs, CR and LF."""
    return text.startswith(SEPARATOR_STARTS) or text.lstrip().startswith(FORMULA_STARTS)
