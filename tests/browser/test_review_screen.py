"""The physiotherapist's review on a 1280 x 800 screen: what matters is on the first one."""

from __future__ import annotations

import datetime as dt

import pytest

from sharing.models import Share
from tests.browser.conftest import DESKTOP, log_in_with_code
from tests.conftest import PASSWORD, make_patient, make_physio
from tracker.models import Entry
from triage.services import recheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_flags_and_the_latest_week_are_on_the_first_desktop_screen(
    browser, live_server, shots
) -> None:
    patient = make_patient("reviewed@example.com", birth_year=1950)
    today = patient.profile.local_today()
    Entry.objects.bulk_create(
        Entry(user=patient, date=today - dt.timedelta(days=n), pain=3 + n % 4, night_pain=6,
              woke_at_night=True, notes="Long walk") for n in range(0, 60)
    )  # fmt: skip
    recheck(patient)
    physio = make_physio("reviewer@example.com", "PH7")
    Share.objects.create(patient=patient, physiotherapist=physio, include_notes=True)
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    log_in_with_code(page, physio.email, PASSWORD, physio)
    page.wait_for_load_state()
    page.goto(f"/physio/patients/{patient.pk}/?days=90")
    shots(page, "review-first-screen")
    first_flag = page.locator("#flags .finding").first
    assert first_flag.bounding_box()["y"] < DESKTOP["height"]
    week = page.locator("#this-week table")
    box = week.bounding_box()
    assert box["y"] + box["height"] <= DESKTOP["height"], box
    # The chart's 12px labels stay at body size: the chart is at most 480px wide.
    assert page.locator("svg.chart").first.bounding_box()["width"] <= 480
    # Two weeks of entries shown; the rest one tap away.
    assert page.locator("table.entries").first.locator("tbody tr").count() == 14
    context.close()
