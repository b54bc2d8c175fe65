"""Time-based one-time codes (TOTP, RFC 6238 over HOTP, RFC 4226): the six digits an
authenticator app shows. Pure functions: no database, no clock of their own.

SHA-1, 6 digits and 30-second steps are the defaults every authenticator app supports
(RFC 6238 section 4; Google Authenticator ignores anything else).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg

STEP_SECONDS = 30
DIGITS = 6
# One step either side: a phone clock half a minute off, or a code typed as it changes
# (RFC 6238 section 5.2 recommends at most one step of drift).
DRIFT_STEPS = 1
SECRET_BYTES = 20  # 160 bits, the length RFC 4226 section 4 recommends
ISSUER = "Upright"


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def code_at(secret: str, step: int) -> str:
    """The HOTP value of the secret for one counter (RFC 4226 section 5.3)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def step_at(unix_time: float) -> int:
    return int(unix_time // STEP_SECONDS)


def matching_step(secret: str, typed: str, *, unix_time: float, after_step: int) -> int | None:
    """The step whose code was typed, within the allowed drift and later than `after_step`
    (so a code, once used, is refused), or None."""
    code = normalise(typed)
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = step_at(unix_time)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def normalise(typed: str) -> str:
    """Apps show "123 456"; people type it with the space, or a dash."""
    return "".join(typed.split()).replace("-", "")


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// address the QR code holds (Key Uri Format, as apps read it)."""
    label = quote(f"{ISSUER}:{account}")
    query = urlencode({"secret": secret, "issuer": ISSUER, "digits": DIGITS,
                       "period": STEP_SECONDS, "algorithm": "SHA1"})  # fmt: skip
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(text: str) -> str:
    """A QR code as an SVG data: URI (the CSP allows img data:), made on the server."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
