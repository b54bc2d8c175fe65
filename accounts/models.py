"""People who use Upright: patients (the default) and physiotherapists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.encryption import EncryptedSecretField


class Role(models.TextChoices):
    PATIENT = "patient", "Patient"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Email is the login. A physiotherapist sees no patient until an administrator approves."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField("name", max_length=100, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATIENT)
    registration_number = models.CharField(
        "professional registration number",
        max_length=40,
        blank=True,
        help_text="For physiotherapists: the number of your professional registration.",
    )
    approved_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an administrator checked this physiotherapist's registration.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Part of every session's auth hash: a new value signs the person out everywhere.
    session_salt = models.CharField(max_length=32, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.PHYSIOTHERAPIST) | ~models.Q(registration_number=""),
                name="physiotherapist_has_registration_number",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_physiotherapist(self) -> bool:
        return self.role == Role.PHYSIOTHERAPIST

    @property
    def is_approved_physiotherapist(self) -> bool:
        return self.is_physiotherapist and self.approved_at is not None and self.is_active

    @property
    def offline_stamp(self) -> str:
        """Whose an entry kept on a phone is: the signed-in page gives it to offline.js, and
        a replay must carry the stamp of the session that sends it. Opaque (a keyed hash of
        the id, never the email), and the same on every device of the person."""
        keyed = salted_hmac("upright.offline-entries", str(self.pk), algorithm="sha256")
        return keyed.hexdigest()[:32]

    def get_session_auth_hash(self) -> str:
        return self._session_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    def _session_hash(self, secret: str | bytes | None) -> str:
        """Django's hash of the password, with the session salt added when there is one (so
        sessions started before the salt existed stay valid until it is first set)."""
        value = self.password + (f":{self.session_salt}" if self.session_salt else "")
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed the diary"
    EXPORT_PDF = "export_pdf", "Exported a PDF"
    EXPORT_CSV = "export_csv", "Exported a spreadsheet (CSV)"
    EXPORT_FHIR = "export_fhir", "Exported a FHIR record"
    SHARE = "share", "Offered to share the diary"
    SHARE_ACCEPTED = "share_accepted", "Accepted an invitation"
    SHARE_DECLINED = "share_declined", "Declined an invitation"
    SHARE_CODE_USED = "share_code_used", "Used a share code"
    SHARE_CODE_FAILED = "share_code_failed", "Entered a wrong share code"
    REVOKE = "revoke", "Stopped sharing"
    CLINICAL_NOTE = "clinical_note", "Edited a private clinical note"
    FLAG_CHECKED = "flag_checked", "Marked a flag as checked"
    FLAG_CHECK_UNDONE = "flag_check_undone", "Undid a flag check"
    ALERT_ACKNOWLEDGED = "alert_acknowledged", "Acknowledged a flag"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"
    LOCKOUT = "lockout", "Locked out after repeated failures"
    MFA_CHANGE = "mfa_change", "Changed two-step sign-in"
    DATA_EXPORT = "data_export", "Exported their own data"
    DATA_IMPORT = "data_import", "Imported a diary"
    ACCOUNT_DELETED = "account_deleted", "Deleted their account"
    SECOND_STEP = "second_step", "Confirmed a sign-in with a code"
    SECOND_STEP_FAILED = "second_step_failed", "Entered a wrong sign-in code"
    RECOVERY_CODE_USED = "recovery_code_used", "Signed in with a recovery code"
    MFA_ENABLED = "mfa_enabled", "Turned on two-step sign-in"
    MFA_DISABLED = "mfa_disabled", "Turned off two-step sign-in"
    PASSWORD_CHANGED = "password_changed", "Changed the password"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", "Signed out on every device"
    AUTHORIZATION_FAILED = "authorization_failed", "Was refused a page"
    CASELOAD_VIEW = "caseload_view", "Saw your name and flags in their list of patients"
    PHYSIO_APPROVED = "physio_approved", "Approved a physiotherapist's registration"
    PHYSIO_REFUSED = "physio_refused", "Refused a physiotherapist's registration"
    PLAN_PROPOSED = "plan_proposed", "Suggested an exercise plan"
    PLAN_CHANGED = "plan_changed", "Changed your exercise plan"
    PLAN_ENDED = "plan_ended", "Ended your exercise plan"


class AppendOnlyError(Exception):
    """An audit row was about to be changed or deleted."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def erase_personal_details(self, person: User) -> int:
        """The one change the log allows, when a person deletes their account: the rows by
        or about them keep what happened and when, and lose the free-text detail (where a
        refused address holds their id), the network address and the copy of their email.
        The links to them go when their row does; nothing left points to them.

        What happened and when is the evidence Upright must be able to show (who opened a
        health record, that a deletion was honoured: GDPR art. 5(2) and 17(3)(e)); the
        rest is personal data that evidence does not need. Others' emails stay: who looked
        at a record is part of that evidence. This is why it goes around `update()` above,
        on purpose and nowhere else.
        """
        by_them = Q(actor=person) | Q(actor_email__iexact=person.email)
        rows = self.filter(by_them | Q(subject=person))
        erased = models.QuerySet.update(rows, detail="", ip_address=None)
        models.QuerySet.update(self.filter(by_them), actor_email="")
        return erased


class AuditEvent(models.Model):
    """Who did what to whose diary, and when. Append-only: rows are never changed or removed
    through the application. Deleting a row of `User` only blanks the links (the actor's
    email copy stays, as evidence of who looked); a person deleting their own account also
    erases what names them (`erase_personal_details`)."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_email = models.EmailField(blank=True)
    subject = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    detail = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "created_at"]),
            models.Index(fields=["actor", "action", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values), name="audit_action_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")

    @property
    def actor_name(self) -> str:
        return self.actor.name if self.actor is not None else self.actor_email or "Someone"


class SecondFactor(models.Model):
    """A confirmed authenticator app (TOTP, RFC 6238). No row: two-step sign-in is off.

    The secret must be readable to check a code, so it is encrypted rather than hashed,
    with a key kept outside the database (`accounts.encryption`): a copy of the database
    alone is not enough to make codes.
    """

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="second_factor"
    )
    secret = EncryptedSecretField(max_length=255)
    confirmed_at = models.DateTimeField(default=timezone.now)
    # The 30-second step of the last code accepted: a code is never accepted twice.
    last_used_step = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(secret=""), name="second_factor_has_secret"),
        ]

    def __str__(self) -> str:
        return f"Two-step sign-in of {self.user_id}"


class RecoveryCode(models.Model):
    """A single-use code for when the phone is lost. Only a keyed hash is stored."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique"),
        ]

    def __str__(self) -> str:
        return f"Recovery code of {self.user_id}"


class Session(AbstractBaseSession):
    """Django's database session with the person it belongs to beside it, so every session
    of one person can be found (and ends with their account: deleting the person deletes
    these rows). Written by `accounts.session_store`, the SESSION_ENGINE."""

    # No database constraint: a request still holding a just-deleted person's id may save
    # its session once more; that row is for nobody and the sign-in check refuses it.
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls) -> type:
        from accounts.session_store import SessionStore

        return SessionStore
