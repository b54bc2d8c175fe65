from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import patient_required
from accounts.requests import AuthenticatedRequest
from triage.models import Finding, FindingState, ProfileFlagClearance
from triage.presentation import LEVEL_ADVICE
from triage.queries import open_findings, past_findings
from triage.rules import RULES, RULES_BY_CODE
from triage.services import acknowledge, clear_profile_flag, undo_profile_flag_clearance

PROFILE_CODES = frozenset(rule.code for rule in RULES if rule.kind == "profile")


@patient_required
@require_GET
def my_flags(request: AuthenticatedRequest) -> HttpResponse:
    findings = sorted(open_findings(request.user), key=lambda f: (f.level != "urgent", f.code))
    clearances = ProfileFlagClearance.objects.filter(user=request.user).select_related(
        "cleared_by", "undone_by"
    )[:50]
    return render(
        request,
        "triage/my_flags.html",
        {
            "open": [(f, RULES_BY_CODE.get(f.code)) for f in findings],
            "past": [(f, RULES_BY_CODE.get(f.code)) for f in past_findings(request.user)],
            "clearances": clearances,
            "profile_codes": PROFILE_CODES,
        },
    )


@patient_required
@require_POST
def acknowledge_finding(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(Finding, pk=pk, user=request.user, state=FindingState.OPEN)
    acknowledge(finding=finding, by=request.user)
    messages.success(request, "Thank you. The flag is acknowledged; it stays in your flag list.")
    return redirect("triage:my_flags")


def _profile_code(code: str) -> str:
    if code not in PROFILE_CODES:
        raise Http404
    return code


@patient_required
@require_POST
def mark_checked(request: AuthenticatedRequest, code: str) -> HttpResponse:
    clear_profile_flag(patient=request.user, code=_profile_code(code), by=request.user)
    messages.success(request, "Recorded: a doctor has checked this. You can undo it at any time.")
    return redirect("triage:my_flags")


@patient_required
@require_POST
def undo_checked(request: AuthenticatedRequest, code: str) -> HttpResponse:
    undo_profile_flag_clearance(patient=request.user, code=_profile_code(code), by=request.user)
    messages.success(request, "Undone: this flag is checked again with every entry.")
    return redirect("triage:my_flags")


@login_not_required
@require_GET
def how_it_works(request: HttpRequest) -> HttpResponse:
    """The public rule catalogue, read from the same table the engine runs."""
    return render(
        request, "triage/how_it_works.html", {"rules": RULES, "level_advice": LEVEL_ADVICE}
    )
