"""SESSION_ENGINE: Django's database sessions, each row marked with its person, as Django's
docs show for "extending database-backed session engines"."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

from accounts.models import Session


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        # get_model_class() above makes it one of ours.
        session = cast(Session, super().create_model_instance(data))
        try:
            session.user_id = int(data.get(SESSION_KEY))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            session.user_id = None
        return session
