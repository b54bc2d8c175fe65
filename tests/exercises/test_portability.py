"""Plans and the exercise log go out with the person's own export and come back in; a file
without them still imports; a broken exercises section is refused with every problem."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from exercises import plans
from exercises.models import Exercise, ExerciseDay, Plan
from exercises.plans import Prescription
from tests.conftest import make_patient, make_physio
from tracker.portability import ImportRefused, export_document, import_document

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def on_a_thursday():
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


def alice_with_exercises():
    alice = make_patient("alice@example.com")
    sam = make_physio("sam@example.com", "PH-1")
    suggested = plans.propose_plan(
        patient=alice, physiotherapist=sam, starts_on=TODAY - dt.timedelta(days=5),
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="chin-tuck"),
                                    times_a_day=2, weekdays=[0, 2, 4])],
        review_on=TODAY + dt.timedelta(days=14), note="Slowly.",
    )  # fmt: skip
    plans.accept_plan(plan=suggested, patient=alice, today=TODAY - dt.timedelta(days=5))
    plans.change_plan(
        plan=suggested, by=sam, starts_on=TODAY - dt.timedelta(days=2),
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"), minutes=25),
                       Prescription(name="Towel roll", steps=["Lie on a rolled towel."])],
    )  # fmt: skip
    plans.propose_plan(  # never accepted: not carried over
        patient=alice, physiotherapist=sam, starts_on=TODAY,
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="cat-camel"))],
    )  # fmt: skip
    for n, (done, after) in enumerate([("done", "better"), ("some", ""), ("not_today", "worse")]):
        plans.record_exercise_day(
            patient=alice, day=TODAY - dt.timedelta(days=n), marks={"walk": done},
            pain_after=after,
        )  # fmt: skip
    return alice


def test_export_then_import_carries_plans_versions_and_the_log():
    alice = alice_with_exercises()
    document = export_document(alice)
    section = document["exercises"]
    assert len(section["plans"]) == 2 and len(section["log"]) == 3
    carol = make_patient("carol@example.com")
    import_document(user=carol, raw_bytes=json.dumps(document).encode())
    again = export_document(carol)["exercises"]
    accepted = [p for p in section["plans"] if p["accepted_on"]]
    assert len(again["plans"]) == 1
    mine = again["plans"][0]
    assert mine["suggested_by_physiotherapist"] is False  # Carol's own here
    assert {**mine, "suggested_by_physiotherapist": True} == accepted[0]
    assert again["log"] == section["log"]
    assert Plan.objects.get(patient=carol).prescribed_by is None


def test_a_file_without_exercises_still_imports():
    carol = make_patient("carol@example.com")
    raw = {"format": "backpain-diary/1", "entries": [{"date": TODAY.isoformat(), "pain": 3}]}
    import_document(user=carol, raw_bytes=json.dumps(raw).encode())
    assert carol.entries.count() == 1
    assert export_document(carol)["exercises"] == {"plans": [], "log": []}


def test_a_broken_exercises_section_is_refused_with_each_problem_and_nothing_saved():
    carol = make_patient("carol@example.com")
    raw = {
        "format": "backpain-diary/1",
        "entries": [{"date": TODAY.isoformat(), "pain": 3}],
        "exercises": {
            "plans": [{"accepted_on": "2026-13-01", "versions": [
                {"starts_on": "2026-11-20", "exercises": [
                    {"key": "walk", "name": "A walk", "weekdays": [7], "times_a_day": 9}]}]}],
            "log": [{"date": "2026-11-25", "pain_after": "awful", "marks": {"walk": "twice"}},
                    {"date": "2026-11-25"}],
        },
    }  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        import_document(user=carol, raw_bytes=json.dumps(raw).encode())
    fields = {problem.field for problem in refused.value.problems}
    assert {
        "exercises.plans[0].accepted_on",
        "exercises.plans[0].versions[0].exercises[0].weekdays",
        "exercises.plans[0].versions[0].exercises[0].times_a_day",
        "exercises.log[0].pain_after",
        "exercises.log[0].marks",
        "exercises.log[1].date",
    } <= fields
    assert not carol.entries.exists() and not Plan.objects.exists()


def test_an_exercise_day_already_logged_refuses_the_import():
    carol = make_patient("carol@example.com")
    plans.record_exercise_day(patient=carol, day=TODAY, marks={"walk": "done"})
    raw = {
        "format": "backpain-diary/1", "entries": [],
        "exercises": {"log": [{"date": TODAY.isoformat(), "marks": {"walk": "some"}}]},
    }  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        import_document(user=carol, raw_bytes=json.dumps(raw).encode())
    assert [p.message for p in refused.value.problems] == ["is already in your exercise log"]
    assert ExerciseDay.objects.get().marks.get().done == "done"
