"""The person's own exercise pages: plans suggested to them (accept or say no), the plans
they follow with each exercise's steps, choosing exercises for themselves, ending a plan."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import patient_required
from accounts.requests import AuthenticatedRequest
from exercises import adherence, plans, queries
from exercises.forms import PlanForm
from exercises.models import Exercise, Plan

WEEK = dt.timedelta(days=6)


@patient_required
@require_http_methods(["GET"])
def my_exercises(request: AuthenticatedRequest) -> HttpResponse:
    today = request.user.profile.local_today()
    current = list(queries.current_plans(request.user.pk))
    counts = queries.day_counts_by_patient(
        [request.user.pk], today - WEEK, today, {request.user.pk: today}
    ).get(request.user.pk, [])
    context = {
        "suggested": [p for p in current if p.accepted_at is None],
        "following": [p for p in current if p.accepted_at is not None],
        "this_week": adherence.total(counts),
        "week_days": counts,
        "today": today,
    }
    return render(request, "tracker/exercises/my_exercises.html", context)


@patient_required
@require_POST
def accept_plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk, patient=request.user, ended_at__isnull=True)
    plans.accept_plan(plan=plan, patient=request.user, today=request.user.profile.local_today())
    messages.success(request, "Plan accepted: its exercises are now in your daily entry.")
    return redirect("tracker:my_exercises")


@patient_required
@require_http_methods(["GET", "POST"])
def end_plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Ending (or saying no to a suggestion) asks once; what was logged stays in the diary."""
    plan = get_object_or_404(Plan, pk=pk, patient=request.user, ended_at__isnull=True)
    if request.method == "POST":
        plans.end_plan(plan=plan, by=request.user, today=request.user.profile.local_today())
        said_no = plan.accepted_at is None
        messages.success(request, "Suggestion declined." if said_no else "Plan ended.")
        return redirect("tracker:my_exercises")
    return render(request, "tracker/exercises/end_plan.html", {"plan": plan})


@patient_required
@require_http_methods(["GET", "POST"])
def choose_exercises(request: AuthenticatedRequest) -> HttpResponse:
    """Exercises a person picks for themselves, in force from today."""
    library = list(Exercise.objects.all())
    today = request.user.profile.local_today()
    form = PlanForm(request.POST or None, library=library, initial={"starts_on": today.isoformat()})
    if request.method == "POST" and form.is_valid():
        plans.choose_own_plan(
            patient=request.user,
            prescriptions=form.prescriptions(),
            today=today,
            note=form.cleaned_data["note"],
        )
        messages.success(request, "Your exercises are saved: they are now in your daily entry.")
        return redirect("tracker:my_exercises")
    return render(request, "tracker/exercises/choose.html", {"form": form})
