from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Role, User


@admin.action(description="Approve the selected physiotherapists (registration checked)")
def approve_physiotherapists(
    modeladmin: admin.ModelAdmin[User], request: HttpRequest, queryset: QuerySet[User]
) -> None:
    queryset.filter(role=Role.PHYSIOTHERAPIST, approved_at__isnull=True).update(
        approved_at=timezone.now()
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "role", "registration_number", "approved_at", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("email", "registration_number")
    actions = [approve_physiotherapists]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name")}),
        ("Role", {"fields": ("role", "registration_number", "approved_at")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2", "role")}),
    )
