# Copied verbatim from generator/runtime/_base_client.py by kiwoom-codegen 0.1.0.
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

import json
import logging
import os
import time
from collections import deque
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import httpx

from ._decode import MAX_RETRY_AFTER as MAX_RETRY_AFTER  # re-exported: the client's limit
from ._decode import (
    json_object,
    retry_after_of,
)
from ._errors import (
    ORDER_STATE_HINT,
    RATE_LIMIT_CODES,
    APIStatusError,
    APITimeoutError,
    InvalidHeaderError,
    KiwoomError,
    OrderStateUnknownError,
    RateLimitError,
    TokenError,
    WebSocketNotSupportedError,
    effective_code,
    error_for,
)
from ._operation import Operation
from ._ratelimit import RateLimiter, shared_limiter
from ._response import AsyncKiwoomResponse, KiwoomResponse, RequestOptions
from ._tokens import DEFAULT_STORE, TokenStore, record_of, store_key, usable
from ._types import NotGiven, strip_not_given

if TYPE_CHECKING:  # the real-time client imports websockets: only when used
    # pydantic's model machinery: imported with the first model (a call), not with the client
    from pydantic import BaseModel

    from ._async_client import AsyncAPIClient
    from ._realtime import AsyncRealtime
    from ._sync_client import SyncAPIClient

# Imported where they are needed, not here: ``import kiwoom_client`` pays only for what an HTTP
# call needs. asyncio (the async client, which runs inside a loop that imported it already),
# difflib (an unknown API id), random (a retry's jitter), email.utils (a token's Date header),
# pydantic.RootModel (an answer that does not fit its model; the module builds a model class).


from ._request import (
    _HEADER_RULE,
    _MIN_SECRET_TEXT,
    _SECRET_FIELDS,
    KST,
    MOCK_BASE_URL,
    PRODUCTION_BASE_URL,
    AccessToken,
    _Outcome,
    _Secret,
    attempt_timeout,
    build_headers,
    check_header,
    classify_exception,
    is_auth_call,
    is_auth_path,
    json_bytes,
    parse_expires_dt,
    parsed_url,
    remaining,
    return_code_of,
    timeout_extension,
)
from ._request import log as log


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
        if body is None or isinstance(body, Mapping):
            model = op.request_model.model_validate(strip_not_given(body or {}))
        elif hasattr(body, "__pydantic_serializer__"):  # a model (pydantic is imported by now)
            model = body
        else:
            raise TypeError(f"body must be a request model or a mapping, not {type(body).__name__}")
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
    except ValueError as exc:  # lenient: the call succeeded, keep what Kiwoom sent
        from pydantic import RootModel, ValidationError

        if not isinstance(exc, ValidationError):
            raise

        n = exc.error_count()
        _log(logging.WARNING, op, "answer does not match %s (%d errors)", model.__name__, n)
        if issubclass(model, RootModel):  # a message with alternative shapes (variants)
            return model.model_construct(body)
        return model.model_construct(**body)


def _log(level: int, op: Operation, message: str, *args: object) -> None:
    """Logs name the API and path; never headers, keys, tokens or bodies."""
    log.log(level, "%s %s: " + message, op.api_id, op.path, *args)


# ---- the twins -------------------------------------------------------------------------------
