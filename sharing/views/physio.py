"""The physiotherapist's pages: caseload, one patient's review, exports.

Every page that carries a patient's id finds the patient through `shares_with()`, so a
revoked or expired share, another physiotherapist's patient or a made-up id all answer 404.
Every page writes one audit row.
"""

from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.audit import record, record_caseload_views
from accounts.decorators import approved_physiotherapist_required
from accounts.models import AuditAction
from accounts.requests import AuthenticatedRequest
from sharing import consent
from sharing.caseload import PAGE_SIZE, caseload, rows_for
from sharing.exports.exercise_csv import write_exercise_log
from sharing.exports.fhir import diary_bundle
from sharing.exports.pdf import consultation_pdf
from sharing.exports.plan_record import plan_record
from sharing.exports.record import (
    PERIODS,
    PROFILE_CODES,
    PatientRecord,
    patient_record,
    period_from,
    week_glance,
)
from sharing.models import ClinicalNote, Share, ShareInvitation
from sharing.plan_progress import exercise_days, review_of
from summaries.numbers import week_start_of
from summaries.services import numbers_for
from tracker.charts import pain_chart
from tracker.queries import today_of
from tracker.spreadsheet import write_entries
from triage.models import Finding, FindingState
from triage.services import acknowledge, clear_profile_flag, undo_profile_flag_clearance


class ShareCodeForm(forms.Form):
    code = forms.CharField(
        label="Share code from your patient",
        max_length=20,
        help_text="8 letters and numbers, for example ABCD-2345.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ClinicalNoteForm(forms.Form):
    text = forms.CharField(
        label="Private clinical note",
        required=False,
        max_length=10000,
        help_text="Only you can read this note. Your patient cannot.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )


# --- Caseload ----------------------------------------------------------------------------


@require_GET
def caseload_page(request: AuthenticatedRequest) -> HttpResponse:
    physio = request.user
    if not physio.is_physiotherapist:
        raise Http404
    if not physio.is_approved_physiotherapist:
        return render(request, "sharing/physio/home.html")
    open_flags_only = request.GET.get("flags") == "open"
    not_logged = request.GET.get("quiet") == "1"
    patients = caseload(
        physio,
        timezone.now(),
        open_flags_only=open_flags_only,
        not_logged_recently=not_logged,
    )
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = rows_for(page.object_list)
    record(request, AuditAction.VIEW, detail=f"caseload page {page.number}")
    record_caseload_views(
        request, [row.patient for row in rows], since=_start_of_day(timezone.now())
    )
    return render(
        request,
        "sharing/physio/caseload.html",
        {
            "page": page,
            "rows": rows,
            "invitations": consent.pending_invitations_for(physio),
            "code_form": ShareCodeForm(),
            "open_flags_only": open_flags_only,
            "not_logged": not_logged,
            "filter_query": _filter_query(open_flags_only, not_logged),
        },
    )


def _start_of_day(moment: dt.datetime) -> dt.datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _filter_query(open_flags_only: bool, not_logged: bool) -> str:
    parts = (["flags=open"] if open_flags_only else []) + (["quiet=1"] if not_logged else [])
    return "&".join(parts)


@approved_physiotherapist_required
@require_POST
def redeem_code(request: AuthenticatedRequest) -> HttpResponse:
    form = ShareCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the 8-character code your patient gave you.")
        return redirect("physio:caseload")
    try:
        share = consent.redeem_share_code(
            physiotherapist=request.user, typed=form.cleaned_data["code"], request=request
        )
    except consent.CodeAttemptsLocked as locked:
        messages.error(
            request,
            "Too many wrong codes in the last hour. For your patients' safety, codes are "
            f"refused until {locked.until:%H:%M} UTC. Check the code with your patient.",
        )
        return redirect("physio:caseload")
    except consent.CodeRefused:
        messages.error(
            request,
            "That code does not work. It may be mistyped, already used, cancelled or older "
            "than 7 days. Ask your patient for a new one.",
        )
        return redirect("physio:caseload")
    messages.success(request, f"{share.patient.name} now shares their diary with you.")
    return redirect("physio:review", patient_id=share.patient_id)


@approved_physiotherapist_required
@require_POST
def accept_invitation(request: AuthenticatedRequest, invitation_id: int) -> HttpResponse:
    invitation = _pending_invitation_or_404(request, invitation_id)
    try:
        share = consent.accept_invitation(invitation=invitation, physiotherapist=request.user)
    except consent.InvitationEnded:
        messages.error(request, "This invitation has ended. Ask your patient for a new one.")
        return redirect("physio:caseload")
    record(request, AuditAction.SHARE_ACCEPTED, share.patient)
    messages.success(request, f"{share.patient.name} now shares their diary with you.")
    return redirect("physio:review", patient_id=share.patient_id)


@approved_physiotherapist_required
@require_POST
def decline_invitation(request: AuthenticatedRequest, invitation_id: int) -> HttpResponse:
    invitation = _pending_invitation_or_404(request, invitation_id)
    consent.decline_invitation(invitation=invitation)
    record(request, AuditAction.SHARE_DECLINED, invitation.patient)
    messages.success(request, "Invitation declined.")
    return redirect("physio:caseload")


def _pending_invitation_or_404(
    request: AuthenticatedRequest, invitation_id: int
) -> ShareInvitation:
    return get_object_or_404(consent.pending_invitations_for(request.user), pk=invitation_id)


# --- One patient ---------------------------------------------------------------------------


def share_or_404(request: AuthenticatedRequest, patient_id: int) -> Share:
    """The only way to a patient: a live share with the physiotherapist asking."""
    return get_object_or_404(
        consent.shares_with(request.user).select_related("patient", "patient__profile"),
        patient_id=patient_id,
    )


def _record_for(request: AuthenticatedRequest, share: Share) -> PatientRecord:
    days = period_from(request.GET.get("days"))
    return patient_record(share, end=today_of(share.patient), days=days)


@approved_physiotherapist_required
@require_GET
@vary_on_headers("HX-Request")
def review(request: AuthenticatedRequest, patient_id: int) -> HttpResponse:
    share = share_or_404(request, patient_id)
    patient_data = _record_for(request, share)
    note = ClinicalNote.objects.filter(physiotherapist=request.user, patient=share.patient).first()
    record(request, AuditAction.VIEW, share.patient, detail=f"{patient_data.days} days")
    # A period link swaps only its section; going back in the browser needs the whole page.
    glance = exercises = None
    if request.htmx and not request.htmx.history_restore_request:
        template = "sharing/physio/review.html#period"
    else:
        template = "sharing/physio/review.html"
        this_week = numbers_for(share.patient, week_start_of(patient_data.end))
        glance = week_glance(patient_data, this_week)
        exercises = review_of(share.patient, request.user, patient_data.end)
    response = render(
        request,
        template,
        {
            "share": share,
            "patient": share.patient,
            "record": patient_data,
            "chart": pain_chart(
                patient_data.entries,
                start=patient_data.start,
                end=patient_data.end,
                exercises=exercise_days(share.patient, patient_data.start, patient_data.end),
            ),
            "periods": PERIODS,
            "glance": glance,
            "exercises": exercises,
            "note": note,
            "note_form": ClinicalNoteForm(initial={"text": note.text if note else ""}),
        },
    )
    add_never_cache_headers(response)
    return response


@approved_physiotherapist_required
@require_POST
def save_note(request: AuthenticatedRequest, patient_id: int) -> HttpResponse:
    share = share_or_404(request, patient_id)
    form = ClinicalNoteForm(request.POST)
    if form.is_valid():
        ClinicalNote.objects.update_or_create(
            physiotherapist=request.user,
            patient=share.patient,
            defaults={"text": form.cleaned_data["text"], "updated_at": timezone.now()},
        )
        record(request, AuditAction.CLINICAL_NOTE, share.patient)
        messages.success(request, "Note saved. Only you can read it.")
    else:
        messages.error(request, "The note is too long (at most 10,000 characters).")
    return redirect(reverse("physio:review", args=[share.patient_id]) + "#note")


def _profile_code(code: str) -> str:
    if code not in PROFILE_CODES:
        raise Http404
    return code


@approved_physiotherapist_required
@require_POST
def check_flag(request: AuthenticatedRequest, patient_id: int, code: str) -> HttpResponse:
    share = share_or_404(request, patient_id)
    clear_profile_flag(patient=share.patient, code=_profile_code(code), by=request.user)
    record(request, AuditAction.FLAG_CHECKED, share.patient, detail=code)
    messages.success(request, f"Recorded under your name: {code} has been checked.")
    return redirect(reverse("physio:review", args=[share.patient_id]) + "#flags")


@approved_physiotherapist_required
@require_POST
def undo_check(request: AuthenticatedRequest, patient_id: int, code: str) -> HttpResponse:
    share = share_or_404(request, patient_id)
    undo_profile_flag_clearance(patient=share.patient, code=_profile_code(code), by=request.user)
    record(request, AuditAction.FLAG_CHECK_UNDONE, share.patient, detail=code)
    messages.success(request, f"Undone: {code} is checked again with every entry.")
    return redirect(reverse("physio:review", args=[share.patient_id]) + "#flags")


@approved_physiotherapist_required
@require_POST
def acknowledge_finding(
    request: AuthenticatedRequest, patient_id: int, finding_id: int
) -> HttpResponse:
    share = share_or_404(request, patient_id)
    finding = get_object_or_404(Finding, pk=finding_id, user=share.patient, state=FindingState.OPEN)
    acknowledge(finding=finding, by=request.user)
    record(request, AuditAction.ALERT_ACKNOWLEDGED, share.patient, detail=finding.code)
    messages.success(request, "Acknowledged under your name. Your patient sees who did it.")
    return redirect(reverse("physio:review", args=[share.patient_id]) + "#flags")


# --- Exports -------------------------------------------------------------------------------


def _attachment(
    response: HttpResponse, share: Share, data: PatientRecord, ext: str, suffix: str = ""
) -> None:
    filename = f"upright-{share.patient_id}-{data.start:%Y%m%d}-{data.end:%Y%m%d}{suffix}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)


@approved_physiotherapist_required
@require_GET
def export_pdf(request: AuthenticatedRequest, patient_id: int) -> HttpResponse:
    share = share_or_404(request, patient_id)
    data = _record_for(request, share)
    pdf = consultation_pdf(
        data, plan_record(data), generated_at=timezone.now(), for_name=request.user.name
    )
    record(request, AuditAction.EXPORT_PDF, share.patient, detail=f"{data.days} days")
    response = HttpResponse(pdf, content_type="application/pdf")
    _attachment(response, share, data, "pdf")
    return response


@approved_physiotherapist_required
@require_GET
def export_csv(request: AuthenticatedRequest, patient_id: int) -> HttpResponse:
    share = share_or_404(request, patient_id)
    data = _record_for(request, share)
    record(request, AuditAction.EXPORT_CSV, share.patient, detail=f"{data.days} days")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    write_entries(response, data.entries, include_notes=data.include_notes)
    _attachment(response, share, data, "csv")
    return response


@approved_physiotherapist_required
@require_GET
def export_exercise_log(request: AuthenticatedRequest, patient_id: int) -> HttpResponse:
    share = share_or_404(request, patient_id)
    data = _record_for(request, share)
    record(request, AuditAction.EXPORT_CSV, share.patient, detail=f"{data.days} days, exercise log")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    write_exercise_log(response, plan_record(data).log_rows())
    _attachment(response, share, data, "csv", suffix="-exercises")
    return response


@approved_physiotherapist_required
@require_GET
def export_fhir(request: AuthenticatedRequest, patient_id: int) -> HttpResponse:
    share = share_or_404(request, patient_id)
    data = _record_for(request, share)
    bundle = diary_bundle(data, plan_record(data), generated_at=timezone.now())
    record(request, AuditAction.EXPORT_FHIR, share.patient, detail=f"{data.days} days")
    response = HttpResponse(json.dumps(bundle, indent=2), content_type="application/fhir+json")
    _attachment(response, share, data, "json")
    return response
