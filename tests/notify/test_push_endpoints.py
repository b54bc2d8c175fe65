"""The push subscription endpoints a browser calls, and the public key it asks for."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from notify.models import PushSubscription
from notify.subscriptions import MAX_DEVICES_PER_PERSON
from tests.notify.push_stub import browser_keys

pytestmark = pytest.mark.django_db

SUBSCRIBE = reverse("notify:push_subscribe")
UNSUBSCRIBE = reverse("notify:push_unsubscribe")
KEY = reverse("notify:vapid_public_key")
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def subscription(endpoint: object = ENDPOINT, **keys: Any) -> dict[str, Any]:
    return {"endpoint": endpoint, "keys": {**browser_keys(), **keys}}


def post_json(client, url: str, payload: Any):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(url, body, content_type="application/json")


def test_a_browser_subscribes_its_device(alice_client, alice) -> None:
    response = post_json(alice_client, SUBSCRIBE, subscription())
    assert response.status_code == 201
    assert response.json() == {"subscribed": True}
    assert PushSubscription.objects.get().user == alice


def test_subscribing_again_updates_the_one_subscription(alice_client) -> None:
    post_json(alice_client, SUBSCRIBE, subscription())
    renewed = subscription()
    response = post_json(alice_client, SUBSCRIBE, renewed)
    assert response.status_code == 200
    assert PushSubscription.objects.get().p256dh == renewed["keys"]["p256dh"]


def test_a_device_moves_to_whoever_subscribes_it_last(alice_client, client, bob) -> None:
    post_json(alice_client, SUBSCRIBE, subscription())
    client.force_login(bob)
    post_json(client, SUBSCRIBE, subscription())
    assert PushSubscription.objects.get().user == bob


def test_a_person_keeps_their_newest_devices(alice_client, alice) -> None:
    for number in range(MAX_DEVICES_PER_PERSON + 2):
        post_json(alice_client, SUBSCRIBE, subscription(f"{ENDPOINT}/{number}"))
    endpoints = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert len(endpoints) == MAX_DEVICES_PER_PERSON
    assert f"{ENDPOINT}/0" not in endpoints
    assert f"{ENDPOINT}/{MAX_DEVICES_PER_PERSON + 1}" in endpoints


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ({"endpoint": ENDPOINT}, "keys must be an object"),
        (subscription(endpoint=""), "endpoint must be a URL"),
        (subscription(endpoint=42), "endpoint must be a URL"),
        (subscription(endpoint="http://push.example.com/x"), "https URL"),
        (subscription(endpoint="ftp://push.example.com/x"), "https URL"),
        (subscription(endpoint="javascript:alert(1)"), "https URL"),
        (subscription(endpoint="https://" + "a" * 1000 + ".com/"), "longer than 1000"),
        (subscription(p256dh="not base64!"), "keys.p256dh must be a base64url"),
        (subscription(p256dh="AAAA"), "uncompressed P-256 point"),
        (subscription(p256dh="BA" + "A" * 85), "not a point on the P-256 curve"),
        (subscription(p256dh="x" * 201), "keys.p256dh must be a base64url"),
        (subscription(auth="c2hvcnQ"), "keys.auth must be 16 bytes"),
        (subscription(auth=None), "keys.auth must be a base64url"),
    ],
)
def test_bad_subscriptions_get_400_with_a_message(alice_client, payload, message) -> None:
    response = post_json(alice_client, SUBSCRIBE, payload)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_an_oversized_request_gets_400(alice_client) -> None:
    response = post_json(alice_client, SUBSCRIBE, {"padding": "x" * 5000})
    assert response.status_code == 400


def test_a_loopback_http_endpoint_is_allowed_only_in_development(alice_client, settings):
    local = subscription(endpoint="http://127.0.0.1:9999/push/1")
    settings.DEBUG = False
    assert post_json(alice_client, SUBSCRIBE, local).status_code == 400
    settings.DEBUG = True
    assert post_json(alice_client, SUBSCRIBE, local).status_code == 201


def test_subscribing_needs_a_login(client) -> None:
    response = post_json(client, SUBSCRIBE, subscription())
    assert response.status_code == 401
    assert not PushSubscription.objects.exists()


def test_subscribing_is_a_post(alice_client) -> None:
    assert alice_client.get(SUBSCRIBE).status_code == 405


def test_unsubscribing_removes_the_device(alice_client) -> None:
    post_json(alice_client, SUBSCRIBE, subscription())
    response = post_json(alice_client, UNSUBSCRIBE, {"endpoint": ENDPOINT})
    assert response.json() == {"removed": 1}
    assert not PushSubscription.objects.exists()


def test_nobody_can_unsubscribe_someone_elses_device(alice_client, client, bob) -> None:
    post_json(alice_client, SUBSCRIBE, subscription())
    client.force_login(bob)
    assert post_json(client, UNSUBSCRIBE, {"endpoint": ENDPOINT}).json() == {"removed": 0}
    assert PushSubscription.objects.exists()


@pytest.mark.parametrize("payload", ["{", "[]", {"endpoint": 7}, {}])
def test_a_bad_unsubscribe_gets_400(alice_client, payload) -> None:
    assert post_json(alice_client, UNSUBSCRIBE, payload).status_code == 400


def test_unsubscribing_needs_a_login(client) -> None:
    assert post_json(client, UNSUBSCRIBE, {"endpoint": ENDPOINT}).status_code == 401


def test_the_public_key_is_served_to_the_browser(client, settings) -> None:
    settings.VAPID_PUBLIC_KEY = "BPublicKey"
    assert client.get(KEY).json() == {"public_key": "BPublicKey"}


def test_no_public_key_when_push_is_not_set_up(client, settings) -> None:
    settings.VAPID_PUBLIC_KEY = ""
    assert client.get(KEY).status_code == 404


def test_the_settings_page_offers_push_on_this_phone_when_push_is_set_up(
    alice_client, vapid
) -> None:
    page = alice_client.get(reverse("tracker:notification_settings")).content.decode()
    assert "Allow notifications on this phone" in page
    assert "/static/js/push.js" in page  # a script file, no inline script
    assert "<script>" not in page


def test_the_settings_page_offers_no_push_when_push_is_not_set_up(alice_client, settings):
    settings.VAPID_PUBLIC_KEY = ""
    page = alice_client.get(reverse("tracker:notification_settings")).content.decode()
    assert "Allow notifications on this phone" not in page
