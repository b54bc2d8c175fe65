"""My data: download the diary (JSON, CSV), import a diary, delete the account."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.test import Client
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent, User
from tests.conftest import PASSWORD, make_patient
from tracker.models import Entry, Profile
from tracker.portability import (
    MAX_IMPORT_BYTES,
    ImportRefused,
    entries_csv,
    export_document,
    import_document,
)
from tracker.services import ENTRY_FIELDS
from tracker.views.my_data import ImportSizeLimit
from triage.models import Finding, FindingState, ProfileFlagClearance

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)
PATIENT_PAGES = ["my_data", "export_json", "export_csv", "import", "delete_account"]


@pytest.fixture(autouse=True)
def on_a_thursday() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def carol(db: None) -> User:
    """A fresh account: onboarded, nothing logged."""
    return make_patient("carol@example.com")


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def diary(*entries: dict[str, Any], **fields: Any) -> bytes:
    return json.dumps({"format": "backpain-diary/1", "entries": list(entries), **fields}).encode()


def upload(client, content: bytes, name: str = "diary.json"):
    file = SimpleUploadedFile(name, content, content_type="application/json")
    return client.post(reverse("tracker:import"), {"document": file})


def fill_alices_diary(alice: User) -> None:
    Profile.objects.filter(user=alice).update(
        birth_year=1960,
        pain_started=dt.date(2026, 10, 1),
        history=["osteoporosis"],
        onset=["heavy_lifting"],
        location=["middle_back", "between_shoulder_blades"],
    )
    ProfileFlagClearance.objects.create(user=alice, code="AGE", cleared_by=alice)
    Entry.objects.create(
        user=alice, date=TODAY - dt.timedelta(days=2), pain=6, night_pain=8, woke_at_night=True,
        rested=True, rest_relief="no", active_minutes=15, activities=["yoga", "walking"],
        daily_tasks="struggled", sleep="disturbed", symptoms=["unwell"],
        self_care=["pain_relief", "heat_or_cold"], notes="Été difficile, <b>bold</b>\nline two",
    )  # fmt: skip
    Entry.objects.create(user=alice, date=TODAY, pain=3)


def problems_listed(page: str) -> list[tuple[str, str, str]]:
    """The (day, field, problem) rows of the import page's table of problems."""
    row = re.compile(r"<tr><td>(.*?)</td><td><code>(.*?)</code></td><td>(.*?)</td></tr>")
    return row.findall(page)


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --- Download ------------------------------------------------------------------------------


def test_the_json_download_is_the_whole_diary_as_an_attachment(alice_client, alice) -> None:
    fill_alices_diary(alice)
    response = alice_client.get(reverse("tracker:export_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="upright-diary-2026-11-26.json"'
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["format"] == "backpain-diary/1"
    assert document["today"] == "2026-11-26"
    assert document["profile"]["cleared"] == ["AGE"]
    assert [entry["date"] for entry in document["entries"]] == [days_ago(2), days_ago(0)]
    assert document["entries"][0]["notes"] == "Été difficile, <b>bold</b>\nline two"


def test_the_download_is_dated_with_the_persons_local_today(client) -> None:
    kiwi = make_patient("kiwi@example.com", zone="Pacific/Auckland")
    client.force_login(kiwi)
    response = client.get(reverse("tracker:export_json"))
    assert json.loads(response.content)["today"] == "2026-11-27"
    assert 'filename="upright-diary-2026-11-27.json"' in response["Content-Disposition"]


def test_the_csv_has_the_diary_field_names_and_one_row_per_entry(alice_client, alice) -> None:
    fill_alices_diary(alice)
    response = alice_client.get(reverse("tracker:export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="upright-diary-2026-11-26.csv"'
    header, first, second = rows_of(response.content.decode())
    assert header == list(ENTRY_FIELDS)
    row = dict(zip(header, first, strict=True))
    assert row["date"] == days_ago(2)
    assert row["activities"] == "walking;yoga"
    assert row["self_care"] == "heat_or_cold;pain_relief"
    assert row["woke_at_night"] == "true" and row["rest_relief"] == "no"
    assert row["notes"] == "Été difficile, <b>bold</b>\nline two"
    assert dict(zip(header, second, strict=True))["night_pain"] == "", "not answered is empty"


@pytest.mark.parametrize(
    "notes", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_made_plain_text(alice, notes) -> None:
    Entry.objects.create(user=alice, date=TODAY, pain=3, notes=notes)
    _, row = rows_of(entries_csv(alice))
    assert row[-1] == "'" + notes


@pytest.mark.parametrize("blank", [" ", "   ", "\u00a0", "\n", "\r\n", "\t", " \u00a0\n "])
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_formula_behind_blanks_arriving_through_an_import_is_made_plain_text(
    alice, start, blank
) -> None:
    notes = f'{blank}{start}HYPERLINK("http://evil.example","click")'
    import_document(user=alice, raw_bytes=diary({"date": days_ago(1), "pain": 3, "notes": notes}))
    _, row = rows_of(entries_csv(alice))
    assert row[-1] == "'" + notes


@pytest.mark.parametrize(("name", "detail"), [("export_json", "JSON"), ("export_csv", "CSV")])
def test_each_download_is_written_to_the_audit_log(alice_client, alice, name, detail) -> None:
    alice_client.get(reverse(f"tracker:{name}"))
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.subject, event.detail) == (
        AuditAction.DATA_EXPORT,
        alice,
        alice,
        detail,
    )


def test_an_empty_diary_downloads_as_a_header_only(alice) -> None:
    assert rows_of(entries_csv(alice)) == [list(ENTRY_FIELDS)]


# --- Import --------------------------------------------------------------------------------


def test_export_then_import_into_a_fresh_account_gives_the_same_document(
    client, alice, carol
) -> None:
    fill_alices_diary(alice)
    client.force_login(alice)
    downloaded = client.get(reverse("tracker:export_json")).content
    client.force_login(carol)
    response = upload(client, downloaded)
    assert response.status_code == 302
    assert response["Location"] == reverse("tracker:history")
    assert export_document(carol) == export_document(alice)
    clearance = ProfileFlagClearance.objects.get(user=carol)
    assert (clearance.code, clearance.cleared_by) == ("AGE", carol)


def test_an_import_rechecks_triage_once_it_is_saved(alice_client, alice) -> None:
    content = diary({"date": days_ago(1), "pain": 5}, profile={"history": ["cancer"]})
    response = alice_client.post(
        reverse("tracker:import"),
        {"document": SimpleUploadedFile("d.json", content)},
        follow=True,
    )
    assert "Imported 1 day and your profile answers." in response.content.decode()
    assert alice.findings.filter(code="CANCER_HISTORY", state=FindingState.OPEN).exists()
    assert AuditEvent.objects.get(action=AuditAction.DATA_IMPORT).detail == "1 day"


def test_profile_answers_the_file_leaves_out_are_kept(alice, carol) -> None:
    Profile.objects.filter(user=carol).update(history=["osteoporosis"], birth_year=1971)
    import_document(user=carol, raw_bytes=diary(profile={"birth_year": 1980}))
    carol.profile.refresh_from_db()
    assert (carol.profile.birth_year, carol.profile.history) == (1980, ["osteoporosis"])


def test_a_cleared_flag_in_the_file_closes_its_open_finding(carol) -> None:
    import_document(user=carol, raw_bytes=diary(profile={"birth_year": 1950}))
    assert carol.findings.filter(code="AGE", state=FindingState.OPEN).exists()
    import_document(user=carol, raw_bytes=diary(profile={"cleared": ["AGE"]}))
    assert not carol.findings.filter(code="AGE", state=FindingState.OPEN).exists()
    assert carol.clearances.filter(code="AGE", undone_at=None).count() == 1


def test_every_problem_in_the_file_is_listed_by_field_and_date(alice_client, alice) -> None:
    content = diary(
        {"date": "2026-11-20", "pain": 11},
        {"date": "2026-02-30", "pain": 3},
        {"date": "2026-11-21", "pain": 3, "symptoms": ["headache", "<script>x</script>"]},
        {"date": "2026-11-22", "pain": 2},
        {"date": "2026-11-22", "pain": 4},
    )
    response = upload(alice_client, content)
    assert response.status_code == 422
    page = response.content.decode()
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    problems = {
        (row.split("<td>")[1].split("<")[0], row.split("<code>")[1].split("<")[0]) for row in rows
    }
    assert problems == {
        ("2026-11-20", "pain"),
        ("2026-02-30", "date"),
        ("2026-11-21", "symptoms"),
        ("2026-11-22", "date"),
    }
    assert "must be a whole number from 0 to 10" in page
    assert "2026-02-30 is not a date that exists" in page
    assert "&quot;headache&quot;" in page
    assert "&lt;script&gt;" in page and "<script>x</script>" not in page
    assert "two entries have this date" in page
    assert not alice.entries.exists()


def test_an_import_is_refused_when_a_day_is_already_logged_and_nothing_changes(
    alice_client, alice
) -> None:
    Entry.objects.create(user=alice, date=TODAY - dt.timedelta(days=3), pain=2)
    findings_before = list(Finding.objects.filter(user=alice).values_list("code", "state"))
    content = diary(
        {"date": days_ago(4), "pain": 5},
        {"date": days_ago(3), "pain": 9},
        profile={"birth_year": 1940, "history": ["cancer"], "cleared": ["TOP_OF_BACK"]},
    )
    response = upload(alice_client, content)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert problems_listed(page) == [(days_ago(3), "date", "is already in your diary")]
    assert list(alice.entries.values_list("date", "pain")) == [(TODAY - dt.timedelta(days=3), 2)]
    alice.profile.refresh_from_db()
    assert (alice.profile.birth_year, alice.profile.history) == (1988, [])
    assert not alice.clearances.exists()
    assert list(Finding.objects.filter(user=alice).values_list("code", "state")) == findings_before


def test_dates_to_come_and_overlong_notes_are_refused(alice) -> None:
    content = diary(
        {"date": days_ago(-1), "pain": 5},
        {"date": days_ago(1), "pain": 5, "notes": "x" * 2001},
        today="2027-06-01",
        profile={"birth_year": 2027, "pain_started": "2026-12-01"},
    )
    with pytest.raises(ImportRefused) as refused:
        import_document(user=alice, raw_bytes=content)
    assert [(p.field, p.date) for p in refused.value.problems] == [
        ("profile.birth_year", None),
        ("profile.pain_started", None),
        ("notes", days_ago(1)),
        ("date", days_ago(-1)),
    ]
    assert not alice.entries.exists()
    assert alice.profile.birth_year == 1988


def test_a_file_just_over_two_megabytes_is_refused(alice_client, alice) -> None:
    padding = b" " * (MAX_IMPORT_BYTES + 1 - len(diary()))
    response = upload(alice_client, diary() + padding)
    assert response.status_code == 413
    assert "larger than 2 MB" in response.content.decode()


def test_the_upload_is_dropped_as_soon_as_it_passes_the_limit(rf) -> None:
    limit = ImportSizeLimit(rf.post("/"), limit=10)
    limit.new_file("document", "d.json", "application/json", None)
    limit.receive_data_chunk(b"12345", 0)
    with pytest.raises(SkipFile):
        limit.receive_data_chunk(b"678901", 5)
    assert limit.too_large
    assert limit.buffer.getvalue() == b"12345", "nothing past the limit is kept"


def test_a_much_larger_file_is_refused_before_it_is_read(alice_client, alice) -> None:
    response = upload(alice_client, b"[" + b" " * (3 * MAX_IMPORT_BYTES) + b"]")
    assert response.status_code == 413
    assert "larger than 2 MB" in response.content.decode()


def test_a_file_of_exactly_two_megabytes_is_accepted(alice_client, alice) -> None:
    content = diary({"date": days_ago(1), "pain": 5})
    response = upload(alice_client, content + b" " * (MAX_IMPORT_BYTES - len(content)))
    assert response.status_code == 302
    assert alice.entries.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "backpain-diary/1", "entries": [', "not valid JSON"),
        (b"\xff\xfe\x00\x81 not text", "not text that Upright can read"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"format": "backpain-diary/1", "entries": ' + b"[" * 100_000, "nested too deeply"),
        (b'{"format": "backpain-diary/1", "entries": [{"date": "2026-11-20", "pain": '
         + b"9" * 5000 + b"}]}", "could not be read as a diary"),
        (b'"just text"', "must be a JSON object"),
        (b"[]", "must be a JSON object"),
        (b'{"format": "backpain-diary/2"}', "backpain-diary/1"),
        (b'{"format": "backpain-diary/1", "entries": {"a": 1}, "profile": []}', "must be a list"),
        (b'{"format": "backpain-diary/1", "entries": [{"date": 20261120, "pain": "5"}]}',
         "must be a date written YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_diary_is_refused_with_a_message(
    alice_client, alice, content, message
) -> None:
    response = upload(alice_client, content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not alice.entries.exists()


def test_posting_without_a_file_asks_for_one(alice_client) -> None:
    response = alice_client.post(reverse("tracker:import"), {})
    assert response.status_code == 422
    assert "Choose a file to import." in response.content.decode()


def test_the_import_form_is_a_file_upload_with_a_csrf_token(alice_client) -> None:
    page = alice_client.get(reverse("tracker:import")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="document"' in page
    assert "csrfmiddlewaretoken" in page


def test_the_import_checks_the_csrf_token(alice) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    file = SimpleUploadedFile("d.json", diary({"date": days_ago(1), "pain": 5}))
    assert strict.post(reverse("tracker:import"), {"document": file}).status_code == 403
    assert not alice.entries.exists()


# --- Delete the account --------------------------------------------------------------------


def test_a_wrong_password_deletes_nothing_and_says_so_at_the_field(alice_client, alice) -> None:
    fill_alices_diary(alice)
    response = alice_client.post(reverse("tracker:delete_account"), {"password": "not-it"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "That is not your current password. Nothing was deleted." in page
    assert 'class="field field-error"' in page
    assert User.objects.filter(pk=alice.pk).exists() and alice.entries.count() == 2
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_DELETED).exists()


def test_the_right_password_deletes_the_account_and_everything_in_it(
    alice_client, alice, bob
) -> None:
    fill_alices_diary(alice)
    Finding.objects.create(user=alice, code="AGE", level="soon", evidence="x", since=TODAY)
    Entry.objects.create(user=bob, date=TODAY, pain=2)
    response = alice_client.post(
        reverse("tracker:delete_account"), {"password": PASSWORD}, follow=True
    )
    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "Your account and your whole diary are deleted." in response.content.decode()
    assert not User.objects.filter(email="alice@example.com").exists()
    assert not Profile.objects.filter(user_id=alice.pk).exists()
    assert not Entry.objects.filter(user_id=alice.pk).exists()
    assert not Finding.objects.filter(user_id=alice.pk).exists()
    assert not ProfileFlagClearance.objects.filter(user_id=alice.pk).exists()
    assert bob.entries.count() == 1, "nobody else's diary is touched"
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_DELETED)
    assert (event.actor, event.subject, event.actor_email) == (None, None, ""), "no name kept"
    assert alice_client.get(reverse("tracker:my_data")).status_code == 302, "logged out"


def test_the_delete_page_asks_for_the_current_password(alice_client) -> None:
    page = alice_client.get(reverse("tracker:delete_account")).content.decode()
    assert 'type="password" name="password" autocomplete="current-password"' in page
    assert "cannot be undone" in page


# --- Who may open these pages --------------------------------------------------------------


def test_my_data_page_links_to_downloads_import_and_delete(alice_client) -> None:
    page = alice_client.get(reverse("tracker:my_data")).content.decode()
    for name in PATIENT_PAGES[1:]:
        assert f'href="{reverse(f"tracker:{name}")}"' in page


@pytest.mark.parametrize("name", PATIENT_PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in(client, name) -> None:
    response = client.get(reverse(f"tracker:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", PATIENT_PAGES)
def test_a_physiotherapist_gets_not_found(client, physio, name) -> None:
    client.force_login(physio)
    assert client.get(reverse(f"tracker:{name}")).status_code == 404
    assert client.post(reverse(f"tracker:{name}")).status_code in (404, 405)


def test_a_physiotherapist_cannot_delete_through_the_patient_page(client, physio) -> None:
    client.force_login(physio)
    response = client.post(reverse("tracker:delete_account"), {"password": PASSWORD})
    assert response.status_code == 404
    assert User.objects.filter(pk=physio.pk).exists()


def test_an_imported_fever_six_days_back_is_raised(alice) -> None:
    import_document(
        user=alice, raw_bytes=diary({"date": days_ago(6), "pain": 4, "symptoms": ["fever"]})
    )
    assert alice.findings.filter(code="FEVER", state=FindingState.OPEN).exists()


def test_an_imported_day_seven_days_back_is_refused_at_its_date_and_nothing_saved(
    alice_client, alice
) -> None:
    content = diary(
        {"date": days_ago(7), "pain": 4, "symptoms": ["fever"]},
        {"date": days_ago(2), "pain": 3},
    )
    response = upload(alice_client, content)
    assert response.status_code == 422
    [(day, field, problem)] = problems_listed(response.content.decode())
    assert (day, field) == (days_ago(7), "date")
    assert problem.startswith("is more than 6 days ago: Upright adds days from 20 November")
    assert not alice.entries.exists() and not alice.findings.exists()


def test_an_acknowledged_symptom_imported_again_on_a_new_day_opens_a_new_finding(alice) -> None:
    import_document(
        user=alice, raw_bytes=diary({"date": days_ago(3), "symptoms": ["fever"], "pain": 2})
    )
    Finding.objects.filter(user=alice).update(state=FindingState.ACKNOWLEDGED)
    import_document(
        user=alice, raw_bytes=diary({"date": days_ago(1), "symptoms": ["fever"], "pain": 2})
    )
    assert alice.findings.filter(code="FEVER", state=FindingState.OPEN).exists()
