from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import patient_required


@login_required
@patient_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "tracker/my_data.html")


def export_json(request: HttpRequest) -> HttpResponse:
    raise Http404


export_csv = import_diary = delete_account = export_json
