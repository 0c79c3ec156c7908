"""The base clients: tokens, headers, retries and error mapping for every generated API.

The generated ``KiwoomClient`` / ``AsyncKiwoomClient`` subclass these and set ``_operations``.
The decisions (headers, what a response or failure means, whether to retry, token expiry) live
in :class:`_BaseClient` and module functions; the twins only add the I/O (``send``, ``sleep``,
the lock), so the sync and async clients cannot drift apart.

Retry policy. Reads are retried on rate limits (1700-1702, HTTP 429), connection failures,
timeouts and 5xx. Orders (``op.is_order``) move money and Kiwoom has no idempotency key, so an
order is re-sent only when the answer proves it was not accepted: a rate-limit rejection, or a
connection that never opened. A timeout after sending raises :class:`OrderStateUnknownError`.
A 8005 (invalid token) answer is a rejection too: the token is re-issued and the request re-sent
once, orders included.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import logging
import os
import random
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar

import httpx
import pydantic_core
from pydantic import BaseModel, RootModel, ValidationError

from ._errors import (
    ORDER_STATE_HINT,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    KiwoomError,
    OrderStateUnknownError,
    RateLimitError,
    TokenError,
    WebSocketNotSupportedError,
    error_for,
)
from ._operation import Operation
from ._response import AsyncKiwoomResponse, KiwoomResponse, RequestOptions
from ._types import NOT_GIVEN, NotGiven, strip_not_given

if TYPE_CHECKING:  # the real-time client imports websockets: only when used
    from ._realtime import AsyncRealtime, Realtime

log = logging.getLogger("kiwoom_client")
log.addHandler(logging.NullHandler())  # quiet unless the application configures logging

PRODUCTION_BASE_URL = "https://api.kiwoom.com"
MOCK_BASE_URL = "https://mockapi.kiwoom.com"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
KST = timezone(timedelta(hours=9), "KST")  # expires_dt is Korea time
CONTENT_TYPE = "application/json;charset=UTF-8"
MAX_RETRY_AFTER = 60.0

Timeout = float | httpx.Timeout | None


def _auth_op(api_id: str, name: str, path: str) -> Operation:
    return Operation(
        api_id=api_id,
        name=name,
        path=path,
        transport="http",
        group="oauth",
        method="",
        is_order=False,
        models_module="",
        request_model_name="",
        response_model_name="",
    )


TOKEN_OP = _auth_op("au10001", "접근토큰 발급", "/oauth2/token")
REALTIME_OP = _auth_op("LOGIN", "실시간 LOGIN", "/api/dostk/websocket")
REVOKE_OP = _auth_op("au10002", "접근토큰 폐기", "/oauth2/revoke")
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
    """An access token; ``expires_at`` is None when unknown (a token passed in by the caller)."""

    token: str = field(repr=False)
    token_type: str = "Bearer"
    expires_at: datetime | None = None
    # expires_at as a POSIX timestamp, computed once: expires_within runs on every call
    _expires_ts: float | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        expires_ts = None if self.expires_at is None else self.expires_at.timestamp()
        object.__setattr__(self, "_expires_ts", expires_ts)

    def expires_within(self, seconds: float) -> bool:
        return self._expires_ts is not None and self._expires_ts - seconds <= time.time()


# ---- pure helpers shared by both clients -----------------------------------------------------


def build_headers(
    api_id: str,
    token: str | None,
    *,
    cont_yn: str | None = None,
    next_key: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Request headers; ``cont-yn``/``next-key`` only when given, no authorization for OAuth."""
    headers = {"api-id": api_id, "content-type": CONTENT_TYPE}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    if cont_yn is not None:
        headers["cont-yn"] = cont_yn
    if next_key is not None:
        headers["next-key"] = next_key
    if extra:
        headers.update(extra)
    return headers


def json_bytes(payload: Mapping[str, Any]) -> bytes:
    """A plain dict (the OAuth bodies) as UTF-8 JSON; API bodies are serialised by their model."""
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def json_object(content: bytes) -> dict[str, Any] | None:
    """The answer parsed as a JSON object, or None when it is not one (an HTML page, a list).

    pydantic-core's parser is the fast path; what it refuses (a BOM, UTF-16, lone surrogates) is
    given to :func:`json.loads`, so exactly the answers ``json.loads`` accepts are understood.
    """
    try:
        parsed = pydantic_core.from_json(content)
    except ValueError:
        try:
            parsed = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            return None
    return parsed if isinstance(parsed, dict) else None


def parse_expires_dt(value: object) -> datetime | None:
    """``"YYYYMMDDhhmmss"`` in Korea time, or None when absent or malformed."""
    try:
        return datetime.strptime(str(value).strip(), "%Y%m%d%H%M%S").replace(tzinfo=KST)
    except ValueError:
        return None


def return_code_of(body: Mapping[str, Any]) -> int:
    """``return_code`` as an int (Kiwoom sends numbers, sometimes numeric text); absent is 0."""
    raw = body.get("return_code")
    if raw is None or raw == "":
        return 0
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except ValueError:
        return -1


def retry_after_of(headers: httpx.Headers) -> float | None:
    """``Retry-After`` in seconds (capped), or None when absent or not a number."""
    try:
        return max(0.0, min(float(headers.get("retry-after", "")), MAX_RETRY_AFTER))
    except ValueError:
        return None


def is_auth_call(op: Operation) -> bool:
    """The OAuth APIs are sent without an authorization header."""
    return op.path.startswith("/oauth2/")


@dataclass(slots=True)
class _Outcome:
    """One attempt, classified: a success, or an error and whether it may be retried."""

    http_response: httpx.Response | None = None
    body: dict[str, Any] | None = None
    data: Any = None
    error: KiwoomError | None = None
    cause: BaseException | None = None
    retryable: bool = False
    retry_after: float | None = None


def classify_exception(op: Operation, exc: httpx.TransportError) -> _Outcome:
    """A failure without an answer. An order is retried only if the connection never opened."""
    never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    maybe_executed = op.is_order and not never_sent
    error: KiwoomError
    if maybe_executed and isinstance(exc, httpx.TimeoutException):
        error = OrderStateUnknownError(op.api_id)
    elif isinstance(exc, httpx.TimeoutException):
        error = APITimeoutError(
            f"{op.api_id}: request timed out ({type(exc).__name__})", api_id=op.api_id
        )
    else:
        message = f"{op.api_id}: connection error ({type(exc).__name__}: {exc})"
        if maybe_executed:
            message += f" {ORDER_STATE_HINT}"
        error = APIConnectionError(message, api_id=op.api_id)
    transient = isinstance(
        exc, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError
    )
    retryable = never_sent if op.is_order else transient
    return _Outcome(error=error, cause=exc, retryable=retryable)


# ---- the shared base -------------------------------------------------------------------------


class _BaseClient:
    _operations: Mapping[str, Operation] = MappingProxyType({})
    initial_retry_delay = 0.5  # seconds; doubled per retry, up to max_retry_delay, with jitter
    max_retry_delay = 8.0
    token_refresh_margin = 60.0  # seconds before expires_dt when a token is re-issued
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
    ) -> None:
        if env not in ("production", "mock"):
            raise ValueError(f"env must be 'production' or 'mock', got {env!r}")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        appkey = appkey if appkey is not None else os.environ.get("KIWOOM_APPKEY")
        secretkey = secretkey if secretkey is not None else os.environ.get("KIWOOM_SECRETKEY")
        self._appkey = _Secret(appkey) if appkey else None
        self._secretkey = _Secret(secretkey) if secretkey else None
        self.env = env
        default_url = MOCK_BASE_URL if env == "mock" else PRODUCTION_BASE_URL
        self.base_url = (base_url or default_url).rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self._token = AccessToken(access_token) if access_token else None
        self._used_tokens: deque[str] = deque([access_token] if access_token else [], maxlen=8)

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
            near = difflib.get_close_matches(api_id, list(self._operations), n=3, cutoff=0.75)
            hint = f"; did you mean {', '.join(map(repr, near))}?" if near else ""
            raise KiwoomError(f"unknown API id {api_id!r}{hint}")
        return op

    def _prepare(self, op: Operation, body: BaseModel | Mapping[str, Any] | None) -> bytes:
        """The JSON body: validated by the request model, serialised once; unset fields left out."""
        if op.transport != "http":
            raise WebSocketNotSupportedError(
                f"{op.api_id} ({op.name}) is a real-time WebSocket API ({op.path}); "
                "it cannot be called over HTTP"
            )
        if isinstance(body, BaseModel):
            model = body
        else:
            model = op.request_model.model_validate(strip_not_given(body or {}))
        return model.__pydantic_serializer__.to_json(model, by_alias=True, exclude_unset=True)

    def _build_request(
        self,
        op: Operation,
        payload: bytes,
        token: str | None,
        options: RequestOptions,
        cont_yn: str | None,
        next_key: str | None,
    ) -> httpx.Request:
        headers = build_headers(
            op.api_id, token, cont_yn=cont_yn, next_key=next_key, extra=options.extra_headers
        )
        timeout = self.timeout if isinstance(options.timeout, NotGiven) else options.timeout
        if log.isEnabledFor(logging.DEBUG):  # per call: skip the formatting when off
            _log(logging.DEBUG, op, "sending%s", f" (next-key {next_key})" if next_key else "")
        return self._http.build_request(
            op.http_method,
            self.base_url + op.path,
            content=payload,
            headers=headers,
            timeout=timeout,
        )

    # -- answers

    def _redact(self, text: str) -> str:
        secrets = [s.get() for s in (self._appkey, self._secretkey) if s is not None]
        for secret in [*secrets, *self._used_tokens]:
            text = text.replace(secret, "***")
        return text

    def _classify_response(self, op: Operation, response: httpx.Response) -> _Outcome:
        status = response.status_code
        body = json_object(response.content)
        code = return_code_of(body) if body is not None else 0
        if log.isEnabledFor(logging.DEBUG):  # per call: skip the formatting when off
            _log(logging.DEBUG, op, "HTTP %d, return_code %d", status, code)
        error: KiwoomError
        if code != 0 or status == 429:  # a Kiwoom error, or HTTP 429 without a return_code
            body = body or {"return_msg": "HTTP 429 Too Many Requests"}
            if is_auth_call(op):
                body = {k: ("***" if k in _SECRET_FIELDS else v) for k, v in body.items()}
            message = self._redact(str(body.get("return_msg", "")))
            error = error_for(op.api_id, code or 429, message, body, response=response)
        elif not 200 <= status < 300:
            message = f"{op.api_id}: HTTP {status} {response.reason_phrase}"
            if op.is_order and status >= 500:
                message += f" {ORDER_STATE_HINT}"
            error = APIStatusError(message, api_id=op.api_id, response=response)
            retryable = status >= 500 and not op.is_order
            return _Outcome(http_response=response, error=error, retryable=retryable)
        elif body is None:
            message = f"{op.api_id}: the answer is not a JSON object (HTTP {status})"
            error = KiwoomError(message + (f" {ORDER_STATE_HINT}" if op.is_order else ""))
        else:
            return _Outcome(http_response=response, body=body, data=_parse_data(op, body))
        return _Outcome(
            http_response=response,
            error=error,
            retryable=isinstance(error, RateLimitError),
            retry_after=retry_after_of(response.headers),
        )

    def _next_step(
        self, op: Operation, outcome: _Outcome, attempt: int, reauthed: bool
    ) -> tuple[Literal["return", "raise", "reauth", "retry"], float]:
        """What to do after an attempt: the one place where retries are decided."""
        error = outcome.error
        if error is None:
            return "return", 0.0
        name = type(error).__name__
        if (
            isinstance(error, TokenError)
            and not (reauthed or is_auth_call(op))
            and self._can_issue()
        ):
            _log(logging.INFO, op, "token rejected (8005); issuing a new token")
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
        else:
            delay = min(self.max_retry_delay, self.initial_retry_delay * 2**attempt)
            delay *= 1 - 0.25 * random.random()
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
        if tok.expires_within(self.token_refresh_margin) and self._can_issue():
            return None
        return tok.token

    def _store_token(self, body: Mapping[str, Any]) -> AccessToken:
        value = body.get("token")
        if not isinstance(value, str) or not value:
            raise KiwoomError("au10001: the token answer has no token")
        token = AccessToken(
            value, str(body.get("token_type") or "Bearer"), parse_expires_dt(body.get("expires_dt"))
        )
        self._token = token
        self._used_tokens.append(value)  # kept only to redact them from error messages
        log.info("au10001: token issued (expires %s)", token.expires_at)
        return token

    def _drop_token(self, stale: str | None) -> None:
        if self._token is not None and self._token.token == stale:
            self._token = None


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
        n = exc.error_count()
        _log(logging.WARNING, op, "answer does not match %s (%d errors)", model.__name__, n)
        if issubclass(model, RootModel):  # a message with alternative shapes (variants)
            return model.model_construct(body)
        return model.model_construct(**body)


def _log(level: int, op: Operation, message: str, *args: object) -> None:
    """Logs name the API and path; never headers, keys, tokens or bodies."""
    log.log(level, "%s %s: " + message, op.api_id, op.path, *args)


# ---- the twins -------------------------------------------------------------------------------


class SyncAPIClient(_BaseClient):
    _http: httpx.Client

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
        http_client: httpx.Client | None = None,
        realtime_url: str | None = None,
    ) -> None:
        super().__init__(appkey, secretkey, env, base_url, access_token, timeout, max_retries)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client()
        self._token_lock = threading.Lock()
        self._set_realtime_url(realtime_url)

    def realtime(self, market: Literal["domestic", "us"] = "domestic", **options: Any) -> Realtime:
        """The real-time (WebSocket) session of ``market``; use it in a ``with`` block.

        It runs on an event loop of its own thread. ``options`` go to AsyncRealtime
        (queue_size, overflow, idle_timeout, backoff_initial, backoff_max, max_reconnects...).
        """
        from ._realtime import Realtime

        async def token(stale: str | None) -> str:
            return await asyncio.to_thread(self._realtime_token, stale)

        return Realtime(lambda: self._make_realtime(market, token, options))

    def _realtime_token(self, stale: str | None) -> str:
        if stale is not None:
            with self._token_lock:
                self._drop_token(stale)
        token = self._auth_token(REALTIME_OP)
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
    ) -> KiwoomResponse[Any]:
        """Send one API call and return its parsed answer; raises on ``return_code != 0``."""
        payload = self._prepare(op, body)
        options = RequestOptions.of(extra_headers, timeout)
        return self._wrap(op, self._send(op, payload, options, cont_yn, next_key), payload, options)

    def call(
        self,
        api_id: str,
        body: BaseModel | Mapping[str, Any] | None = None,
        *,
        cont_yn: str | None = None,
        next_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> KiwoomResponse[Any]:
        """Call an API by its id, e.g. ``client.call("ka10001", {"stk_cd": "005930"})``."""
        return self.request(
            self._lookup(api_id),
            body,
            cont_yn=cont_yn,
            next_key=next_key,
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def issue_token(self) -> AccessToken:
        """Issue a new access token through au10001 and use it from now on."""
        with self._token_lock:
            return self._issue()

    def revoke_token(self, token: str | None = None) -> None:
        """Revoke ``token`` (default: the current one) through au10002."""
        payload = self._revoke_request(token)
        if payload is not None:
            self._send(REVOKE_OP, json_bytes(payload), RequestOptions(), None, None)
            with self._token_lock:
                self._drop_token(payload["token"])

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def _issue(self) -> AccessToken:
        outcome = self._send(TOKEN_OP, self._token_request(), RequestOptions(), None, None)
        assert outcome.body is not None
        return self._store_token(outcome.body)

    def _auth_token(self, op: Operation) -> str | None:
        if is_auth_call(op):
            return None
        token = self._fresh_token()
        if token is None:
            with self._token_lock:
                token = self._fresh_token() or self._issue().token
        return token

    def _send(
        self,
        op: Operation,
        payload: bytes,
        options: RequestOptions,
        cont_yn: str | None,
        next_key: str | None,
    ) -> _Outcome:
        attempt, reauthed = 0, False
        while True:
            token = self._auth_token(op)
            request = self._build_request(op, payload, token, options, cont_yn, next_key)
            try:
                outcome = self._classify_response(op, self._http.send(request))
            except httpx.TransportError as exc:
                outcome = classify_exception(op, exc)
            step, delay = self._next_step(op, outcome, attempt, reauthed)
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

    def _fetch_page(
        self, op: Operation, payload: bytes, options: RequestOptions, next_key: str
    ) -> KiwoomResponse[Any]:
        return self._wrap(op, self._send(op, payload, options, "Y", next_key), payload, options)

    def _wrap(
        self, op: Operation, outcome: _Outcome, payload: bytes, options: RequestOptions
    ) -> KiwoomResponse[Any]:
        return _response(KiwoomResponse, self, op, outcome, payload, options)


class AsyncAPIClient(_BaseClient):
    _http: httpx.AsyncClient

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
        http_client: httpx.AsyncClient | None = None,
        realtime_url: str | None = None,
    ) -> None:
        super().__init__(appkey, secretkey, env, base_url, access_token, timeout, max_retries)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient()
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
        token = await self._auth_token(REALTIME_OP)
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
    ) -> AsyncKiwoomResponse[Any]:
        """Send one API call and return its parsed answer; raises on ``return_code != 0``."""
        payload = self._prepare(op, body)
        options = RequestOptions.of(extra_headers, timeout)
        outcome = await self._send(op, payload, options, cont_yn, next_key)
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
    ) -> AsyncKiwoomResponse[Any]:
        """Call an API by its id, e.g. ``await client.call("ka10001", {"stk_cd": "005930"})``."""
        return await self.request(
            self._lookup(api_id),
            body,
            cont_yn=cont_yn,
            next_key=next_key,
            extra_headers=extra_headers,
            timeout=timeout,
        )

    async def issue_token(self) -> AccessToken:
        """Issue a new access token through au10001 and use it from now on."""
        async with self._token_lock:
            return await self._issue()

    async def revoke_token(self, token: str | None = None) -> None:
        """Revoke ``token`` (default: the current one) through au10002."""
        payload = self._revoke_request(token)
        if payload is not None:
            await self._send(REVOKE_OP, json_bytes(payload), RequestOptions(), None, None)
            self._drop_token(payload["token"])

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def _issue(self) -> AccessToken:
        outcome = await self._send(TOKEN_OP, self._token_request(), RequestOptions(), None, None)
        assert outcome.body is not None
        return self._store_token(outcome.body)

    async def _auth_token(self, op: Operation) -> str | None:
        if is_auth_call(op):
            return None
        token = self._fresh_token()
        if token is None:
            async with self._token_lock:
                token = self._fresh_token() or (await self._issue()).token
        return token

    async def _send(
        self,
        op: Operation,
        payload: bytes,
        options: RequestOptions,
        cont_yn: str | None,
        next_key: str | None,
    ) -> _Outcome:
        attempt, reauthed = 0, False
        while True:
            token = await self._auth_token(op)
            request = self._build_request(op, payload, token, options, cont_yn, next_key)
            try:
                outcome = self._classify_response(op, await self._http.send(request))
            except httpx.TransportError as exc:
                outcome = classify_exception(op, exc)
            step, delay = self._next_step(op, outcome, attempt, reauthed)
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
        outcome = await self._send(op, payload, options, "Y", next_key)
        return self._wrap(op, outcome, payload, options)

    def _wrap(
        self, op: Operation, outcome: _Outcome, payload: bytes, options: RequestOptions
    ) -> AsyncKiwoomResponse[Any]:
        return _response(AsyncKiwoomResponse, self, op, outcome, payload, options)
