from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import RateLimit
from accounts.ratelimit import forget_old_windows

pytestmark = pytest.mark.django_db


def test_counters_of_long_past_windows_are_forgotten_and_current_ones_kept() -> None:
    now = timezone.now()
    RateLimit.objects.create(key="old", window_start=now - dt.timedelta(days=3), count=4)
    RateLimit.objects.create(key="new", window_start=now - dt.timedelta(minutes=5), count=1)
    assert forget_old_windows(now) == 1
    assert list(RateLimit.objects.values_list("key", flat=True)) == ["new"]
