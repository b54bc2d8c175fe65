"""The notification settings page: when reminders come (the journal's part) and where each
kind of message arrives, with quiet hours (notify's part), saved together."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import patient_required
from accounts.requests import AuthenticatedRequest
from notify.forms import PreferencesForm, initial_for
from notify.models import PushSubscription
from notify.preferences import preferences_for
from tracker.forms.profile import ReminderForm, reminder_initial
from tracker.reminders import save_notification_settings
from tracker.services import get_or_create_profile


@patient_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: AuthenticatedRequest) -> HttpResponse:
    profile = get_or_create_profile(request.user)
    preference = preferences_for(request.user)
    devices = PushSubscription.objects.filter(user=request.user).count()
    data = request.POST if request.method == "POST" else None
    reminder = ReminderForm(data, initial=reminder_initial(profile, profile.local_today()))
    channels = PreferencesForm(
        data, initial=initial_for(preference), push_ready=devices > 0, stored=preference
    )
    if data is not None and reminder.is_valid() and channels.is_valid():
        save_notification_settings(
            user=request.user, reminder=reminder.cleaned_data, channels=channels.cleaned_data
        )
        messages.success(request, "Your notification settings are saved.")
        return redirect("tracker:notification_settings")
    context = {
        "reminder_form": reminder,
        "form": channels,
        "profile": profile,
        "devices": devices,
        "push_available": bool(settings.VAPID_PUBLIC_KEY),
    }
    return render(request, "tracker/notification_settings.html", context)
