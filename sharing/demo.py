"""Demo data for `make run`: a patient with eight weeks of diary, and their physiotherapist.

It lives in sharing, the highest of the three apps it fills: the diary (tracker), a share
(sharing) and four past weeks with PEG answers (summaries).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts import totp
from accounts.models import Role, SecondFactor, User
from exercises import plans
from exercises.models import Exercise
from exercises.plans import Prescription
from sharing.models import Share
from summaries.numbers import PegAnswers, week_start_of
from summaries.services import build_summaries, save_peg
from tracker.models import Entry, Profile
from tracker.reminders import next_reminder_at
from triage.services import recheck

PATIENT_EMAIL = "patient@example.com"
PHYSIO_EMAIL = "physio@example.com"
DEMO_PASSWORD = "upright-demo-2026"
DAYS = 56


def demo_entry(day: dt.date, index: int, rng: random.Random) -> dict[str, object]:
    """A realistic day: slow improvement, desk work, and worse nights in the last week."""
    recent = index >= DAYS - 7
    pain = max(1, min(9, round(6 - index * 0.04 + rng.uniform(-1, 1))))
    night = pain + 2 if recent and index % 2 == 0 else max(0, pain - rng.randint(1, 3))
    active = rng.choice([0, 10, 20, 30, 45])
    activities = rng.sample(["walking", "stretching", "desk_work", "yoga", "cycling"], k=2)
    return {
        "pain": pain,
        "night_pain": min(10, night),
        "woke_at_night": recent and index % 2 == 0,
        "rested": False,
        "active_minutes": active,
        "activities": sorted(activities) if active else ["desk_work"],
        "daily_tasks": "struggled" if pain >= 6 else "managed",
        "sleep": "disturbed" if night >= pain else "ok",
        "symptoms": [],
        "self_care": sorted(rng.sample(["heat_or_cold", "stretching_breaks", "pain_relief"], 1)),
        "notes": "",
    }


@transaction.atomic
def load_demo_data() -> tuple[User, User, bool]:
    existing = User.objects.filter(email=PATIENT_EMAIL).first()
    physio = User.objects.filter(email=PHYSIO_EMAIL).first()
    if existing is not None and physio is not None:
        return existing, physio, False
    physio = User.objects.create_user(
        PHYSIO_EMAIL,
        DEMO_PASSWORD,
        display_name="Sam Okafor",
        role=Role.PHYSIOTHERAPIST,
        registration_number="PH123456",
        approved_at=timezone.now(),
    )
    patient = User.objects.create_user(PATIENT_EMAIL, DEMO_PASSWORD, display_name="Alex Morgan")
    today = timezone.now().date()
    profile = Profile.objects.create(
        user=patient,
        birth_year=1985,
        pain_started=today - dt.timedelta(days=DAYS + 3),
        location=["middle_back"],
        onset=[],
        history=[],
        time_zone="Europe/London",
        reminder_time=dt.time(20, 0),
        onboarded_at=timezone.now(),
    )
    profile.next_reminder_at = next_reminder_at(profile, after=timezone.now())
    profile.save()
    rng = random.Random(2026)
    start = today - dt.timedelta(days=DAYS - 1)
    Entry.objects.bulk_create(
        Entry(user=patient, date=start + dt.timedelta(days=i), **demo_entry(start, i, rng))
        for i in range(DAYS)
        if i == DAYS - 1 or rng.random() > 0.1
    )
    Share.objects.create(patient=patient, physiotherapist=physio, send_alerts=True)
    add_exercise_plan(patient, physio, today, rng)
    recheck(patient)
    # Physiotherapists need two-step sign-in; `manage.py demo_code` shows the demo's code.
    SecondFactor.objects.create(user=physio, secret=totp.new_secret())
    add_past_weeks(patient, today, rng)
    return patient, physio, True


def add_exercise_plan(patient: User, physio: User, today: dt.date, rng: random.Random) -> None:
    """Three exercises Sam suggested ten days ago, accepted the same day, mostly done."""
    started = today - dt.timedelta(days=10)
    plan = plans.propose_plan(
        patient=patient, physiotherapist=physio, starts_on=started,
        review_on=today + dt.timedelta(days=18), note="Little and often. Stop if it hurts more.",
        prescriptions=[
            Prescription(exercise=Exercise.objects.get(code="chair-extension")),
            Prescription(exercise=Exercise.objects.get(code="shoulder-blade-squeeze"),
                         times_a_day=2),
            Prescription(exercise=Exercise.objects.get(code="walk"), weekdays=[0, 2, 4, 5]),
        ],
    )  # fmt: skip
    plans.accept_plan(plan=plan, patient=patient, today=started)
    for back in range(10, 0, -1):
        day = today - dt.timedelta(days=back)
        answers = ["done", "done", "some", "not_today"]
        plans.record_exercise_day(
            patient=patient, day=day,
            marks={code: rng.choice(answers) for code in
                   ("chair-extension", "shoulder-blade-squeeze", "walk")},
            pain_after=rng.choice(["better", "same", "same", ""]),
        )  # fmt: skip


def add_past_weeks(patient: User, today: dt.date, rng: random.Random) -> None:
    """PEG answers and weekly summaries for the four weeks before this one."""
    this_week = week_start_of(today)
    for weeks_back in range(4, 0, -1):
        week = this_week - dt.timedelta(weeks=weeks_back)
        level = 6 - (4 - weeks_back) // 2
        save_peg(user=patient, week_start=week, answers=PegAnswers(
            pain=level, enjoyment=max(0, level - rng.randint(0, 2)), activity=level))  # fmt: skip
        build_summaries(user_ids=[patient.pk], week_start=week, time_zone="Europe/London")


def demo_code() -> str:
    """The code the demo physiotherapist's authenticator app would show now."""
    physio = User.objects.get(email=PHYSIO_EMAIL)
    secret = SecondFactor.objects.get(user=physio).secret
    return totp.code_at(secret, totp.step_at(timezone.now().timestamp()))
