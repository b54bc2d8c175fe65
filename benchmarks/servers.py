"""The real servers the bench runs against, on loopback: the broker, gunicorn and a Celery
worker, each a subprocess with its log under var/bench/; and their peak memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from config.embedded_broker import free_port, is_listening, start_valkey

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Two sync workers, one a core: each answers one request at a time, so at most two
# transactions wait on SQLite's single writer, and a new connection goes to whichever
# worker is free. (gthread workers keep a keep-alive connection on the worker that took
# it: on 2 cores half the CPU idled while the other worker queued, and their threads
# waited on the write lock; both measured slower.)
GUNICORN_WORKERS = 2
GUNICORN_WORKER_CLASS = "sync"


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path | None = None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_broker(bench_dir: Path) -> tuple[str, Server | None]:
    """REDIS_URL when set; else an embedded Valkey on a free port, without persistence."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"], None
    port = free_port()
    process = start_valkey(port, bench_dir / "valkey", persist=False)
    return f"redis://127.0.0.1:{port}/0", Server("valkey", process)


def start_gunicorn(env: dict[str, str], bench_dir: Path) -> tuple[int, Server]:
    port = free_port()
    log_path = bench_dir / "gunicorn.log"
    command = [
        str(BIN / "gunicorn"), "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(GUNICORN_WORKERS),
        "--worker-class", GUNICORN_WORKER_CLASS,
        "--log-level", "warning",
    ]  # fmt: skip
    server = _spawn("gunicorn", command, env, log_path)
    deadline = time.monotonic() + 60
    while not is_listening(port):
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.1)
    return port, server


def start_worker(env: dict[str, str], bench_dir: Path, name: str = "worker") -> Server:
    """`celery worker`, as in production (both queues), with two processes."""
    log_path = bench_dir / f"{name}.log"
    command = [
        str(BIN / "celery"), "-A", "config", "worker", "-Q", ",".join(WORKER_QUEUES),
        "-c", "2", "--loglevel", "INFO", "-n", f"bench-{os.getpid()}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    server = _spawn("worker", command, env, log_path)
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text(errors="replace"):
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("worker did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.2)
    return server


WORKER_QUEUES = ("escalations", "default")


def empty_queues(broker_url: str) -> int:
    """Drop every task still queued: what a phase that ran out of time left undone must
    not run (and use the cores) during the next phase."""
    from kombu import Connection

    with Connection(broker_url) as connection:
        channel = connection.default_channel
        # kombu's channel has queue_purge; its declared base class does not.
        purged: list[int] = [channel.queue_purge(queue) or 0 for queue in WORKER_QUEUES]  # type: ignore[attr-defined]
        return sum(purged)


def _spawn(name: str, command: list[str], env: dict[str, str], log_path: Path) -> Server:
    log = log_path.open("wb")
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )
    return Server(name, process, log_path)


# --- Memory ----------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has had so far, in MB (10^6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1_000_000
    raise RuntimeError(f"no VmHWM for {pid}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its waited-for children, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(value) for value in fields[11:15]) / ticks


def busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent working (not idle, not waiting on disk)."""
    first_line = Path("/proc/stat").read_text().split("\n", 1)[0]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, first_line.split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and everything it started, running or done."""
    try:
        return cpu_seconds(pid) + sum(tree_cpu_seconds(child) for child in children(pid))
    except FileNotFoundError:  # it ended meanwhile: its parent counts it once reaped
        return 0.0
