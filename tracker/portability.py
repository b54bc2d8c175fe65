"""A person's data in and out of Upright: export, import, and deleting the account.

The export is the `backpain-diary/1` document (`triage.diary`), so what a person downloads
can be imported again, here or on another server. An import is all or nothing: every
problem is reported at once and nothing is written until the whole document is acceptable.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import record
from accounts.erasure import erase_traces_of
from accounts.models import AuditAction, User
from exercises import portability as exercise_data
from tracker.evaluation import entry_data, profile_data
from tracker.models import PAST_DAYS_EDITABLE, Entry, Profile
from tracker.queries import today_of
from tracker.services import (
    ENTRY_FIELDS,
    date_answers,
    editable_dates,
    get_or_create_profile,
    raised_by_answers,
)
from tracker.spreadsheet import write_entries
from triage.diary import (
    DiaryDocument,
    DiaryFormatError,
    EntryData,
    FormatProblem,
    ProfileData,
    document_from,
    parse_document,
)
from triage.engine import Evaluation
from triage.services import (
    active_clearances,
    codes_reported_by,
    recheck,
    record_clearances,
)

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_NOTES_LENGTH = Entry._meta.get_field("notes").max_length or 2000
PROFILE_ANSWERS = ("birth_year", "pain_started", "history", "onset", "location")


@dataclass(frozen=True)
class ImportResult:
    entries_added: int
    profile_answers_updated: tuple[str, ...]
    evaluation: Evaluation


class ImportRefused(Exception):
    """Nothing was imported. `message` says why; `problems` lists each one by field and date."""

    def __init__(self, message: str, problems: Sequence[FormatProblem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)


class ImportTooLarge(ImportRefused):
    def __init__(self) -> None:
        megabytes = MAX_IMPORT_BYTES // (1024 * 1024)
        super().__init__(
            f"This file is larger than {megabytes} MB, the most Upright can import at once. "
            "An Upright download is much smaller than that: please check it is the right file."
        )


def export_document(user: User) -> dict[str, Any]:
    """The person's whole profile and diary, dated with their own local today."""
    profile = Profile.objects.filter(user=user).first()
    today = today_of(user)
    entries = [entry_data(entry) for entry in Entry.objects.filter(user=user).order_by("date")]
    document = document_from(profile_data(profile, active_clearances(user)), entries, today=today)
    document[exercise_data.KEY] = exercise_data.exported(user)
    return document


def entries_csv(user: User) -> str:
    """One row per entry, with the diary format's field names; lists are joined with ";"."""
    entries = [entry_data(entry) for entry in Entry.objects.filter(user=user).order_by("date")]
    # The entries of the canonical document: the same values, in the same order, as the JSON.
    rows = document_from(ProfileData(), entries)["entries"]
    buffer = io.StringIO()
    write_entries(buffer, (SimpleNamespace(**row) for row in rows), include_notes=True)
    return buffer.getvalue()


def import_document(*, user: User, raw_bytes: bytes) -> ImportResult:
    """Add a `backpain-diary/1` document to the person's diary, or raise ImportRefused.

    The profile answers the document holds replace the person's; answers it leaves out are
    kept. Codes in `cleared` are marked checked by the person. No imported day may already
    be in the diary. Triage is re-checked once, in the same transaction.
    """
    if len(raw_bytes) > MAX_IMPORT_BYTES:
        raise ImportTooLarge
    data = _decoded(raw_bytes)
    profile = get_or_create_profile(user)
    today = profile.local_today()
    try:
        document = parse_document(data, default_today=today)
    except DiaryFormatError as error:
        raise ImportRefused(
            "Nothing was imported: the file has some problems.", error.errors
        ) from error
    except RecursionError as error:
        raise _too_deeply_nested() from error
    answers = _profile_answers_given(data)
    exercises, exercise_problems = exercise_data.parse(data)
    try:
        with transaction.atomic():
            problems = [
                *_out_of_bounds(document, today),
                *_days_logged(user, document),
                *exercise_problems,
                *exercise_data.problems_with_days_logged(user, exercises),
            ]
            if problems:
                raise ImportRefused("Nothing was imported: some answers need a look.", problems)
            given_again = _update_profile(profile, document.profile, answers)
            record_clearances(patient=user, codes=document.profile.cleared, by=user)
            Entry.objects.bulk_create(
                [_new_entry(user, entry) for entry in document.entries], batch_size=500
            )
            exercise_data.import_parsed(user, exercises, timezone.now())
            reported = codes_reported_by(s for e in document.entries for s in e.symptoms)
            evaluation = recheck(user, reported=given_again | reported)
    except IntegrityError as error:
        # Another request logged one of these days while the import ran.
        raise ImportRefused(
            "Nothing was imported: one of these days was logged at the same moment. "
            "Please try again."
        ) from error
    return ImportResult(
        entries_added=len(document.entries),
        profile_answers_updated=answers,
        evaluation=evaluation,
    )


def delete_account(*, user: User, password: str) -> bool:
    """Delete the person and, by cascade, everything held about them: profile, diary,
    exercise plans and log, findings, summaries, messages and their pending deliveries
    (prompts included), push subscriptions, shares, invitations, codes, and
    physiotherapists' notes about them.

    Every session of the person ends with the account (their rows go with it). The audit
    log keeps what happened and when (with a row saying an account was deleted), and
    nothing that names or points to the person (`accounts.erasure`).
    """
    if not user.check_password(password):
        return False
    with transaction.atomic():
        # Written first, so that it is erased like every other row about the person.
        record(None, AuditAction.ACCOUNT_DELETED, subject=user, actor=user)
        erase_traces_of(user)
        user.delete()
    return True


def _decoded(raw_bytes: bytes) -> object:
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            "This file is not text that Upright can read (it should be UTF-8 JSON). "
            "Please choose the .json file that Upright's download gave you."
        ) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"This file is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}. Please choose the .json file that Upright's download gave you."
        ) from error
    except RecursionError as error:
        raise _too_deeply_nested() from error
    except ValueError as error:  # a number with thousands of digits, say
        raise ImportRefused(
            "This file could not be read as a diary. "
            "Please choose the .json file that Upright's download gave you."
        ) from error


def _too_deeply_nested() -> ImportRefused:
    return ImportRefused(
        "This file is nested too deeply to be a diary. "
        "Please choose the .json file that Upright's download gave you."
    )


def _profile_answers_given(data: object) -> tuple[str, ...]:
    profile = data.get("profile") if isinstance(data, dict) else None
    if not isinstance(profile, dict):
        return ()
    return tuple(name for name in PROFILE_ANSWERS if name in profile)


def _out_of_bounds(document: DiaryDocument, today: dt.date) -> list[FormatProblem]:
    """What the format allows but an Upright diary does not: days outside the window a
    person may log (today and the 6 days before, the days the symptom flags read, so that
    no imported symptom falls outside every rule), long notes."""
    problems = []
    profile = document.profile
    if profile.birth_year is not None and profile.birth_year > today.year:
        problems.append(FormatProblem("profile.birth_year", None, "is after this year"))
    if profile.pain_started is not None and profile.pain_started > today:
        problems.append(FormatProblem("profile.pain_started", None, "is after today"))
    first_day, _ = editable_dates(today)
    for entry in document.entries:
        day = entry.date.isoformat()
        if entry.date > today:
            problems.append(FormatProblem("date", day, "is after today; a diary holds past days"))
        elif entry.date < first_day:
            problems.append(
                FormatProblem(
                    "date",
                    day,
                    f"is more than {PAST_DAYS_EDITABLE} days ago: Upright adds days from "
                    f"{first_day:%-d %B} to today, the days its checks read",
                )
            )
        if len(entry.notes) > MAX_NOTES_LENGTH:
            problems.append(
                FormatProblem("notes", day, f"is longer than {MAX_NOTES_LENGTH} characters")
            )
    return problems


def _days_logged(user: User, document: DiaryDocument) -> list[FormatProblem]:
    if not document.entries:
        return []
    wanted = {entry.date for entry in document.entries}
    # A date range rather than an IN list: a long diary would pass a database's parameter limit.
    logged = Entry.objects.filter(
        user=user, date__gte=min(wanted), date__lte=max(wanted)
    ).values_list("date", flat=True)
    return [
        FormatProblem("date", day.isoformat(), "is already in your diary")
        for day in sorted(wanted.intersection(logged))
    ]


def _update_profile(
    profile: Profile, given: ProfileData, answers: tuple[str, ...]
) -> frozenset[str]:
    """Replace the answers the document gives; return the profile flags they raise anew."""
    if not answers:
        return frozenset()
    raised_before = raised_by_answers(profile)
    for name in answers:
        value = getattr(given, name)
        setattr(profile, name, list(value) if isinstance(value, tuple) else value)
    given_again = date_answers(profile, raised_before)
    profile.save()
    return given_again


def _new_entry(user: User, entry: EntryData) -> Entry:
    values = {field: getattr(entry, field) for field in ENTRY_FIELDS}
    lists_stored = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
    return Entry(user=user, **lists_stored)
