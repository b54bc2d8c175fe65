from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import patient_required
from tracker.profile_forms import ProfileForm
from tracker.services import get_or_create_profile, update_profile


@login_required
@patient_required
@require_http_methods(["GET", "POST"])
def onboarding(request: HttpRequest) -> HttpResponse:
    """The profile questions: right after sign-up, and later to change answers."""
    profile = get_or_create_profile(request.user)
    first_time = profile.onboarded_at is None
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in ProfileForm.Meta.fields}
        update_profile(user=request.user, values=values)
        messages.success(request, "Your answers are saved.")
        return redirect("tracker:today" if first_time else "tracker:onboarding")
    return render(request, "tracker/onboarding.html", {"form": form, "first_time": first_time})
