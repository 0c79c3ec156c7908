"""The generated client end to end: generated from the specs, called over real HTTP.

Every test talks to ``kiwoom_client.testing.FakeKiwoomServer`` (a real HTTP server on 127.0.0.1,
shipped in the generated package) and asserts what went over the wire. Two clients are
generated once per module: ``kc`` from ``specs/`` (the four credit orders) and ``reads`` from a
small synthetic workbook with what ``specs/`` lacks (a paged read API, a WebSocket API).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest

from tests.support.client_helpers import (
    APPKEY,
    BUY,
    CONTENT_TYPE,
    CRDORDR,
    CREDIT_ORDERS,
    SECRETKEY,
    SPECS,
    Generated,
    clean_env,
    generate,
    imported,
    write_reads_specs,
)
from tests.support.snippets import run_snippets


@pytest.fixture(scope="module")
def kc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    python = generate([SPECS], tmp_path_factory.mktemp("e2e_specs"))
    with imported(python, tmp_path_factory.mktemp("e2e_specs_import"), "specs") as generated:
        yield generated


@pytest.fixture(scope="module")
def reads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    specs = write_reads_specs(tmp_path_factory.mktemp("e2e_reads_specs"))
    python = generate([specs], tmp_path_factory.mktemp("e2e_reads"))
    with imported(python, tmp_path_factory.mktemp("e2e_reads_import"), "reads") as generated:
        yield generated


def _server(gen: Generated) -> Iterator[Any]:
    with gen.FakeKiwoomServer(appkey=APPKEY, secretkey=SECRETKEY) as fake:
        yield fake


def _client(gen: Generated, server: Any, **kw: Any) -> Any:
    kwargs: dict[str, Any] = {
        "appkey": APPKEY,
        "secretkey": SECRETKEY,
        "env": "mock",
        "base_url": server.url,
        "timeout": 5.0,
    }
    kwargs.update(kw)
    client = gen.KiwoomClient(**kwargs)
    client.initial_retry_delay = 0.01  # keep backoff short; the retry decisions are unchanged
    return client


@pytest.fixture
def server(kc: Generated) -> Iterator[Any]:
    yield from _server(kc)


@pytest.fixture
def client(kc: Generated, server: Any) -> Iterator[Any]:
    with _client(kc, server) as c:
        yield c


@pytest.fixture
def reads_server(reads: Generated) -> Iterator[Any]:
    yield from _server(reads)


@pytest.fixture
def reads_client(reads: Generated, reads_server: Any) -> Iterator[Any]:
    with _client(reads, reads_server) as c:
        yield c


def wait_until(predicate: Callable[[], bool], seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def serve_credit_answers(server: Any) -> None:
    for _, api_id, _, answer in CREDIT_ORDERS:
        if answer is not None:
            server.set_response(api_id, answer)


# ---- tokens ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_token_is_issued_from_the_keys_once_and_sent_as_bearer(server: Any, client: Any) -> None:
    serve_credit_answers(server)
    for method, _, kwargs, _ in CREDIT_ORDERS:
        getattr(client.credit_orders, method)(**kwargs)
    (issue,) = server.requests_for("au10001")
    assert (issue.method, issue.path) == ("POST", "/oauth2/token")
    assert issue.json == {
        "grant_type": "client_credentials",
        "appkey": APPKEY,
        "secretkey": SECRETKEY,
    }
    assert "authorization" not in issue.headers
    (token,) = server.issued_tokens
    orders = [r for r in server.requests if r.path == CRDORDR]
    assert len(orders) == 4
    assert {r.headers["authorization"] for r in orders} == {f"Bearer {token}"}
    assert server.requests[0] is issue  # the token comes first


# ---- the four credit orders ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "api_id", "kwargs", "answer"), CREDIT_ORDERS, ids=[o[0] for o in CREDIT_ORDERS]
)
def test_credit_order_request_and_response(
    kc: Generated,
    server: Any,
    client: Any,
    method: str,
    api_id: str,
    kwargs: dict[str, str],
    answer: dict[str, Any] | None,
) -> None:
    if answer is not None:
        server.set_response(api_id, answer)
    resp = getattr(client.credit_orders, method)(**kwargs)

    (sent,) = server.requests_for(api_id)
    assert (sent.method, sent.path) == ("POST", CRDORDR)
    assert sent.headers["api-id"] == api_id
    assert sent.headers["authorization"] == f"Bearer {server.issued_tokens[0]}"
    assert sent.headers["content-type"] == CONTENT_TYPE
    assert json.loads(sent.raw.decode("utf-8")) == sent.json
    assert sent.json == kwargs  # exactly: every value a string, unset optional fields absent
    assert all(isinstance(v, str) for v in sent.json.values())
    assert "cont-yn" not in sent.headers and "next-key" not in sent.headers

    op = kc.OPERATIONS[api_id]
    assert (op.group, op.method, op.is_order) == ("credit_orders", method, True)
    assert isinstance(resp.data, op.response_model)
    assert resp.api_id == api_id and resp.status_code == 200 and resp.body["return_code"] == 0
    expected = answer if answer is not None else op.response_example
    assert expected is not None
    for field, value in expected.items():
        if field not in ("return_code", "return_msg"):
            assert getattr(resp.data, field) == value and isinstance(value, str)
    assert isinstance(resp.data.ord_no, str)


def test_kt10009_example_answer_keeps_zero_padding(server: Any, client: Any) -> None:
    resp = client.credit_orders.cancel(**CREDIT_ORDERS[3][2])
    assert resp.data.ord_no == "0001695"
    assert resp.data.base_orig_ord_no == "0001614"
    assert resp.data.cncl_qty == "000000000001"  # a string, not the number 1
    assert resp.body["return_msg"] == "매도취소 주문입력이 완료되었습니다."


@pytest.mark.slow
def test_call_by_api_id_sends_what_the_method_sends(server: Any, client: Any) -> None:
    server.set_response("kt10006", CREDIT_ORDERS[0][3] or {})
    by_id = client.call("kt10006", BUY)
    by_method = client.credit_orders.buy(**BUY)
    first, second = server.requests_for("kt10006")
    assert first.json == second.json == BUY
    assert first.raw == second.raw
    assert type(by_id.data) is type(by_method.data) and by_id.data.ord_no == "0000024"


def test_call_with_an_unknown_api_id_suggests_and_sends_nothing(
    kc: Generated, server: Any, client: Any
) -> None:
    with pytest.raises(kc.errors.KiwoomError, match="did you mean 'kt10006'"):
        client.call("kt1006", BUY)
    assert server.requests == []


# ---- validation before sending ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c: c.credit_orders.buy(**{**BUY, "ord_qty": "1" * 13}), pydantic.ValidationError),
        (lambda c: c.credit_orders.buy(**{**BUY, "trde_tp": "99"}), pydantic.ValidationError),
        (
            lambda c: c.credit_orders.buy(**{**BUY, "dmst_stex_tp": "NYSE"}),
            pydantic.ValidationError,
        ),
        (
            lambda c: c.credit_orders.buy(**{k: v for k, v in BUY.items() if k != "stk_cd"}),
            TypeError,  # a required keyword argument
        ),
        (
            lambda c: c.call("kt10006", {k: v for k, v in BUY.items() if k != "stk_cd"}),
            pydantic.ValidationError,
        ),
        (lambda c: c.call("kt10006", {**BUY, "ord_qty": "1" * 13}), pydantic.ValidationError),
        (lambda c: c.call("kt10006", {**BUY, "unknown": "1"}), pydantic.ValidationError),
        (  # kt10007: crd_loan_dt is required when crd_deal_tp is 33 (융자)
            lambda c: c.credit_orders.sell(**{**CREDIT_ORDERS[1][2], "crd_deal_tp": "33"}),
            pydantic.ValidationError,
        ),
    ],
    ids=[
        "ord_qty-13-chars",
        "trde_tp-99",
        "dmst_stex_tp-NYSE",
        "missing-stk_cd-method",
        "missing-stk_cd-call",
        "ord_qty-13-chars-call",
        "unknown-field-call",
        "sell-33-without-loan-date",
    ],
)
def test_invalid_input_is_rejected_before_anything_is_sent(
    server: Any, client: Any, call: Callable[[Any], Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        call(client)
    assert server.requests == []  # not even a token request


def test_ord_qty_of_12_characters_is_accepted(server: Any, client: Any) -> None:
    client.credit_orders.buy(**{**BUY, "ord_qty": "1" * 12})
    assert server.requests_for("kt10006")[0].json["ord_qty"] == "1" * 12


# ---- errors ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("code", "error", "sent"),
    [
        (1511, "InvalidInputError", 1),
        (1517, "InvalidInputError", 1),
        (8104, "MockNotSupportedError", 1),
        (1901, "UnknownSymbolError", 1),
        (8200, "CorporateNotAllowedError", 1),
        (1999, "KiwoomAPIError", 1),
        (1700, "RateLimitError", 3),  # a rejection: retried (max_retries=2), then raised
    ],
)
def test_return_codes_raise_typed_errors(
    kc: Generated, server: Any, client: Any, code: int, error: str, sent: int
) -> None:
    server.queue_error("kt10006", code, f"오류 메시지 {code}", times=3)
    with pytest.raises(kc.errors.KiwoomAPIError) as info:
        client.credit_orders.buy(**BUY)
    err = info.value
    assert type(err) is getattr(kc.errors, error) and type(err) is getattr(kc.pkg, error)
    assert (err.api_id, err.code) == ("kt10006", code)
    # Kiwoom's envelope: a generic return_code, the specific code embedded in return_msg
    assert err.message.endswith(f"[{code}:오류 메시지 {code}]") and err.return_code in (2, 3, 5)
    assert err.body == {"return_code": err.return_code, "return_msg": err.message}
    assert err.headers["api-id"] == "kt10006"
    assert err.status_code == (429 if code == 1700 else 200)
    assert "kt10006" in str(err) and str(code) in str(err)
    assert len(server.requests_for("kt10006")) == sent


@pytest.mark.slow
def test_8005_reissues_the_token_once_and_resends_the_order(server: Any, client: Any) -> None:
    client.credit_orders.buy(**BUY)
    server.expire_tokens()  # the token is now invalid: Kiwoom answers 8005
    resp = client.credit_orders.buy(**BUY)
    assert resp.body["return_code"] == 0
    assert len(server.requests_for("au10001")) == 2
    old, new = server.issued_tokens
    sent = server.requests_for("kt10006")
    assert [r.headers["authorization"] for r in sent] == [
        f"Bearer {old}",
        f"Bearer {old}",
        f"Bearer {new}",
    ]
    assert sent[1].json == sent[2].json == BUY


@pytest.mark.slow
def test_8005_twice_raises_token_error_after_one_reissue(
    kc: Generated, server: Any, client: Any
) -> None:
    server.queue_error("kt10006", 8005, times=2)
    with pytest.raises(kc.errors.TokenError) as info:
        client.credit_orders.buy(**BUY)
    assert info.value.code == 8005 and isinstance(info.value, kc.errors.AuthenticationError)
    assert len(server.requests_for("au10001")) == 2
    assert len(server.requests_for("kt10006")) == 2


@pytest.mark.slow
def test_rate_limited_order_is_retried(server: Any, client: Any) -> None:
    server.set_response("kt10006", {"ord_no": "0000024"})
    server.queue_rate_limit("kt10006")
    resp = client.credit_orders.buy(**BUY)
    assert resp.data.ord_no == "0000024"
    first, second = server.requests_for("kt10006")
    assert first.raw == second.raw


def test_http_500_on_an_order_is_not_retried(kc: Generated, server: Any, client: Any) -> None:
    server.queue_http_status("kt10006", 500)
    with pytest.raises(kc.errors.APIStatusError) as info:
        client.credit_orders.buy(**BUY)
    assert info.value.status_code == 500 and info.value.api_id == "kt10006"
    assert info.value.response.status_code == 500
    assert len(server.requests_for("kt10006")) == 1


def test_dropped_connection_on_an_order_is_not_retried(
    kc: Generated, server: Any, client: Any
) -> None:
    server.queue_disconnect("kt10006")
    with pytest.raises(kc.errors.APIConnectionError) as info:
        client.credit_orders.buy(**BUY)
    assert not isinstance(info.value, kc.errors.APITimeoutError)
    assert len(server.requests_for("kt10006")) == 1


@pytest.mark.slow
def test_order_timeout_is_surfaced_and_not_resent(kc: Generated, server: Any, client: Any) -> None:
    server.delay("kt10006", 2.0)
    started = time.monotonic()
    with pytest.raises(kc.errors.OrderStateUnknownError) as info:
        client.credit_orders.buy(**BUY, timeout=0.3)  # the per-call timeout
    assert time.monotonic() - started < 1.5
    assert isinstance(info.value, kc.errors.APITimeoutError) and info.value.api_id == "kt10006"
    assert "may have been" in str(info.value)
    wait_until(lambda: len(server.requests_for("kt10006")) >= 1)
    time.sleep(0.2)
    assert len(server.requests_for("kt10006")) == 1


@pytest.mark.slow
def test_read_timeout_is_retried_unlike_an_order(reads_server: Any, reads_client: Any) -> None:
    reads_server.delay("ka10099", 2.0)
    resp = reads_client.stock_info.list_stocks(mrkt_tp="0", timeout=0.3)
    assert resp.data.stk_list[0].code == "005930"
    assert len(reads_server.requests_for("ka10099")) == 2


# ---- continuation ----------------------------------------------------------------------------

PAGES = [
    {"tot_cnt": "000000000005", "stk_list": [{"code": "005930", "name": "삼성전자"}]},
    {"stk_list": [{"code": "000660", "name": "SK하이닉스"}, {"code": "035420", "name": "NAVER"}]},
    {"stk_list": [{"code": "035720", "name": "카카오", "lastPrice": "+00050000"}]},
]


@pytest.mark.slow
def test_pages_are_followed_with_the_same_body(
    reads: Generated, reads_server: Any, reads_client: Any
) -> None:
    reads_server.set_pages("ka10099", PAGES)
    first = reads_client.stock_info.list_stocks(mrkt_tp="0", stk_cd="005930")
    assert first.has_next_page() and first.cont_yn == "Y" and first.next_key == "ka10099-page-1"
    pages = list(first)
    assert [[i.code for i in p.data.stk_list] for p in pages] == [
        ["005930"],
        ["000660", "035420"],
        ["035720"],
    ]
    assert pages[2].data.stk_list[0].lastPrice == "+00050000"
    assert not pages[-1].has_next_page()
    with pytest.raises(reads.errors.KiwoomError, match="no next page"):
        pages[-1].next_page()

    sent = reads_server.requests_for("ka10099")
    assert len(sent) == 3
    assert "cont-yn" not in sent[0].headers and "next-key" not in sent[0].headers
    assert [(r.headers.get("cont-yn"), r.headers.get("next-key")) for r in sent[1:]] == [
        ("Y", "ka10099-page-1"),
        ("Y", "ka10099-page-2"),
    ]
    assert all(r.json == {"mrkt_tp": "0", "stk_cd": "005930"} for r in sent)
    assert len({r.raw for r in sent}) == 1
    assert all(r.path == "/api/dostk/stkinfo" and r.headers["api-id"] == "ka10099" for r in sent)


@pytest.mark.slow
def test_next_page_by_hand_and_by_arguments(reads_server: Any, reads_client: Any) -> None:
    reads_server.set_pages("ka10099", PAGES)
    second = reads_client.stock_info.list_stocks(mrkt_tp="0").next_page()
    assert second.data.stk_list[0].code == "000660"
    last = reads_client.stock_info.list_stocks(mrkt_tp="0", cont_yn="Y", next_key=second.next_key)
    assert last.data.stk_list[0].code == "035720" and not last.has_next_page()
    sent = reads_server.requests_for("ka10099")[-1]
    assert (sent.headers["cont-yn"], sent.headers["next-key"]) == ("Y", "ka10099-page-2")


def test_an_order_is_never_paged(kc: Generated, server: Any, client: Any) -> None:
    server.set_pages("kt10006", [{"ord_no": "0000024"}, {"ord_no": "0000025"}])
    resp = client.credit_orders.buy(**BUY)
    assert resp.cont_yn == "Y"  # even when the server says more follows
    with pytest.raises(kc.errors.KiwoomError, match="never re-sent"):
        resp.next_page()
    assert [p.data.ord_no for p in resp] == ["0000024"]
    assert len(server.requests_for("kt10006")) == 1


# ---- WebSocket APIs --------------------------------------------------------------------------


def test_websocket_api_is_not_offered_over_http(
    reads: Generated, reads_server: Any, reads_client: Any
) -> None:
    op = reads.OPERATIONS["0B"]
    assert op.transport == "websocket"
    # offered by the real-time session (client.realtime()), not as an HTTP method
    assert callable(reads_client.realtime) and callable(reads.AsyncKiwoomClient.realtime)
    assert not any(hasattr(reads_client.stock_info, name) for name in ("trades", "0B", "api_0b"))
    body = {"trnm": "REG", "grp_no": "1", "refresh": "1", "data": [{"type": "0B"}]}
    with pytest.raises(reads.errors.WebSocketNotSupportedError, match="0B"):
        reads_client.call("0B", body)

    async def main() -> None:
        async with reads.AsyncKiwoomClient(
            appkey=APPKEY, secretkey=SECRETKEY, base_url=reads_server.url
        ) as aclient:
            await aclient.call("0B", body)

    with pytest.raises(reads.errors.WebSocketNotSupportedError):
        asyncio.run(main())
    assert reads_server.requests == []


# ---- the async twin --------------------------------------------------------------------------


@pytest.mark.slow
def test_async_order_sends_what_the_sync_order_sends(
    kc: Generated, server: Any, client: Any
) -> None:
    server.set_response("kt10006", {"ord_no": "0000024", "dmst_stex_tp": "KRX"})

    async def main() -> tuple[Any, Any]:
        async with kc.AsyncKiwoomClient(
            appkey=APPKEY, secretkey=SECRETKEY, env="mock", base_url=server.url, timeout=5.0
        ) as aclient:
            resp = await aclient.credit_orders.buy(**BUY)
            by_id = await aclient.call("kt10006", BUY)
            return resp, by_id

    aresp, aby_id = asyncio.run(main())
    sresp = client.credit_orders.buy(**BUY)
    assert type(aresp).__name__ == "AsyncKiwoomResponse"
    assert aresp.data == sresp.data == aby_id.data and aresp.data.ord_no == "0000024"
    a1, a2, s1 = server.requests_for("kt10006")
    assert a1.raw == a2.raw == s1.raw and a1.json == BUY
    assert a1.headers["authorization"] == a2.headers["authorization"]
    for name in ("api-id", "content-type"):
        assert a1.headers[name] == s1.headers[name]
    assert len(server.requests_for("au10001")) == 1  # one token per app key: shared


@pytest.mark.slow
def test_async_order_timeout_is_not_resent(kc: Generated, server: Any) -> None:
    server.delay("kt10006", 2.0)

    async def main() -> None:
        async with kc.AsyncKiwoomClient(
            appkey=APPKEY, secretkey=SECRETKEY, base_url=server.url, timeout=0.3
        ) as aclient:
            await aclient.credit_orders.buy(**BUY)

    with pytest.raises(kc.errors.OrderStateUnknownError):
        asyncio.run(main())
    wait_until(lambda: len(server.requests_for("kt10006")) >= 1)
    time.sleep(0.2)
    assert len(server.requests_for("kt10006")) == 1


@pytest.mark.slow
def test_async_pages_are_followed(reads: Generated, reads_server: Any) -> None:
    reads_server.set_pages("ka10099", PAGES)

    async def main() -> list[list[str]]:
        async with reads.AsyncKiwoomClient(
            appkey=APPKEY, secretkey=SECRETKEY, base_url=reads_server.url
        ) as aclient:
            first = await aclient.stock_info.list_stocks(mrkt_tp="10")
            return [[i.code for i in page.data.stk_list] async for page in first]

    assert asyncio.run(main()) == [["005930"], ["000660", "035420"], ["035720"]]
    sent = reads_server.requests_for("ka10099")
    assert [r.headers.get("next-key") for r in sent] == [None, "ka10099-page-1", "ka10099-page-2"]
    assert all(r.json == {"mrkt_tp": "10"} for r in sent)


# ---- secrets ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_secrets_stay_out_of_reprs_errors_and_logs(
    kc: Generated, server: Any, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kiwoom_client")
    errors: list[BaseException] = []
    client.credit_orders.buy(**BUY)
    token = server.issued_tokens[0]
    # Kiwoom echoing a key or the token back in its message must not leak it either.
    programs: list[tuple[Callable[[], None], dict[str, Any]]] = [
        (lambda: server.queue_error("kt10006", 1517, f"bad: {APPKEY} {SECRETKEY} {token}"), {}),
        (lambda: server.queue_error("kt10006", 8005, f"token {token} expired", times=2), {}),
        (lambda: server.queue_http_status("kt10006", 500), {}),
        (lambda: server.delay("kt10006", 2.0), {"timeout": 0.3}),
    ]
    for program, kwargs in programs:
        program()
        with pytest.raises(kc.errors.KiwoomError) as info:
            client.credit_orders.buy(**BUY, **kwargs)
        errors.append(info.value)
    server.expire_tokens()
    client.credit_orders.buy(**BUY)  # 8005, re-issue, resend
    with pytest.raises(kc.errors.AuthenticationError) as wrong_keys:
        with kc.KiwoomClient(
            appkey=APPKEY, secretkey="wrong-" + SECRETKEY, base_url=server.url
        ) as c:
            c.credit_orders.buy(**BUY)
    errors.append(wrong_keys.value)

    assert [type(e).__name__ for e in errors] == [
        "InvalidInputError",
        "TokenError",
        "APIStatusError",
        "OrderStateUnknownError",
        "AuthenticationError",
    ]
    secrets = [APPKEY, SECRETKEY, "wrong-" + SECRETKEY, *server.issued_tokens]
    assert len(server.issued_tokens) >= 3
    texts = [repr(client), str(client), repr(client._token)]
    texts += [str(e) for e in errors] + [repr(e) for e in errors]
    texts += [r.getMessage() for r in caplog.records] + [caplog.text]
    assert any("kt10006" in r.getMessage() for r in caplog.records)
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    leaks = [(s, t) for t in texts for s in secrets if s in t]
    assert leaks == []
    assert "bad: *** *** ***" in str(errors[0])  # redacted, not dropped


# ---- the README ------------------------------------------------------------------------------


def python_blocks(readme: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", readme, flags=re.S)


@pytest.mark.slow
def test_readme_quick_start_places_a_mock_credit_buy(kc: Generated, tmp_path: Path) -> None:
    readme = (kc.python_dir / "README.md").read_text(encoding="utf-8")
    (quick,) = [b for b in python_blocks(readme) if 'env="mock"' in b]
    assert len(quick.strip().splitlines()) <= 5
    with kc.FakeKiwoomServer() as server:
        server.set_response("kt10006", {"ord_no": "0000024", "dmst_stex_tp": "KRX"})
        code = quick.replace('env="mock"', f'env="mock", base_url="{server.url}"')
        assert code.count(server.url) == 1
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=clean_env(PYTHONPATH=str(kc.python_dir)),
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        assert "'ord_no': '0000024'" in proc.stdout and "None" not in proc.stdout
        (issue,) = server.requests_for("au10001")
        assert issue.json["grant_type"] == "client_credentials"
        (order,) = server.requests_for("kt10006")
        assert order.path == CRDORDR
        assert order.json == {
            "dmst_stex_tp": "KRX",
            "stk_cd": "005930",
            "ord_qty": "1",
            "trde_tp": "3",
        }


FENCED_PYTHON = re.compile(r"^(`{3,})python\n(.*?)^\1$", flags=re.S | re.M)
ROOT_README = Path(__file__).resolve().parents[1] / "README.md"


REALTIME_PRINT = (  # the real-time program's line (its own fake servers)
    "0B 005930 -20800 {'type': '0B', 'name': '0B', 'item': '005930', "
    "'values': {'10': '-20800', '20': '152530'}}"
)


@pytest.mark.slow
def test_readme_snippets_run_exactly_as_written(
    kc: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (kc.python_dir / "README.md").read_text(encoding="utf-8")
    assert readme == (SPECS.parent / "generated/python/README.md").read_text(encoding="utf-8")
    snippets = [code for _, code in FENCED_PYTHON.findall(readme)]
    assert len(snippets) >= 4  # quick start, limits, call by id, testing
    assert not any("<api-id>" in s or "ka10001" in s for s in snippets)
    printed, requests = run_snippets(kc, snippets, monkeypatch)
    # kt10006's sheet has no response example: the fake makes one from the table ("0" strings)
    body = "{'ord_no': '0', 'dmst_stex_tp': '0', 'return_code': 0, 'return_msg': '0'}"
    assert printed.strip().splitlines() == [body, REALTIME_PRINT]
    assert [r.api_id for r in requests] == ["au10001", "kt10006", "kt10006"]  # quick start, call
    assert (
        requests[1].json
        == requests[2].json
        == {
            "dmst_stex_tp": "KRX",
            "stk_cd": "005930",
            "ord_qty": "1",
            "trde_tp": "3",
        }
    )
    assert "never paged" in readme  # the shipped client has only orders: no paging snippet


def test_root_readme_snippets_run_exactly_as_written(
    kc: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    snippets = [code for _, code in FENCED_PYTHON.findall(ROOT_README.read_text("utf-8"))]
    assert snippets and all("kiwoom_client" in s or "client." in s for s in snippets)
    printed, requests = run_snippets(kc, snippets, monkeypatch)
    body = "{'ord_no': '0', 'dmst_stex_tp': '0', 'return_code': 0, 'return_msg': '0'}"
    # the real-time programs: 0B with get(timeout=), then the 00 feed and a US subscription
    assert printed.strip().splitlines() == [body, REALTIME_PRINT, "00 0000123", "+135.20"]
    assert [r.api_id for r in requests] == ["au10001", "kt10006"]


@pytest.mark.slow
def test_reads_readme_paging_snippet_pages(
    reads: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (reads.python_dir / "README.md").read_text(encoding="utf-8")
    snippets = [code for _, code in FENCED_PYTHON.findall(readme)]
    paging = [s for s in snippets if "next_page()" in s]
    assert len(paging) == 1 and "client.stock_info.list_stocks(" in paging[0]
    printed, requests = run_snippets(reads, snippets, monkeypatch)
    assert printed.count("stk_list=") >= 3  # the paging snippet printed every page
    keys = [r.headers.get("next-key") for r in requests if r.api_id == "ka10099"]
    assert "ka10099-page-2" in keys


@pytest.mark.slow
def test_docstring_examples_name_what_exists(
    kc: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = kc.testing.__doc__ or ""
    example = textwrap.dedent(doc.split("\n\n")[1])
    assert "FakeKiwoomServer()" in example and "ka10001" not in doc
    with monkeypatch.context() as m:
        m.setitem(sys.modules, "kiwoom_client", kc.pkg)
        namespace: dict[str, Any] = {
            "FakeKiwoomServer": kc.FakeKiwoomServer,
            "KiwoomClient": kc.KiwoomClient,
        }
        exec(compile(example, "testing.py", "exec"), namespace)
    for fn in (kc.KiwoomClient.call, kc.AsyncKiwoomClient.call):
        api_ids = re.findall(r'call\("(\w+)"', fn.__doc__ or "")
        assert api_ids and all(a in kc.OPERATIONS for a in api_ids)


@pytest.mark.slow
def test_none_arguments_are_not_sent(kc: Generated, server: Any, client: Any) -> None:
    client.credit_orders.buy(**{**BUY, "ord_uv": None}, cond_uv=None)
    client.call("kt10006", {**BUY, "ord_uv": None})
    op = kc.OPERATIONS["kt10006"]
    client.credit_orders._client.request(op, op.request_model(**{**BUY, "ord_uv": None}))
    expected = {k: v for k, v in BUY.items() if k != "ord_uv"}
    assert [r.json for r in server.requests_for("kt10006")] == [expected] * 3
    assert all(b"null" not in r.raw for r in server.requests_for("kt10006"))
    with pytest.raises(pydantic.ValidationError):
        client.credit_orders.buy(**{**BUY, "stk_cd": None})
    assert len(server.requests_for("kt10006")) == 3


def test_fake_server_errors_use_the_error_code_table(
    kc: Generated, server: Any, client: Any
) -> None:
    server.queue_error("kt10006", 1902)
    with pytest.raises(kc.errors.UnknownSymbolError) as info:
        client.credit_orders.buy(**BUY)
    assert info.value.message.endswith(f"[1902:{kc.pkg.ERROR_CODES[1902]}]")
    assert kc.pkg.ERROR_CODES[1902] != "오류 1902"
    assert server.message_for(1999) == kc.pkg.ERROR_CODES[1999]
    assert kc.FakeKiwoomServer(error_codes={}).message_for(4321) == "오류 4321"
