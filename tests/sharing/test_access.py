"""Every URL that carries an id: only the right person with a live share gets through.

Anyone else is sent to log in (when anonymous) or gets a 404, and no data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from sharing import consent
from sharing.models import ClinicalNote, Share
from tests.sharing.conftest import log, open_finding, share_between, today
from triage.models import Finding, FindingState, ProfileFlagClearance

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Shoulder blade pain, ask about sleep"


@dataclass(frozen=True)
class Page:
    name: str
    method: str
    args: tuple[str, ...]  # names of objects in the `world` fixture


PHYSIO_PAGES = [
    Page("physio:review", "get", ("patient",)),
    Page("physio:export_pdf", "get", ("patient",)),
    Page("physio:export_csv", "get", ("patient",)),
    Page("physio:export_exercise_log", "get", ("patient",)),
    Page("physio:export_fhir", "get", ("patient",)),
    Page("physio:save_note", "post", ("patient",)),
    Page("physio:check_flag", "post", ("patient", "profile_code")),
    Page("physio:undo_check", "post", ("patient", "profile_code")),
    Page("physio:acknowledge", "post", ("patient", "finding")),
]
PATIENT_PAGES = [
    Page("sharing:revoke", "post", ("share",)),
    Page("sharing:cancel_invitation", "post", ("invitation",)),
    Page("sharing:cancel_code", "post", ("code",)),
]
INVITATION_PAGES = [
    Page("physio:accept", "post", ("invitation",)),
    Page("physio:decline", "post", ("invitation",)),
]


@pytest.fixture
def world(alice: User, physio: User) -> dict[str, object]:
    """Alice shares with the physiotherapist; she has a diary, flags and an open invitation."""
    log(alice, 0, 5, notes="private words")
    share = share_between(alice, physio)
    ClinicalNote.objects.create(physiotherapist=physio, patient=alice, text=SECRET_NOTE)
    ProfileFlagClearance.objects.create(user=alice, code="AGE", cleared_by=alice)
    other = User.objects.create_user(
        "erin@example.com", "x", role="physiotherapist", registration_number="PH9",
        approved_at=timezone.now(),
    )  # fmt: skip
    share_code, _ = consent.create_share_code(patient=alice, terms=consent.Terms())
    return {
        "patient": alice.pk,
        "share": share.pk,
        "finding": open_finding(alice, "CHEST_PAIN").pk,
        "profile_code": "AGE",
        "invitation": consent.invite(patient=alice, email=other.email, terms=consent.Terms()).pk,
        "code": share_code.pk,
    }


def call(client, page: Page, world: dict[str, object]):
    url = reverse(page.name, args=[world[name] for name in page.args])
    if page.method == "post":
        return client.post(url, {"text": "overwritten"})
    return client.get(url)


def assert_nothing_changed(alice: User, physio: User) -> None:
    assert Finding.objects.get(code="CHEST_PAIN").state == FindingState.OPEN
    assert ProfileFlagClearance.objects.get(code="AGE").undone_at is None
    assert ClinicalNote.objects.get().text == SECRET_NOTE
    assert not ProfileFlagClearance.objects.filter(cleared_by=physio).exists()


def assert_refused(response, *, anonymous: bool = False) -> None:
    if anonymous:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 404
    body = response.content.decode(errors="replace")
    assert "Alice" not in body and SECRET_NOTE not in body and "private words" not in body


ALL_PAGES = PHYSIO_PAGES + PATIENT_PAGES + INVITATION_PAGES


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: p.name)
def test_anonymous_visitors_are_sent_to_log_in(client, world, alice, physio, page) -> None:
    assert_refused(call(client, page, world), anonymous=True)
    assert_nothing_changed(alice, physio)


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: p.name)
def test_another_patient_gets_404(client, world, bob, alice, physio, page) -> None:
    client.force_login(bob)
    assert_refused(call(client, page, world))
    assert_nothing_changed(alice, physio)


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: p.name)
def test_an_unapproved_physiotherapist_gets_404(
    client, world, unapproved_physio, alice, physio, page
) -> None:
    share_between(alice, unapproved_physio)  # even with a share, nothing before approval
    client.force_login(unapproved_physio)
    assert_refused(call(client, page, world))
    assert_nothing_changed(alice, physio)


@pytest.mark.parametrize("page", PHYSIO_PAGES, ids=lambda p: p.name)
def test_another_physiotherapist_gets_404(client, world, other_physio, alice, physio, page):
    client.force_login(other_physio)
    assert_refused(call(client, page, world))
    assert_nothing_changed(alice, physio)


@pytest.mark.parametrize("page", PHYSIO_PAGES, ids=lambda p: p.name)
def test_a_physiotherapist_whose_share_was_revoked_gets_404(client, world, alice, physio, page):
    Share.objects.update(revoked_at=timezone.now())
    client.force_login(physio)
    assert_refused(call(client, page, world))
    assert_nothing_changed(alice, physio)


@pytest.mark.parametrize("page", PHYSIO_PAGES, ids=lambda p: p.name)
def test_a_physiotherapist_whose_share_expired_gets_404(client, world, alice, physio, page):
    Share.objects.update(ends_on=today() - dt.timedelta(days=1))
    client.force_login(physio)
    assert_refused(call(client, page, world))
    assert_nothing_changed(alice, physio)


@pytest.mark.parametrize("page", PATIENT_PAGES + INVITATION_PAGES, ids=lambda p: p.name)
def test_the_physiotherapist_cannot_use_the_patients_pages(client, world, alice, physio, page):
    """The shared-with physio is not the invited one, and never acts for the patient."""
    client.force_login(physio)
    assert_refused(call(client, page, world))


@pytest.mark.parametrize("page", PHYSIO_PAGES[:4], ids=lambda p: p.name)
def test_the_physiotherapist_with_a_live_share_gets_through(client, world, physio, page):
    client.force_login(physio)
    assert call(client, page, world).status_code == 200


def test_a_made_up_patient_id_is_404(client, physio) -> None:
    client.force_login(physio)
    assert client.get(reverse("physio:review", args=[999999])).status_code == 404


def test_an_unapproved_physiotherapist_sees_the_waiting_page_and_no_patient(
    client, unapproved_physio, alice
) -> None:
    share_between(alice, unapproved_physio)
    client.force_login(unapproved_physio)
    page = client.get(reverse("physio:caseload")).content.decode()
    assert "waiting for approval" in page
    assert "Alice" not in page


def test_patients_cannot_open_the_caseload(alice_client) -> None:
    assert alice_client.get(reverse("physio:caseload")).status_code == 404
