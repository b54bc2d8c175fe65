from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def urgent_banner(request: HttpRequest) -> dict[str, Any]:
    """Open urgent findings, for the banner that stays on every page until acknowledged."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_patient:
        return {}
    from triage.queries import open_urgent_findings

    return {"urgent_findings": open_urgent_findings(user)}
