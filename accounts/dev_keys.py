"""A development key for two-step secrets: `python -m accounts.dev_keys` writes
var/two_step_keys.txt once (`make run` does).

Production sets TWO_STEP_ENCRYPTION_KEYS in the environment and refuses to start without
it; settings read this file only in development. A key is never regenerated over an
existing file: the secrets stored with the old one could no longer be read.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def key_file() -> Path:
    return Path(os.environ.get("UPRIGHT_VAR_DIR", ROOT / "var")) / "two_step_keys.txt"


def write_once(path: Path, text: str) -> bool:
    """Write a development secret to `path`, readable by its owner only, unless the file
    exists; True when written. Shared with notify's VAPID keys."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    return True


def ensure_key(path: Path) -> bool:
    """Write a new key to `path` unless it exists; True when written."""
    return write_once(path, Fernet.generate_key().decode() + "\n")


def main() -> int:
    path = key_file()
    if ensure_key(path):
        print(f"Development key for two-step secrets written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
