"""The connection loop of a real-time session: connect, LOGIN, read, reconnect with backoff.

:class:`RealtimeConnection` owns the WebSocket and nothing of the session's subscriptions: the
session (:class:`._realtime.AsyncRealtime`) subclasses it and supplies the hooks
(``_on_real``, ``_on_connected``, ``_replay``, ``_emit``, ``_end_feeds``). Every frame is built
and read by :mod:`._realtime_protocol`, as the fake server's are.

Bounds. Every wait has a limit: connecting (``connect_timeout``), each send
(``send_timeout``: a server that stops reading cannot block a request or a PING echo), each
answer (``answer_timeout``: an unanswered request raises, the connection stays), the silence
of the server (``idle_timeout``: the connection is dead), waiting for a connection
(``ready_timeout``) and closing (``close_timeout``). A retry after a lost connection waits for
the next one; it never loops without yielding.

Reconnecting follows a :class:`Backoff` policy: exponential delays with jitter; the count of
failed connections resets only after a connection stayed up ``healthy_after`` seconds, and
``max_reconnects`` counts every connection that failed since (one that logged in and dropped
at once is a failure too).

Secrets. Frames are logged only by websockets' debug log (logger
``kiwoom_client.realtime.wire``), whose records pass a :class:`SecretFilter` that masks every
token and key of the open sessions, and any LOGIN frame's token, whatever level or
configuration (``logging.config.dictConfig``) the application gives the loggers.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from . import _realtime_protocol as proto
from ._errors import KiwoomError
from ._realtime_types import (
    RealtimeClosedError,
    RealtimeError,
    RealtimeLoginError,
    RealtimeRequestError,
    SessionTakenOverError,
    StatusEvent,
)

__all__ = ["Backoff", "RealtimeConnection", "SecretFilter", "TokenSource"]

log = logging.getLogger("kiwoom_client.realtime")
log.addHandler(logging.NullHandler())
wire_log = logging.getLogger("kiwoom_client.realtime.wire")

TokenSource = Callable[[str | None], Awaitable[str]]  # (stale token or None) -> usable token
ExceptionHook = Callable[[BaseException], None]


class SecretFilter(logging.Filter):
    """Masks the open sessions' secrets (and any LOGIN frame's token) in every record."""

    _TOKEN = re.compile(r"""(["']token["']\s*:\s*["'])[^"']*""")

    def __init__(self) -> None:
        super().__init__()
        self._sessions: weakref.WeakSet[RealtimeConnection] = weakref.WeakSet()

    def register(self, session: RealtimeConnection) -> None:
        self._sessions.add(session)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that cannot format: keep it as it is
            return True
        masked = self._TOKEN.sub(r"\1" + proto.MASK, text)
        for session in list(self._sessions):
            masked = proto.redact(masked, session._current_secrets())
        if masked != text:
            record.msg, record.args = masked, None
        return True


SECRET_FILTER = SecretFilter()
for _logger in (wire_log, log):
    if not any(isinstance(f, SecretFilter) for f in _logger.filters):
        _logger.addFilter(SECRET_FILTER)


@dataclass(frozen=True)
class Backoff:
    """When to reconnect: ``initial * 2**(n-1)`` seconds (at most ``maximum``, with jitter) after
    the n-th failed connection in a row. A connection that stayed up ``healthy_after`` seconds
    resets the count; more than ``max_reconnects`` failures in a row (None: no limit) stop the
    session."""

    initial: float = 0.5
    maximum: float = 30.0
    healthy_after: float = 30.0
    max_reconnects: int | None = None

    def delay(self, failures: int) -> float:
        base: float = min(self.maximum, self.initial * 2.0 ** max(0, failures - 1))
        return base * (0.5 + random.random() / 2)  # reconnecting clients do not stampede


class _Lost(Exception):
    """The connection ended while a request waited for its answer."""


class _NoAnswer(Exception):
    """The server did not answer a request within ``answer_timeout``."""


class _TokenRejected(Exception):
    def __init__(self, token: str, detail: str) -> None:
        super().__init__(detail)
        self.token = token


class RealtimeConnection:
    """The connection half of a session; see the module docstring."""

    def __init__(
        self,
        url: str,
        token: TokenSource,
        *,
        path: str,
        answer_timeout: float = 10.0,
        connect_timeout: float = 10.0,
        idle_timeout: float = 90.0,
        send_timeout: float = 10.0,
        close_timeout: float = 5.0,
        ready_timeout: float = 120.0,
        backoff: Backoff | None = None,
        on_exception: ExceptionHook | None = None,
        secrets: Callable[[], Sequence[str]] = tuple,
    ) -> None:
        self.url = url.rstrip("/") + path
        self.path = path
        self._token_source = token
        self.answer_timeout = answer_timeout
        self.connect_timeout = connect_timeout
        self.idle_timeout = idle_timeout
        self.send_timeout = send_timeout
        self.close_timeout = close_timeout
        self.ready_timeout = ready_timeout
        self.backoff = backoff or Backoff()
        self._on_exception = on_exception
        self._secrets = secrets
        self._ws: ClientConnection | None = None
        self._generation = 0  # grows with each successful LOGIN
        self._ready = False
        self._closing = False
        self._fatal: BaseException | None = None
        self._state = asyncio.Condition()
        self._lock = asyncio.Lock()  # one request in flight: answers do not echo requests
        self._pending: tuple[str, asyncio.Future[dict[str, Any]]] | None = None
        self._runner: asyncio.Task[None] | None = None
        self._token: str | None = None
        self._stale: str | None = None
        self.reconnects = 0
        self.logins = 0
        self.failures = 0  # failed connections in a row (see Backoff)
        self._up_since: float | None = None  # when the current connection logged in
        SECRET_FILTER.register(self)

    # -- hooks of the session

    def _on_real(self, data: object, size: int = 0) -> None:
        """A REAL frame's ``data``; ``size`` is the frame's length."""
        raise NotImplementedError

    async def _replay(self) -> None:
        raise NotImplementedError

    def _emit(self, event: StatusEvent) -> None:
        raise NotImplementedError

    def _end_feeds(self, error: BaseException | None) -> None:
        raise NotImplementedError

    def _on_reconnected(self, down_since: float | None, now: float) -> None:
        raise NotImplementedError

    # -- secrets

    def _current_secrets(self) -> list[str]:
        try:
            extra = list(self._secrets())
        except Exception:  # noqa: BLE001 - never let a secrets callback break logging
            extra = []
        return [s for s in (self._token, self._stale, *extra) if s]

    def _redact(self, text: str) -> str:
        return proto.redact(text, self._current_secrets())

    def _refusal(self, frame: dict[str, Any], trnm: str) -> RealtimeRequestError:
        message = self._redact(str(frame.get("return_msg", "")))
        return RealtimeRequestError(
            trnm, frame.get("return_code"), message, proto.answer_code(frame)
        )

    def _check(self, frame: dict[str, Any], trnm: str) -> dict[str, Any]:
        if proto.answer_code(frame) != 0:
            raise self._refusal(frame, trnm)
        return frame

    # -- lifecycle

    async def connect(self) -> Any:
        """Connect and log in; raises when the first connection or LOGIN fails."""
        if self._fatal is not None:
            raise self._fatal
        if self._runner is None:
            first: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._runner = asyncio.create_task(self._run(first), name="kiwoom-realtime")
            await first
        return self

    async def close(self) -> None:
        """End every feed and close the connection, within ``close_timeout`` seconds."""
        if self._closing:
            return
        self._closing = True
        ws, runner = self._ws, self._runner
        if ws is not None:
            try:
                async with asyncio.timeout(self.close_timeout):
                    await ws.close()
            except (TimeoutError, OSError, ConnectionClosed):
                pass
            ws.transport.abort()
        if runner is not None:
            runner.cancel()
            try:
                async with asyncio.timeout(self.close_timeout):
                    await asyncio.gather(runner, return_exceptions=True)
            except TimeoutError:
                log.warning("the real-time connection loop did not stop in time")
        self._emit(StatusEvent("closed"))
        self._end_feeds(self._fatal)
        await self._notify()

    @property
    def connected(self) -> bool:
        return self._ready

    # -- requests

    async def _exchange(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Send ``frame`` and await the frame with the same ``trnm`` (the lock is held).

        ``_Lost`` when the connection is gone (it is then marked not ready, so that a retry
        waits for the next one), ``_NoAnswer`` after ``answer_timeout``.
        """
        ws = self._ws
        if ws is None:
            raise _Lost()
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending = (str(frame["trnm"]), future)
        try:
            await self._send(ws, proto.encode(frame))
            try:
                async with asyncio.timeout(self.answer_timeout):
                    return await future
            except TimeoutError:
                log.warning("no answer to %s in %.1fs", frame["trnm"], self.answer_timeout)
                raise _NoAnswer(str(frame["trnm"])) from None
        finally:
            self._pending = None

    async def _send(self, ws: ClientConnection, text: str) -> None:
        """One frame, within ``send_timeout``; a connection that cannot take it is dropped."""
        try:
            async with asyncio.timeout(self.send_timeout):
                await ws.send(text)
        except TimeoutError:
            log.warning("the server took no frame for %.1fs: dropping it", self.send_timeout)
            self._drop(ws)
            raise _Lost() from None
        except ConnectionClosed as exc:
            self._drop(ws)
            raise _Lost() from exc

    def _drop(self, ws: ClientConnection) -> None:
        if self._ws is ws:
            self._ready = False
        ws.transport.abort()

    async def _wait_ready(self) -> None:
        if self._runner is None and not self._closing:
            raise RealtimeClosedError(
                "the real-time session is not connected: use `async with client.realtime()`"
            )
        try:
            async with asyncio.timeout(self.ready_timeout):
                async with self._state:
                    await self._state.wait_for(
                        lambda: self._ready or self._closing or self._fatal is not None
                    )
        except TimeoutError:
            raise RealtimeError(
                f"not connected to {self.url} within {self.ready_timeout:.0f}s"
            ) from None
        if self._fatal is not None:
            raise self._fatal
        if self._closing:
            raise RealtimeClosedError("the real-time session is closed")

    async def _notify(self) -> None:
        async with self._state:
            self._state.notify_all()

    # -- the loop

    async def _run(self, first: asyncio.Future[None]) -> None:
        reissued = False
        down_since: float | None = None
        while not self._closing:
            self._up_since = None
            try:
                await self._session_once(first, down_since)
                down_since = time.time()  # was up, then lost
            except _TokenRejected as exc:
                if reissued:
                    await self._fail(RealtimeLoginError(f"LOGIN refused: {exc}"), first)
                    return
                log.info("LOGIN refused for the token; logging in again with a new token")
                reissued = True
                self._stale = exc.token
                continue
            except (SessionTakenOverError, RealtimeLoginError, KiwoomError) as exc:
                await self._fail(exc, first)  # KiwoomError: e.g. no keys to issue a token
                return
            except InvalidURI:
                await self._fail(RealtimeError(f"bad real-time URL {self.url!r}"), first)
                return
            except (OSError, TimeoutError, ConnectionClosed, InvalidHandshake, _Lost) as exc:
                if not first.done():
                    error = RealtimeError(f"cannot connect to {self.url}: {type(exc).__name__}")
                    await self._fail(error, first)
                    return
                log.info("real-time connection lost (%s)", type(exc).__name__)
                down_since = down_since or time.time()
            except Exception as exc:  # a bug or an unforeseen failure: stop loudly, never hang
                self._report(exc)
                await self._fail(RealtimeError(f"real-time session failed: {exc!r}"), first)
                return
            if self._closing:
                return
            up = self._up_since
            if up is not None and time.monotonic() - up >= self.backoff.healthy_after:
                self.failures = 0
                reissued = False
            self.failures += 1
            limit = self.backoff.max_reconnects
            if limit is not None and self.failures > limit:
                error = RealtimeError(
                    f"gave up after {self.failures} failed connections in a row "
                    f"(max_reconnects={limit})"
                )
                await self._fail(error, first)
                return
            delay = self.backoff.delay(self.failures)
            log.info("reconnecting in %.2fs (failure %d)", delay, self.failures)
            await asyncio.sleep(delay)

    def _report(self, exc: BaseException) -> None:
        if self._on_exception is not None:
            try:
                self._on_exception(exc)
                return
            except Exception:  # noqa: BLE001 - the hook itself failed: log both
                log.exception("the real-time exception hook failed")
        log.error("real-time session error: %s", self._redact(repr(exc)), exc_info=exc)

    async def _fail(self, error: BaseException, first: asyncio.Future[None]) -> None:
        log.error("real-time session stopped: %s", self._redact(str(error)))
        self._fatal = error
        self._ready = False
        if not first.done():
            first.set_exception(error)
        self._emit(StatusEvent("closed", self._redact(str(error))))
        self._end_feeds(error)
        await self._notify()

    async def _session_once(self, first: asyncio.Future[None], down_since: float | None) -> None:
        """One connection: connect, LOGIN, replay, then read until it ends."""
        async with asyncio.timeout(self.connect_timeout):
            ws = await connect(
                self.url,
                ping_interval=None,  # Kiwoom's PING frames are the heartbeat
                ping_timeout=None,
                close_timeout=self.close_timeout,
                max_size=2**24,
                open_timeout=None,
                compression=None,
                logger=wire_log,
            )
        self._ws = ws
        reader = asyncio.create_task(self._read(ws), name="kiwoom-realtime-reader")
        up = False
        try:
            await self._login(ws)
            self._generation += 1
            self.logins += 1
            self._up_since = time.monotonic()
            if not first.done():
                async with self._lock:
                    self._ready = True
                first.set_result(None)
                self._emit(StatusEvent("connected", self.url))
                up = True
            else:
                self.reconnects += 1
                async with self._lock:
                    await self._replay()
                    self._ready = True
                self._on_reconnected(down_since, time.time())
            up = True
            await self._notify()
            await reader
        finally:
            self._ready = False
            self._ws = None
            if not reader.done():
                reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
            ws.transport.abort()
            if up and not self._closing:
                self._emit(StatusEvent("disconnected"))
        if reader.done() and not reader.cancelled() and reader.exception() is not None:
            raise reader.exception()  # type: ignore[misc]

    async def _login(self, ws: ClientConnection) -> None:
        token = await self._token_source(self._stale)
        self._stale = None
        self._token = token
        async with self._lock:
            try:
                answer = await self._exchange(proto.login(token))
            except _NoAnswer:
                raise _Lost() from None  # a server that does not answer LOGIN: reconnect
        outcome = proto.login_outcome(answer)
        if outcome == "ok":
            log.info("real-time LOGIN ok on %s", self.path)
            return
        code = answer.get("return_code")
        message = self._redact(str(answer.get("return_msg", "")))
        if outcome == "token":
            raise _TokenRejected(token, f"return_code {code}: {message}")
        raise RealtimeLoginError(f"LOGIN refused: return_code {code}: {message}")

    async def _read(self, ws: ClientConnection) -> None:
        while True:
            try:
                async with asyncio.timeout(self.idle_timeout):
                    text = await ws.recv()
            except TimeoutError:
                log.warning("no frame for %.0fs: the connection is dead", self.idle_timeout)
                self._lose()
                return
            except ConnectionClosed:
                self._lose()
                return
            frame = proto.decode(text)
            if frame is None:
                log.warning("a frame that is not a JSON object was ignored")
                continue
            trnm = frame.get("trnm")
            if trnm == "REAL":
                try:
                    self._on_real(frame.get("data"), len(text))
                except Exception as exc:  # noqa: BLE001 - one bad frame never ends the session
                    self._report(exc)
            elif trnm == "PING":
                try:
                    await self._send(ws, text if isinstance(text, str) else text.decode())
                except _Lost:
                    self._lose()
                    return
            elif trnm == "SYSTEM":
                self._on_system(frame)
            else:
                pending = self._pending
                if pending is not None and pending[0] == trnm and not pending[1].done():
                    pending[1].set_result(frame)
                else:
                    log.debug("unexpected %s frame ignored", str(trnm)[:40])

    def _on_system(self, frame: dict[str, Any]) -> None:
        code = self._redact(str(frame.get("code", "")))
        message = self._redact(str(frame.get("message", frame.get("return_msg", ""))))
        outcome = proto.system_outcome(frame)
        if outcome == "taken_over":
            error = SessionTakenOverError(
                f"SYSTEM {code}: {message} (the app key connected elsewhere; not "
                "reconnecting, which would end that session)"
            )
            self._lose(error)
            raise error
        if outcome == "token":
            log.warning("SYSTEM %s: %s; logging in again with a new token", code, message)
            self._stale = self._token
            if self._ws is not None:
                self._drop(self._ws)
            return
        log.warning("SYSTEM %s: %s", code, message)  # never echoed

    def _lose(self, error: BaseException | None = None) -> None:
        self._ready = False
        pending = self._pending
        if pending is not None and not pending[1].done():
            pending[1].set_exception(error or _Lost())
