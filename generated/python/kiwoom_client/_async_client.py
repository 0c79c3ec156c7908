# Copied verbatim from generator/runtime/_async_client.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""The asynchronous client: the base client's decisions with asyncio I/O (httpx.AsyncClient)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Self

import httpx

from ._decode import MAX_RETRY_AFTER as MAX_RETRY_AFTER  # re-exported: the client's limit
from ._decode import (
    UndecodableBody,
)
from ._operation import Operation
from ._ratelimit import RateLimiter
from ._response import AsyncKiwoomResponse, RequestOptions
from ._tokens import TokenStore
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:  # the real-time client imports websockets: only when used
    from pydantic import BaseModel

    from ._realtime import AsyncRealtime

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
    _Outcome,
    _OwnHttp,
    is_auth_call,
    json_bytes,
    read_async,
)
from ._request import log as log
from ._sync_client import (
    _T,
    _Flight,
)


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
