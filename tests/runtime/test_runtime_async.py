"""The async twin over real HTTP: the same behaviours as the sync client (asyncio.run per test)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_async_token_once_under_concurrency(kc: Any, server: Any) -> None:
    async def main() -> list[Any]:
        async with kc.AsyncClient(**kc.kwargs(server)) as client:
            calls = [client.call("ka10099", {"mrkt_tp": "0"}) for _ in range(10)]
            return list(await asyncio.gather(*calls))

    results = run(main())
    assert [r.body["return_code"] for r in results] == [0] * 10
    assert type(results[0]).__name__ == "AsyncKiwoomResponse"
    assert len(server.requests_for("au10001")) == 1
    (token,) = server.issued_tokens
    assert {r.headers["authorization"] for r in server.requests_for("ka10099")} == {
        f"Bearer {token}"
    }


def test_async_headers_body_and_model(kc: Any, server: Any) -> None:
    async def main() -> Any:
        async with kc.AsyncClient(**kc.kwargs(server)) as client:
            return await client.call("ka10099", {"mrkt_tp": "10", "stk_cd": kc.types.NOT_GIVEN})

    resp = run(main())
    (req,) = server.requests_for("ka10099")
    assert req.json == {"mrkt_tp": "10"}
    assert req.headers["content-type"] == "application/json;charset=UTF-8"
    assert "cont-yn" not in req.headers and "next-key" not in req.headers
    assert resp.data.stk_list[0].code == "005930"


def test_async_8005_reissues_once(kc: Any, server: Any) -> None:
    async def main(client: Any) -> None:
        await client.call("ka10099", {"mrkt_tp": "0"})
        server.expire_tokens()
        await client.call("ka10099", {"mrkt_tp": "0"})
        server.queue_error("ka10099", 8005, times=2)
        with pytest.raises(kc.errors.TokenError):
            await client.call("ka10099", {"mrkt_tp": "0"})
        await client.close()

    client = kc.AsyncClient(**kc.kwargs(server))
    run(main(client))
    assert len(server.requests_for("au10001")) == 3
    assert len(server.requests_for("ka10099")) == 5  # 1 + (1 + 1) + (1 + 1)
    assert client.sleeps == []


def test_async_paging(kc: Any, server: Any) -> None:
    server.set_pages("ka10099", [{"stk_list": [{"code": str(i)}]} for i in range(3)])

    async def main() -> list[str]:
        async with kc.AsyncClient(**kc.kwargs(server)) as client:
            first = await client.call("ka10099", {"mrkt_tp": "0"})
            codes = [p.data.stk_list[0].code async for p in first]
            last = await (await first.next_page()).next_page()
            assert not last.has_next_page()
            with pytest.raises(kc.errors.KiwoomError, match="no next page"):
                await last.next_page()
            return codes

    assert run(main()) == ["0", "1", "2"]
    keys = [r.headers.get("next-key") for r in server.requests_for("ka10099")]
    assert keys == [None, "ka10099-page-1", "ka10099-page-2", "ka10099-page-1", "ka10099-page-2"]


def test_async_order_paging_refused(kc: Any, server: Any) -> None:
    server.set_pages("kt10006", [{"ord_no": "1"}, {"ord_no": "2"}])

    async def main() -> list[str]:
        async with kc.AsyncClient(**kc.kwargs(server)) as client:
            resp = await client.call("kt10006", kc.BUY)
            with pytest.raises(kc.errors.KiwoomError, match="never re-sent"):
                await resp.next_page()
            return [p.data.ord_no async for p in resp]

    assert run(main()) == ["1"]
    assert len(server.requests_for("kt10006")) == 1


@pytest.mark.slow
def test_async_read_retries(kc: Any, server: Any, dead_url: str) -> None:
    server.queue_rate_limit("ka10099")
    server.queue_http_status("ka10099", 429)
    server.queue_http_status("ka10099", 502)

    async def main() -> Any:
        async with kc.AsyncClient(**kc.kwargs(server, max_retries=3)) as client:
            await client.call("ka10099", {"mrkt_tp": "0"})
            return client

    client = run(main())
    assert len(server.requests_for("ka10099")) == 4 and len(client.sleeps) == 3

    async def refused() -> Any:
        async with kc.AsyncClient(base_url=dead_url, access_token="t", max_retries=2) as c:
            with pytest.raises(kc.errors.APIConnectionError):
                await c.call("ka10099", {"mrkt_tp": "0"})
            return c

    assert len(run(refused()).sleeps) == 2


@pytest.mark.slow
def test_async_order_rate_limit_retried_but_timeout_and_5xx_not(kc: Any, server: Any) -> None:
    async def main() -> Any:
        async with kc.AsyncClient(**kc.kwargs(server, timeout=0.2, max_retries=5)) as client:
            server.queue_rate_limit("kt10006")
            assert (await client.call("kt10006", kc.BUY)).data.ord_no == "0000024"
            assert len(server.requests_for("kt10006")) == 2
            server.delay("kt10006", 1.0)
            with pytest.raises(kc.errors.OrderStateUnknownError):
                await client.call("kt10006", kc.BUY)
            assert len(server.requests_for("kt10006")) == 3
            server.queue_http_status("kt10006", 500)
            with pytest.raises(kc.errors.APIStatusError):
                await client.call("kt10006", kc.BUY)
            assert len(server.requests_for("kt10006")) == 4
            return client

    assert len(run(main()).sleeps) == 1  # only the rate-limit rejection


def test_async_websocket_refused_and_errors_mapped(kc: Any, server: Any) -> None:
    async def main() -> None:
        async with kc.AsyncClient(**kc.kwargs(server, max_retries=0)) as client:
            with pytest.raises(kc.errors.WebSocketNotSupportedError):
                await client.call("0B", {"trnm": "REG"})
            assert server.requests == []
            server.queue_error("ka10099", 8104)
            with pytest.raises(kc.errors.MockNotSupportedError) as info:
                await client.call("ka10099", {"mrkt_tp": "0"})
            assert info.value.code == 8104 and info.value.api_id == "ka10099"
            answer = info.value.response.json()  # Kiwoom's envelope: generic code, 8104 inside
            assert answer["return_code"] == info.value.return_code == 2
            assert "[8104:" in answer["return_msg"]

    run(main())


def test_async_issue_and_revoke(kc: Any, server: Any) -> None:
    async def main() -> Any:
        async with kc.AsyncClient(**kc.kwargs(server)) as client:
            token = await client.issue_token()
            await client.revoke_token()
            assert client._token is None
            return token

    token = run(main())
    assert server.requests_for("au10002")[0].json["token"] == token.token
    assert repr(kc.AsyncClient(appkey=kc.APPKEY, secretkey=kc.SECRETKEY, env="mock")) == (
        "AsyncTestClient(env='mock', base_url='https://mockapi.kiwoom.com')"
    )


def test_twins_have_identical_signatures(kc: Any) -> None:
    import inspect

    sync_cls, async_cls = kc.pkg.SyncAPIClient, kc.pkg.AsyncAPIClient
    for name in ("__init__", "request", "call", "issue_token", "revoke_token", "close"):
        s = inspect.signature(getattr(sync_cls, name))
        a = inspect.signature(getattr(async_cls, name))
        if name == "__init__":
            s = s.replace(parameters=[p for p in s.parameters.values() if p.name != "http_client"])
            a = a.replace(parameters=[p for p in a.parameters.values() if p.name != "http_client"])
        assert list(s.parameters) == list(a.parameters), name
        assert [p.default for p in s.parameters.values()] == [
            p.default for p in a.parameters.values()
        ]
        assert inspect.iscoroutinefunction(getattr(async_cls, name)) == (name != "__init__")
