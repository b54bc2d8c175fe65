"""Insert millions of rows quickly: COPY on PostgreSQL, executemany on SQLite.

`bulk_create` spends most of its time preparing each value through its field (about
40 µs a row for an entry); the bench needs 2.5 million rows, so it converts values
itself, per column and backend, caching the conversions of repeated values (dates,
timestamps, JSON given as tuples). Columns not given get their field's default
(computed once: never use this for a unique column without giving it).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from itertools import batched
from typing import Any

from django.db import connection, models, transaction

BATCH = 5000


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (tuples in the order of `columns`, field names) into the model's
    table, with defaults for its other columns. Returns the number of rows."""
    given = [_column_field(model, name) for name in columns]
    others = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field not in given
    ]
    for field in others:
        if field.unique:
            raise ValueError(f"{model.__name__}.{field.name} is unique: give it explicitly")
    fields = [*given, *others]
    given_converters = [_converter(field) for field in given]
    defaults = tuple(_converter(field)(field.get_default()) for field in others)
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(_column(field)) for field in fields)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in batched(rows, BATCH):
            prepared = [
                (*(convert(v) for convert, v in zip(given_converters, row, strict=True)), *defaults)
                for row in batch
            ]
            count += len(prepared)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in prepared:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)
    return count


def _identity(value: Any) -> Any:
    return value


def _json(value: Any) -> str:
    if isinstance(value, tuple):
        return _json_of_tuple(value)
    return json.dumps(value)


@cache
def _json_of_tuple(value: tuple[Any, ...]) -> str:
    return json.dumps(list(value))


def _column_field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field


def _column(field: models.Field) -> str:
    if field.column is None:
        raise ValueError(f"{field.name} has no column")
    return field.column


def _converter(field: models.Field) -> Callable[[Any], Any]:
    kind = field.get_internal_type()
    if kind == "JSONField":
        return _json
    if connection.vendor == "postgresql":
        return _identity
    if kind == "DateTimeField":
        return _sqlite_datetime
    if kind == "DateField":
        return _sqlite_date
    if kind == "TimeField":
        return _sqlite_time
    if kind == "UUIDField":
        return _sqlite_uuid
    if kind == "BooleanField":
        return _sqlite_bool
    return _identity


@cache
def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


@cache
def _sqlite_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_time(value: dt.time | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_uuid(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


def _sqlite_bool(value: bool | None) -> int | None:
    return None if value is None else int(value)
