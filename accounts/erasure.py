"""What names or points to a person outside the rows that go with their account.

Deleting a `User` cascades to everything held about them (diary, findings, shares, notes,
messages and their deliveries, push subscriptions, sessions). These are the traces that do
not hang off that row: the audit log's copies, counters keyed by their id, sign-in attempts
keyed by their email, and the admin's history of changes to the account.
"""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from accounts import ratelimit
from accounts.models import AuditEvent, User


def erase_traces_of(person: User) -> None:
    """Call in the same transaction that deletes the person, just before."""
    AuditEvent.objects.erase_personal_details(person)
    ratelimit.forget(person.pk)
    axes_reset(username=person.get_username())
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk)
    ).delete()
