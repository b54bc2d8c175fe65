"""People who use Upright: patients (the default) and physiotherapists."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


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

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

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
