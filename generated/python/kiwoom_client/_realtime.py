# Copied verbatim from generator/runtime/_realtime.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""The real-time (WebSocket) client: one session per WebSocket path, kept alive for you.

    async with client.realtime() as rt:                       # LOGIN with the client's token
        trades = await rt.subscribe("0B", ["005930", "000660_NX"])   # awaits the REG answer
        async for msg in trades:                             # typed per type, msg.raw kept
            print(msg.item, msg.values.get("10"))

The sync twin (``with client.realtime() as rt: for msg in rt.subscribe(...)``) runs the same
session on an event loop of its own thread, so it never touches the caller's loop.

Protocol (Kiwoom's, most of it not in the workbook): LOGIN with the access token (no
``Bearer``); the server's PING frames are sent back unchanged (the library's own pings are off;
SYSTEM frames are never echoed); REG/REMOVE with ``item``/``type`` arrays and a group; pushed
``REAL`` frames whose ``data`` holds one or more entries; condition search (list, request,
clear) on the same connection; SYSTEM ``R10001`` ends the session.

Staying connected. A dropped or silent connection (no frame for ``idle_timeout`` seconds; the
server pings regularly) is reconnected with exponential backoff and jitter. A LOGIN refused for
the token (codes 8005, 8031, 8103 in the message) is retried once with a freshly issued token.
After a reconnect every registration and every live condition is replayed exactly once, a
``gap`` :class:`StatusEvent` is emitted and each subscription's ``gaps`` counter grows. SYSTEM
R10001 (the app key connected elsewhere) stops the session with :class:`SessionTakenOverError`:
reconnecting would end the other session. A refused LOGIN that a new token does not fix stops it
with :class:`RealtimeLoginError`.

Overflow policy. Each subscription, condition watch and event stream has a bounded queue
(``queue_size``, default 10,000 messages). When the consumer falls behind and the queue is full,
the OLDEST queued message is dropped to make room (a quote is superseded by the next one) and
the feed's ``dropped`` counter grows; ``overflow="drop_newest"`` drops the arriving message
instead. The reader never blocks on a slow consumer, so PINGs are always answered.

Tokens never appear in logs, reprs or exception messages.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
import time
from collections import deque
from collections.abc import (
    Awaitable,
    Callable,
    Coroutine,
    Iterator,
    Mapping,
    Sequence,
)
from typing import Any, Generic, Literal, Self, TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from ._errors import KiwoomError
from ._realtime_types import (
    ConditionEvent,
    ConditionInfo,
    ConditionService,
    RealtimeClosedError,
    RealtimeError,
    RealtimeLoginError,
    RealtimeMessage,
    RealtimeRequestError,
    RealtimeTypeInfo,
    SessionTakenOverError,
    StatusEvent,
)

__all__ = [
    "AsyncRealtime",
    "ConditionWatch",
    "Feed",
    "Realtime",
    "Subscription",
    "SyncFeed",
    "SyncSubscription",
]

log = logging.getLogger("kiwoom_client.realtime")
log.addHandler(logging.NullHandler())
# websockets' own debug log prints every frame, LOGIN's token included: its logger is kept at
# INFO, whatever the application's root level is.
wire_log = logging.getLogger("kiwoom_client.realtime.wire")
wire_log.setLevel(logging.INFO)

PATHS = {"domestic": "/api/dostk/websocket", "us": "/api/us/websocket"}
TOKEN_CODES = ("8005", "8031", "8103")  # token invalid / real-mock mismatch / expired
SESSION_TAKEN_OVER = "R10001"
MAX_ITEMS_PER_GROUP = 100  # Kiwoom's documented practice
DEFAULT_CONDITION_SERVICES = {
    PATHS["domestic"]: ConditionService(PATHS["domestic"], "CNSRLST", "CNSRREQ", "CNSRCLR", "02"),
    PATHS["us"]: ConditionService(PATHS["us"], "GNSRLST", "GNSRREQ", "GNSRCLR", "S2"),
}

Item = str | Mapping[str, str]  # "005930", "005930_NX", or {"jmcode": "NVDA", "stex_tp": "ND"}
Overflow = Literal["drop_oldest", "drop_newest"]
TokenSource = Callable[[str | None], Awaitable[str]]  # (stale token or None) -> usable token
_T = TypeVar("_T")
_Route = tuple[str, str | None]  # (type, item key); None: every item of the type


class _Lost(Exception):
    """The connection ended while a request waited for its answer."""


class _TokenRejected(Exception):
    def __init__(self, token: str, detail: str) -> None:
        super().__init__(detail)
        self.token = token


def _redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "**********")
    return text


def item_key(item: Item) -> str:
    """How a REAL entry names an item: the code itself, or a US item's ``jmcode``."""
    return item if isinstance(item, str) else str(item.get("jmcode", ""))


# ---- feeds: bounded queues the reader fills and consumers drain -----------------------------


class Feed(Generic[_T]):
    """A bounded queue of events, consumed with ``async for`` (see the module's overflow policy).

    ``dropped`` counts events lost to overflow, ``gaps`` the reconnects while it was open.
    """

    def __init__(self, session: AsyncRealtime, maxsize: int, overflow: Overflow) -> None:
        if maxsize < 1:
            raise ValueError("queue_size must be at least 1")
        self._session = session
        self._queue: deque[_T] = deque()
        self._maxsize = maxsize
        self._overflow = overflow
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._error: BaseException | None = None
        self.dropped = 0
        self.gaps = 0

    def _put(self, event: _T) -> None:
        if self._closed:
            return
        if len(self._queue) >= self._maxsize:
            self.dropped += 1
            if self._overflow == "drop_newest":
                return
            self._queue.popleft()
        self._queue.append(event)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _end(self, error: BaseException | None = None) -> None:
        if not self._closed:
            self._closed = True
            self._error = error
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    @property
    def closed(self) -> bool:
        return self._closed

    def __len__(self) -> int:
        return len(self._queue)

    def get_nowait(self) -> _T | None:
        return self._queue.popleft() if self._queue else None

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> _T:
        while not self._queue:
            if self._closed:
                if self._error is not None:
                    raise self._error
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._queue.popleft()

    async def get(self, timeout: float | None = None) -> _T:
        """The next event; ``TimeoutError`` after ``timeout`` seconds, StopAsyncIteration at end."""
        async with asyncio.timeout(timeout):
            return await self.__anext__()

    async def close(self) -> None:
        self._end()
        self._session._forget_feed(self)


class Subscription(Feed[RealtimeMessage[Any]]):
    """A registration (REG) of types × items in a group; iterate it for its messages."""

    def __init__(
        self,
        session: AsyncRealtime,
        group: str,
        types: tuple[str, ...],
        items: tuple[Item, ...],
        maxsize: int,
        overflow: Overflow,
    ) -> None:
        super().__init__(session, maxsize, overflow)
        self.group = group
        self.types = types
        self.items = items
        self._generation = -1  # the connection it was last registered on

    def _data(self) -> list[dict[str, Any]]:
        items: list[Item] = list(self.items) if self.items else [""]
        return [
            {
                "item": [i if isinstance(i, str) else dict(i) for i in items],
                "type": list(self.types),
            }
        ]

    def _routes(self) -> list[_Route]:
        keys: list[str | None] = [item_key(i) for i in self.items] or [None]
        return [(t, k) for t in self.types for k in keys]

    async def unsubscribe(self) -> None:
        """REMOVE this registration; the iterator ends."""
        await self._session.unsubscribe(self)

    async def close(self) -> None:
        await self.unsubscribe()

    def __repr__(self) -> str:
        return f"Subscription(group={self.group!r}, types={self.types!r}, items={self.items!r})"


class ConditionWatch(Feed[ConditionEvent]):
    """A live condition search: ``initial`` holds the items matching when it started; then
    ConditionEvent("insert"/"delete") as items enter and leave."""

    def __init__(
        self, session: AsyncRealtime, seq: str, exchange: str, maxsize: int, overflow: Overflow
    ) -> None:
        super().__init__(session, maxsize, overflow)
        self.seq = seq
        self.exchange = exchange
        self.initial: list[str] = []
        self.members: set[str] = set()
        self._generation = -1

    async def close(self) -> None:
        """CNSRCLR: stop the live search; the iterator ends."""
        await self._session._stop_watch(self)

    def __repr__(self) -> str:
        return f"ConditionWatch(seq={self.seq!r})"


# ---- the session ----------------------------------------------------------------------------


class AsyncRealtime:
    """One real-time session on one WebSocket path; made by ``client.realtime()``."""

    def __init__(
        self,
        url: str,
        token: TokenSource,
        *,
        path: str = PATHS["domestic"],
        types: Mapping[str, RealtimeTypeInfo] | None = None,
        conditions: ConditionService | None = None,
        queue_size: int = 10_000,
        overflow: Overflow = "drop_oldest",
        answer_timeout: float = 10.0,
        connect_timeout: float = 10.0,
        idle_timeout: float = 90.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        max_reconnects: int | None = None,
        secrets: Callable[[], Sequence[str]] = tuple,
    ) -> None:
        self.url = url.rstrip("/") + path
        self.path = path
        self._token_source = token
        self._types = dict(types or {})
        self._classes = {code: info.message_class for code, info in self._types.items()}
        self._cond = conditions or DEFAULT_CONDITION_SERVICES.get(
            path, DEFAULT_CONDITION_SERVICES[PATHS["domestic"]]
        )
        self.queue_size = queue_size
        self.overflow: Overflow = overflow
        self.answer_timeout = answer_timeout
        self.connect_timeout = connect_timeout
        self.idle_timeout = idle_timeout
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.max_reconnects = max_reconnects
        self._secrets = secrets
        self._subs: list[Subscription] = []
        self._routes: dict[_Route, list[Subscription]] = {}
        self._watches: dict[str, ConditionWatch] = {}
        self._feeds: list[Feed[Any]] = []
        self._ws: ClientConnection | None = None
        self._generation = 0  # grows with each successful LOGIN
        self._listed_generation = -1  # the connection on which the condition list was asked
        self._ready = False
        self._closing = False
        self._fatal: BaseException | None = None
        self._state = asyncio.Condition()
        self._lock = asyncio.Lock()  # one request in flight: answers do not echo requests
        self._pending: tuple[str, asyncio.Future[dict[str, Any]]] | None = None
        self._runner: asyncio.Task[None] | None = None
        self._groups = 0
        self._token: str | None = None
        self._stale: str | None = None
        self.reconnects = 0
        self.logins = 0

    def __repr__(self) -> str:
        return f"AsyncRealtime(url={self.url!r}, connected={self._ready})"

    # -- lifecycle

    async def connect(self) -> Self:
        """Connect and log in; raises when the first connection or LOGIN fails."""
        if self._fatal is not None:
            raise self._fatal
        if self._runner is None:
            first: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._runner = asyncio.create_task(self._run(first), name="kiwoom-realtime")
            await first
        return self

    async def close(self) -> None:
        """End every feed and close the connection (Kiwoom forgets its registrations)."""
        if self._closing:
            return
        self._closing = True
        ws, runner = self._ws, self._runner
        if ws is not None:
            await ws.close()
        if runner is not None:
            runner.cancel()
            try:
                await runner
            except BaseException:  # noqa: BLE001 - cancelled or failed: closing anyway
                pass
        self._emit(StatusEvent("closed"))
        for feed in self._all_feeds():
            feed._end(self._fatal)
        await self._notify()

    async def __aenter__(self) -> Self:
        return await self.connect()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        return self._ready

    # -- subscriptions

    async def subscribe(
        self,
        types: str | Sequence[str],
        items: Item | Sequence[Item] = (),
        *,
        group: str | None = None,
        refresh: bool = True,
        queue_size: int | None = None,
        overflow: Overflow | None = None,
    ) -> Subscription:
        """REG ``types`` for ``items`` and return the subscription once Kiwoom accepted it.

        Each subscription gets its own group unless ``group`` is given; ``refresh=False``
        (``refresh "0"``) replaces the group's earlier registrations, which then end.
        Messages that arrive before the REG answer are kept.
        """
        type_codes = (types,) if isinstance(types, str) else tuple(types)
        item_list = (items,) if isinstance(items, str | Mapping) else tuple(items)
        self._check_types(type_codes, item_list)
        if group is None:  # the next number no subscription uses
            used = {s.group for s in self._subs}
            self._groups += 1
            while str(self._groups) in used:
                self._groups += 1
            group = str(self._groups)
        sub = Subscription(
            self,
            group,
            type_codes,
            item_list,
            queue_size or self.queue_size,
            overflow or self.overflow,
        )
        if not refresh:
            for old in [s for s in self._subs if s.group == group]:
                self._subs.remove(old)
                old._end()
        self._subs.append(sub)
        self._reroute()
        try:
            await self._register(sub, refresh)
        except BaseException:
            if sub in self._subs:
                self._subs.remove(sub)
                self._reroute()
            sub._end()
            raise
        return sub

    async def unsubscribe(self, sub: Subscription) -> None:
        """REMOVE a subscription's items and types from its group."""
        if sub not in self._subs:
            sub._end()
            return
        self._subs.remove(sub)
        self._reroute()
        sub._end()
        # what another subscription of the same group still needs stays registered
        kept = {r for s in self._subs if s.group == sub.group for r in s._routes()}
        data = []
        for code in sub.types:
            items = [i for i in sub.items if (code, item_key(i)) not in kept]
            if not sub.items and (code, None) not in kept:
                items = [""]
            if items:
                data.append(
                    {"item": [i if isinstance(i, str) else dict(i) for i in items], "type": [code]}
                )
        if data and self._ready and sub._generation == self._generation:
            frame = {"trnm": "REMOVE", "grp_no": sub.group, "data": data}
            try:
                await self._call(frame, wait=False)
            except _Lost:  # the connection is gone, and Kiwoom forgot the registration with it
                pass

    def events(self, queue_size: int | None = None) -> Feed[Any]:
        """Every message, condition event and StatusEvent from now on, in arrival order.

        It starts with the session's state: ``StatusEvent("connected")`` when connected.
        """
        feed: Feed[Any] = Feed(self, queue_size or self.queue_size, self.overflow)
        if self._ready:
            feed._put(StatusEvent("connected", self.url))
        self._feeds.append(feed)
        return feed

    # -- condition search

    async def conditions(self) -> list[ConditionInfo]:
        """The saved conditions (CNSRLST): ``[ConditionInfo(seq, name), ...]``."""
        answer = await self._call({"trnm": self._cond.list_trnm})
        self._listed_generation = self._generation
        out = []
        for row in answer.get("data") or ():
            if isinstance(row, list | tuple) and len(row) >= 2:
                out.append(ConditionInfo(str(row[0]), str(row[1])))
            elif isinstance(row, dict):
                out.append(ConditionInfo(str(row.get("seq", "")), str(row.get("name", ""))))
        return out

    async def condition_search(
        self, seq: str, *, exchange: str = "K", max_pages: int = 100
    ) -> list[dict[str, Any]]:
        """A one-off search (search_type 0), following ``cont_yn``/``next_key`` to the end."""
        rows: list[dict[str, Any]] = []
        cont, key = "N", ""
        for _ in range(max_pages):
            await self._ensure_listed()
            answer = await self._call(
                {
                    "trnm": self._cond.request_trnm,
                    "seq": seq,
                    "search_type": "0",
                    "stex_tp": exchange,
                    "cont_yn": cont,
                    "next_key": key,
                }
            )
            rows.extend(r for r in answer.get("data") or () if isinstance(r, dict))
            next_key = str(answer.get("next_key") or "")
            if answer.get("cont_yn") != "Y" or not next_key:
                return rows
            cont, key = "Y", next_key
        raise RealtimeError(f"condition {seq}: more than {max_pages} pages; stopped")

    async def watch_condition(
        self, seq: str, *, exchange: str = "K", queue_size: int | None = None
    ) -> ConditionWatch:
        """A live search (search_type 1): the matching items now, then insert/delete events."""
        if seq in self._watches:
            raise ValueError(f"condition {seq} is already watched on this session")
        watch = ConditionWatch(self, seq, exchange, queue_size or self.queue_size, self.overflow)
        self._watches[seq] = watch
        try:
            while True:
                await self._wait_ready()
                await self._ensure_listed()
                async with self._lock:
                    if not self._ready:
                        continue
                    if watch._generation == self._generation:
                        break
                    try:
                        await self._start_watch_locked(watch)
                    except _Lost:
                        continue
                    break
        except BaseException:
            self._watches.pop(seq, None)
            watch._end()
            raise
        return watch

    # -- internals: requests

    def _check_types(self, types: tuple[str, ...], items: tuple[Item, ...]) -> None:
        if not types:
            raise ValueError("subscribe needs at least one real-time type")
        if len(items) > MAX_ITEMS_PER_GROUP:
            raise ValueError(f"at most {MAX_ITEMS_PER_GROUP} items per subscription (group)")
        for code in types:
            info = self._types.get(code)
            if info is None:
                continue  # not in this package's registry: sent as given, messages untyped
            if info.path != self.path:
                raise ValueError(
                    f"real-time type {code!r} ({info.name}) is served on {info.path}, this "
                    f"session is on {self.path}: use client.realtime(market=...)"
                )
            if info.needs_item and not items:
                raise ValueError(f"real-time type {code!r} ({info.name}) needs items")

    def _reroute(self) -> None:
        routes: dict[_Route, list[Subscription]] = {}
        for sub in self._subs:
            for route in sub._routes():
                routes.setdefault(route, []).append(sub)
        self._routes = routes

    async def _register(self, sub: Subscription, refresh: bool) -> None:
        while True:
            await self._wait_ready()
            async with self._lock:
                if not self._ready:
                    continue
                if sub._generation == self._generation:
                    break  # replayed by a reconnect in the meantime
                sub._generation = self._generation
                frame = {
                    "trnm": "REG",
                    "grp_no": sub.group,
                    "refresh": "1" if refresh else "0",
                    "data": sub._data(),
                }
                try:
                    answer = await self._exchange(frame)
                except _Lost:
                    continue
                _check_answer(answer, "REG")
                return
        if sub.closed and sub._error is not None:
            raise sub._error

    async def _ensure_listed(self) -> None:
        """Kiwoom answers a condition request only after the list was asked on the connection."""
        if self._listed_generation != self._generation or not self._ready:
            await self.conditions()

    async def _start_watch_locked(self, watch: ConditionWatch) -> None:
        watch._generation = self._generation
        frame = {
            "trnm": self._cond.request_trnm,
            "seq": watch.seq,
            "search_type": "1",
            "stex_tp": watch.exchange,
        }
        answer = await self._exchange(frame)
        _check_answer(answer, self._cond.request_trnm)
        items = [_row_item(r) for r in answer.get("data") or () if isinstance(r, dict)]
        items = [i for i in items if i]
        if watch._generation and watch.initial:
            # a replay: tell the consumer what changed while the connection was down
            now = set(items)
            for item in sorted(watch.members - now):
                watch._put(_synthetic_event(watch.seq, item, "delete", self._cond))
            for item in [i for i in items if i not in watch.members]:
                watch._put(_synthetic_event(watch.seq, item, "insert", self._cond))
        else:
            watch.initial = items
        watch.members = set(items)

    async def _stop_watch(self, watch: ConditionWatch) -> None:
        if self._watches.get(watch.seq) is watch:
            del self._watches[watch.seq]
        watch._end()
        if self._ready and watch._generation == self._generation:
            try:
                await self._call({"trnm": self._cond.clear_trnm, "seq": watch.seq}, wait=False)
            except _Lost:
                pass

    async def _call(self, frame: dict[str, Any], *, wait: bool = True) -> dict[str, Any]:
        """Send one request and return its answer. ``wait``: wait for the connection and
        retry across drops; else raise _Lost when not connected."""
        while True:
            if wait:
                await self._wait_ready()
            async with self._lock:
                if not self._ready:
                    if wait:
                        continue
                    raise _Lost()
                try:
                    answer = await self._exchange(frame)
                except _Lost:
                    if wait:
                        continue
                    raise
            _check_answer(answer, str(frame["trnm"]))
            return answer

    async def _exchange(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Send ``frame`` and await the frame with the same ``trnm`` (the lock is held)."""
        ws = self._ws
        if ws is None:
            raise _Lost()
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending = (str(frame["trnm"]), future)
        try:
            try:
                await ws.send(json.dumps(frame, ensure_ascii=False))
            except ConnectionClosed as exc:
                raise _Lost() from exc
            try:
                async with asyncio.timeout(self.answer_timeout):
                    return await future
            except TimeoutError:
                log.warning(
                    "no answer to %s in %.1fs; reconnecting", frame["trnm"], self.answer_timeout
                )
                ws.transport.abort()
                raise _Lost() from None
        finally:
            self._pending = None

    async def _wait_ready(self) -> None:
        if self._runner is None and not self._closing:
            raise RealtimeClosedError(
                "the real-time session is not connected: use `async with client.realtime()`"
            )
        async with self._state:
            await self._state.wait_for(lambda: self._ready or self._closing or self._fatal)
        if self._fatal is not None:
            raise self._fatal
        if self._closing:
            raise RealtimeClosedError("the real-time session is closed")

    async def _notify(self) -> None:
        async with self._state:
            self._state.notify_all()

    def _all_feeds(self) -> list[Feed[Any]]:
        return [*self._subs, *self._watches.values(), *self._feeds]

    def _forget_feed(self, feed: Feed[Any]) -> None:
        if feed in self._feeds:
            self._feeds.remove(feed)

    def _emit(self, event: StatusEvent) -> None:
        for feed in self._feeds:
            feed._put(event)

    # -- internals: the connection loop

    async def _run(self, first: asyncio.Future[None]) -> None:
        attempt = 0
        reissued = False
        down_since: float | None = None
        while not self._closing:
            try:
                await self._session_once(first, down_since)
                attempt, reissued, down_since = 0, False, time.time()  # was up, then lost
            except _TokenRejected as exc:
                if reissued:
                    await self._fail(RealtimeLoginError(f"LOGIN refused: {exc}"), first)
                    return
                log.info("LOGIN refused for the token; logging in again with a new token")
                reissued = True
                self._stale = exc.token
                continue
            except (SessionTakenOverError, RealtimeLoginError) as exc:
                await self._fail(exc, first)
                return
            except KiwoomError as exc:  # e.g. no keys to issue the token LOGIN needs
                await self._fail(exc, first)
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
                log.exception("real-time session failed")
                await self._fail(RealtimeError(f"real-time session failed: {exc!r}"), first)
                return
            if self._closing:
                return
            attempt += 1
            if self.max_reconnects is not None and attempt > self.max_reconnects:
                error = RealtimeError(f"gave up after {self.max_reconnects} reconnects")
                await self._fail(error, first)
                return
            delay = min(self.backoff_max, self.backoff_initial * 2 ** (attempt - 1))
            delay *= 0.5 + random.random() / 2  # jitter: reconnecting clients do not stampede
            log.info("reconnecting in %.2fs (attempt %d)", delay, attempt)
            await asyncio.sleep(delay)

    async def _fail(self, error: BaseException, first: asyncio.Future[None]) -> None:
        log.error("real-time session stopped: %s", error)
        self._fatal = error
        self._ready = False
        if not first.done():
            first.set_exception(error)
        self._emit(StatusEvent("closed", str(error)))
        for feed in self._all_feeds():
            feed._end(error)
        await self._notify()

    async def _session_once(self, first: asyncio.Future[None], down_since: float | None) -> None:
        """One connection: connect, LOGIN, replay, then read until it ends."""
        async with asyncio.timeout(self.connect_timeout):
            ws = await connect(
                self.url,
                ping_interval=None,  # Kiwoom's PING frames are the heartbeat
                ping_timeout=None,
                close_timeout=2,
                max_size=2**24,
                open_timeout=None,
                compression=None,
                logger=wire_log,
            )
        self._ws = ws
        reader = asyncio.create_task(self._read(ws), name="kiwoom-realtime-reader")
        try:
            await self._login()
            self._generation += 1
            self.logins += 1
            if not first.done():
                async with self._lock:
                    self._ready = True
                first.set_result(None)
                self._emit(StatusEvent("connected", self.url))
            else:
                self.reconnects += 1
                async with self._lock:
                    await self._replay()
                    self._ready = True
                now = time.time()
                self._emit(StatusEvent("reconnected", self.url))
                for feed in self._all_feeds():
                    feed.gaps += 1
                self._emit(StatusEvent("gap", "messages may be missing", down_since, now))
            await self._notify()
            await reader
        finally:
            was_ready = self._ready
            self._ready = False
            self._ws = None
            if not reader.done():
                reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
            ws.transport.abort()
            if was_ready and not self._closing:
                self._emit(StatusEvent("disconnected"))
        if reader.done() and not reader.cancelled() and reader.exception() is not None:
            raise reader.exception()  # type: ignore[misc]

    async def _login(self) -> None:
        token = await self._token_source(self._stale)
        self._stale = None
        self._token = token
        async with self._lock:
            answer = await self._exchange({"trnm": "LOGIN", "token": token})
        code = answer.get("return_code")
        if code in (0, "0"):
            log.info("real-time LOGIN ok on %s", self.path)
            return
        message = _redact(str(answer.get("return_msg", "")), [token, *self._secrets()])
        if any(f"CODE={c}" in message or c in str(code) for c in TOKEN_CODES):
            raise _TokenRejected(token, f"return_code {code}: {message}")
        raise RealtimeLoginError(f"LOGIN refused: return_code {code}: {message}")

    async def _replay(self) -> None:
        """Register every subscription and restart every live condition, once each."""
        generation = self._generation
        for sub in list(self._subs):
            if sub._generation == generation:
                continue
            sub._generation = generation
            frame = {"trnm": "REG", "grp_no": sub.group, "refresh": "1", "data": sub._data()}
            answer = await self._exchange(frame)
            if answer.get("return_code") not in (0, "0"):
                self._subs.remove(sub)
                self._reroute()
                sub._end(_request_error(answer, "REG"))
        if self._watches:
            answer = await self._exchange({"trnm": self._cond.list_trnm})
            _check_answer(answer, self._cond.list_trnm)
            self._listed_generation = generation
            for watch in list(self._watches.values()):
                if watch._generation != generation:
                    try:
                        await self._start_watch_locked(watch)
                    except RealtimeRequestError as exc:
                        del self._watches[watch.seq]
                        watch._end(exc)
        log.info("replayed %d registrations, %d conditions", len(self._subs), len(self._watches))

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
            try:
                frame = json.loads(text)
            except ValueError:
                log.warning("a frame that is not JSON was ignored")
                continue
            if not isinstance(frame, dict):
                continue
            trnm = frame.get("trnm")
            if trnm == "REAL":
                self._dispatch(frame.get("data"))
            elif trnm == "PING":
                try:
                    await ws.send(text)  # the same frame back, unchanged
                except ConnectionClosed:
                    self._lose()
                    return
            elif trnm == "SYSTEM":
                code, message = str(frame.get("code", "")), str(frame.get("message", ""))
                message = _redact(message, [self._token or "", *self._secrets()])
                if code == SESSION_TAKEN_OVER:
                    error = SessionTakenOverError(
                        f"SYSTEM {code}: {message} (the app key connected elsewhere; not "
                        "reconnecting, which would end that session)"
                    )
                    self._lose(error)
                    raise error
                log.warning("SYSTEM %s: %s", code, message)  # never echoed
            else:
                pending = self._pending
                if pending is not None and pending[0] == trnm and not pending[1].done():
                    pending[1].set_result(frame)
                else:
                    log.debug("unexpected %s frame ignored", trnm)

    def _lose(self, error: BaseException | None = None) -> None:
        pending = self._pending
        if pending is not None and not pending[1].done():
            pending[1].set_exception(error or _Lost())

    def _dispatch(self, data: Any) -> None:
        if not isinstance(data, list):
            return
        classes, routes, feeds = self._classes, self._routes, self._feeds
        live_type = self._cond.live_type
        for entry in data:
            if not isinstance(entry, dict):
                continue
            code = entry.get("type")
            msg = classes.get(code, RealtimeMessage)(entry)  # type: ignore[arg-type]
            if code == live_type and self._watches:
                self._condition_event(msg)
            else:
                subs = routes.get((code, entry.get("item")))  # type: ignore[arg-type]
                if subs:
                    for sub in subs:
                        sub._put(msg)
                subs = routes.get((code, None))  # type: ignore[arg-type]
                if subs:
                    for sub in subs:
                        sub._put(msg)
            for feed in feeds:
                feed._put(msg)

    def _condition_event(self, msg: RealtimeMessage[Any]) -> None:
        values = msg.values
        seq = str(values.get(self._cond.seq_id) or "").strip()
        item = str(values.get(self._cond.item_id) or msg.item)
        action = str(values.get(self._cond.action_id) or "").strip().upper()
        watch = self._watches.get(seq)
        if watch is None or action not in ("I", "D"):
            log.debug("condition entry for an unwatched seq or unknown action ignored")
            return
        event = ConditionEvent(seq, item, "insert" if action == "I" else "delete", msg)
        if action == "I":
            watch.members.add(item)
        else:
            watch.members.discard(item)
        watch._put(event)
        for feed in self._feeds:
            feed._put(event)


def _row_item(row: Mapping[str, Any]) -> str:
    return str(row.get("jmcode") or row.get("9001") or "")


def _synthetic_event(
    seq: str, item: str, action: Literal["insert", "delete"], cond: ConditionService
) -> ConditionEvent:
    entry = {
        "type": cond.live_type,
        "name": "",
        "item": item,
        "values": {
            cond.seq_id: seq,
            cond.item_id: item,
            cond.action_id: "I" if action == "insert" else "D",
        },
        "replayed": True,
    }
    return ConditionEvent(seq, item, action, RealtimeMessage(entry))


def _request_error(answer: Mapping[str, Any], trnm: str) -> RealtimeRequestError:
    return RealtimeRequestError(trnm, answer.get("return_code"), str(answer.get("return_msg", "")))


def _check_answer(answer: Mapping[str, Any], trnm: str) -> None:
    if answer.get("return_code", 0) not in (0, "0"):
        raise _request_error(answer, trnm)


# ---- the sync twin --------------------------------------------------------------------------


class _LoopThread:
    """An event loop on a daemon thread of its own; coroutines are run on it and awaited."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="kiwoom-realtime-loop", daemon=True
        )
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, _T], timeout: float | None = None) -> _T:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()


class SyncFeed(Generic[_T]):
    """The blocking view of a :class:`Feed`: ``for event in feed`` and ``feed.get(timeout)``."""

    def __init__(self, feed: Feed[_T], runner: _LoopThread) -> None:
        self._feed = feed
        self._runner = runner

    @property
    def dropped(self) -> int:
        return self._feed.dropped

    @property
    def gaps(self) -> int:
        return self._feed.gaps

    def __iter__(self) -> Iterator[_T]:
        return self

    def __next__(self) -> _T:
        try:
            return self._runner.run(self._feed.__anext__())
        except StopAsyncIteration:
            raise StopIteration from None

    def get(self, timeout: float | None = None) -> _T:
        """The next event; ``TimeoutError`` after ``timeout`` seconds."""
        try:
            return self._runner.run(self._feed.get(timeout))
        except StopAsyncIteration:
            raise StopIteration from None

    def close(self) -> None:
        self._runner.run(self._feed.close())


class SyncSubscription(SyncFeed[RealtimeMessage[Any]]):
    _feed: Subscription

    @property
    def group(self) -> str:
        return self._feed.group

    @property
    def types(self) -> tuple[str, ...]:
        return self._feed.types

    def unsubscribe(self) -> None:
        self._runner.run(self._feed.unsubscribe())


class SyncConditionWatch(SyncFeed[ConditionEvent]):
    _feed: ConditionWatch

    @property
    def initial(self) -> list[str]:
        return self._feed.initial


class Realtime:
    """The sync twin of :class:`AsyncRealtime`: same methods, blocking, own event-loop thread."""

    def __init__(self, make: Callable[[], AsyncRealtime]) -> None:
        self._make = make
        self._runner: _LoopThread | None = None
        self._rt: AsyncRealtime | None = None

    def connect(self) -> Self:
        if self._runner is None:
            self._runner = _LoopThread()

            async def start() -> AsyncRealtime:
                return await self._make().connect()

            try:
                self._rt = self._runner.run(start())
            except BaseException:
                self._runner.stop()
                self._runner = None
                raise
        return self

    def close(self) -> None:
        runner, rt = self._runner, self._rt
        self._runner = self._rt = None
        if runner is not None:
            if rt is not None:
                runner.run(rt.close(), timeout=10)
            runner.stop()

    def __enter__(self) -> Self:
        return self.connect()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _session(self) -> tuple[_LoopThread, AsyncRealtime]:
        if self._runner is None or self._rt is None:
            raise RealtimeClosedError("the real-time session is not open: use it in a with block")
        return self._runner, self._rt

    @property
    def connected(self) -> bool:
        return self._rt is not None and self._rt.connected

    @property
    def session(self) -> AsyncRealtime:
        return self._session()[1]

    def subscribe(
        self,
        types: str | Sequence[str],
        items: Item | Sequence[Item] = (),
        *,
        group: str | None = None,
        refresh: bool = True,
        queue_size: int | None = None,
        overflow: Overflow | None = None,
    ) -> SyncSubscription:
        runner, rt = self._session()
        sub = runner.run(
            rt.subscribe(
                types,
                items,
                group=group,
                refresh=refresh,
                queue_size=queue_size,
                overflow=overflow,
            )
        )
        return SyncSubscription(sub, runner)

    def events(self, queue_size: int | None = None) -> SyncFeed[Any]:
        runner, rt = self._session()

        async def make() -> Feed[Any]:  # on the loop's thread, like everything else
            return rt.events(queue_size)

        return SyncFeed(runner.run(make()), runner)

    def conditions(self) -> list[ConditionInfo]:
        runner, rt = self._session()
        return runner.run(rt.conditions())

    def condition_search(
        self, seq: str, *, exchange: str = "K", max_pages: int = 100
    ) -> list[dict[str, Any]]:
        runner, rt = self._session()
        return runner.run(rt.condition_search(seq, exchange=exchange, max_pages=max_pages))

    def watch_condition(
        self, seq: str, *, exchange: str = "K", queue_size: int | None = None
    ) -> SyncConditionWatch:
        runner, rt = self._session()
        watch = runner.run(rt.watch_condition(seq, exchange=exchange, queue_size=queue_size))
        return SyncConditionWatch(watch, runner)
