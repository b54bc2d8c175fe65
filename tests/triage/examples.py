"""Where the clinical examples are: `../shared/clinical/examples/` (the contract's own
folder, beside the repository in development and CI), else the copy kept in the tests."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

SHARED_EXAMPLES = Path(settings.BASE_DIR).parent / "shared" / "clinical" / "examples"
COPIED_EXAMPLES = Path(__file__).resolve().parent / "examples"
EXAMPLES = SHARED_EXAMPLES if SHARED_EXAMPLES.is_dir() else COPIED_EXAMPLES
