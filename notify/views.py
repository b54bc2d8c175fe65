"""The notifications list and the push subscription endpoints."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.requests import AuthenticatedRequest
from notify.models import Message
from notify.service import mark_all_read, mark_read
from notify.subscriptions import InvalidSubscription, parse_subscription, subscribe, unsubscribe

PAGE_SIZE = 30
MAX_JSON_BYTES = 4096


@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    """Newest first. What this page shows is marked read: the header count drops at once."""
    page = Paginator(Message.objects.filter(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    new_ids = {message.pk for message in page if message.read_at is None}
    mark_read(user=request.user, message_ids=new_ids)
    template = "notify/list.html#notifications" if request.htmx else "notify/list.html"
    return render(request, template, {"page": page, "new_ids": new_ids})


@require_POST
def mark_all_as_read(request: AuthenticatedRequest) -> HttpResponse:
    mark_all_read(user=request.user)
    return redirect("notify:list")


@require_GET
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    """The settings page moved to the journal (it sets when reminders come); links in
    messages already sent still lead there."""
    return redirect("tracker:notification_settings")


@login_not_required
@require_GET
def vapid_public_key(request: HttpRequest) -> JsonResponse:
    if not settings.VAPID_PUBLIC_KEY:
        return JsonResponse({"error": "Push notifications are not set up here."}, status=404)
    return JsonResponse({"public_key": settings.VAPID_PUBLIC_KEY})


@login_not_required
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Log in first."}, status=401)
    try:
        subscription = parse_subscription(json_body(request))
    except InvalidSubscription as error:
        return JsonResponse({"error": str(error)}, status=400)
    created = subscribe(user=request.user, subscription=subscription)
    return JsonResponse({"subscribed": True}, status=201 if created else 200)


@login_not_required
@require_POST
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Log in first."}, status=401)
    try:
        payload = json_body(request)
        if not isinstance(payload, dict):
            raise InvalidSubscription("Send a JSON object with the endpoint.")
        removed = unsubscribe(user=request.user, endpoint=payload.get("endpoint"))
    except InvalidSubscription as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"removed": removed})


def json_body(request: HttpRequest) -> object:
    if len(request.body) > MAX_JSON_BYTES:
        raise InvalidSubscription(f"The request is larger than {MAX_JSON_BYTES} bytes.")
    try:
        return json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidSubscription("The request is not valid JSON.") from error
