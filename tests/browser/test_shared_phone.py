"""One phone, two people: nothing of the first is shown to, or sent as, the second."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import log_in, open_disclosure, pick_pain
from tests.browser.conftest import log_out as log_out_from_the_menu
from tests.conftest import make_patient
from tracker.models import Entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A_NOTE = "Anna's private note"
KEPT_ENTRIES = """new Promise((done) => {
  const opening = indexedDB.open("upright", 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore("pending", {keyPath: "uuid"});
  opening.onsuccess = () => {
    const counting = opening.result.transaction("pending").objectStore("pending").count();
    counting.onsuccess = () => done(counting.result);
  };
})"""
CACHED_TEXTS = """async () => {
  const texts = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      texts.push({url: request.url, text: await response.text()});
    }
  }
  return texts;
}"""


def signed_in_with_the_worker(page, email: str, at: str) -> User:
    person = User.objects.get(email=email)
    log_in(page, email)
    page.goto(at)
    page.evaluate("navigator.serviceWorker.ready")
    return person


def queue_an_entry_offline(page, note: str) -> None:
    page.goto("/today/")
    page.evaluate("navigator.serviceWorker.ready")
    page.context.set_offline(True)
    pick_pain(page, 6)
    open_disclosure(page, "More about today")
    page.get_by_label("Notes").fill(note)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#offline-status")).to_contain_text("Saved on this phone")


def log_out(page) -> None:
    log_out_from_the_menu(page)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    view = page.viewport_size
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= view["width"]
            and box["y"] + box["height"] <= view["height"])  # fmt: skip


def test_an_entry_kept_offline_goes_to_its_author_never_to_the_next_person(phone, shots) -> None:
    page = phone
    anna, ben = make_patient("anna@example.com"), make_patient("ben@example.com")
    log_in(page, anna.email)
    queue_an_entry_offline(page, A_NOTE)
    shots(page, "anna-kept-offline")
    # Anna's browser session ends before the entry is sent (the browser was closed).
    page.context.clear_cookies()
    page.context.set_offline(False)

    log_in(page, ben.email)
    expect(page.get_by_role("heading", name="How is your back today?")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    shots(page, "ben-signed-in")
    assert Entry.objects.filter(user=ben).count() == 0
    assert Entry.objects.filter(user=anna).count() == 0
    expect(page.locator("#offline-status")).to_be_hidden()
    assert A_NOTE not in page.content()
    log_out(page)

    log_in(page, anna.email)
    # Sent at once, and today's blank form becomes the entry it made.
    page.wait_for_url(re.compile(r"/entries/\d+/\?saved=1$"), timeout=15000)
    shots(page, "anna-sent")
    assert list(Entry.objects.filter(user=anna).values_list("notes", flat=True)) == [A_NOTE]
    assert Entry.objects.filter(user=ben).count() == 0
    page.reload()
    page.wait_for_timeout(500)
    assert Entry.objects.filter(user=anna).count() == 1, "sent once"


def test_signing_out_with_an_unsent_entry_warns_and_lets_the_person_stay(phone, shots) -> None:
    page = phone
    anna = make_patient("anna@example.com")
    log_in(page, anna.email)
    queue_an_entry_offline(page, A_NOTE)
    log_out_from_the_menu(page)
    warning = page.get_by_role("dialog")
    expect(warning).to_contain_text("1 entry is not sent yet.")
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    assert in_viewport(page, warning)
    shots(page, "warned")
    stay.click()
    expect(warning).to_be_hidden()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_url(re.compile(r"/entries/\d+/\?saved=1$"), timeout=15000)  # the day's entry
    assert Entry.objects.filter(user=anna).count() == 1
    log_out(page)  # nothing left to send: no warning


def test_after_logging_out_an_opened_entry_is_not_on_the_phone(phone, shots) -> None:
    page = phone
    anna = make_patient("anna@example.com")
    entry = Entry.objects.create(user=anna, date=anna.profile.local_today(), pain=7, notes=A_NOTE)
    signed_in_with_the_worker(page, anna.email, at=f"/entries/{entry.pk}/")
    page.reload()  # now under the service worker's control
    expect(page.get_by_label("Notes")).to_have_value(A_NOTE)
    log_out(page)

    page.context.set_offline(True)
    page.goto(f"/entries/{entry.pk}/")
    shots(page, "offline-after-logout")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    assert A_NOTE not in page.content()
    cached = page.evaluate(CACHED_TEXTS)
    assert cached, "the service worker keeps the app shell"
    for item in cached:
        for trace in (A_NOTE, anna.email, anna.offline_stamp):
            assert trace not in item["text"], f"{trace} in the cached {item['url']}"
    assert not [item["url"] for item in cached if "/entries/" in item["url"]]


def test_today_opened_with_no_signal_keeps_the_entry_for_the_person_signed_in(phone) -> None:
    page = phone
    make_patient("anna@example.com")
    anna = signed_in_with_the_worker(page, "anna@example.com", at="/history/")
    page.context.set_offline(True)
    page.goto("/today/")  # the service worker's empty form: nobody's data in it
    expect(page.get_by_role("heading", name="How is your back today?")).to_be_visible()
    assert page.locator("[data-account]").count() == 0
    pick_pain(page, 3)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#offline-status")).to_contain_text("Saved on this phone")
    page.context.set_offline(False)
    page.goto("/history/")  # any signed-in page sends what its account kept
    for _ in range(30):
        if Entry.objects.filter(user=anna).exists():
            break
        page.wait_for_timeout(500)
    assert list(Entry.objects.filter(user=anna).values_list("pain", flat=True)) == [3]


def test_after_logging_out_the_offline_form_keeps_nothing_for_anyone(phone) -> None:
    page = phone
    make_patient("anna@example.com")
    signed_in_with_the_worker(page, "anna@example.com", at="/history/")
    log_out(page)
    page.context.set_offline(True)
    page.goto("/today/")
    pick_pain(page, 3)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#offline-status")).to_contain_text("Log in to keep an entry")
    assert page.evaluate(KEPT_ENTRIES) == 0
