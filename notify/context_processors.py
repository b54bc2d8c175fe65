from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from notify.service import unread_count

    # Counted only when a template shows it (a full page's navigation; no htmx fragment).
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
