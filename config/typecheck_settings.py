"""The settings mypy's Django plugin loads: the project's own, read as in development, so
that `mypy .` works from a shell with no environment set (production refuses the
development secret key unless DEBUG is on)."""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: F403
