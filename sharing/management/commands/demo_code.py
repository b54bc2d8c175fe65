from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sharing.demo import demo_code


class Command(BaseCommand):
    help = "Print the demo physiotherapist's current two-step sign-in code (30 seconds)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(demo_code())
