"""The diary format (`backpain-diary/1`) as plain data: parse it, check it, write it.

Pure: no ORM and no clock. The same dataclasses feed the triage engine, whether they come
from the database, an import or a clinician's written case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, NamedTuple

from triage.vocabulary import (
    Activity,
    DailyTasks,
    History,
    Location,
    Onset,
    RestRelief,
    SelfCare,
    Sleep,
    Symptom,
)

FORMAT = "backpain-diary/1"

# The codes of the profile flags: the only findings a clinician may clear. Kept here rather
# than read from the rule table so the format does not depend on the rules; a test checks
# that both agree.
PROFILE_FLAG_CODES = frozenset(
    {
        "AGE",
        "CANCER_HISTORY",
        "OSTEOPOROSIS",
        "WEAK_IMMUNE_SYSTEM",
        "RECENT_INFECTION",
        "SERIOUS_ACCIDENT",
        "FALL_OR_INJURY",
        "HEAVY_LIFTING",
        "TOP_OF_BACK",
    }
)

EARLIEST_BIRTH_YEAR = 1900
MAX_PAIN = 10
MINUTES_IN_A_DAY = 1440
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class ProfileData:
    birth_year: int | None = None
    pain_started: date | None = None
    history: tuple[str, ...] = ()
    onset: tuple[str, ...] = ()
    location: tuple[str, ...] = ()
    cleared: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class EntryData:
    date: date
    pain: int
    night_pain: int | None = None
    woke_at_night: bool = False
    rested: bool = False
    rest_relief: str | None = None
    active_minutes: int = 0
    activities: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    self_care: tuple[str, ...] = ()
    daily_tasks: str | None = None
    sleep: str | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class DiaryDocument:
    """A parsed document. `today` is already resolved (see `parse_document`)."""

    today: date | None
    profile: ProfileData
    entries: tuple[EntryData, ...]
    expect: dict[str, Any] | None = None


class FormatProblem(NamedTuple):
    """One thing wrong with a document: `field` inside the entry dated `date` (if any)."""

    field: str
    date: str | None
    message: str

    def __str__(self) -> str:
        where = f"entries[{self.date}].{self.field}" if self.date else self.field
        return f"{where}: {self.message}"


class DiaryFormatError(ValueError):
    """A document that is not valid `backpain-diary/1`; `errors` lists every problem found.

    `field`, `date` and `message` are those of the first problem, for callers that show one.
    """

    def __init__(
        self, field: str, date: str | None, message: str, *, more: Sequence[FormatProblem] = ()
    ) -> None:
        self.errors: tuple[FormatProblem, ...] = (FormatProblem(field, date, message), *more)
        self.field, self.date, self.message = field, date, message
        super().__init__("; ".join(str(problem) for problem in self.errors))

    @classmethod
    def from_problems(cls, problems: Sequence[FormatProblem]) -> DiaryFormatError:
        first, *more = problems
        return cls(*first, more=more)


def parse_document(data: object, *, default_today: date | None = None) -> DiaryDocument:
    """Check a decoded JSON document and turn it into plain data, or raise DiaryFormatError.

    `today` is the document's own, else the latest entry's date, else `default_today`
    (callers pass the current UTC date). Unknown fields are ignored.
    """
    if not isinstance(data, dict):
        raise DiaryFormatError("document", None, "must be a JSON object")
    if data.get("format") != FORMAT:
        raise DiaryFormatError("format", None, f'must be "{FORMAT}"')
    reader = _Reader()
    today = reader.optional_date(data, "today")
    entries = reader.entries(_absent_as(data.get("entries"), []))
    if today is None:
        today = entries[-1].date if entries else default_today
    profile = reader.profile(_absent_as(data.get("profile"), {}), today)
    expect = reader.expect(data.get("expect"))
    if reader.problems:
        raise DiaryFormatError.from_problems(reader.problems)
    return DiaryDocument(today=today, profile=profile, entries=entries, expect=expect)


class _Reader:
    """Reads values field by field, collecting every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[FormatProblem] = []
        self._entry_date: str | None = None
        self._prefix = ""

    def problem(self, name: str, message: str) -> None:
        where = self._prefix + name if name else self._prefix.rstrip(".")
        self.problems.append(FormatProblem(where, self._entry_date, message))

    def profile(self, data: object, today: date | None) -> ProfileData:
        self._prefix = "profile."
        if not isinstance(data, dict):
            self.problem("", "must be a JSON object")
            return ProfileData()
        birth_year = data.get("birth_year")
        latest_year = today.year if today else None
        if birth_year is not None and not (
            _is_whole_number(birth_year)
            and EARLIEST_BIRTH_YEAR <= birth_year <= (latest_year or birth_year)
        ):
            self.problem(
                "birth_year",
                f"must be a year from {EARLIEST_BIRTH_YEAR} to {latest_year or 'this year'}",
            )
            birth_year = None
        cleared = self.codes(data, "cleared", PROFILE_FLAG_CODES, "profile flag code")
        return ProfileData(
            birth_year=birth_year,
            pain_started=self.optional_date(data, "pain_started"),
            history=self.codes(data, "history", History),
            onset=self.codes(data, "onset", Onset),
            location=self.codes(data, "location", Location),
            cleared=frozenset(cleared),
        )

    def entries(self, data: object) -> tuple[EntryData, ...]:
        if not isinstance(data, list):
            self.problem("entries", "must be a list")
            return ()
        entries: dict[date, EntryData] = {}
        for index, item in enumerate(data):
            entry = self.entry(index, item)
            if entry is None:
                continue
            if entry.date in entries:
                self.problem("date", "two entries have this date; a day has one entry")
            entries[entry.date] = entry
        self._entry_date, self._prefix = None, ""
        return tuple(entries[day] for day in sorted(entries))

    def entry(self, index: int, data: object) -> EntryData | None:
        self._entry_date, self._prefix = None, f"entries[{index}]."
        if not isinstance(data, dict):
            self.problem("", "must be a JSON object")
            return None
        raw_date = data.get("date")
        if isinstance(raw_date, str) and _ISO_DATE.fullmatch(raw_date):
            self._entry_date, self._prefix = raw_date, ""
        day = self.optional_date(data, "date")
        if raw_date is None:
            self.problem("date", "is required")
        pain: Any = data.get("pain")
        if "pain" not in data:
            self.problem("pain", "is required")
        elif not _is_whole_number(pain) or not 0 <= pain <= MAX_PAIN:
            self.problem("pain", f"must be a whole number from 0 to {MAX_PAIN}")
        night_pain = data.get("night_pain")
        if night_pain is not None and (
            not _is_whole_number(night_pain) or not 0 <= night_pain <= MAX_PAIN
        ):
            self.problem("night_pain", f"must be a whole number from 0 to {MAX_PAIN}, or null")
        active_minutes = data.get("active_minutes", 0)
        if not _is_whole_number(active_minutes) or not 0 <= active_minutes <= MINUTES_IN_A_DAY:
            self.problem("active_minutes", f"must be a whole number from 0 to {MINUTES_IN_A_DAY}")
        notes = data.get("notes", "")
        if not isinstance(notes, str):
            self.problem("notes", "must be text")
        rested = self.boolean(data, "rested")
        rest_relief = self.choice(data, "rest_relief", RestRelief)
        if rest_relief is not None and not rested:
            self.problem("rest_relief", "must be null when rested is false")
        entry = EntryData(
            date=day or date.min,
            pain=pain,
            night_pain=night_pain,
            woke_at_night=self.boolean(data, "woke_at_night"),
            rested=rested,
            rest_relief=rest_relief,
            active_minutes=active_minutes,
            activities=self.codes(data, "activities", Activity),
            symptoms=self.codes(data, "symptoms", Symptom),
            self_care=self.codes(data, "self_care", SelfCare),
            daily_tasks=self.choice(data, "daily_tasks", DailyTasks),
            sleep=self.choice(data, "sleep", Sleep),
            notes=notes,
        )
        return entry if day is not None else None

    def expect(self, data: object) -> dict[str, Any] | None:
        if data is None:
            return None
        self._prefix = "expect."
        if not isinstance(data, dict):
            self.problem("", "must be a JSON object")
            return None
        expect: dict[str, Any] = {}
        if "codes" in data:
            codes = data["codes"]
            if isinstance(codes, list) and all(isinstance(code, str) for code in codes):
                expect["codes"] = sorted(set(codes))
            else:
                self.problem("codes", "must be a list of finding codes")
        if "advice_level" in data:
            if data["advice_level"] in ("urgent", "soon", "selfcare"):
                expect["advice_level"] = data["advice_level"]
            else:
                self.problem("advice_level", 'must be "urgent", "soon" or "selfcare"')
        return expect

    def optional_date(self, data: dict[str, Any], key: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            self.problem(key, "must be a date written YYYY-MM-DD")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(key, f"{value} is not a date that exists")
            return None

    def boolean(self, data: dict[str, Any], key: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.problem(key, "must be true or false")
            return False
        return value

    def choice(self, data: dict[str, Any], key: str, codes: type[Enum]) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        allowed = _values(codes)
        if value not in allowed:
            self.problem(key, f"must be null or one of {', '.join(allowed)}")
            return None
        return str(value)

    def codes(
        self, data: dict[str, Any], key: str, codes: type[Enum] | frozenset[str], kind: str = "code"
    ) -> tuple[str, ...]:
        value = data.get(key, [])
        allowed = _values(codes)
        if not isinstance(value, list):
            self.problem(key, "must be a list")
            return ()
        unknown = [item for item in value if item not in allowed]
        if unknown:
            shown = ", ".join(_show(item) for item in unknown)
            self.problem(key, f"unknown {kind} {shown}; expected any of {', '.join(allowed)}")
        return _in_order(value, allowed)


def document_from(
    profile: ProfileData, entries: Iterable[EntryData], today: date | None = None
) -> dict[str, Any]:
    """The canonical JSON document (every field, stable order) for a profile and diary.

    Without `today`, the document's `today` is the latest entry's date (left out when there
    are no entries), so that export, import and export again give the same document.
    """
    ordered = sorted(entries, key=lambda entry: entry.date)
    if today is None and ordered:
        today = ordered[-1].date
    document: dict[str, Any] = {"format": FORMAT}
    if today is not None:
        document["today"] = today.isoformat()
    document["profile"] = {
        "birth_year": profile.birth_year,
        "pain_started": profile.pain_started.isoformat() if profile.pain_started else None,
        "history": _listed(profile.history, History),
        "onset": _listed(profile.onset, Onset),
        "location": _listed(profile.location, Location),
        "cleared": sorted(profile.cleared),
    }
    document["entries"] = [_entry_document(entry) for entry in ordered]
    return document


def _listed(items: Iterable[str], codes: type[Enum]) -> list[str]:
    return list(_in_order(items, _values(codes)))


def _entry_document(entry: EntryData) -> dict[str, Any]:
    return {
        "date": entry.date.isoformat(),
        "pain": entry.pain,
        "night_pain": entry.night_pain,
        "woke_at_night": entry.woke_at_night,
        "rested": entry.rested,
        "rest_relief": entry.rest_relief,
        "active_minutes": entry.active_minutes,
        "activities": _listed(entry.activities, Activity),
        "daily_tasks": entry.daily_tasks,
        "sleep": entry.sleep,
        "symptoms": _listed(entry.symptoms, Symptom),
        "self_care": _listed(entry.self_care, SelfCare),
        "notes": entry.notes,
    }


def _values(codes: type[Enum] | frozenset[str]) -> tuple[str, ...]:
    if isinstance(codes, frozenset):
        return tuple(sorted(codes))
    return tuple(str(member.value) for member in codes)


def _in_order(items: Iterable[object], allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Known codes once each, in the vocabulary's order (the canonical order of exports)."""
    present = {item for item in items if isinstance(item, str)}
    return tuple(code for code in allowed if code in present)


def _is_whole_number(value: object) -> bool:
    # JSON true/false decode to bool, a subclass of int: never a number here.
    return isinstance(value, int) and not isinstance(value, bool)


def _absent_as(value: object, default: object) -> object:
    """Null stands for a missing optional section."""
    return default if value is None else value


def _show(item: object) -> str:
    return f'"{item}"' if isinstance(item, str) else repr(item)
