"""The sync twin of the real-time session: the same methods, blocking, on a loop of its own.

:class:`Realtime` runs an :class:`._realtime.AsyncRealtime` on an event loop in a daemon thread,
so it never touches the caller's loop; every call waits for its coroutine there. Leaving the
``with`` block closes the session within the session's ``close_timeout`` and always stops the
thread (a session that does not close in time is abandoned with a warning, not raised).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, Self, TypeVar

from ._realtime_types import (
    ConditionEvent,
    ConditionInfo,
    RealtimeClosedError,
    RealtimeMessage,
)

if TYPE_CHECKING:  # the session module imports this one
    from ._realtime import AsyncRealtime, ConditionWatch, Feed, Subscription
    from ._realtime_protocol import Item

__all__ = ["Realtime", "SyncConditionWatch", "SyncFeed", "SyncSubscription"]

log = logging.getLogger("kiwoom_client.realtime")
_T = TypeVar("_T")
Overflow = Literal["drop_oldest", "drop_newest"]


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
        if self.loop.is_closed():
            return
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
            try:
                if rt is not None:
                    runner.run(rt.close(), timeout=2 * rt.close_timeout + 1)
            except TimeoutError:
                log.warning("the real-time session did not close in time; abandoned")
            finally:
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
        queue_bytes: int | None = None,
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
                queue_bytes=queue_bytes,
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
