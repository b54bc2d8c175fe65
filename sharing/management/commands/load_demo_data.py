from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sharing.demo import DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Create the demo patient and physiotherapist (once; later runs keep the data)."

    def handle(self, *args: Any, **options: Any) -> None:
        patient, physio, created = load_demo_data()
        state = "Created" if created else "Kept"
        self.stdout.write(f"{state} the demo accounts (password for both: {DEMO_PASSWORD}):")
        self.stdout.write(f"  patient:         {patient.email}")
        self.stdout.write(f"  physiotherapist: {physio.email}")
        self.stdout.write("  two-step sign-in code for the physiotherapist: `make demo-code`")
