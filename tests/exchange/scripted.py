"""A loopback HTTP/1.1 server scripted by the test, and the client-side helpers to call it:
for the tests of the exchange client's kept-alive connection (``client._post``)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

from goodgov.exchange import client as exchange_client
from goodgov.exchange import directory
from tests.exchange.conftest import CLIENT

Reply = Callable[[socket.socket], None]


class Scripted:
    """A loopback HTTP server that reads each request and answers it with ``reply``."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.connections = 0
        self.requests: list[bytes] = []
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(3)
        buffer = b""
        with conn:
            while not self.stop.is_set():
                try:
                    while b"\r\n\r\n" not in buffer:
                        chunk = conn.recv(65536)
                        if not chunk:
                            return
                        buffer += chunk
                    head, _sep, buffer = buffer.partition(b"\r\n\r\n")
                    length = next(
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    )
                    while len(buffer) < length:
                        buffer += conn.recv(65536)
                    self.requests.append(head + b"\r\n\r\n" + buffer[:length])
                    buffer = buffer[length:]
                    self.reply(conn)
                except OSError:
                    return

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        for thread in self.threads:
            thread.join(timeout=5)
        self.sock.close()


def forget_connections() -> None:
    for conn in exchange_client._local.__dict__.pop("connections", {}).values():
        conn.close()


def prepared(url: str) -> exchange_client.Prepared:
    return exchange_client.prepare(
        provider=directory.Node("ddg", url, CLIENT.verifier.key),
        service="population",
        method="person",
        query={"national_id": "1101700230708"},
        purpose="elderly-allowance",
        legal_basis="pdpa-24-4",
        identity=CLIENT,
    )


def answer(raw: bytes, *, close: bool = False, pieces: int = 1, pause: float = 0.0) -> Reply:
    def reply(conn: socket.socket) -> None:
        step = -(-len(raw) // pieces)
        for start in range(0, len(raw), step):
            conn.sendall(raw[start : start + step])
            if pause:
                time.sleep(pause)
        if close:
            conn.shutdown(socket.SHUT_RDWR)
            raise OSError("closed after the answer")

    return reply


#: An answer of two bytes, ``ok``, that keeps the connection open.
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
