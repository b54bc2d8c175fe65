"""A physiotherapist's exercise plans: suggested through a live share only, changed and
ended only by whoever suggested them, every action in the patient's access log; the
caseload and the review show adherence and the "worse after exercising" signal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.audit import access_log
from accounts.models import AuditAction, User
from exercises import plans
from exercises.models import Exercise, Plan
from exercises.plans import Prescription
from sharing.models import Share
from tests.conftest import make_patient
from tests.sharing.conftest import log, share_between

pytestmark = pytest.mark.django_db


def alice_today(alice: User) -> dt.date:
    return alice.profile.local_today()


def suggest_through_the_page(client: Client, patient: User, **extra: object):
    data = {
        "starts_on": alice_today(patient).isoformat(),
        "pick-chin-tuck": "on", "days-chin-tuck": [str(d) for d in range(7)],
        "times-chin-tuck": "2",
        "pick-walk": "on", "days-walk": ["0", "2", "4"], "times-walk": "1", "minutes-walk": "20",
        "pick-wall-slide": "on", "days-wall-slide": [str(d) for d in range(7)],
        "times-wall-slide": "1", "note": "Little and often.", **extra,
    }  # fmt: skip
    return client.post(reverse("physio:new_plan", args=[patient.pk]), data)


def test_a_physiotherapist_suggests_a_plan_that_waits_for_the_patient(
    physio_client, physio, alice, share
) -> None:
    page = physio_client.get(reverse("physio:new_plan", args=[alice.pk]))
    assert page.status_code == 200 and "Cat and camel" in page.content.decode()
    response = suggest_through_the_page(physio_client, alice)
    assert response.status_code == 302
    plan = Plan.objects.get(patient=alice)
    assert plan.prescribed_by == physio and plan.is_pending
    version = plan.latest_version()
    assert version is not None
    items = list(version.items.all())
    assert [(i.name, i.times_a_day, i.weekdays, i.dose()) for i in items] == [
        ("Chin tuck", 2, [0, 1, 2, 3, 4, 5, 6], "10 times, hold 3 seconds"),
        ("Wall slide", 1, [0, 1, 2, 3, 4, 5, 6], "10 times"),
        ("A walk", 1, [0, 2, 4], "20 minutes"),
    ]
    assert [e.action for e in access_log(alice)][:1] == [AuditAction.PLAN_PROPOSED]
    review = physio_client.get(reverse("physio:review", args=[alice.pk])).content.decode()
    assert "Waiting for" in review and "Little and often." in review


@pytest.mark.parametrize("who", ["other_physio", "revoked", "stranger_patient"])
def test_nobody_without_a_live_share_reaches_a_patients_plans(
    client, physio, alice, share, other_physio, who
) -> None:
    plan = plans.propose_plan(
        patient=alice, physiotherapist=physio, starts_on=alice_today(alice),
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
    )  # fmt: skip
    if who == "revoked":
        Share.objects.filter(pk=share.pk).update(revoked_at=timezone.now())
        client.force_login(physio)
    elif who == "other_physio":
        client.force_login(other_physio)
    else:
        client.force_login(make_patient("mallory@example.com"))
    urls = [
        reverse("physio:new_plan", args=[alice.pk]),
        reverse("physio:change_plan", args=[alice.pk, plan.pk]),
        reverse("physio:end_plan", args=[alice.pk, plan.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"starts_on": "2026-01-01", "pick-walk": "on"}).status_code == 404
    plan.refresh_from_db()
    assert plan.ended_at is None and plan.versions.count() == 1
    assert Plan.objects.count() == 1


def test_a_physiotherapist_cannot_change_another_physiotherapists_plan(
    physio_client, alice, share, other_physio
) -> None:
    share_between(alice, other_physio)
    theirs = plans.propose_plan(
        patient=alice, physiotherapist=other_physio, starts_on=alice_today(alice),
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
    )  # fmt: skip
    url = reverse("physio:change_plan", args=[alice.pk, theirs.pk])
    assert physio_client.get(url).status_code == 404
    # The other physiotherapist's suggestion is not shown to this one while unaccepted.
    review = physio_client.get(reverse("physio:review", args=[alice.pk])).content.decode()
    assert "Waiting for" not in review


def test_changing_and_ending_keep_the_history_and_are_in_the_access_log(
    physio_client, physio, alice, share
) -> None:
    suggest_through_the_page(physio_client, alice)
    plan = Plan.objects.get()
    plans.accept_plan(plan=plan, patient=alice, today=alice_today(alice))
    url = reverse("physio:change_plan", args=[alice.pk, plan.pk])
    form = physio_client.get(url)
    assert form.context["form"]["pick-chin-tuck"].value() is True  # the plan as it is
    assert form.context["form"]["pick-cat-camel"].value() is False
    response = physio_client.post(url, {
        "starts_on": alice_today(alice).isoformat(), "pick-walk": "on",
        "days-walk": [str(d) for d in range(7)], "times-walk": "1",
    })  # fmt: skip
    assert response.status_code == 302
    assert plan.versions.count() == 2
    physio_client.post(reverse("physio:end_plan", args=[alice.pk, plan.pk]))
    plan.refresh_from_db()
    assert plan.ended_by == physio
    actions = [e.action for e in access_log(alice)]
    assert actions.count(AuditAction.PLAN_CHANGED) == 1
    assert actions.count(AuditAction.PLAN_ENDED) == 1


def test_after_the_share_ends_the_patient_keeps_the_plan_and_can_end_it(
    client, physio_client, physio, alice, share
) -> None:
    suggest_through_the_page(physio_client, alice)
    plan = Plan.objects.get()
    plans.accept_plan(plan=plan, patient=alice, today=alice_today(alice))
    Share.objects.filter(pk=share.pk).update(revoked_at=timezone.now())
    assert physio_client.get(reverse("physio:review", args=[alice.pk])).status_code == 404
    client.force_login(alice)
    assert "Chin tuck" in client.get(reverse("tracker:my_exercises")).content.decode()
    client.post(reverse("tracker:end_plan", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.ended_by == alice


def test_the_caseload_and_review_show_adherence_and_the_worse_after_exercise_signal(
    physio_client, physio, alice, share
) -> None:
    today = alice_today(alice)
    plan = plans.choose_own_plan(
        patient=alice, today=today - dt.timedelta(days=6),
        prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
    )  # fmt: skip
    assert plan.accepted_on == today - dt.timedelta(days=6)
    for n, (done, after) in enumerate(
        [("done", "worse"), ("done", "worse"), ("some", "worse"), ("not_today", ""), ("done", "")]
    ):
        plans.record_exercise_day(
            patient=alice, day=today - dt.timedelta(days=n), marks={"walk": done}, pain_after=after
        )
        log(alice, n, pain=4)
    caseload = physio_client.get(reverse("physio:caseload")).content.decode()
    assert "50% (3.5 of 7 sessions)" in caseload
    assert "worse after exercising on 3 days" in caseload
    review = physio_client.get(reverse("physio:review", args=[alice.pk])).content.decode()
    assert "Worse after exercising on 3 of the last 7 days." in review
    assert "50% (3.5 of 7 sessions)" in review
    assert "0 / 0 / 3" in review


def test_the_caseload_with_plans_costs_the_same_queries_for_3_or_30_patients(
    physio_client, physio
) -> None:
    def patients_with_plans(first: int, count: int) -> None:
        for n in range(first, first + count):
            patient = make_patient(f"p{n}@example.com")
            share_between(patient, physio)
            today = patient.profile.local_today()
            plans.choose_own_plan(
                patient=patient, today=today - dt.timedelta(days=3),
                prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
            )  # fmt: skip
            plans.record_exercise_day(patient=patient, day=today, marks={"walk": "done"})

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert physio_client.get(url).status_code == 200
        return len(captured)

    patients_with_plans(0, 3)
    three = queries(reverse("physio:caseload"))
    patients_with_plans(3, 27)
    assert queries(reverse("physio:caseload")) == three
    first = Plan.objects.first()
    assert first is not None
    review = reverse("physio:review", args=[first.patient_id])
    before = queries(review)
    for _ in range(19):  # a long history of versions
        plans.change_plan(
            plan=first, by=first.patient, starts_on=first.patient.profile.local_today(),
            prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
        )  # fmt: skip
    assert queries(review) == before


def test_the_caseload_counts_each_patient_to_their_own_today(physio_client, physio) -> None:
    """11:30 UTC on Wednesday 14 January is already Thursday in Auckland: a walk ticked on
    that Thursday counts there, and is still tomorrow for someone in London."""
    import time_machine

    moment = dt.datetime(2026, 1, 14, 11, 30, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        for email, zone in (("kiri@example.com", "Pacific/Auckland"),
                            ("tom@example.com", "Europe/London")):  # fmt: skip
            patient = make_patient(email, zone=zone)
            share_between(patient, physio)
            plans.choose_own_plan(
                patient=patient, today=dt.date(2026, 1, 12),
                prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
            )  # fmt: skip
            plans.record_exercise_day(
                patient=patient, day=dt.date(2026, 1, 15), marks={"walk": "done"}
            )
        rows = {
            row.patient.email: row
            for row in physio_client.get(reverse("physio:caseload")).context["rows"]
        }
    kiri, tom = rows["kiri@example.com"].exercises, rows["tom@example.com"].exercises
    assert kiri is not None and tom is not None
    assert str(kiri.adherence) == "25% (1 of 4 sessions)"  # 12 to 15 January, her today
    assert str(tom.adherence) == "0% (0 of 3 sessions)"  # 12 to 14 January
