from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from sharing.caseload import caseload, rows_for
from sharing.models import Share
from tests.conftest import make_patient
from tests.sharing.conftest import log, open_finding, share_between, today
from tracker.models import Entry, Profile
from triage.models import Finding, Level

pytestmark = pytest.mark.django_db


def names(physio: User, **filters: bool) -> list[str]:
    return [patient.name for patient in caseload(physio, timezone.now(), **filters)]


def patient_named(name: str, physio: User) -> User:
    patient = make_patient(f"{name.lower()}@example.com")
    share_between(patient, physio)
    return patient


def log_weeks(patient: User, *, previous: int, last: int) -> None:
    """Four entries in each of the two weeks, with these pains."""
    for days_ago in (0, 1, 2, 3):
        log(patient, days_ago, last)
    for days_ago in (7, 8, 9, 10):
        log(patient, days_ago, previous)


def test_only_patients_with_a_live_share_are_listed(physio, other_physio) -> None:
    patient_named("Live", physio)
    share_between(make_patient("revoked@example.com"), physio, revoked_at=timezone.now())
    share_between(make_patient("ended@example.com"), physio, ends_on=today() - dt.timedelta(days=1))
    share_between(make_patient("elsewhere@example.com"), other_physio)
    make_patient("private@example.com")
    assert names(physio) == ["Live"]


def test_urgent_flags_come_first_then_soon_flags_then_the_steepest_rise(physio) -> None:
    steady = patient_named("Steady", physio)
    rising = patient_named("Rising", physio)
    falling = patient_named("Falling", physio)
    soon = patient_named("Soon", physio)
    two_urgent = patient_named("Twourgent", physio)
    one_urgent = patient_named("Oneurgent", physio)
    patient_named("Empty", physio)
    log_weeks(steady, previous=4, last=4)
    log_weeks(rising, previous=2, last=6)
    log_weeks(falling, previous=6, last=3)
    log_weeks(soon, previous=5, last=1)
    open_finding(soon, "AGE", Level.SOON)
    open_finding(two_urgent, "CHEST_PAIN")
    open_finding(two_urgent, "FEVER")
    open_finding(one_urgent, "FEVER")
    open_finding(one_urgent, "AGE", Level.SOON)
    assert names(physio) == [
        "Twourgent", "Oneurgent", "Soon", "Rising", "Steady", "Falling", "Empty"
    ]  # fmt: skip


def test_acknowledged_findings_do_not_count(physio) -> None:
    quiet = patient_named("Quiet", physio)
    log_weeks(quiet, previous=1, last=5)
    flagged = patient_named("Flagged", physio)
    finding = open_finding(flagged, "FEVER")
    Finding.objects.filter(pk=finding.pk).update(state="acknowledged")
    assert names(physio) == ["Quiet", "Flagged"]


def test_a_row_has_the_numbers_of_the_last_7_days(physio) -> None:
    patient = patient_named("Numbers", physio)
    log(patient, 1, 6, night_pain=3)
    log(patient, 2, 4, night_pain=0)
    log(patient, 3, 5)
    log(patient, 8, 2, night_pain=5)  # the week before: counts only for the change
    log(patient, 9, 2)
    open_finding(patient, "NIGHT_WORSE")
    [row] = rows_for(caseload(physio, timezone.now()))
    assert row.patient.last_entry == today() - dt.timedelta(days=1)
    assert row.patient.mean_pain_7 == pytest.approx(5.0)
    assert row.patient.trend_7 == pytest.approx(3.0)
    assert row.patient.night_pain_nights_7 == 1
    assert row.patient.days_logged_7 == 3
    assert [flag.code for flag in row.flags] == ["NIGHT_WORSE"]
    assert row.trend_words == "\u2191 3.0 higher than the week before"


# 12:00 UTC on 4 March: already 5 March in Kiritimati (UTC+14), still 4 March in London.
NOON_UTC = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)


def test_a_row_counts_the_week_on_the_patients_own_calendar(physio) -> None:
    ahead = make_patient("kiri@example.com", zone="Pacific/Kiritimati")
    share_between(ahead, physio)
    # Their today, their yesterday, and the first day of their week (27 February).
    for day in (dt.date(2026, 3, 5), dt.date(2026, 3, 4), dt.date(2026, 2, 27)):
        Entry.objects.create(user=ahead, date=day, pain=4)
    with time_machine.travel(NOON_UTC, tick=False):
        [patient] = caseload(physio, timezone.now())
        assert patient.last_entry == dt.date(2026, 3, 5)
        assert patient.days_logged_7 == 3
        assert names(physio, not_logged_recently=True) == []


def test_a_share_is_listed_until_the_last_day_ends_where_the_patient_lives(physio) -> None:
    for email, zone in (("kiri@example.com", "Pacific/Kiritimati"),
                        ("lon@example.com", "Europe/London")):  # fmt: skip
        share_between(make_patient(email, zone=zone), physio, ends_on=dt.date(2026, 3, 4))
    with time_machine.travel(NOON_UTC, tick=False):
        assert names(physio) == ["Lon"]


def test_the_filters_keep_patients_with_open_flags_or_who_stopped_logging(physio) -> None:
    flagged = patient_named("Flagged", physio)
    open_finding(flagged, "AGE", Level.SOON)
    log(flagged, 0, 3)
    logging = patient_named("Logging", physio)
    log(logging, 2, 3)
    quiet = patient_named("Quiet", physio)
    log(quiet, 3, 3)
    patient_named("Never", physio)
    assert names(physio, open_flags_only=True) == ["Flagged"]
    assert names(physio, not_logged_recently=True) == ["Never", "Quiet"]
    assert names(physio, open_flags_only=True, not_logged_recently=True) == []


def test_the_page_shows_flags_in_words_and_the_trend_in_arrows(physio_client, physio) -> None:
    patient = patient_named("Zoe", physio)
    log_weeks(patient, previous=6, last=3)
    open_finding(patient, "CHEST_PAIN")
    page = physio_client.get(reverse("physio:caseload")).content.decode()
    assert "Zoe" in page
    assert "⚠ Urgent" in page and "Chest pain" in page
    assert "\u2193 3.0 lower than the week before" in page
    assert reverse("physio:review", args=[patient.pk]) in page


def test_the_page_filters_from_the_query_string(physio_client, physio) -> None:
    open_finding(patient_named("Flagged", physio), "FEVER")
    patient_named("Calm", physio)
    page = physio_client.get(reverse("physio:caseload") + "?flags=open").content.decode()
    assert "Flagged" in page and "Calm" not in page


def make_many(physio: User, count: int, *, first: int = 0) -> None:
    """`count` more patients sharing with `physio`, each with two weeks of entries; every
    third has an open urgent flag."""
    numbers = range(first, first + count)
    users = User.objects.bulk_create(
        [User(email=f"p{i}@example.com", display_name=f"Patient {i:03}") for i in numbers]
    )
    Profile.objects.bulk_create([Profile(user=user, onboarded_at=timezone.now()) for user in users])
    Share.objects.bulk_create([Share(patient=user, physiotherapist=physio) for user in users])
    Entry.objects.bulk_create(
        [
            Entry(user=user, date=today() - dt.timedelta(days=d), pain=(i + d) % 11)
            for i, user in enumerate(users)
            for d in range(0, 14, 2)
        ]
    )
    Finding.objects.bulk_create(
        [
            Finding(user=user, code="FEVER", level=Level.URGENT, evidence="x", since=today())
            for user in users[::3]
        ]
    )


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_caseload_costs_the_same_queries_for_5_or_200_patients(
    physio_client, physio, django_assert_max_num_queries
) -> None:
    url = reverse("physio:caseload")
    make_many(physio, 5)
    with_5 = queries_for(physio_client, url)
    make_many(physio, 195, first=5)
    with django_assert_max_num_queries(with_5):
        response = physio_client.get(url)
    assert len(response.context["rows"]) == 25
    assert response.context["page"].paginator.count == 200
    assert queries_for(physio_client, url + "?page=8") == with_5
    assert queries_for(physio_client, url + "?flags=open&quiet=1") <= with_5


def test_the_caseload_pages_25_patients_at_a_time(physio_client, physio) -> None:
    make_many(physio, 30)
    first = physio_client.get(reverse("physio:caseload"))
    second = physio_client.get(reverse("physio:caseload") + "?page=2")
    assert len(first.context["rows"]) == 25 and len(second.context["rows"]) == 5
    shown = [row.patient.pk for row in first.context["rows"] + second.context["rows"]]
    assert len(set(shown)) == 30
    assert "Next page" in first.content.decode()
