from __future__ import annotations

from cryptography.fernet import Fernet

from accounts.dev_keys import ensure_key


def test_a_development_key_is_written_once_and_never_replaced(tmp_path) -> None:
    path = tmp_path / "var" / "two_step_keys.txt"
    assert ensure_key(path) is True
    key = path.read_text().strip()
    Fernet(key)  # a valid key
    assert ensure_key(path) is False
    assert path.read_text().strip() == key
    assert path.stat().st_mode & 0o777 == 0o600
