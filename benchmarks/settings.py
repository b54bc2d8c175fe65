"""The project's settings with a bench-only app and URLconf, and the data under var/bench/.

Every process of `make bench` (gunicorn, the Celery worker, the runner itself) uses this
module: the application is exactly `config.settings`, plus the `benchmarks` app whose
table the bare-insert view writes to.
"""

from __future__ import annotations

from config.settings import *  # noqa: F403
from config.settings import DATABASE_URL, DATABASES, INSTALLED_APPS, VAR_DIR

BENCH_DIR = VAR_DIR / "bench"
BENCH_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
ROOT_URLCONF = "benchmarks.urls"
STATIC_ROOT = BENCH_DIR / "staticfiles"

if not DATABASE_URL:
    DATABASES["default"]["NAME"] = str(BENCH_DIR / "bench.sqlite3")
