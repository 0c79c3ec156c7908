# Copied verbatim from generator/runtime/_request.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""What one HTTP attempt needs: the defaults, headers, body, timeouts, reading the answer
within its limits and classifying a failure (used by the base client and its twins)."""

from __future__ import annotations

import functools
import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._decode import MAX_RETRY_AFTER as MAX_RETRY_AFTER  # re-exported: the client's limit
from ._decode import (
    BodyTooLarge,
    UndecodableBody,
    decoder_for,
)
from ._errors import (
    ORDER_STATE_HINT,
    APIConnectionError,
    APITimeoutError,
    InvalidHeaderError,
    KiwoomError,
    OrderStateUnknownError,
    ResponseTooLargeError,
)
from ._operation import Operation
from ._response import RequestOptions

if TYPE_CHECKING:  # the real-time client imports websockets: only when used
    pass

# Imported where they are needed, not here: ``import kiwoom_client`` pays only for what an HTTP
# call needs. asyncio (the async client, which runs inside a loop that imported it already),
# difflib (an unknown API id), random (a retry's jitter), email.utils (a token's Date header),
# pydantic.RootModel (an answer that does not fit its model; the module builds a model class).

log = logging.getLogger("kiwoom_client")
log.addHandler(logging.NullHandler())  # quiet unless the application configures logging


PRODUCTION_BASE_URL = "https://api.kiwoom.com"
MOCK_BASE_URL = "https://mockapi.kiwoom.com"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_DEADLINE = 30.0  # seconds for a whole call: token, attempts, backoff, body
DEFAULT_MAX_PAGES = 1000  # pages one iteration of a response follows at most
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024  # decoded body size of one answer
KST = timezone(timedelta(hours=9), "KST")  # expires_dt is Korea time
CONTENT_TYPE = "application/json;charset=UTF-8"

Timeout = float | httpx.Timeout | None


def _auth_op(api_id: str, name: str, path: str, method: str) -> Operation:
    return Operation(
        api_id=api_id,
        name=name,
        path=path,
        transport="http",
        group="",  # the client's own methods: client.issue_token(), client.revoke_token()
        method=method,
        is_order=False,
        models_module="",
        request_model_name="",
        response_model_name="",
    )


_DEFAULTS = RequestOptions()  # a call with no options of its own
TOKEN_OP = _auth_op("au10001", "접근토큰 발급", "/oauth2/token", "issue_token")
REVOKE_OP = _auth_op("au10002", "접근토큰 폐기", "/oauth2/revoke", "revoke_token")
REALTIME_OP = _auth_op("LOGIN", "실시간 LOGIN", "/api/dostk/websocket", "realtime")
_SECRET_FIELDS = ("token", "appkey", "secretkey")


class _Secret:
    """A key kept out of reprs, str() and tracebacks' locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "_Secret('**********')"

    __str__ = __repr__


@dataclass(frozen=True)
class AccessToken:
    """An access token; ``expires_at`` is None when unknown (a token passed in by the caller).

    ``renew_at`` (``time.monotonic()`` seconds) is when the client issues a new one; None: never
    before Kiwoom rejects it (8005).
    """

    token: str = field(repr=False)
    token_type: str = "Bearer"
    expires_at: datetime | None = None
    renew_at: float | None = field(default=None, repr=False, compare=False)

    def expires_within(self, seconds: float) -> bool:
        return self.expires_at is not None and self.expires_at.timestamp() - seconds <= time.time()

    def needs_renewal(self) -> bool:
        return self.renew_at is not None and time.monotonic() >= self.renew_at


# ---- pure helpers shared by both clients -----------------------------------------------------


# A field value HTTP/1.1 can carry (RFC 9110): visible ASCII, inner spaces and tabs; httpx sends
# str values as ASCII. A field name is a token.
_HEADER_VALUE = re.compile(r"(?:[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*)?\Z")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_HEADER_RULE = (
    "cannot be sent as an HTTP header value (it holds a line break, a control character, "
    "non-ASCII text or surrounding spaces); the value is not shown. Nothing was sent."
)


def check_header(api_id: str, name: object, value: object, what: str | None = None) -> None:
    """Raise :class:`InvalidHeaderError` unless ``name: value`` can be sent; never echo values."""
    if not isinstance(name, str) or not _HEADER_NAME.match(name):
        raise InvalidHeaderError(
            f"{api_id}: an extra header name is not a valid HTTP header name; nothing was sent."
        )
    if not isinstance(value, str) or not _HEADER_VALUE.match(value):
        raise InvalidHeaderError(f"{api_id}: {what or f'the {name!r} header'} {_HEADER_RULE}")


def build_headers(
    api_id: str,
    token: str | None,
    *,
    cont_yn: str | None = None,
    next_key: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Request headers; ``cont-yn``/``next-key`` only when given, no authorization for OAuth.

    The values are checked here (the token when it is stored): nothing unsendable goes out.
    """
    headers = {"api-id": api_id, "content-type": CONTENT_TYPE}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    if cont_yn is not None:
        check_header(api_id, "cont-yn", cont_yn, "cont_yn")
        headers["cont-yn"] = cont_yn
    if next_key is not None:
        check_header(api_id, "next-key", next_key, "next_key")
        headers["next-key"] = next_key
    if extra:
        for name, value in extra.items():
            check_header(api_id, name, value)
        headers.update(extra)
    return headers


def json_bytes(payload: Mapping[str, Any]) -> bytes:
    """A plain dict (the OAuth bodies) as UTF-8 JSON; API bodies are serialised by their model."""
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def parse_expires_dt(value: object) -> datetime | None:
    """``"YYYYMMDDhhmmss"`` in Korea time, or None when absent or malformed."""
    try:
        return datetime.strptime(str(value).strip(), "%Y%m%d%H%M%S").replace(tzinfo=KST)
    except ValueError:
        return None


def return_code_of(body: Mapping[str, Any]) -> int | None:
    """``return_code`` as an int; absent, null or ``""`` is 0; None when it is not an integer.

    Kiwoom sends numbers; numeric text (``"0"``, ``" 0 "``) and integral floats (``0.0``, and
    ``"0.0"``) mean the same number, so a successful order is never reported as failed.
    """
    raw = body.get("return_code")
    if raw is None or raw == "":
        return 0
    if type(raw) is int:  # the usual case; bool is not a return code
        return raw
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        text = raw.strip()
        try:
            return int(text)
        except ValueError:
            try:
                raw = float(text)
            except ValueError:
                return None
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return int(raw)
    return None


def is_auth_path(path: str) -> bool:
    return path.startswith("/oauth2/")


def is_auth_call(op: Operation) -> bool:
    """The OAuth APIs are sent without an authorization header."""
    return op.path.startswith("/oauth2/")


class _Outcome:
    """One attempt, classified: a success, or an error and whether it may be retried.

    A plain class with slots, not a dataclass: the decorator's generated methods cost more at
    import than this private record is worth (it is only ever made and read here)."""

    __slots__ = ("http_response", "body", "data", "error", "cause", "retryable", "retry_after")

    def __init__(
        self,
        http_response: httpx.Response | None = None,
        body: dict[str, Any] | None = None,
        data: Any = None,
        error: KiwoomError | None = None,
        cause: BaseException | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.http_response = http_response
        self.body = body
        self.data = data
        self.error = error
        self.cause = cause
        self.retryable = retryable
        self.retry_after = retry_after


_BodyTooLarge = BodyTooLarge  # the answer's body is larger than the limit (while reading it)


class _DeadlineReached(Exception):
    """The call's deadline passed while the answer's body was being read."""


def remaining(deadline_at: float | None) -> float | None:
    """Seconds left until ``deadline_at`` (``time.monotonic()``), None without a deadline."""
    return None if deadline_at is None else deadline_at - time.monotonic()


def attempt_timeout(timeout: Timeout, left: float | None) -> Timeout:
    """``timeout`` with every phase capped to the ``left`` seconds of the call's deadline."""
    if left is None:
        return timeout
    left = max(left, 0.001)
    if timeout is None:
        return left
    if isinstance(timeout, int | float):
        return timeout if timeout <= left else left
    c, r, w, p = timeout.connect, timeout.read, timeout.write, timeout.pool
    if (  # the usual case, checked without a loop: this runs on every call
        c is not None
        and r is not None
        and w is not None
        and p is not None
        and c <= left
        and r <= left
        and w <= left
        and p <= left
    ):
        return timeout
    c, r, w, p = (left if v is None else min(v, left) for v in (c, r, w, p))
    return httpx.Timeout(connect=c, read=r, write=w, pool=p)


@functools.lru_cache(maxsize=1024)
def parsed_url(url: str) -> httpx.URL:
    """``url`` parsed once: httpx parses a str URL on every request, about a tenth of a call's
    time. An ``httpx.URL`` is immutable, so one instance serves every request to that URL."""
    return httpx.URL(url)


def timeout_extension(timeout: Timeout) -> dict[str, float | None]:
    """The request's ``timeout`` extension, as ``build_request(timeout=...)`` makes it (without
    building an ``httpx.Timeout`` again when it is one already)."""
    if not isinstance(timeout, httpx.Timeout):
        timeout = httpx.Timeout(timeout)
    return timeout.as_dict()


def _check_size(response: httpx.Response, limit: int) -> None:
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _BodyTooLarge


def _collect(
    response: httpx.Response, chunks: Iterator[bytes], limit: int, deadline_at: float | None
) -> None:
    """Read the body from ``chunks`` (decoded) into the response, bounded in size and time."""
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge
        if deadline_at is not None and time.monotonic() > deadline_at:
            raise _DeadlineReached
        parts.append(chunk)
    # what httpx.Response.read() itself does: the body is then available as .content and .json()
    response._content = b"".join(parts)


async def _acollect(response: httpx.Response, limit: int) -> None:
    """The async twin of :func:`_collect`; the deadline is enforced around the whole call."""
    decoder = decoder_for(response.headers.get("content-encoding"), limit)
    parts: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        for chunk in decoder.feed(raw):
            size += len(chunk)
            if size > limit:
                raise _BodyTooLarge
            parts.append(chunk)
    for chunk in decoder.finish():
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge
        parts.append(chunk)
    response._content = b"".join(parts)


def read_sync(response: httpx.Response, limit: int, deadline_at: float | None) -> None:
    """Read the answer's body, at most ``limit`` bytes and not past ``deadline_at``."""
    try:
        if response.is_stream_consumed:  # a transport that answered from memory (a mock)
            if len(response.content) > limit:
                raise _BodyTooLarge
            return
        _check_size(response, limit)
        decoder = decoder_for(response.headers.get("content-encoding"), limit)
        _collect(response, decoder.decode(response.iter_raw()), limit, deadline_at)
    finally:
        response.close()


async def read_async(response: httpx.Response, limit: int) -> None:
    try:
        if response.is_stream_consumed:
            if len(response.content) > limit:
                raise _BodyTooLarge
            return
        _check_size(response, limit)
        await _acollect(response, limit)
    finally:
        await response.aclose()


def classify_exception(
    op: Operation, exc: BaseException, deadline_hit: float | None, limit: int
) -> _Outcome:
    """A failure without a usable answer. An order is retried only if the connection never
    opened; a failure after it may have reached Kiwoom says so, and is never retried.

    Messages carry the exception's type, never its text (an httpx error can quote a header).
    """
    if isinstance(exc, _BodyTooLarge):
        message = f"{op.api_id}: the answer is larger than max_response_bytes={limit}"
        if op.is_order:
            message += f"; it was not read. {ORDER_STATE_HINT}"
        error: KiwoomError = ResponseTooLargeError(message, api_id=op.api_id, limit=limit)
        return _Outcome(error=error, cause=None, retryable=False)
    if isinstance(exc, _DeadlineReached):
        reason = f"reached the call's deadline of {deadline_hit} s waiting for the answer"
        if op.is_order:
            error = OrderStateUnknownError(op.api_id, reason)
        else:
            error = APITimeoutError(f"{op.api_id}: the call {reason}", api_id=op.api_id)
        return _Outcome(error=error, cause=None, retryable=False)
    if isinstance(exc, UndecodableBody):
        message = f"{op.api_id}: the answer's Content-Encoding could not be decoded"
        if op.is_order:
            message += f". {ORDER_STATE_HINT}"
        return _Outcome(error=APIConnectionError(message, api_id=op.api_id), retryable=False)
    if isinstance(exc, httpx.LocalProtocolError):  # refused by httpx before sending
        error = InvalidHeaderError(
            f"{op.api_id}: httpx refused to send the request ({type(exc).__name__}); "
            "nothing was sent."
        )
        return _Outcome(error=error, cause=None, retryable=False)
    never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    maybe_executed = op.is_order and not never_sent
    late = deadline_hit is not None and isinstance(exc, httpx.TimeoutException)
    why = f"(the call's deadline of {deadline_hit} s)" if late else f"({type(exc).__name__})"
    if maybe_executed and isinstance(exc, httpx.TimeoutException):
        error = OrderStateUnknownError(op.api_id, f"timed out ({why})")
    elif isinstance(exc, httpx.TimeoutException):
        error = APITimeoutError(f"{op.api_id}: request timed out {why}", api_id=op.api_id)
    else:
        message = f"{op.api_id}: connection error ({type(exc).__name__})"
        if maybe_executed:
            message += f" {ORDER_STATE_HINT}"
        error = APIConnectionError(message, api_id=op.api_id)
    transient = isinstance(
        exc, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError
    )
    retryable = never_sent if op.is_order else transient
    return _Outcome(error=error, cause=exc, retryable=retryable)


# ---- the shared base -------------------------------------------------------------------------

_H = TypeVar("_H", httpx.Client, httpx.AsyncClient)
_HTTP_LOCK = threading.Lock()


class _OwnHttp(Generic[_H]):
    """``client._http`` when no ``http_client`` was passed: made on first use, then an ordinary
    instance attribute (this descriptor has no ``__set__``, so it is not consulted again).

    An httpx client loads the system's CA certificates and imports its connection pool, about
    as much as importing httpx itself: a program pays that with its first call (or ``close()``),
    not with ``KiwoomClient(...)``. A client passed in is stored in ``__init__`` and used as is.
    """

    def __init__(self, make: Callable[[], _H]) -> None:
        self._make: Callable[[], _H] = make

    def __get__(self, client: object, owner: type | None = None) -> _H:
        with _HTTP_LOCK:  # two threads' first calls make one client
            http: _H | None = vars(client).get("_http")
            if http is None:
                http = self._make()
                vars(client)["_http"] = http
        return http


# Secrets shorter than this are not searched for in messages (see _BaseClient._redact).
_MIN_SECRET_TEXT = 8
