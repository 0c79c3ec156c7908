"""What a call returns: the parsed model, the raw body and headers, and continuation paging.

Kiwoom pages with headers: an answer with ``cont-yn: Y`` and a ``next-key`` has more data, fetched
by sending the same body again with ``cont-yn: Y`` and that ``next-key``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

import httpx

from ._errors import KiwoomError
from ._operation import Operation
from ._types import NOT_GIVEN, NotGiven

__all__ = ["AsyncKiwoomResponse", "KiwoomResponse", "RequestOptions"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Per-call options kept for the following pages."""

    extra_headers: Mapping[str, str] | None = None
    timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN

    @classmethod
    def of(
        cls,
        extra_headers: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None | NotGiven,
    ) -> RequestOptions:
        """The options of one call; the usual case (none given) shares one instance."""
        if extra_headers is None and timeout is NOT_GIVEN:
            return _NO_OPTIONS
        return cls(extra_headers, timeout)


_NO_OPTIONS = RequestOptions()


class _SyncSender(Protocol):
    def _fetch_page(
        self, op: Operation, payload: bytes, options: RequestOptions, next_key: str
    ) -> KiwoomResponse[Any]: ...


class _AsyncSender(Protocol):
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

    def __repr__(self) -> str:  # no data: a body may hold personal or secret values
        return (
            f"<{type(self).__name__} api_id={self.api_id!r} status_code={self.status_code} "
            f"cont_yn={self.cont_yn!r}>"
        )


def _same_key(prev: _BaseResponse[Any], page: _BaseResponse[Any]) -> None:
    if page.has_next_page() and page.next_key == prev.next_key:
        raise KiwoomError(f"{page.operation.api_id}: next-key repeated; stopping to avoid a loop")


class KiwoomResponse(_BaseResponse[T]):
    """One answer. Iterating yields this page and then every following page."""

    __slots__ = ()
    _client: _SyncSender

    def next_page(self) -> KiwoomResponse[T]:
        """Fetch the next page: the same body with ``cont-yn: Y`` and this ``next-key``."""
        next_key = self._check_next()
        page = self._client._fetch_page(self.operation, self._payload, self._options, next_key)
        return cast(KiwoomResponse[T], page)

    def iter_pages(self) -> Iterator[KiwoomResponse[T]]:
        page: KiwoomResponse[T] = self
        yield page
        while not page.operation.is_order and page.has_next_page():
            prev, page = page, page.next_page()
            _same_key(prev, page)
            yield page

    def __iter__(self) -> Iterator[KiwoomResponse[T]]:
        return self.iter_pages()


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

    async def iter_pages(self) -> AsyncIterator[AsyncKiwoomResponse[T]]:
        page: AsyncKiwoomResponse[T] = self
        yield page
        while not page.operation.is_order and page.has_next_page():
            prev, page = page, await page.next_page()
            _same_key(prev, page)
            yield page

    def __aiter__(self) -> AsyncIterator[AsyncKiwoomResponse[T]]:
        return self.iter_pages()
