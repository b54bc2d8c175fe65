from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from notify.models import Delivery, Kind, Message
from notify.service import send_many
from sharing import consent
from sharing.models import InvitationState, Share, ShareCode, ShareInvitation
from tests.conftest import make_patient
from tests.sharing.conftest import log, open_finding, share_between, today
from triage.escalation import Step, alert_to_physiotherapist

pytestmark = pytest.mark.django_db


def share_form(**fields: object) -> dict[str, object]:
    return {"how": "email", "email": "", "send_alerts": "on", **fields}


def make_code(client, **fields: object) -> str:
    response = client.post(reverse("sharing:new"), share_form(how="code", **fields))
    assert response.status_code == 200
    return response.context["code"]


# --- The consent screen ---------------------------------------------------------------------


def test_the_consent_screen_says_what_is_shared_with_notes_off_and_alerts_on(alice_client) -> None:
    response = alice_client.get(reverse("sharing:new"))
    page = response.content.decode()
    assert "diary entries" in page and "flags" in page and "weekly summaries" in page
    form = response.context["form"]
    assert form["include_notes"].initial is not True
    assert form["send_alerts"].initial is True
    assert 'name="ends_on"' in page


def test_physiotherapists_and_strangers_cannot_open_the_consent_screen(client, physio) -> None:
    assert client.get(reverse("sharing:new")).status_code == 302
    client.force_login(physio)
    assert client.get(reverse("sharing:new")).status_code == 404


def test_an_end_date_in_the_past_is_refused(alice_client, physio) -> None:
    yesterday = today() - dt.timedelta(days=2)
    response = alice_client.post(
        reverse("sharing:new"), share_form(email=physio.email, ends_on=yesterday.isoformat())
    )
    assert "cannot be in the past" in response.content.decode()
    assert not ShareInvitation.objects.exists()


# --- Invitations ----------------------------------------------------------------------------


def test_a_patient_invites_an_approved_physiotherapist_by_email(
    alice_client, alice, physio
) -> None:
    response = alice_client.post(
        reverse("sharing:new"), share_form(email="PHYSIO@example.com", include_notes="on")
    )
    assert response.status_code == 302
    invitation = ShareInvitation.objects.get()
    assert invitation.physiotherapist == physio
    assert invitation.include_notes and invitation.send_alerts
    assert invitation.state == InvitationState.PENDING
    assert not Share.objects.exists()


@pytest.mark.parametrize(
    "email", ["nobody@example.com", "newphysio@example.com", "bob@example.com"]
)
def test_an_unknown_or_unapproved_email_gets_one_message_that_reveals_nothing_more(
    alice_client, unapproved_physio, bob, email
) -> None:
    response = alice_client.post(reverse("sharing:new"), share_form(email=email))
    assert response.status_code == 200
    assert "We could not find an approved physiotherapist with that email." in (
        response.content.decode()
    )
    assert not ShareInvitation.objects.exists()


def test_the_physiotherapist_accepts_and_then_sees_the_diary(
    alice_client, alice, physio_client, physio
) -> None:
    client = physio_client
    alice_client.post(reverse("sharing:new"), share_form(email=physio.email))
    invitation = ShareInvitation.objects.get()
    caseload = client.get(reverse("physio:caseload")).content.decode()
    assert "Alice" in caseload and "Accept" in caseload
    assert client.get(reverse("physio:review", args=[alice.pk])).status_code == 404

    response = client.post(reverse("physio:accept", args=[invitation.pk]))
    assert response["Location"] == reverse("physio:review", args=[alice.pk])
    share = Share.objects.get()
    assert (share.patient, share.physiotherapist, share.send_alerts) == (alice, physio, True)
    assert client.get(reverse("physio:review", args=[alice.pk])).status_code == 200
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED and invitation.share == share


def test_an_invitation_cannot_be_accepted_twice_or_by_someone_else(
    alice, physio, other_physio, client
) -> None:
    invitation = consent.invite(patient=alice, email=physio.email, terms=consent.Terms())
    client.force_login(other_physio)
    assert client.post(reverse("physio:accept", args=[invitation.pk])).status_code == 404
    client.force_login(physio)
    client.post(reverse("physio:accept", args=[invitation.pk]))
    assert client.post(reverse("physio:accept", args=[invitation.pk])).status_code == 404
    assert Share.objects.count() == 1


def test_a_declined_invitation_starts_nothing(alice, physio, client) -> None:
    invitation = consent.invite(patient=alice, email=physio.email, terms=consent.Terms())
    client.force_login(physio)
    client.post(reverse("physio:decline", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED
    assert not Share.objects.exists()


def test_a_patient_cancels_a_pending_invitation(alice_client, alice, physio, physio_client):
    invitation = consent.invite(patient=alice, email=physio.email, terms=consent.Terms())
    alice_client.post(reverse("sharing:cancel_invitation", args=[invitation.pk]))
    assert physio_client.post(reverse("physio:accept", args=[invitation.pk])).status_code == 404
    assert not Share.objects.exists()


def test_a_new_invitation_replaces_the_terms_of_an_existing_share(alice, physio) -> None:
    first = share_between(alice, physio)
    invitation = consent.invite(
        patient=alice, email=physio.email, terms=consent.Terms(include_notes=True)
    )
    second = consent.accept_invitation(invitation=invitation, physiotherapist=physio)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert list(consent.shares_with(physio)) == [second]
    assert second.include_notes


def test_an_invitation_ending_today_can_be_accepted_until_the_patients_day_ends(
    physio,
) -> None:
    honolulu = make_patient("hana@example.com", zone="Pacific/Honolulu")
    with time_machine.travel(dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        # 4 March in London, still 3 March in Honolulu: the patient's last day of the share.
        invitation = consent.invite(
            patient=honolulu, email=physio.email, terms=consent.Terms(ends_on=dt.date(2026, 3, 3))
        )
        share = consent.accept_invitation(invitation=invitation, physiotherapist=physio)
    assert share.ends_on == dt.date(2026, 3, 3)


# --- Revoking and expiry ----------------------------------------------------------------------


def test_revoking_takes_effect_on_the_next_request(alice_client, share, alice, physio_client):
    client = physio_client
    log(alice, 0, 4)
    assert client.get(reverse("physio:review", args=[alice.pk])).status_code == 200
    response = alice_client.post(reverse("sharing:revoke", args=[share.pk]))
    assert response.status_code == 302
    assert client.get(reverse("physio:review", args=[alice.pk])).status_code == 404
    assert "Alice" not in client.get(reverse("physio:caseload")).content.decode()


def test_revoking_removes_the_physiotherapists_alerts_about_the_patient_only(
    alice_client, share, alice, bob, physio
) -> None:
    share_between(bob, physio)
    for patient in (alice, bob):
        finding = open_finding(patient, "CHEST_PAIN")
        send_many(outgoing=[alert_to_physiotherapist(physio, finding, Step.FIRST)])
    alice_client.post(reverse("sharing:revoke", args=[share.pk]))
    alerts = Message.objects.filter(user=physio, kind=Kind.PHYSIO_ALERT)
    assert [alert.about for alert in alerts] == [bob]
    assert not Delivery.objects.filter(message__about=alice).exists()
    assert reverse("physio:review", args=[alice.pk]) not in physio_page(physio)


def physio_page(physio) -> str:
    client = Client()
    client.force_login(physio)
    return client.get(reverse("notify:list")).content.decode()


def test_a_share_past_its_end_date_behaves_as_revoked(alice, physio, client) -> None:
    share_between(alice, physio, ends_on=today() + dt.timedelta(days=1))
    client.force_login(physio)
    assert client.get(reverse("physio:review", args=[alice.pk])).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        client.force_login(physio)  # two days on, the old session has expired
        assert client.get(reverse("physio:review", args=[alice.pk])).status_code == 404
        assert "Alice" not in client.get(reverse("physio:caseload")).content.decode()
        assert consent.physiotherapists_receiving_alerts(alice) == []


def test_after_an_expired_share_the_patient_can_share_again(alice, physio) -> None:
    share_between(alice, physio, ends_on=today() - dt.timedelta(days=1))
    invitation = consent.invite(patient=alice, email=physio.email, terms=consent.Terms())
    share = consent.accept_invitation(invitation=invitation, physiotherapist=physio)
    assert list(consent.shares_with(physio)) == [share]


def test_the_patient_sees_who_has_access_and_can_stop_it(alice_client, share) -> None:
    page = alice_client.get(reverse("sharing:overview")).content.decode()
    assert "Charlie" in page and "Stop sharing with Charlie" in page
    assert "not your notes" in page


def test_a_patient_cannot_revoke_someone_elses_share(client, bob, share) -> None:
    client.force_login(bob)
    assert client.post(reverse("sharing:revoke", args=[share.pk])).status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is None


# --- Share codes --------------------------------------------------------------------------------


def test_a_share_code_is_short_unambiguous_and_stored_only_as_a_hash(alice_client) -> None:
    code = make_code(alice_client)
    typed = consent.normalise_code(code)
    assert len(typed) == 8 and set(typed) <= set(consent.CODE_ALPHABET)
    assert not set(typed) & set("01OIL")
    stored = ShareCode.objects.get()
    assert typed not in stored.code_hash and code not in stored.code_hash
    assert stored.code_hash == consent.hash_code(code)
    assert stored.expires_at - stored.created_at == dt.timedelta(days=7)


def test_the_code_page_is_never_cached(alice_client) -> None:
    response = alice_client.post(reverse("sharing:new"), share_form(how="code"))
    assert "no-store" in response["Cache-Control"]


def test_a_physiotherapist_enters_a_code_once_and_the_share_starts(
    alice_client, alice, physio, other_physio, physio_client
) -> None:
    client = physio_client
    code = make_code(alice_client, include_notes="on")
    response = client.post(reverse("physio:redeem_code"), {"code": code.lower().replace("-", " ")})
    assert response["Location"] == reverse("physio:review", args=[alice.pk])
    share = Share.objects.get()
    assert share.physiotherapist == physio and share.include_notes
    client.force_login(other_physio)
    response = client.post(reverse("physio:redeem_code"), {"code": code}, follow=True)
    assert "That code does not work" in response.content.decode()
    assert Share.objects.count() == 1


def test_an_expired_code_does_not_work(alice_client, physio) -> None:
    code = make_code(alice_client)
    later = timezone.now() + dt.timedelta(days=7, minutes=1)
    with time_machine.travel(later), pytest.raises(consent.CodeRefused):
        consent.redeem_share_code(physiotherapist=physio, typed=code)
    assert not Share.objects.exists()


def test_a_cancelled_code_does_not_work(alice_client, physio) -> None:
    code = make_code(alice_client)
    alice_client.post(reverse("sharing:cancel_code", args=[ShareCode.objects.get().pk]))
    with pytest.raises(consent.CodeRefused):
        consent.redeem_share_code(physiotherapist=physio, typed=code)


def test_five_wrong_codes_in_an_hour_lock_code_entry_for_an_hour(
    alice_client, physio, physio_client
):
    client = physio_client
    code = make_code(alice_client)
    for _ in range(4):
        response = client.post(reverse("physio:redeem_code"), {"code": "AAAA-AAAA"}, follow=True)
        assert "That code does not work" in response.content.decode()
    response = client.post(reverse("physio:redeem_code"), {"code": "AAAA-AAAA"}, follow=True)
    assert "Too many wrong codes" in response.content.decode()
    # Even the right code is refused while locked, and the refusal is not counted again.
    response = client.post(reverse("physio:redeem_code"), {"code": code}, follow=True)
    assert "Too many wrong codes" in response.content.decode()
    assert not Share.objects.exists()
    failures = AuditEvent.objects.filter(actor=physio, action=AuditAction.SHARE_CODE_FAILED)
    assert failures.count() == 5
    assert AuditEvent.objects.filter(actor=physio, action=AuditAction.LOCKOUT).count() == 1

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=61)):
        client.force_login(physio)  # an hour idle ends a physiotherapist's session
        client.post(reverse("physio:redeem_code"), {"code": code})
        assert Share.objects.filter(physiotherapist=physio).exists()


def test_wrong_codes_spread_over_more_than_an_hour_do_not_lock(alice_client, physio) -> None:
    code = make_code(alice_client)
    start = timezone.now()
    for minutes in (0, 20, 40, 60, 80):
        moment = start + dt.timedelta(minutes=minutes)
        with time_machine.travel(moment), pytest.raises(consent.CodeRefused):
            consent.redeem_share_code(physiotherapist=physio, typed="BBBB-BBBB")
    with time_machine.travel(start + dt.timedelta(minutes=81)):
        assert consent.code_attempts_locked_until(physio) is None
        consent.redeem_share_code(physiotherapist=physio, typed=code)


def test_one_physiotherapists_lockout_does_not_lock_another(alice_client, physio, other_physio):
    code = make_code(alice_client)
    for _ in range(5):
        with pytest.raises(consent.CodeRefused):
            consent.redeem_share_code(physiotherapist=physio, typed="CCCC-CCCC")
    with pytest.raises(consent.CodeAttemptsLocked):
        consent.redeem_share_code(physiotherapist=physio, typed=code)
    share = consent.redeem_share_code(physiotherapist=other_physio, typed=code)
    assert share.physiotherapist == other_physio


def test_an_unapproved_physiotherapist_cannot_enter_codes(alice_client, unapproved_physio):
    code = make_code(alice_client)
    client = Client()
    client.force_login(unapproved_physio)
    assert client.post(reverse("physio:redeem_code"), {"code": code}).status_code == 404
    assert not Share.objects.exists()
