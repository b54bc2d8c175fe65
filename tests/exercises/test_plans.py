"""Plans keep their history; the log keeps what the person ticked; counts stay constant in
queries whatever the history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises import plans, queries
from exercises.adherence import total
from exercises.models import Exercise, ExerciseDay, Plan
from exercises.plans import PlanError, Prescription
from tests.conftest import enable_second_factor, make_patient, make_physio

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


@pytest.fixture
def alice():
    return make_patient("alice@example.com")


@pytest.fixture
def sam():
    return make_physio("sam@example.com", "PH-1")


def library(code: str) -> Exercise:
    return Exercise.objects.get(code=code)


def test_the_library_is_loaded_with_stable_codes_and_our_own_steps():
    exercises = list(Exercise.objects.all())
    assert 12 <= len(exercises) <= 15
    for exercise in exercises:
        assert 3 <= len(exercise.steps) <= 5, exercise.code
        assert exercise.feel and exercise.stop_if and exercise.dose()
    assert library("chin-tuck").dose() == "10 times, hold 3 seconds"
    assert library("doorway-stretch").dose() == "3 sets: hold 20 seconds"
    assert library("walk").dose() == "15 minutes"


def test_a_suggested_plan_counts_only_once_accepted(alice, sam):
    plan = plans.propose_plan(
        patient=alice, physiotherapist=sam,
        prescriptions=[Prescription(exercise=library("cat-camel"))], starts_on=day(0),
    )  # fmt: skip
    assert plan.is_pending
    assert queries.items_due_on(alice.pk, day(1)) == []
    plans.accept_plan(plan=plan, patient=alice, today=day(2))
    assert [i.name for i in queries.items_due_on(alice.pk, day(2))] == ["Cat and camel"]
    assert queries.items_due_on(alice.pk, day(1)) == []  # not before the day it was accepted


def test_only_the_patient_can_accept(alice, sam):
    bob = make_patient("bob@example.com")
    plan = plans.propose_plan(
        patient=alice, physiotherapist=sam,
        prescriptions=[Prescription(exercise=library("walk"))], starts_on=day(0),
    )  # fmt: skip
    with pytest.raises(PlanError):
        plans.accept_plan(plan=plan, patient=bob, today=day(0))
    plan.refresh_from_db()
    assert plan.accepted_at is None


def test_a_change_keeps_which_version_was_in_force_on_each_day(alice, sam):
    plan = plans.choose_own_plan(
        patient=alice, prescriptions=[Prescription(exercise=library("walk"))], today=day(0)
    )
    plans.change_plan(
        plan=plan, by=sam, starts_on=day(3),
        prescriptions=[
            Prescription(exercise=library("walk"), minutes=20),
            Prescription(
                name="Towel roll stretch", steps=["Lie on a rolled towel."], times_a_day=2
            ),
        ],
    )  # fmt: skip
    assert [i.dose() for i in queries.items_due_on(alice.pk, day(1))] == ["15 minutes"]
    due = queries.items_due_on(alice.pk, day(4))
    assert [(i.key, i.dose(), i.times_a_day) for i in due] == [
        ("walk", "20 minutes", 1),
        ("own-towel-roll-stretch", "once", 2),
    ]
    assert plan.versions.count() == 2


def test_an_ended_plan_keeps_its_history_but_is_no_longer_due(alice):
    plan = plans.choose_own_plan(
        patient=alice, prescriptions=[Prescription(exercise=library("walk"))], today=day(0)
    )
    plans.record_exercise_day(patient=alice, day=day(0), marks={"walk": "done"})
    plans.end_plan(plan=plan, by=alice, today=day(2))
    assert queries.items_due_on(alice.pk, day(2)) == []
    with pytest.raises(PlanError):
        plans.change_plan(
            plan=plan, by=alice, prescriptions=[Prescription(exercise=library("walk"))],
            starts_on=day(3),
        )  # fmt: skip
    counts = queries.day_counts_by_patient([alice.pk], day(0), day(6), {alice.pk: day(6)})
    assert total(counts[alice.pk]).percent == 50  # Monday done, Tuesday not: ended Wednesday


def test_a_plan_needs_an_exercise_and_a_day(alice):
    with pytest.raises(PlanError):
        plans.choose_own_plan(patient=alice, prescriptions=[], today=day(0))
    with pytest.raises(PlanError):
        plans.choose_own_plan(
            patient=alice,
            prescriptions=[Prescription(exercise=library("walk"), weekdays=[])],
            today=day(0),
        )
    assert not Plan.objects.exists()


def test_the_day_log_keeps_what_was_ticked_and_clears_what_was_unticked(alice):
    plans.record_exercise_day(
        patient=alice, day=day(0), marks={"walk": "done", "chin-tuck": "some"}, pain_after="worse"
    )
    plans.record_exercise_day(patient=alice, day=day(0), marks={"walk": "not_today"})
    logged = ExerciseDay.objects.get(patient=alice, day=day(0))
    assert {m.key: m.done for m in logged.marks.all()} == {"walk": "not_today"}
    assert logged.pain_after == ""
    plans.record_exercise_day(patient=alice, day=day(0), marks={}, pain_after="bogus")
    assert not ExerciseDay.objects.exists()


def test_counting_many_people_costs_the_same_queries_whatever_their_history(alice, sam):
    def counted(people):
        ids = [p.pk for p in people]
        with CaptureQueriesContext(connection) as captured:
            queries.day_counts_by_patient(ids, day(0), day(6), dict.fromkeys(ids, day(6)))
        return len(captured)

    plans.choose_own_plan(
        patient=alice, prescriptions=[Prescription(exercise=library("walk"))], today=day(0)
    )
    plans.record_exercise_day(patient=alice, day=day(0), marks={"walk": "done"})
    one = counted([alice])
    others = [make_patient(f"p{n}@example.com") for n in range(3)]
    for person in others:
        plan = plans.choose_own_plan(
            patient=person, prescriptions=[Prescription(exercise=library("walk"))], today=day(0)
        )
        for n in range(3):
            plans.change_plan(
                plan=plan, by=person, starts_on=day(n + 1),
                prescriptions=[Prescription(exercise=library("cat-camel")),
                               Prescription(exercise=library("walk"))],
            )  # fmt: skip
        for n in range(6):
            plans.record_exercise_day(patient=person, day=day(n), marks={"walk": "done"})
    assert counted([alice, *others]) == one == 5


def test_an_administrator_can_add_an_exercise_to_the_library(client, admin_user):
    enable_second_factor(admin_user)
    client.force_login(admin_user)
    response = client.post(
        "/admin/exercises/exercise/add/",
        {
            "code": "towel-roll", "name": "Towel roll stretch",
            "steps": '["Roll a towel.", "Lie on it along your spine.", "Breathe slowly."]',
            "feel": "A gentle opening of the chest.", "stop_if": "Pain in the ribs.",
            "sets": 1, "hold_seconds": 60, "position": 20,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content[:500]
    assert library("towel-roll").dose() == "hold 60 seconds"
