"""Every stand-alone link or button a patient or physiotherapist can tap is at least
44 x 44 CSS px (WCAG 2.5.5); links inside running text are exempt, as WCAG says."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from exercises import plans
from exercises.models import Exercise
from exercises.plans import Prescription
from sharing.models import Share
from summaries.numbers import week_start_of
from summaries.services import build_summaries
from tests.browser.conftest import pages_at_both_sizes
from tests.conftest import make_patient, make_physio
from tracker.models import Entry
from triage.services import recheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Visible links and buttons smaller than 44 x 44, except those inside a sentence: a
# paragraph, list item, definition or caption whose own words (other links and buttons
# left out) run around them.
SMALL_TARGETS = """
() => {
  const RUNNING_TEXT = "p, li, dd, caption, figcaption, small";
  function ownWords(block) {
    const copy = block.cloneNode(true);
    copy.querySelectorAll("a, button, summary, .visually-hidden").forEach((e) => e.remove());
    return (copy.textContent.match(/\\p{L}{2,}/gu) || []).length;
  }
  function inRunningText(el) {
    const block = el.parentElement.closest(RUNNING_TEXT + ", td, th, div, section, form, nav");
    return !!block && block.matches(RUNNING_TEXT) && ownWords(block) >= 2;
  }
  const small = [];
  document.querySelectorAll("a[href], button, summary, input[type=submit]").forEach((el) => {
    const box = el.getBoundingClientRect();
    const hidden = box.width === 0 || box.height === 0 || el.closest(".visually-hidden") ||
      el.classList.contains("skip-link") || getComputedStyle(el).visibility === "hidden";
    if (hidden || inRunningText(el)) { return; }
    if (box.width < 44 || box.height < 44) {
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${el.textContent.trim().slice(0, 40)} ${size}`);
    }
  });
  return small;
}
"""


def small_targets(browser, base_url: str, paths: list[str], person: User | None) -> dict:
    found: dict[str, list[str]] = {}
    for width, page in pages_at_both_sizes(browser, base_url, person):
        for path in paths:
            page.goto(path)
            # Open every disclosure: what is inside is tapped too.
            page.evaluate("document.querySelectorAll('details').forEach((d) => d.open = true)")
            if small := page.evaluate(SMALL_TARGETS):
                found[f"{width} {path}"] = small
    return found


def a_patient_with_a_diary_and_an_urgent_flag() -> tuple[User, Entry]:
    patient = make_patient("targets@example.com", birth_year=1960)
    today = patient.profile.local_today()
    Entry.objects.bulk_create(
        Entry(user=patient, date=today - dt.timedelta(days=n), pain=n % 8, night_pain=n % 5,
              symptoms=["chest_pain"] if n == 1 else []) for n in range(1, 30)
    )  # fmt: skip
    recheck(patient)
    plan = plans.choose_own_plan(
        patient=patient, today=today - dt.timedelta(days=10),
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="chin-tuck")),
                       Prescription(name="Towel roll", steps=["Lie on a rolled towel."])],
    )  # fmt: skip
    plans.record_exercise_day(
        patient=patient, day=today - dt.timedelta(days=1), marks={"chin-tuck": "done"},
        pain_after="worse",
    )  # fmt: skip
    assert plan.pk
    last_week = week_start_of(today) - dt.timedelta(days=7)
    build_summaries(user_ids=[patient.pk], week_start=last_week, time_zone="Europe/London")
    return patient, Entry.objects.filter(user=patient).latest("date")


def test_public_pages_have_no_small_targets(browser, live_server) -> None:
    paths = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
             "/how-triage-works/", "/self-care/", "/privacy/"]  # fmt: skip
    assert small_targets(browser, live_server.url, paths, None) == {}


def test_patient_pages_have_no_small_targets(browser, live_server, settings) -> None:
    from notify.vapid_dev import generate_keys

    # Push set up, as in production: the settings page then offers "Allow notifications".
    keys = generate_keys()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = keys["public_key"], keys["private_key"]
    patient, entry = a_patient_with_a_diary_and_an_urgent_flag()
    summary = patient.weekly_summaries.get()
    paths = ["/today/", f"/entries/{entry.pk}/", f"/entries/{entry.pk}/?saved=1",
             f"/entries/{entry.pk}/delete/", "/history/", "/history/?days=90", "/flags/",
             "/summaries/", f"/summaries/{summary.pk}/", "/summaries/peg/",
             "/summaries/schedule/", "/sharing/", "/sharing/new/", "/my-data/",
             "/my-data/import/", "/my-data/delete-account/", "/onboarding/", "/accounts/",
             "/accounts/password/change/", "/accounts/two-step/", "/notifications/",
             "/settings/notifications/", "/exercises/", "/exercises/choose/",
             f"/exercises/{patient.exercise_plans.get().pk}/end/"]  # fmt: skip
    assert small_targets(browser, live_server.url, paths, patient) == {}


def test_physiotherapist_pages_have_no_small_targets(browser, live_server) -> None:
    patient, _entry = a_patient_with_a_diary_and_an_urgent_flag()
    physio = make_physio("targetsphysio@example.com", "PH9")
    Share.objects.create(patient=patient, physiotherapist=physio)
    review = f"/physio/patients/{patient.pk}/"
    suggested = plans.propose_plan(
        patient=patient, physiotherapist=physio, starts_on=patient.profile.local_today(),
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
    )  # fmt: skip
    paths = ["/physio/", "/physio/?flags=open", review, f"{review}?days=365", "/notifications/",
             "/accounts/", f"{review}plans/new/", f"{review}plans/{suggested.pk}/change/",
             f"{review}plans/{suggested.pk}/end/"]  # fmt: skip
    assert small_targets(browser, live_server.url, paths, physio) == {}
