"""The patient's side of sharing: consent, invitation or code, who has access, the log."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import ratelimit
from accounts.audit import access_log, record
from accounts.decorators import patient_required
from accounts.models import AuditAction
from accounts.requests import AuthenticatedRequest
from sharing import consent
from sharing.models import InvitationState, ShareInvitation

NOT_FOUND = "We could not find an approved physiotherapist with that email."


class ShareForm(forms.Form):
    """The consent screen. Notes stay private unless ticked; alerts are ticked by default
    (an urgent flag is what a physiotherapist most needs to hear about) but can be unticked."""

    how = forms.ChoiceField(
        label="How do you want to share?",
        choices=[
            ("email", "Invite them by the email address of their Upright account"),
            ("code", "Make a one-time code to give them (it works once, for 7 days)"),
        ],
        widget=forms.RadioSelect,
        initial="email",
    )
    email = forms.EmailField(
        label="Your physiotherapist's email",
        required=False,
        help_text="Only needed for an invitation.",
    )
    include_notes = forms.BooleanField(
        label="Also share my notes (what I write in the notes box of each day)", required=False
    )
    send_alerts = forms.BooleanField(
        label="Tell them when my diary raises an urgent flag", required=False, initial=True
    )
    ends_on = forms.DateField(
        label="Stop sharing after (optional)",
        required=False,
        help_text="Leave empty to share until you stop it.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: object, today: dt.date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.today = today

    def clean_ends_on(self) -> dt.date | None:
        ends_on = self.cleaned_data["ends_on"]
        if ends_on is not None and ends_on < self.today:
            raise forms.ValidationError("The end date cannot be in the past.")
        return ends_on

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("how") == "email" and not data.get("email"):
            self.add_error("email", "Enter the email address of their Upright account.")
        return data

    def terms(self) -> consent.Terms:
        return consent.Terms(
            include_notes=self.cleaned_data["include_notes"],
            send_alerts=self.cleaned_data["send_alerts"],
            ends_on=self.cleaned_data["ends_on"],
        )


@patient_required
@require_GET
def overview(request: AuthenticatedRequest) -> HttpResponse:
    patient = request.user
    return render(
        request,
        "sharing/overview.html",
        {
            "shares": consent.shares_of(patient),
            "invitations": consent.pending_invitations_of(patient),
            "codes": consent.usable_codes_of(patient),
            "access_log": access_log(patient),
        },
    )


@patient_required
@require_http_methods(["GET", "POST"])
def new_share(request: AuthenticatedRequest) -> HttpResponse:
    patient = request.user
    today = patient.profile.local_today()
    form = ShareForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.take(ratelimit.SHARE_OFFERS, patient.pk)
        except ratelimit.RateLimited as limited:
            form.add_error(None, f"Nothing was sent. {limited.message}")
            return render(request, "sharing/new.html", {"form": form}, status=429)
        terms = form.terms()
        if form.cleaned_data["how"] == "code":
            share_code, code = consent.create_share_code(patient=patient, terms=terms)
            record(request, AuditAction.SHARE, patient, detail="one-time code made")
            context = {"code": consent.show_code(code), "share_code": share_code}
            response = render(request, "sharing/code.html", context)
            add_never_cache_headers(response)  # the only copy of the code: keep it out of caches
            return response
        try:
            invitation = consent.invite(
                patient=patient, email=form.cleaned_data["email"], terms=terms
            )
        except consent.NoSuchPhysiotherapist:
            form.add_error("email", NOT_FOUND)
        else:
            physio = invitation.physiotherapist
            record(request, AuditAction.SHARE, patient, detail=f"invited {physio.email}")
            messages.success(
                request,
                f"Invitation sent to {physio.name}. They see nothing until they accept it.",
            )
            return redirect("sharing:overview")
    return render(request, "sharing/new.html", {"form": form})


@patient_required
@require_POST
def revoke(request: AuthenticatedRequest, share_id: int) -> HttpResponse:
    share = get_object_or_404(
        consent.shares_of(request.user).select_related("physiotherapist"), pk=share_id
    )
    consent.revoke(share=share)
    detail = f"stopped sharing with {share.physiotherapist.email}"
    record(request, AuditAction.REVOKE, request.user, detail=detail)
    messages.success(request, f"{share.physiotherapist.name} can no longer see your diary.")
    return redirect("sharing:overview")


@patient_required
@require_POST
def cancel_invitation(request: AuthenticatedRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(
        ShareInvitation.objects.select_related("physiotherapist"),
        pk=invitation_id,
        patient=request.user,
        state=InvitationState.PENDING,
    )
    consent.cancel_invitation(invitation=invitation)
    record(
        request,
        AuditAction.REVOKE,
        request.user,
        detail=f"cancelled the invitation to {invitation.physiotherapist.email}",
    )
    messages.success(request, "Invitation cancelled.")
    return redirect("sharing:overview")


@patient_required
@require_POST
def cancel_code(request: AuthenticatedRequest, code_id: int) -> HttpResponse:
    share_code = get_object_or_404(consent.usable_codes_of(request.user), pk=code_id)
    consent.cancel_share_code(share_code=share_code)
    record(request, AuditAction.REVOKE, request.user, detail="cancelled a one-time code")
    messages.success(request, "Code cancelled: it no longer works.")
    return redirect("sharing:overview")
