"""Synthetic WebSocket sheets in the official layout: every role of Kiwoom's 31 real-time APIs.

Written from the facts of KIWOOM_FORMAT.md and the real-time issue (nothing copied from Kiwoom):
subscription types (0B with items, 00 account-wide, FE US with object items, F5 US
account-wide), and the condition services of both markets (list, one-off, live, clear). An HTTP
sheet gives the label `매도호가` its wire name, which the real-time field 27 reuses.
"""

from __future__ import annotations

import json
from pathlib import Path

from kiwoom_codegen.regen.layout import SheetData, TableRow, WorkbookData, save_workbook

from tests.support.fixtures import WSS, WSS_MOCK, f

DOMESTIC = "/api/dostk/websocket"
US = "/api/us/websocket"

VALUES_0B: tuple[TableRow, ...] = (
    f("- - 20", "체결시간", length=None),
    f("- - 10", "현재가", length=None, description="+ 상승, - 하락"),
    f("- - 11", "전일대비", length=None),
    f("- - 27", "매도호가", length=None),
    f("- - 290", "장구분", length=None, description="1:장전 시간외, 2:장중, 3:장후 시간외"),
    f("- - 1890", "현재가", length=None),  # the same label twice in one type
    f("- - 9081", "거래소구분", length=None),
)


def _ws(api_id: str, name: str, menu: str, url: str, **kw: object) -> SheetData:
    return SheetData(
        api_id=api_id,
        name=name,
        menu=f"{menu} > {name}({api_id})",
        url=url,
        production=WSS,
        mock=WSS_MOCK,
        request_headers=(),
        response_headers=(),
        **kw,  # type: ignore[arg-type]
    )


def subscription(
    api_id: str,
    name: str,
    values: tuple[TableRow, ...],
    us: bool = False,
    item_description: str = "거래소별 종목코드, 업종코드",
) -> SheetData:
    request: tuple[TableRow, ...] = (
        f("trnm", "서비스명", required="Y", length=10, description="REG : 등록 , REMOVE : 해지"),
        f("grp_no", "그룹번호", required="Y", length=4),
        f(
            "refresh",
            "기존등록유지여부",
            required="Y",
            length=1,
            description="등록(REG)시\n0:기존유지안함, 1:기존유지",
        ),
        f("data", "실시간 등록 리스트", "LIST", required="", length=None),
        f("- item", "실시간 등록 요소", length=100, description=item_description),
        f("- type", "실시간 항목", required="Y", length=2, description=f"TR 명({api_id})"),
    )
    response: tuple[TableRow, ...] = (
        f("return_code", "결과코드", length=None, description="통신결과에대한 코드"),
        f("return_msg", "결과메시지", length=None),
        f(
            "trnm",
            "서비스명",
            length=None,
            description="등록,해지요청시 요청값 반환 , 실시간수신시 REAL 반환",
        ),
        f("data", "실시간 등록리스트", "LIST", length=None),
        f("- type", "실시간항목", length=None, description=f"TR 명({api_id})"),
        f("- name", "실시간 항목명", length=None),
        f("- item", "실시간 등록 요소", length=None, description="종목코드"),
        f("- values", "실시간 값 리스트", "LIST", length=None),
        *values,
    )
    item = {"jmcode": "NVDA", "stex_tp": "ND"} if us else "005930"
    example_values = {row[0].removeprefix("- - "): f"+{i}00" for i, row in enumerate(values, 1)}
    return _ws(
        api_id,
        name,
        "미국주식 > 실시간시세" if us else "국내주식 > 실시간시세",
        US if us else DOMESTIC,
        request_body=request,
        response_body=response,
        request_example=json.dumps(
            {
                "trnm": "REG",
                "grp_no": "1",
                "refresh": "1",
                "data": [{"item": [item], "type": [api_id]}],
            },
            ensure_ascii=False,
            indent=4,
        ),
        response_example=json.dumps(
            {
                "trnm": "REAL",
                "data": [
                    {
                        "type": api_id,
                        "name": name,
                        "item": "NVDA" if us else "005930",
                        "values": example_values,
                    }
                ],
            },
            ensure_ascii=False,
            indent=4,
        ),
    )


def conditions(us: bool = False) -> list[SheetData]:
    ids = (
        ("usa20280", "usa20281", "usa20290", "usa20291")
        if us
        else ("ka10171", "ka10172", "ka10173", "ka10174")
    )
    # KIWOOM_FORMAT.md: the US services are GCNSR*, and their requests have no stex_tp
    lst, req, clr = (
        ("GCNSRLST", "GCNSRREQ", "GCNSRCLR") if us else ("CNSRLST", "CNSRREQ", "CNSRCLR")
    )
    menu = "미국주식 > 조건검색" if us else "국내주식 > 조건검색"
    url = US if us else DOMESTIC
    prefix = "미국주식 " if us else ""
    exchange: tuple[TableRow, ...] = (
        () if us else (f("stex_tp", "거래소구분", required="Y", length=1, description="K:KRX"),)
    )
    answer: tuple[TableRow, ...] = (
        f("return_code", "결과코드", length=None),
        f("return_msg", "결과메시지", length=None),
        f("trnm", "서비스명", length=None),
    )
    return [
        _ws(
            ids[0],
            f"{prefix}조건검색 목록조회",
            menu,
            url,
            request_body=(
                f("trnm", "서비스명", required="Y", length=7, description=f"{lst} 고정값"),
            ),
            response_body=(
                *answer,
                f("data", "조건검색식 목록", "LIST", length=None),
                f("- seq", "조건검색식 일련번호", length=None),
                f("- name", "조건검색식 명", length=None),
            ),
        ),
        _ws(
            ids[1],
            f"{prefix}조건검색 요청 일반",
            menu,
            url,
            request_body=(
                f("trnm", "서비스명", required="Y", length=7, description=f"{req} 고정값"),
                f("seq", "조건검색식 일련번호", required="Y", length=3),
                f("search_type", "조회타입", required="Y", length=1, description="0 고정값"),
                *exchange,
                f(
                    "cont_yn",
                    "연속조회여부",
                    length=1,
                    description="Y:연속조회요청,N:연속조회미요청",
                ),
                f("next_key", "연속조회키", length=20),
            ),
            response_body=(
                *answer,
                f("seq", "조건검색식 일련번호", length=None),
                f("cont_yn", "연속조회여부", length=None),
                f("next_key", "연속조회키", length=None),
                f("data", "검색결과데이터", "LIST", length=None),
                f("- 9001", "종목코드", length=None),
                f("- 302", "종목명", length=None),
                f("- 10", "현재가", length=None),
            ),
        ),
        _ws(
            ids[2],
            f"{prefix}조건검색 요청 실시간",
            menu,
            url,
            request_body=(
                f("trnm", "서비스명", required="Y", length=7, description=f"{req} 고정값"),
                f("seq", "조건검색식 일련번호", required="Y", length=3),
                f("search_type", "조회타입", required="Y", length=1, description="1 고정값"),
                *exchange,
            ),
            # the official sheet has a 조회 데이터 shape before this 실시간 데이터 one
            response_body=(
                f("trnm", "서비스명", length=None, description="REAL"),
                f("data", "실시간 데이터", "LIST", length=None),
                f("- type", "실시간항목", length=None, description="S2" if us else "02"),
                f("- name", "실시간 항목명", length=None),
                f("- item", "종목코드", length=None),
                f("- values", "실시간 값 리스트", "LIST", length=None),
                f("- - 841", "조건식일련번호", length=None),
                f("- - 9001", "종목코드", length=None),
                f("- - 843", "삽입삭제구분", length=None, description="I:삽입, D:삭제"),
                f("- - 20", "체결시간", length=None),
                f("- - 907", "매도수구분", length=None),
            ),
        ),
        _ws(
            ids[3],
            f"{prefix}조건검색 실시간 해제",
            menu,
            url,
            request_body=(
                f("trnm", "서비스명", required="Y", length=7, description=f"{clr} 고정값"),
                f("seq", "조건검색식 일련번호", required="Y", length=3),
            ),
            response_body=(*answer, f("seq", "조건검색식 일련번호", length=None)),
        ),
    ]


def http_quote() -> SheetData:
    """An HTTP API whose table names 매도호가 `sel_bid` and 현재가 twice (ambiguous)."""
    return SheetData(
        api_id="ka10004",
        name="주식호가요청",
        menu="국내주식 > 시세 > 주식호가요청(ka10004)",
        url="/api/dostk/mrkcond",
        request_body=(f("stk_cd", "종목코드", required="Y", length=20),),
        response_body=(
            f("sel_bid", "매도호가"),
            f("cur_prc", "현재가"),
            f("pred_close_pric", "현재가"),  # same label, another wire name: not reused
            f("trde_qty", "거래량"),
        ),
    )


def realtime_sheets() -> list[SheetData]:
    return [
        http_quote(),
        subscription("0B", "주식체결", VALUES_0B),
        subscription(
            "00",
            "주문체결",
            (
                f("- - 9201", "계좌번호", length=None),
                f("- - 9203", "주문번호", length=None),
                f("- - 913", "주문상태", length=None),
            ),
        ),
        subscription(
            "FE",
            "미국주식 실시간 체결가",
            (f("- - 10", "현재가", length=None), f("- - 20", "체결시간", length=None)),
            us=True,
        ),
        subscription(
            "F5", "미국주식 실시간 체결", (f("- - 9203", "주문번호", length=None),), us=True
        ),
        *conditions(),
        *conditions(us=True),
    ]


def write_realtime_workbook(path: Path) -> Path:
    return save_workbook(WorkbookData(realtime_sheets()), path)
