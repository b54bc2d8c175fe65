"""The notifications list: newest first, one's own only, read once seen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notify.models import Kind, Message

pytestmark = pytest.mark.django_db

LIST = reverse("notify:list")


def message(user: User, title: str, minutes_ago: int, *, read: bool = False) -> Message:
    created = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return Message.objects.create(
        key=f"test:{user.pk}:{title}",
        user=user,
        kind=Kind.REMINDER,
        title=title,
        body=f"Body of {title}",
        url="/today/",
        created_at=created,
        read_at=created if read else None,
    )


def test_the_list_needs_a_login(client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_list_shows_ones_own_messages_newest_first(alice_client, alice, bob) -> None:
    message(alice, "Older", 60)
    message(alice, "Newer", 5)
    message(bob, "Not yours", 1)
    page = alice_client.get(LIST).content.decode()
    assert page.index("Newer") < page.index("Older")
    assert "Not yours" not in page


def test_seeing_the_list_marks_it_read_and_clears_the_count(alice_client, alice) -> None:
    message(alice, "Fresh", 1)
    message(alice, "Seen before", 60, read=True)
    response = alice_client.get(LIST)
    page = response.content.decode()
    assert page.count(">New<") == 1
    assert response.context["unread_notifications"] == 0
    assert not Message.objects.filter(user=alice, read_at__isnull=True).exists()
    assert alice_client.get(LIST).content.decode().count(">New<") == 0


def test_the_list_reads_a_fixed_number_of_queries(
    alice_client, alice, django_assert_num_queries
) -> None:
    for number in range(40):
        message(alice, f"Message {number}", number)
    # session, user, profile (onboarding), count, page, mark read, header count, urgent banner
    with django_assert_num_queries(8):
        alice_client.get(LIST)


def test_older_notifications_are_on_the_next_page(alice_client, alice) -> None:
    for number in range(35):
        message(alice, f"Message {number:02}", number)
    first = alice_client.get(LIST).content.decode()
    assert "Message 29" in first and "Message 30" not in first
    older = alice_client.get(LIST, {"page": 2}).content.decode()
    assert "Message 30" in older and "Message 34" in older


def test_an_htmx_request_gets_only_the_list(alice_client, alice) -> None:
    message(alice, "Fresh", 1)
    page = alice_client.get(LIST, headers={"HX-Request": "true"}).content.decode()
    assert page.lstrip().startswith('<section id="notifications"')
    assert "Fresh" in page


def test_mark_all_as_read(alice_client, alice) -> None:
    for number in range(35):
        message(alice, f"Message {number}", number)
    alice_client.get(LIST)  # reads the first page only
    assert "Mark all as read" in alice_client.get(LIST).content.decode()
    response = alice_client.post(reverse("notify:mark_all_read"))
    assert response.status_code == 302
    assert not Message.objects.filter(read_at__isnull=True).exists()


def test_mark_all_as_read_leaves_other_people_alone(alice_client, bob) -> None:
    message(bob, "Bob's", 1)
    alice_client.post(reverse("notify:mark_all_read"))
    assert Message.objects.get(user=bob).read_at is None


def test_mark_all_as_read_is_a_post(alice_client) -> None:
    assert alice_client.get(reverse("notify:mark_all_read")).status_code == 405


def test_a_physiotherapist_sees_their_alerts(client, physio) -> None:
    message(physio, "A patient who shares their diary with you has an urgent flag", 1)
    client.force_login(physio)
    assert "urgent flag" in client.get(LIST).content.decode()
