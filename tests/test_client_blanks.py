"""The generated client with mined enumerations, over real HTTP against the fake server.

`""` is accepted by every optional request field (Kiwoom's "not given") and by required fields
whose description documents a blank; unset fields are still left out of the body. Closed
enumerations are enforced, open ones are hints (any string passes, Length still holds), and
conditions that name another field's values are checked before anything is sent.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.regen.layout import SheetData, WorkbookData, save_workbook

from tests.support.client_helpers import (
    APPKEY,
    SECRETKEY,
    Generated,
    generate,
    imported,
    mypy_strict,
)

INQUIRY = SheetData(
    api_id="ka90020",
    name="업종 조회",
    menu="국내주식 > 업종 > 업종 조회(ka90020)",
    url="/api/dostk/sect",
    request_body=(
        ("qry_tp", "조회구분", "String", "N", 1, "0:전체, 1:매수, 2:매도"),
        ("sort_tp", "정렬구분", "String", "Y", 1, "1:최근순, 2:과거순\n미입력시 과거거래순"),
        ("mrkt_tp", "시장구분", "String", "Y", 2, "%:전체,NA:AMEX,ND:NASDAQ,NY:NYSE"),
        ("strt_dt", "시작일자", "String", "N", 8, "YYYYMMDD"),
        ("inds_cd", "업종코드", "String", "N", 3, "001:종합(KOSPI), 002:대형주 ※ 업종코드 참고"),
        ("stk_cd", "종목코드", "String", "N", 12, ""),
    ),
    response_body=(("inds_nm", "업종명", "String", "N", 20, ""),),
    request_example='{"qry_tp": "", "sort_tp": "", "mrkt_tp": "NY"}',
    response_example='{"inds_nm": "종합", "return_code": 0, "return_msg": "정상"}',
)

US_ORDER = SheetData(
    api_id="usa90021",
    name="미국주식 매수주문",
    menu="미국주식 > 주문 > 미국주식 매수주문(usa90021)",
    url="/api/usstk/ordr",
    request_body=(
        ("stk_cd", "종목코드", "String", "Y", 12, ""),
        ("trde_tp", "주문유형", "String", "Y", 2, "00:지정가 03시장가 26:VWAP지정가 34:STOP LIMIT"),
        ("ord_uv", "주문단가", "String", "N", 12, "지정가(00) 주문시 필수"),
        ("stop_pric", "스톱가격", "String", "N", 12, "주문유형이 STOP LIMIT인 경우 필수"),
    ),
    response_body=(("ord_no", "주문번호", "String", "N", 7, ""),),
    response_example='{"ord_no": "0000001", "return_code": 0, "return_msg": "정상"}',
)


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    d = tmp_path_factory.mktemp("blank_specs")
    spec = save_workbook(WorkbookData((INQUIRY, US_ORDER)), d / "spec.xlsx")
    python = generate([spec], tmp_path_factory.mktemp("blank_out"))
    with imported(python, tmp_path_factory.mktemp("blank_import"), "blanks") as generated:
        yield generated


@pytest.fixture
def server(gen: Generated) -> Iterator[Any]:
    with gen.FakeKiwoomServer(appkey=APPKEY, secretkey=SECRETKEY) as fake:
        yield fake


@pytest.fixture
def client(gen: Generated, server: Any) -> Iterator[Any]:
    with gen.KiwoomClient(
        appkey=APPKEY, secretkey=SECRETKEY, env="mock", base_url=server.url, timeout=5.0
    ) as c:
        yield c


def method(gen: Generated, client: Any, api_id: str) -> Any:
    op = gen.OPERATIONS[api_id]
    group = client
    for part in op.group.split("."):  # US groups are dotted: us.orders
        group = getattr(group, part)
    return getattr(group, op.method)


@pytest.mark.slow
def test_blank_optional_fields_are_sent_as_given(gen: Generated, server: Any, client: Any) -> None:
    sent_kwargs = {
        "qry_tp": "",
        "sort_tp": "",
        "mrkt_tp": "NY",
        "strt_dt": "",
        "inds_cd": "",
        "stk_cd": "",
    }
    resp = method(gen, client, "ka90020")(**sent_kwargs)
    (sent,) = server.requests_for("ka90020")
    assert sent.json == sent_kwargs
    assert resp.data.inds_nm == "종합"


def test_unset_optional_fields_are_left_out(gen: Generated, server: Any, client: Any) -> None:
    method(gen, client, "ka90020")(sort_tp="1", mrkt_tp="%")
    (sent,) = server.requests_for("ka90020")
    assert sent.json == {"sort_tp": "1", "mrkt_tp": "%"}


def test_the_sheets_own_example_with_blanks_passes_the_fake_server(
    gen: Generated, server: Any, client: Any
) -> None:
    resp = client.call("ka90020", {"qry_tp": "", "sort_tp": "", "mrkt_tp": "NY"})
    assert resp.status_code == 200 and len(server.requests_for("ka90020")) == 1


def test_open_enum_takes_any_code_within_its_length(
    gen: Generated, server: Any, client: Any
) -> None:
    call = method(gen, client, "ka90020")
    call(sort_tp="1", mrkt_tp="NY", inds_cd="201")  # not listed: the list is open
    assert server.requests_for("ka90020")[0].json["inds_cd"] == "201"
    with pytest.raises(ValueError, match="at most 3 characters"):
        call(sort_tp="1", mrkt_tp="NY", inds_cd="2010")
    assert len(server.requests_for("ka90020")) == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    "bad",
    [
        {"sort_tp": "1", "mrkt_tp": ""},  # required, no blank documented
        {"sort_tp": "1", "mrkt_tp": "XX"},  # closed
        {"sort_tp": "1", "mrkt_tp": "NY", "qry_tp": "9"},  # closed
        {"sort_tp": "1", "mrkt_tp": "NY", "strt_dt": "2024"},  # the format
    ],
)
def test_closed_enums_and_formats_still_hold(
    gen: Generated, server: Any, client: Any, bad: dict[str, str]
) -> None:
    with pytest.raises(ValueError):
        method(gen, client, "ka90020")(**bad)
    assert server.requests_for("ka90020") == []


@pytest.mark.slow
def test_us_limit_order_without_a_price_is_refused_before_sending(
    gen: Generated, server: Any, client: Any
) -> None:
    buy = method(gen, client, "usa90021")
    with pytest.raises(ValueError, match="ord_uv"):
        buy(stk_cd="AAPL", trde_tp="00")
    with pytest.raises(ValueError, match="ord_uv"):
        buy(stk_cd="AAPL", trde_tp="00", ord_uv="")  # "" is "not given"
    with pytest.raises(ValueError, match="stop_pric"):
        buy(stk_cd="AAPL", trde_tp="34", ord_uv="1")
    assert server.requests_for("usa90021") == []
    buy(stk_cd="AAPL", trde_tp="03")  # market: no price needed
    buy(stk_cd="AAPL", trde_tp="00", ord_uv="180.5")
    assert [r.json for r in server.requests_for("usa90021")] == [
        {"stk_cd": "AAPL", "trde_tp": "03"},
        {"stk_cd": "AAPL", "trde_tp": "00", "ord_uv": "180.5"},
    ]


def test_types_say_closed_and_open(gen: Generated) -> None:
    op = gen.OPERATIONS["ka90020"]
    hints = typing.get_type_hints(op.request_model, include_extras=True)

    def args(name: str) -> set[Any]:
        out: set[Any] = set()
        stack = [hints[name]]
        while stack:
            t = stack.pop()
            if typing.get_origin(t) is typing.Annotated:
                stack.append(typing.get_args(t)[0])
            elif typing.get_args(t):
                stack.extend(typing.get_args(t))
            else:
                out.add(t)
        return out

    assert args("qry_tp") == {"0", "1", "2", "", type(None)}
    assert args("mrkt_tp") == {"%", "NA", "ND", "NY"}
    assert {"001", "002", str} <= args("inds_cd")
    schema = json.dumps(op.request_model.model_json_schema(), ensure_ascii=False)
    assert '"001"' in schema


@pytest.mark.slow
def test_generated_package_is_mypy_strict_clean(gen: Generated, tmp_path: Path) -> None:
    # Literal[...] | str hints, Literal[..., ""] and the appended length validator type-check
    result = mypy_strict("kiwoom_client", gen.python_dir, tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
