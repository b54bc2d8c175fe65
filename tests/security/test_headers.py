from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_strict_content_security_policy(client) -> None:
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_scripts_carry_the_nonce_and_htmx_needs_no_eval(client) -> None:
    page = client.get(reverse("accounts:login")).content.decode()
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page
    assert "<script>" not in page  # no inline script
    assert " style=" not in page and "hx-on" not in page
    assert "nonce-" in policy


@pytest.mark.parametrize(
    "name", ["accounts:account", "accounts:two_factor_setup", "tracker:history", "privacy"]
)
def test_signed_in_pages_carry_the_same_policy(alice_client, name) -> None:
    response = alice_client.get(reverse(name))
    policy = response["Content-Security-Policy"]
    assert "unsafe-" not in policy
    assert "img-src 'self' data:" in policy  # the QR code is a data: image made here


def test_the_session_cookie_is_http_only_and_same_site(client, alice) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": alice.email, "password": PASSWORD}
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize("path", ["/entries/1/", "/accounts/", "/physio/", "/today/", "/sw.js"])
def test_no_answer_to_a_signed_in_person_may_be_stored_by_any_cache(alice_client, path) -> None:
    cache_control = alice_client.get(path)["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_pages_for_nobody_in_particular_stay_cacheable(client) -> None:
    assert "no-store" not in client.get(reverse("privacy")).get("Cache-Control", "")
