"""Encrypt every two-step secret again with the first of TWO_STEP_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import SecondFactor


class Command(BaseCommand):
    help = (
        "After putting a new key first in TWO_STEP_ENCRYPTION_KEYS: encrypt every stored "
        "two-step secret with it, so that the old key can then be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = 0
        with transaction.atomic():
            # Read in clear with whichever key works; written back with the first key.
            for pk, secret in SecondFactor.objects.values_list("pk", "secret").iterator():
                rotated += SecondFactor.objects.filter(pk=pk).update(secret=secret)
        self.stdout.write(f"{rotated} two-step secrets encrypted with the first key.")
