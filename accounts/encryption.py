"""Two-step sign-in secrets, encrypted at rest with Fernet (AES-128-CBC with an
HMAC-SHA256 tag, from `cryptography`).

The keys come from settings.TWO_STEP_ENCRYPTION_KEYS: the first encrypts, every one of
them decrypts (MultiFernet), so a key is rotated by putting a new one first, running
`manage.py rotate_two_step_keys`, then removing the old one. A copy of the database alone
is then no longer enough to make anyone's sign-in codes.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "TWO_STEP_ENCRYPTION_KEYS is empty: two-step sign-in secrets cannot be read or "
            "stored. In development, `make run` writes a key to var/two_step_keys.txt."
        )
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.TWO_STEP_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return cipher().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    return cipher().decrypt(token.encode("ascii")).decode()


class EncryptedSecretField(models.CharField):
    """Read in clear, stored encrypted. Empty stays empty, so a check that refuses an empty
    secret still works in the database. No lookups by value: each encryption differs."""

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str:
        return decrypt(value) if value else (value or "")

    def get_prep_value(self, value: object) -> object:
        value = super().get_prep_value(value)
        return encrypt(str(value)) if value else value
