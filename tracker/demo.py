"""Demo data for `make run`: a patient with eight weeks of diary, and their physiotherapist."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from tracker.models import Entry, Profile, Share
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
    recheck(patient)
    return patient, physio, True
