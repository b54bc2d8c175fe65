"""The patient's journeys in a real Chromium, under the production CSP."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import log_in, pick_pain
from tests.conftest import PASSWORD, make_patient
from tracker.models import Entry
from triage.models import Finding, FindingState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_onboard_log_today_and_see_it_in_history(phone, shots) -> None:
    page = phone
    page.goto("/")
    shots(page, "login")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    shots(page, "signup")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="A few questions first")).to_be_visible()
    page.get_by_label("Year you were born").fill("1990")
    page.get_by_label("Middle of the back").check()
    expect(page.get_by_label("Your time zone")).not_to_have_value("")
    shots(page, "onboarding")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_role("heading", name="How is your back today?")).to_be_visible()
    pick_pain(page, 4)
    page.get_by_text("More about today").click()
    page.get_by_label("Walking").check()
    page.get_by_label("Minutes of activity today").fill("25")
    shots(page, "entry")
    page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved ✓")).to_be_visible()
    assert page.evaluate("window.sameDocument === true")  # htmx: no page reload
    assert "/entries/" in page.url  # the address is now that day's entry
    shots(page, "saved")
    user = User.objects.get(email="newcomer@example.com")
    assert Entry.objects.get(user=user).pain == 4
    page.get_by_role("link", name="History").click()
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Edit")).first).to_be_visible()
    shots(page, "history")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def test_a_newcomer_already_examined_between_the_shoulder_blades_gets_no_urgent_banner(
    phone, shots
) -> None:
    page = phone
    patient = User.objects.create_user("examined@example.com", PASSWORD)
    log_in(page, patient.email)
    expect(page.get_by_role("heading", name="A few questions first")).to_be_visible()
    page.get_by_label("Between the shoulder blades").check()
    page.get_by_role("button", name="Save my answers").click()
    question = page.get_by_role("group", name="Has a doctor already examined you for this pain?")
    expect(question).to_be_visible()
    expect(page.get_by_label("Between the shoulder blades")).to_be_checked()
    shots(page, "examined-question")
    question.get_by_label("Yes, a doctor has examined me for this pain").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_role("heading", name="How is your back today?")).to_be_visible()
    expect(page.locator(".urgent-banner")).to_have_count(0)
    page.goto("/flags/")
    expect(
        page.get_by_text("Pain at the top of the back or between the shoulders: marked checked")
    ).to_be_visible()
    shots(page, "examined-checked")


def test_chest_pain_shows_the_urgent_panel_first_and_the_banner_until_acknowledged(
    phone, shots
) -> None:
    page = phone
    patient = make_patient("urgent@example.com")
    log_in(page, patient.email)
    page.goto("/today/")
    pick_pain(page, 3)
    page.get_by_label("Chest pain").check()
    page.get_by_role("button", name="Save").click()
    panel = page.locator(".panel-urgent")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("emergency number")
    expect(panel.locator("p").first).to_contain_text("call the emergency number now")
    panel_top = panel.bounding_box()["y"]
    form_top = page.locator("form[data-entry-form]").bounding_box()["y"]
    assert panel_top < form_top
    expect(page.locator(".urgent-banner")).to_be_visible()
    shots(page, "urgent-panel")
    page.goto("/history/")
    expect(page.locator(".urgent-banner")).to_be_visible()
    page.get_by_role("link", name="Read what to do and acknowledge").click()
    shots(page, "my-flags")
    page.get_by_role("button", name="I have read this and will act on it").click()
    expect(page.locator(".urgent-banner")).to_have_count(0)
    shots(page, "acknowledged")
    finding = Finding.objects.get(user=patient, code="CHEST_PAIN")
    assert finding.state == FindingState.ACKNOWLEDGED
