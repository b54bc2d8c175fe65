"""The one table of the bench: rows the bare-insert view writes (created by --run-syncdb)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class BareRow(models.Model):
    note = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.note
