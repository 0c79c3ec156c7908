# Copied verbatim from generator/runtime/_response.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""What a call returns: the parsed model, the raw body and headers, and continuation paging.

Kiwoom pages with headers: an answer with ``cont-yn: Y`` and a ``next-key`` has more data, fetched
by sending the same body again with ``cont-yn: Y`` and that ``next-key``.

Iterating a response follows the pages, at most ``max_pages`` of them (the call's, else the
client's): when Kiwoom still says ``cont-yn: Y`` after that many, :class:`PageLimitError` is
raised instead of fetching more. A ``next-key`` that was already followed in the same iteration
raises :class:`PagingLoopError` (a server going round in circles). Both are raised after the last
page received was yielded, and carry it (``last_page``) and the offered ``next_key``.

``iter_items()`` yields the typed rows of a list (``.parsed()`` companions) across the pages,
and stops early at ``until=`` (a date: the first row dated before it; or any predicate: the
first row it accepts, not yielded) or after ``max_items=`` rows; ``records()`` and
``to_pandas()`` gather the same rows.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

import httpx

from ._errors import KiwoomError, PageLimitError, PagingLoopError
from ._operation import Operation
from ._types import NOT_GIVEN, NotGiven
from ._values import ItemStop, records, to_pandas

__all__ = ["AsyncKiwoomResponse", "KiwoomResponse", "RequestOptions"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Per-call options kept for the following pages."""

    extra_headers: Mapping[str, str] | None = None
    timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN
    deadline: float | None | NotGiven = NOT_GIVEN  # seconds for the whole call; None: none
    max_pages: int | NotGiven = NOT_GIVEN  # pages an iteration follows at most

    @classmethod
    def of(
        cls,
        extra_headers: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None | NotGiven,
        deadline: float | None | NotGiven = NOT_GIVEN,
        max_pages: int | NotGiven = NOT_GIVEN,
    ) -> RequestOptions:
        """The options of one call; the usual case (none given) shares one instance."""
        if (
            extra_headers is None
            and timeout is NOT_GIVEN
            and deadline is NOT_GIVEN
            and max_pages is NOT_GIVEN
        ):
            return _NO_OPTIONS
        if not isinstance(deadline, NotGiven) and deadline is not None and not deadline > 0:
            raise ValueError("deadline must be a positive number of seconds or None")
        if not isinstance(max_pages, NotGiven) and not (
            isinstance(max_pages, int) and max_pages >= 1
        ):
            raise ValueError("max_pages must be an int >= 1")
        return cls(extra_headers, timeout, deadline, max_pages)


_NO_OPTIONS = RequestOptions()


class _SyncSender(Protocol):
    max_pages: int

    def _fetch_page(
        self, op: Operation, payload: bytes, options: RequestOptions, next_key: str
    ) -> KiwoomResponse[Any]: ...


class _AsyncSender(Protocol):
    max_pages: int

    async def _fetch_page(
        self, op: Operation, payload: bytes, options: RequestOptions, next_key: str
    ) -> AsyncKiwoomResponse[Any]: ...


class _BaseResponse(Generic[T]):
    __slots__ = ("data", "body", "http_response", "operation", "_client", "_payload", "_options")

    _client: _SyncSender | _AsyncSender

    def __init__(
        self,
        *,
        client: _SyncSender | _AsyncSender,
        op: Operation,
        data: T,
        body: dict[str, Any],
        http_response: httpx.Response,
        payload: bytes,
        options: RequestOptions,
    ) -> None:
        self.data = data  # the parsed response model
        self.body = body  # the raw JSON answer
        self.http_response = http_response
        self.operation = op
        self._client = client
        self._payload = payload  # the JSON body sent; the next page re-sends it byte for byte
        self._options = options

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def api_id(self) -> str:
        return str(self.headers.get("api-id") or self.operation.api_id)

    @property
    def cont_yn(self) -> str | None:
        value = self.headers.get("cont-yn")
        return None if value is None else str(value)

    @property
    def next_key(self) -> str | None:
        value = self.headers.get("next-key")
        return None if value is None else str(value)

    @property
    def return_code(self) -> Any:
        return self.body.get("return_code")

    @property
    def return_msg(self) -> Any:
        return self.body.get("return_msg")

    def has_next_page(self) -> bool:
        """True when Kiwoom said more data follows (``cont-yn: Y`` with a ``next-key``)."""
        return self.cont_yn == "Y" and bool(self.next_key)

    def _check_next(self) -> str:
        if self.operation.is_order:
            raise KiwoomError(f"{self.operation.api_id}: orders are never re-sent (no paging)")
        if not self.has_next_page() or self.next_key is None:
            raise KiwoomError(f"{self.operation.api_id}: no next page (cont-yn is not Y)")
        return self.next_key

    def _page_limit(self, max_pages: int | None) -> int:
        if max_pages is not None:
            if not (isinstance(max_pages, int) and max_pages >= 1):
                raise ValueError("max_pages must be an int >= 1")
            return max_pages
        limit = self._options.max_pages
        return self._client.max_pages if isinstance(limit, NotGiven) else limit

    def __repr__(self) -> str:  # no data: a body may hold personal or secret values
        return (
            f"<{type(self).__name__} api_id={self.api_id!r} status_code={self.status_code} "
            f"cont_yn={self.cont_yn!r}>"
        )


class _PageGuard:
    """Counts the pages of one iteration and refuses a next-key already followed."""

    __slots__ = ("limit", "pages", "followed")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.pages = 1  # the response iterated is the first page
        self.followed: set[str] = set()

    def check(self, page: _BaseResponse[Any]) -> str:
        """The next-key to follow after ``page``; raises when following it must not happen."""
        api_id, key = page.operation.api_id, str(page.next_key)
        if key in self.followed:
            raise PagingLoopError(
                f"{api_id}: Kiwoom offered a next-key already followed in this iteration "
                f"(after {self.pages} pages); stopping instead of going round in circles",
                api_id=api_id,
                pages=self.pages,
                next_key=key,
                last_page=page,
            )
        if self.pages >= self.limit:
            raise PageLimitError(
                f"{api_id}: stopped after max_pages={self.limit} pages while Kiwoom still says "
                "cont-yn: Y; raise max_pages (per call or on the client) or continue from "
                "error.last_page.next_page()",
                api_id=api_id,
                pages=self.pages,
                next_key=key,
                last_page=page,
            )
        self.followed.add(key)
        self.pages += 1
        return key


class KiwoomResponse(_BaseResponse[T]):
    """One answer. Iterating yields this page and then every following page."""

    __slots__ = ()
    _client: _SyncSender

    def next_page(self) -> KiwoomResponse[T]:
        """Fetch the next page: the same body with ``cont-yn: Y`` and this ``next-key``."""
        next_key = self._check_next()
        page = self._client._fetch_page(self.operation, self._payload, self._options, next_key)
        return cast(KiwoomResponse[T], page)

    def iter_pages(self, max_pages: int | None = None) -> Iterator[KiwoomResponse[T]]:
        """This page, then every following one: at most ``max_pages`` (default: the call's or
        the client's ``max_pages``); see the module docstring for when it stops."""
        guard = _PageGuard(self._page_limit(max_pages))
        page: KiwoomResponse[T] = self
        yield page
        while not page.operation.is_order and page.has_next_page():
            guard.check(page)
            page = page.next_page()
            yield page

    def __iter__(self) -> Iterator[KiwoomResponse[T]]:
        return self.iter_pages()

    def iter_items(
        self,
        field: str | None = None,
        *,
        until: _dt.date | Callable[[Any], bool] | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
    ) -> Iterator[Any]:
        """The typed rows of the list ``field`` (default: the only list) of this page and the
        following ones; see the module docstring for ``until`` and ``max_items``."""
        stop = ItemStop(until, max_items)
        if stop.done():
            return
        for page in self.iter_pages(max_pages):
            yield from stop.rows(page.data, field)
            if stop.done():
                return

    def records(self, field: str | None = None, **stop: Any) -> list[dict[str, Any]]:
        """:meth:`iter_items` as plain dicts (the same ``until``/``max_items``/``max_pages``)."""
        return records(self.iter_items(field, **stop))

    def to_pandas(self, field: str | None = None, **stop: Any) -> Any:
        """:meth:`iter_items` as a pandas DataFrame with typed columns (needs pandas)."""
        return to_pandas(self.iter_items(field, **stop))


class AsyncKiwoomResponse(_BaseResponse[T]):
    """The async twin of :class:`KiwoomResponse`; ``async for`` yields the pages."""

    __slots__ = ()
    _client: _AsyncSender

    async def next_page(self) -> AsyncKiwoomResponse[T]:
        """Fetch the next page: the same body with ``cont-yn: Y`` and this ``next-key``."""
        next_key = self._check_next()
        page = await self._client._fetch_page(
            self.operation, self._payload, self._options, next_key
        )
        return cast(AsyncKiwoomResponse[T], page)

    async def iter_pages(
        self, max_pages: int | None = None
    ) -> AsyncIterator[AsyncKiwoomResponse[T]]:
        """This page, then every following one: at most ``max_pages`` (default: the call's or
        the client's ``max_pages``); see the module docstring for when it stops."""
        guard = _PageGuard(self._page_limit(max_pages))
        page: AsyncKiwoomResponse[T] = self
        yield page
        while not page.operation.is_order and page.has_next_page():
            guard.check(page)
            page = await page.next_page()
            yield page

    def __aiter__(self) -> AsyncIterator[AsyncKiwoomResponse[T]]:
        return self.iter_pages()

    async def iter_items(
        self,
        field: str | None = None,
        *,
        until: _dt.date | Callable[[Any], bool] | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
    ) -> AsyncIterator[Any]:
        """The async twin of :meth:`KiwoomResponse.iter_items`."""
        stop = ItemStop(until, max_items)
        if stop.done():
            return
        async for page in self.iter_pages(max_pages):
            for row in stop.rows(page.data, field):
                yield row
            if stop.done():
                return

    async def records(self, field: str | None = None, **stop: Any) -> list[dict[str, Any]]:
        """:meth:`iter_items` as plain dicts."""
        return records([row async for row in self.iter_items(field, **stop)])

    async def to_pandas(self, field: str | None = None, **stop: Any) -> Any:
        """:meth:`iter_items` as a pandas DataFrame with typed columns (needs pandas)."""
        return to_pandas([row async for row in self.iter_items(field, **stop)])
