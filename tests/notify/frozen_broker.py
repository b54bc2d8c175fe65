"""A broker that is frozen: it accepts connections and never answers, as a hung server
(SIGSTOP) or a dropped network does."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class FrozenBroker:
    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"

    @property
    def connections(self) -> int:
        return len(self.held)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed: the test is over
                return
            self.held.append(connection)  # read nothing, answer nothing

    def close(self) -> None:
        self.listener.close()
        for connection in self.held:
            connection.close()


@contextmanager
def frozen_broker() -> Iterator[FrozenBroker]:
    broker = FrozenBroker()
    broker.thread.start()
    try:
        yield broker
    finally:
        broker.close()
