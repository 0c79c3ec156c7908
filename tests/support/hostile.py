"""A misbehaving HTTP server on 127.0.0.1, written on raw sockets, for the runtime's fault tests.

``FakeKiwoomServer`` answers like Kiwoom; this one answers like a broken network or a broken
server: HTML error pages, truncated and huge bodies, bodies that drip in a byte at a time, pages
that never end, connections reset after an order was read, invalid JSON, wrong content types.
Each request is answered by the :class:`Behaviour` that ``script(request)`` returns; every
request is recorded (``requests``), so a test can count exactly what reached the server.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Behaviour", "HostileServer", "Seen"]

OK = {"return_code": 0, "return_msg": "정상적으로 처리되었습니다"}


@dataclass(frozen=True)
class Seen:
    """One request as it reached the server."""

    path: str
    headers: dict[str, str]  # lowercase names
    body: bytes

    @property
    def api_id(self) -> str:
        return self.headers.get("api-id", "")


@dataclass(frozen=True)
class Behaviour:
    """How to answer one request.

    kind: ``answer`` (status, headers, body; ``drip`` seconds between bytes; ``declared`` a
    content-length that differs from the body, then the connection is closed), ``stream``
    (a chunked body of ``size`` bytes of ``filler``, sent until done or the client leaves),
    ``reset`` (TCP RST once the request is read), ``close`` (close without a word),
    ``stall`` (say nothing for ``drip`` seconds, then close), ``drip_head`` (the whole answer,
    status line and headers included, one byte every ``drip`` seconds).
    """

    kind: str = "answer"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    drip: float = 0.0
    declared: int | None = None
    size: int = 0
    filler: bytes = b" "
    label: str = ""

    @staticmethod
    def json(
        body: Any, status: int = 200, *, headers: dict[str, str] | None = None, label: str = ""
    ) -> Behaviour:
        heads = {"content-type": "application/json;charset=UTF-8", **(headers or {})}
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return Behaviour(status=status, headers=tuple(heads.items()), body=data, label=label)

    @staticmethod
    def ok(extra: dict[str, Any] | None = None, **kw: Any) -> Behaviour:
        return Behaviour.json({**(extra or {}), **OK}, **kw)


@dataclass
class HostileServer:
    script: Callable[[Seen], Behaviour]
    requests: list[Seen] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _sock: socket.socket | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _conns: set[socket.socket] = field(default_factory=set)
    sent_bytes: int = 0  # body bytes written, over all answers

    # -- lifecycle

    def __enter__(self) -> HostileServer:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        sock.settimeout(0.05)
        self._sock = sock
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._sock is not None:
            self._sock.close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:  # wake the threads waiting for a next request on kept-alive ones
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self._threads:
            thread.join(timeout=5)

    @property
    def url(self) -> str:
        assert self._sock is not None
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def count(self, api_id: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.api_id == api_id)

    # -- serving

    def _accept(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._conns.add(conn)
        buffer = b""
        try:
            while not self._stop.is_set():
                request, buffer = _read_request(conn, buffer)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                if not self._answer(conn, self.script(request)):
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._conns.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def _answer(self, conn: socket.socket, b: Behaviour) -> bool:
        """Answer; True when the connection may serve another request."""
        if b.kind == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if b.kind == "close":
            return False
        if b.kind == "stall":
            self._stop.wait(b.drip)
            return False
        head = [f"HTTP/1.1 {b.status} {_REASONS.get(b.status, 'Whatever')}"]
        head += [f"{k}: {v}" for k, v in b.headers]
        if b.kind == "stream":
            head.append("transfer-encoding: chunked")
            conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            chunk = (b.filler * (65536 // max(1, len(b.filler)) + 1))[:65536]
            left = b.size
            while left > 0 and not self._stop.is_set():
                part = chunk[: min(left, len(chunk))]
                conn.sendall(b"%x\r\n%s\r\n" % (len(part), part))
                self.sent_bytes += len(part)
                left -= len(part)
            conn.sendall(b"0\r\n\r\n")
            return True
        declared = len(b.body) if b.declared is None else b.declared
        head.append(f"content-length: {declared}")
        start = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        if b.kind == "drip_head":
            whole = start + b.body
            for i in range(len(whole)):
                if self._stop.wait(b.drip):
                    return False
                conn.sendall(whole[i : i + 1])
            return False
        if not b.drip:
            conn.sendall(start + b.body)
            self.sent_bytes += len(b.body)
            return declared == len(b.body)
        conn.sendall(start)
        if b.drip:
            for i in range(len(b.body)):
                if self._stop.wait(b.drip):
                    return False
                conn.sendall(b.body[i : i + 1])
                self.sent_bytes += 1
        else:
            conn.sendall(b.body)
            self.sent_bytes += len(b.body)
        return declared == len(b.body)


_REASONS = {200: "OK", 400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}  # fmt: skip


def _read_request(conn: socket.socket, buffer: bytes) -> tuple[Seen | None, bytes]:
    while b"\r\n\r\n" not in buffer:
        data = conn.recv(65536)
        if not data:
            return None, b""
        buffer += data
    head, _, rest = buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    _method, path, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length") or 0)
    while len(rest) < length:
        data = conn.recv(65536)
        if not data:
            return None, b""
        rest += data
    return Seen(path, headers, rest[:length]), rest[length:]
