from __future__ import annotations

import zoneinfo
from functools import cache


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_time_zone(name: str) -> bool:
    return name in known_time_zones()
