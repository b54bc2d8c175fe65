"""A physiotherapist prescribes three exercises in under a minute; the patient accepts on a
phone, ticks them off over five days in the daily entry, and the physiotherapist's caseload
and review show the adherence and the answers after exercising."""

from __future__ import annotations

import datetime as dt
from time import monotonic

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from sharing.models import Share
from summaries.numbers import week_start_of
from summaries.services import build_summaries
from tests.browser.conftest import (
    log_in,
    log_in_with_code,
    open_disclosure,
    pick_pain,
)
from tests.browser.test_accessibility import violations
from tests.conftest import PASSWORD, make_patient, make_physio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Five days, oldest first: (chin tuck, wall slide, walk), and the pain after exercising.
DAYS = [
    ("Done", "Done", "Done", "Better"),
    ("Some", "Not today", "Done", "The same"),
    ("Not today", "Not today", "Not today", None),
    ("Done", "Some", "Done", "Better"),
    ("Done", "Done", "Not today", "Worse"),
]


def test_prescribe_accept_tick_off_five_days_and_see_adherence(browser, live_server, shots):
    patient = make_patient("robin@example.com")
    patient.display_name = "Robin"
    patient.save()
    physio = make_physio("pt@example.com", "PH9")
    Share.objects.create(patient=patient, physiotherapist=physio)
    now = timezone.now()
    first_moment = now - dt.timedelta(days=len(DAYS) - 1)

    desk = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    page = desk.new_page()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, base_url=live_server.url)  # fmt: skip
    mine = phone.new_page()
    with time_machine.travel(first_moment, tick=True):
        started = monotonic()
        log_in_with_code(page, physio.email, PASSWORD, physio)
        page.goto(f"/physio/patients/{patient.pk}/")
        page.get_by_role("link", name="Suggest an exercise plan").click()
        for name in ("Chin tuck", "Wall slide", "A walk"):
            page.get_by_label(name, exact=False).first.check()
        page.get_by_label("A short note").fill("Little and often; stop if it hurts more.")
        shots(page, "prescribe")
        page.get_by_role("button", name="Suggest this plan").click()
        expect(page.get_by_text("Waiting for Robin to accept")).to_be_visible()
        assert monotonic() - started < 60, "a plan in under a minute"

        log_in(mine, patient.email)
        mine.goto("/exercises/")
        expect(
            mine.get_by_role("heading", name="Your physiotherapist suggested a plan")
        ).to_be_visible()
        accept = mine.get_by_role("button", name="Accept this plan")
        accept.scroll_into_view_if_needed()
        box = accept.bounding_box()
        assert box is not None and box["height"] >= 44
        shots(mine, "suggested")
        assert violations(mine) == []
        accept.click()
        expect(mine.get_by_text("Plan accepted")).to_be_visible()

    for offset, (chin, slide, walk, after) in enumerate(DAYS):
        with time_machine.travel(first_moment + dt.timedelta(days=offset), tick=True):
            mine.goto("/today/")
            if "/accounts/login/" in mine.url:
                log_in(mine, patient.email)
                mine.goto("/today/")
            pick_pain(mine, 3 + offset % 3)
            mine.get_by_label("None of these", exact=False).first.check()
            open_disclosure(mine, "Your exercises today")
            for exercise, answer in (("Chin tuck", chin), ("Wall slide", slide), ("A walk", walk)):
                mine.get_by_role("group", name=exercise).get_by_label(answer, exact=True).check()
            if after:
                mine.get_by_role("group", name="After your exercises").get_by_label(
                    after, exact=True
                ).check()
            if offset == 0:
                shots(mine, "ticked")
                assert mine.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                    "no sideways scrolling with the exercises open"
                )
                assert violations(mine) == []
            mine.get_by_role("button", name="Save").click()
            saved = mine.get_by_text("Saved ✓")
            # On screen whole, once the page has gone to the result (it waits for that).
            expect(saved).to_be_in_viewport(ratio=1)
    shots(mine, "saved")

    # The weekly summary (built as beat would, for the week that holds today) says it too.
    today = patient.profile.local_today()
    build_summaries(user_ids=[patient.pk], week_start=week_start_of(today),
                    time_zone=patient.profile.time_zone)  # fmt: skip
    summary = patient.weekly_summaries.get()
    mine.goto(f"/summaries/{summary.pk}/")
    if "/accounts/login/" in mine.url:
        log_in(mine, patient.email)
        mine.goto(f"/summaries/{summary.pk}/")
    line = mine.get_by_text("Exercises:", exact=False).first
    expect(line).to_contain_text("sessions done")
    line.scroll_into_view_if_needed()
    shots(mine, "summary")

    # Sessions: 3 a day for 5 days = 15; done 1, some 0.5: 3 + 1.5 + 0 + 2.5 + 2 = 9.
    # Four days on, the physiotherapist signs in again (sessions end when idle).
    log_in_with_code(page, physio.email, PASSWORD, physio)
    page.goto("/physio/")
    row = page.locator("table.caseload tbody tr", has_text="Robin")
    expect(row).to_contain_text("60% (9 of 15 sessions)")
    shots(page, "caseload")
    page.goto(f"/physio/patients/{patient.pk}/")
    section = page.locator("#exercises")
    expect(section).to_contain_text("60% (9 of 15 sessions)")
    expect(section).to_contain_text("2 / 1 / 1")  # better / same / worse
    shots(page, "review")
    assert violations(page) == []
    desk.close()
    phone.close()
