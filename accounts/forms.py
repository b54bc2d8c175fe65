from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

from accounts.models import Role, User


class SignUpForm(BaseUserCreationForm):
    display_name = forms.CharField(
        label="Your first name (optional)",
        required=False,
        max_length=100,
        help_text="Shown to you, and to a physiotherapist only if you choose to share.",
    )
    is_physiotherapist = forms.BooleanField(
        label="I am a physiotherapist and will review patients' diaries",
        required=False,
    )
    registration_number = forms.CharField(
        label="Professional registration number (physiotherapists only)",
        required=False,
        max_length=40,
    )

    class Meta:
        model = User
        fields = ("email", "display_name")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in instead."
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("is_physiotherapist") and not cleaned.get("registration_number", "").strip():
            self.add_error(
                "registration_number",
                "Physiotherapists need to give their registration number so we can check it.",
            )
        return cleaned

    def save(self, commit: bool = True) -> User:
        user: User = super().save(commit=False)
        if self.cleaned_data.get("is_physiotherapist"):
            user.role = Role.PHYSIOTHERAPIST
            user.registration_number = self.cleaned_data["registration_number"].strip()
        if commit:
            user.save()
        return user


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
