"""Sharing a diary with a physiotherapist: who may see it, how a share starts and ends.

A share starts in one of two ways, both led by the patient: an invitation to the email of
an approved physiotherapist's account, which the physiotherapist accepts; or a one-time
code the patient hands over, which the physiotherapist enters. Either way the patient has
first agreed to the same terms (`ShareTerms`). Revoking, or the end date passing, ends it
on the next request: every read goes through `live_shares()`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts import ratelimit
from accounts.audit import record
from accounts.models import AuditAction, Role, User
from notify.models import Kind, Message
from sharing.models import InvitationState, Share, ShareCode, ShareInvitation
from tracker.queries import TheirToday, today_of

# 8 characters from 31 that cannot be misread (no 0/O, 1/I/L): about 40 bits. With at most
# 5 wrong tries an hour per physiotherapist (ratelimit.SHARE_CODE_FAILURES), guessing a live
# code is out of reach.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = dt.timedelta(days=7)


@dataclass(frozen=True)
class Terms:
    include_notes: bool = False
    send_alerts: bool = True
    ends_on: dt.date | None = None


class NoSuchPhysiotherapist(Exception):
    """No approved physiotherapist has an account with that email."""


class InvitationEnded(Exception):
    """The invitation was answered or cancelled, or the end date it offered has passed."""


class CodeRefused(Exception):
    """The code is wrong, used, cancelled or expired (the physiotherapist is not told which)."""


class CodeAttemptsLocked(CodeRefused):
    """Too many wrong codes lately: every code is refused until `until`."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"Too many wrong codes; try again after {until:%H:%M} UTC.")
        self.until = until


def live_shares() -> QuerySet[Share]:
    """Not revoked, and not past the last day the patient chose, on the patient's calendar."""
    not_ended = TheirToday(timezone.now()).on_or_after("ends_on", "patient__profile__time_zone")
    return Share.objects.filter(revoked_at__isnull=True).filter(Q(ends_on__isnull=True) | not_ended)


def shares_with(physiotherapist: User) -> QuerySet[Share]:
    """The live shares a physiotherapist may read: the only door to a patient's diary."""
    return live_shares().filter(physiotherapist=physiotherapist)


def physiotherapists_receiving_alerts(patient: User) -> list[User]:
    shares = live_shares().filter(
        patient=patient,
        send_alerts=True,
        physiotherapist__approved_at__isnull=False,
        physiotherapist__is_active=True,
    )
    return [share.physiotherapist for share in shares.select_related("physiotherapist")]


def approved_physiotherapists() -> QuerySet[User]:
    return User.objects.filter(role=Role.PHYSIOTHERAPIST, approved_at__isnull=False, is_active=True)


# --- Starting a share ------------------------------------------------------------------------


def invite(*, patient: User, email: str, terms: Terms) -> ShareInvitation:
    """Invite the approved physiotherapist whose account has this email. A pending
    invitation to the same person is replaced by this one (the latest terms win)."""
    physiotherapist = approved_physiotherapists().filter(email__iexact=email.strip()).first()
    if physiotherapist is None:
        raise NoSuchPhysiotherapist
    with transaction.atomic():
        ShareInvitation.objects.filter(
            patient=patient, physiotherapist=physiotherapist, state=InvitationState.PENDING
        ).update(state=InvitationState.CANCELLED, answered_at=timezone.now())
        return ShareInvitation.objects.create(
            patient=patient, physiotherapist=physiotherapist, **_terms_fields(terms)
        )


def accept_invitation(*, invitation: ShareInvitation, physiotherapist: User) -> Share:
    """Start the share the invitation offers. Refused when the chosen end date has passed."""
    if invitation.has_ended(today_of(invitation.patient)):
        raise InvitationEnded
    with transaction.atomic():
        claimed = ShareInvitation.objects.filter(
            pk=invitation.pk, physiotherapist=physiotherapist, state=InvitationState.PENDING
        ).update(state=InvitationState.ACCEPTED, answered_at=timezone.now())
        if claimed != 1:
            raise InvitationEnded
        share = _start_share(invitation.patient, physiotherapist, invitation)
        ShareInvitation.objects.filter(pk=invitation.pk).update(share=share)
    return share


def decline_invitation(*, invitation: ShareInvitation) -> None:
    ShareInvitation.objects.filter(pk=invitation.pk, state=InvitationState.PENDING).update(
        state=InvitationState.DECLINED, answered_at=timezone.now()
    )


def cancel_invitation(*, invitation: ShareInvitation) -> None:
    ShareInvitation.objects.filter(pk=invitation.pk, state=InvitationState.PENDING).update(
        state=InvitationState.CANCELLED, answered_at=timezone.now()
    )


def pending_invitations_for(physiotherapist: User) -> QuerySet[ShareInvitation]:
    not_ended = TheirToday(timezone.now()).on_or_after("ends_on", "patient__profile__time_zone")
    return (
        ShareInvitation.objects.filter(
            physiotherapist=physiotherapist, state=InvitationState.PENDING
        )
        .filter(Q(ends_on__isnull=True) | not_ended)
        .select_related("patient")
        .order_by("created_at")
    )


def create_share_code(*, patient: User, terms: Terms) -> tuple[ShareCode, str]:
    """Make a one-time code; returns it with the only copy of the code in clear."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    now = timezone.now()
    share_code = ShareCode.objects.create(
        patient=patient,
        code_hash=hash_code(code),
        created_at=now,
        expires_at=now + CODE_LIFETIME,
        **_terms_fields(terms),
    )
    return share_code, code


def show_code(code: str) -> str:
    """ABCD-EFGH: easier to read aloud and to type."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    """Keyed with SECRET_KEY: a copy of the database alone cannot be searched for codes."""
    return salted_hmac("upright.share-code", normalise_code(code), algorithm="sha256").hexdigest()


def redeem_share_code(
    *, physiotherapist: User, typed: str, request: HttpRequest | None = None
) -> Share:
    """Start a share from a code. Each wrong code is written to the audit log and counted
    (`ratelimit.SHARE_CODE_FAILURES`, in the cache every web process shares): once the
    hour's tries are used up, every attempt is refused until that hour ends."""
    locked_until = code_attempts_locked_until(physiotherapist)
    if locked_until is not None:
        raise CodeAttemptsLocked(locked_until)
    now = timezone.now()
    with transaction.atomic():
        share_code = ShareCode.objects.filter(code_hash=hash_code(typed)).first()
        # A conditional UPDATE claims the code: of two physiotherapists racing, one wins.
        if (
            share_code is not None
            and not share_code.has_ended(now.date())
            and ShareCode.objects.filter(
                pk=share_code.pk, used_at=None, cancelled_at=None, expires_at__gt=now
            ).update(used_at=now, used_by=physiotherapist)
            == 1
        ):
            share = _start_share(share_code.patient, physiotherapist, share_code)
            ShareCode.objects.filter(pk=share_code.pk).update(share=share)
            record(request, AuditAction.SHARE_CODE_USED, share.patient, actor=physiotherapist)
            return share
    record(request, AuditAction.SHARE_CODE_FAILED, actor=physiotherapist)
    ratelimit.count(ratelimit.SHARE_CODE_FAILURES, physiotherapist.pk)
    locked_until = code_attempts_locked_until(physiotherapist)
    if locked_until is not None:
        record(request, AuditAction.LOCKOUT, detail="share codes", actor=physiotherapist)
        raise CodeAttemptsLocked(locked_until)
    raise CodeRefused


def code_attempts_locked_until(physiotherapist: User) -> dt.datetime | None:
    """When code entry opens again for this physiotherapist, or None if it is open."""
    try:
        ratelimit.check(ratelimit.SHARE_CODE_FAILURES, physiotherapist.pk)
    except ratelimit.RateLimited as limited:
        return limited.retry_at
    return None


def cancel_share_code(*, share_code: ShareCode) -> None:
    ShareCode.objects.filter(pk=share_code.pk, used_at=None, cancelled_at=None).update(
        cancelled_at=timezone.now()
    )


def usable_codes_of(patient: User) -> QuerySet[ShareCode]:
    return ShareCode.objects.filter(
        patient=patient, used_at=None, cancelled_at=None, expires_at__gt=timezone.now()
    )


def _start_share(patient: User, physiotherapist: User, terms: ShareInvitation | ShareCode) -> Share:
    """The new terms replace any earlier share between the two (live or past its end)."""
    Share.objects.filter(
        patient=patient, physiotherapist=physiotherapist, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    return Share.objects.create(
        patient=patient,
        physiotherapist=physiotherapist,
        include_notes=terms.include_notes,
        send_alerts=terms.send_alerts,
        ends_on=terms.ends_on,
    )


def _terms_fields(terms: Terms) -> dict[str, object]:
    return {
        "include_notes": terms.include_notes,
        "send_alerts": terms.send_alerts,
        "ends_on": terms.ends_on,
    }


# --- Ending a share --------------------------------------------------------------------------


def revoke(*, share: Share) -> None:
    """Effective on the physiotherapist's next request: every read checks `live_shares()`.

    The physiotherapist's alerts about this patient go too (with their pending deliveries):
    even without a name, an alert linking to the patient's review is about that person.
    """
    with transaction.atomic():
        Share.objects.filter(pk=share.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        Message.objects.filter(
            kind=Kind.PHYSIO_ALERT, user_id=share.physiotherapist_id, about_id=share.patient_id
        ).delete()


def shares_of(patient: User) -> QuerySet[Share]:
    return live_shares().filter(patient=patient).select_related("physiotherapist")


def pending_invitations_of(patient: User) -> QuerySet[ShareInvitation]:
    return ShareInvitation.objects.filter(
        patient=patient, state=InvitationState.PENDING
    ).select_related("physiotherapist")
