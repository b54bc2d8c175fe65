"""The physiotherapist's exports carry the exercise plans: the PDF shows the plans and
adherence week by week, the exercise log is its own CSV, the FHIR bundle holds CarePlans and
weekly adherence Observations. Nothing of it without a plan, nothing without a live share."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from accounts.models import AuditAction, AuditEvent, User
from exercises import plans
from exercises.models import Exercise, Plan
from exercises.plans import Prescription
from sharing.models import Share
from tests.conftest import make_patient
from tracker.models import Entry

pytestmark = pytest.mark.django_db


def local_today(user: User) -> dt.date:
    return user.profile.local_today()


def days_ago(user: User, days: int) -> dt.date:
    return local_today(user) - dt.timedelta(days=days)


def prescribe(alice: User, physio: User, *, accepted_days_ago: int = 13, **extra: object) -> Plan:
    """Chin tuck twice a day and a custom exercise once a day, every day, accepted
    `accepted_days_ago` days ago: 3 sessions a day."""
    plan = plans.propose_plan(
        patient=alice,
        physiotherapist=physio,
        starts_on=days_ago(alice, accepted_days_ago),
        prescriptions=[
            Prescription(exercise=Exercise.objects.get(code="chin-tuck"), times_a_day=2),
            Prescription(name="Doorway stretch", minutes=2),
        ],
        **extra,  # type: ignore[arg-type]
    )
    return plans.accept_plan(plan=plan, patient=alice, today=days_ago(alice, accepted_days_ago))


def keys(plan: Plan) -> tuple[str, str]:
    version = plan.latest_version()
    assert version is not None
    chin, door = version.items.all()
    return chin.key, door.key


def log_exercises(alice: User, plan: Plan) -> None:
    chin, door = keys(plan)
    plans.record_exercise_day(
        patient=alice, day=days_ago(alice, 0), marks={chin: "done", door: "some"},
        pain_after="worse",
    )  # fmt: skip
    plans.record_exercise_day(
        patient=alice, day=days_ago(alice, 1), marks={chin: "some"}, pain_after="better"
    )
    plans.record_exercise_day(
        patient=alice, day=days_ago(alice, 8), marks={chin: "done", door: "done"},
        pain_after="same",
    )  # fmt: skip
    for ago, pain in ((0, 6), (1, 4), (8, 7)):
        Entry.objects.create(user=alice, date=days_ago(alice, ago), pain=pain)


def export(client, name: str, patient: User, days: int = 30):
    return client.get(reverse(name, args=[patient.pk]) + f"?days={days}")


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def fhir_bundle(client, patient: User, days: int = 30) -> dict:
    data = json.loads(export(client, "physio:export_fhir", patient, days).content)
    Bundle.model_validate(data)
    return data


def resources(data: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def adherence_observations(data: dict) -> list[dict]:
    return [
        o
        for o in resources(data, "Observation")
        if o["code"]["coding"][0]["code"] == "sessions-done-share"
    ]


# --- PDF ---------------------------------------------------------------------------------------


def test_the_pdf_shows_the_plan_and_adherence_week_by_week(
    physio_client, share, alice, physio
) -> None:
    review_on = days_ago(alice, -7)
    plan = prescribe(alice, physio, review_on=review_on, note="Little and often.")
    log_exercises(alice, plan)
    text = pdf_text(export(physio_client, "physio:export_pdf", alice))
    assert "Home exercises" in text
    assert "Prescribed by Charlie" in text
    assert f"review {review_on:%d %b %Y}" in text
    assert "Note: Little and often." in text
    assert "Chin tuck: 10 times, hold 3 seconds; 2 times a day; every day" in text
    assert "Doorway stretch: 2 minutes; once a day; every day" in text
    # 14 days of 3 sessions: 3.5 done this week, 3 the week before.
    assert "Sessions done over the period: 15% (6.5 of 42 sessions)" in text
    assert "Pain after exercising (days): better 1, the same 1, worse 1." in text
    this_week = f"{days_ago(alice, 6):%d %b} - {days_ago(alice, 0):%d %b}"
    last_week = f"{days_ago(alice, 13):%d %b} - {days_ago(alice, 7):%d %b}"
    assert f"{this_week} 17% (3.5 of 21 sessions) 5.0 1 / 0 / 1" in text
    assert f"{last_week} 14% (3 of 21 sessions) 7.0 0 / 1 / 0" in text


def test_the_pdf_has_no_exercise_section_without_a_plan(physio_client, share, alice, physio):
    Entry.objects.create(user=alice, date=days_ago(alice, 1), pain=4)
    plans.propose_plan(  # suggested, never accepted: not in force
        patient=alice, physiotherapist=physio, starts_on=local_today(alice),
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
    )  # fmt: skip
    text = pdf_text(export(physio_client, "physio:export_pdf", alice))
    assert "Home exercises" not in text and "Sessions done" not in text


def test_a_year_of_plans_and_a_full_diary_still_fit_on_one_page(
    physio_client, share, alice, physio
) -> None:
    for ago in range(365):
        Entry.objects.create(user=alice, date=days_ago(alice, ago), pain=ago % 11,
                             symptoms=["chest_pain"], notes="x" * 300)  # fmt: skip
    for n in range(3):
        prescribe(alice, physio, accepted_days_ago=300 - n, note="A long note. " * 30)
    text = pdf_text(export(physio_client, "physio:export_pdf", alice, 365))
    assert "earlier weeks: see the exercise log (CSV) or the FHIR record." in text
    assert "More exercises: see Upright." in text


# --- The exercise log (CSV) --------------------------------------------------------------------


def test_the_exercise_log_has_a_row_per_exercise_per_plan_day(
    physio_client, share, alice, physio
) -> None:
    log_exercises(alice, prescribe(alice, physio, accepted_days_ago=2))
    response = export(physio_client, "physio:export_exercise_log", alice)
    assert response["Content-Type"].startswith("text/csv")
    assert "-exercises.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["date", "exercise", "done", "times_a_day", "pain_after"],
        [days_ago(alice, 2).isoformat(), "Chin tuck", "", "2", ""],
        [days_ago(alice, 2).isoformat(), "Doorway stretch", "", "1", ""],
        [days_ago(alice, 1).isoformat(), "Chin tuck", "some", "2", "better"],
        [days_ago(alice, 1).isoformat(), "Doorway stretch", "", "1", "better"],
        [days_ago(alice, 0).isoformat(), "Chin tuck", "done", "2", "worse"],
        [days_ago(alice, 0).isoformat(), "Doorway stretch", "some", "1", "worse"],
    ]
    event = AuditEvent.objects.get()
    assert (event.action, event.subject, event.detail) == (
        AuditAction.EXPORT_CSV, alice, "30 days, exercise log"
    )  # fmt: skip


def test_the_exercise_log_guards_against_formulas_in_exercise_names(
    physio_client, share, alice, physio
) -> None:
    plan = plans.choose_own_plan(
        patient=alice, today=local_today(alice),
        prescriptions=[Prescription(name='=HYPERLINK("http://evil.example","x")')],
    )  # fmt: skip
    assert plan.accepted_on == local_today(alice)
    rows = list(csv.DictReader(io.StringIO(
        export(physio_client, "physio:export_exercise_log", alice).content.decode()
    )))  # fmt: skip
    assert [row["exercise"] for row in rows] == ['\'=HYPERLINK("http://evil.example","x")']


def test_the_exercise_log_is_only_its_header_without_a_plan(physio_client, share, alice):
    response = export(physio_client, "physio:export_exercise_log", alice)
    assert response.content.decode().splitlines() == ["date,exercise,done,times_a_day,pain_after"]


@pytest.mark.parametrize("who", ["other_physio", "revoked", "patient"])
def test_nobody_without_a_live_share_gets_the_exercise_log(
    client, physio, alice, share, other_physio, who
) -> None:
    prescribe(alice, physio)
    if who == "revoked":
        Share.objects.filter(pk=share.pk).update(revoked_at=timezone.now())
        client.force_login(physio)
    elif who == "other_physio":
        client.force_login(other_physio)
    else:
        client.force_login(make_patient("mallory@example.com"))
    response = export(client, "physio:export_exercise_log", alice)
    assert response.status_code in (403, 404) if who == "patient" else response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT_CSV).exists()


def test_the_review_links_to_the_exercise_log(physio_client, share, alice) -> None:
    page = physio_client.get(reverse("physio:review", args=[alice.pk]) + "?days=90")
    url = reverse("physio:export_exercise_log", args=[alice.pk]) + "?days=90"
    assert f'href="{url}">Exercise log (CSV)</a>' in page.content.decode()


# --- FHIR --------------------------------------------------------------------------------------


def test_the_fhir_bundle_carries_the_plan_as_a_care_plan(physio_client, share, alice, physio):
    review_on = days_ago(alice, -7)
    log_exercises(alice, prescribe(alice, physio, review_on=review_on, note="Little and often."))
    data = fhir_bundle(physio_client, alice)
    [patient] = resources(data, "Patient")
    [care_plan] = resources(data, "CarePlan")
    assert (care_plan["status"], care_plan["intent"]) == ("active", "plan")
    assert care_plan["subject"] == {"reference": f"urn:uuid:{patient['id']}"}
    assert care_plan["period"] == {"start": days_ago(alice, 13).isoformat()}
    assert care_plan["note"] == [{"text": "Little and often."}]
    assert review_on.isoformat() in care_plan["description"]
    chin, door = (activity["detail"] for activity in care_plan["activity"])
    assert (chin["kind"], chin["status"], chin["code"], chin["description"]) == (
        "ServiceRequest", "in-progress", {"text": "Chin tuck"}, "10 times, hold 3 seconds"
    )  # fmt: skip
    assert chin["scheduledTiming"]["repeat"] == {
        "frequency": 2, "period": 1, "periodUnit": "d",
        "dayOfWeek": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    }  # fmt: skip
    assert (door["code"], door["scheduledTiming"]["repeat"]["frequency"]) == (
        {"text": "Doorway stretch"}, 1
    )  # fmt: skip


def test_the_fhir_bundle_carries_weekly_adherence(physio_client, share, alice, physio) -> None:
    log_exercises(alice, prescribe(alice, physio))
    data = fhir_bundle(physio_client, alice)
    [care_plan] = resources(data, "CarePlan")
    this_week, last_week = adherence_observations(data)
    assert this_week["effectivePeriod"] == {
        "start": days_ago(alice, 6).isoformat(), "end": days_ago(alice, 0).isoformat()
    }  # fmt: skip
    assert this_week["valueQuantity"] == {
        "value": 16.7, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"
    }  # fmt: skip
    assert this_week["category"][0]["coding"][0]["code"] == "therapy"
    assert this_week["basedOn"] == [{"reference": f"urn:uuid:{care_plan['id']}"}]
    components = {c["code"]["coding"][0]["code"]: c for c in this_week["component"]}
    assert components["sessions-done"]["valueQuantity"]["value"] == 3.5
    assert components["sessions-prescribed"]["valueQuantity"]["value"] == 21
    assert [components[f"pain-after-{a}"]["valueInteger"] for a in ("better", "same", "worse")] == [
        1, 0, 1
    ]  # fmt: skip
    assert last_week["valueQuantity"]["value"] == 14.3
    assert last_week["effectivePeriod"]["start"] == days_ago(alice, 13).isoformat()


def test_an_ended_plan_is_completed_or_revoked_by_its_review_date(
    physio_client, share, alice, physio
) -> None:
    stopped = prescribe(alice, physio, accepted_days_ago=20, review_on=local_today(alice))
    finished = prescribe(alice, physio, accepted_days_ago=20, review_on=days_ago(alice, 10))
    for plan in (stopped, finished):
        plans.end_plan(plan=plan, by=physio, today=days_ago(alice, 5))
    care_plans = resources(fhir_bundle(physio_client, alice), "CarePlan")
    assert [(c["status"], c["period"]["end"]) for c in care_plans] == [
        ("revoked", days_ago(alice, 6).isoformat()),
        ("completed", days_ago(alice, 6).isoformat()),
    ]
    assert {a["detail"]["status"] for a in care_plans[0]["activity"]} == {"stopped"}
    text = pdf_text(export(physio_client, "physio:export_pdf", alice))
    assert text.count(f"ended, last day {days_ago(alice, 6):%d %b %Y}") == 2


def test_without_a_plan_the_bundle_has_no_care_plan_and_no_adherence(
    physio_client, share, alice, physio
) -> None:
    Entry.objects.create(user=alice, date=days_ago(alice, 1), pain=4)
    plan = prescribe(alice, physio, accepted_days_ago=60)
    plans.end_plan(plan=plan, by=physio, today=days_ago(alice, 40))  # ended before the period
    data = fhir_bundle(physio_client, alice)
    assert resources(data, "CarePlan") == [] and adherence_observations(data) == []
    assert len(resources(data, "Observation")) == 2  # the entry's day pain and active minutes


# --- Queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["export_pdf", "export_exercise_log", "export_fhir"])
def test_the_exports_cost_the_same_queries_for_a_long_history(
    physio_client, share, alice, physio, name
) -> None:
    def queries_for(days: int) -> int:
        with CaptureQueriesContext(connection) as context:
            assert export(physio_client, f"physio:{name}", alice, days).status_code == 200
        return len(context.captured_queries)

    log_exercises(alice, prescribe(alice, physio))
    short = queries_for(30)
    for n in range(3):
        plan = prescribe(alice, physio, accepted_days_ago=200 + n)
        plans.change_plan(
            plan=plan, by=physio, starts_on=days_ago(alice, 100),
            prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
        )  # fmt: skip
        for ago in range(100, 200, 3):
            plans.record_exercise_day(
                patient=alice, day=days_ago(alice, ago), marks={"walk": "done"}, pain_after="same"
            )
    assert queries_for(365) == short
