from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts import second_factor, sessions
from accounts.audit import record
from accounts.models import AuditAction, AuditEvent, Role, User


@admin.action(description="Approve the selected physiotherapists (registration checked)")
def approve_physiotherapists(
    modeladmin: admin.ModelAdmin[User], request: HttpRequest, queryset: QuerySet[User]
) -> None:
    for user in queryset.filter(role=Role.PHYSIOTHERAPIST, approved_at__isnull=True):
        # Claimed row by row: of two administrators approving at once, one row is written.
        if User.objects.filter(pk=user.pk, approved_at__isnull=True).update(
            approved_at=timezone.now()
        ):
            record(request, AuditAction.PHYSIO_APPROVED, subject=user)


@admin.action(description="Refuse the selected physiotherapists (registration not confirmed)")
def refuse_physiotherapists(
    modeladmin: admin.ModelAdmin[User], request: HttpRequest, queryset: QuerySet[User]
) -> None:
    """The account can no longer sign in, and any session it has ends now."""
    for user in queryset.filter(role=Role.PHYSIOTHERAPIST, is_active=True):
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(is_active=False, approved_at=None)
            sessions.end_every_session(user)
            record(request, AuditAction.PHYSIO_REFUSED, subject=user)


@admin.action(description="Turn off two-step sign-in (lost phone and codes; identity checked)")
def turn_off_second_factor(
    modeladmin: admin.ModelAdmin[User], request: HttpRequest, queryset: QuerySet[User]
) -> None:
    """Whoever holds the lost phone or an open session is signed out with it."""
    for user in queryset:
        if second_factor.is_on(user):
            with transaction.atomic():
                second_factor.disable(user=user)
                sessions.end_every_session(user)
                record(
                    request, AuditAction.MFA_DISABLED, subject=user, detail="by an administrator"
                )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "role", "registration_number", "approved_at", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("email", "registration_number")
    actions = [approve_physiotherapists, refuse_physiotherapists, turn_off_second_factor]
    # Approval goes through the audited action, never a hand-edited date.
    readonly_fields = ("approved_at",)
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name")}),
        ("Role", {"fields": ("role", "registration_number", "approved_at")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2", "role")}),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log in the admin: listed and opened, never added to, changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is append-only, in the admin as everywhere else."""

    list_display = ("created_at", "actor_email", "action", "subject", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_email", "detail")
    date_hierarchy = "created_at"
    list_select_related = ("subject",)
