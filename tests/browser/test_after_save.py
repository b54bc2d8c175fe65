"""The moment after Save, measured on the screen of a phone: what the person sees without
scrolling, where focus is, and how long the entry page is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, box_on_screen, focus_is_inside, log_in, pick_pain
from tests.conftest import make_patient
from tracker.models import Entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scroll_to_save(page) -> None:
    """Where a person is when they press Save: after the warning symptoms."""
    page.get_by_label("None of these").scroll_into_view_if_needed()


def test_after_an_htmx_save_the_confirmation_is_on_screen_and_has_focus(phone, shots) -> None:
    page = phone
    patient = make_patient("saver@example.com")
    log_in(page, patient.email)
    page.goto("/today/")
    pick_pain(page, 4)
    scroll_to_save(page)
    shots(page, "before-save")
    page.get_by_role("button", name="Save").click()
    result = page.locator("[data-save-result]")
    expect(result).to_be_visible()
    expect(page.locator("[data-save-result]")).to_be_focused()
    shots(page, "after-save")
    assert box_on_screen(page, page.get_by_text("Saved ✓"))
    assert box_on_screen(page, result.get_by_role("heading").first)
    assert focus_is_inside(page, "[data-save-result]")
    entry = Entry.objects.get(user=patient)
    # The form is now that day's entry: a second save updates it, never a second entry.
    assert page.url.endswith(f"/entries/{entry.pk}/")
    expect(page.get_by_role("heading", name=re.compile("Your entry for"))).to_be_attached()
    pick_pain(page, 6)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-save-result]")).to_be_focused()
    assert Entry.objects.get(user=patient).pain == 6


def test_after_a_save_without_javascript_the_result_is_on_screen_and_has_focus(
    browser, live_server, shots
) -> None:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url,
                                  java_script_enabled=False, is_mobile=True)  # fmt: skip
    page = context.new_page()
    patient = make_patient("nojs@example.com")
    log_in(page, patient.email)
    page.goto("/today/")
    page.locator("input[name='pain'][value='3']").check()
    scroll_to_save(page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/entries/\d+/\?saved=1$"))
    shots(page, "after-save-no-js")
    assert box_on_screen(page, page.get_by_text("Saved ✓"))
    assert box_on_screen(page, page.locator("[data-save-result]").get_by_role("heading").first)
    assert focus_is_inside(page, "[data-save-result]")
    context.close()


def test_after_a_chest_pain_save_the_urgent_advice_and_a_number_to_tap_are_on_screen(
    phone, shots
) -> None:
    page = phone
    patient = make_patient("chest@example.com")
    log_in(page, patient.email)
    page.goto("/today/")
    pick_pain(page, 3)
    page.get_by_label("Chest pain").check()
    page.get_by_role("button", name="Save").click()
    panel = page.locator("[data-save-result].panel-urgent")
    expect(panel).to_be_visible()
    expect(page.locator("[data-save-result]")).to_be_focused()
    shots(page, "urgent-after-save")
    assert box_on_screen(page, panel.get_by_role("heading").first)
    call = panel.locator("a[href^='tel:']").first
    assert call.get_attribute("href") == "tel:999"  # the profile's zone is Europe/London
    assert box_on_screen(page, call)
    assert box_on_screen(page, page.locator(".urgent-banner"))


def test_an_offline_save_says_so_on_screen_and_shows_that_days_entry_after_sync(
    phone, shots
) -> None:
    page = phone
    patient = make_patient("train@example.com")
    log_in(page, patient.email)
    page.goto("/today/")
    page.evaluate("navigator.serviceWorker.ready")
    page.context.set_offline(True)
    pick_pain(page, 5)
    scroll_to_save(page)
    page.get_by_role("button", name="Save").click()
    status = page.locator("#offline-status")
    expect(status).to_contain_text("Saved on this phone")
    expect(status).to_be_focused()
    shots(page, "saved-on-this-phone")
    assert box_on_screen(page, status)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", status.inner_text())  # dates in words
    assert not Entry.objects.filter(user=patient).exists()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_url(re.compile(r"/entries/\d+/\?saved=1$"), timeout=15000)
    shots(page, "synced")
    entry = Entry.objects.get(user=patient)
    assert entry.pain == 5
    assert page.locator("form[data-entry-form='edit']").count() == 1
    expect(page.locator("input[name='pain'][value='5']")).to_be_checked()
    assert box_on_screen(page, page.get_by_text("Saved ✓"))


def test_the_entry_page_is_short_with_save_always_in_reach(phone, shots) -> None:
    page = phone
    patient = make_patient("short@example.com")
    log_in(page, patient.email)
    page.goto("/today/")
    expect(page.locator("details.more-answers")).not_to_have_attribute("open", "")
    height = page.evaluate("document.documentElement.scrollHeight")
    shots(page, "entry-first-screen")
    assert height <= 2 * PHONE["height"], height
    save = page.get_by_role("button", name="Save")
    assert box_on_screen(page, save)
    # Four taps at most: a pain score, "none of these", Save.
    pick_pain(page, 2)
    page.get_by_label("None of these").check()
    assert box_on_screen(page, save)  # no scrolling to find it
    save.click()
    expect(page.locator("[data-save-result]")).to_be_focused()
    assert Entry.objects.get(user=patient).pain == 2


def test_more_about_today_remembers_whether_it_was_opened(phone) -> None:
    page = phone
    patient = make_patient("opener@example.com")
    log_in(page, patient.email)
    page.goto("/today/")
    page.get_by_text("More about today").click()
    expect(page.get_by_label("Sleep").first).to_be_visible()
    page.goto("/history/")
    page.goto("/today/")
    expect(page.locator("details.more-answers")).to_have_attribute("open", "")
    page.get_by_text("More about today").click()
    page.reload()
    expect(page.locator("details.more-answers")).not_to_have_attribute("open", "")


def test_the_phone_header_is_one_row(phone) -> None:
    page = phone
    patient = make_patient("header@example.com")
    log_in(page, patient.email)
    for path in ("/today/", "/history/", "/summaries/", "/flags/", "/accounts/"):
        page.goto(path)
        height = page.locator("header.site-header").bounding_box()["height"]
        assert height <= 64, (path, height)
        # Nothing wider than the phone: a wider page is shown zoomed out.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    page.get_by_text("More").click()
    expect(page.get_by_role("link", name="My data")).to_be_visible()
