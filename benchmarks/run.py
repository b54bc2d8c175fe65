"""`make bench`: build the data, start the real servers on loopback, measure, print one
table and write benchmarks/results/latest.json.

SQLite (a fresh file in var/bench/) unless DATABASE_URL is set, in which case a fresh
database named `<name>_bench` is made on that server (the named one is never touched).
The embedded Valkey on a free port unless REDIS_URL is set.

    python -m benchmarks.run            # the full run, under 10 minutes on 2 cores
    python -m benchmarks.run --quick    # 10,000 people in the wave, shorter load runs
    python -m benchmarks.run --no-deadline  # every fan-out to its end, however long
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
CONCURRENCY = (1, 8, 32)
WEB_PEOPLE = 200  # 60 saves an hour each (the rate limit): room for 12,000 saves
FULL_WAVE = 100_000
DEADLINE_S = 540  # phases stop by then, so that the whole run stays under 10 minutes
WAVE_TIMEOUT_S = 120
SUMMARIES_TIMEOUT_S = 330
NO_DEADLINE_S = 1800  # --no-deadline: a phase still unfinished after 30 minutes is stuck


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run")
    parser.add_argument(
        "--no-deadline",
        action="store_true",
        help="let every fan-out run to its end, even past 10 minutes (for a slow machine)",
    )
    args = parser.parse_args()
    wave_people = 10_000 if args.quick else FULL_WAVE
    warmup, duration = (1.0, 4.0) if args.quick else (3.0, 10.0)
    started = time.monotonic()

    var_dir = Path(os.environ.get("UPRIGHT_VAR_DIR", ROOT / "var"))
    bench_dir = var_dir / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    env = bench_environment(bench_dir)
    os.environ.update(env)

    from benchmarks.servers import start_broker

    broker_url, broker = start_broker(bench_dir)
    os.environ["REDIS_URL"] = env["REDIS_URL"] = broker_url
    servers = [broker] if broker else []
    try:
        deadline = NO_DEADLINE_S if args.no_deadline else DEADLINE_S
        return measure(bench_dir, env, servers, wave_people, warmup, duration, started, deadline)
    finally:
        for server in reversed(servers):
            server.stop()


def bench_environment(bench_dir: Path) -> dict[str, str]:
    """Production settings (DEBUG off), with what loopback needs: no HTTPS redirect (the
    client says https through X-Forwarded-Proto, as the proxy would), a throwaway secret
    key, the bench's email backend, Web Push keys so that push is decided as in
    production (nobody in the bench has subscribed a device), and a throwaway key for
    two-step secrets."""
    from cryptography.fernet import Fernet

    from notify.vapid_dev import generate_keys

    keys = generate_keys()
    mail_log = bench_dir / "emails.log"
    mail_log.unlink(missing_ok=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SITE_URL": "https://upright.example.org",
        "EMAIL_BACKEND": "benchmarks.mail.EmailBackend",
        "BENCH_MAIL_LOG": str(mail_log),
        "VAPID_PUBLIC_KEY": keys["public_key"],
        "VAPID_PRIVATE_KEY": keys["private_key"],
        "TWO_STEP_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = fresh_postgres_database(os.environ["DATABASE_URL"])
    else:
        for path in bench_dir.glob("bench.sqlite3*"):
            path.unlink()
    return env


def fresh_postgres_database(url: str) -> str:
    import psycopg

    parts = urlparse(url)
    name = f"{parts.path.lstrip('/') or 'upright'}_bench"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path=f"/{name}"))


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def measure(
    bench_dir: Path,
    env: dict[str, str],
    servers: list,
    wave_people: int,
    warmup: float,
    duration: float,
    started: float,
    deadline: float,
) -> int:
    from benchmarks import servers as procs

    steps: list[dict[str, object]] = []
    cpu = {"machine": procs.busy_cpu_seconds(), "bench": procs.tree_cpu_seconds(os.getpid())}

    def step(what: str) -> None:
        """Say what runs next, and how much CPU other processes on the machine took since
        the last step: a figure taken while something else used the cores says more about
        that than about Upright."""
        at = round(time.monotonic() - started, 1)
        machine, bench = procs.busy_cpu_seconds(), procs.tree_cpu_seconds(os.getpid())
        others = max(0.0, (machine - cpu["machine"]) - (bench - cpu["bench"]))
        cpu.update(machine=machine, bench=bench)
        steps.append({"at_s": at, "next": what, "other_processes_cpu_s_before": round(others, 1)})
        note = f" (other processes used {others:.0f} CPU s meanwhile)" if others >= 5 else ""
        print(f"[{at:6.1f} s] {what}{note}", flush=True)

    def left() -> float:
        return deadline - (time.monotonic() - started)

    step("migrating and collecting static files")
    manage("migrate", "--run-syncdb", "--no-input", "-v", "0")
    manage("collectstatic", "--no-input", "-v", "0")

    import django

    django.setup()
    from django.utils import timezone

    from benchmarks import data, fanout, query_counts, report, web

    def cpu_of(worker: procs.Server) -> Callable[[], float]:
        def seconds() -> float:
            pids = [worker.process.pid, *procs.children(worker.process.pid)]
            return sum(procs.cpu_seconds(pid) for pid in pids)

        return seconds

    step(f"building the data ({WEB_PEOPLE} two-year diaries, {wave_people:,} in the wave)")
    population = data.build(web_people=WEB_PEOPLE, wave_people=wave_people)
    step(f"{population.entries:,} entries; counting queries")
    counts = query_counts.measure(population)

    step("starting gunicorn")
    port, gunicorn = procs.start_gunicorn(env, bench_dir)
    servers.append(gunicorn)
    people = web.sign_in_all(population.web)
    levels = ", ".join(map(str, CONCURRENCY))
    step(f"web load at {levels} clients ({warmup:.0f} s warm-up + {duration:.0f} s each)")
    web_results = web.measure(port, people, CONCURRENCY, warmup=warmup, duration=duration)
    memory = {"web": max(procs.peak_rss_mb(pid) for pid in procs.children(gunicorn.process.pid))}
    gunicorn.stop()

    def fan_out(
        name: str, run: Callable[[procs.Server], fanout.FanOutResult]
    ) -> fanout.FanOutResult:
        """One fan-out on a fresh worker and empty queues, so that what an earlier phase
        left undone when its time ran out never runs during this one."""
        procs.empty_queues(env["REDIS_URL"])
        worker = procs.start_worker(env, bench_dir, name=name)
        servers.append(worker)
        try:
            return run(worker)
        finally:
            pool = max(procs.peak_rss_mb(p) for p in procs.children(worker.process.pid))
            memory["celery_pool"] = max(memory.get("celery_pool", 0.0), pool)
            main = procs.peak_rss_mb(worker.process.pid)
            memory["celery_main"] = max(memory.get("celery_main", 0.0), main)
            worker.stop()

    mail_log = Path(env["BENCH_MAIL_LOG"])
    wave_timeout = WAVE_TIMEOUT_S if deadline == DEADLINE_S else NO_DEADLINE_S
    step(f"reminder wave: {wave_people:,} due now (each email's MIME built, as locmem does)")
    wave = fan_out(
        "worker-wave",
        lambda worker: fanout.reminder_wave(mail_log, cpu_of(worker), timeout=wave_timeout),
    )
    step(f"weekly summaries for {wave_people:,} people")
    summaries_timeout = min(SUMMARIES_TIMEOUT_S, left() - WAVE_TIMEOUT_S / 2)
    if deadline != DEADLINE_S:
        summaries_timeout = NO_DEADLINE_S
    weekly = fan_out(
        "worker-summaries",
        lambda worker: fanout.weekly_summaries(mail_log, cpu_of(worker), timeout=summaries_timeout),
    )

    step("the wave again, with a dummy-like email backend (no MIME built)")
    fanout.forget_reminders()
    data.reminders_due(population.wave, timezone.now())
    dummy_log = bench_dir / "emails-dummy.log"
    dummy_log.unlink(missing_ok=True)
    env |= {"BENCH_MAIL_MIME": "0", "BENCH_MAIL_LOG": str(dummy_log)}
    dummy_timeout = max(30.0, min(wave_timeout, left()))
    wave_dummy = fan_out(
        "worker-dummy-mail",
        lambda worker: fanout.reminder_wave(dummy_log, cpu_of(worker), timeout=dummy_timeout),
    )

    db = report.database()
    server = f"gunicorn {procs.GUNICORN_WORKERS} {procs.GUNICORN_WORKER_CLASS} workers"
    table = report.rows(
        db=db, web_people=WEB_PEOPLE, web=web_results, counts=counts, wave=wave,
        wave_dummy=wave_dummy, weekly=weekly, memory=memory, server=server,
    )  # fmt: skip
    step("done")
    print()
    print(report.render(table))
    report.write_json(
        RESULTS,
        {
            "run_at": population.now.isoformat(timespec="seconds"),
            "quick": wave_people != FULL_WAVE,
            "deadline_s": deadline,
            "seconds": round(time.monotonic() - started, 1),
            "steps": steps,
            "machine": report.machine(),
            "settings": {
                "database": db,
                "web_server": server,
                "load": {"warmup_s": warmup, "duration_s": duration, "people": WEB_PEOPLE},
                "celery_worker": "prefork -c 2, queues escalations,default",
                "entries": population.entries,
            },
            "web": {
                str(level): {name: result.summary() for name, result in pair.items()}
                for level, pair in web_results.items()
            },
            "query_counts": [count.__dict__ for count in counts],
            "reminder_wave": wave.summary(),
            "reminder_wave_dummy_email": wave_dummy.summary(),
            "weekly_summaries": weekly.summary(),
            "peak_rss_mb": {name: round(value, 1) for name, value in memory.items()},
            "table": [row.__dict__ | {"verdict": row.verdict} for row in table],
        },
    )
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
