# Copied verbatim from generator/runtime/_sync_client.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""The synchronous client: the base client's decisions with blocking I/O (httpx.Client)."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar

import httpx

from ._decode import MAX_RETRY_AFTER as MAX_RETRY_AFTER  # re-exported: the client's limit
from ._decode import (
    Senders,
    UndecodableBody,
)
from ._operation import Operation
from ._ratelimit import RateLimiter
from ._response import KiwoomResponse, RequestOptions
from ._tokens import TokenStore
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:  # the real-time client imports websockets: only when used
    from pydantic import BaseModel

    from ._realtime import Realtime

# Imported where they are needed, not here: ``import kiwoom_client`` pays only for what an HTTP
# call needs. asyncio (the async client, which runs inside a loop that imported it already),
# difflib (an unknown API id), random (a retry's jitter), email.utils (a token's Date header),
# pydantic.RootModel (an answer that does not fit its model; the module builds a model class).


from ._base_client import (
    _BaseClient,
    _response,
)
from ._request import (
    _DEFAULTS,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    REALTIME_OP,
    REVOKE_OP,
    TOKEN_OP,
    AccessToken,
    Timeout,
    _BodyTooLarge,
    _DeadlineReached,
    _Outcome,
    _OwnHttp,
    is_auth_call,
    json_bytes,
    read_sync,
    remaining,
)
from ._request import log as log

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
