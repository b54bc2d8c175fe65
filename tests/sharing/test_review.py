from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from sharing.models import ClinicalNote
from summaries.models import WeeklySummary
from summaries.numbers import week_start_of
from summaries.services import numbers_for
from tests.sharing.conftest import log, open_finding, share_between, today
from tracker.models import Entry, Profile
from triage.models import Finding, FindingState, Level, ProfileFlagClearance

pytestmark = pytest.mark.django_db


def review_url(patient, days: int | None = None) -> str:
    url = reverse("physio:review", args=[patient.pk])
    return f"{url}?days={days}" if days else url


def test_the_review_shows_the_chosen_period(physio_client, share, alice) -> None:
    log(alice, 3, 6, night_pain=8)
    log(alice, 20, 2)
    week = physio_client.get(review_url(alice, 7))
    assert week.context["record"].days == 7
    assert [e.pain for e in week.context["record"].entries] == [6]
    month = physio_client.get(review_url(alice, 30))
    assert [e.pain for e in month.context["record"].entries] == [2, 6]
    page = month.content.decode()
    assert "<svg" in page and "The last 30 days" in page
    assert physio_client.get(review_url(alice, 12345)).context["record"].days == 30


def test_a_period_link_swaps_only_its_section_with_htmx(physio_client, share, alice) -> None:
    log(alice, 1, 5)
    response = physio_client.get(review_url(alice, 90), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'id="review-period"' in page
    assert "<html" not in page and "Your private note" not in page
    assert "HX-Request" in response["Vary"]


def test_notes_are_shown_only_when_the_patient_shares_them(physio_client, share, alice) -> None:
    log(alice, 1, 5, notes="Gardening all afternoon")
    assert "Gardening" not in physio_client.get(review_url(alice)).content.decode()
    assert physio_client.get(review_url(alice)).context["record"].entries[0].notes == ""
    share.include_notes = True
    share.save()
    assert "Gardening" in physio_client.get(review_url(alice)).content.decode()


def test_findings_show_with_their_evidence_urgent_first(physio_client, share, alice) -> None:
    open_finding(alice, "AGE", Level.SOON, evidence="Born in 1960.")
    open_finding(alice, "NIGHT_WORSE", evidence="Worse on 3 of the last 7 nights.")
    page = physio_client.get(review_url(alice)).content.decode()
    assert page.index("Worse on 3 of the last 7 nights.") < page.index("Born in 1960.")
    assert "⚠ Urgent" in page and "! Soon" in page


def test_the_physiotherapist_acknowledges_an_alert_under_their_name(
    physio_client, share, alice, physio
) -> None:
    finding = open_finding(alice, "CHEST_PAIN")
    physio_client.post(reverse("physio:acknowledge", args=[alice.pk, finding.pk]))
    finding.refresh_from_db()
    assert finding.state == FindingState.ACKNOWLEDGED
    assert finding.acknowledged_by == physio
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED, subject=alice).exists()


def test_a_finding_of_another_patient_cannot_be_acknowledged(
    physio_client, share, alice, bob
) -> None:
    finding = open_finding(bob, "CHEST_PAIN")
    url = reverse("physio:acknowledge", args=[alice.pk, finding.pk])
    assert physio_client.post(url).status_code == 404
    finding.refresh_from_db()
    assert finding.state == FindingState.OPEN


def test_a_profile_flag_is_marked_checked_with_the_physios_name_and_can_be_undone(
    physio_client, share, alice, physio
) -> None:
    Profile.objects.filter(user=alice).update(birth_year=1950)
    open_finding(alice, "AGE", Level.SOON)
    physio_client.post(reverse("physio:check_flag", args=[alice.pk, "AGE"]))
    clearance = ProfileFlagClearance.objects.get(user=alice, code="AGE")
    assert clearance.cleared_by == physio and clearance.undone_at is None
    assert not Finding.objects.filter(user=alice, code="AGE", state=FindingState.OPEN).exists()
    page = physio_client.get(review_url(alice)).content.decode()
    assert "Your age <small>(AGE)</small>: checked by Charlie" in page

    physio_client.post(reverse("physio:undo_check", args=[alice.pk, "AGE"]))
    clearance.refresh_from_db()
    assert clearance.undone_by == physio and clearance.undone_at is not None
    assert Finding.objects.filter(user=alice, code="AGE", state=FindingState.OPEN).exists()


def test_only_profile_flags_can_be_marked_checked(physio_client, share, alice) -> None:
    url = reverse("physio:check_flag", args=[alice.pk, "CHEST_PAIN"])
    assert physio_client.post(url).status_code == 404
    assert not ProfileFlagClearance.objects.exists()


def test_the_clinical_note_is_private_to_its_author_and_escaped(
    physio_client, share, alice, physio, other_physio, client
) -> None:
    text = "<script>alert(1)</script> Thoracic rotation limited"
    physio_client.post(reverse("physio:save_note", args=[alice.pk]), {"text": text})
    assert ClinicalNote.objects.get(physiotherapist=physio, patient=alice).text == text
    page = physio_client.get(review_url(alice)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Thoracic rotation limited" in page
    assert "<script>alert(1)" not in page

    share_between(alice, other_physio)
    client.force_login(other_physio)
    assert "Thoracic rotation" not in client.get(review_url(alice)).content.decode()
    client.force_login(alice)
    for url in ("sharing:overview", "tracker:history", "triage:my_flags"):
        assert "Thoracic rotation" not in client.get(reverse(url)).content.decode()


def test_saving_the_note_again_updates_it(physio_client, share, alice) -> None:
    url = reverse("physio:save_note", args=[alice.pk])
    physio_client.post(url, {"text": "first"})
    physio_client.post(url, {"text": "second"})
    assert list(ClinicalNote.objects.values_list("text", flat=True)) == ["second"]


def test_the_review_shows_the_weekly_summaries_of_the_period(physio_client, share, alice) -> None:
    for days_ago in range(14):
        log(alice, days_ago, 5)
    this_monday = week_start_of(today())
    for week_start in (this_monday - dt.timedelta(days=7), this_monday):
        numbers = numbers_for(alice, week_start)
        WeeklySummary.objects.create(
            user=alice, week_start=week_start, days_logged=numbers.days_logged,
            numbers=numbers.to_json(),
        )  # fmt: skip
    response = physio_client.get(review_url(alice, 30))
    assert [week.week_start for week in response.context["record"].weeks] == [
        this_monday, this_monday - dt.timedelta(days=7)
    ]  # fmt: skip
    assert "Weekly summaries" in response.content.decode()


def test_the_review_starts_with_the_flags_then_the_week_then_the_chart_then_the_entries(
    physio_client, share, alice
) -> None:
    log(alice, 1, 5)
    open_finding(alice, "NIGHT_WORSE", evidence="Worse on 3 of the last 7 nights.")
    page = physio_client.get(review_url(alice)).content.decode()
    order = [page.index(marker) for marker in (
        'id="flags-heading"', "Worse on 3 of the last 7 nights.", 'id="week-heading"',
        "<svg", "<h3>Entries</h3>", 'id="note-heading"',
    )]  # fmt: skip
    assert order == sorted(order)


def test_the_week_glance_reads_this_week_against_last_with_the_meaningful_change(
    physio_client, share, alice
) -> None:
    thursday = dt.date(2026, 12, 3)
    monday = week_start_of(thursday)
    with time_machine.travel(dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)):
        for day in range(7):
            Entry.objects.create(user=alice, date=monday - dt.timedelta(days=7 - day), pain=7)
        for day in range(4):  # Monday to Thursday
            Entry.objects.create(user=alice, date=monday + dt.timedelta(days=day), pain=3)
        response = physio_client.get(review_url(alice))
    glance = response.context["glance"]
    assert glance.this_week.week_start == monday
    assert (glance.this_week.days_logged, glance.this_week.day_pain.last_week) == (4, 7)
    page = response.content.decode()
    assert "Better" in page and "-4.0 points this week against last" in page


def test_the_last_fourteen_days_are_shown_and_earlier_ones_are_one_tap_away(
    physio_client, share, alice
) -> None:
    for days_ago in (0, 13, 14, 20):
        log(alice, days_ago, 4, notes="")
    record = physio_client.get(review_url(alice)).context["record"]
    assert [r.entry.date for r in record.recent_rows] == [today(), today() - dt.timedelta(13)]
    assert [r.entry.date for r in record.earlier_rows] == [
        today() - dt.timedelta(14),
        today() - dt.timedelta(20),
    ]
