"""A small HTTP/1.1 load generator: asyncio, one connection per client (kept alive when
the server allows it, else a new one per request, timed as part of the request).

Each client sends its next request as soon as the answer to the last one is read (a
closed loop), so `concurrency` is the number of requests in flight. Latency is measured
from writing the request to reading the last byte of the answer.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# Makes one request, given how many this client has sent so far.
RequestMaker = Callable[[int], bytes]


@dataclass
class LoadResult:
    concurrency: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_sample: str = ""

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> dict[str, float | int | str]:
        return {
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "errors": self.errors,
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(0.50), 1),
            "p95_ms": round(self.percentile(0.95), 1),
            "p99_ms": round(self.percentile(0.99), 1),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 1) if self.latencies_ms else 0,
            "error_sample": self.error_sample,
        }


def request_bytes(method: str, path: str, port: int, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"Content-Length: {len(body)}", "", ""]
    return "\r\n".join(lines).encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body, and whether the server will close the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1])
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
        content = bytes(body)
    else:
        content = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, content, headers.get("connection", "").lower() == "close"


async def _client(
    port: int,
    make: RequestMaker,
    check: Callable[[int, bytes], bool],
    start: float,
    measure_from: float,
    stop_at: float,
    result: LoadResult,
) -> None:
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    sent = 0
    try:
        while time.perf_counter() < stop_at:
            payload = make(sent)
            sent += 1
            began = time.perf_counter()
            # A server that closes after each answer (gunicorn's sync workers) costs a new
            # connection per request, and that is part of the request's time.
            if connection is None:
                connection = await asyncio.open_connection("127.0.0.1", port)
            reader, writer = connection
            writer.write(payload)
            status, body, closing = await _read_response(reader)
            ended = time.perf_counter()
            if began >= measure_from and ended <= stop_at:
                if check(status, body):
                    result.latencies_ms.append((ended - began) * 1000)
                else:
                    result.errors += 1
                    result.error_sample = result.error_sample or _sample(status, body)
            if closing:
                writer.close()
                connection = None
    finally:
        if connection is not None:
            connection[1].close()


def _sample(status: int, body: bytes) -> str:
    """The status and the part of the answer that says what went wrong, if it says."""
    text = body.decode(errors="replace")
    for marker in ("message-error", "errorlist", "panel-soon", 'role="alert"'):
        if marker in text:
            at = text.index(marker)
            return f"{status}: ...{text[max(0, at - 100) : at + 300]}"
    return f"{status}: {text[:300]}"


async def _run(
    port: int,
    makers: Sequence[RequestMaker],
    check: Callable[[int, bytes], bool],
    warmup: float,
    duration: float,
) -> LoadResult:
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration
    result = LoadResult(concurrency=len(makers), seconds=duration)
    await asyncio.gather(
        *(_client(port, make, check, start, measure_from, stop_at, result) for make in makers)
    )
    return result


def run_load(
    port: int,
    makers: Sequence[RequestMaker],
    check: Callable[[int, bytes], bool],
    *,
    warmup: float,
    duration: float,
) -> LoadResult:
    """One client per maker, for `warmup` then `duration` seconds; only the answers that
    both started and ended inside the measured `duration` count."""
    return asyncio.run(_run(port, makers, check, warmup, duration))
