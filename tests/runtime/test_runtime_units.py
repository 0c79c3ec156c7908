"""Pure pieces of the runtime: sentinel, error mapping, lazy registry, retry policy, fake server."""

from __future__ import annotations

import copy
import importlib
import pickle
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest


def test_not_given(kc: Any) -> None:
    t = kc.types
    assert not t.NOT_GIVEN and repr(t.NOT_GIVEN) == "NOT_GIVEN"
    assert t.NotGiven() is t.NOT_GIVEN
    assert copy.deepcopy(t.NOT_GIVEN) is t.NOT_GIVEN
    assert pickle.loads(pickle.dumps(t.NOT_GIVEN)) is t.NOT_GIVEN
    got = t.strip_not_given({"a": 1, "b": t.NOT_GIVEN, "c": None, "d": ""})
    assert got == {"a": 1, "d": ""}  # None is never sent: left out like NOT_GIVEN


@pytest.mark.parametrize(
    ("codes", "cls"),
    [
        ((1700, 1701, 1702), "RateLimitError"),
        ((8005, 8031, 8103), "TokenError"),
        ((8001, 8002, 8010, 8030), "AuthenticationError"),
        ((8104,), "MockNotSupportedError"),
        ((1511, 1517, 1634), "InvalidInputError"),
        ((1501, 1504, 1505), "UnknownApiError"),
        ((1901, 1902, 1903), "UnknownSymbolError"),
        ((1687,), "RecursiveCallError"),
        ((8200,), "CorporateNotAllowedError"),
        ((1999, 1, 9999), "KiwoomAPIError"),
    ],
)
def test_error_for(kc: Any, codes: tuple[int, ...], cls: str) -> None:
    for code in codes:
        err = kc.errors.error_for("kt10006", code, "msg", {"return_code": code}, {"api-id": "x"})
        assert type(err).__name__ == cls
        assert isinstance(err, kc.errors.KiwoomAPIError) and isinstance(err, kc.errors.KiwoomError)
        assert (err.api_id, err.code, err.message, err.status_code) == ("kt10006", code, "msg", 200)
    assert issubclass(kc.errors.TokenError, kc.errors.AuthenticationError)


def test_api_error_response_defaults(kc: Any) -> None:
    bare = kc.errors.error_for("ka10099", 1700, "m")
    assert (bare.response, bare.status_code, bare.headers, bare.body) == (None, 200, {}, {})
    http = httpx.Response(202, headers={"api-id": "ka10099"}, json={"return_code": 1700})
    err = kc.errors.error_for("ka10099", 1700, "m", http.json(), response=http)
    assert err.response is http and err.status_code == 202
    assert err.headers["api-id"] == "ka10099" and err.body == {"return_code": 1700}
    given = kc.errors.error_for("ka10099", 1, "m", None, {"x": "1"}, status_code=200, response=http)
    assert (given.headers, given.status_code) == ({"x": "1"}, 200)  # explicit values win


def test_error_hierarchy(kc: Any) -> None:
    e = kc.errors
    assert issubclass(e.OrderStateUnknownError, e.APITimeoutError)
    assert issubclass(e.APITimeoutError, e.APIConnectionError)
    err = e.OrderStateUnknownError("kt10000")
    assert err.api_id == "kt10000" and "before sending it again" in str(err)


def _op(kc: Any, is_order: bool) -> Any:
    return kc.ops["kt10006" if is_order else "ka10099"]


@pytest.mark.parametrize(
    ("exc", "read_retry", "order_retry", "order_error"),
    [
        (httpx.ConnectError("x"), True, True, "APIConnectionError"),
        (httpx.ConnectTimeout("x"), True, True, "APITimeoutError"),
        (httpx.PoolTimeout("x"), True, True, "APITimeoutError"),
        (httpx.ReadTimeout("x"), True, False, "OrderStateUnknownError"),
        (httpx.WriteTimeout("x"), True, False, "OrderStateUnknownError"),
        (httpx.ReadError("reset"), True, False, "APIConnectionError"),
        (httpx.WriteError("x"), True, False, "APIConnectionError"),
        (httpx.RemoteProtocolError("x"), True, False, "APIConnectionError"),
        (httpx.UnsupportedProtocol("x"), False, False, "APIConnectionError"),
    ],
)
def test_transport_failure_policy(
    kc: Any, exc: Exception, read_retry: bool, order_retry: bool, order_error: str
) -> None:
    classify = kc.client_module.classify_exception
    read, order = classify(_op(kc, False), exc, None, 100), classify(_op(kc, True), exc, None, 100)
    assert (read.retryable, order.retryable) == (read_retry, order_retry)
    assert type(order.error).__name__ == order_error
    assert type(read.error).__name__ != "OrderStateUnknownError"


def test_helpers(kc: Any) -> None:
    m = kc.client_module
    when = m.parse_expires_dt("20250102030405")
    assert when.utcoffset() == timedelta(hours=9) and (when.year, when.hour) == (2025, 3)
    assert m.parse_expires_dt("soon") is None and m.parse_expires_dt(None) is None
    assert [m.return_code_of(b) for b in ({}, {"return_code": 0}, {"return_code": "1700"})] == [
        0,
        0,
        1700,
    ]
    assert m.build_headers("ka10099", None) == {
        "api-id": "ka10099",
        "content-type": "application/json;charset=UTF-8",
    }
    h = m.build_headers("ka10099", "T", cont_yn="Y", next_key="k")
    assert (h["authorization"], h["cont-yn"], h["next-key"]) == ("Bearer T", "Y", "k")
    assert m.retry_after_of(httpx.Headers({"retry-after": "2"})) == 2.0
    assert m.retry_after_of(httpx.Headers({"retry-after": "99999"})) == m.MAX_RETRY_AFTER
    assert m.retry_after_of(httpx.Headers({})) is None


def test_request_built_as_httpx_builds_it(kc: Any) -> None:
    """The parsed URL is reused and the timeout passed as its extension: the request is the one
    ``build_request(url_text, timeout=...)`` makes, on every call and for every timeout form."""
    m = kc.client_module
    text = "https://api.kiwoom.test/api/dostk/crdordr"
    assert m.parsed_url(text) is m.parsed_url(text) and str(m.parsed_url(text)) == text
    timeouts = (2.0, None, httpx.Timeout(10.0, connect=5.0), httpx.Timeout(None, read=3.0))
    with httpx.Client(base_url="https://other.test", headers={"x-default": "1"}) as http:
        for timeout in timeouts:
            expected = http.build_request("POST", text, content=b"{}", timeout=timeout)
            built = http.build_request(
                "POST",
                m.parsed_url(text),
                content=b"{}",
                extensions={"timeout": m.timeout_extension(timeout)},
            )
            assert built.url == expected.url and built.extensions == expected.extensions
            assert built.headers.multi_items() == expected.headers.multi_items()
    with pytest.raises(httpx.InvalidURL):  # a malformed base_url fails as httpx fails it
        m.parsed_url("https://api.kiwoom.test:port/x")
    with kc.Client(base_url="https://api.kiwoom.test/", access_token="t", timeout=2.0) as client:
        op = client._lookup("ka10099")
        options = m.RequestOptions()
        request = client._build_request(op, b"{}", "t", options, None, None, None)
        assert str(request.url) == "https://api.kiwoom.test" + op.path
        assert request.extensions["timeout"] == httpx.Timeout(2.0).as_dict()
        again = client._build_request(op, b"{}", "t", options, None, None, None)
        assert again.url == request.url
        assert again.extensions["timeout"] is not request.extensions["timeout"]  # not shared


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (0, 0),
        (0.0, 0),
        ("0", 0),
        (" 0 ", 0),
        ("0.0", 0),
        ("00", 0),
        (None, 0),
        ("", 0),
        (1700, 1700),
        ("1700", 1700),
        (1700.0, 1700),
        (-1, -1),
        ("x", None),
        (0.5, None),
        (float("nan"), None),
        (True, None),
        ([0], None),
        ({}, None),
    ],
)
def test_return_code_is_normalised(kc: Any, raw: Any, code: int | None) -> None:
    assert kc.client_module.return_code_of({"return_code": raw}) == code


def test_secret_wrapper_masks(kc: Any) -> None:
    s = kc.client_module._Secret("hunter2")
    assert s.get() == "hunter2" and "hunter2" not in repr(s) + str(s) + f"{s}"


def test_operations_are_lazy_and_cached(kc: Any, tmp_path: Path) -> None:
    name = kc.build_package(tmp_path)
    try:
        pkg = importlib.import_module(name)
        testing = importlib.import_module(f"{name}.testing")
        ops = importlib.import_module(f"{name}._operations").OPERATIONS
        assert not [m for m in sys.modules if m.startswith(f"{name}.models")]
        assert testing.FakeKiwoomServer().operations is ops  # default registry, relative import
        order = ops["kt10006"]  # absolute models_module
        assert order.request_model.__name__ == "CreditBuyRequest"
        assert f"{name}.models.credit_orders" in sys.modules
        assert f"{name}.models.reads" not in sys.modules
        assert order.request_model is order.request_model
        read = ops["ka10099"]  # relative models_module
        assert read.response_model.__module__ == f"{name}.models.reads"
        hash(read)  # frozen and hashable despite the example dicts and the cache
        assert "response_example" not in repr(read)
        assert pkg.KiwoomClient._operations is ops
    finally:
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]
        sys.path.remove(str(tmp_path))


def test_bad_model_name(kc: Any) -> None:
    import dataclasses

    op = dataclasses.replace(kc.ops["ka10099"], request_model_name="Nope")
    with pytest.raises(TypeError, match="Nope"):
        _ = op.request_model


def test_operations_from_json_equal_what_init_makes(kc: Any) -> None:
    """The registry's fast path makes the instances ``Operation(**row)`` makes: same fields
    (defaults and a cache of its own included), equal, hashable, replaceable, still frozen."""
    import dataclasses
    import json

    mod = importlib.import_module(f"{kc.name}._operation")
    columns = ("api_id", "name", "path", "transport", "group", "method", "is_order")
    columns += ("models_module", "request_model_name", "response_model_name", "request_example")
    rows = [
        ["ka1", "읽기", "/api/a", "http", "g", "read", False, ".models.reads", "A", "B", {"x": 1}],
        ["kt2", "주문", "/api/o", "http", "us.g", "buy", True, ".models.o", "C", "D", None],
    ]
    built = mod.operations_from_json(columns, [json.dumps(r, ensure_ascii=False) for r in rows])
    assert list(built) == ["ka1", "kt2"]
    for row in rows:
        fast, slow = built[row[0]], mod.Operation(**dict(zip(columns, row, strict=True)))
        assert vars(fast) == vars(slow) and fast == slow and hash(fast) == hash(slow)
        assert (fast.http_method, fast.response_example) == ("POST", None)  # the defaults
        assert repr(fast) == repr(slow)
        with pytest.raises(dataclasses.FrozenInstanceError):
            fast.api_id = "x"  # type: ignore[misc]
        assert dataclasses.replace(fast, name="n") == dataclasses.replace(slow, name="n")
    assert built["ka1"]._models is not built["kt2"]._models  # each its own model cache
    with pytest.raises(TypeError, match="'nope'"):
        mod.operations_from_json((*columns, "nope"), [json.dumps([*rows[0], 1])])
    with pytest.raises(TypeError, match="'name'"):
        mod.operations_from_json(("api_id",), ['["ka1"]'])
    with pytest.raises(ValueError):  # a row longer than the columns
        mod.operations_from_json(columns, [json.dumps([*rows[0], 1])])


# ---- the fake server itself ------------------------------------------------------------------


def post(server: Any, path: str, body: Any = None, **headers: str) -> dict[str, Any]:
    """The answer, its ``return_code`` replaced by the code embedded in Kiwoom's envelope."""
    r = httpx.post(server.url + path, json=body, headers=headers, timeout=2)
    assert r.status_code == 200
    result: dict[str, Any] = r.json()
    if result["return_code"] != 0:  # generic at the top, the specific code in the message
        assert result["return_code"] in (2, 3, 5)
        found = re.search(r"\[(\d{4}):", result["return_msg"])
        assert found, result
        result["return_code"] = int(found.group(1))
    return result


@pytest.mark.slow
def test_fake_server_checks(kc: Any, server: Any) -> None:
    issued = post(
        server,
        "/oauth2/token",
        {"grant_type": "client_credentials", "appkey": "a", "secretkey": "b"},
    )
    assert issued["return_code"] == 0 and len(issued["expires_dt"]) == 14
    auth = {"authorization": f"Bearer {issued['token']}"}
    assert (
        post(server, "/oauth2/token", {"grant_type": "x", "appkey": "a", "secretkey": "b"})[
            "return_code"
        ]
        == 1517
    )
    assert (
        post(server, "/oauth2/token", {"grant_type": "client_credentials"})["return_code"] == 8001
    )
    stkinfo = "/api/dostk/stkinfo"
    assert post(server, stkinfo, {"mrkt_tp": "0"}, **auth)["return_code"] == 1501
    assert post(server, stkinfo, {}, **{"api-id": "ka99999"}, **auth)["return_code"] == 1505
    assert (
        post(server, "/api/dostk/websocket", {"trnm": "REG"}, **{"api-id": "0B"}, **auth)[
            "return_code"
        ]
        == 1504
    )
    assert post(server, stkinfo, {"mrkt_tp": "0"}, **{"api-id": "ka10099"})["return_code"] == 8005
    ok = post(server, stkinfo, {"mrkt_tp": "0"}, **{"api-id": "ka10099"}, **auth)
    assert ok["return_code"] == 0 and ok["stk_list"][0]["code"] == "005930"
    assert post(server, stkinfo, None, **{"api-id": "ka10099"}, **auth)["return_code"] == 1517
    server.set_pages("ka10099", [{"a": 1}, {"a": 2}])
    bad_key = {"api-id": "ka10099", "next-key": "nope", "cont-yn": "Y", **auth}
    assert post(server, stkinfo, {"mrkt_tp": "0"}, **bad_key)["return_code"] == 1517
    post(server, "/oauth2/revoke", {"appkey": "a", "secretkey": "b", "token": issued["token"]})
    assert (
        post(server, stkinfo, {"mrkt_tp": "0"}, **{"api-id": "ka10099"}, **auth)["return_code"]
        == 8005
    )
    assert all(k == k.lower() for r in server.requests for k in r.headers)
    assert len(server.requests) == 12
    server.reset()
    assert server.requests == [] and server.requests_for("ka10099") == []


def test_fake_server_stops_cleanly(kc: Any) -> None:
    with kc.FakeKiwoomServer() as server:
        url = server.url
        server.delay("ka10099", 30)  # a pending slow answer must not block shutdown
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(url + "/api/dostk/stkinfo", headers={"api-id": "ka10099"}, timeout=0.1)
    with pytest.raises(httpx.ConnectError):
        httpx.post(url + "/api/dostk/stkinfo", timeout=1)
    with pytest.raises(RuntimeError):
        _ = server.url
    with pytest.raises(ValueError):
        server.queue_error("ka10099", 1700, times=0)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"cont-yn": "Y", "next-key": "k1"}, True),
        ({"cont-yn": "N", "next-key": "k1"}, False),
        ({"cont-yn": "Y", "next-key": ""}, False),
        ({}, False),
    ],
)
def test_has_next_page(kc: Any, headers: dict[str, str], expected: bool) -> None:
    response_mod = importlib.import_module(f"{kc.name}._response")
    http = httpx.Response(200, headers=headers, json={"return_code": 0})
    resp = response_mod.KiwoomResponse(
        client=None, op=kc.ops["ka10099"], data=None, body={"return_code": 0},
        http_response=http, payload=b"{}", options=response_mod.RequestOptions(),
    )  # fmt: skip
    assert resp.has_next_page() is expected
    assert resp.return_code == 0 and "return_code" not in repr(resp)
    if not expected:
        with pytest.raises(kc.errors.KiwoomError, match="no next page"):
            resp.next_page()
