# Copied verbatim from generator/runtime/_client.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""The base clients: tokens, headers, retries and error mapping for every generated API.

The generated ``KiwoomClient`` / ``AsyncKiwoomClient`` subclass these and set ``_operations``.
The decisions (headers, what a response or failure means, whether to retry, token expiry) live
in :class:`_BaseClient` and module functions; the twins only add the I/O (``send``, ``sleep``,
the lock), so the sync and async clients cannot drift apart.

Retry policy. Errors are classified by Kiwoom's effective code (``[NNNN:`` in ``return_msg``,
else ``return_code``: docs/wire.md). Reads are retried on rate limits (1700-1702, HTTP 429),
connection failures, timeouts and 5xx. Orders (``op.is_order``) move money and Kiwoom has no
idempotency key, so an order is re-sent only when the answer proves it was not processed: a
rate-limit refusal (1700-1702 or HTTP 429; a ``return_code`` 429 in an HTTP 200 is not proof),
or a connection that never opened. A timeout after sending raises
:class:`OrderStateUnknownError`. A token refusal (8005, 8031, 8103) is a rejection too: a new
token is obtained (from the token store, or issued) and the request re-sent once, orders
included. Before each attempt the limiter (``rate_limit``, ``_ratelimit.py``) paces the call.

Limits. ``timeout`` bounds each phase of one attempt (connect, each read, write) as httpx does;
``deadline`` bounds the whole call: token issue, every attempt, backoff and the reading of the
body. The async client enforces it with ``asyncio.timeout``; the sync client bounds every socket
wait by the time left (``_deadline.py``), or sends on a worker thread and stops waiting at the
deadline where it cannot reach the sockets, and checks the clock after every chunk of the body. A
deadline reached after an order was sent raises :class:`OrderStateUnknownError` (never
re-sent). ``max_response_bytes`` bounds the answer (decoded by ``_decode.py``, each compression
layer bounded), ``max_pages`` the pages an iteration follows. Redirects are never followed.

Header values (the token, ``next-key``, ``cont-yn``, extra headers) are checked before anything
is sent: a value that HTTP cannot carry (line breaks, control characters, non-ASCII, surrounding
spaces) raises :class:`InvalidHeaderError`, which names the header and never shows the value.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import re
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, Literal, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from ._decode import MAX_RETRY_AFTER as MAX_RETRY_AFTER  # re-exported: the client's limit
from ._decode import (
    BodyTooLarge,
    Senders,
    UndecodableBody,
    decoder_for,
    json_object,
    retry_after_of,
)
from ._errors import (
    ORDER_STATE_HINT,
    RATE_LIMIT_CODES,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InvalidHeaderError,
    KiwoomError,
    OrderStateUnknownError,
    RateLimitError,
    ResponseTooLargeError,
    TokenError,
    WebSocketNotSupportedError,
    effective_code,
    error_for,
)
from ._operation import Operation
from ._ratelimit import RateLimiter, shared_limiter
from ._response import AsyncKiwoomResponse, KiwoomResponse, RequestOptions
from ._tokens import DEFAULT_STORE, TokenStore, record_of, store_key, usable
from ._types import NOT_GIVEN, NotGiven, strip_not_given

if TYPE_CHECKING:  # the real-time client imports websockets: only when used
    from ._realtime import AsyncRealtime, Realtime

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


class _BaseClient:
    _operations: Mapping[str, Operation] = MappingProxyType({})
    initial_retry_delay = 0.5  # seconds; doubled per retry, up to max_retry_delay, with jitter
    max_retry_delay = 8.0
    # A token is renewed token_refresh_margin seconds before expires_dt, or, when it lives less
    # than ten margins, after 90 % of its lifetime: a short-lived token is still reused.
    token_refresh_margin = 60.0
    token_refresh_fraction = 0.1
    _http: httpx.Client | httpx.AsyncClient

    def __init__(  # the twins' __init__ carry the documented, keyword-only signature
        self,
        appkey: str | None,
        secretkey: str | None,
        env: Literal["production", "mock"],
        base_url: str | None,
        access_token: str | None,
        timeout: float | httpx.Timeout,
        max_retries: int,
        deadline: float | None,
        max_pages: int,
        max_response_bytes: int,
        rate_limit: RateLimiter | bool | None = None,
        token_store: TokenStore | None = None,
    ) -> None:
        if env not in ("production", "mock"):
            raise ValueError(f"env must be 'production' or 'mock', got {env!r}")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if deadline is not None and not deadline > 0:
            raise ValueError("deadline must be a positive number of seconds or None")
        if not (isinstance(max_pages, int) and max_pages >= 1):
            raise ValueError("max_pages must be an int >= 1")
        if not (isinstance(max_response_bytes, int) and max_response_bytes >= 1):
            raise ValueError("max_response_bytes must be an int >= 1")
        appkey = appkey if appkey is not None else os.environ.get("KIWOOM_APPKEY")
        secretkey = secretkey if secretkey is not None else os.environ.get("KIWOOM_SECRETKEY")
        self._appkey = _Secret(appkey) if appkey else None
        self._secretkey = _Secret(secretkey) if secretkey else None
        self.env = env
        default_url = MOCK_BASE_URL if env == "mock" else PRODUCTION_BASE_URL
        self.base_url = (base_url or default_url).rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.deadline = deadline
        self.max_pages = max_pages
        self.max_response_bytes = max_response_bytes
        if access_token:
            check_header("access_token", "authorization", access_token, "the access token")
        self._token = AccessToken(access_token) if access_token else None
        self._used_tokens: deque[str] = deque([access_token] if access_token else [], maxlen=8)
        self._refused: deque[str] = deque(maxlen=8)  # tokens Kiwoom refused: never adopted
        self._store = DEFAULT_STORE if token_store is None else token_store
        self._store_key = (
            store_key(appkey, secretkey, self.base_url) if appkey and secretkey else None
        )
        if isinstance(rate_limit, RateLimiter):
            self._limiter: RateLimiter | None = rate_limit
        elif rate_limit is True:
            self._limiter = shared_limiter(appkey, self.base_url)
        elif rate_limit is None or rate_limit is False:
            self._limiter = None
        else:
            raise ValueError("rate_limit must be True, False/None or a RateLimiter")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(env={self.env!r}, base_url={self.base_url!r})"

    # -- real-time

    realtime_url: str

    def _set_realtime_url(self, realtime_url: str | None) -> None:
        from ._realtime_urls import realtime_url_for

        self.realtime_url = realtime_url_for(self.env, realtime_url)

    def _make_realtime(
        self,
        market: Literal["domestic", "us"],
        token: Any,
        options: Mapping[str, Any],
    ) -> AsyncRealtime:
        from ._realtime import PATHS, AsyncRealtime
        from ._realtime_urls import registry

        if market not in PATHS:
            raise ValueError(f"market must be 'domestic' or 'us', got {market!r}")
        types, conditions = registry(__package__ or "", PATHS[market])

        def secrets() -> list[str]:
            keys = [k.get() for k in (self._appkey, self._secretkey) if k is not None]
            return keys + list(self._used_tokens)

        return AsyncRealtime(
            self.realtime_url,
            token,
            path=PATHS[market],
            types=types,
            conditions=conditions,
            secrets=secrets,
            **options,
        )

    # -- operations and bodies

    def _lookup(self, api_id: str) -> Operation:
        op = self._operations.get(api_id)
        if op is None:
            import difflib

            near = difflib.get_close_matches(api_id, list(self._operations), n=3, cutoff=0.75)
            hint = f"; did you mean {', '.join(map(repr, near))}?" if near else ""
            raise KiwoomError(f"unknown API id {api_id!r}{hint}")
        return op

    def _prepare(self, op: Operation, body: BaseModel | Mapping[str, Any] | None) -> bytes:
        """The JSON body: validated by the request model, serialised once.

        Fields not given and fields set to None are left out: JSON null is never sent.
        """
        if op.transport != "http":
            raise WebSocketNotSupportedError(
                f"{op.api_id} ({op.name}) is a real-time WebSocket API ({op.path}); "
                "it cannot be called over HTTP"
            )
        if isinstance(body, BaseModel):
            model = body
        else:
            model = op.request_model.model_validate(strip_not_given(body or {}))
        return model.__pydantic_serializer__.to_json(
            model, by_alias=True, exclude_unset=True, exclude_none=True
        )

    def _deadline_at(self, options: RequestOptions) -> float | None:
        """When the call must end (``time.monotonic()``), from the call's or the client's."""
        seconds = self.deadline if isinstance(options.deadline, NotGiven) else options.deadline
        return None if seconds is None else time.monotonic() + seconds

    def _deadline_of(self, options: RequestOptions) -> float | None:
        return self.deadline if isinstance(options.deadline, NotGiven) else options.deadline

    def _build_request(
        self,
        op: Operation,
        payload: bytes,
        token: str | None,
        options: RequestOptions,
        cont_yn: str | None,
        next_key: str | None,
        deadline_at: float | None,
    ) -> httpx.Request:
        headers = build_headers(
            op.api_id, token, cont_yn=cont_yn, next_key=next_key, extra=options.extra_headers
        )
        timeout = self.timeout if isinstance(options.timeout, NotGiven) else options.timeout
        if deadline_at is not None:
            left = deadline_at - time.monotonic()
            if left <= 0:
                raise self._late(op, options, sent=False)
            timeout = attempt_timeout(timeout, left)
        if log.isEnabledFor(logging.DEBUG):  # per call: skip the formatting when off
            _log(logging.DEBUG, op, "sending%s", f" (next-key {next_key})" if next_key else "")
        try:
            return self._http.build_request(
                op.http_method,
                parsed_url(self.base_url + op.path),
                content=payload,
                headers=headers,
                extensions={"timeout": timeout_extension(timeout)},
            )
        except UnicodeEncodeError:  # checked above; a last guard that never shows the value
            raise InvalidHeaderError(f"{op.api_id}: a header {_HEADER_RULE}") from None

    def _pacing(self, op: Operation, deadline_at: float | None) -> float:
        """The seconds to wait before sending ``op`` (its slot is reserved); raises
        :class:`APITimeoutError` (nothing sent) when the wait would pass the deadline."""
        if self._limiter is None or is_auth_call(op):
            return 0.0
        wait = self._limiter.reserve(op.api_id, op.is_order, remaining(deadline_at))
        if wait is None:
            raise APITimeoutError(
                f"{op.api_id}: pacing for Kiwoom's rate limit would wait past the call's "
                "deadline; nothing more was sent",
                api_id=op.api_id,
            )
        if wait > 0 and log.isEnabledFor(logging.DEBUG):
            _log(logging.DEBUG, op, "paced: waiting %.3fs", wait)
        return wait

    def _late(self, op: Operation, options: RequestOptions, *, sent: bool) -> KiwoomError:
        """The error for a deadline reached; ``sent``: an attempt of ``op`` was in flight."""
        deadline = self._deadline_of(options)
        if sent and op.is_order:
            return OrderStateUnknownError(op.api_id, f"reached the call's deadline of {deadline} s")
        where = "" if sent else "; nothing more was sent"
        return APITimeoutError(
            f"{op.api_id}: the call reached its deadline of {deadline} s{where}", api_id=op.api_id
        )

    def _classify_failure(
        self, op: Operation, exc: BaseException, options: RequestOptions, deadline_at: float | None
    ) -> _Outcome:
        hit = None
        if deadline_at is not None and time.monotonic() >= deadline_at - 0.001:
            hit = self._deadline_of(options)
        return classify_exception(op, exc, hit, self.max_response_bytes)

    # -- answers

    def _secrets(self) -> list[str]:
        keys = [s.get() for s in (self._appkey, self._secretkey) if s is not None]
        return [s for s in [*keys, *self._used_tokens] if s]

    def _redact(self, text: str) -> str:
        """``text`` without the keys and tokens. A secret shorter than :data:`_MIN_SECRET_TEXT`
        (no real Kiwoom key or token is) is not searched for in free text, where it would be an
        ordinary word (``appkey="key"`` would make "App key check failed" unreadable); it is
        still removed by field name and from the bytes kept of a request or answer."""
        for secret in self._secrets():
            if len(secret) < _MIN_SECRET_TEXT:
                continue
            if secret in text:
                text = text.replace(secret, "***")
            escaped = json.dumps(secret)[1:-1]  # as it appears inside JSON text
            if escaped != secret and escaped in text:
                text = text.replace(escaped, "***")
        return text

    def _redact_bytes(self, data: bytes) -> bytes:
        for secret in self._secrets():
            for form in {secret.encode("utf-8"), secret.encode("latin-1", "replace")}:
                if form in data:
                    data = data.replace(form, b"***")
        return data

    def _redact_value(self, value: Any) -> Any:
        """A copy of a JSON value without the keys and tokens: by key name and by content."""
        if isinstance(value, dict):
            return {
                k: "***" if k in _SECRET_FIELDS else self._redact_value(v) for k, v in value.items()
            }
        if isinstance(value, list):
            return [self._redact_value(v) for v in value]
        if isinstance(value, str):
            return self._redact(value)
        return value

    def _scrubbed(self, response: httpx.Response, body: dict[str, Any] | None) -> httpx.Response:
        """A copy of an answer kept on an error, without secrets: its body redacted, its
        request without the authorization value and (OAuth) without the keys."""
        request = response.request
        req_headers = [
            (k, "Bearer ***" if k.lower() == "authorization" else v)
            for k, v in request.headers.multi_items()
            if k.lower() not in ("content-length",)
        ]
        req_body = request.content
        if req_body and is_auth_path(request.url.path):
            parsed = json_object(req_body)
            req_body = json_bytes(self._redact_value(parsed)) if parsed is not None else b""
        headers = [  # as bytes: a value need not be ASCII
            (k, self._redact_bytes(v))
            for k, v in response.headers.raw
            if k.lower() not in (b"content-length", b"content-encoding", b"transfer-encoding")
        ]
        if body is not None:
            content = json_bytes(body)
        else:
            text = response.content.decode("utf-8", "replace")
            content = self._redact(text).encode("utf-8")
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=content,
            request=httpx.Request(
                request.method, request.url, headers=req_headers, content=req_body
            ),
            extensions={"reason_phrase": response.reason_phrase.encode("ascii", "replace")},
        )

    def _classify_response(self, op: Operation, response: httpx.Response) -> _Outcome:
        status = response.status_code
        body = json_object(response.content)
        code = return_code_of(body) if body is not None else 0
        if log.isEnabledFor(logging.DEBUG):  # per call: skip the formatting when off
            _log(logging.DEBUG, op, "HTTP %d, return_code %s", status, code)
        error: KiwoomError
        if code != 0 or status == 429:  # a Kiwoom error, or HTTP 429 without a return_code
            raw = body.get("return_code") if body is not None else None
            body = self._redact_value(body or {"return_msg": "HTTP 429 Too Many Requests"})
            message = self._redact(str(body.get("return_msg", "")))
            embedded = effective_code(None, message)  # [NNNN:...] inside return_msg
            if code is None and embedded is None:  # no way to tell success from failure
                message = (
                    f"return_code {str(body.get('return_code'))[:40]!r} is not a number; {message}"
                )
                if op.is_order:
                    message += f" {ORDER_STATE_HINT}"
            effective = embedded if embedded is not None else (-1 if code is None else code or 429)
            # Re-sent only when the answer proves the request was not processed: a Kiwoom rate
            # limit code (1700-1702), or HTTP 429 itself (a refusal by definition, RFC 6585). A
            # return_code 429 inside an HTTP 200, or any other code, proves nothing for an order.
            refused = effective in RATE_LIMIT_CODES or status == 429
            if op.is_order and effective == 429 and not refused:
                message += f" {ORDER_STATE_HINT}"
            error = error_for(
                op.api_id,
                effective,
                message,
                body,
                response=self._scrubbed(response, body),
                return_code=raw,
            )
            retryable = isinstance(error, RateLimitError) and (refused or not op.is_order)
            return _Outcome(
                http_response=response,
                error=error,
                retryable=retryable,
                retry_after=retry_after_of(response.headers),
            )
        if not 200 <= status < 300:
            message = f"{op.api_id}: HTTP {status} {response.reason_phrase}"
            if op.is_order and status >= 500:
                message += f" {ORDER_STATE_HINT}"
            safe = self._scrubbed(response, None if body is None else self._redact_value(body))
            error = APIStatusError(message, api_id=op.api_id, response=safe)
            retryable = status >= 500 and not op.is_order
            return _Outcome(http_response=safe, error=error, retryable=retryable)
        if body is None:
            message = f"{op.api_id}: the answer is not a JSON object (HTTP {status})"
            error = KiwoomError(message + (f" {ORDER_STATE_HINT}" if op.is_order else ""))
            return _Outcome(http_response=response, error=error)
        return _Outcome(http_response=response, body=body, data=_parse_data(op, body))

    def _next_step(
        self,
        op: Operation,
        outcome: _Outcome,
        attempt: int,
        reauthed: bool,
        deadline_at: float | None = None,
    ) -> tuple[Literal["return", "raise", "reauth", "retry"], float]:
        """What to do after an attempt: the one place where retries are decided."""
        error = outcome.error
        if error is None:
            return "return", 0.0
        name = type(error).__name__
        paced = False
        if isinstance(error, RateLimitError) and self._limiter is not None:
            limited = error.limited_api_id or op.api_id
            self._limiter.refused(limited, op.is_order, error.code, error.allowance)
            paced = True  # the limiter spaces the retry: no backoff of its own
        if (
            isinstance(error, TokenError)
            and not (reauthed or is_auth_call(op))
            and self._can_issue()
        ):
            _log(logging.INFO, op, "token rejected (%d); issuing a new token", error.code)
            return "reauth", 0.0
        if not outcome.retryable:
            if op.is_order:
                _log(logging.WARNING, op, "order failed and is not re-sent: %s", name)
            return "raise", 0.0
        if attempt >= self.max_retries:
            _log(logging.INFO, op, "%s; giving up after %d retries", name, attempt)
            return "raise", 0.0
        if outcome.retry_after is not None:
            delay = outcome.retry_after
        elif paced:
            delay = 0.0
        else:
            import random

            delay = min(self.max_retry_delay, self.initial_retry_delay * 2**attempt)
            delay *= 1 - 0.25 * random.random()
        left = remaining(deadline_at)
        if paced and self._limiter is not None:  # the limiter's wait comes on top
            delay_total = delay + self._limiter.pending(op.api_id, op.is_order)
        else:
            delay_total = delay
        if left is not None and delay_total >= left:
            _log(logging.INFO, op, "%s; no retry: the deadline leaves %.2fs", name, max(left, 0))
            return "raise", 0.0
        retry = (attempt + 1, self.max_retries, delay)
        _log(logging.INFO, op, "%s; retry %d of %d in %.2fs", name, *retry)
        return "retry", delay

    # -- tokens

    def _can_issue(self) -> bool:
        return self._appkey is not None and self._secretkey is not None

    def _require_keys(self) -> tuple[str, str]:
        if self._appkey is None or self._secretkey is None:
            raise KiwoomError(
                "appkey and secretkey are needed to issue or revoke a token: pass them or set "
                "KIWOOM_APPKEY and KIWOOM_SECRETKEY"
            )
        return self._appkey.get(), self._secretkey.get()

    def _token_request(self) -> bytes:
        appkey, secretkey = self._require_keys()
        return json_bytes(
            {"grant_type": "client_credentials", "appkey": appkey, "secretkey": secretkey}
        )

    def _revoke_request(self, token: str | None) -> dict[str, Any] | None:
        appkey, secretkey = self._require_keys()
        if token is None and self._token is not None:
            token = self._token.token
        return None if token is None else {"appkey": appkey, "secretkey": secretkey, "token": token}

    def _fresh_token(self) -> str | None:
        """The cached token if it can be used as it is, else None (issue one)."""
        tok = self._token
        if tok is None:
            return None
        if tok.renew_at is not None and tok.needs_renewal() and self._can_issue():
            return None
        return tok.token

    def _renew_at(
        self, expires_at: datetime | None, response: httpx.Response | None
    ) -> float | None:
        """When to renew a token issued now (``time.monotonic()``), or None (never early).

        Its lifetime is measured on Kiwoom's clock (``expires_dt`` against the answer's ``Date``
        header) when it can be, so a local clock that is off does not shorten it; it is renewed
        ``min(token_refresh_margin, token_refresh_fraction * lifetime)`` seconds before the end.
        """
        if expires_at is None:
            return None
        now = datetime.now(UTC)
        date = response.headers.get("date") if response is not None else None
        if date:
            from email.utils import parsedate_to_datetime

            try:
                server_now = parsedate_to_datetime(date)
                if server_now.tzinfo is not None:
                    now = server_now
            except (TypeError, ValueError, IndexError):
                pass
        lifetime = (expires_at - now).total_seconds()
        if lifetime <= 0:  # already expired by the clock we have: let Kiwoom say so (8005)
            return None
        margin = min(self.token_refresh_margin, self.token_refresh_fraction * lifetime)
        return time.monotonic() + lifetime - margin

    def _store_token(
        self, body: Mapping[str, Any], response: httpx.Response | None = None
    ) -> AccessToken:
        value = body.get("token")
        if not isinstance(value, str) or not value:
            raise KiwoomError("au10001: the token answer has no token")
        self._used_tokens.append(value)  # kept only to redact them from error messages
        token_type = str(body.get("token_type") or "Bearer")
        check_header("au10001", "authorization", value, "the issued token")
        expires_at = parse_expires_dt(body.get("expires_dt"))
        token = AccessToken(value, token_type, expires_at, self._renew_at(expires_at, response))
        self._token = token
        log.info("au10001: token issued (expires %s)", token.expires_at)
        if self._store_key is not None:  # the caller holds the store's lock
            renew_in = None if token.renew_at is None else token.renew_at - time.monotonic()
            self._store.save(self._store_key, record_of(value, token_type, expires_at, renew_in))
        return token

    def _drop_token(self, stale: str | None) -> None:
        """Kiwoom refused ``stale``: stop using it, and never take it from the store again."""
        if stale is not None:
            self._refused.append(stale)
        if self._token is not None and self._token.token == stale:
            self._token = None

    def _forget(self, revoked: str) -> None:
        self._drop_token(revoked)
        if self._store_key is not None:
            self._store.delete(self._store_key, revoked)

    def _adopt_stored(self) -> str | None:
        """The store's token for this app key, when usable (another client or process issued
        it); the caller holds the store's lock."""
        assert self._store_key is not None
        record = self._store.load(self._store_key)
        if record is None or not usable(record, self._refused):
            return None
        value, token_type = str(record["token"]), str(record.get("token_type") or "Bearer")
        try:
            check_header("au10001", "authorization", value, "the stored token")
        except InvalidHeaderError:
            return None
        self._used_tokens.append(value)
        expires, renew = record.get("expires_at"), record.get("renew_at")
        expires_at = datetime.fromtimestamp(expires, KST) if isinstance(expires, float) else None
        renew_at = time.monotonic() + renew - time.time() if isinstance(renew, float) else None
        self._token = AccessToken(value, token_type, expires_at, renew_at)
        return value

    def _lock_wait(self, op: Operation, deadline_at: float | None, delay: float) -> float:
        """How long to wait before trying a lock again; raises when the deadline is reached."""
        left = remaining(deadline_at)
        if left is not None and left <= 0:
            raise self._token_late(op)
        return delay if left is None else min(delay, left)

    def _token_late(self, op: Operation) -> APITimeoutError:
        return APITimeoutError(
            f"{op.api_id}: the call reached its deadline waiting for the access token; "
            "nothing was sent",
            api_id=op.api_id,
        )


_ResponseT = TypeVar("_ResponseT", KiwoomResponse[Any], AsyncKiwoomResponse[Any])


def _response(
    cls: type[_ResponseT],
    client: SyncAPIClient | AsyncAPIClient,
    op: Operation,
    outcome: _Outcome,
    payload: bytes,
    options: RequestOptions,
) -> _ResponseT:
    """The response object of a successful outcome (``cls`` is the twin's response class)."""
    assert outcome.http_response is not None and outcome.body is not None
    return cls(
        client=client,
        op=op,
        data=outcome.data,
        body=outcome.body,
        http_response=outcome.http_response,
        payload=payload,
        options=options,
    )


def _parse_data(op: Operation, body: dict[str, Any]) -> Any:
    if not op.response_model_name:
        return body
    model = op.response_model
    try:  # model_validate(body), without its Python wrapper: this runs on every answer
        return model.__pydantic_validator__.validate_python(body)
    except ValidationError as exc:  # lenient: the call succeeded, keep what Kiwoom sent
        from pydantic import RootModel

        n = exc.error_count()
        _log(logging.WARNING, op, "answer does not match %s (%d errors)", model.__name__, n)
        if issubclass(model, RootModel):  # a message with alternative shapes (variants)
            return model.model_construct(body)
        return model.model_construct(**body)


def _log(level: int, op: Operation, message: str, *args: object) -> None:
    """Logs name the API and path; never headers, keys, tokens or bodies."""
    log.log(level, "%s %s: " + message, op.api_id, op.path, *args)


# ---- the twins -------------------------------------------------------------------------------

_T = TypeVar("_T")


_SENDERS = Senders()


def _close_late(future: Any) -> None:
    """Close the answer of a send that finished after its caller's deadline."""
    if not future.cancelled() and future.exception() is None:
        future.result().close()


class _Flight:
    """Whether an attempt of the call's own API is on the wire (async deadline bookkeeping)."""

    __slots__ = ("sent",)

    def __init__(self) -> None:
        self.sent = False


class SyncAPIClient(_BaseClient):
    if TYPE_CHECKING:
        _http: httpx.Client
    else:
        _http = _OwnHttp(lambda: httpx.Client())

    def __init__(
        self,
        *,
        appkey: str | None = None,
        secretkey: str | None = None,
        env: Literal["production", "mock"] = "production",
        base_url: str | None = None,
        access_token: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        deadline: float | None = DEFAULT_DEADLINE,
        max_pages: int = DEFAULT_MAX_PAGES,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        http_client: httpx.Client | None = None,
        realtime_url: str | None = None,
        rate_limit: RateLimiter | bool | None = True,
        token_store: TokenStore | None = None,
    ) -> None:
        """A client of the Kiwoom REST API; every parameter is keyword-only.

        Args:
            appkey: the app key (앱키). Default: the ``KIWOOM_APPKEY`` environment variable.
                Production and mock-trading keys differ.
            secretkey: the secret key (시크릿키). Default: ``KIWOOM_SECRETKEY``.
            env: ``"production"`` (``https://api.kiwoom.com``, the default) or ``"mock"``
                (``https://mockapi.kiwoom.com``, mock trading, KRX only).
            base_url: another server to talk to instead of ``env``'s (a test server).
            access_token: a token issued elsewhere (au10001), used as it is and never renewed:
                processes that share an app key should share one token.
            timeout: seconds (or an ``httpx.Timeout``) for one HTTP attempt.
                Default: 10 s, 5 s to connect.
            max_retries: how many times a failed read is tried again (rate limits, 5xx, lost
                connections). Default 2. An order is never re-sent after it may have reached
                Kiwoom, whatever this says.
            deadline: seconds for a whole call (token, attempts, backoff, body); None: no limit.
                Default 30.
            max_pages: pages one iteration of a response follows at most. Default 1000.
            max_response_bytes: the largest decoded answer accepted. Default 16 MiB.
            http_client: an ``httpx.Client`` of your own (proxies, certificates); the client then
                does not close it.
            realtime_url: another WebSocket server for ``realtime()`` (a test server).
            rate_limit: pacing before sending (docs/wire.md). ``True`` (the default): the
                limiter shared by every client of this app key and server in the process, with
                Kiwoom's terms (about 5 queries and 5 orders a second) and each API's ``유량``
                learned from its 1700 answers; a ``RateLimiter`` of your own to tune or share
                it; ``False`` or None: no pacing.
            token_store: where the token of this app key is kept and shared
                (``MemoryTokenStore``: the process, the default; ``FileTokenStore(path)``:
                every process of the machine, which then issue one token between them).

        Keys and tokens never appear in reprs, logs or errors.
        """
        super().__init__(
            appkey,
            secretkey,
            env,
            base_url,
            access_token,
            timeout,
            max_retries,
            deadline,
            max_pages,
            max_response_bytes,
            rate_limit,
            token_store,
        )
        self._owns_http = http_client is None
        if http_client is not None:
            self._http = http_client
        self._token_lock = threading.Lock()
        self._set_realtime_url(realtime_url)

    def realtime(self, market: Literal["domestic", "us"] = "domestic", **options: Any) -> Realtime:
        """The real-time (WebSocket) session of ``market``; use it in a ``with`` block.

        It runs on an event loop of its own thread. ``options`` go to AsyncRealtime
        (queue_size, overflow, idle_timeout, backoff_initial, backoff_max, max_reconnects...).
        """
        from ._realtime import Realtime

        async def token(stale: str | None) -> str:
            import asyncio

            return await asyncio.to_thread(self._realtime_token, stale)

        return Realtime(lambda: self._make_realtime(market, token, options))

    def _realtime_token(self, stale: str | None) -> str:
        if stale is not None:
            with self._token_lock:
                self._drop_token(stale)
        token = self._auth_token(REALTIME_OP, _DEFAULTS, self._deadline_at(_DEFAULTS))
        assert token is not None
        return token

    def request(
        self,
        op: Operation,
        body: BaseModel | Mapping[str, Any] | None = None,
        *,
        cont_yn: str | None = None,
        next_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        deadline: float | None | NotGiven = NOT_GIVEN,
        max_pages: int | NotGiven = NOT_GIVEN,
    ) -> KiwoomResponse[Any]:
        """Send one API call and return its parsed answer; raises on ``return_code != 0``."""
        payload = self._prepare(op, body)
        options = RequestOptions.of(extra_headers, timeout, deadline, max_pages)
        outcome = self._send(op, payload, options, cont_yn, next_key, self._deadline_at(options))
        return self._wrap(op, outcome, payload, options)

    def call(
        self,
        api_id: str,
        body: BaseModel | Mapping[str, Any] | None = None,
        *,
        cont_yn: str | None = None,
        next_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        deadline: float | None | NotGiven = NOT_GIVEN,
        max_pages: int | NotGiven = NOT_GIVEN,
    ) -> KiwoomResponse[Any]:
        """Call an API by its id (see ``OPERATIONS``), the body as a dict or a request model::

        client.call("kt10006", {"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1",
                                "trde_tp": "3"})
        """
        return self.request(
            self._lookup(api_id),
            body,
            cont_yn=cont_yn,
            next_key=next_key,
            extra_headers=extra_headers,
            timeout=timeout,
            deadline=deadline,
            max_pages=max_pages,
        )

    def issue_token(self) -> AccessToken:
        """Issue a new access token through au10001 and use it from now on."""
        with self._token_lock:
            self._obtain(TOKEN_OP, self._deadline_at(_DEFAULTS), _DEFAULTS, new=True)
        assert self._token is not None
        return self._token

    def revoke_token(self, token: str | None = None) -> None:
        """Revoke ``token`` (default: the current one) through au10002."""
        payload = self._revoke_request(token)
        if payload is not None:
            deadline_at = self._deadline_at(_DEFAULTS)
            self._send(REVOKE_OP, json_bytes(payload), _DEFAULTS, None, None, deadline_at)
            with self._token_lock:
                self._forget(payload["token"])

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def _pace_sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def _issue(self, deadline_at: float | None, options: RequestOptions) -> AccessToken:
        options = _DEFAULTS if options is _DEFAULTS else RequestOptions(deadline=options.deadline)
        outcome = self._send(TOKEN_OP, self._token_request(), options, None, None, deadline_at)
        assert outcome.body is not None
        return self._store_token(outcome.body, outcome.http_response)

    def _auth_token(
        self, op: Operation, options: RequestOptions, deadline_at: float | None
    ) -> str | None:
        if is_auth_call(op):
            return None
        token = self._fresh_token()
        if token is None:
            left = remaining(deadline_at)  # another thread may be issuing: wait, not past it
            if not self._token_lock.acquire(timeout=-1 if left is None else max(left, 0)):
                raise self._token_late(op)
            try:
                token = self._fresh_token() or self._obtain(op, deadline_at, options)
            finally:
                self._token_lock.release()
        return token

    def _obtain(
        self, op: Operation, deadline_at: float | None, options: RequestOptions, new: bool = False
    ) -> str:
        """The app key's token from the store, else a new one, issued under the store's lock
        (so that concurrent clients and processes issue once); the caller holds the lock of
        this client."""
        if self._store_key is None:
            return self._issue(deadline_at, options).token
        delay = 0.005
        while (handle := self._store.try_lock(self._store_key)) is None:
            time.sleep(self._lock_wait(op, deadline_at, delay))
            delay = min(delay * 2, 0.05)
        try:
            return (None if new else self._adopt_stored()) or self._issue(
                deadline_at, options
            ).token
        finally:
            self._store.unlock(handle)

    def _send(
        self,
        op: Operation,
        payload: bytes,
        options: RequestOptions,
        cont_yn: str | None,
        next_key: str | None,
        deadline_at: float | None,
    ) -> _Outcome:
        from ._deadline import scope as deadline_scope  # imports httpcore: with the first call

        attempt, reauthed = 0, False
        while True:
            token = self._auth_token(op, options, deadline_at)
            wait = self._pacing(op, deadline_at)
            if wait > 0:
                self._pace_sleep(wait)
            request = self._build_request(
                op, payload, token, options, cont_yn, next_key, deadline_at
            )
            try:
                with deadline_scope(deadline_at):  # every socket wait ends by the deadline
                    response = self._send_within(op, options, request, deadline_at)
                    read_sync(response, self.max_response_bytes, deadline_at)
                outcome = self._classify_response(op, response)
            except (httpx.TransportError, _BodyTooLarge, UndecodableBody, _DeadlineReached) as exc:
                outcome = self._classify_failure(op, exc, options, deadline_at)
            step, delay = self._next_step(op, outcome, attempt, reauthed, deadline_at)
            if step == "return":
                return outcome
            if step == "raise":
                assert outcome.error is not None
                raise outcome.error from outcome.cause
            if step == "reauth":
                with self._token_lock:
                    self._drop_token(token)
                reauthed = True
                continue
            self._sleep(delay)
            attempt += 1

    def _send_within(
        self,
        op: Operation,
        options: RequestOptions,
        request: httpx.Request,
        deadline_at: float | None,
    ) -> httpx.Response:
        """Send ``request`` and return its answer (headers read), by the deadline whatever the
        server does: on this thread when ``_deadline.bounded`` bounds the socket waits, else on
        a worker thread that the caller stops waiting for. Redirects are never followed,
        whatever the caller's client says: one would re-send the keys or an order to another
        host."""
        bounded = self.__dict__.get("_bounded")
        if bounded is None:
            from ._deadline import bounded as deadline_bounded

            bounded = self.__dict__["_bounded"] = deadline_bounded(self._http)
        if deadline_at is None or bounded:
            return self._http.send(request, stream=True, follow_redirects=False)
        from concurrent.futures import TimeoutError as FutureTimeout

        http = self._http
        future = _SENDERS.submit(lambda: http.send(request, stream=True, follow_redirects=False))
        try:
            response: httpx.Response = future.result(timeout=max(remaining(deadline_at) or 0, 0))
            return response
        except FutureTimeout:
            if future.cancel():  # never started: nothing was sent
                raise self._late(op, options, sent=False) from None
            future.add_done_callback(_close_late)
            raise _DeadlineReached from None

    def _fetch_page(
        self, op: Operation, payload: bytes, options: RequestOptions, next_key: str
    ) -> KiwoomResponse[Any]:
        outcome = self._send(op, payload, options, "Y", next_key, self._deadline_at(options))
        return self._wrap(op, outcome, payload, options)

    def _wrap(
        self, op: Operation, outcome: _Outcome, payload: bytes, options: RequestOptions
    ) -> KiwoomResponse[Any]:
        return _response(KiwoomResponse, self, op, outcome, payload, options)


class AsyncAPIClient(_BaseClient):
    if TYPE_CHECKING:
        _http: httpx.AsyncClient
    else:
        _http = _OwnHttp(lambda: httpx.AsyncClient())

    def __init__(
        self,
        *,
        appkey: str | None = None,
        secretkey: str | None = None,
        env: Literal["production", "mock"] = "production",
        base_url: str | None = None,
        access_token: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        deadline: float | None = DEFAULT_DEADLINE,
        max_pages: int = DEFAULT_MAX_PAGES,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        http_client: httpx.AsyncClient | None = None,
        realtime_url: str | None = None,
        rate_limit: RateLimiter | bool | None = True,
        token_store: TokenStore | None = None,
    ) -> None:
        """The asynchronous client of the Kiwoom REST API; every parameter is keyword-only.

        Args:
            appkey: the app key (앱키). Default: the ``KIWOOM_APPKEY`` environment variable.
                Production and mock-trading keys differ.
            secretkey: the secret key (시크릿키). Default: ``KIWOOM_SECRETKEY``.
            env: ``"production"`` (``https://api.kiwoom.com``, the default) or ``"mock"``
                (``https://mockapi.kiwoom.com``, mock trading, KRX only).
            base_url: another server to talk to instead of ``env``'s (a test server).
            access_token: a token issued elsewhere (au10001), used as it is and never renewed:
                processes that share an app key should share one token.
            timeout: seconds (or an ``httpx.Timeout``) for one HTTP attempt.
                Default: 10 s, 5 s to connect.
            max_retries: how many times a failed read is tried again (rate limits, 5xx, lost
                connections). Default 2. An order is never re-sent after it may have reached
                Kiwoom, whatever this says.
            deadline: seconds for a whole call (token, attempts, backoff, body); None: no limit.
                Default 30.
            max_pages: pages one iteration of a response follows at most. Default 1000.
            max_response_bytes: the largest decoded answer accepted. Default 16 MiB.
            http_client: an ``httpx.AsyncClient`` of your own (proxies, certificates); the
                client then does not close it.
            realtime_url: another WebSocket server for ``realtime()`` (a test server).
            rate_limit: pacing before sending (docs/wire.md). ``True`` (the default): the
                limiter shared by every client of this app key and server in the process, with
                Kiwoom's terms (about 5 queries and 5 orders a second) and each API's ``유량``
                learned from its 1700 answers; a ``RateLimiter`` of your own to tune or share
                it; ``False`` or None: no pacing.
            token_store: where the token of this app key is kept and shared
                (``MemoryTokenStore``: the process, the default; ``FileTokenStore(path)``:
                every process of the machine, which then issue one token between them).

        Keys and tokens never appear in reprs, logs or errors.
        """
        super().__init__(
            appkey,
            secretkey,
            env,
            base_url,
            access_token,
            timeout,
            max_retries,
            deadline,
            max_pages,
            max_response_bytes,
            rate_limit,
            token_store,
        )
        import asyncio

        self._owns_http = http_client is None
        if http_client is not None:
            self._http = http_client
        self._token_lock = asyncio.Lock()
        self._set_realtime_url(realtime_url)

    def realtime(
        self, market: Literal["domestic", "us"] = "domestic", **options: Any
    ) -> AsyncRealtime:
        """The real-time (WebSocket) session of ``market``; use it in an ``async with`` block.

        ``options`` go to AsyncRealtime (queue_size, overflow, idle_timeout, backoff_initial,
        backoff_max, max_reconnects...).
        """
        return self._make_realtime(market, self._realtime_token, options)

    async def _realtime_token(self, stale: str | None) -> str:
        if stale is not None:
            self._drop_token(stale)
        token = await self._auth_token(REALTIME_OP, _DEFAULTS, self._deadline_at(_DEFAULTS))
        assert token is not None
        return token

    async def request(
        self,
        op: Operation,
        body: BaseModel | Mapping[str, Any] | None = None,
        *,
        cont_yn: str | None = None,
        next_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        deadline: float | None | NotGiven = NOT_GIVEN,
        max_pages: int | NotGiven = NOT_GIVEN,
    ) -> AsyncKiwoomResponse[Any]:
        """Send one API call and return its parsed answer; raises on ``return_code != 0``."""
        payload = self._prepare(op, body)
        options = RequestOptions.of(extra_headers, timeout, deadline, max_pages)
        outcome = await self._within(
            op,
            options,
            lambda deadline_at, flight: self._send(
                op, payload, options, cont_yn, next_key, deadline_at, flight
            ),
        )
        return self._wrap(op, outcome, payload, options)

    async def call(
        self,
        api_id: str,
        body: BaseModel | Mapping[str, Any] | None = None,
        *,
        cont_yn: str | None = None,
        next_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        deadline: float | None | NotGiven = NOT_GIVEN,
        max_pages: int | NotGiven = NOT_GIVEN,
    ) -> AsyncKiwoomResponse[Any]:
        """Call an API by its id (see ``OPERATIONS``), the body as a dict or a request model::

        await client.call("kt10006", {"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1",
                                      "trde_tp": "3"})
        """
        return await self.request(
            self._lookup(api_id),
            body,
            cont_yn=cont_yn,
            next_key=next_key,
            extra_headers=extra_headers,
            timeout=timeout,
            deadline=deadline,
            max_pages=max_pages,
        )

    async def issue_token(self) -> AccessToken:
        """Issue a new access token through au10001 and use it from now on."""
        async with self._token_lock:
            await self._within(
                TOKEN_OP,
                _DEFAULTS,
                lambda deadline_at, _: self._obtain(TOKEN_OP, deadline_at, _DEFAULTS, new=True),
            )
        assert self._token is not None
        return self._token

    async def revoke_token(self, token: str | None = None) -> None:
        """Revoke ``token`` (default: the current one) through au10002."""
        payload = self._revoke_request(token)
        if payload is not None:
            content = json_bytes(payload)
            await self._within(
                REVOKE_OP,
                _DEFAULTS,
                lambda deadline_at, _: self._send(
                    REVOKE_OP, content, _DEFAULTS, None, None, deadline_at, None
                ),
            )
            self._forget(payload["token"])

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _sleep(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(seconds)

    async def _pace_sleep(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(seconds)

    async def _within(
        self,
        op: Operation,
        options: RequestOptions,
        run: Callable[[float | None, _Flight], Awaitable[_T]],
    ) -> _T:
        """Run one call under its deadline (``asyncio.timeout``): it ends by then, whatever
        the server does. Reached while the call's own request was on the wire, for an order it
        is :class:`OrderStateUnknownError`."""
        import asyncio

        seconds = self._deadline_of(options)
        flight = _Flight()
        if seconds is None:
            return await run(None, flight)
        try:
            async with asyncio.timeout(seconds):
                return await run(time.monotonic() + seconds, flight)
        except TimeoutError:
            raise self._late(op, options, sent=flight.sent) from None

    async def _issue(self, deadline_at: float | None, options: RequestOptions) -> AccessToken:
        options = _DEFAULTS if options is _DEFAULTS else RequestOptions(deadline=options.deadline)
        content = self._token_request()
        outcome = await self._send(TOKEN_OP, content, options, None, None, deadline_at, None)
        assert outcome.body is not None
        return self._store_token(outcome.body, outcome.http_response)

    async def _auth_token(
        self, op: Operation, options: RequestOptions, deadline_at: float | None
    ) -> str | None:
        if is_auth_call(op):
            return None
        token = self._fresh_token()
        if token is None:
            async with self._token_lock:
                token = self._fresh_token() or await self._obtain(op, deadline_at, options)
        return token

    async def _obtain(
        self, op: Operation, deadline_at: float | None, options: RequestOptions, new: bool = False
    ) -> str:
        """The async twin of :meth:`SyncAPIClient._obtain` (the store's lock is polled)."""
        if self._store_key is None:
            return (await self._issue(deadline_at, options)).token
        import asyncio

        delay = 0.005
        while (handle := self._store.try_lock(self._store_key)) is None:
            await asyncio.sleep(self._lock_wait(op, deadline_at, delay))
            delay = min(delay * 2, 0.05)
        try:
            token = None if new else self._adopt_stored()
            return token or (await self._issue(deadline_at, options)).token
        finally:
            self._store.unlock(handle)

    async def _send(
        self,
        op: Operation,
        payload: bytes,
        options: RequestOptions,
        cont_yn: str | None,
        next_key: str | None,
        deadline_at: float | None,
        flight: _Flight | None,
    ) -> _Outcome:
        attempt, reauthed = 0, False
        while True:
            token = await self._auth_token(op, options, deadline_at)
            wait = self._pacing(op, deadline_at)
            if wait > 0:
                await self._pace_sleep(wait)
            request = self._build_request(
                op, payload, token, options, cont_yn, next_key, deadline_at
            )
            if flight is not None:
                flight.sent = True
            try:
                # never followed, whatever the caller's client says: a redirect would re-send
                # the keys or an order to another host
                response = await self._http.send(request, stream=True, follow_redirects=False)
                await read_async(response, self.max_response_bytes)
                outcome = self._classify_response(op, response)
            except (httpx.TransportError, _BodyTooLarge, UndecodableBody) as exc:
                outcome = self._classify_failure(op, exc, options, deadline_at)
            if flight is not None:
                flight.sent = False
            step, delay = self._next_step(op, outcome, attempt, reauthed, deadline_at)
            if step == "return":
                return outcome
            if step == "raise":
                assert outcome.error is not None
                raise outcome.error from outcome.cause
            if step == "reauth":
                self._drop_token(token)  # no await in between: atomic for the event loop
                reauthed = True
                continue
            await self._sleep(delay)
            attempt += 1

    async def _fetch_page(
        self, op: Operation, payload: bytes, options: RequestOptions, next_key: str
    ) -> AsyncKiwoomResponse[Any]:
        outcome = await self._within(
            op,
            options,
            lambda deadline_at, flight: self._send(
                op, payload, options, "Y", next_key, deadline_at, flight
            ),
        )
        return self._wrap(op, outcome, payload, options)

    def _wrap(
        self, op: Operation, outcome: _Outcome, payload: bytes, options: RequestOptions
    ) -> AsyncKiwoomResponse[Any]:
        return _response(AsyncKiwoomResponse, self, op, outcome, payload, options)
