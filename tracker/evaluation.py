"""What triage reads of the journal: a person's profile answers and the diary window the
rules read, as the plain data of the diary format (`triage.diary`). triage sits below the
journal and never reads its tables: `settings.TRIAGE_DIARY_READER` names `diary_of`, which
it calls to re-check a person."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import fields
from functools import cache
from typing import Any

from django.db import connection, models

from accounts.models import User
from tracker.models import Entry, Profile
from tracker.queries import profile_of, today_of
from triage.diary import EntryData, PersonsDiary, ProfileData
from triage.engine import FIRST_DAYS, RECENT_DAYS
from triage.queries import table_and_columns


def diary_of(user: User, today: dt.date | None = None) -> PersonsDiary:
    """The person's answers and the entries the rules read, at their own today unless
    given. Two queries whatever the diary's length (the profile is the request's own
    when it has read it already)."""
    profile = profile_of(user)
    today = today or today_of(user)
    return PersonsDiary(
        profile=profile_data(profile, frozenset()),
        entries=tuple(entries_for_evaluation(user, today)),
        today=today,
        profile_date=profile.local_date_created() if profile else None,
        answered_on=profile.answer_dates() if profile else None,
    )


def profile_data(profile: Profile | None, cleared: frozenset[str]) -> ProfileData:
    if profile is None:
        return ProfileData(
            birth_year=None, pain_started=None, history=(), onset=(), location=(), cleared=cleared
        )
    return ProfileData(
        birth_year=profile.birth_year,
        pain_started=profile.pain_started,
        history=tuple(profile.history),
        onset=tuple(profile.onset),
        location=tuple(profile.location),
        cleared=cleared,
    )


def entry_data(entry: Entry) -> EntryData:
    return _entry_data_of(getattr(entry, name) for name in EVALUATED)


# The columns the rules read: EntryData's fields, named as the Entry model's.
EVALUATED = tuple(field.name for field in fields(EntryData))
LIST_COLUMNS = frozenset(
    name for name in EVALUATED if isinstance(Entry._meta.get_field(name), models.JSONField)
)
BOOLEAN_COLUMNS = frozenset(
    name for name in EVALUATED if isinstance(Entry._meta.get_field(name), models.BooleanField)
)


def entries_for_evaluation(user: User, today: dt.date) -> list[EntryData]:
    """The entries the rules need, in one query whatever the length of the diary: the last
    RECENT_DAYS days, and the diary's first FIRST_DAYS entries, which hold every entry of
    its first FIRST_DAYS days (one entry a day at most; the rules read only those).

    Plain SQL (the same on SQLite and PostgreSQL) because this runs on every save: the
    database answers in a tenth of the time the ORM took to build the query and convert
    the rows (0.3 ms against 3.5 ms).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _diary_sql(),
            [user.pk, today - dt.timedelta(days=RECENT_DAYS - 1), today, user.pk, FIRST_DAYS],
        )
        rows = cursor.fetchall()
    return [_entry_data_of(row) for row in rows]


def _entry_data_of(values: Iterable[Any]) -> EntryData:
    """EntryData from a row or a model's values, in EVALUATED's order: lists as tuples
    (JSON text from SQLite and from Django's PostgreSQL connection), booleans (0 and 1 in
    a raw SQLite row), days as dates."""
    row = list(values)
    for index, read in CONVERTED:
        row[index] = read(row[index])
    return EntryData(*row)


@cache
def _diary_sql() -> str:
    # A UNION, not one WHERE with an OR: each half reads only its own rows through the
    # (user, date) index, where the OR made the database read the person's whole diary.
    table, column = table_and_columns(Entry, *EVALUATED, "user")
    columns = ", ".join(column[field] for field in EVALUATED)
    user, date = column["user"], column["date"]
    return (
        f"SELECT {columns} FROM {table} WHERE {user} = %s AND {date} >= %s AND {date} <= %s "
        f"UNION SELECT {columns} FROM ("
        f"SELECT {columns} FROM {table} WHERE {user} = %s ORDER BY {date} LIMIT %s"
        f") AS first_days ORDER BY {date}"
    )


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(json.loads(value) if isinstance(value, str) else value or ())


def _as_date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# The columns a raw row holds in another form than EntryData, each with its reader: a
# diary read converts about 200 values.
CONVERTED: tuple[tuple[int, Callable[[Any], Any]], ...] = tuple(
    (index, _as_tuple if name in LIST_COLUMNS else bool if name in BOOLEAN_COLUMNS else _as_date)
    for index, name in enumerate(EVALUATED)
    if name in LIST_COLUMNS or name in BOOLEAN_COLUMNS or name == "date"
)
