"""Development VAPID keys: written once, usable by pywebpush and by a browser."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from py_vapid import Vapid

from notify.vapid_dev import ensure_keys


def test_keys_are_written_once_and_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "var" / "vapid.json"
    assert ensure_keys(path)
    first = path.read_text()
    assert not ensure_keys(path)
    assert path.read_text() == first
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_keys_sign_and_the_public_key_is_a_browser_server_key(tmp_path: Path) -> None:
    path = tmp_path / "vapid.json"
    ensure_keys(path)
    keys = json.loads(path.read_text())
    headers = Vapid.from_string(keys["private_key"]).sign(
        {"sub": "mailto:admin@upright.invalid", "aud": "https://push.example.net"}
    )
    assert headers["Authorization"].startswith("vapid t=")
    raw = base64.urlsafe_b64decode(keys["public_key"] + "==")
    assert len(raw) == 65 and raw[0] == 4
    assert keys["public_key"] in headers["Authorization"]
