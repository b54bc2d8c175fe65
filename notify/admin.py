"""The delivery log in the admin: read-only, to see what was sent, what is waiting and
what was given up (a failed row says why)."""

from __future__ import annotations

from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from notify.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("updated_at", "message", "channel", "outcome", "attempts", "detail")
    list_filter = ("outcome", "channel")
    date_hierarchy = "updated_at"
    list_select_related = ("message",)
    # The message's text stays out: the log says where and when, not what.
    fields = (
        "message", "channel", "outcome", "attempts", "detail", "updated_at", "next_attempt_at",
    )  # fmt: skip
