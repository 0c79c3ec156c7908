"""Defects found by driving the HTTP runtime as an attacker would (issue 17, point 7).

Each test failed before its fix. Durations are bounded generously from the call's deadline
(never a tight timing): before the fixes, these calls took 30 s and more.
"""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from tests.support.hostile import OK, Behaviour, HostileServer, Seen

READ = ("ka10099", {"mrkt_tp": "0"})
ANSWER = Behaviour.ok({"stk_list": [{"code": "005930"}]})


@pytest.fixture
def hostile() -> Iterator[Callable[[Callable[[Seen], Behaviour]], HostileServer]]:
    servers: list[HostileServer] = []

    def start(script: Callable[[Seen], Behaviour]) -> HostileServer:
        server = HostileServer(script).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def client_for(kc: Any, server: HostileServer, **kw: Any) -> Any:
    kwargs: dict[str, Any] = {
        "base_url": server.url,
        "access_token": kc.GIVEN_TOKEN,
        "http_client": httpx.Client(verify=False),
        "rate_limit": None,
    }
    kwargs.update(kw)
    return kc.Client(**kwargs)


# ---- slow response headers: the sync deadline holds ------------------------------------------


class CustomTransport(httpx.HTTPTransport):
    """A transport the client cannot look into: it sends on a worker thread instead."""


@pytest.mark.slow
@pytest.mark.parametrize("http", ["plain", "custom"])
@pytest.mark.parametrize("order", [False, True], ids=["read", "order"])
def test_slow_headers_end_at_the_sync_deadline(
    kc: Any, hostile: Any, order: bool, http: str
) -> None:
    slow = Behaviour(kind="drip_head", drip=0.25, status=200, body=ANSWER.body)
    server = hostile(lambda req: slow)  # 1 byte per 0.25 s: the answer takes over 30 s
    deadline = 2.0
    transport = CustomTransport() if http == "custom" else httpx.HTTPTransport()
    kwargs = {"http_client": httpx.Client(transport=transport)}
    with client_for(kc, server, timeout=10.0, deadline=deadline, max_retries=3, **kwargs) as client:
        started = time.monotonic()
        expected = kc.errors.OrderStateUnknownError if order else kc.errors.APITimeoutError
        with pytest.raises(expected) as info:
            if order:
                client.call("kt10006", kc.BUY)
            else:
                client.call(*READ)
        took = time.monotonic() - started
        assert client._bounded is (http == "plain")  # the socket bounded, or a worker thread
    assert took < 2 * deadline  # generous: it ends near the deadline, not after 30 s
    assert "deadline" in str(info.value)
    assert server.count("kt10006" if order else "ka10099") == 1


# ---- gzip bomb: max_response_bytes holds through every Content-Encoding ----------------------


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["gzip, gzip", "gzip", "deflate, gzip"])
def test_compressed_bomb_stops_at_max_response_bytes(kc: Any, hostile: Any, encoding: str) -> None:
    data = b"\0" * (64 * 1024 * 1024)  # 64 MiB decoded
    for name in [n.strip() for n in encoding.split(",")]:  # applied in the order listed
        data = gzip.compress(data) if name == "gzip" else zlib.compress(data)
    assert len(data) < 200_000
    bomb = Behaviour(headers=(("content-encoding", encoding),), body=data)
    server = hostile(lambda req: bomb)
    with client_for(kc, server, max_response_bytes=1_000_000) as client:
        tracemalloc.start()
        try:
            with pytest.raises(kc.errors.ResponseTooLargeError):
                client.call("kt10006", kc.BUY)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 16 * 1024 * 1024  # bounded by the limit, not the 64 MiB inside
    assert server.count("kt10006") == 1


def test_compressed_answers_still_decode(kc: Any, hostile: Any) -> None:
    body = gzip.compress(gzip.compress(ANSWER.body))
    server = hostile(
        lambda req: Behaviour(headers=(("content-encoding", "gzip, gzip"),), body=body)
    )
    with client_for(kc, server) as client:
        assert client.call(*READ).data.stk_list[0].code == "005930"


def test_unknown_or_broken_encoding_is_a_clear_error(kc: Any, hostile: Any) -> None:
    answers = iter(
        [
            Behaviour(headers=(("content-encoding", "br"),), body=b"\x0b\x02\x80{}\x03"),
            Behaviour(headers=(("content-encoding", "gzip"),), body=b"not gzip at all"),
        ]
    )
    server = hostile(lambda req: next(answers))
    with client_for(kc, server) as client:
        for _ in range(2):
            with pytest.raises(kc.errors.APIConnectionError, match="Content-Encoding") as info:
                client.call("kt10006", kc.BUY)
            assert "may have been received and executed" in str(info.value)
    assert server.count("kt10006") == 2


# ---- deep nesting: a KiwoomError, never a RecursionError --------------------------------------


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
def test_deep_nesting_is_not_a_recursion_error(kc: Any, hostile: Any, prefix: bytes) -> None:
    deep = Behaviour(headers=(("content-type", "application/json"),), body=prefix + b"[" * 100_000)
    server = hostile(lambda req: deep)
    with client_for(kc, server) as client:
        with pytest.raises(kc.errors.KiwoomError) as read:
            client.call(*READ)
        with pytest.raises(kc.errors.KiwoomError) as order:
            client.call("kt10006", kc.BUY)
    assert "not a JSON object" in str(read.value)
    assert "may have been received and executed" in str(order.value)  # the order's hint stays
    assert server.count("kt10006") == 1


def test_deeply_nested_valid_json_in_an_error_is_refused_not_crashing(kc: Any) -> None:
    m = kc.client_module
    deep = b'{"return_code": 1, "x": ' + b"[" * 900 + b"]" * 900 + b"}"
    assert m.json_object(b"\xef\xbb\xbf" + deep) is None  # deeper than MAX_JSON_DEPTH
    assert m.json_object(b'{"a": [[1]]}') == {"a": [[1]]}


# ---- redirects: never followed, whatever the caller's http_client says ------------------------


def test_redirects_are_never_followed(kc: Any, hostile: Any) -> None:
    elsewhere = hostile(lambda req: Behaviour.ok({"token": "T", "expires_dt": "20991231235959"}))

    def redirect(req: Seen) -> Behaviour:
        return Behaviour(status=307, headers=(("location", elsewhere.url + req.path),))

    server = hostile(redirect)
    follow = httpx.Client(follow_redirects=True)
    kwargs = {"appkey": kc.APPKEY, "secretkey": kc.SECRETKEY, "access_token": None}
    with client_for(kc, server, http_client=follow, **kwargs) as client:
        with pytest.raises(kc.errors.APIStatusError) as info:
            client.call("kt10006", kc.BUY)  # au10001 first: the keys must not go elsewhere
    assert info.value.status_code == 307

    async def main() -> None:
        async with kc.AsyncClient(
            base_url=server.url,
            access_token=kc.GIVEN_TOKEN,
            http_client=httpx.AsyncClient(follow_redirects=True),
            rate_limit=None,
        ) as aclient:
            with pytest.raises(kc.errors.APIStatusError):
                await aclient.call("kt10006", kc.BUY)

    asyncio.run(main())
    assert elsewhere.requests == []  # neither the keys nor the order reached the other host
    assert server.count("au10001") == 1 and server.count("kt10006") == 1


# ---- Retry-After: only a valid delay or date is honoured --------------------------------------


def test_retry_after_values(kc: Any) -> None:
    of = kc.client_module.retry_after_of
    for bad in ("-5", "nan", "NaN", "inf", "-inf", "soon", "1e999"):
        assert of(httpx.Headers({"retry-after": bad})) is None, bad
    assert of(httpx.Headers({"retry-after": "2.5"})) == 2.5
    assert of(httpx.Headers({"retry-after": "100000"})) == kc.client_module.MAX_RETRY_AFTER
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 20 <= (of(httpx.Headers({"retry-after": soon})) or 0) <= 30
    past = format_datetime(datetime.now(UTC) - timedelta(seconds=30), usegmt=True)
    assert of(httpx.Headers({"retry-after": past})) == 0.0


@pytest.mark.parametrize("value", ["-5", "nan"])
def test_invalid_retry_after_backs_off(kc: Any, hostile: Any, value: str) -> None:
    limited = Behaviour.json(OK | {"return_code": 1700}, 429, headers={"retry-after": value})
    server = hostile(lambda req: limited)
    with client_for(kc, server, max_retries=2) as client:
        client.sleeps = []
        client._sleep = client.sleeps.append
        with pytest.raises(kc.errors.RateLimitError):
            client.call(*READ)
    base = client.initial_retry_delay
    assert len(client.sleeps) == 2 and all(s >= 0.75 * base for s in client.sleeps)
