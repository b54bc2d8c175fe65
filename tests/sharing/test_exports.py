from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from summaries.models import PegResponse
from tests.sharing.conftest import log, open_finding, today
from tracker.spreadsheet import cell
from triage.models import Finding, Level

pytestmark = pytest.mark.django_db


def export(client, name: str, patient, days: int = 30):
    return client.get(reverse(name, args=[patient.pk]) + f"?days={days}")


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


# --- PDF ---------------------------------------------------------------------------------------


def test_the_pdf_is_one_page_with_the_name_the_period_and_the_pain(
    physio_client, share, alice
) -> None:
    log(alice, 1, 6, night_pain=8, woke_at_night=True)
    log(alice, 2, 4)
    open_finding(alice, "NIGHT_WORSE", evidence="Worse on 3 of the last 7 nights.")
    response = export(physio_client, "physio:export_pdf", alice)
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response)
    assert "Alice" in text and "Pain" in text
    assert "30 days, 2 logged" in text
    assert "URGENT: Worse at night" in text or "URGENT" in text
    assert "Generated" in text and "Charlie" in text


def test_the_pdf_leaves_out_notes_unless_they_are_shared(physio_client, share, alice) -> None:
    log(alice, 1, 5, notes="Gardening")
    assert "Gardening" not in pdf_text(export(physio_client, "physio:export_pdf", alice))
    share.include_notes = True
    share.save()
    assert "Gardening" in pdf_text(export(physio_client, "physio:export_pdf", alice))


@pytest.mark.parametrize("days", [7, 30, 90, 365])
def test_a_full_diary_with_many_flags_still_fits_on_one_page(
    physio_client, share, alice, days
) -> None:
    for days_ago in range(days):
        log(alice, days_ago, days_ago % 11, night_pain=(days_ago + 3) % 11,
            symptoms=["chest_pain", "fever"], notes="x" * 300)  # fmt: skip
    for code in ("CHEST_PAIN", "FEVER", "NIGHT_WORSE", "SEVERE_IMPACT", "REST_NO_RELIEF",
                 "TOP_OF_BACK", "LEG_NEURO", "BLADDER_BOWEL"):  # fmt: skip
        open_finding(alice, code, evidence="A long piece of evidence. " * 6)
    for code in ("AGE", "WORSENING", "NOT_IMPROVING", "UNWELL"):
        open_finding(alice, code, Level.SOON, evidence="Evidence. " * 8)
    share.include_notes = True
    share.save()
    text = pdf_text(export(physio_client, "physio:export_pdf", alice, days))
    assert "Alice" in text


def test_names_outside_latin_1_are_written_without_their_accents(physio_client, share, alice):
    alice.display_name = "Łucja Dvořák"
    alice.save()
    assert "Lucja Dvorák" in pdf_text(export(physio_client, "physio:export_pdf", alice))


# --- CSV ---------------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_entry_in_diary_format_columns(physio_client, share, alice):
    log(alice, 2, 4, night_pain=6, rested=True, rest_relief="no", activities=["walking", "yoga"])
    log(alice, 40, 9)  # outside the period
    response = export(physio_client, "physio:export_csv", alice)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["date"] == (today() - dt.timedelta(days=2)).isoformat()
    assert (row["pain"], row["night_pain"], row["rested"], row["rest_relief"]) == (
        "4", "6", "true", "no"
    )  # fmt: skip
    assert row["activities"] == "walking;yoga"
    assert "notes" not in row


def test_the_csv_guards_against_formulas_in_notes(physio_client, share, alice) -> None:
    share.include_notes = True
    share.save()
    log(alice, 1, 3, notes='=HYPERLINK("http://evil.example","click")')
    rows = list(csv.DictReader(io.StringIO(export(physio_client, "physio:export_csv", alice)
                                           .content.decode())))  # fmt: skip
    assert rows[0]["notes"].startswith("'=")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(text: str) -> None:
    assert cell(text) == "'" + text


@pytest.mark.parametrize("blank", [" ", "\u00a0", "\n", "\r\n", "\t", "\u00a0 \n"])
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_formula_start_after_blanks_is_neutralised(blank: str, start: str) -> None:
    assert cell(f"{blank}{start}1+1") == f"'{blank}{start}1+1"


def test_blanks_before_ordinary_text_are_left_alone() -> None:
    assert cell(" \u00a0\nfine = good") == " \u00a0\nfine = good"


def test_ordinary_values_are_left_alone() -> None:
    assert [cell(v) for v in (5, None, True, ["a", "b"], "fine")] == [
        "5",
        "",
        "true",
        "a;b",
        "fine",
    ]


# --- FHIR --------------------------------------------------------------------------------------


def fhir_bundle(client, patient) -> dict:
    response = export(client, "physio:export_fhir", patient)
    assert response["Content-Type"] == "application/fhir+json"
    data = json.loads(response.content)
    Bundle.model_validate(data)
    return data


def resources(data: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_the_fhir_bundle_validates_and_holds_the_diary(physio_client, share, alice) -> None:
    log(alice, 1, 6, night_pain=8, active_minutes=25)
    log(alice, 2, 4)
    open_finding(alice, "NIGHT_WORSE")
    acknowledged = open_finding(alice, "FEVER")
    Finding.objects.filter(pk=acknowledged.pk).update(state="acknowledged")
    Finding.objects.filter(pk=acknowledged.pk).update(acknowledged_at=share.created_at)
    data = fhir_bundle(physio_client, alice)
    assert data["type"] == "collection"

    [patient] = resources(data, "Patient")
    assert patient["name"] == [{"given": ["Alice"]}]
    assert patient["birthDate"] == "1988"
    assert set(patient) == {"resourceType", "id", "name", "birthDate"}
    assert str(alice.pk) != patient["id"]

    observations = resources(data, "Observation")
    codes = [tuple(c["code"] for c in o["code"]["coding"]) for o in observations]
    assert codes.count(("72514-3", "day-pain")) == 2
    assert codes.count(("72514-3", "night-pain")) == 1
    assert codes.count(("active-minutes",)) == 2
    active = next(o for o in observations if o["code"]["coding"][0]["code"] == "active-minutes")
    assert active["valueQuantity"]["unit"] == "min"
    assert all(o["subject"]["reference"] == f"urn:uuid:{patient['id']}" for o in observations)

    flags = {f["code"]["coding"][0]["code"]: f for f in resources(data, "Flag")}
    assert flags["NIGHT_WORSE"]["status"] == "active"
    assert flags["FEVER"]["status"] == "inactive"
    assert flags["NIGHT_WORSE"]["category"][0]["coding"][0]["code"] == "clinical"
    assert flags["NIGHT_WORSE"]["code"]["coding"][0]["system"] == (
        "https://upright.example/fhir/CodeSystem/triage-finding"
    )


def test_the_fhir_patient_has_no_name_when_the_person_gave_none(physio_client, share, alice):
    alice.display_name = ""
    alice.save()
    [patient] = resources(fhir_bundle(physio_client, alice), "Patient")
    assert "name" not in patient
    assert "alice" not in json.dumps(patient)


def test_the_fhir_bundle_holds_the_weekly_peg_score(physio_client, share, alice) -> None:
    monday = today() - dt.timedelta(days=today().weekday())
    PegResponse.objects.create(user=alice, week_start=monday, pain=6, enjoyment=5, activity=4)
    data = fhir_bundle(physio_client, alice)
    observations = resources(data, "Observation")
    score = next(o for o in observations if o["code"]["coding"][0]["code"] == "91147-9")
    panel = next(o for o in observations if o["code"]["coding"][0]["code"] == "91148-7")
    assert score["valueQuantity"]["value"] == 5.0
    assert panel["hasMember"] == [{"reference": f"urn:uuid:{score['id']}"}]
    assert [c["valueInteger"] for c in panel["component"]] == [6, 5, 4]


def test_the_fhir_bundle_leaves_out_notes(physio_client, share, alice) -> None:
    log(alice, 1, 5, notes="Gardening")
    assert b"Gardening" not in export(physio_client, "physio:export_fhir", alice).content
