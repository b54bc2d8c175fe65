"""Sharing and the weekly summaries left tracker for their own apps: a database built by the
migrations before the move keeps every row, every column and every link through it, and
gets them back when the move is reversed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import User
from sharing.models import ClinicalNote, Share, ShareCode, ShareInvitation
from summaries.models import PegResponse, SummarySchedule, WeeklySummary
from tracker.models import Entry, Profile

# The migration state of main before the move: tracker at its last migration then, and no
# sharing or summaries app (every other app stays at its latest).
BEFORE: list[tuple[str, str | None]] = [
    ("tracker", "0007_profile_answered_on"),
    ("sharing", None),
    ("summaries", None),
]
# Each model's place before the move -> its model now.
MODELS: dict[str, type[Any]] = {
    "profile": Profile,
    "entry": Entry,
    "share": Share,
    "shareinvitation": ShareInvitation,
    "sharecode": ShareCode,
    "clinicalnote": ClinicalNote,
    "summaryschedule": SummarySchedule,
    "weeklysummary": WeeklySummary,
    "pegresponse": PegResponse,
}
MOVED = [name for name, model in MODELS.items() if model._meta.app_label != "tracker"]


def migrate(targets: list[tuple[str, str | None]]) -> Apps:
    """Migrate the test database; the models as the migrations left them."""
    return MigrationExecutor(connection).migrate(targets).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def before_the_move() -> Iterator[Apps]:
    try:
        yield migrate(BEFORE)
    finally:
        migrate_to_latest()
        ContentType.objects.clear_cache()


def fill(old: Apps) -> None:
    """At least one row in every table of the journal and of the models that move, with
    every link between them set."""
    now = timezone.now()
    today = dt.date(2026, 11, 30)
    user = old.get_model("accounts", "User")
    patient = user.objects.create(email="patient@example.com", display_name="Pat")
    physio, other_physio = (
        user.objects.create(email=email, role="physiotherapist", registration_number=number)
        for email, number in (("physio@example.com", "PH1"), ("other@example.com", "PH2"))
    )

    def model(name: str) -> Any:
        return old.get_model("tracker", name)

    model("profile").objects.create(
        user=patient, birth_year=1980, time_zone="Europe/Paris", answered_on={"fever": "2026-11-01"}
    )
    for offset, pain in enumerate((4, 6)):
        model("entry").objects.create(
            user=patient, date=today - dt.timedelta(days=offset), pain=pain, night_pain=2,
            activities=["walking"], notes=f"day {offset}",
        )  # fmt: skip
    share = model("share").objects.create(
        patient=patient, physiotherapist=physio, include_notes=True, ends_on=today
    )
    model("shareinvitation").objects.create(
        patient=patient, physiotherapist=physio, state="accepted", answered_at=now, share=share
    )
    model("shareinvitation").objects.create(patient=patient, physiotherapist=other_physio)
    model("sharecode").objects.create(
        patient=patient, code_hash="f" * 64, expires_at=now + dt.timedelta(days=7),
        used_at=now, used_by=physio, share=share,
    )  # fmt: skip
    model("clinicalnote").objects.create(physiotherapist=physio, patient=patient, text="T4-T6")
    model("summaryschedule").objects.create(user=patient, summary_weekday=0)
    model("weeklysummary").objects.create(
        user=patient, week_start=today, days_logged=2, numbers={"day_pain": 5}
    )
    model("pegresponse").objects.create(
        user=patient, week_start=today, pain=5, enjoyment=6, activity=4
    )


def rows(models: dict[str, Any]) -> dict[str, list[dict[str, object]]]:
    """Every column of every row (foreign keys as the ids they hold), by model."""
    return {
        name: list(
            model.objects.order_by("pk").values(
                *(field.attname for field in model._meta.concrete_fields)
            )
        )
        for name, model in models.items()
    }


def columns_of(
    found: dict[str, list[dict[str, object]]], before: dict[str, list[dict[str, object]]]
) -> dict[str, list[dict[str, object]]]:
    """The rows found, with only the columns the tables had before (later migrations may
    add columns: a new one is not a changed row)."""
    return {
        name: [{column: row[column] for column in before[name][0]} for row in rows_found]
        for name, rows_found in found.items()
    }


def content_type_ids(app_label: str) -> dict[str, int]:
    return dict(
        ContentType.objects.filter(app_label=app_label, model__in=MOVED).values_list("model", "id")
    )


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_row_column_and_link(before_the_move: Apps) -> None:
    old = before_the_move
    fill(old)
    before = rows({name: old.get_model("tracker", name) for name in MODELS})
    assert all(before.values()), "every table has at least one row"
    old_types = content_type_ids("tracker")
    assert len(old_types) == len(MOVED)

    migrate_to_latest()
    ContentType.objects.clear_cache()

    assert columns_of(rows(MODELS), before) == before
    tables = set(connection.introspection.table_names())
    assert {model._meta.db_table for model in MODELS.values()} <= tables
    assert not {f"tracker_{name}" for name in MOVED} & tables
    # The links, read through the models of the new apps.
    share = Share.objects.select_related("patient", "physiotherapist").get()
    assert (share.patient.email, share.physiotherapist.email) == (
        "patient@example.com",
        "physio@example.com",
    )
    assert share.invitation.state == "accepted"
    assert share.code.used_by == share.physiotherapist
    patient = User.objects.get(email="patient@example.com")
    assert patient.shares_given.get() == share
    assert patient.weekly_summaries.get().numbers == {"day_pain": 5}
    assert patient.peg_responses.get().activity == 4
    assert patient.summary_schedule.summary_weekday == 0
    assert patient.entries.count() == 2
    assert ClinicalNote.objects.get(patient=patient).physiotherapist == share.physiotherapist
    # Admin log entries and permissions point at content types: the same rows moved along.
    assert content_type_ids("sharing") | content_type_ids("summaries") == old_types

    old = migrate(BEFORE)
    ContentType.objects.clear_cache()
    assert rows({name: old.get_model("tracker", name) for name in MODELS}) == before
    assert content_type_ids("tracker") == old_types
