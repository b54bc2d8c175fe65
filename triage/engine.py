"""Run the rule table over one person's profile and diary for one day.

Pure: the same profile, entries and `today` always give the same evaluation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from triage.diary import EntryData, ProfileData
from triage.rules import LEVEL_ORDER, RULES, Context, Kind, Level

# The rules read the last 14 days (two weeks compared) and the diary's first 14 days.
RECENT_DAYS = 14
FIRST_DAYS = 14


@dataclass(frozen=True, slots=True)
class FindingResult:
    code: str
    level: Level
    since: date
    evidence: str
    # What a new occurrence is compared with (see rules.Hit); not part of the output format.
    days: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class Evaluation:
    today: date
    advice_level: Level
    findings: tuple[FindingResult, ...]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(finding.code for finding in self.findings)


def evaluate(
    profile: ProfileData,
    entries: Iterable[EntryData],
    today: date,
    profile_date: date | None = None,
    answered_on: Mapping[str, date] | None = None,
) -> Evaluation:
    """Every red flag raised on `today`, most serious first.

    `entries` may hold the whole diary or any superset of what the rules read: the entries
    dated within `entry_window(today, first_entry_date)`, which include the diary's first
    entry. Entries dated after `today` are ignored. `profile_date` is when the profile was
    recorded and `answered_on` the local date each profile flag's answer was given; profile
    flags date from their answer, else from `profile_date`, else from `today`. Profile flags
    whose code is in `profile.cleared` are not raised; symptom and trend flags always are.
    """
    context = Context.build(profile, entries, today, profile_date, answered_on)
    findings: list[FindingResult] = []
    for rule in RULES:
        if rule.kind == Kind.PROFILE and rule.code in profile.cleared:
            continue
        hit = rule.check(context)
        if hit is not None:
            findings.append(FindingResult(rule.code, rule.level, hit.since, hit.evidence, hit.days))
    findings.sort(key=lambda finding: (LEVEL_ORDER.index(finding.level), finding.code))
    advice_level = findings[0].level if findings else Level.SELFCARE
    return Evaluation(today=today, advice_level=advice_level, findings=tuple(findings))


def profile_flags(profile: ProfileData, today: date) -> frozenset[str]:
    """The profile flags these answers raise on `today`, cleared or not."""
    context = Context.build(profile, (), today)
    return frozenset(
        rule.code for rule in RULES if rule.kind == Kind.PROFILE and rule.check(context)
    )


def evaluation_as_json(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation in the output format of `diary-format.md`."""
    return {
        "today": evaluation.today.isoformat(),
        "advice_level": str(evaluation.advice_level),
        "findings": [
            {
                "code": finding.code,
                "level": str(finding.level),
                "since": finding.since.isoformat(),
                "evidence": finding.evidence,
            }
            for finding in evaluation.findings
        ],
    }


def entry_window(today: date, first_entry_date: date | None) -> list[tuple[date, date]]:
    """The date ranges (inclusive) of the entries `evaluate` needs for `today`.

    `first_entry_date` is the date of the person's earliest entry on or before `today`
    (None with no entries). Overlapping or adjacent ranges are merged, so a caller can load
    everything with one query: `Q(date__range=r1) | Q(date__range=r2)`.
    """
    recent = (today - timedelta(days=RECENT_DAYS - 1), today)
    if first_entry_date is None or first_entry_date > today:
        return [recent]
    first = (first_entry_date, min(first_entry_date + timedelta(days=FIRST_DAYS - 1), today))
    if first[1] >= recent[0] - timedelta(days=1):
        return [(min(first[0], recent[0]), today)]
    return [first, recent]
