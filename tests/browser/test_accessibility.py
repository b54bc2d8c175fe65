"""axe-core (from its package, injected by Playwright) on every page, phone and desktop."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from accounts.models import User
from exercises import plans
from exercises.models import Exercise
from exercises.plans import Prescription
from sharing.models import Share
from tests.browser.conftest import DESKTOP, PHONE, log_in_with_code, pages_at_both_sizes
from tests.conftest import PASSWORD, make_patient, make_physio
from tracker.models import Entry
from triage.services import recheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PUBLIC_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
                "/how-triage-works/", "/self-care/", "/offline/", "/privacy/"]  # fmt: skip
PATIENT_PAGES = ["/today/", "/history/", "/history/?days=90", "/flags/", "/my-data/",
                 "/onboarding/", "/accounts/password/change/", "/accounts/",
                 "/accounts/two-step/"]  # fmt: skip


def violations(page: Page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def audit(browser, base_url: str, paths: list[str], log_in_as: User | None = None) -> dict:
    found: dict[str, list[str]] = {}
    for width, page in pages_at_both_sizes(browser, base_url, log_in_as):
        for path in paths:
            page.goto(path)
            # A sticky Save bar sits in its own place only at the end of the page: anywhere
            # else axe counts what scrolls under it as a small target.
            if page.locator(".save-bar").count():
                page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            problems = violations(page)
            if problems:
                found[f"{width} {path}"] = problems
    return found


def test_public_pages_have_no_axe_violations(browser, live_server) -> None:
    assert audit(browser, live_server.url, PUBLIC_PAGES) == {}


def test_patient_pages_have_no_axe_violations(browser, live_server) -> None:
    patient = make_patient("axe@example.com", birth_year=1960)
    today = patient.profile.local_today()
    Entry.objects.bulk_create(
        Entry(user=patient, date=today - dt.timedelta(days=n), pain=n % 8, night_pain=n % 5,
              rested=n % 3 == 0, active_minutes=10 * (n % 4), symptoms=["unwell"] if n == 1 else [])
        for n in range(1, 40)
    )  # fmt: skip
    recheck(patient)
    entry = Entry.objects.filter(user=patient).latest("date")
    # An exercise plan in force: the entry asks about the day's exercises, history marks them.
    plan = plans.choose_own_plan(
        patient=patient, today=today - dt.timedelta(days=20),
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="cat-camel"))],
    )  # fmt: skip
    plans.record_exercise_day(patient=patient, day=today - dt.timedelta(days=1),
                              marks={"cat-camel": "some"}, pain_after="same")  # fmt: skip
    pages = [*PATIENT_PAGES, f"/entries/{entry.pk}/", f"/entries/{entry.pk}/?saved=1",
             f"/entries/{entry.pk}/delete/", "/exercises/", "/exercises/choose/",
             f"/exercises/{plan.pk}/end/"]  # fmt: skip
    from summaries.numbers import week_start_of
    from summaries.services import build_summaries

    last_week = week_start_of(today) - dt.timedelta(days=7)
    build_summaries(user_ids=[patient.pk], week_start=last_week, time_zone="Europe/London")
    pages.append(f"/summaries/{patient.weekly_summaries.get().pk}/")
    assert audit(browser, live_server.url, pages, log_in_as=patient) == {}


def test_physiotherapist_pages_have_no_axe_violations(browser, live_server) -> None:
    patient = make_patient("shared@example.com", birth_year=1950)
    today = patient.profile.local_today()
    Entry.objects.bulk_create(
        Entry(user=patient, date=today - dt.timedelta(days=n), pain=3 + n % 4, night_pain=6,
              woke_at_night=True) for n in range(0, 20)
    )  # fmt: skip
    recheck(patient)
    physio = make_physio("axephysio@example.com", "PH5")
    Share.objects.create(patient=patient, physiotherapist=physio)
    suggested = plans.propose_plan(
        patient=patient, physiotherapist=physio, starts_on=today,
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
    )  # fmt: skip
    review = f"/physio/patients/{patient.pk}/"
    pages = ["/physio/", review, f"{review}?days=365", "/accounts/password/change/",
             "/notifications/", f"{review}plans/new/", f"{review}plans/{suggested.pk}/change/",
             f"{review}plans/{suggested.pk}/end/"]  # fmt: skip
    assert audit(browser, live_server.url, pages, log_in_as=physio) == {}


def test_pages_in_the_states_people_meet_them_have_no_axe_violations(browser, live_server) -> None:
    """After onboarding (a flash message), after a save, with the urgent banner, with a form
    error, offline; and the physiotherapist's review after saving a note."""
    from tests.browser.conftest import log_in, pick_pain

    found: dict[str, list[str]] = {}

    def check(page: Page, state: str) -> None:
        # At the end of the page the sticky Save bar sits in its own place: anywhere else
        # it covers part of whatever scrolls under it, which axe counts as a small target.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        if problems := violations(page):
            width = page.viewport_size["width"] if page.viewport_size else "?"
            found[f"{width} {state}"] = problems

    for viewport in (PHONE, DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        page = context.new_page()
        email = f"states{viewport['width']}@example.com"
        User.objects.create_user(email, PASSWORD)
        log_in(page, email)
        page.get_by_label("Year you were born").fill("1980")
        page.get_by_role("button", name="Save my answers").click()
        page.locator(".messages").wait_for()
        check(page, "after onboarding")
        pick_pain(page, 3)
        page.get_by_role("button", name="Save").click()
        page.locator("[data-save-result]").wait_for()
        check(page, "after a save")
        page.get_by_label("Chest pain").check()
        page.get_by_role("button", name="Save").click()
        page.locator(".urgent-banner").wait_for()
        check(page, "with the urgent banner")
        page.get_by_label("Minutes of activity today").fill("-5")
        page.get_by_role("button", name="Save").click()
        page.locator("[data-form-errors]").wait_for()
        check(page, "with a form error")
        page.goto("/today/")
        page.evaluate("navigator.serviceWorker.ready")
        page.context.set_offline(True)
        page.get_by_role("button", name="Save").click()
        page.locator("#offline-status:not([hidden])").wait_for()
        check(page, "offline")
        page.context.set_offline(False)
        context.close()

    patient = make_patient("notes@example.com")
    Entry.objects.create(user=patient, date=patient.profile.local_today(), pain=4)
    physio = make_physio("statesphysio@example.com", "PH6")
    Share.objects.create(patient=patient, physiotherapist=physio)
    # One sign-in (a two-step code is good once), both screen sizes.
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    log_in_with_code(page, physio.email, PASSWORD, physio)
    page.wait_for_load_state()
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(f"/physio/patients/{patient.pk}/")
        page.get_by_label("Private clinical note").fill("Seen today.")
        page.get_by_role("button", name="Save note").click()
        page.locator(".messages").wait_for()
        check(page, "review after saving a note")
    context.close()
    assert found == {}
