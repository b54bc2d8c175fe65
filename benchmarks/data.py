"""The bench's people and diaries, built in bulk into an empty database.

- `web`: patients with two years of daily entries, who log their day under load;
- `wave`: 100,000 patients whose reminder falls due in the same minute (in four time
  zones) and whose weekly summary is due now: the last four weeks of their diary, about
  five days of seven logged, today not yet;
- two physiotherapists with 200 patients each, one caseload of one-week diaries and
  one of five-year diaries, and in each a patient whose pages are counted.

Nobody else is due for a reminder or a summary during the run.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
import zoneinfo
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from benchmarks.fastinsert import insert_rows
from exercises.models import Exercise, ExerciseDay, ExerciseMark, Plan, PlanItem, PlanVersion
from sharing.models import Share
from summaries.models import PegResponse, SummarySchedule, WeeklySummary
from summaries.numbers import compute_week, week_start_of
from summaries.services import week_summarised_on
from tracker.models import Entry, Profile
from tracker.reminders import local_moment
from triage.diary import EntryData
from triage.models import Finding, FindingState, Level
from triage.vocabulary import Activity, DailyTasks, RestRelief, SelfCare, Sleep

WAVE_ZONES = ("Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata")
WEB_ZONE = "Europe/London"
TWO_YEARS = 730
FIVE_YEARS = 1826
ONE_WEEK = 7
CASELOAD = 200
LOGGED_SHARE = 5 / 7


def _day_variants(rng: random.Random, count: int = 1024) -> list[tuple]:
    """Answers of a day, drawn once: each entry takes one (generating 2.5 million rows one
    answer at a time would take longer than the benchmarks)."""
    variants = []
    for _ in range(count):
        rested = rng.random() < 0.3
        variants.append((
            rng.randint(1, 7), rng.randint(0, 4), rng.random() < 0.1, rested,
            rng.choice(RestRelief.values) if rested else None, rng.choice((0, 15, 30, 45, 60)),
            tuple(rng.sample(Activity.values, rng.randint(0, 2))), rng.choice(DailyTasks.values),
            rng.choice(Sleep.values), (), tuple(rng.sample(SelfCare.values, rng.randint(0, 2))),
            "",
        ))  # fmt: skip
    return variants


DAY_VARIANTS = _day_variants(random.Random(11))


@dataclass
class Population:
    now: dt.datetime
    web: list[int] = field(default_factory=list)
    wave: list[int] = field(default_factory=list)
    week_patient: int = 0
    five_year_patient: int = 0
    week_physio: int = 0
    five_year_physio: int = 0
    spare_patient: int = 0  # warms each counted page up first, with a one-week diary
    entries: int = 0


def build(*, web_people: int, wave_people: int, seed: int = 7) -> Population:
    rng = random.Random(seed)
    population = Population(now=timezone.now())
    population.web = _people("web", web_people, rng, zones=(WEB_ZONE,))
    population.entries += _daily_diaries(population.web, TWO_YEARS, rng)
    population.wave = _wave(population, wave_people, rng)
    _caseloads(population, rng)
    _summaries_not_due(population)
    _analyse()
    return population


# --- People ----------------------------------------------------------------------------------


def _people(
    prefix: str, count: int, rng: random.Random, *, zones: tuple[str, ...], role: str = Role.PATIENT
) -> list[int]:
    """Onboarded people with unusable passwords (the bench signs them in directly)."""
    now = timezone.now()
    extra = {"registration_number": "PH-BENCH", "approved_at": now} if role != Role.PATIENT else {}
    columns = ["email", "password", "display_name", "role", "date_joined", *extra]
    insert_rows(
        User,
        columns,
        (
            (f"{prefix}{n}@bench.invalid", "!", f"{prefix.title()} {n}", role, now, *extra.values())
            for n in range(count)
        ),
    )
    ids = list(
        User.objects.filter(email__startswith=prefix, email__endswith="@bench.invalid")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if role == Role.PATIENT:
        insert_rows(
            Profile,
            PROFILE_COLUMNS,
            (
                (pk, rng.randint(1950, 2004), zones[n % len(zones)], now, now, now,
                 ["middle_back"])
                for n, pk in enumerate(ids)
            ),
        )  # fmt: skip
    return ids


def _entry_row(user_id: int, day: dt.date, rng: random.Random, now: dt.datetime) -> tuple:
    return (
        user_id, day, *DAY_VARIANTS[rng.getrandbits(10)],
        uuid.UUID(int=rng.getrandbits(128), version=4), now, now,
    )  # fmt: skip


PROFILE_COLUMNS = [
    "user", "birth_year", "time_zone", "onboarded_at", "created_at", "updated_at", "location",
]  # fmt: skip
ENTRY_COLUMNS = [
    "user", "date", "pain", "night_pain", "woke_at_night", "rested", "rest_relief",
    "active_minutes", "activities", "daily_tasks", "sleep", "symptoms", "self_care", "notes",
    "client_uuid", "created_at", "updated_at",
]  # fmt: skip


def _daily_diaries(user_ids: list[int], days: int, rng: random.Random, zone: str = WEB_ZONE) -> int:
    """An entry for each of the `days` days before today (local): a diary kept every day."""
    now = timezone.now()
    yesterday = now.astimezone(zoneinfo.ZoneInfo(zone)).date() - dt.timedelta(days=1)
    return insert_rows(
        Entry,
        ENTRY_COLUMNS,
        (
            _entry_row(pk, yesterday - dt.timedelta(days=back), rng, now)
            for pk in user_ids
            for back in range(days)
        ),
    )


def _exercise_plans(patients: list[int], days: int, now: dt.datetime) -> None:
    """Every patient of the caseload follows a plan accepted as long ago as their diary
    goes back; the counted one (the first) changed it every 90 days and ticked it off
    every day, the others have their last week ticked."""
    today = now.astimezone(zoneinfo.ZoneInfo(WEB_ZONE)).date()
    since = today - dt.timedelta(days=days - 1)
    plans = Plan.objects.bulk_create(
        Plan(patient_id=pk, accepted_at=now, accepted_on=since, created_at=now) for pk in patients
    )
    versions = PlanVersion.objects.bulk_create(
        PlanVersion(plan=plan, number=n + 1, starts_on=since + dt.timedelta(days=90 * n))
        for index, plan in enumerate(plans)
        for n in range(max(1, days // 90) if index == 0 else 1)
    )
    library = {e.code: e for e in Exercise.objects.filter(code__in=["walk", "chin-tuck"])}
    PlanItem.objects.bulk_create(
        PlanItem(version=version, exercise=exercise, key=exercise.code, name=exercise.name,
                 steps=exercise.steps, weekdays=list(range(7)), position=position)
        for version in versions
        for position, exercise in enumerate(library.values())
    )  # fmt: skip
    logged = ExerciseDay.objects.bulk_create(
        ExerciseDay(patient_id=pk, day=today - dt.timedelta(days=back), pain_after="same")
        for index, pk in enumerate(patients)
        for back in range(days if index == 0 else min(days, ONE_WEEK))
    )
    ExerciseMark.objects.bulk_create(
        ExerciseMark(day=day, key=code, done="done" if day.day.toordinal() % 3 else "some")
        for day in logged
        for code in library
    )


# --- The wave: reminders due this minute, summaries due now ---------------------------------


def _wave(population: Population, count: int, rng: random.Random) -> list[int]:
    ids = _people("wave", count, rng, zones=WAVE_ZONES)
    now = population.now
    reminders_due(ids, now)
    for n, zone_name in enumerate(WAVE_ZONES):
        local = now.astimezone(zoneinfo.ZoneInfo(zone_name))
        in_zone = ids[n :: len(WAVE_ZONES)]
        # The summary moment a minute ago, today (local): due now, for the week just ended.
        minute_ago = local.replace(second=0, microsecond=0) - dt.timedelta(minutes=1)
        at = minute_ago.time() if minute_ago.date() == local.date() else dt.time(0, 0)
        insert_rows(
            SummarySchedule,
            ["user", "summary_weekday", "summary_time"],
            ((pk, local.weekday(), at.replace(tzinfo=None)) for pk in in_zone),
        )
        week_start = week_summarised_on(local.date())
        population.entries += _recent_diaries(in_zone, week_start, local.date(), rng, now)
        insert_rows(
            PegResponse,
            ["user", "week_start", "pain", "enjoyment", "activity", "answered_at"],
            (
                (pk, week_start, rng.randint(2, 7), rng.randint(2, 7), rng.randint(2, 7), now)
                for pk in in_zone[::2]
            ),
        )
    return ids


def reminders_due(wave: list[int], now: dt.datetime) -> None:
    """Everyone in the wave chose this minute's local time for their reminder: it is due."""
    minute = now.replace(second=0, microsecond=0)
    for n, zone_name in enumerate(WAVE_ZONES):
        zone = zoneinfo.ZoneInfo(zone_name)
        local = now.astimezone(zone)
        reminder_time = local.time().replace(second=0, microsecond=0, tzinfo=None)
        slot = local_moment(local.date(), reminder_time, zone)
        assert slot == minute, (slot, minute)
        Profile.objects.filter(user_id__in=wave[n :: len(WAVE_ZONES)]).update(
            reminder_time=reminder_time, next_reminder_at=slot
        )


def _recent_diaries(
    user_ids: list[int], week_start: dt.date, today: dt.date, rng: random.Random, now: dt.datetime
) -> int:
    """The four weeks ending on the summarised week's Sunday, about 5 days of 7, before today;
    the summarised week's Monday always (so that everyone has a summary to be sent)."""
    first = week_start - dt.timedelta(days=21)
    days = [first + dt.timedelta(days=n) for n in range(28)]
    days = [day for day in days if day < today]
    return insert_rows(
        Entry,
        ENTRY_COLUMNS,
        (
            _entry_row(pk, day, rng, now)
            for pk in user_ids
            for day in days
            if day == week_start or rng.random() < LOGGED_SHARE
        ),
    )


# --- Two caseloads --------------------------------------------------------------------------


def _caseloads(population: Population, rng: random.Random) -> None:
    for label, days in (("week", ONE_WEEK), ("fiveyears", FIVE_YEARS)):
        physio = _people(f"physio-{label}-", 1, rng, zones=(WEB_ZONE,), role=Role.PHYSIOTHERAPIST)
        patients = _people(f"patient-{label}-", CASELOAD, rng, zones=(WEB_ZONE,))
        population.entries += _daily_diaries(patients, days, rng)
        now = timezone.now()
        insert_rows(
            Share,
            ["patient", "physiotherapist", "created_at", "include_notes"],
            ((pk, physio[0], now, True) for pk in patients),
        )
        _findings(patients, days, now)
        _exercise_plans(patients, days, now)
        # The patient whose pages are counted: the same profile in both caseloads.
        Profile.objects.filter(user_id=patients[0]).update(birth_year=1960)
        _stored_summaries(patients[0], days, rng)
        if label == "week":
            population.week_physio, population.week_patient = physio[0], patients[0]
            population.spare_patient = patients[1]
        else:
            population.five_year_physio, population.five_year_patient = physio[0], patients[0]


def _findings(patients: list[int], days: int, now: dt.datetime) -> None:
    """Open flags on some patients (the same ones in both caseloads), and past, acknowledged
    findings in proportion to the length of the diary (one every three months)."""
    opened = [(pk, "CHEST_PAIN", Level.URGENT) for pk in patients[::10]]
    opened += [(pk, "AGE", Level.SOON) for pk in patients[::7]]
    past = [
        (patients[0], "FEVER", Level.URGENT, now - dt.timedelta(days=back))
        for back in range(0, days, 91)
    ]
    insert_rows(
        Finding,
        ["user", "code", "level", "state", "evidence", "since", "first_seen", "last_seen"],
        [
            *((pk, code, level, FindingState.OPEN, "Reported.", now.date(), now, now)
              for pk, code, level in opened),
            *((pk, code, level, FindingState.ACKNOWLEDGED, "Reported.", when.date(), when, when)
              for pk, code, level, when in past),
        ],
    )  # fmt: skip
    Finding.objects.filter(state=FindingState.ACKNOWLEDGED, user_id=patients[0]).update(
        acknowledged_at=now
    )


def _stored_summaries(patient: int, days: int, rng: random.Random) -> None:
    """The weekly summaries a diary of this length has (one a week), as the batch stores
    them."""
    entries = {
        day: EntryData(date=day, pain=pain, night_pain=night, rested=rested, active_minutes=minutes,
                       activities=tuple(activities), self_care=tuple(self_care))
        for day, pain, night, rested, minutes, activities, self_care in Entry.objects.filter(
            user_id=patient
        ).values_list("date", "pain", "night_pain", "rested", "active_minutes", "activities",
                      "self_care")
    }  # fmt: skip
    if not entries:
        return
    first, last = min(entries), max(entries)
    week = week_start_of(first)
    rows = []
    while week + dt.timedelta(days=6) <= last:
        numbers = compute_week(entries.values(), (), week)
        rows.append((patient, week, numbers.days_logged, numbers.to_json()))
        week += dt.timedelta(days=7)
    insert_rows(WeeklySummary, ["user", "week_start", "days_logged", "numbers"], rows)


def _summaries_not_due(population: Population) -> None:
    """Everyone outside the wave gets a summary day three days ahead: never due in the run."""
    weekday = (population.now.date().weekday() + 3) % 7
    scheduled = SummarySchedule.objects.values("user_id")
    insert_rows(
        SummarySchedule,
        ["user", "summary_weekday", "summary_time"],
        (
            (pk, weekday, dt.time(12, 0))
            for pk in User.objects.exclude(pk__in=scheduled).values_list("pk", flat=True)
        ),
    )


def _analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
