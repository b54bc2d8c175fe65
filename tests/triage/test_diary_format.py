"""The diary format: what it accepts, what it rejects (naming field and date), round trips."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings

from tests.triage.examples import EXAMPLES
from tests.triage.test_engine_properties import diaries, profiles
from triage.diary import (
    DiaryFormatError,
    EntryData,
    ProfileData,
    document_from,
    parse_document,
)

FALLBACK_TODAY = date(2026, 12, 1)


def document(*entries: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"format": "backpain-diary/1", "entries": list(entries), **fields}


def problems(data: object) -> list[str]:
    with pytest.raises(DiaryFormatError) as error:
        parse_document(data, default_today=FALLBACK_TODAY)
    return [str(problem) for problem in error.value.errors]


def test_a_minimal_entry_takes_the_defaults_of_the_format() -> None:
    parsed = parse_document(document({"date": "2026-11-24", "pain": 4}))
    assert parsed.entries == (EntryData(date=date(2026, 11, 24), pain=4),)
    assert parsed.profile == ProfileData()
    assert parsed.expect is None


def test_unknown_fields_are_ignored() -> None:
    data = document({"date": "2026-11-24", "pain": 4, "mood": "fine"}, app_version="9")
    assert parse_document(data).entries[0].pain == 4


def test_entries_are_sorted_by_date_and_today_defaults_to_the_latest() -> None:
    data = document({"date": "2026-11-24", "pain": 4}, {"date": "2026-11-20", "pain": 2})
    parsed = parse_document(data, default_today=FALLBACK_TODAY)
    assert [e.date for e in parsed.entries] == [date(2026, 11, 20), date(2026, 11, 24)]
    assert parsed.today == date(2026, 11, 24)


def test_a_diary_without_entries_or_today_is_evaluated_on_the_default_day() -> None:
    assert parse_document(document(), default_today=FALLBACK_TODAY).today == FALLBACK_TODAY


def test_the_documents_own_today_wins() -> None:
    data = document({"date": "2026-11-24", "pain": 4}, today="2026-11-22")
    assert parse_document(data).today == date(2026, 11, 22)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("pain", 11, "entries[2026-11-24].pain: must be a whole number from 0 to 10"),
        ("pain", -1, "entries[2026-11-24].pain: must be a whole number from 0 to 10"),
        ("pain", 4.5, "entries[2026-11-24].pain: must be a whole number from 0 to 10"),
        ("pain", True, "entries[2026-11-24].pain: must be a whole number from 0 to 10"),
        ("pain", "4", "entries[2026-11-24].pain: must be a whole number from 0 to 10"),
        ("night_pain", 11, "entries[2026-11-24].night_pain: must be a whole number from 0 to 10"),
        ("active_minutes", 1441, "entries[2026-11-24].active_minutes: must be a whole number"),
        ("woke_at_night", 1, "entries[2026-11-24].woke_at_night: must be true or false"),
        ("rested", None, "entries[2026-11-24].rested: must be true or false"),
        ("symptoms", ["sneezing"], 'entries[2026-11-24].symptoms: unknown code "sneezing"'),
        ("symptoms", "fever", "entries[2026-11-24].symptoms: must be a list"),
        ("sleep", "badly", "entries[2026-11-24].sleep: must be null or one of ok"),
        ("rest_relief", "no", "entries[2026-11-24].rest_relief: must be null when rested is"),
        ("notes", 3, "entries[2026-11-24].notes: must be text"),
    ],
)
def test_a_wrong_entry_value_is_rejected_naming_the_field_and_the_date(
    field: str, value: object, expected: str
) -> None:
    [problem] = problems(document({"date": "2026-11-24", "pain": 4, field: value}))
    assert problem.startswith(expected)


def test_the_error_carries_the_field_and_date_for_the_import_page() -> None:
    with pytest.raises(DiaryFormatError) as error:
        parse_document(document({"date": "2026-11-24", "pain": 11}))
    assert (error.value.field, error.value.date) == ("pain", "2026-11-24")
    assert str(error.value) == "entries[2026-11-24].pain: must be a whole number from 0 to 10"


def test_a_date_that_does_not_exist_is_rejected() -> None:
    assert problems(document({"date": "2026-02-30", "pain": 4})) == [
        "entries[2026-02-30].date: 2026-02-30 is not a date that exists"
    ]


def test_an_entry_without_a_usable_date_is_named_by_its_position() -> None:
    assert problems(document({"pain": 4}, {"date": "24/11/2026", "pain": 4})) == [
        "entries[0].date: is required",
        "entries[1].date: must be a date written YYYY-MM-DD",
    ]


def test_two_entries_on_one_date_are_rejected() -> None:
    data = document({"date": "2026-11-24", "pain": 4}, {"date": "2026-11-24", "pain": 5})
    assert problems(data) == [
        "entries[2026-11-24].date: two entries have this date; a day has one entry"
    ]


def test_every_problem_is_reported_at_once() -> None:
    data = document(
        {"date": "2026-11-23", "pain": 12},
        {"date": "2026-11-24", "pain": 4, "symptoms": ["fever", "hiccups"]},
        profile={"history": ["asthma"]},
    )
    assert [problem.split(":")[0] for problem in problems(data)] == [
        "entries[2026-11-23].pain",
        "entries[2026-11-24].symptoms",
        "profile.history",
    ]


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ({"birth_year": 1899}, "profile.birth_year: must be a year from 1900 to 2026"),
        ({"birth_year": 2027}, "profile.birth_year: must be a year from 1900 to 2026"),
        ({"birth_year": "1968"}, "profile.birth_year: must be a year"),
        ({"pain_started": "2026-11-31"}, "profile.pain_started: 2026-11-31 is not a date"),
        ({"onset": ["sneeze"]}, 'profile.onset: unknown code "sneeze"'),
        ({"location": "top_of_back"}, "profile.location: must be a list"),
        ({"cleared": ["NIGHT_WORSE"]}, 'profile.cleared: unknown profile flag code "NIGHT_WORSE"'),
    ],
)
def test_a_wrong_profile_value_is_rejected_naming_the_field(
    profile: dict[str, Any], expected: str
) -> None:
    [problem] = problems(document({"date": "2026-11-24", "pain": 4}, profile=profile))
    assert problem.startswith(expected)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], "document: must be a JSON object"),
        ({"entries": []}, 'format: must be "backpain-diary/1"'),
        ({"format": "backpain-diary/2"}, 'format: must be "backpain-diary/1"'),
        (document(today="tomorrow"), "today: must be a date written YYYY-MM-DD"),
        (document(expect={"advice_level": "red"}), "expect.advice_level: must be"),
    ],
)
def test_a_wrong_document_is_rejected_naming_the_field(data: object, expected: str) -> None:
    assert problems(data)[0].startswith(expected)


def test_an_exported_document_lists_every_field_in_a_stable_order() -> None:
    exported = document_from(
        ProfileData(birth_year=1968, cleared=frozenset({"TOP_OF_BACK", "AGE"})),
        [EntryData(date=date(2026, 11, 24), pain=4, symptoms=("unwell", "fever"))],
    )
    assert list(exported) == ["format", "today", "profile", "entries"]
    assert exported["today"] == "2026-11-24"
    assert exported["profile"]["cleared"] == ["AGE", "TOP_OF_BACK"]
    assert list(exported["entries"][0]) == [
        "date",
        "pain",
        "night_pain",
        "woke_at_night",
        "rested",
        "rest_relief",
        "active_minutes",
        "activities",
        "daily_tasks",
        "sleep",
        "symptoms",
        "self_care",
        "notes",
    ]
    assert exported["entries"][0]["symptoms"] == ["fever", "unwell"]


def test_codes_are_read_once_each_in_the_order_of_the_vocabulary() -> None:
    data = document(
        {"date": "2026-11-24", "pain": 4, "symptoms": ["unwell", "fever", "unwell"]},
        profile={"location": ["top_of_back", "between_shoulder_blades"]},
    )
    parsed = parse_document(data)
    assert parsed.entries[0].symptoms == ("fever", "unwell")
    assert parsed.profile.location == ("between_shoulder_blades", "top_of_back")


@pytest.mark.parametrize("case", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.name)
def test_the_shared_examples_export_import_and_export_again_identically(case: Path) -> None:
    parsed = parse_document(json.loads(case.read_text()))
    exported = document_from(parsed.profile, parsed.entries, parsed.today)
    again = parse_document(json.loads(json.dumps(exported)))
    assert (again.profile, again.entries, again.today) == (
        parsed.profile,
        parsed.entries,
        parsed.today,
    )
    assert document_from(again.profile, again.entries, again.today) == exported


@hypothesis_settings(deadline=None)
@given(profiles, diaries())
def test_any_diary_exported_and_imported_again_is_unchanged(
    profile: ProfileData, diary: list[EntryData]
) -> None:
    exported = document_from(profile, diary)
    parsed = parse_document(json.loads(json.dumps(exported)))
    assert parsed.profile == profile
    assert parsed.entries == tuple(sorted(diary, key=lambda entry: entry.date))
    assert document_from(parsed.profile, parsed.entries, parsed.today) == exported
