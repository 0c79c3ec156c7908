"""The reader: every feature of the official workbook (KIWOOM_FORMAT.md), asserted on the model.

Each test writes its own synthetic workbook (tests/fixtures.py) into tmp_path.
"""

from __future__ import annotations

import json
import keyword
import subprocess
import sys
from pathlib import Path

import pytest
from kiwoom_codegen.model import Kind, Transport
from kiwoom_codegen.problems import Level, SpecError
from kiwoom_codegen.reader.workbook import display_path as shown
from kiwoom_codegen.regen.layout import safe_sheet_name
from openpyxl import Workbook, load_workbook

from tests.support.fixtures import (
    WSS,
    WSS_MOCK,
    all_fields,
    api,
    cell_of,
    edit,
    f,
    field,
    heading,
    insert_blank_rows,
    merge,
    messages,
    move_value,
    notes,
    parse_one,
    read,
    unmerge_all,
    write,
    write_grid,
)

ROOT = Path(__file__).resolve().parents[1]
TRADE_TYPE = (
    "0:보통 , 3:시장가 , 5:조건부지정가 , 81:장마감후시간외 , 61:장시작전시간외, 62:시간외단일가 , "
    "6:최유리지정가 , 7:최우선지정가 , 10:보통(IOC) , 13:시장가(IOC) , 16:최유리(IOC) , "
    "20:보통(FOK) , 23:시장가(FOK) , 26:최유리(FOK) , 28:스톱지정가,29:중간가,30:중간가(IOC),"
    "31:중간가(FOK)"
)
CANCEL_REQUEST = """{
    "dmst_stex_tp": "KRX",
    "orig_ord_no": "0001615",
    "stk_cd": "005930",
    "cncl_qty": "1"
}"""
CANCEL_RESPONSE = """{
    "ord_no": "0001695",
    "base_orig_ord_no": "0001614",
    "cncl_qty": "000000000001",
    "return_code": 0,
    "return_msg": "매도취소 주문입력이 완료되었습니다."
}"""


def cancel_sheet(**kw: object) -> object:
    """kt10009 as the official sheet (seed 000) has it."""
    return api(
        "kt10009",
        "신용 취소주문",
        menu="국내주식 > 신용주문 > 신용 취소주문(kt10009)",
        url="/api/dostk/crdordr",
        request=[
            ("dmst_stex_tp", "국내거래소구분", "String", "Y", 3, "KRX,NXT,SOR"),
            ("orig_ord_no", "원주문번호", "String", "Y", 7, ""),
            ("stk_cd", "종목코드", "String", "Y", 12, ""),
            ("cncl_qty", "취소수량", "String", "Y", 12, "'0' 입력시 잔량 전부 취소"),
        ],
        response=[
            ("ord_no", "주문번호", "String", "N", 7, ""),
            ("base_orig_ord_no", "모주문번호", "String", "N", 7, ""),
            ("cncl_qty", "취소수량", "String", "N", 12, ""),
        ],
        request_example=CANCEL_REQUEST,
        response_example=CANCEL_RESPONSE,
        **kw,
    )


SHEET = "신용 취소주문(kt10009)"


# --- the official sheet layout ------------------------------------------------------------


def test_official_sheet_reads_into_the_model(tmp_path: Path) -> None:
    a, loaded = parse_one(tmp_path, cancel_sheet())
    assert messages(loaded) == []
    assert (a.id, a.name, a.method, a.path) == (
        "kt10009",
        "신용 취소주문",
        "POST",
        "/api/dostk/crdordr",
    )
    assert a.menu == ("국내주식", "신용주문", "신용 취소주문(kt10009)")
    assert a.servers.production == "https://api.kiwoom.com"
    assert (a.servers.mock, a.servers.mock_note) == ("https://mockapi.kiwoom.com", "KRX만 지원가능")
    assert a.transport is Transport.HTTP
    assert a.content_type == "application/json;charset=UTF-8"
    assert [h.name for h in a.request.headers] == ["api-id", "authorization", "cont-yn", "next-key"]
    assert [h.python_name for h in a.request.headers] == [
        "api_id",
        "authorization",
        "cont_yn",
        "next_key",
    ]
    assert [h.required for h in a.request.headers] == [True, True, False, False]
    assert field(a.request.headers, "authorization").max_length == 1000
    assert [b.name for b in a.request.body] == ["dmst_stex_tp", "orig_ord_no", "stk_cd", "cncl_qty"]
    assert [b.name for b in a.response.headers] == ["api-id", "cont-yn", "next-key"]
    assert [b.name for b in a.response.body] == ["ord_no", "base_orig_ord_no", "cncl_qty"]
    ord_no = field(a.response.body, "ord_no")
    assert (ord_no.label, ord_no.type, ord_no.kind, ord_no.required, ord_no.max_length) == (
        "주문번호",
        "String",
        Kind.STRING,
        False,
        7,
    )
    assert str(ord_no.source) == f"{shown(tmp_path / 'spec.xlsx')} › '{SHEET}' › B31"
    assert a.request_example is not None and a.response_example is not None
    assert a.request_example.text == CANCEL_REQUEST
    assert a.request_example.value == json.loads(CANCEL_REQUEST)
    assert a.response_example.value["return_code"] == 0
    assert a.response_example.valid
    assert a.overview == ""
    assert str(a.source) == f"{shown(tmp_path / 'spec.xlsx')} › '{SHEET}'"


def test_merged_and_unmerged_cells_read_the_same(tmp_path: Path) -> None:
    merged = read(write(tmp_path, cancel_sheet(overview=["개요 한 줄"]), name="m.xlsx")).spec
    plain_path = write(
        tmp_path,
        cancel_sheet(overview=["개요 한 줄"], merge_examples=False, merge_overview=False),
        name="p.xlsx",
    )
    edit(plain_path, lambda wb: unmerge_all(wb[SHEET]))  # the C:G value merges too
    plain = read(plain_path).spec
    assert merged.content_hash() == plain.content_hash()
    a = merged.api("kt10009")
    assert a.overview == "개요 한 줄" and a.request_example is not None


def test_value_in_column_b_instead_of_c(tmp_path: Path) -> None:
    path = write(tmp_path, cancel_sheet())
    move_value(path, SHEET, "/api/dostk/crdordr", to_column=2)
    move_value(path, SHEET, "kt10009", to_column=2)
    a = read(path).spec.api("kt10009")
    assert a.path == "/api/dostk/crdordr"


def test_values_merged_c_to_g_and_labels_merged_a_to_b(tmp_path: Path) -> None:
    path = write(tmp_path, cancel_sheet())
    merge(path, SHEET, ["A4:B4", "A11:B11", "A16:G16", "A29:G29"])
    a = read(path).spec.api("kt10009")
    assert a.menu[-1] == "신용 취소주문(kt10009)" and a.path == "/api/dostk/crdordr"
    assert a.request_example is not None and a.request_example.valid


def test_blank_rows_anywhere(tmp_path: Path) -> None:
    original = read(write(tmp_path, cancel_sheet(overview=["a", "b"]), name="o.xlsx")).spec
    path = write(tmp_path, cancel_sheet(overview=["a", "b"]), name="b.xlsx")
    # Before the title, inside the info block, overview, between section and header, inside
    # the tables (also between a group's rows), before and after the examples.
    insert_blank_rows(path, SHEET, [1, 5, 9, 15, 16, 17, 18, 19, 21, 23, 25, 27, 31, 33, 34, 35])
    loaded = read(path)
    assert messages(loaded) == []
    assert loaded.spec.content_hash() == original.content_hash()
    assert loaded.spec.api("kt10009").overview == "a\nb"


def test_overview_over_several_rows_merged_or_not(tmp_path: Path) -> None:
    lines = ["첫째 줄: 설명", "둘째 줄 (URL 포함) https://api.kiwoom.com", "셋째 줄"]
    a, _ = parse_one(tmp_path, cancel_sheet(overview=lines))
    assert a.overview == "\n".join(lines)
    b, _ = parse_one(tmp_path, cancel_sheet(overview=lines, merge_overview=False))
    assert b.overview == a.overview


def test_length_stored_as_number_or_text(tmp_path: Path) -> None:
    sheet = api(
        "ka1",
        request=[f("a", length=12), f("b", length="12"), f("c", length=" 7 "), f("d", length=None)],
    )
    path = write(tmp_path, sheet)
    edit(path, lambda wb: wb.active.cell(row=22, column=6, value=12.0))  # type: ignore[union-attr]
    a = read(path).spec.api("ka1")
    assert [x.max_length for x in a.request.body] == [12, 12, 7, None]


def test_multi_line_cells_and_trailing_spaces(tmp_path: Path) -> None:
    sheet = api(
        "ka1",
        request=[
            ("stk_cd ", "종목코드 ", "String ", "Y ", 6, "첫 줄   \r\n둘째 줄\t \n  셋째 줄  "),
            ("qty", "수량", " String", " N", "12 ", "단위: 1주   "),
        ],
    )
    a, loaded = parse_one(tmp_path, sheet)
    assert messages(loaded) == []
    stk = field(a.request.body, "stk_cd")
    assert (stk.label, stk.type, stk.required) == ("종목코드", "String", True)
    assert stk.description == "첫 줄\n둘째 줄\n  셋째 줄"
    qty = field(a.request.body, "qty")
    assert (qty.max_length, qty.required, qty.unit, qty.enum) == (12, False, "1주", None)


def test_list_members_form_a_tree_to_depth_two(tmp_path: Path) -> None:
    sheet = api(
        "ka1",
        response=[
            f("top"),
            f("items", type="LIST", length=None),
            f("- stk_cd"),
            f("-stk_nm"),
            f("- days", type="LIST", length=None),
            f("- - dt", description="YYYYMMDD"),
            f("- -  close_pric"),
            f("--  volume"),
            f("- after"),
            f("bottom"),
        ],
    )
    a, loaded = parse_one(tmp_path, sheet)
    assert messages(loaded) == []
    body = a.response.body
    assert [x.name for x in body] == ["top", "items", "bottom"]
    items = field(body, "items")
    assert (items.type, items.kind, items.is_container) == ("LIST", Kind.ARRAY, True)
    assert [x.name for x in items.children] == ["stk_cd", "stk_nm", "days", "after"]
    days = field(items.children, "days")
    assert [x.name for x in days.children] == ["dt", "close_pric", "volume"]
    assert field(days.children, "dt").format == "YYYYMMDD"
    assert all(not x.children for x in days.children)


def test_section_heading_rows_open_variants_or_decorate(tmp_path: Path) -> None:
    """A heading followed by a top-level field opens a variant; inside a LIST it decorates."""
    sheet = api(
        "ka1",
        response=[
            f("total"),
            heading("조회 데이터"),
            f("rows", type="LIST", length=None),
            heading("상세 항목"),
            f("- a"),
            f("- b"),
            heading("※ 참고"),
        ],
    )
    a, loaded = parse_one(tmp_path, sheet)
    assert messages(loaded) == []
    assert [x.name for x in a.response.body] == ["total"]
    [variant] = a.response.variants
    assert variant.name == "조회 데이터"
    assert [x.name for x in variant.body] == ["rows"]
    assert [x.name for x in field(variant.body, "rows").children] == ["a", "b"]
    assert a.request.variants == ()


def test_rare_types(tmp_path: Path) -> None:
    sheet = api(
        "ka1",
        response=[
            f("maps", type="List<Map>", length=None),
            f("- k"),
            f("obj", type="Object", length=None),
            f("- v"),
            f("free", type="List<Map>", length=None),
            f("empty", type="", length=None),
            f("lower", type="list", length=None),
            f("- m"),
        ],
    )
    a, loaded = parse_one(tmp_path, sheet)
    body = a.response.body
    assert [(x.name, x.type, x.kind) for x in body] == [
        ("maps", "List<Map>", Kind.ARRAY),
        ("obj", "Object", Kind.OBJECT),
        ("free", "List<Map>", Kind.ARRAY),
        ("empty", "", Kind.STRING),
        ("lower", "LIST", Kind.ARRAY),
    ]
    assert [x.name for x in field(body, "obj").children] == ["v"]
    lines = sorted(line.split(" (ka1): ")[1] for line in messages(loaded))
    assert lines == [
        "List<Map> 'free' has no members; read as free-form",
        "Type is empty for 'empty'; read as String",
    ]


def test_empty_required_warns_and_is_null(tmp_path: Path) -> None:
    path = write(tmp_path, api("ka1", request=[f("a", required=None), f("b", required="y")]))
    loaded = read(path)
    a = loaded.spec.api("ka1")
    assert field(a.request.body, "a").required is None
    assert field(a.request.body, "b").required is True
    where = cell_of(path, "테스트 ka1(ka1)", "a", column=2).replace("B", "E")
    assert messages(loaded) == [
        f"{shown(path)} › '테스트 ka1(ka1)' › {where} (ka1): "
        "Required is empty for 'a'; read as optional"
    ]


def test_examples_parsed_when_valid_and_kept_as_text_always(tmp_path: Path) -> None:
    bad = '{\n    "a": "1"\n    "b": "2"\n}'
    sheet = api(
        "ka1", request=[f("a"), f("b")], request_example=bad, response_example='{"x": 1} 끝'
    )
    a, loaded = parse_one(tmp_path, sheet)
    assert a.request_example is not None and a.response_example is not None
    assert (a.request_example.text, a.request_example.value, a.request_example.valid) == (
        bad,
        None,
        False,
    )
    assert a.response_example.text == '{"x": 1} 끝' and not a.response_example.valid
    lines = messages(loaded)
    assert len(lines) == 2
    assert lines[0].endswith(
        "(ka1): Request Example is not valid JSON (Expecting ',' delimiter at line 3 column 5); "
        "kept as text"
    )
    assert "Response Example is not valid JSON (Extra data" in lines[1]
    assert a.to_json()["examples"]["request"] == {
        "text": bad,
        "json": None,
        "valid": False,
        "parts": [],
        "source": str(a.request_example.source),
    }


def test_example_split_over_rows_and_beside_its_label(tmp_path: Path) -> None:
    path = write(tmp_path, cancel_sheet(merge_examples=False))

    r = int(cell_of(path, SHEET, "Request Example")[1:])

    def split(wb: Workbook) -> None:
        ws = wb[SHEET]
        ws[f"A{r + 1}"] = '{"dmst_stex_tp": "KRX",'
        ws[f"A{r + 2}"] = '"stk_cd": "005930"}'
        ws[f"A{r + 3}"] = "Response Example"
        ws[f"C{r + 3}"] = '{"ord_no": "1"}'
        ws[f"A{r + 4}"] = None

    edit(path, split)
    a = read(path).spec.api("kt10009")
    assert a.request_example is not None and a.response_example is not None
    assert a.request_example.value == {"dmst_stex_tp": "KRX", "stk_cd": "005930"}
    assert a.response_example.value == {"ord_no": "1"}


# --- WebSocket, errors, the whole workbook --------------------------------------------------


def realtime_sheet(api_id: str = "0B", name: str = "주식체결") -> object:
    return api(
        api_id,
        name,
        menu=f"국내주식 > 실시간시세 > {name}({api_id})",
        url="/api/dostk/websocket",
        production=WSS,
        mock=WSS_MOCK,
        request_headers=(),
        response_headers=(),
        request=[
            f(
                "trnm",
                "서비스명",
                required="Y",
                length=10,
                description="REG : 등록 , REMOVE : 해지",
            ),
            f("grp_no", "그룹번호", required="Y", length=4),
            f("data", "실시간 등록 리스트", type="LIST", required="Y", length=None),
            f("- item", "실시간 등록 요소", length=100),
            f("- type", "실시간 항목", required="Y", length=2, description=f"TR 명({api_id})"),
        ],
        response=[
            f("trnm", "서비스명"),
            f("data", "실시간 데이터", type="LIST", length=None),
            f("- type"),
            f("- values", type="Object", length=None),
            f("- - 10", "현재가"),
            f("- - 20", "체결시간"),
            f("- - 9001", "종목코드"),
            f("- - field_10", "이름이 겹치는 필드"),
        ],
    )


def test_websocket_api(tmp_path: Path) -> None:
    a, loaded = parse_one(tmp_path, realtime_sheet())
    assert messages(loaded) == []
    assert a.transport is Transport.WEBSOCKET
    assert (a.servers.production, a.servers.mock) == (WSS, WSS_MOCK)
    assert a.path == "/api/dostk/websocket" and not a.is_order
    trnm = field(a.request.body, "trnm")
    assert [(e.value, e.label) for e in trnm.enum or ()] == [("REG", "등록"), ("REMOVE", "해지")]
    values = field(field(a.response.body, "data").children, "values")
    assert values.kind is Kind.OBJECT
    # the ids are named by the real-time table shipped with the generator (data/realtime.toml)
    assert [(x.name, x.python_name) for x in values.children] == [
        ("10", "cur_prc"),
        ("20", "cntr_tm"),
        ("9001", "stk_cd"),
        ("field_10", "field_10_2"),  # the model already kept field_10 for id 10
    ]


def test_error_code_sheet(tmp_path: Path) -> None:
    codes = [
        (8005, "Token이 유효하지 않습니다"),
        (1501, "API ID가 없습니다"),
        ("1700", "요청 초과"),
    ]
    loaded = read(write(tmp_path, cancel_sheet(), error_codes=codes))
    assert messages(loaded) == []
    assert [(e.code, e.message) for e in loaded.spec.error_codes] == [
        (1501, "API ID가 없습니다"),
        (1700, "요청 초과"),
        (8005, "Token이 유효하지 않습니다"),
    ]


def test_full_workbook_index_api_sheets_and_error_sheet(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        cancel_sheet(),
        realtime_sheet(),
        api(
            "usa20280",
            "미국 현재가",
            menu="미국주식 > 시세 > 미국 현재가(usa20280)",
            url="/api/usstk/mrkcond",
        ),
        index=True,
        error_codes=[(1501, "API ID가 없습니다")],
    )
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "API 리스트" and wb.sheetnames[-1] == "오류코드"
    index = wb["API 리스트"]
    assert index["B3"].value == "API ID" and index["B4"].value == "공통"  # header not on row 1
    loaded = read(path)
    assert messages(loaded) == []
    spec = loaded.spec
    assert [a.id for a in spec.apis] == ["0B", "kt10009", "usa20280"]  # 공통 is not an API
    assert [a.category for a in spec.apis] == ["국내주식", "국내주식", "미국주식"]
    assert [e.code for e in spec.error_codes] == [1501]


def test_index_lists_an_api_without_sheet(tmp_path: Path) -> None:
    path = write(tmp_path, cancel_sheet(), realtime_sheet(), index=True)
    edit(path, lambda wb: wb.remove(wb["주식체결(0B)"]))
    loaded = read(path)
    assert [a.id for a in loaded.spec.apis] == ["kt10009"]
    assert messages(loaded) == [
        f"{shown(path)} › 'API 리스트' › B6 (0B): listed in the index but no sheet has this API ID"
    ]


def test_sheet_names_that_differ_from_name_and_id(tmp_path: Path) -> None:
    long_name = "국내주식 기간별 주가 상세 조회 요청 (일별 주봉 월봉 포함)"
    sheets = [
        api("ka10086", long_name),
        api("ka10087", "매수/매도 [잔량]: 조회"),
        api("ka10088", "이름", sheet_name="Sheet7"),
        api("ka10089", "이름", sheet_name="이름(ka99999)"),  # a stale id in the name
    ]
    path = write(tmp_path, *sheets, index=True)
    names = load_workbook(path).sheetnames
    assert safe_sheet_name(f"{long_name}(ka10086)") in names
    assert len(safe_sheet_name(f"{long_name}(ka10086)")) == 31
    assert "매수_매도 _잔량__ 조회(ka10087)" in names
    loaded = read(path)
    assert messages(loaded) == []
    spec = loaded.spec
    assert [a.id for a in spec.apis] == ["ka10086", "ka10087", "ka10088", "ka10089"]
    assert spec.api("ka10086").name == long_name
    assert spec.api("ka10087").name == "매수/매도 [잔량]: 조회"
    assert spec.api("ka10089").source.sheet == "이름(ka99999)"


def test_real_time_id_typed_as_a_number(tmp_path: Path) -> None:
    path = write(tmp_path, realtime_sheet("00", "주문체결"))
    edit(path, lambda wb: wb["주문체결(00)"].cell(row=6, column=3, value=0))
    assert [a.id for a in read(path).spec.apis] == ["00"]


def test_ids_differing_only_by_case(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        realtime_sheet("0g", "주식당일거래원"),
        realtime_sheet("0G", "주식기세"),
        realtime_sheet("0u", "종목프로그램"),
        realtime_sheet("0U", "업종등락"),
    )
    spec = read(path).spec
    assert [a.id for a in spec.apis] == ["0G", "0g", "0U", "0u"]
    methods = {a.id: a.method_name for a in spec.apis}
    assert len({m.lower() for m in methods.values()}) == 4
    assert methods["0g"].isidentifier() and methods["0G"].isidentifier()
    classes = [a.class_prefix for a in spec.apis]
    assert len({c.lower() for c in classes}) == 4


def test_us_ids(tmp_path: Path) -> None:
    sheet = api(
        "usa99280",  # not in the names table: the group of its menu, under its id
        "미국주식 현재가",
        menu="미국주식 > 시세 > 미국주식 현재가(usa99280)",
        url="/api/usstk/mrkcond",
        request=[f("stk_cd", "종목코드", required="Y", length=20, description="AAPL")],
    )
    loaded = read(write(tmp_path, sheet))
    a = loaded.spec.api("usa99280")
    assert (a.method_name, a.group) == ("usa99280", "us.market")
    assert a.path == "/api/usstk/mrkcond"


# --- inputs ----------------------------------------------------------------------------------


def test_directories_of_files_and_mixes(tmp_path: Path) -> None:
    d = tmp_path / "specs"
    write(d, cancel_sheet(), name="a.xlsx")
    write(d / "more", realtime_sheet(), name="b.XLSX")
    write(d, api("ka1"), name="~$a.xlsx")  # Excel's lock file: skipped
    (d / "notes.txt").write_text("not a spec")
    extra = write(tmp_path, api("usa1", menu="미국주식 > 시세 > x(usa1)"), name="extra.xlsx")
    assert [a.id for a in read(d).spec.apis] == ["0B", "kt10009"]
    assert [a.id for a in read(d, extra).spec.apis] == ["0B", "kt10009", "usa1"]
    # A file named on its own and inside a directory is read once.
    loaded = read(d / "a.xlsx", d)
    assert [a.id for a in loaded.spec.apis] == ["0B", "kt10009"] and messages(loaded) == []


@pytest.mark.slow
def test_python_m_generator(tmp_path: Path) -> None:
    path = write(tmp_path, cancel_sheet())
    result = subprocess.run(
        [sys.executable, "-m", "kiwoom_codegen", "parse", str(path), "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "self-check: request examples accepted 1/1, response examples 1/1"
    )
    assert [
        line for line in result.stderr.splitlines() if not line.startswith("note: config:")
    ] == ["self-check: request examples accepted 1/1, response examples 1/1"]
    assert [a["id"] for a in json.loads(result.stdout)["apis"]] == ["kt10009"]


# --- meaning mined from descriptions ----------------------------------------------------------

MEANINGS = {
    "trde_tp": TRADE_TYPE,
    "dmst_stex_tp": "KRX,NXT,SOR",
    "spaced": "KRX, NXT, SOR",
    "tic_scope": "1:1분, 2:10분, 3:1시간",
    "exchange": "K:KRX",
    "crd_deal_tp": "33:융자 , 99:융자합",
    "crd_loan_dt": "YYYYMMDD(융자일경우필수)",
    "ord_uv": "단위: 원",
    "ord_qty": "단위: 1주",
    "cncl_qty": "'0' 입력시 잔량 전부 취소",
    "ord_no": "7자리 주문번호",
    "dt": "YYYYMMDD",
    "expires_dt": "YYYYMMDDhhmmss",
    "tr_cont": "CNSRREQ 고정값",
    "grant_type": "client_credentials 입력",
    "time": "09:00",
    "hours": "09:00~15:30",
    "url": "https://api.kiwoom.com",
    "multi": "조회구분\n1:매수, 2:매도\n단위: 원",
}


@pytest.fixture(scope="module")
def mined(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    rows = [f(name, length=None, description=text) for name, text in MEANINGS.items()]
    loaded = read(write(tmp_path_factory.mktemp("mined"), api("ka1", request=rows)))
    assert messages(loaded) == []
    return {x.name: x for x in loaded.spec.api("ka1").request.body}


def enum_of(mined: dict[str, object], name: str) -> list[tuple[str, str | None]]:
    enum = mined[name].enum  # type: ignore[attr-defined]
    return [(e.value, e.label) for e in enum] if enum is not None else []


def test_enum_trade_type_has_18_labelled_values(mined: dict[str, object]) -> None:
    values = enum_of(mined, "trde_tp")
    assert len(values) == 18
    assert values[:3] == [("0", "보통"), ("3", "시장가"), ("5", "조건부지정가")]
    assert values[-4:] == [
        ("28", "스톱지정가"),
        ("29", "중간가"),
        ("30", "중간가(IOC)"),
        ("31", "중간가(FOK)"),
    ]


@pytest.mark.parametrize("name", ["dmst_stex_tp", "spaced"])
def test_enum_bare_codes(mined: dict[str, object], name: str) -> None:
    assert enum_of(mined, name) == [("KRX", None), ("NXT", None), ("SOR", None)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tic_scope", [("1", "1분"), ("2", "10분"), ("3", "1시간")]),
        ("exchange", [("K", "KRX")]),
        ("crd_deal_tp", [("33", "융자"), ("99", "융자합")]),
        ("multi", [("1", "매수"), ("2", "매도")]),
    ],
)
def test_enum_pairs(mined: dict[str, object], name: str, expected: list[tuple[str, str]]) -> None:
    assert enum_of(mined, name) == expected


@pytest.mark.parametrize(
    "name",
    ["ord_uv", "ord_qty", "cncl_qty", "crd_loan_dt", "ord_no", "dt", "time", "hours", "url"],
)
def test_not_enums(mined: dict[str, object], name: str) -> None:
    assert mined[name].enum is None  # type: ignore[attr-defined]


def test_units_formats_and_fixed_values(mined: dict[str, object]) -> None:
    def get(name: str, attr: str) -> object:
        return getattr(mined[name], attr)

    assert get("ord_uv", "unit") == "원" and get("ord_qty", "unit") == "1주"
    assert get("multi", "unit") == "원"
    assert get("dt", "format") == "YYYYMMDD" and get("crd_loan_dt", "format") == "YYYYMMDD"
    assert get("expires_dt", "format") == "YYYYMMDDhhmmss"
    assert get("tr_cont", "fixed_value") == "CNSRREQ" and get("tr_cont", "enum") is None
    assert get("grant_type", "fixed_value") == "client_credentials"
    assert get("cncl_qty", "fixed_value") is None and get("cncl_qty", "unit") is None


def test_condition_credit_loan_date_required_for_loans(tmp_path: Path) -> None:
    sheet = api(
        "kt10007",
        "신용 매도주문",
        request=[
            ("crd_deal_tp", "신용거래구분", "String", "Y", 2, "33:융자 , 99:융자합"),
            ("crd_loan_dt", "대출일", "String", "N", 8, "YYYYMMDD(융자일경우필수)"),
        ],
    )
    a, _ = parse_one(tmp_path, sheet)
    loan = field(a.request.body, "crd_loan_dt")
    assert loan.required is False and loan.format == "YYYYMMDD"
    assert loan.required_if is not None
    assert (loan.required_if.when_field, loan.required_if.when_values) == ("crd_deal_tp", ("33",))
    assert loan.to_json()["required_if"] == {
        "field": "crd_deal_tp",
        "in": ["33"],
        "text": "YYYYMMDD(융자일경우필수)",
    }


# --- overrides.toml and names.toml ------------------------------------------------------------


def order_sheet() -> object:
    return api(
        "kt20001",
        "조건 조회",
        menu="국내주식 > 조건검색 > 조건 조회(kt20001)",
        request=[
            f("mode", description="모드"),
            f("dt"),
            f("rows", type="LIST", length=None),
            f("- kind", description="종류"),
        ],
    )


def config_dir(tmp_path: Path, overrides: str = "", names: str = "") -> Path:
    d = tmp_path / "config"
    d.mkdir(exist_ok=True)
    (d / "overrides.toml").write_text(overrides, encoding="utf-8")
    (d / "names.toml").write_text(names, encoding="utf-8")
    return d


def test_overrides_apply(tmp_path: Path) -> None:
    cfg = config_dir(
        tmp_path,
        overrides="""
[[api]]
id = "kt20001"
is_order = true

[[field]]
api = "kt20001"
path = "mode"
enum = [{ value = "A", label = "전체" }, "B"]
python_name = "search_mode"

[[field]]
api = "kt20001"
path = "dt"
format = "YYYYMMDD"
required_if = { field = "mode", in = ["A"] }

[[field]]
api = "kt20001"
path = "rows.kind"
fixed_value = "K"
required = true

[[field]]
api = "kt20001"
part = "request.headers"
path = "cont-yn"
enum = ["Y", "N"]
""",
    )
    loaded = read(write(tmp_path, order_sheet()), config_dir=cfg)
    a = loaded.spec.api("kt20001")
    assert a.is_order
    mode = field(a.request.body, "mode")
    assert [(e.value, e.label) for e in mode.enum or ()] == [("A", "전체"), ("B", None)]
    assert (mode.name, mode.python_name) == ("mode", "search_mode")
    dt = field(a.request.body, "dt")
    assert dt.format == "YYYYMMDD" and dt.required_if is not None
    assert (dt.required_if.when_field, dt.required_if.when_values) == ("mode", ("A",))
    kind = field(field(a.request.body, "rows").children, "kind")
    assert (kind.fixed_value, kind.required) == ("K", True)
    assert [e.value for e in field(a.request.headers, "cont-yn").enum or ()] == ["Y", "N"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ('[[api]]\nid = "kt99999"\nis_order = true\n', "(kt99999): override names an unknown API"),
        (
            '[[field]]\napi = "kt99999"\npath = "mode"\nformat = "YYYYMMDD"\n',
            "(kt99999): override names an unknown API",
        ),
        (
            '[[field]]\napi = "kt20001"\npath = "nope"\nformat = "YYYYMMDD"\n',
            "(kt20001): override names unknown field 'nope' in request.body",
        ),
        (
            '[[field]]\napi = "kt20001"\npath = "rows.nope"\nrequired = true\n',
            "(kt20001): override names unknown field 'rows.nope' in request.body",
        ),
        (
            '[[field]]\napi = "kt20001"\npath = "dt"\nrequired_if = { field = "x", in = ["1"] }\n',
            "(kt20001): required_if names unknown sibling field 'x'",
        ),
        (
            '[[field]]\napi = "kt20001"\npath = "dt"\npython_name = "mode"\n',
            "(kt20001): python_name 'mode' is taken by a sibling field",
        ),
    ],
)
def test_bad_overrides_are_errors(tmp_path: Path, overrides: str, message: str) -> None:
    cfg = config_dir(tmp_path, overrides=overrides)
    with pytest.raises(SpecError) as info:
        read(write(tmp_path, order_sheet()), config_dir=cfg)
    lines = [p.line() for p in info.value.problems if p.level is not Level.NOTE]
    assert len(lines) == 1
    assert lines[0].startswith(f"{shown(cfg / 'overrides.toml')} › ")
    assert lines[0].endswith(message)


def test_names_of_the_credit_orders_from_specs() -> None:
    spec = read(ROOT / "specs", config_dir=ROOT / "specs").spec
    names = {a.id: (a.group, a.method_name, a.class_prefix) for a in spec.apis}
    assert names == {
        "kt10006": ("credit_orders", "buy", "CreditOrdersBuy"),
        "kt10007": ("credit_orders", "sell", "CreditOrdersSell"),
        "kt10008": ("credit_orders", "modify", "CreditOrdersModify"),
        "kt10009": ("credit_orders", "cancel", "CreditOrdersCancel"),
    }
    assert all(a.is_order for a in spec.apis)
    assert spec.groups == (("credit_orders", "국내주식 > 신용주문"),)


def test_fallback_names_without_an_entry(tmp_path: Path) -> None:
    path = write(tmp_path, order_sheet(), cancel_sheet())
    bare = read(path)  # no names.toml: the shipped table, and the menu's group for the rest
    assert (bare.spec.api("kt20001").group, bare.spec.api("kt20001").method_name) == (
        "condition_search",
        "kt20001",
    )
    assert bare.spec.api("kt10009").python_name == "credit_orders.cancel"
    assert [n.split(": ", 1)[0] for n in notes(bare)] == [
        f"{shown(path)} › '조건 조회(kt20001)' (kt20001)"
    ]
    cfg = config_dir(
        tmp_path,
        names='[menus]\n"국내주식 > 조건검색" = "screening"\n\n'
        '[apis]\nkt10009 = { group = "credit_orders", method = "cancel_order" }\n',
    )
    spec = read(path, config_dir=cfg).spec
    a = spec.api("kt20001")
    assert (a.group, a.method_name, a.class_prefix) == (
        "screening",
        "kt20001",
        "ScreeningKt20001",
    )
    assert spec.api("kt10009").method_name == "cancel_order"
    assert read(path, config_dir=cfg).spec.dumps() == spec.dumps()  # deterministic


def test_names_entry_for_an_unknown_api_is_an_error(tmp_path: Path) -> None:
    cfg = config_dir(tmp_path, names='[apis]\nkt99999 = { group = "x", method = "y" }\n')
    with pytest.raises(SpecError) as info:
        read(write(tmp_path, order_sheet()), config_dir=cfg)
    assert [p.line() for p in info.value.problems if p.level is not Level.NOTE] == [
        f"{shown(cfg / 'names.toml')} › apis.kt99999 (kt99999): "
        "names table entry for an unknown API"
    ]


def test_fallback_names_keep_clear_of_reviewed_names(tmp_path: Path) -> None:
    # `ka1` would fall back to `ka1`; the reviewed name of ka2 is `ka1` in the same group:
    # the reviewed name wins and the fallback moves aside.
    cfg = config_dir(tmp_path, names='[apis]\nka2 = { group = "g", method = "ka1" }\n')
    path = write(
        tmp_path,
        api("ka1", menu="g > x(ka1)"),
        api("ka2", menu="g > y(ka2)"),
    )
    spec = read(path, config_dir=cfg).spec
    assert spec.api("ka2").method_name == "ka1"
    assert spec.api("ka1").method_name == "ka1_2"
    assert spec.api("ka1").group == "g"  # an unknown one-word menu: the group itself


def test_python_names_of_hard_field_names(tmp_path: Path) -> None:
    rows = [
        f(n) for n in ("cont-yn", "from", "class", "250hgst", "model_config", "json", "종목코드")
    ]
    a, _ = parse_one(tmp_path, api("ka1", request=rows))
    names = [x.python_name for x in a.request.body]
    assert names == [
        "cont_yn",
        "from_",
        "class_",
        "field_250hgst",
        "f_model_config",
        "json_",
        "jongmokkodeu",
    ]
    assert all(n.isidentifier() and not keyword.iskeyword(n) for n in names)


def test_model_json_keys_are_stable(tmp_path: Path) -> None:
    a, _ = parse_one(tmp_path, cancel_sheet())
    doc = a.to_json()
    assert sorted(doc) == sorted(
        [
            "id", "name", "menu", "method", "path", "servers", "transport", "content_type",
            "overview", "request", "response", "examples", "python", "is_order", "category",
            "source",
        ]
    )  # fmt: skip
    assert sorted(doc["request"]) == ["body", "headers", "variants"]
    assert sorted(doc["examples"]["request"]) == ["json", "parts", "source", "text", "valid"]
    assert sorted(doc["request"]["body"][0]) == sorted(
        [
            "name", "python_name", "label", "type", "kind", "required", "max_length",
            "description", "enum", "enum_closed", "mining", "length_enforced", "accepts_blank",
            "format", "fixed_value", "required_if", "unit", "children", "source", "value",
        ]
    )  # fmt: skip
    assert sorted(doc["request"]["body"][0]["value"]) == [
        "items", "kind", "number", "reason", "scale", "source", "strip", "time_format"
    ]  # fmt: skip
    assert sorted(doc["request"]["body"][0]["mining"]) == [
        "decision", "default", "reason", "source"
    ]  # fmt: skip


def test_every_python_name_is_an_identifier(tmp_path: Path) -> None:
    loaded = read(write(tmp_path, cancel_sheet(), realtime_sheet(), realtime_sheet("0b", "x")))
    for _, one in all_fields(loaded.spec):
        assert one.python_name.isidentifier() and not keyword.iskeyword(one.python_name)


def test_description_spilled_into_the_next_row_and_notes_in_the_table(tmp_path: Path) -> None:
    path = write(tmp_path, api("ka1", request=[f("a", description="첫 줄"), f("b")]))

    def change(wb: Workbook) -> None:
        ws = wb["테스트 ka1(ka1)"]
        ws.insert_rows(23, 2)  # no merged cells below row 22 move in this sheet's table
        ws.cell(row=23, column=7, value="둘째 줄")
        ws.cell(row=24, column=1, value="※ 참고")

    edit(path, change)
    loaded = read(path)
    a = loaded.spec.api("ka1")
    assert [x.name for x in a.request.body] == ["a", "b"]
    assert field(a.request.body, "a").description == "첫 줄\n둘째 줄"
    assert [line.split(" › ", 2)[2] for line in messages(loaded)] == [
        "G23 (ka1): Description without Element: read as more of 'a''s",
        "A24 (ka1): row skipped: '※ 참고' in 구분 is neither Header nor Body",
    ]


def test_overview_before_the_basic_info(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["키움 REST API"],
        ["API 정보"],
        ["메뉴 위치", None, "국내주식 > 시세 > 현재가(ka1)"],
        ["API 명", None, "현재가"],
        ["API ID", None, "ka1"],
        ["개요"],
        ["현재가를 조회합니다.", None, None, "(참고) 장중에만"],
        ["기본정보"],
        ["Method", "POST"],
        ["운영 도메인", None, "https://api.kiwoom.com"],
        ["URL", None, "/api/dostk/mrkcond"],
        [],
        ["Request"],
        ["구분", "Element", "한글명", "Type", "Required", "Length", "Description"],
        ["Body", "stk_cd", "종목코드", "String", "Y", 6, ""],
        ["Response"],
        ["구분", "Element", "한글명", "Type", "Required", "Length", "Description"],
        ["Body", "cur_prc", "현재가", "String", "N", 20, ""],
    ]
    loaded = read(write_grid(tmp_path / "grid.xlsx", {"현재가": rows}))
    a = loaded.spec.api("ka1")
    assert a.overview == "현재가를 조회합니다. (참고) 장중에만"
    assert (a.method, a.path, a.servers.mock) == ("POST", "/api/dostk/mrkcond", None)
    assert [x.name for x in a.request.body] == ["stk_cd"] and a.request.headers == ()
    assert messages(loaded) == []


def test_apis_that_move_money_are_orders(tmp_path: Path) -> None:
    """Names ending in 주문 (order) or 신청 (application: ust31302 환전 신청 converts currency)
    mark an HTTP API as an order, which the client never re-sends; inquiries are not orders."""
    sheets = [
        api("ust20000", "미국주식 매수 주문", url="/api/us/ordr"),
        api("ust31302", "환전 신청", url="/api/us/fx"),
        api("ust31300", "환전 예상 금액 조회", url="/api/us/fx"),
        api("kt00010", "주문인출가능금액요청", url="/api/dostk/acnt"),
    ]
    spec = read(write(tmp_path, *sheets)).spec
    assert {a.id: a.is_order for a in spec.apis} == {
        "kt00010": False,
        "ust20000": True,
        "ust31300": False,
        "ust31302": True,
    }
