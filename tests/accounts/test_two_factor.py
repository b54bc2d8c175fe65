"""Two-step sign-in: optional for patients, required for physiotherapists before any
patient's diary; the code is asked after the password; recovery codes work once."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import second_factor, totp
from accounts.models import AuditAction, AuditEvent, RecoveryCode, Role, SecondFactor, User
from tests.conftest import PASSWORD, code_now, enable_second_factor, found
from tests.security.test_url_walker import concrete_urls, routes

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str = PASSWORD, **data: str):
    return client.post(reverse("accounts:login"), {"username": email, "password": password, **data})


def code_for(secret: str, at: dt.datetime | None = None) -> str:
    return totp.code_at(secret, totp.step_at((at or timezone.now()).timestamp()))


def set_up(client: Client) -> list[str]:
    """Scan the QR code (read the secret from the page) and confirm with a code."""
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    secret = found(r'<code class="secret-key">([A-Z2-7 ]+)</code>', page)
    response = client.post(
        reverse("accounts:two_factor_setup"), {"code": code_for(secret.replace(" ", ""))}
    )
    assert response.status_code == 200
    return re.findall(r"<li><code>([A-Z0-9-]+)</code></li>", response.content.decode())


@pytest.fixture
def physio_without_second_factor(db: None) -> User:
    return User.objects.create_user(
        "newly-approved@example.com", PASSWORD, role=Role.PHYSIOTHERAPIST,
        registration_number="PH0042", approved_at=timezone.now(),
    )  # fmt: skip


# --- The codes themselves (RFC 6238, appendix B) ----------------------------------------


@pytest.mark.parametrize(
    ("unix_time", "code"), [(59, "287082"), (1111111109, "081804"), (20000000000, "353130")]
)
def test_codes_match_the_rfc_6238_test_vectors(unix_time: int, code: str) -> None:
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, totp.step_at(unix_time)) == code


def test_a_code_from_half_a_minute_either_side_is_accepted_but_not_older() -> None:
    secret, now = totp.new_secret(), 1_800_000_000.0
    for offset, accepted in ((-30, True), (30, True), (-60, False), (60, False)):
        typed = totp.code_at(secret, totp.step_at(now + offset))
        assert (totp.matching_step(secret, typed, unix_time=now, after_step=0) is not None) is (
            accepted
        )


# --- Setting it up ---------------------------------------------------------------------------


def test_the_set_up_page_shows_a_qr_code_made_here_and_the_key_to_type(alice_client) -> None:
    response = alice_client.get(reverse("accounts:two_factor_setup"))
    page = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # no other host sees the secret
    assert re.search(r'<code class="secret-key">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', page)
    assert "no-store" in response["Cache-Control"]
    assert not SecondFactor.objects.exists(), "nothing is stored before a code confirms it"


def test_a_wrong_code_turns_nothing_on(alice_client) -> None:
    alice_client.get(reverse("accounts:two_factor_setup"))
    response = alice_client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert response.status_code == 422
    assert "That code does not match" in response.content.decode()
    assert not SecondFactor.objects.exists()


def test_turning_it_on_shows_ten_recovery_codes_once_and_stores_only_their_hashes(
    alice_client, alice
) -> None:
    codes = set_up(alice_client)
    assert len(codes) == len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(user=alice).values_list("code_hash", flat=True))
    assert stored == {second_factor.hash_recovery_code(alice, code) for code in codes}
    assert not stored & set(codes)
    event = AuditEvent.objects.get(action=AuditAction.MFA_ENABLED)
    assert (event.actor, event.subject) == (alice, alice)
    page = alice_client.get(reverse("accounts:account")).content.decode()
    assert "10 unused recovery codes" in page
    assert not any(code in page for code in codes)


# --- Signing in with it ---------------------------------------------------------------------


def test_a_patient_without_it_signs_in_with_email_and_password_only(client, alice) -> None:
    response = sign_in(client, alice.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("tracker:history")).status_code == 200


def test_with_it_on_the_password_leads_to_the_code_page(client, alice) -> None:
    enable_second_factor(alice)
    response = sign_in(client, alice.email)
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    response = client.get(reverse("tracker:history"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_before_the_code_only_the_code_page_and_logout_open(client, alice) -> None:
    enable_second_factor(alice)
    sign_in(client, alice.email)
    verify, logout = reverse("accounts:two_factor_verify"), reverse("accounts:logout")
    for route in sorted(set(routes())):
        for url in concrete_urls(route, [alice.pk], "2026-11-26"):
            if url in (verify, logout) or url.startswith(("/sw.js", "/offline/")):
                continue
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(verify), url


def test_the_right_code_completes_the_sign_in_and_goes_where_asked(client, alice) -> None:
    enable_second_factor(alice)
    sign_in(client, alice.email)
    session_key = client.session.session_key
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": code_now(alice), "next": "/history/"}
    )
    assert response.status_code == 302 and response["Location"] == "/history/"
    assert client.get(reverse("tracker:history")).status_code == 200
    assert client.session.session_key != session_key, "a new session key once verified"
    actions = list(AuditEvent.objects.filter(subject=alice).values_list("action", "detail"))
    assert actions == [
        (AuditAction.SECOND_STEP, ""),
        (AuditAction.SIGN_IN, "password; the code is asked next"),
    ]


def test_the_next_address_cannot_lead_to_another_site(client, alice) -> None:
    enable_second_factor(alice)
    sign_in(client, alice.email)
    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": code_now(alice), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_a_code_cannot_be_used_twice(alice) -> None:
    enable_second_factor(alice)
    first, second = Client(), Client()
    with time_machine.travel(timezone.now(), tick=False):
        code = code_now(alice)
        for browser in (first, second):
            sign_in(browser, alice.email)
        assert first.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 302
        response = second.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert response.status_code == 422
    failed = AuditEvent.objects.get(action=AuditAction.SECOND_STEP_FAILED)
    assert failed.subject == alice


def test_a_recovery_code_works_once(alice_client, alice) -> None:
    codes = set_up(alice_client)
    for attempt, expected in ((1, 302), (2, 422)):
        browser = Client()
        sign_in(browser, alice.email)
        response = browser.post(reverse("accounts:two_factor_verify"), {"code": codes[0].lower()})
        assert response.status_code == expected, attempt
    event = AuditEvent.objects.get(action=AuditAction.RECOVERY_CODE_USED)
    assert (event.subject, event.detail) == (alice, "9 left")


def test_ten_wrong_codes_in_an_hour_pause_the_code_page(client, alice) -> None:
    enable_second_factor(alice)
    sign_in(client, alice.email)
    verify = reverse("accounts:two_factor_verify")
    for _ in range(10):
        assert client.post(verify, {"code": "000000"}).status_code == 422
    response = client.post(verify, {"code": code_now(alice)})
    assert response.status_code == 429
    assert "Please try again after" in response.content.decode()
    assert client.session[second_factor.SESSION_KEY] == second_factor.State.PENDING


# --- Turning it off, new recovery codes --------------------------------------------------------


def test_turning_it_off_needs_the_password(alice_client, alice) -> None:
    set_up(alice_client)
    url = reverse("accounts:two_factor_disable")
    response = alice_client.post(url, {"disable-password": "wrong"})
    assert response.status_code == 422
    assert "That is not your current password" in response.content.decode()
    assert SecondFactor.objects.filter(user=alice).exists()
    alice_client.post(url, {"disable-password": PASSWORD})
    assert not SecondFactor.objects.filter(user=alice).exists()
    assert not RecoveryCode.objects.filter(user=alice).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MFA_DISABLED, subject=alice).exists()


def test_five_wrong_passwords_pause_the_confirmations(alice_client, alice) -> None:
    set_up(alice_client)
    url = reverse("accounts:two_factor_disable")
    for _ in range(5):
        alice_client.post(url, {"disable-password": "wrong"})
    response = alice_client.post(url, {"disable-password": PASSWORD})
    assert "Please try again after" in response.content.decode()
    assert SecondFactor.objects.filter(user=alice).exists()


def test_new_recovery_codes_replace_the_old_ones(alice_client, alice) -> None:
    old = set_up(alice_client)
    response = alice_client.post(reverse("accounts:recovery_codes"), {"renew-password": PASSWORD})
    new = re.findall(r"<li><code>([A-Z0-9-]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    hashes = set(RecoveryCode.objects.filter(user=alice).values_list("code_hash", flat=True))
    assert hashes == {second_factor.hash_recovery_code(alice, code) for code in new}
    event = AuditEvent.objects.get(action=AuditAction.MFA_CHANGE)
    assert event.detail == "new recovery codes"


# --- Required for physiotherapists ------------------------------------------------------------


def test_a_physiotherapist_without_it_is_sent_to_set_it_up_from_every_physio_page(
    client, physio_without_second_factor, alice
) -> None:
    client.force_login(physio_without_second_factor)
    setup = reverse("accounts:two_factor_setup")
    physio_routes = [route for route in set(routes()) if route.startswith("physio/")]
    assert len(physio_routes) > 5
    for route in physio_routes:
        for url in concrete_urls(route, [alice.pk], "2026-11-26"):
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code == 302, url
                assert response["Location"] == setup, url
    assert client.get(reverse("notify:list")).status_code == 302
    assert client.get(reverse("accounts:account")).status_code == 200


def test_once_set_up_the_physiotherapist_sees_their_patients(
    client, physio_without_second_factor
) -> None:
    client.force_login(physio_without_second_factor)
    set_up(client)
    assert client.get(reverse("physio:caseload")).status_code == 200


def test_a_physiotherapist_with_it_gives_the_code_after_the_password(client, physio) -> None:
    response = sign_in(client, physio.email)
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.get(reverse("physio:caseload")).status_code == 302
    client.post(reverse("accounts:two_factor_verify"), {"code": code_now(physio)})
    assert client.get(reverse("physio:caseload")).status_code == 200


def test_a_physiotherapist_who_turns_it_off_must_set_it_up_again(client, physio) -> None:
    client.force_login(physio)
    client.post(reverse("accounts:two_factor_disable"), {"disable-password": PASSWORD})
    response = client.get(reverse("physio:caseload"))
    assert response["Location"] == reverse("accounts:two_factor_setup")


def test_an_unapproved_physiotherapist_is_not_asked_yet(client, unapproved_physio) -> None:
    client.force_login(unapproved_physio)
    assert client.get(reverse("home")).status_code == 200


# --- Administrators ------------------------------------------------------------------------


def test_an_administrator_needs_it_before_the_admin(client, admin_user) -> None:
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response["Location"] == reverse("accounts:two_factor_setup")


def test_an_administrator_can_turn_it_off_for_someone_who_lost_phone_and_codes(
    client, admin_user, alice
) -> None:
    enable_second_factor(admin_user)
    enable_second_factor(alice)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "turn_off_second_factor", "_selected_action": [alice.pk]},
    )
    assert response.status_code == 302
    assert not SecondFactor.objects.filter(user=alice).exists()
    event = AuditEvent.objects.get(action=AuditAction.MFA_DISABLED)
    assert (event.actor, event.subject, event.detail) == (admin_user, alice, "by an administrator")


def test_turning_it_on_signs_out_the_other_devices(alice_client, alice) -> None:
    laptop = Client()
    laptop.force_login(alice)
    set_up(alice_client)
    assert alice_client.get(reverse("tracker:history")).status_code == 200
    assert laptop.get(reverse("tracker:history")).status_code == 302
