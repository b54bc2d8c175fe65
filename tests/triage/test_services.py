"""Re-checking a person's findings as the diary changes, and what they see of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from notify.models import Channel, Delivery, Kind, Message, Outcome
from tracker.models import Entry
from tracker.services import delete_entry, save_entry, update_profile
from triage.diary import EntryData
from triage.models import Finding, FindingState
from triage.rules import RULES
from triage.services import acknowledge, entries_for_evaluation, recheck

pytestmark = pytest.mark.django_db


def values(day: dt.date, **overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "date": day, "pain": 3, "night_pain": None, "woke_at_night": False, "rested": False,
        "rest_relief": None, "active_minutes": 20, "activities": [], "daily_tasks": None,
        "sleep": None, "symptoms": [], "self_care": [], "notes": "",
    }  # fmt: skip
    base.update(overrides)
    return base


def diary(user, today: dt.date, days: int) -> None:
    Entry.objects.bulk_create(
        Entry(user=user, date=today - dt.timedelta(days=n), pain=3) for n in range(days)
    )


def queries_of_recheck(user, today: dt.date) -> int:
    with CaptureQueriesContext(connection) as captured:
        recheck(user, today)
    return len(captured)


def test_recheck_over_five_years_runs_as_many_queries_as_over_one_week(alice, bob) -> None:
    today = alice.profile.local_today()
    # Both diaries raise the same finding (not improving since the pain began five years ago).
    alice.profile.pain_started = today - dt.timedelta(days=5 * 365)
    alice.profile.save()
    diary(alice, today, 7)
    diary(bob, today, 5 * 365)
    recheck(alice, today), recheck(bob, today)  # the first run opens findings
    assert set(alice.findings.values_list("code", flat=True)) == set(
        bob.findings.values_list("code", flat=True)
    )
    assert queries_of_recheck(alice, today) == queries_of_recheck(bob, today)


def test_saving_the_same_symptom_twice_leaves_one_open_finding(alice, local_today) -> None:
    saved = save_entry(user=alice, values=values(local_today, symptoms=["fever"]))
    save_entry(user=alice, values=values(local_today, symptoms=["fever"], pain=5),
               editing=saved.entry)  # fmt: skip
    assert Finding.objects.filter(user=alice, code="FEVER", state=FindingState.OPEN).count() == 1
    assert prompts_of(alice) == 1


def test_acknowledging_then_reporting_again_opens_a_new_finding(alice, local_today) -> None:
    first = save_entry(user=alice, values=values(local_today - dt.timedelta(days=1),
                                                  symptoms=["chest_pain"]))  # fmt: skip
    finding = Finding.objects.get(user=alice, code="CHEST_PAIN")
    acknowledge(finding=finding, by=alice)
    # An unrelated save keeps the acknowledged evidence quiet...
    save_entry(user=alice, values=values(local_today - dt.timedelta(days=2)))
    assert not Finding.objects.filter(user=alice, state=FindingState.OPEN).exists()
    # ...but reporting chest pain again opens a new finding and a new escalation.
    save_entry(user=alice, values=values(local_today, symptoms=["chest_pain"]))
    findings = Finding.objects.filter(user=alice, code="CHEST_PAIN").order_by("first_seen")
    assert [f.state for f in findings] == [FindingState.ACKNOWLEDGED, FindingState.OPEN]
    assert prompts_of(alice) == 2
    assert first.evaluation.advice_level == "urgent"


def test_only_new_urgent_findings_prompt(alice, local_today) -> None:
    update_profile(user=alice, values={"history": ["osteoporosis"]})
    assert Finding.objects.filter(user=alice, code="OSTEOPOROSIS").exists()
    assert prompts_of(alice) == 0


def prompts_of(user) -> int:
    return Message.objects.filter(user=user, kind=Kind.ESCALATION).count()


def test_deleting_the_evidence_keeps_the_finding_open_but_marks_it_gone(alice, local_today) -> None:
    saved = save_entry(user=alice, values=values(local_today, symptoms=["fever"]))
    delete_entry(entry=saved.entry)
    finding = Finding.objects.get(user=alice, code="FEVER")
    assert finding.state == FindingState.OPEN
    assert not finding.still_present


def test_a_profile_change_rechecks_at_once(alice) -> None:
    update_profile(user=alice, values={"location": ["top_of_back"]})
    assert Finding.objects.filter(user=alice, code="TOP_OF_BACK", level="urgent").exists()


def test_the_prompt_is_recorded_in_the_transaction_that_opens_the_finding(
    alice, local_today
) -> None:
    with transaction.atomic():
        save_entry(user=alice, values=values(local_today, symptoms=["bladder_bowel"]))
        finding = Finding.objects.get(user=alice)
        prompt = Message.objects.get(user=alice, kind=Kind.ESCALATION)
        assert prompt.key == f"escalation:{finding.pk}:first"
    email = Delivery.objects.get(message=prompt, channel=Channel.EMAIL)
    assert email.outcome == Outcome.PENDING  # a worker's once committed, or the sweeper's


def test_a_save_rolled_back_leaves_no_finding_and_no_prompt(alice, local_today) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        save_entry(user=alice, values=values(local_today, symptoms=["bladder_bowel"]))
        assert prompts_of(alice) == 1
        raise RuntimeError("the request failed after the save")
    assert not Finding.objects.exists()
    assert not Message.objects.exists()
    assert not Delivery.objects.exists()


def test_the_urgent_banner_stays_on_every_page_until_acknowledged(
    alice_client, alice, local_today
) -> None:
    save_entry(user=alice, values=values(local_today, symptoms=["saddle_numbness"]))
    for url in (reverse("tracker:history"), reverse("triage:my_flags"), reverse("tracker:today")):
        page = alice_client.get(url, follow=True).content.decode()
        assert "Urgent: see a doctor immediately" in page
    finding = Finding.objects.get(user=alice)
    assert alice_client.get(reverse("triage:acknowledge", args=[finding.pk])).status_code == 405
    alice_client.post(reverse("triage:acknowledge", args=[finding.pk]))
    page = alice_client.get(reverse("tracker:history")).content.decode()
    assert "Urgent: see a doctor immediately" not in page
    finding.refresh_from_db()
    assert finding.acknowledged_by == alice and finding.acknowledged_at is not None


def test_my_flags_lists_open_and_past_findings_with_evidence(
    alice_client, alice, local_today
) -> None:
    save_entry(user=alice, values=values(local_today, symptoms=["unwell"]))
    page = alice_client.get(reverse("triage:my_flags")).content.decode()
    assert "generally unwell" in page.lower()
    acknowledge(finding=Finding.objects.get(user=alice), by=alice)
    page = alice_client.get(reverse("triage:my_flags")).content.decode()
    assert "Past flags" in page and "acknowledged" in page


def test_a_profile_flag_can_be_marked_checked_by_a_doctor_and_undone(alice_client, alice) -> None:
    update_profile(user=alice, values={"history": ["cancer"]})
    alice_client.post(reverse("triage:mark_checked", args=["CANCER_HISTORY"]))
    assert not Finding.objects.filter(user=alice, state=FindingState.OPEN).exists()
    alice_client.post(reverse("triage:undo_checked", args=["CANCER_HISTORY"]))
    assert Finding.objects.filter(
        user=alice, code="CANCER_HISTORY", state=FindingState.OPEN
    ).exists()


def test_symptom_flags_cannot_be_marked_checked(alice_client) -> None:
    response = alice_client.post(reverse("triage:mark_checked", args=["CHEST_PAIN"]))
    assert response.status_code == 404


def test_the_public_catalogue_lists_every_rule_by_its_title_with_an_anchor(client) -> None:
    page = client.get(reverse("triage:how_it_works")).content.decode()
    for rule in RULES:
        assert f'id="rule-{rule.code}"' in page
        assert f'<th scope="row">{escape(rule.title)}</th>' in page


def test_the_catalogue_describes_version_2(client) -> None:
    page = client.get(reverse("triage:how_it_works")).content.decode()
    assert "today and the 6 days before it" in page
    assert "a fourth worse night" in page
    assert "night pain at least 1" in page
    assert "red-flags.md v2" in page


def test_the_checked_by_a_doctor_list_names_flags_in_plain_words(alice_client, alice) -> None:
    update_profile(user=alice, values={"location": ["between_shoulder_blades"]})
    alice_client.post(reverse("triage:mark_checked", args=["TOP_OF_BACK"]))
    page = alice_client.get(reverse("triage:my_flags")).content.decode()
    assert "Pain at the top of the back or between the shoulders: marked checked by" in page
    assert "TOP_OF_BACK:" not in page


def test_the_rules_read_the_diarys_first_14_entries_and_its_last_14_days(alice, bob) -> None:
    today = dt.date(2026, 11, 25)
    every_other_day = [today - dt.timedelta(days=n) for n in range(0, 90, 2)]
    Entry.objects.bulk_create(
        Entry(
            user=alice, date=day, pain=n % 11, night_pain=None if n % 3 else 4,
            woke_at_night=n % 2 == 0, rested=n % 4 == 0, rest_relief="no" if n % 4 == 0 else None,
            active_minutes=n, activities=["walking", "desk_work"] if n % 2 else [],
            symptoms=["fever"] if n == 5 else [], self_care=["heat_or_cold"], daily_tasks="managed",
            sleep=None, notes=f"day {n} <b>&'\"",
        )
        for n, day in enumerate(every_other_day)
    )  # fmt: skip
    diary(bob, today, 30)  # someone else's diary is never read

    read = entries_for_evaluation(alice, today)

    first_14 = sorted(every_other_day)[:14]
    last_14_days = [day for day in every_other_day if day > today - dt.timedelta(days=14)]
    assert [entry.date for entry in read] == sorted(set(first_14) | set(last_14_days))
    stored = {
        row["date"]: row
        for row in Entry.objects.filter(user=alice).values(*EntryData.__dataclass_fields__)
    }
    for entry in read:
        row = stored[entry.date]
        for name in EntryData.__dataclass_fields__:
            value = getattr(entry, name)
            expected = tuple(row[name]) if isinstance(row[name], list) else row[name]
            assert value == expected and type(value) is type(expected), (entry.date, name)
