"""A physiotherapist's caseload: the patients who share with them, most worrying first.

The query shape is decided here, once: every number on a row is a correlated subquery
computed by the database, so a page costs the same few queries for 5 patients or 500.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce

from accounts.models import User
from sharing.consent import shares_with
from sharing.plan_progress import LastSevenDays, last_seven_days
from tracker.models import Entry, Profile
from tracker.queries import TheirToday
from triage.models import Finding, FindingState, Level
from triage.rules import RULES_BY_CODE

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PAGE_SIZE = 25
# "Not logged for 3 days or more": no entry today nor on the two days before.
QUIET_DAYS = 3


class CaseloadNumbers(TypedDict):
    """What `caseload()` annotates on each patient."""

    share_ends_on: dt.date | None
    open_urgent: int
    open_soon: int
    last_entry: dt.date | None
    mean_pain_7: float | None
    mean_pain_previous_7: float | None
    days_logged_7: int
    night_pain_nights_7: int
    trend_7: float | None
    quiet_since: dt.date
    their_today: dt.date


# Evaluated lazily: django_stubs_ext is a development dependency.
type CaseloadPatient = WithAnnotations[User, CaseloadNumbers]


@dataclass(frozen=True)
class OpenFlag:
    code: str
    level: str
    title: str


@dataclass
class CaseloadRow:
    patient: CaseloadPatient
    flags: list[OpenFlag] = field(default_factory=list)
    exercises: LastSevenDays | None = None

    @property
    def urgent_flags(self) -> list[OpenFlag]:
        return [flag for flag in self.flags if flag.level == Level.URGENT]

    @property
    def soon_flags(self) -> list[OpenFlag]:
        return [flag for flag in self.flags if flag.level == Level.SOON]

    @property
    def trend_words(self) -> str:
        """The change in 7-day mean pain, in an arrow and words (never colour alone)."""
        change = self.patient.trend_7
        if change is None:
            return "no comparison yet"
        if round(change, 1) == 0:
            return "\u2192 about the same"
        arrow, words = ("\u2191", "higher") if change > 0 else ("\u2193", "lower")
        return f"{arrow} {abs(change):.1f} {words} than the week before"


def caseload(
    physiotherapist: User,
    now: dt.datetime,
    *,
    open_flags_only: bool = False,
    not_logged_recently: bool = False,
) -> QuerySet[CaseloadPatient]:
    """Patients with a live share, annotated and sorted: open urgent flags, then open soon
    flags, then the steepest rise in 7-day mean pain (patients without a trend last).

    The windows end on each patient's own today, as on their own pages: the numbers a
    physiotherapist reads are the ones the patient sees.
    """
    shared = shares_with(physiotherapist)
    zones = Profile.objects.filter(user__in=shared.values("patient")).values_list(
        "time_zone", flat=True
    )
    their_today = TheirToday(now, zones.distinct())

    def on_their_day(build: Callable[[dt.date], BaseExpression]) -> BaseExpression:
        return their_today.each(build, "profile__time_zone")

    patients = (
        User.objects.filter(Exists(shared.filter(patient=OuterRef("pk"))))
        .only("id", "email", "display_name")
        .annotate(
            share_ends_on=Subquery(
                shared.filter(patient=OuterRef("pk")).order_by("-created_at").values("ends_on")[:1]
            ),
            open_urgent=_open_findings(Level.URGENT),
            open_soon=_open_findings(Level.SOON),
            last_entry=Subquery(
                Entry.objects.filter(user=OuterRef("pk")).order_by("-date").values("date")[:1]
            ),
            mean_pain_7=on_their_day(lambda today: _mean_pain(*_last_7(today))),
            mean_pain_previous_7=on_their_day(lambda today: _mean_pain(*_previous_7(today))),
            days_logged_7=on_their_day(lambda today: _entry_count(*_last_7(today))),
            night_pain_nights_7=on_their_day(
                lambda today: _entry_count(*_last_7(today), night_pain__gt=0)
            ),
            quiet_since=on_their_day(
                lambda today: Value(today - dt.timedelta(days=QUIET_DAYS - 1))
            ),
            their_today=on_their_day(Value),
        )
        .annotate(trend_7=F("mean_pain_7") - F("mean_pain_previous_7"))
    )
    if open_flags_only:
        patients = patients.filter(Q(open_urgent__gt=0) | Q(open_soon__gt=0))
    if not_logged_recently:
        patients = patients.filter(Q(last_entry__isnull=True) | Q(last_entry__lt=F("quiet_since")))
    return patients.order_by(
        F("open_urgent").desc(),
        F("open_soon").desc(),
        F("trend_7").desc(nulls_last=True),
        "display_name",
        "email",
    )


def rows_for(patients: Iterable[CaseloadPatient]) -> list[CaseloadRow]:
    """The page's rows, with their open flags (one query for the whole page) and their
    exercises of the last 7 days (a few more, whatever the page's length)."""
    rows = [CaseloadRow(patient) for patient in patients]
    flags: dict[int, list[OpenFlag]] = defaultdict(list)
    findings = (
        Finding.objects.filter(user__in=[row.patient for row in rows], state=FindingState.OPEN)
        .order_by("level", "code")
        .values_list("user_id", "code", "level")
    )
    for user_id, code, level in findings:
        rule = RULES_BY_CODE.get(code)
        flags[user_id].append(OpenFlag(code, level, rule.title if rule else code))
    exercises = last_seven_days({row.patient.pk: row.patient.their_today for row in rows})
    for row in rows:
        row.flags = sorted(flags[row.patient.pk], key=lambda flag: flag.level != Level.URGENT)
        row.exercises = exercises.get(row.patient.pk)
    return rows


def _last_7(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=6), today


def _previous_7(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=13), today - dt.timedelta(days=7)


def _open_findings(level: Level) -> Coalesce:
    found = Finding.objects.filter(user=OuterRef("pk"), state=FindingState.OPEN, level=level)
    return _count(found)


def _entry_count(start: dt.date, end: dt.date, **conditions: object) -> Coalesce:
    return _count(Entry.objects.filter(user=OuterRef("pk"), date__range=(start, end), **conditions))


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("user").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _mean_pain(start: dt.date, end: dt.date) -> Subquery:
    means = (
        Entry.objects.filter(user=OuterRef("pk"), date__range=(start, end))
        .order_by()
        .values("user")
        .annotate(mean=Avg("pain"))
        .values("mean")
    )
    return Subquery(means, output_field=FloatField())
