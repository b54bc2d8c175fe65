"""Two-step sign-in in a real Chromium, under the production CSP."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from accounts import totp
from accounts.models import SecondFactor
from tests.browser.conftest import log_in_with_code
from tests.conftest import PASSWORD, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_physiotherapist_signs_in_with_the_code_and_sees_the_caseload(phone, physio) -> None:
    log_in_with_code(phone, physio.email, PASSWORD, physio)
    expect(phone.get_by_role("link", name="Patients")).to_be_visible()
    assert phone.url.endswith("/physio/")
    assert not [e for e in phone.csp_errors if "Content Security Policy" in e], phone.csp_errors


def test_a_patient_sets_it_up_from_the_qr_code_page(phone, shots) -> None:
    patient = make_patient("careful@example.com")
    phone.goto("/accounts/login/")
    phone.get_by_label("Email").fill(patient.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.goto("/accounts/")
    phone.get_by_role("link", name="Set up two-step sign-in").click()
    qr = phone.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert phone.evaluate("document.querySelector('img.qr-code').naturalWidth") > 0
    shots(phone, "qr-code")
    secret = phone.locator("code.secret-key").inner_text().replace(" ", "")
    code = totp.code_at(secret, totp.step_at(time.time()))
    phone.get_by_label("Code").fill(code)
    phone.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(phone.get_by_role("heading", name="Two-step sign-in is on")).to_be_visible()
    expect(phone.locator(".recovery-codes li")).to_have_count(10)
    shots(phone, "recovery-codes")
    assert SecondFactor.objects.filter(user=patient).exists()
    assert not [e for e in phone.csp_errors if "Content Security Policy" in e], phone.csp_errors
