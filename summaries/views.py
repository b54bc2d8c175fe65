"""A person's weekly summaries, the weekly PEG questions, and when summaries arrive."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import patient_required
from accounts.requests import AuthenticatedRequest
from summaries.chart import week_chart
from summaries.forms import PegForm, ScheduleForm
from summaries.models import PegResponse, WeeklySummary
from summaries.numbers import WEEK, PegAnswers, WeekNumbers, week_start_of
from summaries.services import save_peg, schedule_of, set_schedule
from summaries.words import in_words, one_decimal
from tracker.services import get_or_create_profile

LISTED_WEEKS = 104


@patient_required
@require_GET
def summary_list(request: AuthenticatedRequest) -> HttpResponse:
    this_week = week_start_of(get_or_create_profile(request.user).local_today())
    summaries = WeeklySummary.objects.filter(user=request.user, days_logged__gt=0).order_by(
        "-week_start"
    )[:LISTED_WEEKS]
    weeks = [(summary, WeekNumbers.from_json(summary.numbers)) for summary in summaries]
    context = {
        "weeks": weeks,
        "peg_answered": PegResponse.objects.filter(
            user=request.user, week_start=this_week
        ).exists(),
        "schedule": schedule_of(request.user),
    }
    return render(request, "summaries/list.html", context)


@patient_required
@require_GET
def summary_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    summary = get_object_or_404(WeeklySummary, pk=pk, user=request.user)
    numbers = WeekNumbers.from_json(summary.numbers)
    this_week = week_start_of(get_or_create_profile(request.user).local_today())
    context = {
        "summary": summary,
        "numbers": numbers,
        "words": in_words(numbers),
        "chart": week_chart(numbers.week_start, numbers.pain_by_day),
        # The PEG of a week can be answered that week and the one after.
        "peg_open": numbers.peg is None and numbers.week_start >= this_week - WEEK,
    }
    return render(request, "summaries/detail.html", context)


def _peg_week(request: AuthenticatedRequest, this_week: dt.date) -> dt.date:
    """The week asked about: this week, or last week when the link says so."""
    try:
        asked = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return this_week
    return asked if asked in (this_week, this_week - WEEK) else this_week


@patient_required
@require_http_methods(["GET", "POST"])
def peg(request: AuthenticatedRequest) -> HttpResponse:
    this_week = week_start_of(get_or_create_profile(request.user).local_today())
    week = _peg_week(request, this_week)
    answered = PegResponse.objects.filter(user=request.user, week_start=week).first()
    if request.method == "POST":
        form = PegForm(request.POST)
        if form.is_valid():
            answers = PegAnswers(**form.cleaned_data)
            save_peg(user=request.user, week_start=week, answers=answers)
            which = "this week" if week == this_week else f"the week of {week:%-d %B}"
            messages.success(
                request,
                f"Thank you. Your PEG score for {which} is {one_decimal(float(answers.score))}.",
            )
            return redirect("summaries:list")
        status = 422
    else:
        initial = (
            {"pain": answered.pain, "enjoyment": answered.enjoyment, "activity": answered.activity}
            if answered
            else {}
        )
        form, status = PegForm(initial=initial), 200
    context = {"form": form, "week": week, "this_week": this_week, "answered": answered}
    return render(request, "summaries/peg.html", context, status=status)


@patient_required
@require_http_methods(["GET", "POST"])
def schedule(request: AuthenticatedRequest) -> HttpResponse:
    current = schedule_of(request.user)
    if request.method == "POST":
        form = ScheduleForm(request.POST)
        if form.is_valid():
            saved = set_schedule(
                user=request.user,
                weekday=form.cleaned_data["summary_weekday"],
                at=form.cleaned_data["summary_time"],
            )
            messages.success(
                request,
                f"Your summary will arrive on {saved.get_summary_weekday_display()}s "
                f"at {saved.summary_time:%H:%M}.",
            )
            return redirect("summaries:list")
        return render(request, "summaries/schedule.html", {"form": form}, status=422)
    form = ScheduleForm(
        initial={"summary_weekday": current.summary_weekday, "summary_time": current.summary_time}
    )
    return render(request, "summaries/schedule.html", {"form": form})
