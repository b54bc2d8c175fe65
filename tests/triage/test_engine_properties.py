"""Properties of the engine over any valid diary (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.diary import PROFILE_FLAG_CODES, EntryData, ProfileData
from triage.engine import FindingResult, entry_window, evaluate
from triage.rules import LEVEL_ORDER, Level
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

TODAY = date(2026, 11, 24)
pain = st.integers(min_value=0, max_value=10)


def some(codes: type[object]) -> st.SearchStrategy[tuple[str, ...]]:
    """A few codes, in the vocabulary's order (the order the format writes them in)."""
    values = [member.value for member in codes]  # type: ignore[attr-defined]
    picked = st.sets(st.sampled_from(values), max_size=3)
    return picked.map(lambda chosen: tuple(value for value in values if value in chosen))


@st.composite
def entries(draw: st.DrawFn, day: st.SearchStrategy[date]) -> EntryData:
    rested = draw(st.booleans())
    return EntryData(
        date=draw(day),
        pain=draw(pain),
        night_pain=draw(st.none() | pain),
        woke_at_night=draw(st.booleans()),
        rested=rested,
        rest_relief=draw(st.none() | st.sampled_from(RestRelief.values)) if rested else None,
        active_minutes=draw(st.integers(min_value=0, max_value=1440)),
        activities=draw(some(Activity)),
        symptoms=draw(some(Symptom)),
        self_care=draw(some(SelfCare)),
        daily_tasks=draw(st.none() | st.sampled_from(DailyTasks.values)),
        sleep=draw(st.none() | st.sampled_from(Sleep.values)),
        notes=draw(st.text(max_size=20)),
    )


def days_between(first: int, last: int) -> st.SearchStrategy[date]:
    """Dates from `first` to `last` days after TODAY (negative: before)."""
    return st.integers(min_value=first, max_value=last).map(lambda n: TODAY + timedelta(days=n))


profiles = st.builds(
    ProfileData,
    birth_year=st.none() | st.integers(min_value=1900, max_value=TODAY.year),
    pain_started=st.none() | days_between(-120, 0),
    history=some(History),
    onset=some(Onset),
    location=some(Location),
    cleared=st.frozensets(st.sampled_from(sorted(PROFILE_FLAG_CODES))),
)


def diaries(first: int = -70, last: int = 3) -> st.SearchStrategy[list[EntryData]]:
    return st.lists(
        entries(days_between(first, last)), unique_by=lambda entry: entry.date, max_size=40
    )


@settings(deadline=None)
@given(profiles, diaries(), st.none() | days_between(-400, 0))
def test_any_valid_diary_evaluates_the_same_way_every_time_in_any_order(
    profile: ProfileData, diary: list[EntryData], profile_date: date | None
) -> None:
    evaluation = evaluate(profile, diary, TODAY, profile_date)
    assert evaluate(profile, reversed(diary), TODAY, profile_date) == evaluation
    ranks = [(LEVEL_ORDER.index(f.level), f.code) for f in evaluation.findings]
    assert ranks == sorted(set(ranks))
    assert evaluation.advice_level == min(
        (f.level for f in evaluation.findings), key=LEVEL_ORDER.index, default=Level.SELFCARE
    )
    assert all(f.since <= TODAY and f.evidence for f in evaluation.findings)
    assert not evaluation.codes & profile.cleared


@settings(deadline=None)
@given(profiles, diaries(), entries(days_between(-200, -14)))
def test_an_entry_older_than_two_weeks_can_only_change_not_improving(
    profile: ProfileData, diary: list[EntryData], old_entry: EntryData
) -> None:
    diary = [entry for entry in diary if entry.date != old_entry.date]
    before = evaluate(profile, diary, TODAY).findings
    after = evaluate(profile, [*diary, old_entry], TODAY).findings
    assert [f for f in before if f.code != "NOT_IMPROVING"] == [
        f for f in after if f.code != "NOT_IMPROVING"
    ]


@settings(deadline=None)
@given(profiles, diaries(last=0), diaries(first=1, last=30))
def test_entries_dated_after_today_change_nothing(
    profile: ProfileData, diary: list[EntryData], future: list[EntryData]
) -> None:
    assert evaluate(profile, [*diary, *future], TODAY) == evaluate(profile, diary, TODAY)


@settings(deadline=None)
@given(profiles, diaries(first=-120))
def test_the_entries_in_the_entry_window_are_all_the_engine_needs(
    profile: ProfileData, diary: list[EntryData]
) -> None:
    first = min((entry.date for entry in diary if entry.date <= TODAY), default=None)
    ranges = entry_window(TODAY, first)
    needed = [e for e in diary if any(start <= e.date <= end for start, end in ranges)]
    assert evaluate(profile, needed, TODAY) == evaluate(profile, diary, TODAY)


@settings(deadline=None)
@given(profiles, diaries(), diaries(), st.none() | days_between(-400, 0))
def test_profile_flags_and_their_dates_do_not_depend_on_the_diary(
    profile: ProfileData, one: list[EntryData], other: list[EntryData], profile_date: date | None
) -> None:
    def profile_flags(diary: list[EntryData]) -> list[FindingResult]:
        findings = evaluate(profile, diary, TODAY, profile_date).findings
        return [f for f in findings if f.code in PROFILE_FLAG_CODES]

    assert profile_flags(one) == profile_flags(other)
    assert all(f.since == min(profile_date or TODAY, TODAY) for f in profile_flags(one))


def test_entry_window_merges_the_first_fortnight_into_the_last_when_they_meet() -> None:
    assert entry_window(TODAY, None) == [(TODAY - timedelta(days=13), TODAY)]
    assert entry_window(TODAY, TODAY - timedelta(days=27)) == [(TODAY - timedelta(days=27), TODAY)]
    assert entry_window(TODAY, TODAY - timedelta(days=28)) == [
        (TODAY - timedelta(days=28), TODAY - timedelta(days=15)),
        (TODAY - timedelta(days=13), TODAY),
    ]
    assert entry_window(TODAY, TODAY - timedelta(days=3)) == [(TODAY - timedelta(days=13), TODAY)]
