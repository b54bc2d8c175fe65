"""`make run`: the broker (embedded Valkey unless REDIS_URL is set), a Celery worker, one
beat and the web server, in one process group. Ctrl-C stops every process it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from config.embedded_broker import is_listening, start_valkey

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("UPRIGHT_VAR_DIR", ROOT / "var"))
EMBEDDED_PORT = 6390
BIN = Path(sys.executable).parent


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    children: list[subprocess.Popen[bytes]] = []
    if "REDIS_URL" not in env:
        env["REDIS_URL"] = f"redis://127.0.0.1:{EMBEDDED_PORT}/0"
        if is_listening(EMBEDDED_PORT):
            print(f"A broker already answers on 127.0.0.1:{EMBEDDED_PORT}; using it.")
        else:
            children.append(start_valkey(EMBEDDED_PORT, VAR / "valkey"))
            print(f"Embedded Valkey broker on 127.0.0.1:{EMBEDDED_PORT} (data in var/valkey)")
    else:
        print(f"Using the broker at {urlparse(env['REDIS_URL']).hostname}")

    celery = str(BIN / "celery")
    commands = [
        [celery, "-A", "config", "worker", "-Q", "escalations,default", "-c", "2",
         "--loglevel", "INFO", "-n", "upright@%h"],
        [celery, "-A", "config", "beat", "--loglevel", "INFO",
         "--schedule", str(VAR / "celerybeat-schedule")],
        [sys.executable, "manage.py", "runserver", "127.0.0.1:8000", "--noreload"],
    ]  # fmt: skip
    for command in commands:
        children.append(subprocess.Popen(command, cwd=ROOT, env=env))

    def stop(*_: object) -> None:
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in children:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                child.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                child.kill()
        print("\nStopped the web server, worker, beat and broker.")
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print("\nUpright is running at http://127.0.0.1:8000/  (Ctrl-C stops everything)\n")
    while True:
        for child in children:
            if child.poll() is not None:
                print(f"A process stopped unexpectedly: {child.args!r}; stopping the rest.")
                stop()
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
