# Copied verbatim from generator/runtime/_realtime.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""The real-time (WebSocket) client: one session per WebSocket path, kept alive for you.

    async with client.realtime() as rt:                       # LOGIN with the client's token
        trades = await rt.subscribe("0B", ["005930", "000660_NX"])   # awaits the REG answer
        async for msg in trades:                             # typed per type, msg.raw kept
            print(msg.item, msg.values.get("10"))

The sync twin (``with client.realtime() as rt: for msg in rt.subscribe(...)``) runs the same
session on an event loop of its own thread, so it never touches the caller's loop
(:mod:`._realtime_sync`).

Protocol (Kiwoom's, most of it not in the workbook; every frame is built and read by
:mod:`._realtime_protocol`, which the fake server uses too): LOGIN with the access token (no
``Bearer``); the server's PING frames are sent back unchanged (the library's own pings are off;
SYSTEM frames are never echoed); REG/REMOVE with ``item``/``type`` arrays and a group, account
feeds (00, 04, US F4, F5) with ``"item": [""]``, US items as ``{"jmcode", "stex_tp"}``
objects; pushed ``REAL`` frames whose ``data`` holds one or more entries; condition search (list,
request, clear; named by the sheets) on the same connection; SYSTEM ``R10001`` ends the session.

Staying connected (:mod:`._realtime_connection`). A dropped or silent connection is
reconnected with exponential backoff and jitter (:class:`Backoff`). A LOGIN refused for the
token (effective codes 8005, 8031, 8103) is retried once with a freshly issued token. After a
reconnect every registration and every live condition is replayed exactly once, a ``gap``
:class:`StatusEvent` is emitted and each feed's ``gaps`` counter grows. SYSTEM R10001 (the app
key connected elsewhere) stops the session with :class:`SessionTakenOverError`.

A malformed REAL entry (not an object, an item that is neither a code nor a US item object,
values that are not an object) is skipped, counted in ``malformed`` and reported as a
``malformed`` StatusEvent; the session goes on. Every value is a string.

Overflow policy. Each subscription, condition watch and event stream has a queue bounded by
count (``queue_size``, default 10,000 messages) and by size (``queue_bytes``, default 16 MiB of
values). When the consumer falls behind and the queue is full, the OLDEST queued message is
dropped to make room (a quote is superseded by the next one) and the feed's ``dropped`` counter
grows; ``overflow="drop_newest"`` drops the arriving message instead. The reader never blocks
on a slow consumer, so PINGs are always answered.

Tokens never appear in logs, reprs or exception messages.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Literal, Self, TypeVar

from . import _realtime_protocol as proto
from ._realtime_connection import (
    Backoff,
    ExceptionHook,
    RealtimeConnection,
    TokenSource,
    _Lost,
    _NoAnswer,
)
from ._realtime_protocol import PATHS, Item, item_key
from ._realtime_sync import (
    Realtime,
    SyncConditionWatch,
    SyncFeed,
    SyncSubscription,
)
from ._realtime_types import (
    ConditionEvent,
    ConditionInfo,
    ConditionService,
    RealtimeError,
    RealtimeMessage,
    RealtimeRequestError,
    RealtimeTypeInfo,
    StatusEvent,
)

__all__ = [
    "PATHS",
    "AsyncRealtime",
    "Backoff",
    "ConditionWatch",
    "Feed",
    "Realtime",
    "Subscription",
    "SyncConditionWatch",
    "SyncFeed",
    "SyncSubscription",
]

log = logging.getLogger("kiwoom_client.realtime")

MAX_ITEMS_PER_GROUP = 100  # Kiwoom's documented practice
EVENT_SIZE = 64  # what a status or condition event counts against a queue's byte bound
Overflow = Literal["drop_oldest", "drop_newest"]
_T = TypeVar("_T")
_Route = tuple[str, str | None]  # (type, item key); None: every item of the type


# ---- feeds: bounded queues the reader fills and consumers drain -----------------------------


class Feed(Generic[_T]):
    """A bounded queue of events, consumed with ``async for`` (see the module's overflow policy).

    ``dropped`` counts events lost to overflow, ``gaps`` the reconnects while it was open.
    """

    def __init__(
        self, session: AsyncRealtime, maxsize: int, overflow: Overflow, max_bytes: int
    ) -> None:
        if maxsize < 1:
            raise ValueError("queue_size must be at least 1")
        if max_bytes < 1:
            raise ValueError("queue_bytes must be at least 1")
        self._session = session
        self._queue: deque[tuple[_T, int]] = deque()
        self._maxsize = maxsize
        self._max_bytes = max_bytes
        self._bytes = 0
        self._overflow = overflow
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._error: BaseException | None = None
        self.dropped = 0
        self.gaps = 0

    def _put(self, event: _T, size: int = EVENT_SIZE) -> None:
        if self._closed:
            return
        if size > self._max_bytes:  # alone larger than the bound: never queued
            self.dropped += 1
            return
        queue = self._queue
        while queue and (len(queue) >= self._maxsize or self._bytes + size > self._max_bytes):
            self.dropped += 1
            if self._overflow == "drop_newest":
                return
            self._bytes -= queue.popleft()[1]
        queue.append((event, size))
        self._bytes += size
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _pop(self) -> _T:
        event, size = self._queue.popleft()
        self._bytes -= size
        return event

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

    @property
    def queued_bytes(self) -> int:
        """About how many bytes of values the queue holds now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._queue)

    def get_nowait(self) -> _T | None:
        return self._pop() if self._queue else None

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
        return self._pop()

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
        max_bytes: int,
    ) -> None:
        super().__init__(session, maxsize, overflow, max_bytes)
        self.group = group
        self.types = types
        self.items = items
        self._generation = -1  # the connection it was last registered on

    def _registration(self) -> proto.Registration:
        return proto.Registration(self.group, self.types, self.items)

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
        self,
        session: AsyncRealtime,
        seq: str,
        exchange: str,
        maxsize: int,
        overflow: Overflow,
        max_bytes: int,
    ) -> None:
        super().__init__(session, maxsize, overflow, max_bytes)
        self.seq = seq
        self.exchange = exchange
        self.initial: list[str] = []
        self.members: set[str] = set()
        self._generation = -1

    async def close(self) -> None:
        """Clear the live search (CNSRCLR); the iterator ends."""
        await self._session._stop_watch(self)

    def __repr__(self) -> str:
        return f"ConditionWatch(seq={self.seq!r})"


# ---- the session ----------------------------------------------------------------------------


class AsyncRealtime(RealtimeConnection):
    """One real-time session on one WebSocket path; made by ``client.realtime()``.

    ``backoff_initial``, ``backoff_max``, ``healthy_after`` and ``max_reconnects`` make its
    :class:`Backoff` (or pass ``backoff=``); ``on_exception`` receives what a frame's handling
    raised (default: logged); the timeouts are described in :mod:`._realtime_connection`.
    """

    def __init__(
        self,
        url: str,
        token: TokenSource,
        *,
        path: str = PATHS["domestic"],
        types: Mapping[str, RealtimeTypeInfo] | None = None,
        conditions: ConditionService | None = None,
        queue_size: int = 10_000,
        queue_bytes: int = 16 * 2**20,
        overflow: Overflow = "drop_oldest",
        answer_timeout: float = 10.0,
        connect_timeout: float = 10.0,
        idle_timeout: float = 90.0,
        send_timeout: float = 10.0,
        close_timeout: float = 5.0,
        ready_timeout: float = 120.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        healthy_after: float = 30.0,
        max_reconnects: int | None = None,
        backoff: Backoff | None = None,
        on_exception: ExceptionHook | None = None,
        secrets: Callable[[], Sequence[str]] = tuple,
    ) -> None:
        super().__init__(
            url,
            token,
            path=path,
            answer_timeout=answer_timeout,
            connect_timeout=connect_timeout,
            idle_timeout=idle_timeout,
            send_timeout=send_timeout,
            close_timeout=close_timeout,
            ready_timeout=ready_timeout,
            backoff=backoff or Backoff(backoff_initial, backoff_max, healthy_after, max_reconnects),
            on_exception=on_exception,
            secrets=secrets,
        )
        self.market: Literal["domestic", "us"] = "us" if path == PATHS["us"] else "domestic"
        self._types = dict(types or {})
        self._classes = {code: info.message_class for code, info in self._types.items()}
        self._cond = conditions or proto.DEFAULT_CONDITION_SERVICES.get(
            path, proto.DEFAULT_CONDITION_SERVICES[PATHS["domestic"]]
        )
        self.queue_size = queue_size
        self.queue_bytes = queue_bytes
        self.overflow: Overflow = overflow
        self._subs: list[Subscription] = []
        self._routes: dict[_Route, list[Subscription]] = {}
        self._watches: dict[str, ConditionWatch] = {}
        self._feeds: list[Feed[Any]] = []
        self._listed_generation = -1  # the connection on which the condition list was asked
        self._groups = 0
        self.malformed = 0  # REAL entries skipped for their shape

    @property
    def backoff_initial(self) -> float:
        return self.backoff.initial

    @property
    def backoff_max(self) -> float:
        return self.backoff.maximum

    @property
    def max_reconnects(self) -> int | None:
        return self.backoff.max_reconnects

    def __repr__(self) -> str:
        return f"AsyncRealtime(url={self.url!r}, connected={self._ready})"

    async def connect(self) -> Self:
        await super().connect()
        return self

    async def __aenter__(self) -> Self:
        return await self.connect()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- subscriptions

    async def subscribe(
        self,
        types: str | Sequence[str],
        items: Item | Sequence[Item] = (),
        *,
        group: str | None = None,
        refresh: bool = True,
        queue_size: int | None = None,
        queue_bytes: int | None = None,
        overflow: Overflow | None = None,
    ) -> Subscription:
        """REG ``types`` for ``items`` and return the subscription once Kiwoom accepted it.

        Account feeds (00, 04, US F4, F5) take no items. US items are
        ``{"jmcode": "NVDA", "stex_tp": "ND"}`` (NA, ND, NY). Each subscription gets its own
        group unless ``group`` is given; ``refresh=False`` (``refresh "0"``) replaces the
        group's earlier registrations, which then end. Messages that arrive before the REG
        answer are kept. Raises :class:`RealtimeRequestError` when Kiwoom refuses the REG or
        does not answer it within ``answer_timeout``.
        """
        type_codes = (types,) if isinstance(types, str) else tuple(types)
        given = (items,) if isinstance(items, str | Mapping) else tuple(items)
        item_list = proto.normalize_items(given, self.market)
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
            queue_bytes or self.queue_bytes,
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
        data: list[dict[str, Any]] = []
        for code in sub.types:
            items = [i for i in sub.items if (code, item_key(i)) not in kept]
            if not sub.items and (code, None) not in kept:
                data += proto.registration_data([code], [])
            elif items:
                data += proto.registration_data([code], items)
        if data and self._ready and sub._generation == self._generation:
            try:
                await self._call(proto.remove(sub.group, data), wait=False)
            except _Lost:  # the connection is gone, and Kiwoom forgot the registration with it
                pass

    def events(self, queue_size: int | None = None) -> Feed[Any]:
        """Every message, condition event and StatusEvent from now on, in arrival order.

        It starts with the session's state: ``StatusEvent("connected")`` when connected.
        """
        feed: Feed[Any] = Feed(self, queue_size or self.queue_size, self.overflow, self.queue_bytes)
        if self._ready:
            feed._put(StatusEvent("connected", self.url))
        self._feeds.append(feed)
        return feed

    # -- condition search

    async def conditions(self) -> list[ConditionInfo]:
        """The saved conditions (CNSRLST, US GCNSRLST): ``[ConditionInfo(seq, name), ...]``."""
        answer = await self._call(proto.condition_list(self._cond))
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
        """A one-off search (search_type 0), following ``cont_yn``/``next_key`` to the end.

        ``exchange`` is sent as ``stex_tp`` where the market's sheets have it (domestic)."""
        rows: list[dict[str, Any]] = []
        cont, key = "N", ""
        for _ in range(max_pages):
            await self._ensure_listed()
            frame = proto.condition_request(
                self._cond, seq, live=False, exchange=exchange, cont=cont, key=key
            )
            answer = await self._call(frame)
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
        watch = ConditionWatch(
            self, seq, exchange, queue_size or self.queue_size, self.overflow, self.queue_bytes
        )
        self._watches[seq] = watch
        try:
            for _ in range(3):
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
            else:
                raise RealtimeError(f"condition {seq}: the connection was lost three times")
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

    def _no_answer(self, trnm: str) -> RealtimeRequestError:
        return RealtimeRequestError(
            trnm, None, f"no answer within answer_timeout ({self.answer_timeout:g}s)"
        )

    async def _register(self, sub: Subscription, refresh: bool) -> None:
        for _ in range(3):
            await self._wait_ready()
            async with self._lock:
                if not self._ready:
                    continue
                if sub._generation == self._generation:
                    break  # replayed by a reconnect in the meantime
                sub._generation = self._generation
                frame = proto.reg(sub.group, refresh, proto.registration_data(sub.types, sub.items))
                try:
                    answer = await self._exchange(frame)
                except _Lost:
                    continue
                except _NoAnswer:
                    raise self._no_answer("REG") from None
                self._check(answer, "REG")
                return
        else:
            raise RealtimeError("REG: the connection was lost three times while registering")
        if sub.closed and sub._error is not None:
            raise sub._error

    async def _ensure_listed(self) -> None:
        """Kiwoom answers a condition request only after the list was asked on the connection."""
        if self._listed_generation != self._generation or not self._ready:
            await self.conditions()

    async def _start_watch_locked(self, watch: ConditionWatch) -> None:
        watch._generation = self._generation
        trnm = self._cond.request_trnm
        frame = proto.condition_request(self._cond, watch.seq, live=True, exchange=watch.exchange)
        try:
            answer = self._check(await self._exchange(frame), trnm)
        except _NoAnswer:
            raise self._no_answer(trnm) from None
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
                await self._call(proto.condition_clear(self._cond, watch.seq), wait=False)
            except (_Lost, RealtimeRequestError):
                pass

    async def _call(self, frame: dict[str, Any], *, wait: bool = True) -> dict[str, Any]:
        """Send one request and return its answer. ``wait``: wait for the connection and
        retry across drops (three times at most); else raise _Lost when not connected. An
        unanswered request raises RealtimeRequestError: it is not sent again."""
        trnm = str(frame["trnm"])
        for _ in range(3 if wait else 1):
            if wait:
                await self._wait_ready()
            async with self._lock:
                if not self._ready:
                    await asyncio.sleep(0)
                    continue
                try:
                    answer = await self._exchange(frame)
                except _Lost:
                    await asyncio.sleep(0)
                    continue
                except _NoAnswer:
                    raise self._no_answer(trnm) from None
            return self._check(answer, trnm)
        if not wait:
            raise _Lost()
        raise RealtimeError(f"{trnm}: the connection was lost three times while asking")

    def _all_feeds(self) -> list[Feed[Any]]:
        return [*self._subs, *self._watches.values(), *self._feeds]

    def _forget_feed(self, feed: Feed[Any]) -> None:
        if feed in self._feeds:
            self._feeds.remove(feed)

    # -- hooks of the connection

    def _emit(self, event: StatusEvent) -> None:
        for feed in self._feeds:
            feed._put(event)

    def _end_feeds(self, error: BaseException | None) -> None:
        for feed in self._all_feeds():
            feed._end(error)

    def _on_reconnected(self, down_since: float | None, now: float) -> None:
        self._emit(StatusEvent("reconnected", self.url))
        for feed in self._all_feeds():
            feed.gaps += 1
        self._emit(StatusEvent("gap", "messages may be missing", down_since, now))

    async def _replay(self) -> None:
        """Register every subscription and restart every live condition, once each (the
        frames of :func:`._realtime_protocol.replay_plan`; the lock is held)."""
        generation = self._generation
        subs = [s for s in self._subs if s._generation != generation]
        watches = [w for w in self._watches.values() if w._generation != generation]
        plan = proto.replay_plan(
            [s._registration() for s in subs],
            [w.seq for w in watches],
            self._cond,
            {w.seq: w.exchange for w in watches},
        )
        for sub, frame in zip(subs, plan, strict=False):
            sub._generation = generation
            try:
                self._check(await self._exchange(frame), "REG")
            except _NoAnswer:
                self._drop_sub(sub, self._no_answer("REG"))
            except RealtimeRequestError as exc:
                self._drop_sub(sub, exc)
        if watches:
            try:
                self._check(await self._exchange(plan[len(subs)]), self._cond.list_trnm)
            except _NoAnswer:
                raise _Lost() from None  # no condition list: reconnect and try again
            self._listed_generation = generation
            for watch in watches:
                try:
                    await self._start_watch_locked(watch)
                except RealtimeRequestError as exc:
                    del self._watches[watch.seq]
                    watch._end(exc)
        log.info("replayed %d registrations, %d conditions", len(subs), len(watches))

    def _drop_sub(self, sub: Subscription, error: BaseException) -> None:
        if sub in self._subs:
            self._subs.remove(sub)
            self._reroute()
        sub._end(error)

    def _on_real(self, data: object, size: int = 0) -> None:
        """Route a REAL frame's entries. The common entry (a dict with a string type and item
        and string values) takes the fast path below; any other goes through
        :func:`._realtime_protocol.parse_real`, which defines what is well formed."""
        if type(data) is not list:
            self._malformed(proto.parse_real(data)[1])
            return
        share = 64 + size // (len(data) or 1)
        classes, routes, feeds = self._classes, self._routes, self._feeds
        live_type, watching = self._cond.live_type, bool(self._watches)
        for entry in data:
            if (  # values that are not strings are read as strings (RealtimeValues)
                type(entry) is dict
                and type(code := entry.get("type")) is str
                and type(key := entry.get("item", "")) is str
                and type(entry.get("values", {})) is dict
            ):
                raw = entry
            else:
                parsed, bad = proto.parse_real([entry], size)
                if bad:
                    self._malformed(bad)
                    continue
                code, key, raw, _ = parsed[0]
            msg = classes.get(code, RealtimeMessage)(raw)
            if code == live_type and watching:
                self._condition_event(msg)
            else:
                subs = routes.get((code, key))
                if subs:
                    for sub in subs:
                        sub._put(msg, share)
                subs = routes.get((code, None))
                if subs:
                    for sub in subs:
                        sub._put(msg, share)
            for feed in feeds:
                feed._put(msg, share)

    def _malformed(self, reasons: list[str]) -> None:
        for reason in reasons:
            self.malformed += 1
            log.warning("malformed REAL entry skipped: %s", reason)
            self._emit(StatusEvent("malformed", reason))

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
