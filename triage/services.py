"""Re-check a person's red flags and keep their findings and escalation prompts in step."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from triage.diary import PersonsDiary
from triage.engine import Evaluation, FindingResult, evaluate
from triage.escalation import send_first_prompts
from triage.models import Finding, FindingState, Level, ProfileFlagClearance
from triage.queries import table_and_columns
from triage.rules import RULES, RULES_BY_CODE, Kind


def active_clearances(user: User) -> frozenset[str]:
    """The profile flags a doctor has checked, not undone. Plain SQL: read on every save."""
    with connection.cursor() as cursor:
        cursor.execute(_clearances_sql(), [user.pk])
        return frozenset(code for (code,) in cursor.fetchall())


@cache
def _clearances_sql() -> str:
    table, column = table_and_columns(ProfileFlagClearance, "user", "code", "undone_at")
    return (
        f"SELECT {column['code']} FROM {table} "
        f"WHERE {column['user']} = %s AND {column['undone_at']} IS NULL"
    )


def evaluate_person(user: User, today: dt.date | None = None) -> Evaluation:
    """The rules over the person's diary as the journal gives it (plain data), with the
    profile flags a doctor has checked, which are triage's own."""
    diary = read_diary(user, today)
    return evaluate(
        replace(diary.profile, cleared=active_clearances(user)),
        list(diary.entries),
        diary.today,
        profile_date=diary.profile_date,
        answered_on=diary.answered_on,
    )


def read_diary(user: User, today: dt.date | None = None) -> PersonsDiary:
    """The journal's answers for this person: `settings.TRIAGE_DIARY_READER` names the
    function that reads them (the journal's, above triage in the apps' order)."""
    return _diary_reader(settings.TRIAGE_DIARY_READER)(user, today)


@cache
def _diary_reader(path: str) -> Callable[[User, dt.date | None], PersonsDiary]:
    reader: Callable[[User, dt.date | None], PersonsDiary] = import_string(path)
    return reader


def recheck(
    user: User, today: dt.date | None = None, *, reported: frozenset[str] = frozenset()
) -> Evaluation:
    """Evaluate the person's diary and record what it raises. Call inside the writer's
    transaction: findings, their prompts and the change that caused them commit together.

    `reported` holds the symptom and profile flag codes the person has just given anew (a
    symptom added to an entry, a profile answer given again, a clearance undone): raised,
    they open a new finding after an acknowledged one (red-flags.md v2, "new occurrence").
    """
    evaluation = evaluate_person(user, today)
    # Part of the caller's transaction when there is one (no savepoint of its own).
    with transaction.atomic(savepoint=False):
        record_findings(user, evaluation, reported=reported)
    return evaluation


def record_findings(
    user: User, evaluation: Evaluation, *, reported: frozenset[str] = frozenset()
) -> list[Finding]:
    """Refresh open findings, open new ones, and record the prompts of new urgent ones.

    A code already open is refreshed, never duplicated. A code raised for the first time
    opens a finding. A code raised again after its finding was acknowledged opens a new one
    only on new information (`is_new_occurrence`): never for the passing of time or an
    unrelated correction, so no escalation is sent twice for the same evidence.

    A new urgent finding's prompts (notify's messages and delivery rows, its outbox) are
    recorded in this transaction; a worker delivers them once it commits.
    """
    now = timezone.now()
    raised = {result.code: result for result in evaluation.findings}
    open_by_code = {f.code: f for f in _open_findings(user)}
    _refresh(open_by_code, raised, now)

    candidates = [r for code, r in raised.items() if code not in open_by_code]
    if not candidates:
        return []
    acknowledged = _acknowledged(user, [r.code for r in candidates])
    new = [
        _new_finding(user, r, now)
        for r in candidates
        if r.code not in acknowledged or is_new_occurrence(r, acknowledged[r.code], reported)
    ]
    created = Finding.objects.bulk_create(new)
    urgent = [f for f in created if f.level == Level.URGENT]
    if urgent:
        send_first_prompts(urgent)
    return created


@dataclass(frozen=True)
class Acknowledged:
    """What the acknowledged findings of one code showed when they were acknowledged."""

    days: frozenset[dt.date]
    # (evidence, since) of findings acknowledged before days were recorded.
    undated: frozenset[tuple[str, dt.date]]


def is_new_occurrence(
    result: FindingResult, acknowledged: Acknowledged, reported: frozenset[str]
) -> bool:
    """Red-flags.md v2: a symptom newly added to an entry or a profile answer given again
    (both in `reported`), or a trend day that did not qualify at acknowledgement."""
    if RULES_BY_CODE[result.code].kind != Kind.TREND:
        return result.code in reported
    if (result.evidence, result.since) in acknowledged.undated:
        return False
    return not set(result.days) <= acknowledged.days


def _acknowledged(user: User, codes: list[str]) -> dict[str, Acknowledged]:
    days: dict[str, set[dt.date]] = {}
    undated: dict[str, set[tuple[str, dt.date]]] = {}
    rows = Finding.objects.filter(
        user=user, state=FindingState.ACKNOWLEDGED, code__in=codes
    ).values_list("code", "days", "evidence", "since")
    for code, stored_days, evidence, since in rows:
        days.setdefault(code, set()).update(map(dt.date.fromisoformat, stored_days))
        undated.setdefault(code, set())
        if not stored_days:
            undated[code].add((evidence, since))
    return {code: Acknowledged(frozenset(days[code]), frozenset(undated[code])) for code in days}


@dataclass(frozen=True)
class OpenFinding:
    """What refreshing an open finding compares: the columns `_refresh` reads."""

    pk: int
    code: str
    evidence: str
    since: dt.date
    days: list[str]
    still_present: bool
    entry_removed: bool


def _open_findings(user: User) -> list[OpenFinding]:
    """The person's open findings, as `_refresh` reads them. Plain SQL, like the diary read:
    this runs on every save, and building Finding objects cost more than the query."""
    with connection.cursor() as cursor:
        cursor.execute(_open_findings_sql(), [user.pk, FindingState.OPEN])
        rows = cursor.fetchall()
    return [
        OpenFinding(
            pk=pk,
            code=code,
            evidence=evidence,
            since=dt.date.fromisoformat(since) if isinstance(since, str) else since,
            days=json.loads(days) if isinstance(days, str) else list(days),
            still_present=bool(still_present),
            entry_removed=bool(entry_removed),
        )
        for pk, code, evidence, since, days, still_present, entry_removed in rows
    ]


REFRESHED = ("evidence", "since", "days", "still_present", "entry_removed", "last_seen")


@cache
def _open_findings_sql() -> str:
    read = ("id", "code", "evidence", "since", "days", "still_present", "entry_removed")
    table, column = table_and_columns(Finding, *read, "user", "state")
    columns = ", ".join(column[field] for field in read)
    return f"SELECT {columns} FROM {table} WHERE {column['user']} = %s AND {column['state']} = %s"


@cache
def _refresh_sql() -> str:
    table, column = table_and_columns(Finding, *REFRESHED, "id")
    assignments = ", ".join(f"{column[field]} = %s" for field in REFRESHED)
    return f"UPDATE {table} SET {assignments} WHERE {column['id']} = %s"


def _refresh(
    open_by_code: dict[str, OpenFinding], raised: dict[str, FindingResult], now: dt.datetime
) -> None:
    """Open findings raised again with other evidence (or present again) take today's
    evidence and are seen now, in one statement for all of them; one raised again just
    as it stands is left unwritten, so saving the same day again writes no finding. The
    others are no longer present."""
    seen_again, gone = [], []
    for code, finding in open_by_code.items():
        result = raised.get(code)
        if result is None:
            if finding.still_present:
                gone.append(finding.pk)
            continue
        days = _iso(result.days)
        unchanged = (finding.evidence, finding.since, finding.days, finding.still_present) == (
            result.evidence, result.since, days, True,
        )  # fmt: skip
        if unchanged:
            continue
        # A finding whose evidence changed no longer rests on a removed entry.
        entry_removed = False
        values = (result.evidence, result.since, days, True, entry_removed, now)
        seen_again.append([*_prepared(values), finding.pk])
    if seen_again:
        with connection.cursor() as cursor:
            cursor.executemany(_refresh_sql(), seen_again)
    if gone:
        Finding.objects.filter(pk__in=gone).update(still_present=False)


def _prepared(values: Iterable[Any]) -> list[Any]:
    """REFRESHED's values as the database takes them (dates, JSON, booleans)."""
    return [
        Finding._meta.get_field(field).get_db_prep_save(value, connection)  # type: ignore[union-attr]
        for field, value in zip(REFRESHED, values, strict=True)
    ]


def _iso(days: tuple[dt.date, ...]) -> list[str]:
    return [day.isoformat() for day in days]


def _new_finding(user: User, result: FindingResult, now: dt.datetime) -> Finding:
    return Finding(
        user=user,
        code=result.code,
        level=result.level,
        evidence=result.evidence,
        since=result.since,
        days=_iso(result.days),
        first_seen=now,
        last_seen=now,
    )


def recheck_after_deletion(user: User, day: dt.date) -> Evaluation:
    """Re-check once the entry of `day` is deleted. Open findings it raised stay open (the
    safe side: the symptom may be real), marked as resting on a removed entry."""
    evaluation = recheck(user)
    gone = Finding.objects.filter(user=user, state=FindingState.OPEN, still_present=False)
    removed = [pk for pk, days in gone.values_list("pk", "days") if day.isoformat() in days]
    Finding.objects.filter(pk__in=removed).update(entry_removed=True)
    return evaluation


def acknowledge(*, finding: Finding, by: User) -> None:
    Finding.objects.filter(pk=finding.pk, state=FindingState.OPEN).update(
        state=FindingState.ACKNOWLEDGED, acknowledged_by=by, acknowledged_at=timezone.now()
    )


def clear_profile_flag(*, patient: User, code: str, by: User) -> None:
    with transaction.atomic():
        record_clearances(patient=patient, codes=frozenset({code}), by=by)
        recheck(patient)


def record_clearances(*, patient: User, codes: frozenset[str], by: User) -> None:
    """Mark profile flags as checked by a doctor (recorded with who and when, undoable) and
    close their open findings. The caller re-checks, once for all the codes."""
    new = sorted(codes - active_clearances(patient))
    if not new:
        return
    ProfileFlagClearance.objects.bulk_create(
        [ProfileFlagClearance(user=patient, code=code, cleared_by=by) for code in new]
    )
    Finding.objects.filter(user=patient, code__in=new, state=FindingState.OPEN).update(
        state=FindingState.ACKNOWLEDGED, acknowledged_by=by, acknowledged_at=timezone.now()
    )


def undo_profile_flag_clearance(*, patient: User, code: str, by: User) -> None:
    with transaction.atomic():
        ProfileFlagClearance.objects.filter(user=patient, code=code, undone_at=None).update(
            undone_at=timezone.now(), undone_by=by
        )
        recheck(patient, reported=frozenset({code}))


def codes_reported_by(symptoms: Iterable[str]) -> frozenset[str]:
    """The finding codes that ticking these symptoms reports."""
    wanted = set(symptoms)
    return frozenset(rule.code for rule in RULES if rule.symptom in wanted)
