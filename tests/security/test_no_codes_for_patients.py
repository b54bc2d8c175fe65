"""Codes are for machines (red-flags.md v2): no page a patient sees shows one.

Every URL a patient can open is walked with a finding of every code open, a past one, and
a doctor's check of every profile flag, and each page's visible text (and the words a
screen reader reads out) is searched for every code of the contract.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.conftest import make_patient
from tests.security.test_url_walker import concrete_urls, routes
from tracker.models import Entry, Profile
from triage.diary import PROFILE_FLAG_CODES
from triage.models import Finding, ProfileFlagClearance
from triage.rules import RULES
from triage.services import recheck

pytestmark = pytest.mark.django_db

CODES = [rule.code for rule in RULES]
READ_OUT = ("aria-label", "alt", "title", "placeholder")


class VisibleText(HTMLParser):
    """The text a person sees or hears: no markup, scripts, styles or hidden values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        self.parts.extend(value for name, value in attrs if name in READ_OUT and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def a_diary_raising_every_code(user) -> None:
    today = user.profile.local_today()
    Profile.objects.filter(user=user).update(
        birth_year=1950,
        pain_started=today - dt.timedelta(days=60),
        history=["cancer", "osteoporosis", "weakened_immune_system", "recent_bacterial_infection"],
        onset=["fall_or_injury", "serious_accident", "heavy_lifting"],
        location=["top_of_back"],
    )
    user.profile.refresh_from_db()
    symptoms = [rule.symptom for rule in RULES if rule.symptom]
    week_before = [
        Entry(user=user, date=today - dt.timedelta(days=n), pain=2) for n in range(7, 14)
    ]
    this_week = [
        Entry(
            user=user, date=today - dt.timedelta(days=n), pain=6, night_pain=9,
            rested=True, rest_relief="no", daily_tasks="unable",
            symptoms=symptoms if n == 0 else [], notes="",
        )
        for n in range(7)
    ]  # fmt: skip
    Entry.objects.bulk_create(week_before + this_week)
    recheck(user)


@pytest.fixture
def patient(db: None):
    user = make_patient("dora@example.com")
    a_diary_raising_every_code(user)
    assert set(Finding.objects.filter(user=user).values_list("code", flat=True)) == set(CODES)
    past = Finding.objects.filter(user=user, code="FEVER").get()
    Finding.objects.filter(pk=past.pk).update(state="acknowledged", acknowledged_by=user)
    Finding.objects.create(user=user, code="FEVER", level="urgent", evidence="Again.",
                           since=user.profile.local_today())  # fmt: skip
    for code in sorted(PROFILE_FLAG_CODES):
        ProfileFlagClearance.objects.create(
            user=user, code=code, cleared_by=user, undone_at=dt.datetime.now(dt.UTC)
        )
    return user


def test_no_page_a_patient_sees_shows_a_code(patient) -> None:
    client = Client()
    client.force_login(patient)
    today = patient.profile.local_today().isoformat()
    entry = Entry.objects.filter(user=patient).latest("date")
    ids = sorted(set(Finding.objects.filter(user=patient).values_list("pk", flat=True))
                 | {entry.pk})  # fmt: skip
    urls = {url for route in routes() for url in concrete_urls(route, ids, today)}
    urls.add(f"/entries/{entry.pk}/?saved=1")
    pages = 0
    for url in sorted(urls):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        text = visible_text(response.content.decode())
        shown = [code for code in CODES if re.search(rf"\b{code}\b", text)]
        assert not shown, f"{url} shows {shown}"
    assert pages > 15
