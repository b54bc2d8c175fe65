"""Plans and the exercise log in the person's own export, and back in on import.

They ride in the `backpain-diary/1` document under a top-level `exercises` key, which the
format lets other readers ignore ("unknown fields are ignored"), so a document without it
still imports and one with it still opens in `triage_check`:

    "exercises": {
      "plans": [{"accepted_on": "2026-11-24", "ended_on": null,
                 "suggested_by_physiotherapist": true,
                 "versions": [{"starts_on": "2026-11-24", "review_on": null, "note": "",
                               "exercises": [{"key": "walk", "code": "walk",
                                              "name": "A walk", "steps": ["..."],
                                              "sets": 1, "repetitions": null,
                                              "hold_seconds": null, "minutes": 15,
                                              "times_a_day": 1,
                                              "weekdays": [0, 1, 2, 3, 4, 5, 6]}]}]}],
      "log": [{"date": "2026-11-24", "pain_after": "better", "marks": {"walk": "done"}}]
    }

An imported plan is the person's own (the physiotherapist who suggested it is not on this
server); a suggestion never accepted is not imported.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from exercises.models import (
    MAX_TIMES_A_DAY,
    Done,
    Exercise,
    ExerciseDay,
    ExerciseMark,
    PainAfter,
    Plan,
    PlanItem,
    PlanVersion,
)
from exercises.queries import VERSIONS_AND_ITEMS
from triage.diary import FormatProblem

KEY = "exercises"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DOSE_FIELDS = ("sets", "repetitions", "hold_seconds", "minutes")


def exported(user: User) -> dict[str, Any]:
    plans = (
        Plan.objects.filter(patient=user)
        .prefetch_related(VERSIONS_AND_ITEMS)
        .order_by("created_at", "pk")
    )
    days = ExerciseDay.objects.filter(patient=user).prefetch_related("marks").order_by("day")
    return {
        "plans": [_plan_document(plan) for plan in plans],
        "log": [
            {
                "date": day.day.isoformat(),
                "pain_after": day.pain_after or None,
                "marks": {mark.key: mark.done for mark in sorted(day.marks.all(), key=_by_key)},
            }
            for day in days
        ],
    }


def _by_key(mark: ExerciseMark) -> str:
    return mark.key


def _plan_document(plan: Plan) -> dict[str, Any]:
    return {
        "accepted_on": _iso(plan.accepted_on),
        "ended_on": _iso(plan.ended_on),
        "suggested_by_physiotherapist": plan.prescribed_by_id is not None,
        "versions": [
            {
                "starts_on": version.starts_on.isoformat(),
                "review_on": _iso(version.review_on),
                "note": version.note,
                "exercises": [
                    {
                        "key": item.key,
                        "code": item.exercise.code if item.exercise else None,
                        "name": item.name,
                        "steps": list(item.steps),
                        **{name: getattr(item, name) for name in DOSE_FIELDS},
                        "times_a_day": item.times_a_day,
                        "weekdays": sorted(item.weekdays),
                    }
                    for item in version.items.all()
                ],
            }
            for version in plan.versions.all()
        ],
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class ParsedExercises:
    plans: list[dict[str, Any]]
    log: list[tuple[dt.date, str, dict[str, str]]]


class _Reader:
    """Reads the section, collecting every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[FormatProblem] = []

    def problem(self, where: str, message: str, day: str | None = None) -> None:
        self.problems.append(FormatProblem(where, day, message))

    def date(self, value: object, where: str, *, optional: bool = False) -> dt.date | None:
        if value is None and optional:
            return None
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            with suppress(ValueError):  # 2026-02-30 has the shape but is no day
                return dt.date.fromisoformat(value)
        self.problem(where, "is not a date like 2026-11-24")
        return None

    def count(self, value: object, where: str, top: int) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            self.problem(where, f"is not a whole number from 1 to {top}")
            return None
        return value


def parse(data: object) -> tuple[ParsedExercises, list[FormatProblem]]:
    """The `exercises` section of a document (empty when there is none), and its problems."""
    section = data.get(KEY) if isinstance(data, dict) else None
    reader = _Reader()
    if section is None:
        return ParsedExercises([], []), []
    if not isinstance(section, dict):
        reader.problem(KEY, "is not an object with plans and log")
        return ParsedExercises([], []), reader.problems
    plans = [
        plan
        for n, raw in enumerate(_list(section.get("plans"), f"{KEY}.plans", reader))
        if (plan := _parse_plan(raw, f"{KEY}.plans[{n}]", reader)) is not None
    ]
    log = []
    seen: set[dt.date] = set()
    for n, raw in enumerate(_list(section.get("log"), f"{KEY}.log", reader)):
        where = f"{KEY}.log[{n}]"
        if not isinstance(raw, dict):
            reader.problem(where, "is not an object")
            continue
        day = reader.date(raw.get("date"), f"{where}.date")
        pain_after = raw.get("pain_after") or ""
        if pain_after not in (*PainAfter.values, ""):
            reader.problem(f"{where}.pain_after", "is not better, same or worse")
        marks = raw.get("marks") or {}
        if not isinstance(marks, dict) or not all(
            isinstance(k, str) and 0 < len(k) <= 40 and v in Done.values for k, v in marks.items()
        ):
            reader.problem(f"{where}.marks", "is not a list of exercises: done, some or not_today")
            marks = {}
        if day is not None:
            if day in seen:
                reader.problem(f"{where}.date", "appears twice in the exercise log")
            seen.add(day)
            log.append((day, pain_after, dict(marks)))
    return ParsedExercises(plans, log), reader.problems


def _list(value: object, where: str, reader: _Reader) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        reader.problem(where, "is not a list")
        return []
    return value


def _parse_plan(raw: object, where: str, reader: _Reader) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        reader.problem(where, "is not an object")
        return None
    accepted_on = reader.date(raw.get("accepted_on"), f"{where}.accepted_on", optional=True)
    ended_on = reader.date(raw.get("ended_on"), f"{where}.ended_on", optional=True)
    versions = []
    for n, version in enumerate(_list(raw.get("versions"), f"{where}.versions", reader)):
        at = f"{where}.versions[{n}]"
        if not isinstance(version, dict):
            reader.problem(at, "is not an object")
            continue
        starts_on = reader.date(version.get("starts_on"), f"{at}.starts_on")
        review_on = reader.date(version.get("review_on"), f"{at}.review_on", optional=True)
        note = version.get("note") or ""
        if not isinstance(note, str) or len(note) > 500:
            reader.problem(f"{at}.note", "is not a text of at most 500 characters")
            note = ""
        items = [
            item
            for m, item_raw in enumerate(_list(version.get("exercises"), f"{at}.exercises", reader))
            if (item := _parse_item(item_raw, f"{at}.exercises[{m}]", reader)) is not None
        ]
        if not items:
            reader.problem(f"{at}.exercises", "holds no exercise")
        if len({item["key"] for item in items}) < len(items):
            reader.problem(f"{at}.exercises", "holds the same key twice")
        if starts_on and review_on and review_on < starts_on:
            reader.problem(f"{at}.review_on", "is before starts_on")
        if starts_on is not None:
            versions.append(
                {"starts_on": starts_on, "review_on": review_on, "note": note, "items": items}
            )
    if not versions:
        reader.problem(f"{where}.versions", "holds no version")
        return None
    return {"accepted_on": accepted_on, "ended_on": ended_on, "versions": versions}


def _parse_item(raw: object, where: str, reader: _Reader) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        reader.problem(where, "is not an object")
        return None
    name, key = raw.get("name"), raw.get("key")
    steps = raw.get("steps") or []
    weekdays = raw.get("weekdays")
    ok = True
    if not isinstance(name, str) or not 0 < len(name) <= 80:
        reader.problem(f"{where}.name", "is not a name of 1 to 80 characters")
        ok = False
    if not isinstance(key, str) or not 0 < len(key) <= 40:
        reader.problem(f"{where}.key", "is not a key of 1 to 40 characters")
        ok = False
    if not isinstance(steps, list) or not all(isinstance(s, str) and len(s) <= 300 for s in steps):
        reader.problem(f"{where}.steps", "is not a list of short texts")
        ok = False
    if (
        not isinstance(weekdays, list)
        or not weekdays
        or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in weekdays)
    ):
        reader.problem(f"{where}.weekdays", "is not a list of days, 0 (Monday) to 6 (Sunday)")
        ok = False
    dose = {name: reader.count(raw.get(name), f"{where}.{name}", 300) for name in DOSE_FIELDS}
    times = reader.count(raw.get("times_a_day", 1), f"{where}.times_a_day", MAX_TIMES_A_DAY)
    if not ok or times is None:
        return None
    code = raw.get("code")
    return {
        "key": key, "code": code if isinstance(code, str) else None, "name": name,
        "steps": steps, **dose, "times_a_day": times, "weekdays": sorted(set(weekdays or [])),
    }  # fmt: skip


def problems_with_days_logged(user: User, parsed: ParsedExercises) -> list[FormatProblem]:
    if not parsed.log:
        return []
    wanted = {day for day, _, _ in parsed.log}
    logged = ExerciseDay.objects.filter(
        patient=user, day__gte=min(wanted), day__lte=max(wanted)
    ).values_list("day", flat=True)
    return [
        FormatProblem(f"{KEY}.log", day.isoformat(), "is already in your exercise log")
        for day in sorted(wanted.intersection(logged))
    ]


def import_parsed(user: User, parsed: ParsedExercises, now: dt.datetime) -> None:
    """Write what `parse` read (the caller's transaction makes it all or nothing)."""
    library = {e.code: e for e in Exercise.objects.all()}
    for raw in parsed.plans:
        if raw["accepted_on"] is None:
            continue  # a suggestion the person never accepted
        plan = Plan.objects.create(
            patient=user,
            accepted_at=now,
            accepted_on=raw["accepted_on"],
            ended_on=raw["ended_on"],
            ended_at=now if raw["ended_on"] else None,
            ended_by=user if raw["ended_on"] else None,
        )
        for number, version in enumerate(raw["versions"], start=1):
            saved = PlanVersion.objects.create(
                plan=plan, number=number, starts_on=version["starts_on"],
                review_on=version["review_on"], note=version["note"], created_by=user,
            )  # fmt: skip
            PlanItem.objects.bulk_create(
                PlanItem(
                    version=saved,
                    exercise=library.get(item["code"] or ""),
                    position=position,
                    **{k: v for k, v in item.items() if k != "code"},
                )
                for position, item in enumerate(version["items"])
            )
    for day, pain_after, marks in parsed.log:
        logged = ExerciseDay.objects.create(patient=user, day=day, pain_after=pain_after)
        ExerciseMark.objects.bulk_create(
            ExerciseMark(day=logged, key=key, done=done) for key, done in marks.items()
        )
