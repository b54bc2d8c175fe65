"""Sharing a diary with a physiotherapist: who may see it and who gets urgent alerts."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from tracker.models import Share


def live_shares() -> QuerySet[Share]:
    today = timezone.now().date()
    return Share.objects.filter(revoked_at__isnull=True).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def physiotherapists_receiving_alerts(patient: User) -> list[User]:
    shares = live_shares().filter(
        patient=patient,
        send_alerts=True,
        physiotherapist__approved_at__isnull=False,
        physiotherapist__is_active=True,
    )
    return [share.physiotherapist for share in shares.select_related("physiotherapist")]
