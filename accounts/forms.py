from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

from accounts import ratelimit
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
        super().clean()
        cleaned = self.cleaned_data
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
    keep_signed_in = forms.BooleanField(
        label="Keep me signed in on this phone for 30 days",
        required=False,
        help_text="Only on a phone nobody else uses. Physiotherapists are always signed out "
        "after 30 minutes without activity.",
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6 digits your authenticator app shows now.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": "Enter the code."},
    )


class SignInCodeForm(CodeForm):
    code = forms.CharField(
        label="Code from your app, or a recovery code",
        max_length=20,
        help_text="6 digits from your authenticator app. Lost your phone? Enter one of your "
        "recovery codes instead, like ABCDE-FGHJK.",
        widget=CodeForm.base_fields["code"].widget,
        error_messages={"required": "Enter the code."},
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to confirm."},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            ratelimit.check(ratelimit.PASSWORD_CONFIRMATIONS, self.user.pk)
        except ratelimit.RateLimited as limited:
            raise forms.ValidationError(limited.message) from limited
        if not self.user.check_password(password):
            ratelimit.count(ratelimit.PASSWORD_CONFIRMATIONS, self.user.pk)
            raise forms.ValidationError("That is not your current password. Nothing changed.")
        return password
