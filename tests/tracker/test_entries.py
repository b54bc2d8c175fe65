from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_patient
from tracker.models import Entry

pytestmark = pytest.mark.django_db


def entry_form(day: dt.date, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "date": day.isoformat(),
        "pain": "4",
        "night_pain": "2",
        "active_minutes": "30",
        "activities": ["walking"],
        "daily_tasks": "managed",
        "sleep": "ok",
        "no_symptoms": "on",
        "self_care": ["heat_or_cold"],
        "notes": "A fair day",
        "client_uuid": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_today_page_offers_an_eleven_point_pain_scale(alice_client) -> None:
    page = alice_client.get(reverse("tracker:today")).content.decode()
    assert page.count('name="pain"') == 11
    assert 'role="radiogroup"' in page
    assert "Information, not a diagnosis" in page


def test_saving_today_with_a_plain_post_redirects_to_the_saved_entry(
    alice_client, alice, local_today
) -> None:
    response = alice_client.post(reverse("tracker:today"), entry_form(local_today))
    entry = Entry.objects.get(user=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("tracker:edit_entry", args=[entry.pk]) + "?saved=1"
    assert entry.pain == 4 and entry.night_pain == 2 and entry.activities == ["walking"]
    page = alice_client.get(response["Location"]).content.decode()
    assert "Saved" in page


def test_saving_with_htmx_answers_with_the_result_and_not_the_form_again(
    alice_client, alice, local_today
) -> None:
    response = alice_client.post(
        reverse("tracker:today"), entry_form(local_today), headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    edit_url = reverse("tracker:edit_entry", args=[Entry.objects.get(user=alice).pk])
    assert response.status_code == 200
    assert "Saved ✓" in page
    assert "<html" not in page and "<form" not in page and 'name="pain"' not in page
    # What the form on the phone needs to become that day's entry:
    assert f'data-entry-url="{edit_url}"' in page
    assert response["HX-Replace-Url"] == edit_url
    assert 'id="entry-title" hx-swap-oob="true"' in page
    assert f'href="{edit_url}delete/"' in page


def test_a_form_error_with_htmx_comes_back_as_the_whole_form_with_the_answers_kept(
    alice_client, alice, local_today
) -> None:
    response = alice_client.post(
        reverse("tracker:today"),
        entry_form(local_today, pain="11", notes="Kept"),
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response["HX-Retarget"] == "#entry-area"
    assert response["HX-Reswap"] == "outerHTML"
    assert "Pain is a number from 0 to 10." in page
    assert "Kept</textarea>" in page
    assert not Entry.objects.filter(user=alice).exists()


def test_an_error_in_an_optional_answer_opens_more_about_today(alice_client, local_today) -> None:
    page = alice_client.post(
        reverse("tracker:today"), entry_form(local_today, sleep="dreamt")
    ).content.decode()
    assert re.search(r'<details class="more-answers"[^>]* open data-keep-open', page)
    closed = alice_client.get(reverse("tracker:today")).content.decode()
    assert not re.search(r'<details class="more-answers"[^>]* open', closed)


def test_chest_pain_shows_the_urgent_panel_first_with_emergency_advice(
    alice_client, local_today
) -> None:
    response = alice_client.post(
        reverse("tracker:today"),
        entry_form(local_today, symptoms=["chest_pain"], no_symptoms=None),
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    panel_at = page.index('class="panel panel-urgent')
    assert "emergency number" in page[panel_at:]
    assert 'href="tel:999"' in page[panel_at:]  # Alice's profile is in Europe/London
    assert "Chest pain" in page[panel_at:]
    assert 'hx-swap-oob="true"' in page  # the banner appears at once on the page
    # The first thing the panel shows is the call-now line, then the heading.
    panel = page[panel_at:]
    assert panel.index("call the emergency number now") < panel.index('id="result-title"')
    assert "See a doctor immediately" in panel and "See a doctor today" not in panel


def test_an_urgent_finding_without_chest_pain_has_no_call_now_line_first(
    alice_client, local_today
) -> None:
    response = alice_client.post(
        reverse("tracker:today"),
        entry_form(local_today, symptoms=["fever"], no_symptoms=None),
        headers={"HX-Request": "true"},
    )
    panel = response.content.decode().split('class="panel panel-urgent', 1)[1]
    assert 'class="emergency-first"' not in panel
    assert "See a doctor immediately" in panel


def test_a_ticked_symptom_wins_over_none_of_these(alice_client, alice, local_today) -> None:
    alice_client.post(
        reverse("tracker:today"), entry_form(local_today, symptoms=["fever"], no_symptoms="on")
    )
    assert Entry.objects.get(user=alice).symptoms == ["fever"]


def test_activities_are_prefilled_from_yesterday_but_pain_and_symptoms_never(
    alice_client, alice, local_today
) -> None:
    Entry.objects.create(
        user=alice, date=local_today - dt.timedelta(days=1), pain=7, activities=["yoga"],
        symptoms=["unwell"],
    )  # fmt: skip
    page = alice_client.get(reverse("tracker:today")).content.decode()
    assert re.search(r'value="yoga"[^>]*checked', page)
    assert not re.search(r'name="pain" value="7"[^>]*checked', page)
    assert not re.search(r'value="unwell"[^>]*checked', page)


def test_today_can_be_edited_all_day(alice_client, alice, local_today) -> None:
    alice_client.post(reverse("tracker:today"), entry_form(local_today))
    entry = Entry.objects.get(user=alice)
    alice_client.post(
        reverse("tracker:edit_entry", args=[entry.pk]),
        entry_form(local_today, pain="6", client_uuid=str(entry.client_uuid)),
    )
    entry.refresh_from_db()
    assert entry.pain == 6
    assert Entry.objects.filter(user=alice).count() == 1


def test_a_fever_back_filled_six_days_ago_is_saved_and_raised(
    alice_client, alice, local_today
) -> None:
    day = local_today - dt.timedelta(days=6)
    response = alice_client.post(
        reverse("tracker:log_day", args=[day.isoformat()]),
        entry_form(day, symptoms=["fever"], no_symptoms=None),
    )
    assert response.status_code == 302
    assert Entry.objects.filter(user=alice, date=day).exists()
    assert alice.findings.filter(code="FEVER", state="open").exists()


def test_a_fever_back_filled_seven_days_ago_is_refused_at_the_date_and_nothing_saved(
    alice_client, alice, local_today
) -> None:
    day = local_today - dt.timedelta(days=7)
    response = alice_client.post(
        reverse("tracker:log_day", args=[day.isoformat()]),
        entry_form(day, symptoms=["fever"], no_symptoms=None),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_date_error"' in page
    assert "today and the 6 days before it" in page
    assert not Entry.objects.exists()
    assert not alice.findings.exists()


@pytest.mark.parametrize(
    ("zone", "local_today"),
    [("Pacific/Kiritimati", dt.date(2026, 11, 27)), ("Pacific/Pago_Pago", dt.date(2026, 11, 26))],
)
def test_the_window_follows_the_persons_own_today_at_utc_plus_14_and_minus_11(
    client, zone, local_today
) -> None:
    person = make_patient("far@example.com", zone=zone)
    client.force_login(person)
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        oldest, too_old = local_today - dt.timedelta(days=6), local_today - dt.timedelta(days=7)
        accepted = client.post(reverse("tracker:today"), entry_form(oldest))
        refused = client.post(reverse("tracker:today"), entry_form(too_old))
    assert accepted.status_code == 302
    assert refused.status_code == 422
    assert list(Entry.objects.filter(user=person).values_list("date", flat=True)) == [oldest]


def test_the_date_picker_offers_today_and_the_six_days_before(alice_client, local_today) -> None:
    page = alice_client.get(reverse("tracker:today")).content.decode()
    assert f'min="{(local_today - dt.timedelta(days=6)).isoformat()}"' in page
    assert f'max="{local_today.isoformat()}"' in page


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"pain": "11"}, "Pain is a number from 0 to 10."),
        ({"pain": None}, "Choose a number from 0 to 10"),
        ({"night_pain": "-1"}, "Night pain is a number from 0 to 10"),
        ({"active_minutes": "thirty"}, "Enter a whole number of minutes"),
        ({"active_minutes": "-5"}, "Minutes cannot be negative."),
        ({"active_minutes": "5000"}, "A day has 1440 minutes at most."),
        ({"date": "2026-02-30"}, "Enter a real date"),
        ({"date": "not a date"}, "Enter a real date"),
        ({"symptoms": ["telepathy"]}, "is not one of the symptoms listed"),
        ({"activities": ["skydiving"]}, "is not one of the activities listed"),
        ({"rest_relief": "maybe", "rested": "on"}, "Choose yes, a little or no."),
        ({"client_uuid": "not-a-uuid"}, "cannot accept"),
        ({"client_uuid": None}, "missing a part"),
    ],
)
def test_bad_input_comes_back_with_a_message_and_the_typed_values(
    alice_client, alice, local_today, overrides, field_message
) -> None:
    response = alice_client.post(
        reverse("tracker:today"), entry_form(local_today, notes="kept words", **overrides)
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert field_message in page
    assert "kept words" in page
    assert not Entry.objects.filter(user=alice).exists()


def test_a_future_date_is_refused(alice_client, alice, local_today) -> None:
    tomorrow = local_today + dt.timedelta(days=1)
    response = alice_client.post(reverse("tracker:today"), entry_form(tomorrow))
    assert "only log today or days that have passed" in response.content.decode()
    assert not Entry.objects.exists()


def test_an_entry_older_than_the_window_cannot_be_corrected(
    alice_client, alice, local_today
) -> None:
    old = Entry.objects.create(user=alice, date=local_today - dt.timedelta(days=7), pain=2)
    response = alice_client.post(
        reverse("tracker:edit_entry", args=[old.pk]), entry_form(old.date, pain="8")
    )
    assert "today and the 6 days before it" in response.content.decode()
    old.refresh_from_db()
    assert old.pain == 2


def test_a_second_entry_for_a_logged_day_is_refused_and_the_first_is_unchanged(
    alice_client, alice, local_today
) -> None:
    first = Entry.objects.create(user=alice, date=local_today, pain=2, notes="first")
    response = alice_client.post(
        reverse("tracker:log_day", args=[(local_today - dt.timedelta(days=1)).isoformat()]),
        entry_form(local_today, pain="9"),
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "You already logged" in page
    assert reverse("tracker:edit_entry", args=[first.pk]) in page
    first.refresh_from_db()
    assert (first.pain, first.notes) == (2, "first")
    assert Entry.objects.filter(user=alice).count() == 1


def test_an_edit_with_bad_input_keeps_the_saved_entry(alice_client, alice, local_today) -> None:
    entry = Entry.objects.create(user=alice, date=local_today, pain=3)
    alice_client.post(
        reverse("tracker:edit_entry", args=[entry.pk]),
        entry_form(local_today, pain="12", client_uuid=str(entry.client_uuid)),
    )
    entry.refresh_from_db()
    assert entry.pain == 3


def test_a_tampered_uuid_of_another_day_cannot_overwrite_it(
    alice_client, alice, local_today
) -> None:
    yesterday = Entry.objects.create(user=alice, date=local_today - dt.timedelta(days=1), pain=3)
    response = alice_client.post(
        reverse("tracker:today"), entry_form(local_today, client_uuid=str(yesterday.client_uuid))
    )
    assert response.status_code in (302, 409)
    yesterday.refresh_from_db()
    assert yesterday.date == local_today - dt.timedelta(days=1)
    assert yesterday.pain == 3


def test_another_persons_entry_edit_and_delete_urls_answer_404(
    alice_client, bob, local_today
) -> None:
    theirs = Entry.objects.create(user=bob, date=local_today, pain=5, notes="bob's words")
    for name in ("tracker:edit_entry", "tracker:delete_entry"):
        for method in ("get", "post"):
            response = getattr(alice_client, method)(reverse(name, args=[theirs.pk]))
            assert response.status_code == 404
            assert b"bob's words" not in response.content
    assert Entry.objects.filter(pk=theirs.pk).exists()


def test_deleting_an_entry_asks_for_confirmation_first(alice_client, alice, local_today) -> None:
    entry = Entry.objects.create(user=alice, date=local_today, pain=5)
    page = alice_client.get(reverse("tracker:delete_entry", args=[entry.pk]))
    assert "Yes, delete this entry" in page.content.decode()
    assert Entry.objects.filter(pk=entry.pk).exists()
    alice_client.post(reverse("tracker:delete_entry", args=[entry.pk]))
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_a_second_entry_on_a_day(alice, local_today) -> None:
    from django.db import IntegrityError, transaction

    Entry.objects.create(user=alice, date=local_today, pain=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(user=alice, date=local_today, pain=2)


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_submit_stores_one_entry_and_never_errors() -> None:
    alice = make_patient("racer@example.com")
    day = alice.profile.local_today()
    form = entry_form(day)
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def submit() -> None:
        client = Client()
        client.force_login(alice)
        barrier.wait()
        statuses.append(client.post(reverse("tracker:today"), form).status_code)
        connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Entry.objects.filter(user=alice).count() == 1
    assert all(status in (302, 409) for status in statuses), statuses
    assert 500 not in statuses


def ready_to_save_again(user, day: dt.date, diary_days: int) -> Callable[[], None]:
    """After `diary_days` days of diary and a first save of today, saving today again."""
    Entry.objects.bulk_create(
        Entry(user=user, date=day - dt.timedelta(days=n), pain=3, rested=True)
        for n in range(1, diary_days + 1)
    )
    client = Client()
    client.force_login(user)
    form = entry_form(day, rested="on", rest_relief="no")
    client.post(reverse("tracker:today"), form, headers={"HX-Request": "true"})

    def save_again() -> None:
        response = client.post(reverse("tracker:today"), form, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "data-entry-url=" in response.content.decode()

    return save_again


def queries_of(action: Callable[[], None]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_saving_a_day_costs_a_fixed_number_of_queries_whatever_the_diary(
    alice, bob, local_today, django_assert_max_num_queries
) -> None:
    two_months, two_years = (
        ready_to_save_again(alice, local_today, 60),
        ready_to_save_again(bob, local_today, 730),
    )
    # Session, user, profile; the entry's read and write; triage's three reads and its
    # writes (one statement for every open finding); the banner's findings; the
    # transaction's two. (The rate limit is in the cache.)
    with django_assert_max_num_queries(12):
        two_years()
    assert queries_of(two_years) == queries_of(two_months)


def test_entry_forms_share_their_vocabulary_but_never_their_widgets() -> None:
    """Each form shares the diary's choices (copying them was most of a form's cost) and
    keeps its own fields and widgets: one person's date limits never reach another's."""
    from django import forms

    from tracker.forms.entry import EntryForm

    monday, tuesday = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
    first, second = EntryForm(today=monday), EntryForm(today=tuesday)
    symptoms = [form.fields["symptoms"] for form in (first, second)]
    assert isinstance(symptoms[0], forms.ChoiceField)
    assert isinstance(symptoms[1], forms.ChoiceField)
    assert symptoms[0].choices is symptoms[1].choices
    assert first.fields["pain"] is not second.fields["pain"]
    assert first.fields["pain"].widget is not second.fields["pain"].widget
    assert first.fields["date"].widget.attrs["max"] == "2026-11-23"
    assert second.fields["date"].widget.attrs["max"] == "2026-11-24"
    second.fields["pain"].widget.attrs["data-x"] = "1"
    assert "data-x" not in first.fields["pain"].widget.attrs
