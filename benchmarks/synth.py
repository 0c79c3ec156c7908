"""A synthetic full-size spec workbook in the official layout (nothing copied from Kiwoom).

    from benchmarks.synth import synthetic_workbook, write_synthetic
    write_synthetic(tmp_path / "kiwoom.xlsx")            # the 337 APIs, ~9,000 field rows
    write_synthetic(tmp_path / "small.xlsx", n=20)       # the same shapes, small

The APIs are the real ones: the ids, URLs, menus and names of Kiwoom's catalog
(tests/data/catalog.tsv, facts only), so the generated names are the reviewed ones (no
fallbacks). Their tables are made up. The shapes follow KIWOOM_FORMAT.md: an index sheet
`API 리스트` (title row, header on row 3, a `공통` row), 국내주식 APIs (queries with LIST
responses nested to depth 2, orders), 미국주식 APIs, the two OAuth APIs, WebSocket services
(two-character ids with case twins `0g`/`0G`, numeric field names), the `오류코드` sheet;
long sheet names that Excel shortens, descriptions with enumerations, formats, units and
notes, and about one example in five that is not valid JSON; the real-time subscription
services (REG/REMOVE with `item`/`type` arrays, pushed `values` keyed by field id) and the
condition-search services of both markets (CNSRLST/CNSRREQ/CNSRCLR, US GCNSR... without
stex_tp, live types 02
and S2: list, one-off with cont_yn/next_key, live, clear), ka10173 and usa20290 with their
Response split into two alternative shapes by heading rows, and response examples holding two
documents after `#...` comment lines (the live condition searches and the subscriptions).
Output is deterministic for a given ``n`` and ``seed``.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

from kiwoom_codegen.regen.layout import SheetData, TableRow, WorkbookData, save_workbook

CATALOG = Path(__file__).resolve().parents[1] / "tests" / "data" / "catalog.tsv"
# Always in a workbook of any size: the token APIs and the case twins.
MUST_HAVE = ("au10001", "au10002", "0g", "0G", "0u", "0U")
MOCK_WSS = "wss://mockapi.kiwoom.com:10000"
PROD_WSS = "wss://api.kiwoom.com:10000"

DESCRIPTIONS = (
    "",
    "",
    "",
    "KRX,NXT,SOR",
    "KRX, NXT, SOR",
    "1:1분, 2:10분, 3:1시간",
    "K:KRX",
    "33:융자 , 99:융자합",
    "단위: 원",
    "단위: 1주",
    "'0' 입력시 잔량 전부 취소",
    "7자리 주문번호",
    "YYYYMMDD",
    "YYYYMMDD(융자일경우필수)",
    "0:전체, 1:코스피, 2:코스닥",
    "1:매도, 2:매수",
    "0:보통 , 3:시장가 , 5:조건부지정가 , 81:장마감후시간외 , 61:장시작전시간외, 62:시간외단일가 , "
    "6:최유리지정가 , 7:최우선지정가 , 10:보통(IOC) , 13:시장가(IOC) , 16:최유리(IOC) , "
    "20:보통(FOK) , 23:시장가(FOK) , 26:최유리(FOK) , 28:스톱지정가,29:중간가,30:중간가(IOC),"
    "31:중간가(FOK)",
    "조회 기준일자\n예) 20241107",
    "거래소별 종목코드\n(KRX:039490,NXT:039490_NX,SOR:039490_AL)",
    "Y:예, N:아니오   ",
    "+ 부호는 상승, - 부호는 하락\n값은 0으로 채워진 문자열",
    # the full workbook's harder styles (issue 8)
    "1:KRX, 2:NXT 3.통합",
    "00:지정가 03시장가 26:VWAP지정가 ... 34:STOP LIMIT",
    "001:종합(KOSPI), 002:대형주, ... 004:소형주 101:종합(KOSDAQ) ... 나머지 ※ 업종코드 참고",
    "0:기존유지안함 1:기존유지(Default)",
    "%:전체,NA:AMEX,ND:NASDAQ,NY:NYSE",
    "0:전체,1:5미만,2:5~10,3:10~20,4:20이상",
    "분단위(5:10분, 15:15분, ...)",
    "10;10일, 20;20일, 60;60일",
    "금액:0, 수량:1",
    "1:매수,\n2:매도,\n3:전체,",
    "HH:mm",
    "HH:mm:ss",
    "0:평균, YYYY:년도",
    "YYYY",
    "YYYMMDD",
    "5값으로 고정",
    "지정가(00) 주문시 필수",
    "주문유형이 STOP LIMIT인 경우 필수",
    "조회구분\n(미입력시 과거거래순)",
    "빈값('') 허용",
    "공백허용",
)
ERROR_CODES = (
    (1501, "API ID가 없습니다"),
    (1504, "해당 URI에서는 지원하는 API ID가 아닙니다"),
    (1505, "알 수 없는 API ID입니다"),
    (1511, "필수 입력 값이 없습니다"),
    (1517, "입력 값 형식이 올바르지 않습니다"),
    (1687, "재귀 호출이 제한됩니다"),
    (1700, "API별 허용된 요청 건수를 초과했습니다"),
    (1701, "전체 허용된 요청 건수를 초과했습니다"),
    (1702, "그룹별 허용된 요청 건수를 초과했습니다"),
    (1901, "시장 코드값이 존재하지 않습니다"),
    (1902, "종목 정보가 없습니다"),
    (1903, "해당 시장의 종목 정보가 없습니다"),
    (1999, "예기치 못한 에러입니다"),
    (8001, "App Key와 Secret Key 검증에 실패했습니다"),
    (8002, "App Key와 Secret Key 검증에 실패했습니다"),
    (8005, "Token이 유효하지 않습니다"),
    (8010, "IP와 Token이 발급된 IP가 다릅니다"),
    (8030, "투자구분(실전/모의)이 달라 App Key를 사용할 수 없습니다"),
    (8031, "투자구분(실전/모의)이 달라 Token을 사용할 수 없습니다"),
    (8104, "모의투자에서 지원하지 않는 API입니다"),
    (8200, "법인 고객은 사용할 수 없습니다"),
)


def _row(rng: random.Random, name: str, required: str = "N") -> TableRow:
    length: int | str = rng.choice((1, 2, 3, 8, 12, 20, 40, "12", "20"))
    return (name, f"항목 {name}", "String", required, length, rng.choice(DESCRIPTIONS))


def _example(rng: random.Random, fields: list[TableRow]) -> str:
    body = {
        row[0]: "0000001" for row in fields if not row[0].startswith("-") and row[2] == "String"
    }
    text = json.dumps(body, ensure_ascii=False, indent=4)
    if rng.random() < 0.2:  # about one in five official examples is not valid JSON
        text = text.replace(",\n", "\n", 1) if "," in text else text + "\n(예시)"
    return text


def _query(rng: random.Random, api_id: str, name: str, menu: str, url: str) -> SheetData:
    request: list[TableRow] = [
        ("stk_cd", "종목코드", "String", "Y", 20, rng.choice(DESCRIPTIONS)),
        ("dmst_stex_tp", "국내거래소구분", "String", "Y", 3, "KRX,NXT,SOR"),
    ]
    request += [_row(rng, f"qry_{k}", rng.choice("YN")) for k in range(rng.randint(0, 3))]
    response = [_row(rng, f"top_{k}") for k in range(rng.randint(1, 4))]
    response.append(("조회 데이터", "", "", None, None, ""))  # a section heading, not a field
    response.append((f"{api_id}_list", "목록", "LIST", "N", None, ""))
    for k in range(rng.randint(8, 16)):
        response.append(_row(rng, f"- item_{k}"))
    if rng.random() < 0.4:
        response.append(("- detail", "상세", "LIST", "N", None, ""))
        response += [_row(rng, f"- - sub_{k}") for k in range(rng.randint(2, 4))]
    return SheetData(
        api_id=api_id,
        name=name,
        menu=menu,
        url=url,
        request_body=request,
        response_body=response,
        request_example=_example(rng, request),
        response_example=_example(rng, response),
        overview=("조회 화면의 데이터를 제공합니다.", "연속조회를 지원합니다.")[
            : rng.randint(0, 2)
        ],
    )


# Real-time field ids with their Korean labels (facts of Kiwoom's real-time fields): the pushed
# values of a synthetic type are 현재가 and 체결시간 and a sample of the others.
REALTIME_FIELDS = (
    ("10", "현재가"), ("20", "체결시간"), ("11", "전일대비"), ("12", "등락율"),
    ("13", "누적거래량"), ("14", "누적거래대금"), ("15", "거래량"), ("16", "시가"), ("17", "고가"),
    ("18", "저가"), ("21", "호가시간"), ("23", "예상체결가"), ("24", "예상체결수량"),
    ("25", "전일대비기호"), ("26", "전일거래량대비"), ("27", "매도호가"), ("28", "매수호가"),
    ("29", "거래대금증감"), ("30", "전일거래량대비(비율)"), ("31", "거래회전율"),
    ("32", "거래비용"), ("41", "매도호가1"), ("51", "매수호가1"), ("61", "매도호가수량1"),
    ("71", "매수호가수량1"), ("121", "매도호가총잔량"), ("125", "매수호가총잔량"),
    ("128", "순매수잔량"), ("129", "매수비율"), ("138", "순매도잔량"), ("139", "매도비율"),
    ("215", "장운영구분"), ("228", "체결강도"), ("290", "장구분"), ("302", "종목명"),
    ("311", "시가총액(억)"), ("567", "상한가발생시간"), ("568", "하한가발생시간"),
    ("691", "K.O 접근도"), ("732", "LP보유수량"), ("851", "전일 동시간 거래량 비율"),
    ("900", "주문수량"), ("901", "주문가격"), ("902", "미체결수량"), ("905", "주문구분"),
    ("907", "매도수구분"), ("908", "주문/체결시간"), ("909", "체결번호"), ("910", "체결가"),
    ("911", "체결량"), ("913", "주문상태"), ("930", "보유수량"), ("931", "매입단가"),
    ("933", "주문가능수량"), ("1030", "매도체결량"), ("1031", "매수체결량"),
    ("1890", "시가시간"), ("9001", "종목코드"), ("9081", "거래소구분"), ("9201", "계좌번호"),
    ("9203", "주문번호"),
)  # fmt: skip


def _websocket(rng: random.Random, api_id: str, name: str, menu: str, url: str) -> SheetData:
    count = len(range(10, 10 * rng.randint(6, 14), 10))  # as many draws as before, same rng
    picked = random.Random(f"realtime-{api_id}").sample(REALTIME_FIELDS[2:], count - 2)
    values = [
        (f"- - {k}", label, "String", "N", None, "")
        for k, label in (*REALTIME_FIELDS[:2], *sorted(picked, key=lambda p: int(p[0])))
    ]
    response: list[TableRow] = [
        ("trnm", "서비스명", "String", "N", None, "REAL"),
        ("data", "실시간 데이터", "LIST", "N", None, ""),
        ("- type", "실시간항목", "String", "N", None, f"TR 명({api_id})"),
        ("- name", "실시간 항목명", "String", "N", None, ""),
        ("- item", "실시간 등록 요소", "String", "N", None, "종목코드"),
        ("- values", "실시간 값 리스트", "Object", "N", None, ""),
        *values,
    ]
    return SheetData(
        api_id=api_id,
        name=name,
        menu=menu,
        url=url,
        production=PROD_WSS,
        mock=MOCK_WSS,
        request_body=(
            ("trnm", "서비스명", "String", "Y", 10, "REG : 등록 , REMOVE : 해지"),
            ("grp_no", "그룹번호", "String", "Y", 4, ""),
            (
                "refresh",
                "기존등록유지여부",
                "String",
                "Y",
                1,
                "등록(REG)시\n0:기존유지안함, 1:기존유지",
            ),
            ("data", "실시간 등록 리스트", "LIST", "", None, ""),
            ("- item", "실시간 등록 요소", "String", "N", 100, "거래소별 종목코드, 업종코드"),
            ("- type", "실시간 항목", "String", "Y", 2, f"TR 명({api_id})"),
        ),
        response_body=response,
        request_headers=(),
        response_headers=(),
        request_example=json.dumps(
            {
                "trnm": "REG",
                "grp_no": "1",
                "refresh": "1",
                "data": [{"item": [""], "type": [api_id]}],
            },
            indent=4,
        ),
        response_example="#요청\n"
        + json.dumps({"trnm": "REG", "return_code": 0, "return_msg": ""}, indent=4)
        + "\n#실시간 수신\n"
        + json.dumps(
            {
                "trnm": "REAL",
                "data": [
                    {"type": api_id, "name": name, "item": "005930", "values": {"10": "+60000"}}
                ],
            },
            ensure_ascii=False,
            indent=4,
        ),
    )


def _condition_names(url: str) -> tuple[str, str, str, str, str]:
    """(list, request, clear service names, live real-time type, exchange description)."""
    if url.startswith("/api/us/"):
        return "GCNSRLST", "GCNSRREQ", "GCNSRCLR", "S2", ""  # the US sheets have no stex_tp
    return "CNSRLST", "CNSRREQ", "CNSRCLR", "02", "K:KRX"


def _ws_sheet(api_id: str, name: str, menu: str, url: str, **kw: Any) -> SheetData:
    return SheetData(
        api_id=api_id,
        name=name,
        menu=menu,
        url=url,
        production=PROD_WSS,
        mock=MOCK_WSS,
        request_headers=(),
        response_headers=(),
        **kw,
    )


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=4)


ANSWER: tuple[TableRow, ...] = (
    ("return_code", "결과코드", "String", "N", None, "정상:0 나머지:에러"),
    ("return_msg", "결과메시지", "String", "N", None, "정상인 경우는 메시지 없음"),
)


def _condition(rng: random.Random, api_id: str, name: str, menu: str, url: str) -> SheetData:
    """A condition-search service (domestic CNSR..., US GCNSR...): its role is told by its name
    in the catalog (목록조회, 요청 일반, 요청 실시간, 실시간 해제). Only the domestic requests
    have stex_tp (KIWOOM_FORMAT.md)."""
    lst, req, clr, live, exchange = _condition_names(url)
    stex_rows: tuple[TableRow, ...] = (
        (("stex_tp", "거래소구분", "String", "Y", 2, exchange),) if exchange else ()
    )
    stex = {"stex_tp": "K"} if exchange else {}
    ok = {"return_code": 0, "return_msg": ""}
    if name.endswith("목록조회"):
        pairs = [["0", "신고가"], ["1", "거래량 급증"], ["2", "골든크로스"]][: rng.randint(1, 3)]
        return _ws_sheet(
            api_id, name, menu, url,
            request_body=(("trnm", "서비스명", "String", "Y", 7, f"{lst} 고정값"),),
            response_body=(
                *ANSWER,
                ("trnm", "서비스명", "String", "N", 7, lst),
                ("data", "조건검색식 목록", "LIST", "N", None, ""),
                ("- seq", "조건검색식 일련번호", "String", "N", 3, ""),
                ("- name", "조건검색식 명", "String", "N", 40, ""),
            ),
            request_example=_dump({"trnm": lst}),
            response_example=_dump({"trnm": lst, **ok, "data": pairs}),  # [seq, name] pairs
        )  # fmt: skip
    if name.endswith("요청 일반"):
        return _ws_sheet(
            api_id, name, menu, url,
            request_body=(
                ("trnm", "서비스명", "String", "Y", 7, f"{req} 고정값"),
                ("seq", "조건검색식 일련번호", "String", "Y", 3, ""),
                ("search_type", "조회타입", "String", "Y", 1, "0 고정값"),
                *stex_rows,
                ("cont_yn", "연속조회여부", "String", "N", 1, "Y:연속조회요청,N:연속조회미요청"),
                ("next_key", "연속조회키", "String", "N", 20, ""),
            ),
            response_body=(
                *ANSWER,
                ("trnm", "서비스명", "String", "N", 7, req),
                ("seq", "조건검색식 일련번호", "String", "N", 3, ""),
                ("cont_yn", "연속조회여부", "String", "N", 1, ""),
                ("next_key", "연속조회키", "String", "N", 20, ""),
                ("data", "검색결과데이터", "LIST", "N", None, ""),
                ("- 9001", "종목코드", "String", "N", 12, ""),
                ("- 302", "종목명", "String", "N", 40, ""),
                ("- 10", "현재가", "String", "N", 20, ""),
            ),
            request_example=_dump({"trnm": req, "seq": "4", "search_type": "0",
                                   **stex, "cont_yn": "N", "next_key": ""}),
            response_example=_dump({"trnm": req, "seq": "4", "cont_yn": "N", "next_key": "",
                                    **ok, "data": [{"9001": "A005930", "302": "삼성전자",
                                                    "10": "000075000"}]}),
        )  # fmt: skip
    if name.endswith("실시간 해제"):
        return _ws_sheet(
            api_id, name, menu, url,
            request_body=(
                ("trnm", "서비스명", "String", "Y", 7, f"{clr} 고정값"),
                ("seq", "조건검색식 일련번호", "String", "Y", 3, ""),
            ),
            response_body=(
                *ANSWER,
                ("trnm", "서비스명", "String", "N", 7, clr),
                ("seq", "조건검색식 일련번호", "String", "N", 3, ""),
            ),
            request_example=_dump({"trnm": clr, "seq": "4"}),
            response_example=_dump({"trnm": clr, "seq": "4", **ok}),
        )  # fmt: skip
    return _condition_realtime(rng, api_id, name, menu, url)


def _condition_realtime(
    rng: random.Random, api_id: str, name: str, menu: str, url: str
) -> SheetData:
    """ka10173's shape (and usa20290's): a Response split by two headings into alternative
    messages that repeat `trnm` and `data`, and examples holding two documents after `#...`
    lines; the live entries are of type 02 (US S2)."""
    _, req, _, live, exchange = _condition_names(url)
    item = "NVDA" if live == "S2" else "005930"
    lookup = {"trnm": req, "seq": "4", "return_code": 0, "return_msg": "", "data": [
        {"jmcode": f"A{item}"}]}  # fmt: skip
    realtime = {"trnm": "REAL", "data": [{"type": live, "name": "조건검색", "item": item,
                "values": {"841": "4", "9001": item, "843": "I"}}]}  # fmt: skip
    dumped = [_dump(doc) for doc in (lookup, realtime)]
    return _ws_sheet(
        api_id, name, menu, url,
        request_body=(
            ("trnm", "서비스명", "String", "Y", 7, f"{req} 고정값"),
            ("seq", "조건검색식 일련번호", "String", "Y", 3, ""),
            ("search_type", "조회타입", "String", "Y", 1, "1: 조건검색+실시간조건검색"),
            *((("stex_tp", "거래소구분", "String", "Y", 2, exchange),) if exchange else ()),
        ),
        response_body=(
            ("조회 데이터", "", "", None, None, ""),
            ("trnm", "서비스명", "String", "N", 7, req),
            ("seq", "조건검색식 일련번호", "String", "N", 3, ""),
            ("data", "검색결과데이터", "LIST", "N", None, ""),
            ("- jmcode", "종목코드", "String", "N", 7, ""),
            ("실시간 데이터", "", "", None, None, ""),
            ("trnm", "서비스명", "String", "N", 7, "REAL"),
            ("data", "실시간 데이터", "LIST", "N", None, ""),
            ("- type", "실시간 항목", "String", "N", 2, f"TR 명({live})"),
            ("- name", "실시간 항목명", "String", "N", 10, ""),
            ("- item", "종목코드", "String", "N", 12, ""),
            ("- values", "실시간 값 리스트", "Object", "N", None, ""),
            ("- - 841", "일련번호", "String", "N", 3, ""),
            ("- - 9001", "종목코드", "String", "N", 12, ""),
            ("- - 843", "삽입삭제 구분", "String", "N", 1, "I:삽입,D:삭제"),
        ),
        request_example=_dump(
            {"trnm": req, "seq": "4", "search_type": "1", **({"stex_tp": "K"} if exchange else {})}
        ),
        response_example=f"#조회데이터\n{dumped[0]}\n#실시간데이터\n{dumped[1]}",
        overview=("조건검색 결과와 실시간 편입/이탈을 받습니다.",)[: rng.randint(0, 1)],
    )  # fmt: skip


def _oauth(api_id: str, name: str, menu: str) -> SheetData:
    sheets = {
        "au10001": SheetData(
            api_id="au10001",
            name=name,
            menu=menu,
            url="/oauth2/token",
            request_headers=(),
            request_body=(
                ("grant_type", "grant_type", "String", "Y", None, "client_credentials 입력"),
                ("appkey", "앱키", "String", "Y", None, ""),
                ("secretkey", "시크릿키", "String", "Y", None, ""),
            ),
            response_body=(
                ("expires_dt", "만료일", "String", "Y", None, "YYYYMMDDhhmmss"),
                ("token_type", "토큰타입", "String", "Y", None, ""),
                ("token", "접근토큰", "String", "Y", None, ""),
            ),
        ),
        "au10002": SheetData(
            api_id="au10002",
            name=name,
            menu=menu,
            url="/oauth2/revoke",
            request_headers=(),
            request_body=(
                ("appkey", "앱키", "String", "Y", None, ""),
                ("secretkey", "시크릿키", "String", "Y", None, ""),
                ("token", "접근토큰", "String", "Y", None, ""),
            ),
        ),
    }
    return sheets[api_id]


def catalog() -> list[tuple[str, str, str, str, str]]:
    """(id, transport, url, menu, name) of every API of the catalog, in its order."""
    rows: list[tuple[str, str, str, str, str]] = []
    for line in CATALOG.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("id\t") or not line.strip():
            continue
        api_id, transport, url, menu, name = line.split("\t")
        rows.append((api_id, transport, url, menu, name.strip()))
    return rows


def synthetic_workbook(n: int = 337, seed: int = 20240101) -> WorkbookData:
    """``n`` APIs of the catalog (all of them by default; fewer: spread evenly over it, with the
    token APIs and the case twins always in)."""
    rng = random.Random(seed)
    rows = catalog()
    if n < len(rows):
        chosen = {r[0] for r in rows if r[0] in MUST_HAVE}
        step = len(rows) / max(1, n - len(chosen))
        k = 0.0
        while len(chosen) < n and k < len(rows):
            chosen.add(rows[int(k)][0])
            k += step
        rows = [r for r in rows if r[0] in chosen]
    sheets: list[SheetData] = []
    for k, (api_id, transport, url, menu, name) in enumerate(rows):
        if api_id.startswith("au"):
            sheets.append(_oauth(api_id, name, menu))
        elif transport == "websocket" and " > 조건검색 > " in menu:  # CNSR... / GCNSR...
            sheets.append(_condition(rng, api_id, name, menu, url))
        elif transport == "websocket":
            sheets.append(_websocket(rng, api_id, name, menu, url))
        else:
            if k % 7 == 0 and not name.endswith("주문"):  # too long for a sheet name (Excel: 31)
                name += " 요청 (기간별 상세 내역 포함) 일별"
                menu = f"{menu.rsplit('>', 1)[0].strip()} > {name}({api_id})"
            sheets.append(_query(rng, api_id, name, menu, url))
    return WorkbookData(sheets, index=True, error_codes=ERROR_CODES)


def write_synthetic(path: Path, n: int = 337, seed: int = 20240101) -> Path:
    return save_workbook(synthetic_workbook(n, seed), path)


def count_field_rows(data: WorkbookData) -> int:
    return sum(
        len(s.request_headers)
        + len(s.request_body)
        + len(s.response_headers)
        + len(s.response_body)
        for s in data.sheets
    )


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("benchmarks/out/synthetic.xlsx")
    data = synthetic_workbook(int(sys.argv[2]) if len(sys.argv) > 2 else 337)
    save_workbook(data, out)
    print(f"wrote {out}: {len(data.sheets)} APIs, {count_field_rows(data)} field rows")
