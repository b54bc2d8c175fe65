from __future__ import annotations

import pytest
from django.urls import reverse

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
