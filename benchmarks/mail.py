"""An email backend for the bench: no network, one line per email in a log file, so that
the runner can count who got what (and so find duplicates) without a mail server.

Like Django's locmem backend, it builds each email's MIME message (the CPU a real backend
spends before the network), unless BENCH_MAIL_MIME=0: then, like the dummy backend, it
builds nothing, and a run measures the application's own work alone.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        build = os.environ.get("BENCH_MAIL_MIME", "1") == "1"
        lines: list[str] = []
        for message in email_messages:
            if build:
                message.message()
            lines.extend(f"{to}\t{message.subject}\n" for to in message.recipients())
        with open(os.environ["BENCH_MAIL_LOG"], "a", encoding="utf-8") as log:
            log.writelines(lines)
        return len(email_messages)
