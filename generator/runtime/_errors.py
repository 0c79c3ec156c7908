"""Typed errors. Messages and reprs carry the API id, codes and Kiwoom's message, never a secret.

``KiwoomError``
 ├─ ``APIConnectionError``: no usable HTTP answer
 │   ├─ ``APITimeoutError``: a timeout, or the call's deadline reached
 │   │   └─ ``OrderStateUnknownError``: an order that may or may not have been executed
 │   └─ ``ResponseTooLargeError``: the answer exceeded ``max_response_bytes``
 ├─ ``APIStatusError``: a non-2xx HTTP answer without a Kiwoom ``return_code``
 ├─ ``KiwoomAPIError``: ``return_code != 0``; subclasses chosen by :func:`error_for`
 ├─ ``InvalidHeaderError``: a header value that cannot be sent (also a ``ValueError``)
 ├─ ``PagingError``: following pages stopped
 │   ├─ ``PageLimitError``: ``max_pages`` reached while Kiwoom still said ``cont-yn: Y``
 │   └─ ``PagingLoopError``: Kiwoom sent a ``next-key`` that was already followed
 └─ ``WebSocketNotSupportedError``: a real-time API called over HTTP
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx

_EMBEDDED_CODE = re.compile(r"\[(\d{3,5}):|CODE=(\d{3,5})")


def effective_code(return_code: object, message: object) -> int | None:
    """Kiwoom's effective error code.

    Kiwoom often answers with a generic top-level ``return_code`` (3: authentication failed,
    5: a limit) and puts the specific code inside ``return_msg`` as ``[NNNN:...]`` (HTTP) or
    ``CODE=NNNN`` (real-time frames). The embedded code wins when present; otherwise the
    top-level one, read as an int (``None`` when it is not a whole number).
    """
    if isinstance(message, str):
        found = _EMBEDDED_CODE.search(message)
        if found:
            return int(found.group(1) or found.group(2))
    if isinstance(return_code, bool):
        return None
    if isinstance(return_code, int):
        return return_code
    if isinstance(return_code, float) and return_code.is_integer():
        return int(return_code)
    if isinstance(return_code, str):
        text = return_code.strip()
        try:
            number = float(text)
        except ValueError:
            return None
        if number.is_integer():
            return int(number)
    return None


__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "CorporateNotAllowedError",
    "InvalidHeaderError",
    "InvalidInputError",
    "KiwoomAPIError",
    "KiwoomError",
    "MockNotSupportedError",
    "OrderStateUnknownError",
    "PageLimitError",
    "PagingError",
    "PagingLoopError",
    "RateLimitError",
    "RecursiveCallError",
    "ResponseTooLargeError",
    "TokenError",
    "UnknownApiError",
    "UnknownSymbolError",
    "WebSocketNotSupportedError",
    "effective_code",
    "error_for",
]

ORDER_STATE_HINT = (
    "The order may have been received and executed: check its status with an order inquiry "
    "API (e.g. 계좌별주문체결내역) before sending it again."
)


class KiwoomError(Exception):
    """Base class of every error raised by this package."""


class APIConnectionError(KiwoomError):
    """The request got no usable HTTP answer (refused, reset, protocol error)."""

    def __init__(self, message: str = "Connection error.", *, api_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.api_id = api_id


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class OrderStateUnknownError(APITimeoutError):
    """An order request timed out after it was sent: it may have been executed.

    It is never re-sent automatically. Check the order status with an inquiry API first.
    """

    def __init__(self, api_id: str, reason: str = "timed out") -> None:
        super().__init__(f"{api_id}: the order request {reason}. {ORDER_STATE_HINT}", api_id=api_id)


class ResponseTooLargeError(APIConnectionError):
    """The answer was larger than ``max_response_bytes``; it was not read further.

    For an order the message says that it may have been executed; it is never re-sent.
    """

    def __init__(self, message: str, *, api_id: str, limit: int) -> None:
        super().__init__(message, api_id=api_id)
        self.limit = limit


class APIStatusError(KiwoomError):
    """A non-2xx HTTP answer that carries no Kiwoom ``return_code``."""

    def __init__(self, message: str, *, api_id: str, response: httpx.Response) -> None:
        super().__init__(message)
        self.message = message
        self.api_id = api_id
        self.response = response
        self.status_code = response.status_code


class KiwoomAPIError(KiwoomError):
    """Kiwoom answered with ``return_code != 0``.

    ``code`` is the return code (for an HTTP 429 without one, 429), ``message`` Kiwoom's
    ``return_msg``, ``body`` the whole JSON answer, ``headers`` its headers, ``status_code`` the
    HTTP status (usually 200) and ``response`` the ``httpx.Response`` itself (None when the error
    was not built from an answer). ``headers`` and ``status_code`` default to the response's.
    ``body`` is redacted for the OAuth APIs; ``response`` is not, and its ``request`` holds the
    authorization header (and, for au10001, the keys): never log it whole.
    """

    def __init__(
        self,
        *,
        api_id: str,
        code: int,
        message: str,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        status_code: int | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(f"{api_id}: [{code}] {message}")
        self.api_id = api_id
        self.code = code
        self.message = message
        self.body: dict[str, Any] = dict(body or {})
        if headers is None and response is not None:
            headers = dict(response.headers.items())
        self.headers: dict[str, str] = dict(headers or {})
        if status_code is None:
            status_code = 200 if response is None else response.status_code
        self.status_code = status_code
        self.response = response


class RateLimitError(KiwoomAPIError):
    """Request rate exceeded: 1700 (per API), 1701 (total), 1702 (group), or HTTP 429."""


class AuthenticationError(KiwoomAPIError):
    """App key or token rejected: 8001/8002 (app key), 8010 (other IP), 8030/8031 (real/mock)."""


class TokenError(AuthenticationError):
    """8005: the access token is invalid or expired."""


class MockNotSupportedError(KiwoomAPIError):
    """8104: the API is not offered in mock trading."""


class InvalidInputError(KiwoomAPIError):
    """1511 (required input missing), 1517 (input format invalid)."""


class UnknownApiError(KiwoomAPIError):
    """1501 (API ID missing), 1504 (not supported on this URI), 1505 (unknown API ID)."""


class UnknownSymbolError(KiwoomAPIError):
    """1901-1903: unknown market or stock code."""


class RecursiveCallError(KiwoomAPIError):
    """1687: recursive calls are limited."""


class CorporateNotAllowedError(KiwoomAPIError):
    """8200: not available to corporate customers."""


class InvalidHeaderError(KiwoomError, ValueError):
    """A header value (token, next-key, extra header) cannot be sent; nothing was sent.

    The message names the header, never its value (it may be a secret).
    """


class PagingError(KiwoomError):
    """Following the pages stopped; ``last_page`` is the last page received and yielded.

    ``next_key`` is the key Kiwoom offered for the page after it, ``pages`` how many pages were
    received in this iteration.
    """

    def __init__(
        self, message: str, *, api_id: str, pages: int, next_key: str | None, last_page: Any = None
    ) -> None:
        super().__init__(message)
        self.api_id = api_id
        self.pages = pages
        self.next_key = next_key
        self.last_page = last_page


class PageLimitError(PagingError):
    """``max_pages`` pages were received and Kiwoom still said ``cont-yn: Y``."""


class PagingLoopError(PagingError):
    """Kiwoom offered a ``next-key`` that was already followed in this iteration."""


class WebSocketNotSupportedError(KiwoomError):
    """A real-time (WebSocket) API was called over HTTP; nothing was sent."""


RATE_LIMIT_CODES = frozenset({1700, 1701, 1702})
TOKEN_INVALID_CODE = 8005

_BY_CODE: dict[int, type[KiwoomAPIError]] = {
    **{c: RateLimitError for c in RATE_LIMIT_CODES},
    TOKEN_INVALID_CODE: TokenError,
    **{c: AuthenticationError for c in (8001, 8002, 8010, 8030, 8031)},
    8104: MockNotSupportedError,
    **{c: InvalidInputError for c in (1511, 1517)},
    **{c: UnknownApiError for c in (1501, 1504, 1505)},
    **{c: UnknownSymbolError for c in (1901, 1902, 1903)},
    1687: RecursiveCallError,
    8200: CorporateNotAllowedError,
    429: RateLimitError,  # HTTP 429 without a return_code
}


def error_for(
    api_id: str,
    code: int,
    message: str,
    body: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    status_code: int | None = None,
    response: httpx.Response | None = None,
) -> KiwoomAPIError:
    """The error for a return code: the most specific subclass, else :class:`KiwoomAPIError`."""
    cls = _BY_CODE.get(code, KiwoomAPIError)
    return cls(
        api_id=api_id,
        code=code,
        message=message,
        body=body,
        headers=headers,
        status_code=status_code,
        response=response,
    )
