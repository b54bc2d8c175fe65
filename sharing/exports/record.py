"""One patient's diary over a period, as their physiotherapist may see it.

The query shape of the review page and of every export is decided here: the period's
entries, the findings worth showing, the stored weekly summaries (the same numbers the
patient's own summary shows) and the weekly PEG answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from accounts.models import User
from sharing.models import Share
from summaries.models import PegResponse, WeeklySummary
from summaries.numbers import WeekNumbers
from tracker.history import period_from as history_period_from
from tracker.models import Entry
from triage.models import Finding, FindingState, Level, ProfileFlagClearance
from triage.rules import RULES_BY_CODE, Kind, Rule
from triage.vocabulary import Symptom

PERIODS = (7, 30, 90, 365)
# The review shows the entries of the last two weeks; earlier ones are one tap away.
RECENT_DAYS = 14
DEFAULT_PERIOD = 30
# A week that started up to 6 days before the period still overlaps it.
WEEK_BEFORE = dt.timedelta(days=6)
PROFILE_CODES = frozenset(code for code, rule in RULES_BY_CODE.items() if rule.kind == Kind.PROFILE)


@dataclass(frozen=True)
class ShownFinding:
    finding: Finding
    rule: Rule | None

    @property
    def title(self) -> str:
        return self.rule.title if self.rule else self.finding.code

    @property
    def is_profile_flag(self) -> bool:
        return self.finding.code in PROFILE_CODES

    @property
    def is_open(self) -> bool:
        return self.finding.state == FindingState.OPEN


@dataclass(frozen=True)
class EntryRow:
    entry: Entry
    symptoms: str  # in words, "None" when none was reported


@dataclass(frozen=True)
class PatientRecord:
    share: Share
    start: dt.date
    end: dt.date
    entries: tuple[Entry, ...]  # oldest first; notes blanked unless the patient shares them
    open_findings: tuple[ShownFinding, ...]  # urgent first
    past_findings: tuple[ShownFinding, ...]  # acknowledged during the period, newest first
    clearances: tuple[ProfileFlagClearance, ...]
    weeks: tuple[WeekNumbers, ...]  # stored weekly summaries, newest first
    peg_responses: tuple[PegResponse, ...]

    @property
    def patient(self) -> User:
        return self.share.patient

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def include_notes(self) -> bool:
        return self.share.include_notes

    @property
    def rows_newest_first(self) -> list[EntryRow]:
        return [EntryRow(entry, symptoms_in_words(entry)) for entry in reversed(self.entries)]

    @property
    def recent_rows(self) -> list[EntryRow]:
        """The last RECENT_DAYS days: what a busy clinician reads first."""
        since = self.end - dt.timedelta(days=RECENT_DAYS - 1)
        return [row for row in self.rows_newest_first if row.entry.date >= since]

    @property
    def earlier_rows(self) -> list[EntryRow]:
        since = self.end - dt.timedelta(days=RECENT_DAYS - 1)
        return [row for row in self.rows_newest_first if row.entry.date < since]


@dataclass(frozen=True)
class WeekGlance:
    """This week so far against last week, as the patient's own summary reads them."""

    this_week: WeekNumbers
    last_week: WeekNumbers | None  # the stored summary of last week, when there is one


def week_glance(record: PatientRecord, this_week: WeekNumbers) -> WeekGlance:
    last_start = this_week.week_start - dt.timedelta(days=7)
    last_week = next((w for w in record.weeks if w.week_start == last_start), None)
    return WeekGlance(this_week=this_week, last_week=last_week)


def symptoms_in_words(entry: Entry) -> str:
    labels = dict(Symptom.choices)
    return "; ".join(labels.get(code, code) for code in entry.symptoms) or "None"


def period_from(value: str | None) -> int:
    """One of the review's periods (which add a year to the history's), or the default."""
    return history_period_from(value, periods=PERIODS, default=DEFAULT_PERIOD)


def patient_record(share: Share, *, end: dt.date, days: int) -> PatientRecord:
    patient = share.patient
    start = end - dt.timedelta(days=days - 1)
    entries = Entry.objects.filter(user=patient, date__range=(start, end)).order_by("date")
    if not share.include_notes:
        # Never loaded, so never shown or exported by mistake.
        entries = entries.defer("notes")
    entries_list = list(entries)
    if not share.include_notes:
        for entry in entries_list:
            entry.notes = ""
    period_start = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    findings = (
        Finding.objects.filter(user=patient)
        .filter(Q(state=FindingState.OPEN) | Q(acknowledged_at__gte=period_start))
        .select_related("acknowledged_by")
    )
    open_findings: list[ShownFinding] = []
    past_findings: list[ShownFinding] = []
    for finding in findings:
        shown = ShownFinding(finding, RULES_BY_CODE.get(finding.code))
        (open_findings if shown.is_open else past_findings).append(shown)
    open_findings.sort(key=lambda f: (f.finding.level != Level.URGENT, f.finding.code))
    past_findings.sort(key=lambda f: f.finding.acknowledged_at or period_start, reverse=True)
    return PatientRecord(
        share=share,
        start=start,
        end=end,
        entries=tuple(entries_list),
        open_findings=tuple(open_findings),
        past_findings=tuple(past_findings),
        clearances=tuple(
            ProfileFlagClearance.objects.filter(user=patient, undone_at__isnull=True)
            .select_related("cleared_by")
            .order_by("code")
        ),
        weeks=tuple(
            WeekNumbers.from_json(numbers)
            for numbers in WeeklySummary.objects.filter(
                user=patient, days_logged__gt=0, week_start__range=(start - WEEK_BEFORE, end)
            )
            .order_by("-week_start")
            .values_list("numbers", flat=True)
        ),
        peg_responses=tuple(
            PegResponse.objects.filter(
                user=patient, week_start__range=(start - WEEK_BEFORE, end)
            ).order_by("week_start")
        ),
    )
