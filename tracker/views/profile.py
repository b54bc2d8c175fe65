from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import patient_required
from accounts.requests import AuthenticatedRequest
from tracker.forms.profile import EXAMINED_ASKED, YES, ProfileForm
from tracker.services import flags_raised_by, get_or_create_profile, update_profile
from triage.presentation import title_of


@patient_required
@require_http_methods(["GET", "POST"])
def onboarding(request: AuthenticatedRequest) -> HttpResponse:
    """The profile questions: right after sign-up, and later to change answers.

    At onboarding, answers that raise a profile flag are not saved at once: the form comes
    back asking whether a doctor has already examined this pain, so that a person who has
    been examined is not met with an urgent banner and prompts (red-flags.md v2)."""
    profile = get_or_create_profile(request.user)
    first_time = profile.onboarded_at is None
    if request.method != "POST":
        return _page(request, ProfileForm(instance=profile), first_time)
    # The flags the question listed: "yes" may only clear flags the person was shown.
    asked = frozenset(request.POST.get(EXAMINED_ASKED, "").split()) if first_time else frozenset()
    form = ProfileForm(request.POST, instance=profile, ask_examined=bool(asked))
    if not form.is_valid():
        return _page(request, form, first_time, asked)
    values = {field: form.cleaned_data[field] for field in ProfileForm.Meta.fields}
    raised = flags_raised_by(profile, values) if first_time else frozenset()
    if raised and raised != asked:
        form = ProfileForm(request.POST, instance=profile, ask_examined=True)
        return _page(request, form, first_time, raised)
    examined = bool(asked) and form.cleaned_data.get("already_examined") == YES
    update_profile(user=request.user, values=values, examined_by_doctor=examined)
    messages.success(request, "Your answers are saved.")
    return redirect("tracker:today" if first_time else "tracker:onboarding")


def _page(
    request: AuthenticatedRequest,
    form: ProfileForm,
    first_time: bool,
    asking: frozenset[str] = frozenset(),
) -> HttpResponse:
    context = {
        "form": form,
        "first_time": first_time,
        "examined_flags": sorted(map(title_of, asking)),
        "examined_asked": EXAMINED_ASKED,
        "asked_codes": " ".join(sorted(asking)),
    }
    return render(request, "tracker/onboarding.html", context)
