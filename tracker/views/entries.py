"""Today's entry, past days, and deleting an entry. htmx swaps the form; plain POST works too."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import ratelimit
from accounts.decorators import patient_required
from accounts.requests import AuthenticatedRequest
from exercises.forms import SHOWN, ExerciseDayForm
from exercises.models import ExerciseDay
from exercises.queries import items_due_on
from tracker.forms.entry import OPTIONAL_FIELDS, EntryForm
from tracker.models import Entry
from tracker.queries import activities_of_day_before, entry_on, today_of
from tracker.services import DayAlreadyLogged, ExerciseAnswers, delete_entry, save_entry
from triage.presentation import result_panel
from triage.services import evaluate_person


def _initial_for(entry: Entry | None, day: dt.date, prefill_activities: list[str]) -> dict:
    if entry is None:
        # Activities may be carried over from yesterday; pain and symptoms never are.
        return {
            "date": day,
            "activities": prefill_activities,
            "client_uuid": uuid.uuid4(),
            "no_symptoms": True,
        }
    return {
        "date": entry.date, "pain": entry.pain,
        "night_pain": "" if entry.night_pain is None else entry.night_pain,
        "woke_at_night": entry.woke_at_night, "rested": entry.rested,
        "rest_relief": entry.rest_relief, "active_minutes": entry.active_minutes,
        "activities": entry.activities, "daily_tasks": entry.daily_tasks, "sleep": entry.sleep,
        "no_symptoms": not entry.symptoms, "symptoms": entry.symptoms,
        "self_care": entry.self_care, "notes": entry.notes, "client_uuid": entry.client_uuid,
    }  # fmt: skip


def _entry_page(
    request: AuthenticatedRequest, *, entry: Entry | None, day: dt.date, today: dt.date
) -> HttpResponse:
    form_url = reverse("tracker:edit_entry", args=[entry.pk]) if entry else request.get_full_path()
    if request.method == "POST":
        return _save(request, entry=entry, form_url=form_url, today=today, day=day)
    prefill = [] if entry else activities_of_day_before(request.user, day)
    form = EntryForm(initial=_initial_for(entry, day, prefill), today=today)
    panel = None
    if entry and request.GET.get("saved"):
        panel = result_panel(evaluate_person(request.user))
    exercises = _exercise_form(request, day)
    return _render(request, form, entry, form_url, panel=panel, exercises=exercises)


def _exercise_form(
    request: AuthenticatedRequest, day: dt.date, *, posted: bool = False
) -> ExerciseDayForm | None:
    """The day's exercises, when a plan names any: as saved, or as just posted."""
    items = items_due_on(request.user.pk, day)
    if not items:
        return None
    if posted:
        return ExerciseDayForm(request.POST, items=items)
    logged = ExerciseDay.objects.filter(patient=request.user, day=day).prefetch_related("marks")
    return ExerciseDayForm(items=items, logged=logged.first())


def _save(
    request: AuthenticatedRequest,
    *,
    entry: Entry | None,
    form_url: str,
    today: dt.date,
    day: dt.date,
) -> HttpResponse:
    form = EntryForm(request.POST, today=today)
    # Only a form that showed the exercises answers them (an offline copy never does).
    exercises = None
    if SHOWN in request.POST:
        chosen = form.cleaned_data["date"] if form.is_valid() else day
        exercises = _exercise_form(request, chosen, posted=True)
    try:
        ratelimit.take(ratelimit.ENTRY_SAVES, request.user.pk)
    except ratelimit.RateLimited as limited:
        return _render(request, form, entry, form_url, status=429, exercises=exercises,
                       refused=f"Not saved. {limited.message}")  # fmt: skip
    if not form.is_valid() or (exercises is not None and not exercises.is_valid()):
        return _render(request, form, entry, form_url, status=422, exercises=exercises)
    answers = None
    if exercises is not None:
        answers = ExerciseAnswers(exercises.marks(), exercises.cleaned_data["pain_after"])
    try:
        saved = save_entry(
            user=request.user, values=form.entry_values(), editing=entry, exercises=answers
        )
    except DayAlreadyLogged as conflict:
        edit_url = reverse("tracker:edit_entry", args=[conflict.existing.pk])
        form.add_error(
            "date",
            f"You already logged {conflict.existing.date:%A %-d %B}. "
            "Change the date, or edit that day's entry instead.",
        )
        return _render(
            request, form, entry, form_url, conflict_url=edit_url, status=409, exercises=exercises
        )
    edit_url = reverse("tracker:edit_entry", args=[saved.entry.pk])
    if not request.htmx:
        return redirect(edit_url + "?saved=1")
    # The form on the phone already holds what was saved: the answer carries only what
    # changed (the result, the banner, the title and the links of that day's entry).
    context = {"panel": result_panel(saved.evaluation), "entry": saved.entry, "edit_url": edit_url}
    response = render(request, "tracker/_saved.html", context)
    response["HX-Replace-Url"] = edit_url
    return response


def _render(
    request: AuthenticatedRequest,
    form: EntryForm,
    entry: Entry | None,
    form_url: str,
    *,
    panel: dict | None = None,
    conflict_url: str | None = None,
    status: int = 200,
    refused: str = "",
    exercises: ExerciseDayForm | None = None,
) -> HttpResponse:
    context = {"form": form, "entry": entry, "form_url": form_url, "panel": panel,
               "conflict_url": conflict_url, "refused": refused, "exercises": exercises,
               "exercises_shown": SHOWN,
               "more_open": _optional_answers_need_attention(form)}  # fmt: skip
    if not request.htmx:
        return render(request, "tracker/entry.html", context, status=status)
    # The form comes back whole only when it has something to say (errors, a refusal); htmx
    # swaps only 2xx (and, by base.html's config, 429) answers.
    response = render(request, "tracker/entry.html#entry-area", context,
                      status=429 if status == 429 else 200)  # fmt: skip
    response["HX-Retarget"] = "#entry-area"
    response["HX-Reswap"] = "outerHTML"
    return response


def _optional_answers_need_attention(form: EntryForm) -> bool:
    """The optional answers start folded away, unless one of them has an error to show."""
    return any(name in form.errors for name in OPTIONAL_FIELDS)


@patient_required
@require_http_methods(["GET", "POST"])
def today(request: AuthenticatedRequest) -> HttpResponse:
    local_today = today_of(request.user)
    if request.method == "GET" and (existing := entry_on(request.user, local_today)):
        return redirect("tracker:edit_entry", existing.pk)
    # A POST saves today's entry whether or not one exists (the same form again updates it).
    return _entry_page(request, entry=None, day=local_today, today=local_today)


@patient_required
@require_http_methods(["GET", "POST"])
def log_day(request: AuthenticatedRequest, day: str) -> HttpResponse:
    local_today = today_of(request.user)
    try:
        chosen = dt.date.fromisoformat(day)
    except ValueError as error:
        raise Http404 from error
    existing = entry_on(request.user, chosen)
    if existing is not None:
        return redirect("tracker:edit_entry", existing.pk)
    return _entry_page(request, entry=None, day=chosen, today=local_today)


@patient_required
@require_http_methods(["GET", "POST"])
def edit_entry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry, pk=pk, user=request.user)
    local_today = today_of(request.user)
    return _entry_page(request, entry=entry, day=entry.date, today=local_today)


@patient_required
@require_http_methods(["GET", "POST"])
def confirm_delete_entry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry, pk=pk, user=request.user)
    if request.method == "POST":
        delete_entry(entry=entry)
        messages.success(request, f"The entry for {entry.date:%A %-d %B} is deleted.")
        return redirect("tracker:history")
    return render(request, "tracker/confirm_delete.html", {"entry": entry})
