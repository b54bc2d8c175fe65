"""Keyboard alone, larger text, reduced motion, and what the entry page costs to load."""

from __future__ import annotations

import gzip
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.conftest import make_patient
from tracker.models import Entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MAX_ENTRY_PAGE_BYTES = 100 * 1024


def tab_until(page: Page, predicate: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"never reached {predicate} with Tab")


def test_the_whole_entry_works_with_the_keyboard_alone_with_visible_focus(phone) -> None:
    page = phone
    patient = make_patient("keys@example.com")
    log_in(page, patient.email)
    page.goto("/today/")
    tab_until(page, "el.name === 'pain'")
    page.keyboard.press("ArrowRight")  # radio group: arrows move and select
    page.keyboard.press("ArrowRight")
    outline = page.evaluate("getComputedStyle(document.activeElement.parentElement).outlineStyle")
    assert outline != "none"
    tab_until(page, "el.tagName === 'SUMMARY'")  # "More about today", folded at first
    page.keyboard.press("Enter")
    tab_until(page, "el.value === 'walking'")
    page.keyboard.press("Space")
    tab_until(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Save'")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved ✓")).to_be_visible()
    entry = Entry.objects.get(user=patient)
    assert entry.activities == ["walking"]
    assert entry.pain in (1, 2)


def test_text_at_200_percent_keeps_everything_reachable(browser, live_server) -> None:
    patient = make_patient("zoom@example.com")
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    log_in(page, patient.email)
    page.goto("/today/")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    context.close()


def test_reduced_motion_is_respected(browser, live_server) -> None:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url,
                                  reduced_motion="reduce")  # fmt: skip
    page = context.new_page()
    page.goto("/accounts/login/")
    duration = page.evaluate(
        "getComputedStyle(document.querySelector('button[type=submit]')).transitionDuration"
    )
    assert duration in ("0s", "")
    context.close()


def test_the_entry_page_is_light_and_asks_no_other_host(browser, live_server) -> None:
    patient = make_patient("weight@example.com")
    # A first load: no HTTP cache and no service worker answering from its cache.
    context = browser.new_context(viewport=PHONE, base_url=live_server.url,
                                  service_workers="block")  # fmt: skip
    page = context.new_page()
    context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    log_in(page, patient.email)
    page.wait_for_url("**/today/")
    page.wait_for_load_state("networkidle")
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto("/today/")
    page.wait_for_load_state("networkidle")
    host = urlparse(live_server.url).hostname
    total = 0
    for response in responses:
        url = urlparse(response.url)
        assert url.hostname == host, f"request to another host: {response.url}"
        if "/static/icons/" in url.path or response.status >= 300:
            continue
        total += len(gzip.compress(response.body()))
    assert any(r.url.endswith("htmx.min.js") for r in responses)
    assert total < MAX_ENTRY_PAGE_BYTES, total
    context.close()
