"""The runtime against servers that misbehave, sync and async: each case is one fault Kiwoom, a
proxy or the network can produce, and what the client must then do (and never do).

Orders are counted at the server: an order that may have reached Kiwoom is never sent twice.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.support.hostile import OK, Behaviour, HostileServer, Seen

READ = ("ka10099", {"mrkt_tp": "0"})
# Secrets that HTTP cannot carry as a header value, and that must never be echoed anywhere.
CRLF_TOKEN = "TOKEN-crlf-5Yq\r\nX-Injected: 1"
UNICODE_TOKEN = "TOKEN-토큰-9Wz"
CRLF_APPKEY = "APPKEY-\r\n-line-2Hb"
UNICODE_SECRET = "SECRETKEY-비밀-7Tc"


def run(coro: Any) -> Any:
    return asyncio.run(coro)


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


def hclient(kc: Any, server: HostileServer, **kw: Any) -> Any:
    # plain HTTP: verify=False skips loading the CA bundle (a quarter second per client)
    kwargs: dict[str, Any] = {
        "base_url": server.url,
        "access_token": kc.GIVEN_TOKEN,
        "http_client": httpx.Client(verify=False),
        "rate_limit": None,  # faults, not pacing (test_wire.py)
    }
    kwargs.update(kw)
    return kc.Client(**kwargs)


def ahclient(kc: Any, server: HostileServer, **kw: Any) -> Any:
    kwargs: dict[str, Any] = {
        "base_url": server.url,
        "access_token": kc.GIVEN_TOKEN,
        "http_client": httpx.AsyncClient(verify=False),
        "rate_limit": None,
    }
    kwargs.update(kw)
    return kc.AsyncClient(**kwargs)


# ---- paging ----------------------------------------------------------------------------------


def endless(stop_after: int = 60) -> Callable[[Seen], Behaviour]:
    """cont-yn: Y with a new next-key on every page (a safety stop after ``stop_after``)."""

    def script(req: Seen) -> Behaviour:
        key = req.headers.get("next-key", "k0")
        n = int(key[1:]) + 1
        more = n < stop_after
        heads = {"cont-yn": "Y" if more else "N", "next-key": f"k{n}" if more else ""}
        return Behaviour.ok({"stk_list": [{"code": str(n)}]}, headers=heads)

    return script


def cycling(req: Seen) -> Behaviour:
    """k1 -> k2 -> k1 -> ...: a server going round in circles."""
    key = req.headers.get("next-key", "")
    nxt = {"": "k1", "k1": "k2", "k2": "k1"}.get(key, "k1")
    return Behaviour.ok({"stk_list": []}, headers={"cont-yn": "Y", "next-key": nxt})


def test_endless_paging_stops_at_max_pages(kc: Any, hostile: Any) -> None:
    server = hostile(endless())
    with hclient(kc, server, max_pages=5) as client:
        first = client.call(*READ)
        pages: list[Any] = []
        with pytest.raises(kc.errors.PageLimitError) as info:
            for page in first:
                pages.append(page)
        assert len(pages) == 5 and server.count("ka10099") == 5
        err = info.value
        assert (err.pages, err.next_key, err.last_page) == (5, "k5", pages[-1])
        assert "max_pages=5" in str(err)
        assert err.last_page.next_page().next_key == "k6"  # goes on by hand
        # per call, and per iteration
        with pytest.raises(kc.errors.PageLimitError):
            list(client.call(*READ, max_pages=3))
        assert server.count("ka10099") == 6 + 3
        with pytest.raises(kc.errors.PageLimitError):
            list(client.call(*READ).iter_pages(max_pages=2))
        assert server.count("ka10099") == 9 + 2


def test_default_page_cap(kc: Any, hostile: Any) -> None:
    server = hostile(endless(stop_after=200))
    with hclient(kc, server) as client:
        assert client.max_pages == kc.client_module.DEFAULT_MAX_PAGES == 1000
        client.max_pages = 40
        with pytest.raises(kc.errors.PageLimitError):
            list(client.call(*READ))
    assert server.count("ka10099") == 40


def test_repeated_next_key_is_a_loop(kc: Any, hostile: Any) -> None:
    server = hostile(cycling)
    with hclient(kc, server) as client:
        with pytest.raises(kc.errors.PagingLoopError) as info:
            list(client.call(*READ))
    assert info.value.next_key == "k1" and info.value.pages == 3
    assert [r.headers.get("next-key") for r in server.requests] == [None, "k1", "k2"]


def test_async_paging_caps_and_loops(kc: Any, hostile: Any) -> None:
    server = hostile(endless())
    looping = hostile(cycling)

    async def main() -> None:
        async with ahclient(kc, server, max_pages=4) as client:
            with pytest.raises(kc.errors.PageLimitError):
                async for _ in await client.call(*READ):
                    pass
            with pytest.raises(kc.errors.PageLimitError):
                async for _ in (await client.call(*READ)).iter_pages(max_pages=2):
                    pass
        async with ahclient(kc, looping) as client:
            with pytest.raises(kc.errors.PagingLoopError):
                async for _ in await client.call(*READ):
                    pass

    run(main())
    assert server.count("ka10099") == 4 + 2
    assert looping.count("ka10099") == 3


# ---- the deadline ----------------------------------------------------------------------------


def dripping(seconds_per_byte: float = 0.05) -> Callable[[Seen], Behaviour]:
    """A valid answer sent one byte at a time (each byte well within the read timeout)."""
    body = json.dumps({**OK, "stk_list": [], "ord_no": "1", "pad": "x" * 60}).encode()
    return lambda req: Behaviour(
        headers=(("content-type", "application/json"),), body=body, drip=seconds_per_byte
    )


@pytest.mark.slow
@pytest.mark.parametrize("api_id", ["ka10099", "kt10006"])
def test_dripping_body_ends_at_the_deadline(kc: Any, hostile: Any, api_id: str) -> None:
    server = hostile(dripping())  # ~6 s for the whole body
    body = READ[1] if api_id == "ka10099" else kc.BUY
    with hclient(kc, server, timeout=0.5, deadline=1.0, max_retries=3) as client:
        started = time.monotonic()
        with pytest.raises(kc.errors.APITimeoutError) as info:
            client.call(api_id, body)
        elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 0.5 + 0.5  # at most one read timeout after the deadline
    assert server.count(api_id) == 1  # no time left for a retry; an order is never re-sent
    if api_id == "kt10006":
        assert type(info.value) is kc.errors.OrderStateUnknownError
        assert "may have been" in str(info.value)
    else:
        assert type(info.value) is kc.errors.APITimeoutError
        assert "deadline" in str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize("api_id", ["ka10099", "kt10006"])
def test_async_deadline_is_exact(kc: Any, hostile: Any, api_id: str) -> None:
    server = hostile(dripping())
    body = READ[1] if api_id == "ka10099" else kc.BUY

    async def main() -> tuple[BaseException, float]:
        async with ahclient(kc, server, timeout=5.0, deadline=0.6) as client:
            started = time.monotonic()
            with pytest.raises(kc.errors.APITimeoutError) as info:
                await client.call(api_id, body)
            return info.value, time.monotonic() - started

    error, elapsed = run(main())
    assert elapsed < 0.6 + 0.3
    assert server.count(api_id) == 1
    expected = "OrderStateUnknownError" if api_id == "kt10006" else "APITimeoutError"
    assert type(error).__name__ == expected


@pytest.mark.slow
def test_deadline_per_call_and_backoff_within_it(kc: Any, hostile: Any) -> None:
    server = hostile(lambda req: Behaviour.json({"return_code": 1700, "return_msg": "limit"}))
    with hclient(kc, server, deadline=None, max_retries=5) as client:
        client.initial_retry_delay = 0.5  # 0.375-0.5 s, then 0.75-1 s: the second cannot fit
        client._sleep = time.sleep
        started = time.monotonic()
        with pytest.raises(kc.errors.RateLimitError):
            client.call(*READ, deadline=1.0)
        assert time.monotonic() - started < 1.0 + 0.3  # it gave up instead of sleeping past it
    assert server.count("ka10099") == 2


@pytest.mark.slow
def test_slow_headers_on_an_order_end_at_the_deadline(kc: Any, hostile: Any) -> None:
    server = hostile(lambda req: Behaviour(kind="stall", drip=5.0))
    with hclient(kc, server, timeout=10.0, deadline=0.5) as client:
        started = time.monotonic()
        with pytest.raises(kc.errors.OrderStateUnknownError) as info:
            client.call("kt10006", kc.BUY)
        assert time.monotonic() - started < 1.5
    assert "deadline" in str(info.value)
    assert server.count("kt10006") == 1


def test_deadline_settings_are_checked(kc: Any) -> None:
    for bad in ({"deadline": 0}, {"deadline": -1}, {"max_pages": 0}, {"max_response_bytes": 0}):
        with pytest.raises(ValueError):
            kc.Client(appkey="a", secretkey="b", **bad)
    client = kc.Client(appkey="a", secretkey="b")
    assert (client.deadline, client.max_response_bytes) == (30.0, 16 * 1024 * 1024)
    with pytest.raises(ValueError):
        client.call(*READ, deadline=0)
    client.close()


# ---- size ------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("api_id", ["ka10099", "kt10006"])
def test_huge_body_is_not_read_into_memory(kc: Any, hostile: Any, api_id: str) -> None:
    total = 64 * 1024 * 1024
    server = hostile(lambda req: Behaviour(kind="stream", size=total, filler=b'{"a":'))
    body = READ[1] if api_id == "ka10099" else kc.BUY
    with hclient(kc, server, max_response_bytes=1024 * 1024, max_retries=0) as client:
        gc.collect()
        tracemalloc.start()
        try:
            with pytest.raises(kc.errors.ResponseTooLargeError) as info:
                client.call(api_id, body)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 8 * 1024 * 1024  # 1 MiB read at most, not 64
    assert server.sent_bytes < total
    assert info.value.limit == 1024 * 1024
    assert ("may have been" in str(info.value)) == (api_id == "kt10006")
    assert server.count(api_id) == 1


def test_declared_huge_body_is_refused_before_reading(kc: Any, hostile: Any) -> None:
    server = hostile(lambda req: Behaviour(body=b"{}", declared=10**12, headers=(("x", "y"),)))

    async def main() -> None:
        async with ahclient(kc, server, max_response_bytes=1000, max_retries=0) as client:
            with pytest.raises(kc.errors.ResponseTooLargeError):
                await client.call(*READ)

    run(main())
    with hclient(kc, server, max_response_bytes=1000, max_retries=0) as client:
        with pytest.raises(kc.errors.ResponseTooLargeError):
            client.call(*READ)


# ---- header values ---------------------------------------------------------------------------


@pytest.mark.parametrize("token", [CRLF_TOKEN, UNICODE_TOKEN, " padded", "tab\tinside\x00"])
def test_unsendable_given_token_is_refused_without_echo(
    kc: Any, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(kc.errors.InvalidHeaderError) as info:
        kc.Client(access_token=token)
    text = str(info.value) + repr(info.value)
    assert token not in text and "TOKEN" not in text
    assert "Nothing was sent" in text and "may have been" not in text
    assert isinstance(info.value, ValueError)
    assert token not in caplog.text


@pytest.mark.slow
@pytest.mark.parametrize("token", [CRLF_TOKEN, UNICODE_TOKEN])
def test_unsendable_issued_token_means_the_order_is_not_sent(
    kc: Any, hostile: Any, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included

    def script(req: Seen) -> Behaviour:
        if req.path == "/oauth2/token":
            return Behaviour.ok({"token": token, "token_type": "bearer"})
        return Behaviour.ok({"ord_no": "1"})

    server = hostile(script)
    with kc.Client(base_url=server.url, appkey=kc.APPKEY, secretkey=kc.SECRETKEY) as client:
        with pytest.raises(kc.errors.InvalidHeaderError) as info:
            client.call("kt10006", kc.BUY)
    assert server.count("kt10006") == 0
    seen = str(info.value) + repr(info.value) + caplog.text
    assert token not in seen and "TOKEN" not in seen and "may have been" not in seen


def test_async_unsendable_headers(kc: Any, hostile: Any) -> None:
    server = hostile(lambda req: Behaviour.ok({"ord_no": "1"}))

    async def main() -> None:
        async with ahclient(kc, server) as client:
            with pytest.raises(kc.errors.InvalidHeaderError):
                await client.call("kt10006", kc.BUY, extra_headers={"x-note": "a\r\nb"})
            with pytest.raises(kc.errors.InvalidHeaderError):
                await client.call(*READ, cont_yn="Y", next_key="키")

    run(main())
    assert server.requests == []


@pytest.mark.parametrize(
    "extra",
    [{"x-note": "line\r\nbreak"}, {"x-note": "한글"}, {"bad name": "v"}, {"x-note\r\n": "v"}],
)
def test_unsendable_extra_header_or_next_key(kc: Any, hostile: Any, extra: dict[str, str]) -> None:
    server = hostile(lambda req: Behaviour.ok())
    with hclient(kc, server) as client:
        with pytest.raises(kc.errors.InvalidHeaderError) as info:
            client.call("kt10006", kc.BUY, extra_headers=extra)
        for value in extra.values():
            if value != "v":
                assert value not in str(info.value)
        with pytest.raises(kc.errors.InvalidHeaderError):
            client.call(*READ, cont_yn="Y", next_key="key\nnext")
    assert server.requests == []


# ---- secrets kept on errors ------------------------------------------------------------------


@pytest.mark.parametrize(("appkey", "secretkey"), [(None, None), (CRLF_APPKEY, UNICODE_SECRET)])
def test_echoed_keys_are_redacted_from_errors(
    kc: Any, hostile: Any, appkey: str | None, secretkey: str | None
) -> None:
    appkey, secretkey = appkey or kc.APPKEY, secretkey or kc.SECRETKEY

    def script(req: Seen) -> Behaviour:
        sent = json.loads(req.body)
        echo = {
            "return_code": 8001,
            "return_msg": f"키 검증 실패: appkey={sent['appkey']} secretkey={sent['secretkey']}",
            "appkey": sent["appkey"],
            "secretkey": sent["secretkey"],
            "detail": {"input": [sent["appkey"], {"secretkey": sent["secretkey"]}]},
        }
        return Behaviour.json(echo, headers={"x-echo": "k"})

    server = hostile(script)
    with kc.Client(base_url=server.url, appkey=appkey, secretkey=secretkey) as client:
        with pytest.raises(kc.errors.AuthenticationError) as info:
            client.call("kt10006", kc.BUY)
    err = info.value
    kept = [
        str(err),
        repr(err),
        json.dumps(err.body, ensure_ascii=False),
        repr(err.body),
        err.response.text,
        err.response.content.decode(),
        err.response.request.content.decode(),
        repr(dict(err.response.request.headers)),
        repr(err.headers),
    ]
    for secret in (appkey, secretkey, json.dumps(appkey)[1:-1], json.dumps(secretkey)[1:-1]):
        for text in kept:
            assert secret not in text
    assert err.body["appkey"] == "***" and err.body["detail"]["input"][0] == "***"
    assert err.response.json() == err.body
    assert server.count("kt10006") == 0


def test_token_is_redacted_from_kept_requests(kc: Any, hostile: Any) -> None:
    server = hostile(
        lambda req: Behaviour.json(
            {"return_code": 8005, "return_msg": f"bad {req.headers['authorization']}"}
        )
    )
    with hclient(kc, server) as client:
        with pytest.raises(kc.errors.TokenError) as info:
            client.call(*READ)
    err = info.value
    assert err.response.request.headers["authorization"] == "Bearer ***"
    for text in (str(err), err.message, err.response.text, repr(err.body)):
        assert kc.GIVEN_TOKEN not in text


# ---- return codes and None -------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("code", [0, 0.0, "0", " 0", "0.0"])
def test_successful_order_with_any_zero_return_code(kc: Any, hostile: Any, code: Any) -> None:
    server = hostile(
        lambda req: Behaviour.json({"return_code": code, "return_msg": "ok", "ord_no": "0000024"})
    )
    with hclient(kc, server) as client:
        assert client.call("kt10006", kc.BUY).data.ord_no == "0000024"

    async def main() -> Any:
        async with ahclient(kc, server) as client:
            return await client.call("kt10006", kc.BUY)

    assert run(main()).data.ord_no == "0000024"
    assert server.count("kt10006") == 2


def test_unreadable_return_code_on_an_order_says_it_may_have_executed(
    kc: Any, hostile: Any
) -> None:
    server = hostile(lambda req: Behaviour.json({"return_code": "OK?", "return_msg": "?"}))
    with hclient(kc, server) as client:
        with pytest.raises(kc.errors.KiwoomAPIError) as info:
            client.call("kt10006", kc.BUY)
    assert "may have been" in str(info.value) and info.value.code == -1
    assert server.count("kt10006") == 1


def test_none_is_never_sent(kc: Any, hostile: Any) -> None:
    server = hostile(lambda req: Behaviour.ok({"ord_no": "1"}))
    op = kc.ops["kt10006"]
    with hclient(kc, server) as client:
        client.call("kt10006", {**kc.BUY, "ord_uv": None, "cond_uv": None})
        client.request(op, op.request_model(**{**kc.BUY, "ord_uv": None}))
        with pytest.raises(Exception) as info:  # a required field set to None is missing
            client.call("kt10006", {**kc.BUY, "stk_cd": None})
        assert type(info.value).__name__ == "ValidationError"
    sent = [json.loads(r.body) for r in server.requests]
    expected = {k: v for k, v in kc.BUY.items() if k != "ord_uv"}
    assert sent == [expected, expected]


# ---- faults on orders: never a second request ------------------------------------------------


ORDER_FAULTS: dict[str, Behaviour] = {
    "reset": Behaviour(kind="reset"),
    "close": Behaviour(kind="close"),
    "truncated": Behaviour(body=b'{"return_code": 0, "ord', declared=500),
    "html-502": Behaviour(
        status=502,
        headers=(("content-type", "text/html"),),
        body=b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    ),
    "html-200": Behaviour(
        headers=(("content-type", "text/html"),), body=b"<html>maintenance</html>"
    ),
    "invalid-json": Behaviour(headers=(("content-type", "application/json"),), body=b'{"return'),
    "json-list": Behaviour(headers=(("content-type", "application/json"),), body=b"[0]"),
    "wrong-type": Behaviour(headers=(("content-type", "image/png"),), body=b"\x89PNG\r\n\x1a\n"),
    "http-500-json": Behaviour.json({"error": "boom"}, status=500),
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(ORDER_FAULTS))
def test_order_faults_are_never_resent(kc: Any, hostile: Any, fault: str) -> None:
    server = hostile(lambda req: ORDER_FAULTS[fault])
    with hclient(kc, server, max_retries=5, timeout=2.0) as client:
        with pytest.raises(kc.errors.KiwoomError) as info:
            client.call("kt10006", kc.BUY)

    async def main() -> BaseException:
        async with ahclient(kc, server, max_retries=5, timeout=2.0) as client:
            with pytest.raises(kc.errors.KiwoomError) as ainfo:
                await client.call("kt10006", kc.BUY)
            return ainfo.value

    aerror = run(main())
    assert server.count("kt10006") == 2  # one per client: never re-sent
    for error in (info.value, aerror):
        assert "may have been" in str(error)
        assert kc.GIVEN_TOKEN not in str(error) + repr(error)
    assert client.sleeps == []


@pytest.mark.parametrize("fault", ["reset", "truncated", "html-502", "http-500-json"])
def test_read_faults_are_retried(kc: Any, hostile: Any, fault: str) -> None:
    answers = iter([ORDER_FAULTS[fault], Behaviour.ok({"stk_list": []})])
    server = hostile(lambda req: next(answers))
    with hclient(kc, server) as client:
        assert client.call(*READ).body["return_code"] == 0
    assert server.count("ka10099") == 2


def test_error_answer_with_non_ascii_headers_is_kept(kc: Any, hostile: Any) -> None:
    # found by the fuzz suite (seed 77030): a 429 whose headers are not ASCII
    server = hostile(
        lambda req: Behaviour.json(
            {"return_code": 1700, "return_msg": "limit"},
            429,
            headers={"next-key": "é", "x-echo": kc.GIVEN_TOKEN},
        )
    )
    with hclient(kc, server, max_retries=0) as client:
        with pytest.raises(kc.errors.RateLimitError) as info:
            client.call("kt10006", kc.BUY)
    err = info.value
    assert dict(err.response.headers.raw)[b"next-key"] == "é".encode("latin-1")
    assert err.response.headers["x-echo"] == "***"


@pytest.mark.slow
def test_size_cap_holds_for_answers_already_in_memory(kc: Any) -> None:
    # a transport that answers from memory (httpx.MockTransport) skips the streaming read
    big = json.dumps({**OK, "pad": "x" * 5000}).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=big)

    kwargs = {"access_token": kc.GIVEN_TOKEN, "base_url": "https://kiwoom.test"}
    http = httpx.Client(transport=httpx.MockTransport(handler))
    with kc.Client(**kwargs, http_client=http, max_response_bytes=1000) as client:
        with pytest.raises(kc.errors.ResponseTooLargeError):
            client.call(*READ)
        client.max_response_bytes = len(big)
        assert client.call(*READ).body["pad"] == "x" * 5000

    async def main() -> None:
        ahttp = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with kc.AsyncClient(**kwargs, http_client=ahttp, max_response_bytes=1000) as c:
            with pytest.raises(kc.errors.ResponseTooLargeError):
                await c.call(*READ)
        await ahttp.aclose()

    run(main())
