"""The sync client over real HTTP against FakeKiwoomServer on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest


def bearer(request: Any) -> str:
    return str(request.headers["authorization"])


# ---- tokens ----------------------------------------------------------------------------------


def test_token_issued_once_and_reused(kc: Any, server: Any, client: Any) -> None:
    for _ in range(3):
        client.call("ka10099", {"mrkt_tp": "0"})
    (token_call,) = server.requests_for("au10001")
    assert token_call.path == "/oauth2/token"
    assert token_call.json == {
        "grant_type": "client_credentials",
        "appkey": kc.APPKEY,
        "secretkey": kc.SECRETKEY,
    }
    assert "authorization" not in token_call.headers
    (token,) = server.issued_tokens
    assert [bearer(r) for r in server.requests_for("ka10099")] == [f"Bearer {token}"] * 3


def test_concurrent_calls_issue_one_token(kc: Any, server: Any, client: Any) -> None:
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: client.call("ka10099", {"mrkt_tp": "0"}), range(16)))
    assert all(r.body["return_code"] == 0 for r in results)
    assert len(server.requests_for("au10001")) == 1
    assert len(server.requests_for("ka10099")) == 16


def test_8005_reissues_token_once_and_retries_once(kc: Any, server: Any, client: Any) -> None:
    client.call("ka10099", {"mrkt_tp": "0"})
    server.expire_tokens()
    resp = client.call("ka10099", {"mrkt_tp": "0"})
    assert resp.body["return_code"] == 0
    assert len(server.requests_for("au10001")) == 2
    reads = server.requests_for("ka10099")
    old, new = server.issued_tokens
    assert [bearer(r) for r in reads] == [f"Bearer {old}", f"Bearer {old}", f"Bearer {new}"]
    assert client.sleeps == []  # a re-issue is not a backoff retry


def test_8005_twice_raises_after_one_reissue(kc: Any, server: Any, client: Any) -> None:
    server.queue_error("ka10099", 8005, times=2)
    with pytest.raises(kc.errors.TokenError) as info:
        client.call("ka10099", {"mrkt_tp": "0"})
    assert info.value.code == 8005
    assert len(server.requests_for("au10001")) == 2
    assert len(server.requests_for("ka10099")) == 2


def test_8005_on_an_order_is_resent_once(kc: Any, server: Any, client: Any) -> None:
    server.queue_error("kt10006", 8005)
    resp = client.call("kt10006", kc.BUY)
    assert resp.data.ord_no == "0000024"
    assert len(server.requests_for("kt10006")) == 2


def test_given_token_used_and_8005_without_keys_raises(kc: Any, server: Any) -> None:
    server.add_token(kc.GIVEN_TOKEN)
    kwargs = kc.kwargs(server, appkey="", secretkey="", access_token=kc.GIVEN_TOKEN)
    with kc.Client(**kwargs) as client:
        client.call("ka10099", {"mrkt_tp": "0"})
        server.expire_tokens()
        with pytest.raises(kc.errors.TokenError):
            client.call("ka10099", {"mrkt_tp": "0"})
    assert server.requests_for("au10001") == []
    assert [bearer(r) for r in server.requests_for("ka10099")] == [f"Bearer {kc.GIVEN_TOKEN}"] * 2


def test_short_lived_token_is_reused_not_reissued_per_call(
    kc: Any, server: Any, client: Any
) -> None:
    server.token_lifetime = 30  # shorter than the 60 s margin: renewed after 90 % of its life
    for _ in range(3):
        client.call("ka10099", {"mrkt_tp": "0"})
    assert len(server.requests_for("au10001")) == 1
    token = client._token
    assert token.expires_at is not None and token.expires_at.utcoffset().total_seconds() == 9 * 3600
    left = token.renew_at - time.monotonic()
    assert 30 - 3 - 2 < left <= 30 - 3  # 3 s = 10 % of 30 s (expires_dt is whole seconds)


@pytest.mark.slow
def test_token_is_renewed_before_it_expires(kc: Any, server: Any, client: Any) -> None:
    server.token_lifetime = 2
    client.call("ka10099", {"mrkt_tp": "0"})
    client.call("ka10099", {"mrkt_tp": "0"})
    assert len(server.requests_for("au10001")) == 1
    time.sleep(max(0.0, client._token.renew_at - time.monotonic()) + 0.05)
    client.call("ka10099", {"mrkt_tp": "0"})
    assert len(server.requests_for("au10001")) == 2
    first, second = server.issued_tokens
    assert [bearer(r) for r in server.requests_for("ka10099")] == [
        f"Bearer {first}",
        f"Bearer {first}",
        f"Bearer {second}",
    ]
    assert client.sleeps == []  # renewed ahead of time: no 8005, no retry


@pytest.mark.parametrize(
    ("expires_dt", "date", "renew_in"),
    [
        # 60 s to live by Kiwoom's clock (KST = UTC+9): renewed 6 s (10 %) before the end
        ("20260101000100", "Wed, 31 Dec 2025 15:00:00 GMT", (54, 54)),
        # a day to live: renewed 60 s (the margin) before the end
        ("20260102000000", "Wed, 31 Dec 2025 15:00:00 GMT", (86340, 86340)),
        ("20260101000000", "Wed, 31 Dec 2025 15:00:30 GMT", None),  # expired by Kiwoom's clock
        ("not a date", "Wed, 31 Dec 2025 15:00:00 GMT", None),
    ],
)
def test_renewal_is_measured_on_kiwooms_clock(
    kc: Any, expires_dt: str, date: str, renew_in: tuple[float, float] | None
) -> None:
    client = kc.Client(appkey="a", secretkey="b")
    answer = httpx.Response(200, headers={"date": date})
    token = client._store_token({"token": "t", "expires_dt": expires_dt}, answer)
    if renew_in is None:
        assert token.renew_at is None and not token.needs_renewal()
    else:
        low, high = renew_in
        assert low - 1 < token.renew_at - time.monotonic() <= high
    client.close()


def test_issue_and_revoke_token(kc: Any, server: Any, client: Any) -> None:
    issued = client.issue_token()
    assert issued.token == server.issued_tokens[0] and issued.token not in repr(issued)
    client.revoke_token()
    (revoke,) = server.requests_for("au10002")
    assert revoke.path == "/oauth2/revoke"
    assert revoke.json == {"appkey": kc.APPKEY, "secretkey": kc.SECRETKEY, "token": issued.token}
    client.call("ka10099", {"mrkt_tp": "0"})  # the revoked token is gone: a new one is issued
    assert len(server.requests_for("au10001")) == 2


def test_wrong_keys_raise_authentication_error(kc: Any) -> None:
    with kc.FakeKiwoomServer(appkey="right", secretkey="right") as server:
        with kc.Client(**kc.kwargs(server)) as client:
            with pytest.raises(kc.errors.AuthenticationError) as info:
                client.call("ka10099", {"mrkt_tp": "0"})
    assert info.value.code == 8001 and info.value.api_id == "au10001"
    assert server.requests_for("ka10099") == []


def test_no_keys_and_no_token(kc: Any, server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIWOOM_APPKEY", raising=False)
    monkeypatch.delenv("KIWOOM_SECRETKEY", raising=False)
    with kc.Client(base_url=server.url) as client:
        with pytest.raises(kc.errors.KiwoomError, match="KIWOOM_APPKEY"):
            client.call("ka10099", {"mrkt_tp": "0"})
    assert server.requests == []


def test_keys_from_environment(kc: Any, server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIWOOM_APPKEY", "env-app")
    monkeypatch.setenv("KIWOOM_SECRETKEY", "env-secret")
    with kc.Client(base_url=server.url) as client:
        client.call("ka10099", {"mrkt_tp": "0"})
    assert server.requests_for("au10001")[0].json["appkey"] == "env-app"


# ---- requests and responses ------------------------------------------------------------------


def test_headers_and_body(kc: Any, server: Any, client: Any) -> None:
    NOT_GIVEN = kc.types.NOT_GIVEN
    resp = client.call(
        "ka10099",
        {"mrkt_tp": "10", "stk_cd": NOT_GIVEN, "sort_tp": "1"},
        extra_headers={"x-trace": "t1"},
    )
    (req,) = server.requests_for("ka10099")
    assert req.method == "POST" and req.path == "/api/dostk/stkinfo"
    assert req.headers["api-id"] == "ka10099"
    assert req.headers["authorization"] == f"Bearer {server.issued_tokens[0]}"
    assert req.headers["content-type"] == "application/json;charset=UTF-8"
    assert req.headers["x-trace"] == "t1"
    assert "cont-yn" not in req.headers and "next-key" not in req.headers
    assert req.json == {"mrkt_tp": "10", "sort-tp": "1"}  # unset fields absent, wire alias used
    assert resp.api_id == "ka10099" and resp.cont_yn == "N" and resp.next_key == ""
    assert resp.status_code == 200 and not resp.has_next_page()
    assert type(resp.data).__name__ == "StockListResponse"
    assert resp.data.stk_list[0].name == "삼성전자"


def test_model_instance_body_and_lenient_response(kc: Any, server: Any, client: Any) -> None:
    op = kc.ops["ka10099"]
    server.set_response("ka10099", {"stk_list": [{"code": "1", "extra_field": "kept"}], "new": 1})
    resp = client.request(op, op.request_model(mrkt_tp="0"))
    assert server.requests_for("ka10099")[0].json == {"mrkt_tp": "0"}
    assert resp.data.model_extra == {"new": 1, "return_code": 0, "return_msg": resp.return_msg}
    assert resp.data.stk_list[0].model_extra == {"extra_field": "kept"}


def test_response_not_matching_model_is_kept(kc: Any, server: Any, client: Any) -> None:
    server.set_response("ka10099", {"stk_list": "not a list"})
    resp = client.call("ka10099", {"mrkt_tp": "0"})
    assert resp.body["stk_list"] == "not a list"
    assert resp.data.stk_list == "not a list"


@pytest.mark.parametrize(
    "body", [{"mrkt_tp": "99"}, {"mrkt_tp": "0", "stk_cd": "1234567"}, {"mrkt_tp": "0", "x": "1"}]
)
def test_invalid_body_is_refused_before_sending(
    kc: Any, server: Any, client: Any, body: Any
) -> None:
    with pytest.raises(pydantic.ValidationError):
        client.call("ka10099", body)
    assert server.requests == []


def test_websocket_api_is_refused_without_a_request(kc: Any, server: Any, client: Any) -> None:
    with pytest.raises(kc.errors.WebSocketNotSupportedError, match="0B"):
        client.call("0B", {"trnm": "REG"})
    assert server.requests == []


def test_unknown_api_id(kc: Any, server: Any, client: Any) -> None:
    with pytest.raises(kc.errors.KiwoomError, match="'kt10007'.*did you mean 'kt10006'"):
        client.call("kt10007", {})
    assert server.requests == []


def test_repr_and_env(kc: Any) -> None:
    client = kc.Client(appkey=kc.APPKEY, secretkey=kc.SECRETKEY, env="mock")
    assert repr(client) == "TestClient(env='mock', base_url='https://mockapi.kiwoom.com')"
    assert kc.Client(appkey="a", secretkey="b").base_url == "https://api.kiwoom.com"
    with pytest.raises(ValueError):
        kc.Client(env="paper")
    client.close()


# ---- errors ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (1700, "RateLimitError"),
        (8001, "AuthenticationError"),
        (8030, "AuthenticationError"),
        (8104, "MockNotSupportedError"),
        (1902, "UnknownSymbolError"),
        (1687, "RecursiveCallError"),
        (8200, "CorporateNotAllowedError"),
        (1999, "KiwoomAPIError"),
    ],
)
@pytest.mark.parametrize("envelope", ["kiwoom", "plain"])
def test_return_codes_map_to_errors(kc: Any, envelope: str, code: int, cls: str) -> None:
    with kc.FakeKiwoomServer(envelope=envelope) as server:
        server.queue_error("ka10099", code, "메시지", times=5)
        with kc.Client(**kc.kwargs(server, max_retries=0)) as client:
            with pytest.raises(kc.errors.KiwoomAPIError) as info:
                client.call("ka10099", {"mrkt_tp": "0"})
    err = info.value
    assert type(err).__name__ == cls
    assert (err.api_id, err.code) == ("ka10099", code)
    assert err.headers["api-id"] == "ka10099"
    if envelope == "plain":  # the code itself at the top
        assert err.message == "메시지" and err.return_code == code
    else:  # a generic code at the top, the specific one embedded in the message
        assert err.return_code in (2, 3, 5) and err.return_code != code
        assert err.message.endswith(f"[{code}:메시지]")
    assert err.body == {"return_code": err.return_code, "return_msg": err.message}
    assert str(err) == f"ka10099: [{code}] {err.message}"


def test_api_error_carries_the_http_response(kc: Any, server: Any) -> None:
    server.queue_error("ka10099", 1902, "종목코드 없음", times=5)
    server.queue_http_status("kt10006", 429, headers={"retry-after": "0"})
    with kc.Client(**kc.kwargs(server, max_retries=0)) as client:
        with pytest.raises(kc.errors.UnknownSymbolError) as info:
            client.call("ka10099", {"mrkt_tp": "0"})
        with pytest.raises(kc.errors.RateLimitError) as limited:
            client.call("kt10006", kc.BUY)
    err = info.value
    assert isinstance(err.response, httpx.Response)
    assert err.response.status_code == err.status_code == 200
    assert err.response.json() == err.body
    assert (err.code, err.return_code) == (1902, 2) and "[1902:종목코드 없음]" in err.message
    assert err.response.headers["api-id"] == err.headers["api-id"] == "ka10099"
    assert err.response.request.headers["api-id"] == "ka10099"
    assert "Response" not in repr(err) + str(err)  # reprs stay as they were: no raw answer
    http_429 = limited.value  # HTTP 429 without a return_code
    assert (http_429.code, http_429.status_code, http_429.response.status_code) == (429, 429, 429)
    assert http_429.headers["retry-after"] == "0"


def test_numeric_string_return_code(kc: Any, server: Any, client: Any) -> None:
    server.set_response("ka10099", {"return_code": "1901", "return_msg": "종목코드 없음"})
    with pytest.raises(kc.errors.UnknownSymbolError):
        client.call("ka10099", {"mrkt_tp": "0"})


def test_server_side_request_errors(kc: Any, server: Any, client: Any) -> None:
    op = kc.ops["ka10099"]
    cases = [
        (dataclasses.replace(op, api_id="zz99999"), {"mrkt_tp": "0"}, {}, 1505),
        (dataclasses.replace(op, path="/api/dostk/crdordr"), {"mrkt_tp": "0"}, {}, 1504),
        (op, {"mrkt_tp": "0"}, {"api-id": ""}, 1501),
        # model_construct skips client-side validation, so the server does the checking
        (op, op.request_model.model_construct(stk_cd="005930"), {}, 1511),
        (op, op.request_model.model_construct(mrkt_tp="99"), {}, 1517),
        (op, op.request_model.model_construct(mrkt_tp="0", stk_cd="1234567"), {}, 1517),
    ]
    for operation, body, headers, code in cases:
        with pytest.raises(kc.errors.KiwoomAPIError) as info:
            client.request(operation, body, extra_headers=headers)
        assert info.value.code == code
        expected = (
            kc.errors.InvalidInputError if code in (1511, 1517) else kc.errors.UnknownApiError
        )
        assert isinstance(info.value, expected)
    assert client.sleeps == []


# ---- paging ----------------------------------------------------------------------------------


def test_paging_follows_next_key_with_the_same_body(kc: Any, server: Any, client: Any) -> None:
    pages = [{"stk_list": [{"code": str(i)}]} for i in range(3)]
    server.set_pages("ka10099", pages)
    first = client.call("ka10099", {"mrkt_tp": "0", "stk_cd": "005930"})
    assert first.has_next_page()
    got = [p.data.stk_list[0].code for p in first]
    assert got == ["0", "1", "2"]
    reqs = server.requests_for("ka10099")
    assert len(reqs) == 3
    assert ["cont-yn" in r.headers for r in reqs] == [False, True, True]
    assert [r.headers.get("next-key") for r in reqs] == [None, "ka10099-page-1", "ka10099-page-2"]
    assert all(r.headers.get("cont-yn", "Y") == "Y" for r in reqs)
    assert all(r.raw == reqs[0].raw for r in reqs)
    last = first.next_page().next_page()
    assert not last.has_next_page()
    with pytest.raises(kc.errors.KiwoomError, match="no next page"):
        last.next_page()


def test_next_page_on_an_order_raises(kc: Any, server: Any, client: Any) -> None:
    server.set_pages("kt10006", [{"ord_no": "1"}, {"ord_no": "2"}])
    resp = client.call("kt10006", kc.BUY)
    assert resp.has_next_page()
    with pytest.raises(kc.errors.KiwoomError, match="never re-sent"):
        resp.next_page()
    assert [p.data.ord_no for p in resp] == ["1"]
    assert len(server.requests_for("kt10006")) == 1


def test_manual_continuation_headers(kc: Any, server: Any, client: Any) -> None:
    server.set_pages("ka10099", [{"stk_list": []}, {"stk_list": [{"code": "x"}]}])
    resp = client.call("ka10099", {"mrkt_tp": "0"}, cont_yn="Y", next_key="ka10099-page-1")
    assert resp.data.stk_list[0].code == "x"
    req = server.requests_for("ka10099")[0]
    assert (req.headers["cont-yn"], req.headers["next-key"]) == ("Y", "ka10099-page-1")


# ---- retries: reads --------------------------------------------------------------------------


def test_read_retried_on_rate_limit(kc: Any, server: Any, client: Any) -> None:
    server.queue_rate_limit("ka10099")
    assert client.call("ka10099", {"mrkt_tp": "0"}).body["return_code"] == 0
    assert len(server.requests_for("ka10099")) == 2
    assert len(client.sleeps) == 1


def test_read_rate_limit_retries_exhausted_with_backoff(kc: Any, server: Any, client: Any) -> None:
    server.queue_rate_limit("ka10099", times=5)
    with pytest.raises(kc.errors.RateLimitError):
        client.call("ka10099", {"mrkt_tp": "0"})
    assert len(server.requests_for("ka10099")) == 3  # 1 + max_retries
    first, second = client.sleeps
    base = client.initial_retry_delay
    assert 0.75 * base <= first <= base and 1.5 * base <= second <= 2 * base


def test_read_retried_on_http_429_honouring_retry_after(kc: Any, server: Any, client: Any) -> None:
    server.queue_http_status("ka10099", 429, headers={"retry-after": "0.25"})
    assert client.call("ka10099", {"mrkt_tp": "0"}).body["return_code"] == 0
    assert len(server.requests_for("ka10099")) == 2
    assert client.sleeps == [0.25]


@pytest.mark.slow
def test_read_retried_on_5xx_and_timeout_and_disconnect(kc: Any, server: Any) -> None:
    server.queue_http_status("ka10099", 503)
    server.queue_disconnect("ka10099")
    for seconds in (0, 0, 1.0):  # delays pair with requests in order: the 3rd one times out
        server.delay("ka10099", seconds)
    with kc.Client(**kc.kwargs(server, timeout=0.2, max_retries=3)) as client:
        assert client.call("ka10099", {"mrkt_tp": "0"}).body["return_code"] == 0
    assert len(server.requests_for("ka10099")) == 4
    assert len(client.sleeps) == 3


@pytest.mark.slow
def test_read_timeout_exhausted(kc: Any, server: Any) -> None:
    server.delay("ka10099", 1.0, times=2)
    with kc.Client(**kc.kwargs(server, max_retries=1)) as client:
        with pytest.raises(kc.errors.APITimeoutError) as info:
            client.call("ka10099", {"mrkt_tp": "0"}, timeout=0.2)  # per-call timeout
    assert not isinstance(info.value, kc.errors.OrderStateUnknownError)
    assert len(server.requests_for("ka10099")) == 2


@pytest.mark.slow
def test_read_retried_on_connection_refused(kc: Any, dead_url: str) -> None:
    with kc.Client(base_url=dead_url, access_token=kc.GIVEN_TOKEN, max_retries=2) as client:
        with pytest.raises(kc.errors.APIConnectionError) as info:
            client.call("ka10099", {"mrkt_tp": "0"})
    assert not isinstance(info.value, kc.errors.APITimeoutError)
    assert len(client.sleeps) == 2


class FlakyConnect(httpx.HTTPTransport):
    """Refuses the first ``fails`` connections (as a closed port would), then connects."""

    def __init__(self, fails: int) -> None:
        super().__init__()
        self.fails = fails

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.fails:
            self.fails -= 1
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return super().handle_request(request)


@pytest.mark.parametrize(("api_id", "body"), [("ka10099", {"mrkt_tp": "0"}), ("kt10006", None)])
def test_refused_connection_is_retried_for_reads_and_orders(
    kc: Any, server: Any, api_id: str, body: Any
) -> None:
    server.add_token(kc.GIVEN_TOKEN)
    http = httpx.Client(transport=FlakyConnect(fails=1))
    kwargs = kc.kwargs(server, access_token=kc.GIVEN_TOKEN, http_client=http)
    with kc.Client(**kwargs) as client:
        resp = client.call(api_id, body or kc.BUY)
    assert resp.body["return_code"] == 0
    assert len(server.requests_for(api_id)) == 1 and len(client.sleeps) == 1
    assert not http.is_closed  # a client passed in is not closed by us
    http.close()


# ---- the client's own httpx client ------------------------------------------------------------


def test_own_http_client_is_made_on_first_call_then_reused_and_closed(kc: Any, server: Any) -> None:
    client = kc.Client(**kc.kwargs(server))
    assert "_http" not in vars(client)  # KiwoomClient(...) loads no CA certificates
    client.call("ka10099", {"mrkt_tp": "0"})
    http = vars(client)["_http"]
    assert isinstance(http, httpx.Client) and not http.is_closed
    client.call("ka10099", {"mrkt_tp": "0"})
    assert vars(client)["_http"] is http
    client.close()
    assert http.is_closed


def test_threads_first_calls_share_one_http_client(kc: Any, server: Any) -> None:
    made: list[httpx.Client] = []
    original = httpx.Client

    class Counting(original):  # type: ignore[misc,valid-type]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            made.append(self)

    server.add_token(kc.GIVEN_TOKEN)
    httpx.Client = Counting  # type: ignore[misc]
    try:
        with kc.Client(**kc.kwargs(server, access_token=kc.GIVEN_TOKEN)) as client:
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda _: client.call("ka10099", {"mrkt_tp": "0"}), range(16)))
    finally:
        httpx.Client = original  # type: ignore[misc]
    assert len(made) == 1 and made[0].is_closed


def test_a_client_closed_before_any_call_fails_like_a_closed_httpx_client(
    kc: Any, server: Any
) -> None:
    client = kc.Client(**kc.kwargs(server, access_token=kc.GIVEN_TOKEN))
    client.close()
    with pytest.raises(RuntimeError, match="client has been closed"):
        client.call("ka10099", {"mrkt_tp": "0"})


@pytest.mark.slow
def test_importing_the_package_pulls_in_only_what_a_call_needs(kc: Any) -> None:
    """``import`` + ``KiwoomClient(...)``: no asyncio, difflib or httpcore (the connection pool
    and the CA certificates come with the first call), no websockets, no pydantic.RootModel."""
    code = (
        "import sys\n"
        f"import {kc.name} as pkg\n"
        "pkg.KiwoomClient(appkey='k', secretkey='s', env='mock')\n"
        "print(' '.join(sorted(m for m in ('asyncio', 'difflib', 'httpcore', 'websockets',"
        " 'pydantic.root_model') if m in sys.modules)))\n"
    )
    root = str(Path(sys.modules[kc.name].__file__ or "").parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": root},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == ""


# ---- retries: orders -------------------------------------------------------------------------


def test_order_retried_on_rate_limit_rejection(kc: Any, server: Any, client: Any) -> None:
    server.queue_rate_limit("kt10006")
    server.queue_http_status("kt10006", 429)
    assert client.call("kt10006", kc.BUY).data.ord_no == "0000024"
    assert len(server.requests_for("kt10006")) == 3


@pytest.mark.slow
def test_order_timeout_is_not_resent(kc: Any, server: Any) -> None:
    server.delay("kt10006", 1.0)
    with kc.Client(**kc.kwargs(server, timeout=0.2, max_retries=5)) as client:
        with pytest.raises(kc.errors.OrderStateUnknownError) as info:
            client.call("kt10006", kc.BUY)
    assert isinstance(info.value, kc.errors.APITimeoutError)
    assert "check its status" in str(info.value)
    assert len(server.requests_for("kt10006")) == 1
    assert client.sleeps == []


def test_order_5xx_is_not_resent(kc: Any, server: Any, client: Any) -> None:
    server.queue_http_status("kt10006", 500)
    with pytest.raises(kc.errors.APIStatusError) as info:
        client.call("kt10006", kc.BUY)
    assert info.value.status_code == 500 and "check its status" in str(info.value)
    assert len(server.requests_for("kt10006")) == 1
    assert client.sleeps == []


def test_order_disconnect_is_not_resent(kc: Any, server: Any, client: Any) -> None:
    server.queue_disconnect("kt10006")
    with pytest.raises(kc.errors.APIConnectionError) as info:
        client.call("kt10006", kc.BUY)
    assert not isinstance(info.value, kc.errors.APITimeoutError)
    assert "check its status" in str(info.value)
    assert len(server.requests_for("kt10006")) == 1
    assert client.sleeps == []


# ---- secrets ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_secrets_never_in_reprs_errors_or_logs(
    kc: Any, server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.add_token(kc.GIVEN_TOKEN)
    seen: list[str] = []
    kwargs = kc.kwargs(server, access_token=kc.GIVEN_TOKEN, timeout=0.2)
    with kc.Client(**kwargs) as client:
        seen += [repr(client), str(client), repr(client._appkey), str(client._secretkey)]
        seen += [repr(client._token), repr(client.call("ka10099", {"mrkt_tp": "0"}))]
        server.expire_tokens()  # 8005, then a new token is issued with the keys
        server.queue_rate_limit("ka10099")
        client.call("ka10099", {"mrkt_tp": "0"})
        server.queue_error("ka10099", 8005, f"bad token {server.issued_tokens[0]}", times=2)
        server.delay("kt10006", 1.0)
        server.queue_http_status("ka10099", 500, times=3)
        calls = [("ka10099", {"mrkt_tp": "0"}), ("kt10006", kc.BUY), ("ka10099", {"mrkt_tp": "0"})]
        for api_id, body in calls:  # TokenError, OrderStateUnknownError, APIStatusError
            with pytest.raises(kc.errors.KiwoomError) as info:
                client.call(api_id, body)
            seen += [
                str(info.value),
                repr(info.value),
                "".join(traceback.format_exception(info.value)),
            ]
    with kc.FakeKiwoomServer(appkey="other", secretkey="other") as strict:
        with kc.Client(**kc.kwargs(strict)) as client:
            with pytest.raises(kc.errors.AuthenticationError) as info:
                client.issue_token()
            seen += [str(info.value), repr(info.value), repr(info.value.body)]
    seen.append(caplog.text)
    assert any("token rejected" in r.message for r in caplog.records)  # the log did speak
    assert any("retry 1 of 2" in r.message for r in caplog.records)
    for secret in (*kc.SECRETS, *server.issued_tokens):
        for text in seen:
            assert secret not in text
