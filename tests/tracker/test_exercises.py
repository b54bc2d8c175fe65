"""The person's exercise pages: a suggestion waits for them, they accept or decline, they
choose their own, they end a plan; nobody else's plan can be touched."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from exercises import plans, queries
from exercises.models import Exercise, Plan
from exercises.plans import Prescription

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client: Client, alice) -> Client:
    client.force_login(alice)
    return client


def suggest(patient, physio) -> Plan:
    return plans.propose_plan(
        patient=patient, physiotherapist=physio,
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="chin-tuck")),
                       Prescription(exercise=Exercise.objects.get(code="walk"), minutes=20)],
        starts_on=patient.profile.local_today(), note="Little and often.",
    )  # fmt: skip


def test_a_suggestion_is_shown_with_its_exercises_until_accepted(alice_client, alice, physio):
    plan = suggest(alice, physio)
    page = alice_client.get(reverse("tracker:my_exercises")).content.decode()
    assert "Your physiotherapist suggested a plan" in page
    assert "Chin tuck" in page and "20 minutes" in page and "Little and often." in page
    assert queries.items_due_on(alice.pk, alice.profile.local_today()) == []

    response = alice_client.post(reverse("tracker:accept_plan", args=[plan.pk]))
    assert response.status_code == 302
    due = queries.items_due_on(alice.pk, alice.profile.local_today())
    assert [i.name for i in due] == ["Chin tuck", "A walk"]
    page = alice_client.get(reverse("tracker:my_exercises")).content.decode()
    assert "suggested a plan" not in page and "What you are doing" in page


def test_declining_a_suggestion_ends_it_without_it_ever_counting(alice_client, alice, physio):
    plan = suggest(alice, physio)
    assert (
        "Decline this suggestion?"
        in alice_client.get(reverse("tracker:end_plan", args=[plan.pk])).content.decode()
    )
    alice_client.post(reverse("tracker:end_plan", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.ended_at is not None and plan.accepted_at is None
    assert alice_client.post(reverse("tracker:accept_plan", args=[plan.pk])).status_code == 404


def test_someone_elses_plan_is_not_found(client, alice, bob, physio):
    plan = suggest(alice, physio)
    client.force_login(bob)
    assert client.post(reverse("tracker:accept_plan", args=[plan.pk])).status_code == 404
    assert client.get(reverse("tracker:end_plan", args=[plan.pk])).status_code == 404
    assert client.post(reverse("tracker:end_plan", args=[plan.pk])).status_code == 404
    plan.refresh_from_db()
    assert plan.accepted_at is None and plan.ended_at is None


def test_choosing_exercises_for_oneself_puts_them_in_today(alice_client, alice):
    today = alice.profile.local_today()
    response = alice_client.post(
        reverse("tracker:choose_exercises"),
        {"starts_on": today.isoformat(), "pick-cat-camel": "on", "times-cat-camel": "2",
         "days-cat-camel": [str(d) for d in range(7)], "own_name": "Towel roll",
         "own_steps": "Roll a towel.\nLie on it along your spine.", "own_times": "1",
         "own_days": [str(today.weekday())]},
    )  # fmt: skip
    assert response.status_code == 302
    due = queries.items_due_on(alice.pk, today)
    assert [(i.name, i.times_a_day) for i in due] == [("Cat and camel", 2), ("Towel roll", 1)]
    assert Plan.objects.get().is_self_chosen


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({}, None, "Tick at least one exercise"),
        ({"pick-walk": "on"}, "days-walk", "Tick at least one day."),
        ({"own_name": "Towel roll", "own_days": ["0"]}, "own_steps", "Write at least one step"),
        ({"own_steps": "Lie down."}, "own_name", "Give your exercise a name."),
        ({"pick-walk": "on", "days-walk": ["0"], "minutes-walk": "0"}, "minutes-walk",
         "Enter a number from 1 to 120"),
    ],
)  # fmt: skip
def test_a_plan_form_with_a_mistake_says_so_at_the_field_and_saves_nothing(
    alice_client, alice, posted, field, message
):
    data = {"starts_on": alice.profile.local_today().isoformat(), **posted}
    response = alice_client.post(reverse("tracker:choose_exercises"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    form = response.context["form"]
    if field:
        assert form.errors[field]
    assert not Plan.objects.exists()


# --- In the daily entry ----------------------------------------------------------------


def own_plan(person, weekdays=(0, 1, 2, 3, 4, 5, 6)) -> Plan:
    return plans.choose_own_plan(
        patient=person, today=person.profile.local_today(),
        prescriptions=[
            Prescription(exercise=Exercise.objects.get(code="chin-tuck"), times_a_day=2),
            Prescription(exercise=Exercise.objects.get(code="walk"), weekdays=list(weekdays)),
        ],
    )  # fmt: skip


def test_the_entry_shows_the_days_exercises_with_nothing_ticked(alice_client, alice) -> None:
    assert "Your exercises today" not in alice_client.get(reverse("tracker:today")).content.decode()
    own_plan(alice)
    page = alice_client.get(reverse("tracker:today")).content.decode()
    assert "Your exercises today" in page and "2 to tick off" in page
    assert 'name="exercise-chin-tuck"' in page and "10 times, hold 3 seconds, 2 times today" in page
    assert (
        'value="done" checked' not in page
        and "checked" not in page.split("entry-exercises")[1].split("</details>")[0]
    )


def test_saving_the_entry_keeps_the_exercises_and_the_answer_after_them(
    alice_client, alice
) -> None:
    from exercises.models import ExerciseDay
    from tests.tracker.test_entries import entry_form

    own_plan(alice)
    today = alice.profile.local_today()
    data = entry_form(today, **{"exercises_shown": "1", "exercise-chin-tuck": "some",
                                "exercise-walk": "done", "pain_after": "better"})  # fmt: skip
    response = alice_client.post(reverse("tracker:today"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    logged = ExerciseDay.objects.get(patient=alice, day=today)
    assert {m.key: m.done for m in logged.marks.all()} == {"chin-tuck": "some", "walk": "done"}
    assert logged.pain_after == "better"
    page = alice_client.get(reverse("tracker:today"), follow=True).content.decode()
    section = page.split('id="entry-exercises"')[1].split("</details>")[0]
    assert section.count("checked") == 3  # as saved


def test_a_form_without_the_exercises_leaves_the_log_as_it_was(alice_client, alice) -> None:
    from exercises.models import ExerciseDay
    from tests.tracker.test_entries import entry_form

    own_plan(alice)
    today = alice.profile.local_today()
    plans.record_exercise_day(patient=alice, day=today, marks={"walk": "done"})
    alice_client.post(reverse("tracker:today"), entry_form(today))  # an offline copy, say
    assert ExerciseDay.objects.get(day=today).marks.get().done == "done"


def test_an_unknown_answer_is_refused_at_the_field_and_nothing_is_saved(
    alice_client, alice
) -> None:
    from tests.tracker.test_entries import entry_form

    own_plan(alice)
    today = alice.profile.local_today()
    data = entry_form(today, **{"exercises_shown": "1", "exercise-walk": "twice"})
    response = alice_client.post(reverse("tracker:today"), data)
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not alice.entries.exists()


def test_my_exercises_costs_the_same_queries_for_one_exercise_or_many(alice_client, alice) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(reverse("tracker:my_exercises")).status_code == 200
        return len(captured)

    today = alice.profile.local_today()
    first = plans.choose_own_plan(
        patient=alice, today=today, prescriptions=[Prescription(exercise=Exercise.objects.first())]
    )
    one = queries()
    plans.end_plan(plan=first, by=alice, today=today)
    plans.choose_own_plan(
        patient=alice, today=today,
        prescriptions=[Prescription(exercise=e) for e in Exercise.objects.all()[:6]],
    )  # fmt: skip
    assert queries() == one
