"""The history page: chart, table, week count, streak, the list of days; and the self-care page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.conftest import make_patient
from tracker.history import days_logged_this_week, streak_ending
from tracker.models import Entry

pytestmark = pytest.mark.django_db

THURSDAY = dt.date(2026, 11, 26)
HISTORY = reverse("tracker:history")


@pytest.fixture(autouse=True)
def on_a_thursday() -> Iterator[None]:
    """Midday in London on Thursday 26 November 2026: Monday of that week is the 23rd."""
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


def days_ago(n: int) -> dt.date:
    return THURSDAY - dt.timedelta(days=n)


def log(user: User, *days: dt.date, pain: int = 4, **fields: object) -> None:
    Entry.objects.bulk_create([Entry(user=user, date=day, pain=pain, **fields) for day in days])


def text_of(response) -> str:
    """The page as a person reads it: tags removed, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def queries_for_history(client, user: User, days: int) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HISTORY, {"days": days})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("days", [7, 30, 90])
def test_a_year_of_entries_takes_as_many_queries_as_a_week(client, alice, bob, days) -> None:
    log(alice, *(days_ago(n) for n in range(7)), night_pain=5, active_minutes=20)
    log(bob, *(days_ago(n) for n in range(365)), night_pain=5, active_minutes=20, rested=True)
    assert queries_for_history(client, bob, days) == queries_for_history(client, alice, days)


def test_a_missing_day_is_a_gap_in_the_chart_with_no_point(alice_client, alice) -> None:
    log(alice, days_ago(3), days_ago(2), days_ago(0))
    response = alice_client.get(HISTORY, {"days": 7})
    chart = response.context["history"].chart
    assert [point.day for point in chart.day_pain.points] == [days_ago(3), days_ago(2), days_ago(0)]
    svg = response.content.decode().split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    assert svg.count("<circle") == 3, "one round dot per logged day, none for the missing ones"
    assert svg.count('d="M') == 1, "a line only joins days that follow one another"


def test_the_chart_is_an_image_with_a_title_a_description_and_a_legend(alice_client, alice) -> None:
    log(alice, days_ago(1), days_ago(0), night_pain=6, rested=True, active_minutes=30)
    page = alice_client.get(HISTORY).content.decode()
    assert 'role="img" aria-labelledby="pain-chart-title pain-chart-desc"' in page
    assert '<title id="pain-chart-title">' in page and '<desc id="pain-chart-desc">' in page
    assert 'viewBox="0 0 360 ' in page
    assert 'stroke-dasharray="6 4"' in page, "night pain is dashed, not only another colour"
    for label in ("Day pain: solid line, round dots", "Night pain: dashed line, square dots"):
        assert label in page


def test_the_chart_has_a_table_for_screen_readers(alice_client, alice) -> None:
    log(alice, days_ago(1), pain=7, night_pain=8)
    response = alice_client.get(HISTORY)
    page = response.content.decode()
    assert "<summary>Show as a table</summary>" in page
    assert "<caption>Pain, night pain, rest and activity for each logged day" in page
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "Wed 25 Nov" in table and "<td>7</td><td>8</td>" in table


def test_the_week_count_and_the_streak_end_yesterday_while_today_is_open(
    alice_client, alice
) -> None:
    # Friday 20th, then Sunday 22nd to Wednesday 25th; nothing yet on Thursday 26th.
    log(alice, days_ago(6), days_ago(4), days_ago(3), days_ago(2), days_ago(1))
    text = text_of(alice_client.get(HISTORY))
    assert "3 of 4 days logged this week (Monday to today)" in text, "Monday to Wednesday"
    assert "4 days in a row; log today to keep it going" in text, "Saturday 21st broke it"


def test_logging_today_extends_the_streak(alice_client, alice) -> None:
    log(alice, days_ago(2), days_ago(1), days_ago(0))
    text = text_of(alice_client.get(HISTORY))
    assert "3 of 4 days logged this week (Monday to today)" in text
    assert "3 days in a row" in text and "keep it going" not in text


def test_a_streak_broken_before_yesterday_is_gone(alice_client, alice) -> None:
    log(alice, days_ago(5), days_ago(4), days_ago(3))
    text = text_of(alice_client.get(HISTORY))
    assert "No run of days right now" in text
    assert "1 of 4 days logged this week" in text, "Monday 23rd counts; the weekend does not"


def test_the_streak_counts_back_until_the_first_missing_day() -> None:
    dates = [days_ago(0), days_ago(1), days_ago(2), days_ago(4), days_ago(5)]
    assert streak_ending(dates, THURSDAY) == 3
    assert streak_ending(dates[1:], THURSDAY) == 2
    assert streak_ending([], THURSDAY) == 0


def test_the_week_starts_on_monday_of_the_local_today() -> None:
    logged = {days_ago(n) for n in range(10)}
    assert days_logged_this_week(logged, THURSDAY) == 4
    assert days_logged_this_week(logged, dt.date(2026, 11, 23)) == 1


def test_days_are_listed_newest_first_with_edit_and_fill_in_links(alice_client, alice) -> None:
    log(alice, days_ago(1), days_ago(20), pain=6, night_pain=3)
    response = alice_client.get(HISTORY)
    page = response.content.decode()
    edits = [reverse("tracker:edit_entry", args=[e.pk]) for e in alice.entries.order_by("-date")]
    assert page.index(f'href="{edits[0]}"') < page.index(f'href="{edits[1]}"')
    assert "Pain 6, night pain 3" in text_of(response)
    for recent in (0, 2, 3, 4, 5, 6):
        assert f'href="{reverse("tracker:log_day", args=[days_ago(recent).isoformat()])}"' in page
    older = reverse("tracker:log_day", args=[days_ago(7).isoformat()])
    assert older not in page, "only the days the form still accepts can be filled in"


@pytest.mark.parametrize("asked", ["", "abc", "365", "-7", "7.5", "0", "1" * 40])
def test_any_other_period_falls_back_to_thirty_days(alice_client, asked) -> None:
    response = alice_client.get(HISTORY, {"days": asked})
    assert response.status_code == 200
    assert response.context["history"].days == 30
    assert 'aria-current="true">30 days</a>' in response.content.decode()


@pytest.mark.parametrize("days", [7, 30, 90])
def test_each_period_shows_that_many_days(alice_client, alice, days) -> None:
    log(alice, days_ago(89), days_ago(29), days_ago(6))
    chart = alice_client.get(HISTORY, {"days": days}).context["history"].chart
    assert chart.days == days
    assert chart.start == days_ago(days - 1)
    assert chart.logged_days == {7: 1, 30: 2, 90: 3}[days]


def test_period_links_work_without_javascript_and_swap_with_htmx(alice_client) -> None:
    page = alice_client.get(HISTORY).content.decode()
    link = f'href="{HISTORY}?days=7" hx-get="{HISTORY}?days=7" hx-target="#history-period"'
    assert link in page
    assert 'hx-push-url="true"' in page


def test_an_htmx_request_gets_only_the_period_section(alice_client, alice) -> None:
    log(alice, days_ago(0))
    response = alice_client.get(HISTORY, {"days": 7}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="history-period"')
    assert "<html" not in page and "days logged this week" not in page
    assert "HX-Request" in response["Vary"]


def test_going_back_in_the_browser_gets_the_whole_page(alice_client) -> None:
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    page = alice_client.get(HISTORY, headers=headers).content.decode()
    assert "<html" in page


def test_another_patients_diary_never_appears(alice_client, alice, bob) -> None:
    log(bob, days_ago(1), pain=9, night_pain=10)
    log(alice, days_ago(2), pain=2)
    response = alice_client.get(HISTORY, {"days": 90})
    bobs = bob.entries.get()
    assert reverse("tracker:edit_entry", args=[bobs.pk]) not in response.content.decode()
    assert [row.pain for row in response.context["history"].chart.rows] == [2]
    assert response.context["history"].streak == 0


def test_dates_are_the_persons_local_dates(client) -> None:
    # 12:00 UTC on Thursday is already Friday in Auckland.
    kiwi = make_patient("kiwi@example.com", zone="Pacific/Auckland")
    log(kiwi, THURSDAY + dt.timedelta(days=1))
    client.force_login(kiwi)
    history = client.get(HISTORY).context["history"]
    assert history.today == dt.date(2026, 11, 27)
    assert history.logged_today and history.streak == 1


def test_a_diary_with_nothing_in_the_period_says_so_kindly(alice_client) -> None:
    text = text_of(alice_client.get(HISTORY))
    assert "Nothing is logged in these 30 days yet" in text
    assert "No run of days right now" in text


def test_an_anonymous_visitor_is_sent_to_log_in(client) -> None:
    response = client.get(HISTORY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_physiotherapist_gets_not_found(client, physio) -> None:
    client.force_login(physio)
    assert client.get(HISTORY).status_code == 404


# The self-care page lives in tracker/views/pages.py; it has no test module of its own yet.


def test_the_self_care_page_is_open_to_everyone(client) -> None:
    response = client.get(reverse("tracker:self_care"))
    assert response.status_code == 200
    text = text_of(response)
    for advice in ("Staying active", "walking", "swimming", "yoga", "Heat or cold", "pharmacist"):
        assert advice in text
    assert "Bend at your knees" in text and "twisting" in text
    assert "warning symptoms on the daily form, see a doctor" in text


def test_the_self_care_page_links_to_how_triage_works_and_shows_the_notice(client) -> None:
    page = client.get(reverse("tracker:self_care")).content.decode()
    assert f'href="{reverse("triage:how_it_works")}"' in page
    assert "Information, not a diagnosis" in page
    assert "call your local emergency number" in page


def test_on_a_monday_the_week_count_says_it_is_only_today(alice_client, alice) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)):
        Entry.objects.create(user=alice, date=dt.date(2026, 11, 23), pain=3)
        text = text_of(alice_client.get(HISTORY))
    assert "1 of 1 day logged this week (today, Monday)" in text


def test_with_a_plan_the_history_shows_a_row_of_exercise_marks_at_constant_queries(
    client, alice, bob
) -> None:
    from exercises import plans
    from exercises.models import Exercise
    from exercises.plans import Prescription

    def with_plan(person: User, days: int) -> None:
        today = person.profile.local_today()
        plan = plans.choose_own_plan(
            patient=person, today=today - dt.timedelta(days=days),
            prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
        )  # fmt: skip
        for n in range(days):
            plans.change_plan(
                plan=plan, by=person, starts_on=today - dt.timedelta(days=n),
                prescriptions=[Prescription(exercise=Exercise.objects.get(code="walk"))],
            )  # fmt: skip
            plans.record_exercise_day(
                patient=person, day=today - dt.timedelta(days=n), marks={"walk": "done"}
            )

    with_plan(alice, 2)
    with_plan(bob, 40)
    assert queries_for_history(client, bob, 30) == queries_for_history(client, alice, 30)
    page = text_of(client.get(HISTORY, {"days": 7}))
    assert "Exercises planned on 3 days" in page  # Alice: since 2 days ago
    assert "Exercises on a planned day: empty circle none done" in page
