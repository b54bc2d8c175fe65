"""A person's own data: download it, bring a diary in, or delete the account."""

from __future__ import annotations

import io
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from accounts import ratelimit, sessions
from accounts.audit import record
from accounts.decorators import patient_required
from accounts.models import AuditAction
from accounts.requests import AuthenticatedRequest
from tracker import portability
from triage.diary import FormatProblem

# What a multipart body adds around the file itself: boundaries, headers, the CSRF token.
MULTIPART_ALLOWANCE = 64 * 1024
# A file with thousands of mistakes is better told about the first ones than all of them.
MAX_PROBLEMS_SHOWN = 100


class ImportForm(forms.Form):
    document = forms.FileField(
        label="Your diary file",
        help_text="The .json file that “Download my data” gives, here or on another Upright. "
        "2 MB at most.",
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
        error_messages={
            "required": "Choose a file to import.",
            "empty": "This file is empty.",
        },
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to confirm."},
    )


class ImportSizeLimit(FileUploadHandler):
    """Holds an upload in memory up to the import limit and drops it past that, so a huge
    file is never kept in memory or written to disk."""

    def __init__(self, request: AuthenticatedRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self.buffer = io.BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise SkipFile
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )


@patient_required
@require_GET
def my_data(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "tracker/my_data.html")


@patient_required
@require_GET
@never_cache
def export_json(request: AuthenticatedRequest) -> HttpResponse:
    document = portability.export_document(request.user)
    record(request, AuditAction.DATA_EXPORT, subject=request.user, detail="JSON")
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="upright-diary-{document["today"]}.json"'
    )
    return response


@patient_required
@require_GET
@never_cache
def export_csv(request: AuthenticatedRequest) -> HttpResponse:
    today = request.user.profile.local_today()
    response = HttpResponse(
        portability.entries_csv(request.user), content_type="text/csv; charset=utf-8"
    )
    record(request, AuditAction.DATA_EXPORT, subject=request.user, detail="CSV")
    response["Content-Disposition"] = f'attachment; filename="upright-diary-{today}.csv"'
    return response


@csrf_exempt  # checked in _import_upload, once the upload limit is in place (Django's docs)
@patient_required
@require_http_methods(["GET", "POST"])
def import_diary(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        if _content_length(request) > portability.MAX_IMPORT_BYTES + MULTIPART_ALLOWANCE:
            # Refused before reading the body; nothing changes, so no CSRF check is needed.
            return _import_page(request, ImportForm(), portability.ImportTooLarge())
        limit = ImportSizeLimit(request, portability.MAX_IMPORT_BYTES)
        request.upload_handlers = [limit]
        return _import_upload(request, limit)
    return _import_page(request, ImportForm())


@csrf_protect
def _import_upload(request: AuthenticatedRequest, limit: ImportSizeLimit) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    try:  # counted once the CSRF check has passed: another site cannot use it up
        ratelimit.take(ratelimit.IMPORTS, request.user.pk)
    except ratelimit.RateLimited as limited:
        refusal = portability.ImportRefused(f"Nothing was imported. {limited.message}")
        return _import_page(request, ImportForm(), refusal, status=429)
    if limit.too_large:
        return _import_page(request, ImportForm(), portability.ImportTooLarge())
    if not form.is_valid():
        return _import_page(request, form)
    upload = form.cleaned_data["document"]
    try:
        result = portability.import_document(
            user=request.user, raw_bytes=upload.read(portability.MAX_IMPORT_BYTES + 1)
        )
    except portability.ImportRefused as refusal:
        return _import_page(request, form, refusal)
    days = "1 day" if result.entries_added == 1 else f"{result.entries_added} days"
    record(request, AuditAction.DATA_IMPORT, subject=request.user, detail=days)
    answers = " and your profile answers" if result.profile_answers_updated else ""
    messages.success(
        request,
        f"Imported {days}{answers}. Anything worth checking with a doctor is under My flags.",
    )
    return redirect("tracker:history")


def _import_page(
    request: AuthenticatedRequest,
    form: ImportForm,
    refusal: portability.ImportRefused | None = None,
    status: int | None = None,
) -> HttpResponse:
    errors = list(form.errors.get("document", ()))
    problems: tuple[FormatProblem, ...] = ()
    if refusal is not None:
        errors.append(refusal.message)
        problems = refusal.problems
    if status is None:
        status = 422 if errors else 200
        if isinstance(refusal, portability.ImportTooLarge):
            status = 413
    context = {
        "form": form,
        "errors": errors,
        "problems": problems[:MAX_PROBLEMS_SHOWN],
        "problems_not_shown": max(0, len(problems) - MAX_PROBLEMS_SHOWN),
    }
    return render(request, "tracker/import.html", context, status=status)


def _content_length(request: AuthenticatedRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@patient_required
@require_http_methods(["GET", "POST"])
def delete_account(request: AuthenticatedRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        try:  # a session left open is not a way to guess the password
            ratelimit.check(ratelimit.PASSWORD_CONFIRMATIONS, request.user.pk)
        except ratelimit.RateLimited as limited:
            form.add_error("password", f"{limited.message} Nothing was deleted.")
            status = 429
        else:
            if portability.delete_account(user=request.user, password=password):
                logout(request)
                messages.success(
                    request, "Your account and your whole diary are deleted. Take good care."
                )
                return sessions.forget_cached_pages(redirect("accounts:login"))
            ratelimit.count(ratelimit.PASSWORD_CONFIRMATIONS, request.user.pk)
            form.add_error("password", "That is not your current password. Nothing was deleted.")
    if form.errors and status == 200:
        status = 422
    return render(request, "tracker/delete_account.html", {"form": form}, status=status)
