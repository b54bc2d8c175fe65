"""A physiotherapist's exercise plans for a patient who shares their diary with them:
suggest one, change it, end it. Only through a live share (404 otherwise), only plans they
suggested, and every action in the patient's access log."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.audit import record
from accounts.decorators import approved_physiotherapist_required
from accounts.models import AuditAction
from accounts.requests import AuthenticatedRequest
from exercises import plans
from exercises.forms import PlanForm
from exercises.models import Exercise, Plan
from sharing.views.physio import share_or_404
from tracker.queries import today_of


def _their_plan_or_404(request: AuthenticatedRequest, patient_id: int, plan_id: int) -> Plan:
    share = share_or_404(request, patient_id)
    return get_object_or_404(
        Plan.objects.prefetch_related("versions__items"),
        pk=plan_id,
        patient=share.patient,
        prescribed_by=request.user,
        ended_at__isnull=True,
    )


def _review_plans(patient_id: int) -> str:
    return reverse("physio:review", args=[patient_id]) + "#exercises"


@approved_physiotherapist_required
@require_http_methods(["GET", "POST"])
def new_plan(request: AuthenticatedRequest, patient_id: int) -> HttpResponse:
    share = share_or_404(request, patient_id)
    today = today_of(share.patient)
    form = PlanForm(
        request.POST or None,
        library=list(Exercise.objects.all()),
        initial={"starts_on": today.isoformat()},
    )
    if request.method == "POST" and form.is_valid():
        plans.propose_plan(
            patient=share.patient,
            physiotherapist=request.user,
            prescriptions=form.prescriptions(),
            starts_on=form.cleaned_data["starts_on"],
            review_on=form.cleaned_data["review_on"],
            note=form.cleaned_data["note"],
        )
        record(request, AuditAction.PLAN_PROPOSED, share.patient)
        messages.success(
            request, f"Plan suggested. It starts once {share.patient.name} accepts it."
        )
        return redirect(_review_plans(share.patient_id))
    record(request, AuditAction.VIEW, share.patient, detail="exercise plan form")
    return render(
        request,
        "sharing/physio/plan_form.html",
        {"form": form, "patient": share.patient, "plan": None},
    )


@approved_physiotherapist_required
@require_http_methods(["GET", "POST"])
def change_plan(request: AuthenticatedRequest, patient_id: int, plan_id: int) -> HttpResponse:
    plan = _their_plan_or_404(request, patient_id, plan_id)
    patient = plan.patient
    latest = plan.latest_version()
    today = today_of(patient)
    form = PlanForm(
        request.POST or None,
        library=list(Exercise.objects.all()),
        current=list(latest.items.all()) if latest else [],
        initial={
            "starts_on": today.isoformat(),
            "review_on": latest.review_on if latest else None,
            "note": latest.note if latest else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        version = plans.change_plan(
            plan=plan,
            by=request.user,
            prescriptions=form.prescriptions(),
            starts_on=form.cleaned_data["starts_on"],
            review_on=form.cleaned_data["review_on"],
            note=form.cleaned_data["note"],
        )
        record(request, AuditAction.PLAN_CHANGED, patient, detail=f"version {version.number}")
        messages.success(request, "Plan changed. Earlier days keep the version then in force.")
        return redirect(_review_plans(patient.pk))
    record(request, AuditAction.VIEW, patient, detail="exercise plan form")
    return render(
        request, "sharing/physio/plan_form.html", {"form": form, "patient": patient, "plan": plan}
    )


@approved_physiotherapist_required
@require_http_methods(["GET", "POST"])
def end_plan(request: AuthenticatedRequest, patient_id: int, plan_id: int) -> HttpResponse:
    plan = _their_plan_or_404(request, patient_id, plan_id)
    if request.method == "POST":
        plans.end_plan(plan=plan, by=request.user, today=today_of(plan.patient))
        record(request, AuditAction.PLAN_ENDED, plan.patient)
        messages.success(request, "Plan ended. What your patient logged stays in their diary.")
        return redirect(_review_plans(plan.patient_id))
    return render(request, "sharing/physio/plan_end.html", {"plan": plan, "patient": plan.patient})
