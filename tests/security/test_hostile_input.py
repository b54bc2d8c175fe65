"""Hostile input is refused with a message, and text people typed or imported is never
rendered as markup anywhere."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sharing.models import Share
from tests.security.test_url_walker import concrete_urls, routes
from tracker.models import Entry
from tracker.portability import MAX_IMPORT_BYTES

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("owned")</script><img src=x onerror=alert(1)>'


def upload(client: Client, content: bytes):
    file = SimpleUploadedFile("diary.json", content, content_type="application/json")
    return client.post(reverse("tracker:import"), {"document": file})


def diary(*entries: dict[str, object]) -> bytes:
    return json.dumps({"format": "backpain-diary/1", "entries": list(entries)}).encode()


# --- Imports -------------------------------------------------------------------------------


def test_a_50_megabyte_upload_is_refused_with_a_message_and_nothing_changes(
    alice_client, alice
) -> None:
    response = upload(alice_client, b"{" + b" " * (50 * 1024 * 1024) + b"}")
    assert response.status_code == 413
    assert f"larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB" in response.content.decode()
    assert not alice.entries.exists()


def test_a_body_that_lies_about_its_length_is_refused_without_an_error(alice_client) -> None:
    body = b'--x\r\nContent-Disposition: form-data; name="document"; filename="d.json"\r\n\r\n'
    response = alice_client.generic(
        "POST",
        reverse("tracker:import"),
        body + b"{" * 10_000,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="100",
    )
    assert response.status_code in (400, 403, 422)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
        (diary({"date": "2026-11-20", "pain": float("nan")}), "Nothing was imported"),
        (b'{"format": "backpain-diary/1", "entries": [{"date": "2026-11-20", "pain": 1e999}]}',
         "Nothing was imported"),
        (diary({"date": ["2026-11-20"], "pain": {"$gt": 1}}), "Nothing was imported"),
        (diary({"date": "2026-11-20", "pain": 4, "symptoms": "fever"}), "Nothing was imported"),
        (diary({"date": "2026-11-20", "pain": 4, "notes": 42}), "Nothing was imported"),
        (diary({"date": "2026-11-20", "pain": True}), "Nothing was imported"),
        (b"\x00" * 1000, "not valid JSON"),
    ],
)  # fmt: skip
def test_hostile_diaries_are_refused_with_a_message(alice_client, alice, content, message):
    response = upload(alice_client, content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not alice.entries.exists()


def test_form_fields_past_one_megabyte_are_refused_not_crashed(alice_client) -> None:
    response = alice_client.post(reverse("tracker:today"), {"notes": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 400
    assert not Entry.objects.exists()


# --- Nothing typed is ever markup ------------------------------------------------------------


@pytest.fixture
def hostile_world(alice_client, alice, physio) -> dict[str, Client]:
    """Alice's name and an imported note are a script; she shares her notes."""
    alice.display_name = SCRIPT[:100]
    alice.save()
    day = alice.profile.local_today() - dt.timedelta(days=1)
    response = upload(alice_client, diary({"date": day.isoformat(), "pain": 3, "notes": SCRIPT}))
    assert response.status_code == 302
    Share.objects.create(patient=alice, physiotherapist=physio, include_notes=True)
    physio_client = Client()
    physio_client.force_login(physio)
    return {"patient": alice_client, "physio": physio_client}


def test_imported_text_is_escaped_on_every_page_of_the_patient_and_the_physio(
    hostile_world, alice, physio
) -> None:
    entry = Entry.objects.get(user=alice)
    ids = [alice.pk, entry.pk]
    checked = 0
    for who, client in hostile_world.items():
        for route in sorted(set(routes())):
            for url in concrete_urls(route, ids, entry.date.isoformat()):
                response = client.get(url)
                if "html" not in response.get("Content-Type", ""):
                    continue
                page = response.content.decode()
                assert "<script>alert" not in page, f"{who} {url}"
                assert "<img src=x" not in page, f"{who} {url}"
                checked += 1
    assert checked > 40
    edit = hostile_world["patient"].get(reverse("tracker:edit_entry", args=[entry.pk]))
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in edit.content.decode()
    review = hostile_world["physio"].get(reverse("physio:review", args=[alice.pk]))
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in review.content.decode()


def test_exports_carrying_the_text_are_downloads_not_pages(hostile_world, alice) -> None:
    physio = hostile_world["physio"]
    for name in ("export_csv", "export_exercise_log", "export_pdf", "export_fhir"):
        response = physio.get(reverse(f"physio:{name}", args=[alice.pk]))
        assert response["Content-Disposition"].startswith("attachment;")
        assert "html" not in response["Content-Type"]
        assert response["X-Content-Type-Options"] == "nosniff"
