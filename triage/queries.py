"""Reads of findings, with their query shape decided here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import connection, models
from django.db.models import QuerySet

from accounts.models import User
from triage.models import Finding, FindingState, Level


@dataclass(frozen=True)
class OpenUrgent:
    """An open urgent finding, as the urgent banner reads it."""

    code: str
    level: str
    entry_removed: bool


def open_urgent_findings(user: User) -> list[OpenUrgent]:
    """Plain SQL: the banner is read on every page a patient opens and after every save,
    and building the query took ten times as long as running it."""
    with connection.cursor() as cursor:
        cursor.execute(_open_urgent_sql(), [user.pk, FindingState.OPEN, Level.URGENT])
        rows = cursor.fetchall()
    return [OpenUrgent(code, level, bool(removed)) for code, level, removed in rows]


@cache
def _open_urgent_sql() -> str:
    table, column = table_and_columns(Finding, "code", "level", "entry_removed", "user", "state")
    return (
        f"SELECT {column['code']}, {column['level']}, {column['entry_removed']} FROM {table} "
        f"WHERE {column['user']} = %s AND {column['state']} = %s AND {column['level']} = %s "
        f"ORDER BY {column['code']}"
    )


def table_and_columns(model: type[models.Model], *fields: str) -> tuple[str, dict[str, str]]:
    """A model's table and these fields' columns, quoted for the connection's database, for
    the few reads and writes in plain SQL."""
    quote = connection.ops.quote_name
    # Only concrete fields are named here; get_field's type also admits reverse relations.
    columns = {field: quote(model._meta.get_field(field).column) for field in fields}  # type: ignore[union-attr,arg-type]
    return quote(model._meta.db_table), columns


def open_findings(user: User) -> QuerySet[Finding]:
    return Finding.objects.filter(user=user, state=FindingState.OPEN)


def past_findings(user: User) -> QuerySet[Finding]:
    return (
        Finding.objects.filter(user=user)
        .exclude(state=FindingState.OPEN)
        .select_related("acknowledged_by")
        .order_by("-acknowledged_at")[:100]
    )
