# Copied verbatim from generator/runtime/_deadline.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""The sync client's deadline on the socket: every read and write waits at most the time left.

httpx's read timeout restarts with every byte, so an answer whose headers drip in a byte at a
time held a sync call far past its deadline. Where the client can reach the connection pool of
its httpx client (its own, or a caller's plain ``httpx.Client`` whose pool has no connections
yet), it wraps the pool's network backend: each socket operation then gets
``min(its timeout, the time left)`` of the calling thread's deadline (:func:`scope`), and none
at all once it has passed. Elsewhere (proxies, custom transports) the sync client sends on a
worker thread and stops waiting at the deadline (``_decode.Senders``). The async client needs
neither: ``asyncio.timeout`` bounds the whole call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

__all__ = ["bounded", "scope"]

_local = threading.local()


class scope:  # lower case: it is used as a function, ``with scope(deadline_at):``
    """Socket operations of this thread end by ``deadline_at`` (``time.monotonic()``) inside
    ``with scope(deadline_at):``; the deadline before is restored on leaving, also on an error.

    A class rather than ``@contextmanager``: it is entered on every call of the sync client,
    and a generator-based context manager costs a few microseconds more each time."""

    __slots__ = ("_before", "_deadline_at")

    def __init__(self, deadline_at: float | None) -> None:
        self._deadline_at = deadline_at
        self._before: float | None = None

    def __enter__(self) -> None:
        self._before = getattr(_local, "deadline_at", None)
        _local.deadline_at = self._deadline_at

    def __exit__(self, *exc: object) -> None:
        _local.deadline_at = self._before


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    deadline_at: float | None = getattr(_local, "deadline_at", None)
    if deadline_at is None:
        return timeout
    left = deadline_at - time.monotonic()
    if left <= 0:
        raise error("the call's deadline was reached")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        bounded = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def bounded(http: httpx.Client) -> bool:
    """Whether :func:`scope` bounds ``http``'s sends (installing the wrapper on its pool if it
    can); False: the caller must send on a worker thread to keep its deadline."""
    if getattr(http, "_mounts", None):  # proxies or mounted transports: not ours to reach
        return False
    transport = getattr(http, "_transport", None)
    if isinstance(transport, httpx.MockTransport):  # answers from memory: no socket to wait on
        return True
    if type(transport) is not httpx.HTTPTransport:
        return False
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, _Backend):
        return True
    if not isinstance(backend, httpcore.NetworkBackend) or getattr(pool, "connections", [None]):
        return False  # connections made before could not be bounded
    pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
    return True
