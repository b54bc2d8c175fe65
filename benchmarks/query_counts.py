"""Queries per page for a one-week and a five-year diary, in-process with the test client.

Each page is requested once first (for another person, or unmeasured) so that caches
Django fills on first use are not counted; then once per diary length, measured.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from benchmarks.data import Population
from benchmarks.web import SAVED

SECOND_FACTOR_KEY = "upright.second_factor"


@dataclass(frozen=True)
class Count:
    page: str
    setting: str
    one_week: int
    five_years: int

    @property
    def equal(self) -> bool:
        return self.one_week == self.five_years


def client_for(user: User) -> Client:
    client = Client(headers={"X-Forwarded-Proto": "https"}, enforce_csrf_checks=False)
    client.force_login(user)
    if user.is_physiotherapist:
        # Signed in with the second step done, as a physiotherapist must be.
        session = client.session
        session[SECOND_FACTOR_KEY] = "verified"
        session.save()
    return client


def _count(client: Client, method: str, url: str, expect: bytes, **kwargs: object) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, **kwargs)
    if response.status_code != 200 or expect not in response.content:
        raise RuntimeError(f"{method.upper()} {url}: {response.status_code}")
    return len(captured)


def _entry_data(user: User) -> dict[str, object]:
    today = user.profile.local_today().isoformat()
    return {
        "date": today, "pain": "4", "night_pain": "2", "woke_at_night": "on", "rested": "on",
        "rest_relief": "some", "active_minutes": "30", "activities": ["walking", "yoga"],
        "daily_tasks": "managed", "sleep": "ok", "no_symptoms": "on",
        "self_care": ["heat_or_cold"], "notes": "Stiff in the morning.",
        "client_uuid": str(uuid.uuid4()),
    }  # fmt: skip


def measure(population: Population) -> list[Count]:
    users = User.objects.select_related("profile").in_bulk(
        [
            population.week_patient, population.five_year_patient,
            population.week_physio, population.five_year_physio, population.spare_patient,
        ]
    )  # fmt: skip
    week, five = users[population.week_patient], users[population.five_year_patient]
    week_physio, five_physio = users[population.week_physio], users[population.five_year_physio]
    warm = users[population.spare_patient]
    patients = {"one_week": client_for(week), "five_years": client_for(five)}
    physios = {"one_week": client_for(week_physio), "five_years": client_for(five_physio)}
    htmx: dict[str, Any] = {"headers": {"HX-Request": "true"}}
    counts = []

    today = reverse("tracker:today")
    client_for(warm).post(today, _entry_data(warm), **htmx)
    counts.append(
        Count(
            "entry save (htmx POST)",
            "first save of the day",
            _count(patients["one_week"], "post", today, SAVED, data=_entry_data(week), **htmx),
            _count(patients["five_years"], "post", today, SAVED, data=_entry_data(five), **htmx),
        )
    )

    history = reverse("tracker:history") + "?days=90"
    client_for(warm).get(history)
    counts.append(
        Count(
            "history",
            "90 days",
            _count(patients["one_week"], "get", history, b"<h1"),
            _count(patients["five_years"], "get", history, b"<h1"),
        )
    )

    caseload = reverse("physio:caseload")
    # Both lists once first: the first view of the day also writes each patient's access-log
    # row (one INSERT), so both are counted in the same state, already logged today.
    for physio in physios.values():
        physio.get(caseload)
    counts.append(
        Count(
            "caseload",
            "200 patients with exercise plans, first page",
            _count(physios["one_week"], "get", caseload, b"<h1"),
            _count(physios["five_years"], "get", caseload, b"<h1"),
        )
    )

    def review(patient: User) -> str:
        return reverse("physio:review", args=[patient.pk]) + "?days=365"

    physios["one_week"].get(review(week))
    counts.append(
        Count(
            "patient review",
            "365 days, with an exercise plan",
            _count(physios["one_week"], "get", review(week), b"<h1"),
            _count(physios["five_years"], "get", review(five), b"<h1"),
        )
    )
    return counts
