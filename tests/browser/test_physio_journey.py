"""Patient shares by code; the physiotherapist reviews and exports; revoking shuts the door."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_in_with_code
from tests.conftest import PASSWORD, make_patient, make_physio
from tracker.models import Entry
from triage.services import recheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_share_by_code_review_first_in_caseload_pdf_then_revoke_gives_404(
    browser, live_server, shots
) -> None:
    patient = make_patient("sharer@example.com")
    patient.display_name = "Robin"
    patient.save()
    calm = make_patient("calm@example.com")
    today = patient.profile.local_today()
    for days_ago in range(3):
        Entry.objects.create(user=patient, date=today - dt.timedelta(days=days_ago), pain=3,
                             night_pain=6, woke_at_night=True)  # fmt: skip
        Entry.objects.create(user=calm, date=today - dt.timedelta(days=days_ago), pain=2)
    recheck(patient)
    physio = make_physio("pt@example.com", "PH9")
    from sharing.models import Share

    Share.objects.create(patient=calm, physiotherapist=physio)

    patient_context = browser.new_context(viewport={"width": 390, "height": 844},
                                          base_url=live_server.url)  # fmt: skip
    patient_page = patient_context.new_page()
    log_in(patient_page, patient.email)
    patient_page.goto("/sharing/new/")
    patient_page.get_by_label("Make a one-time code").check()
    shots(patient_page, "consent")
    patient_page.get_by_role("button", name="Share my diary").click()
    code = patient_page.locator(".share-code").inner_text().strip()
    shots(patient_page, "code")

    physio_context = browser.new_context(
        viewport={"width": 1280, "height": 800}, base_url=live_server.url, accept_downloads=True
    )
    page = physio_context.new_page()
    log_in_with_code(page, physio.email, PASSWORD, physio)
    page.goto("/physio/")
    page.get_by_text("Add a patient with a share code").click()
    page.get_by_label("Share code from your patient").fill(code)
    page.get_by_role("button", name="Add patient").click()
    expect(page.get_by_role("heading", name="Robin")).to_be_visible()  # straight to the review
    page.get_by_role("link", name="Patients", exact=True).click()
    first_row = page.locator("table.caseload tbody tr").first
    expect(first_row).to_contain_text("Robin")
    expect(first_row).to_contain_text("Urgent")
    shots(page, "caseload")
    first_row.get_by_role("link", name="Robin").click()
    expect(page.get_by_role("heading", name="Robin")).to_be_visible()
    review_url = page.url
    shots(page, "review")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF for a consultation").click()
    pdf_path = download.value.path()
    with open(pdf_path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    patient_page.goto("/sharing/")
    patient_page.get_by_role("button", name="Stop sharing with Sam").click()
    shots(patient_page, "revoked")
    response = page.goto(review_url)
    assert response.status == 404
    patient_page.goto("/sharing/")
    expect(patient_page.get_by_text("Sam").first).to_be_visible()
    shots(patient_page, "access-log")
    patient_context.close()
    physio_context.close()
