"""Development VAPID keys: `python -m notify.vapid_dev` writes var/vapid.json once.

Production sets VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY in the environment; settings read
this file only when those are empty. Keys are never regenerated over an existing file:
new keys would orphan every browser subscription made with the old ones.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from accounts.dev_keys import write_once

ROOT = Path(__file__).resolve().parent.parent


def vapid_file() -> Path:
    return Path(os.environ.get("UPRIGHT_VAR_DIR", ROOT / "var")) / "vapid.json"


def generate_keys() -> dict[str, str]:
    """A P-256 key pair as the browser and pywebpush want them: the public key as an
    uncompressed point, the private key as its raw 32 bytes, both base64url."""
    from cryptography.hazmat.primitives import serialization
    from py_vapid import Vapid
    from py_vapid.utils import b64urlencode

    vapid = Vapid()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return {"public_key": b64urlencode(public), "private_key": b64urlencode(private)}


def ensure_keys(path: Path) -> bool:
    """Write development keys to `path` unless it exists; True when written."""
    return write_once(path, json.dumps(generate_keys()))


def main() -> int:
    path = vapid_file()
    if ensure_keys(path):
        print(f"Development VAPID keys written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
