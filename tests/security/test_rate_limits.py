"""Entry saves, imports and invitations are limited per person, counted in the cache;
past the limit the answer is 429 with a message saying when to try again, never a 500."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts import ratelimit
from sharing.models import Share, ShareCode, ShareInvitation
from tests.pwa.test_offline_sync import replay_of
from tests.tracker.test_entries import entry_form
from tracker.models import Entry

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 26, 12, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def at_noon():
    with time_machine.travel(NOON, tick=False):
        yield


def use_up(limit: ratelimit.Limit, who: object, leaving: int = 0) -> None:
    for _ in range(limit.allowed - leaving):
        ratelimit.take(limit, who)


# --- The counter --------------------------------------------------------------------------


def test_the_counter_allows_exactly_the_limit_in_a_window() -> None:
    limit = ratelimit.Limit("test", 3, dt.timedelta(hours=1), "do this 3 times an hour")
    for _ in range(3):
        ratelimit.take(limit, "x")
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.take(limit, "x")
    assert refused.value.retry_at == dt.datetime(2026, 11, 26, 13, 0, tzinfo=dt.UTC)
    assert "try again after 13:00 UTC" in refused.value.message
    ratelimit.take(limit, "y")  # someone else is not affected
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        ratelimit.take(limit, "x")


def test_a_refused_request_is_not_counted() -> None:
    limit = ratelimit.Limit("test", 2, dt.timedelta(hours=1), "do this twice an hour")
    use_up(limit, "x")
    for _ in range(5):
        with pytest.raises(ratelimit.RateLimited):
            ratelimit.take(limit, "x")
    assert cache.get(limit.key("x", ratelimit.window_of(limit, NOON))) == 2


def test_a_windows_count_expires_with_its_window() -> None:
    limit = ratelimit.Limit("test", 2, dt.timedelta(hours=1), "do this twice an hour")
    ratelimit.take(limit, "x")
    start = ratelimit.window_of(limit, NOON)
    key, window_end = limit.key("x", start), start + limit.window
    with time_machine.travel(window_end + dt.timedelta(seconds=50), tick=False):
        assert cache.get(key) == 1, "kept a minute past its window, for clocks a little apart"
    with time_machine.travel(window_end + dt.timedelta(seconds=70), tick=False):
        assert cache.get(key) is None


def test_counts_are_shared_through_redis_by_every_process(settings, broker_url) -> None:
    """The real cache: what one web process counts, another sees (here, two connections)."""
    redis_cache = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {
        "default": {"BACKEND": redis_cache, "LOCATION": broker_url, "KEY_PREFIX": "test-limits"}
    }
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    limit = ratelimit.Limit("shared", 3, dt.timedelta(hours=1), "do this 3 times an hour")
    ratelimit.take(limit, "x")
    other_process = RedisCache(broker_url, {"KEY_PREFIX": "test-limits"})
    key = limit.key("x", ratelimit.window_of(limit, NOON))
    assert other_process.get(key) == 1
    other_process.incr(key, 2)
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.take(limit, "x")
    caches["default"].clear()


def test_with_the_cache_out_of_reach_entries_are_saved_and_codes_refused(
    settings, alice_client, alice, local_today
) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.25}}}  # fmt: skip
    response = alice_client.post(reverse("tracker:today"), entry_form(local_today))
    assert response.status_code == 302 and Entry.objects.filter(user=alice).exists()
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.check(ratelimit.SECOND_STEP_FAILURES, alice.pk)
    assert "cannot be checked safely just now" in refused.value.message


# --- Entries -------------------------------------------------------------------------------


def test_the_61st_entry_save_in_an_hour_is_refused_and_nothing_is_saved(
    alice_client, alice, local_today
) -> None:
    use_up(ratelimit.ENTRY_SAVES, alice.pk, leaving=1)
    assert alice_client.post(reverse("tracker:today"), entry_form(local_today)).status_code == 302
    Entry.objects.all().delete()
    response = alice_client.post(reverse("tracker:today"), entry_form(local_today))
    assert response.status_code == 429
    page = response.content.decode()
    assert "Not saved. You can save 60 entries an hour" in page
    assert "try again after 13:00 UTC" in page
    assert not Entry.objects.exists()


def test_with_htmx_the_refusal_shows_in_the_result_panel_with_the_answers_kept(
    alice_client, alice, local_today
) -> None:
    use_up(ratelimit.ENTRY_SAVES, alice.pk)
    response = alice_client.post(
        reverse("tracker:today"),
        entry_form(local_today, notes="my words"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 429  # swapped in: base.html's htmx config
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="entry-area">')
    assert '<section class="panel panel-soon" role="alert">' in page
    assert "my words" in page
    assert not Entry.objects.exists()


def test_the_offline_sync_is_refused_with_json_and_the_phone_keeps_the_entry(
    alice_client, alice, local_today
) -> None:
    use_up(ratelimit.ENTRY_SAVES, alice.pk)
    response = alice_client.post(
        reverse("tracker:sync_entry"), replay_of(alice, entry_form(local_today))
    )
    assert response.status_code == 429
    assert response.json()["status"] == "rate_limited"
    assert "try again after 13:00 UTC" in response.json()["message"]


def test_entry_saves_come_back_the_next_hour(alice_client, alice, local_today) -> None:
    use_up(ratelimit.ENTRY_SAVES, alice.pk)
    with time_machine.travel(NOON + dt.timedelta(minutes=50), tick=False):
        response = alice_client.post(reverse("tracker:today"), entry_form(local_today))
    assert response.status_code == 302


# --- Imports and invitations -----------------------------------------------------------------


def test_the_11th_import_in_an_hour_is_refused(alice_client, alice) -> None:
    use_up(ratelimit.IMPORTS, alice.pk)
    document = json.dumps({"format": "backpain-diary/1", "entries": []}).encode()
    file = SimpleUploadedFile("diary.json", document, content_type="application/json")
    response = alice_client.post(reverse("tracker:import"), {"document": file})
    assert response.status_code == 429
    assert "Nothing was imported. You can import 10 files an hour" in response.content.decode()


def test_the_21st_invitation_in_a_day_is_refused(alice_client, alice, physio) -> None:
    use_up(ratelimit.SHARE_OFFERS, alice.pk)
    response = alice_client.post(
        reverse("sharing:new"), {"how": "email", "email": physio.email, "send_alerts": "on"}
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert "Nothing was sent. You can send 20 invitations or codes a day" in page
    assert not ShareInvitation.objects.exists() and not ShareCode.objects.exists()


def test_a_refused_form_does_not_use_up_invitations(alice_client, alice) -> None:
    alice_client.post(reverse("sharing:new"), {"how": "email", "email": ""})
    limit = ratelimit.SHARE_OFFERS
    assert cache.get(limit.key(alice.pk, ratelimit.window_of(limit, NOON))) is None


def test_wrong_share_codes_from_two_browsers_add_up_to_one_lock(alice_client, physio) -> None:
    """The count is in the database: another browser (or web process) sees the same."""
    phone, desktop = Client(), Client()
    for browser in (phone, desktop):
        browser.force_login(physio)
    for browser in (phone, phone, phone, desktop, desktop):
        browser.post(reverse("physio:redeem_code"), {"code": "AAAA-AAAA"})
    code = alice_client.post(reverse("sharing:new"), {"how": "code", "send_alerts": "on"}).context[
        "code"
    ]
    response = phone.post(reverse("physio:redeem_code"), {"code": code}, follow=True)
    assert "Too many wrong codes" in response.content.decode()
    assert not Share.objects.exists()
