"""Entries kept on a phone while offline arrive here when it is back online."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import ratelimit
from accounts.audit import record
from accounts.models import AuditAction
from tracker.forms.entry import EntryForm
from tracker.services import DayAlreadyLogged, get_or_create_profile, save_entry


@login_not_required
@require_POST
def sync_entry(request: HttpRequest) -> JsonResponse:
    """Upsert on (person, client UUID): a replay sent twice still stores one entry. Only
    the entries of the account signed in now: each carries the stamp of its author."""
    user = request.user
    if not user.is_authenticated:
        message = "Log in again to send the entry kept on this phone."
        return JsonResponse({"status": "login", "message": message}, status=401)
    if not user.is_patient:
        record(request, AuditAction.AUTHORIZATION_FAILED, detail=f"POST {request.path}")
        return JsonResponse(
            {"status": "invalid", "message": "Only patients keep a diary."}, status=404
        )
    if request.POST.get("account") != user.offline_stamp:
        # Kept on the phone by another account (or by a script that does not say whose):
        # never saved into this diary. offline.js keeps it for its author.
        message = "This entry was kept on this phone by another account. It was not saved."
        return JsonResponse({"status": "other_account", "message": message}, status=409)
    try:
        ratelimit.take(ratelimit.ENTRY_SAVES, user.pk)
    except ratelimit.RateLimited as limited:
        # Kept on the phone, and sent again later.
        message = f"The entry kept on this phone was not sent yet. {limited.message}"
        return JsonResponse({"status": "rate_limited", "message": message}, status=429)
    form = EntryForm(request.POST, today=get_or_create_profile(user).local_today())
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        message = "The entry kept on this phone could not be saved: " + " ".join(
            f"{field}: {' '.join(texts)}" for field, texts in errors.items()
        )
        return JsonResponse({"status": "invalid", "message": message, "errors": errors}, status=422)
    try:
        saved = save_entry(user=user, values=form.entry_values())
    except DayAlreadyLogged as conflict:
        return JsonResponse(
            {
                "status": "conflict",
                "message": f"An entry for {conflict.existing.date:%-d %B} was saved from another "
                "device while this phone was offline, so the copy on this phone was not sent. "
                "Check the saved one and change it if needed.",
                "url": reverse("tracker:edit_entry", args=[conflict.existing.pk]),
            },
            status=409,
        )
    return JsonResponse(
        {
            "status": "saved",
            "url": reverse("tracker:edit_entry", args=[saved.entry.pk]),
            "advice_level": str(saved.evaluation.advice_level),
        }
    )
