from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def urgent_banner(request: HttpRequest) -> dict[str, Any]:
    """Open urgent findings, for the banner that stays on every page until acknowledged.
    One query, and only on pages that show the banner."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_patient:
        return {}
    from triage.presentation import urgent_banner as banner_of
    from triage.queries import open_urgent_findings

    findings = SimpleLazyObject(lambda: open_urgent_findings(user))
    # Both names read the same list, so the findings are fetched once for both.
    return {
        "urgent_findings": findings,
        "urgent_banner": SimpleLazyObject(lambda: banner_of(findings)),
    }


def emergency_numbers(request: HttpRequest) -> dict[str, Any]:
    """The emergency number(s) to offer as a link to tap, from the person's time zone."""
    from triage.emergency import ALL_NUMBERS, emergency_numbers_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_patient:
        return {"emergency_numbers": ALL_NUMBERS}
    try:
        # Read once per request: the onboarding check has usually loaded it already.
        zone = user.profile.time_zone
    except ObjectDoesNotExist:
        zone = None
    return {"emergency_numbers": emergency_numbers_for(zone)}
