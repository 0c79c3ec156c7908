"""The description miner on every style of the real workbook (issue 8, KIWOOM_FORMAT.md).

Each style is a field of a synthetic workbook in the official layout (tests/fixtures.py); the
tests assert the exact values mined, the closed/open decision and its recorded reason, formats,
fixed values, conditions, blanks and Lengths that cannot hold. Mining is linear: a 100,000
character cell is mined within a generous subprocess timeout (not a timed assertion).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.model import Api, Field
from kiwoom_codegen.model.describe import MAX_MINED, understand
from kiwoom_codegen.model.schema import api_schemas
from kiwoom_codegen.reader.workbook import display_path

from tests.support.fixtures import api, cell_of, f, field, messages, read, write

ROOT = Path(__file__).resolve().parents[1]

# name -> (description, expected values [(value, label)], closed)
ENUMS: dict[str, tuple[str, list[tuple[str, str | None]], bool]] = {
    "stex_tp": (
        "1:KRX, 2:NXT 3.통합",
        [("1", "KRX"), ("2", "NXT"), ("3", "통합")],
        True,
    ),
    "us_ord_tp": (
        "00:지정가 03시장가 26:VWAP지정가 ... 34:STOP LIMIT",
        [("00", "지정가"), ("03", "시장가"), ("26", "VWAP지정가"), ("34", "STOP LIMIT")],
        False,
    ),
    "us_ord_tp_all": (
        "00:지정가 03시장가 26:VWAP지정가 34:STOP LIMIT",
        [("00", "지정가"), ("03", "시장가"), ("26", "VWAP지정가"), ("34", "STOP LIMIT")],
        True,
    ),
    "inds_cd": (
        "001:종합(KOSPI), 002:대형주, ... 004:소형주 101:종합(KOSDAQ) ... 나머지 ※ 업종코드 참고",
        [("001", "종합(KOSPI)"), ("002", "대형주"), ("004", "소형주"), ("101", "종합(KOSDAQ)")],
        False,
    ),
    "refresh": (
        "0:기존유지안함 1:기존유지(Default)",
        [("0", "기존유지안함"), ("1", "기존유지")],
        True,
    ),
    "us_stex": (
        "%:전체,NA:AMEX,ND:NASDAQ,NY:NYSE",
        [("%", "전체"), ("NA", "AMEX"), ("ND", "NASDAQ"), ("NY", "NYSE")],
        True,
    ),
    "ranges": ("0:전체,1:5미만,2:5~10", [("0", "전체"), ("1", "5미만"), ("2", "5~10")], True),
    "ranges_more": (
        "0:전체,1:5미만,2:5~10,...",
        [("0", "전체"), ("1", "5미만"), ("2", "5~10")],
        False,
    ),
    "in_parens": ("분단위(5:10분, ...)", [("5", "10분")], False),
    "in_parens_all": (
        "틱범위(1:1틱, 3:3틱, 5:5틱)",
        [("1", "1틱"), ("3", "3틱"), ("5", "5틱")],
        True,
    ),
    "semicolons": (
        "10;10일, 20;20일, 60;60일",
        [("10", "10일"), ("20", "20일"), ("60", "60일")],
        True,
    ),
    "reversed": ("금액:0, 수량:1", [("0", "금액"), ("1", "수량")], True),
    "per_line": ("1:매수,\n2:매도,\n3:전체,", [("1", "매수"), ("2", "매도"), ("3", "전체")], True),
    "bare": ("KRX,NXT,SOR", [("KRX", None), ("NXT", None), ("SOR", None)], True),
    "bare_spaced": ("KRX, NXT, SOR", [("KRX", None), ("NXT", None), ("SOR", None)], True),
    "with_etc": ("1:KRX, 2:NXT 등", [("1", "KRX"), ("2", "NXT")], False),
    "code_table": ("01:서울, 02:부산\n※ 지역코드표 참고", [("01", "서울"), ("02", "부산")], False),
    "and_more": ("1:1억, 2:5억\n3 이상은 별도 문의", [("1", "1억"), ("2", "5억")], False),
    "noted": ("조회구분\n1:매수, 2:매도\n단위: 원", [("1", "매수"), ("2", "매도")], True),
    "avg_or_year": ("0:평균, YYYY:년도", [("0", "평균")], False),
    "fullwidth": ("Y：예, N：아니오", [("Y", "예"), ("N", "아니오")], True),
    "stray_code": ("1:매수, 2:매도\n또는 SOR", [("1", "매수"), ("2", "매도")], False),
    "dup": ("1:매수, 1:매도", [("1", "매수")], False),
    "trnm": ("REG : 등록 , REMOVE : 해지", [("REG", "등록"), ("REMOVE", "해지")], True),
    "labels_with_more": (
        "1:10만주이상, 2:50만주이상",
        [("1", "10만주이상"), ("2", "50만주이상")],
        True,
    ),
}

# name -> description, and what it must NOT be: no enumeration.
NOT_ENUMS = {
    "hhmm": "HH:mm",
    "hhmmss": "HH:mm:ss",
    "clock": "09:00",
    "hours": "09:00~15:30",
    "url": "https://api.kiwoom.com",
    "unit": "단위: 원",
    "note": "'0' 입력시 잔량 전부 취소",
    "year": "YYYY",
    "typo": "YYYMMDD",
    "numbered": "1. 조회\n2. 결과",
    "decimal": "e.g. 1.5배",
    "examples": "거래소별 종목코드\n(KRX:039490,NXT:039490_NX,SOR:039490_AL)",
    "sentence": "예시 A:B 입니다",
}

FORMATS = {
    "hhmm": "hh:mm",
    "hhmmss": "hh:mm:ss",
    "year": "YYYY",
    "typo": "YYYYMMDD",
    "avg_or_year": "YYYY",
}

FIXED = {
    "tr_cont": ("CNSRREQ 고정값", "CNSRREQ"),
    "grant_type": ("client_credentials 입력", "client_credentials"),
    "cnt": ("5값으로 고정", "5"),
    "in_parens_fixed": ("(K 고정)", "K"),
}


@pytest.fixture(scope="module")
def styles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Api, Any, Path]:
    rows = [f(n, length=None, description=text) for n, (text, _, _) in ENUMS.items()]
    rows += [f(n, length=None, description=text) for n, text in NOT_ENUMS.items()]
    rows += [f(n, length=None, description=text) for n, (text, _) in FIXED.items()]
    path = write(tmp_path_factory.mktemp("styles"), api("ka90001", request=rows))
    loaded = read(path)
    assert messages(loaded) == []
    return loaded.spec.api("ka90001"), loaded, path


def _values(x: Field) -> list[tuple[str, str | None]]:
    return [(e.value, e.label) for e in x.enum or ()]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ENUMS))
def test_enumeration_styles(styles: tuple[Api, Any, Path], name: str) -> None:
    a, _, path = styles
    text, expected, closed = ENUMS[name]
    x = field(a.request.body, name)
    assert _values(x) == expected
    assert x.enum_closed is closed
    doc = x.to_json()
    assert doc["enum_closed"] is closed
    assert doc["mining"]["decision"] == ("closed enum" if closed else "open enum")
    assert doc["mining"]["reason"]  # always says why
    cell = cell_of(path, "테스트 ka90001(ka90001)", text, column=7)
    assert doc["mining"]["source"].endswith(f" › {cell}")


def test_open_reasons_name_what_keeps_the_list_open(styles: tuple[Api, Any, Path]) -> None:
    a, _, _ = styles

    def reason(name: str) -> str:
        return field(a.request.body, name).mining.reason

    assert "'...'" in reason("us_ord_tp")
    assert "'...'" in reason("inds_cd")
    assert "'등'" in reason("with_etc")
    assert "코드표" in reason("code_table")
    assert "이상" in reason("and_more")
    assert "YYYY:년도" in reason("avg_or_year") and "format" in reason("avg_or_year")
    assert "'SOR'" in reason("stray_code")
    assert "twice" in reason("dup")
    assert "account for the whole list" in reason("stex_tp")


def test_default_is_noted(styles: tuple[Api, Any, Path]) -> None:
    a, _, _ = styles
    x = field(a.request.body, "refresh")
    assert x.mining.default == "1" and x.to_json()["mining"]["default"] == "1"
    assert "default '1'" in x.mining.reason


@pytest.mark.parametrize("name", sorted(NOT_ENUMS))
def test_not_enumerations(styles: tuple[Api, Any, Path], name: str) -> None:
    a, _, _ = styles
    x = field(a.request.body, name)
    assert x.enum is None and x.enum_closed is None and x.to_json()["enum_closed"] is None
    assert x.mining.decision in ("format", "prose")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_formats(styles: tuple[Api, Any, Path], name: str) -> None:
    a, _, _ = styles
    assert field(a.request.body, name).format == FORMATS[name]


def test_format_decision_and_declined_colons(styles: tuple[Api, Any, Path]) -> None:
    a, _, _ = styles
    assert field(a.request.body, "hhmm").mining.decision == "format"
    clock = field(a.request.body, "clock").mining
    assert clock.decision == "prose" and "'09:00'" in clock.reason and clock.declined
    examples = field(a.request.body, "examples").mining
    assert "KRX:039490" in examples.reason


@pytest.mark.parametrize("name", sorted(FIXED))
def test_fixed_values(styles: tuple[Api, Any, Path], name: str) -> None:
    a, _, _ = styles
    x = field(a.request.body, name)
    assert x.fixed_value == FIXED[name][1] and x.enum is None
    assert x.mining.decision == "fixed"


def test_the_real_time_refresh_is_not_a_constant(styles: tuple[Api, Any, Path]) -> None:
    a, _, _ = styles
    s = api_schemas(a)
    prop = s.schemas[s.request]["properties"]["refresh"]
    assert prop["enum"] == ["0", "1", ""]  # optional: "" (not given) too


# --- conditions that name another field's values --------------------------------------------

US_ORDER = [
    ("stk_cd", "종목코드", "String", "Y", 12, ""),
    ("trde_tp", "주문유형", "String", "Y", 2, "00:지정가 03:시장가 26:VWAP지정가 34:STOP LIMIT"),
    ("ord_uv", "주문단가", "String", "N", 12, "지정가(00) 주문시 필수"),
    ("vwap_tm", "VWAP시간", "String", "N", 12, "trde_tp가 00, 26 일 경우 입력"),
    ("stop_pric", "스톱가격", "String", "N", 12, "주문유형이 STOP LIMIT인 경우 필수"),
    ("crd_deal_tp", "신용거래구분", "String", "N", 2, "33:융자 , 99:융자합"),
    ("crd_loan_dt", "대출일", "String", "N", 8, "YYYYMMDD(융자일경우필수)"),
    ("cncl_qty", "취소수량", "String", "N", 12, "'0' 입력시 잔량 전부 취소"),
    ("memo", "메모", "String", "N", 12, "1주 이상 주문시 필수"),
]


@pytest.fixture(scope="module")
def us_order(tmp_path_factory: pytest.TempPathFactory) -> Api:
    path = write(
        tmp_path_factory.mktemp("us"), api("usa10000", "미국주식 매수주문", request=US_ORDER)
    )
    loaded = read(path)
    assert messages(loaded) == []
    return loaded.spec.api("usa10000")


@pytest.mark.parametrize(
    ("name", "when", "values"),
    [
        ("ord_uv", "trde_tp", ("00",)),
        ("vwap_tm", "trde_tp", ("00", "26")),
        ("stop_pric", "trde_tp", ("34",)),
        ("crd_loan_dt", "crd_deal_tp", ("33",)),
    ],
)
def test_conditions_on_sibling_values(
    us_order: Api, name: str, when: str, values: tuple[str, ...]
) -> None:
    x = field(us_order.request.body, name)
    assert x.required_if is not None
    assert (x.required_if.when_field, x.required_if.when_values) == (when, values)
    assert x.required_if.text == x.description
    assert "required when" in x.mining.reason


@pytest.mark.parametrize("name", ["cncl_qty", "memo"])
def test_no_condition_without_named_values(us_order: Api, name: str) -> None:
    assert field(us_order.request.body, name).required_if is None


# --- Length shorter than values the description shows ---------------------------------------


def test_length_shorter_than_shown_values_is_kept_but_not_enforced(tmp_path: Path) -> None:
    text = "거래소별 종목코드\n(KRX:039490,NXT:039490_NX,SOR:039490_AL)"
    rows = [
        ("stk_cd", "종목코드", "String", "Y", 6, text),
        ("stk_cd2", "종목코드", "String", "Y", 6, "KRX 039490, NXT _NX, SOR _AL"),
        ("stk_cd3", "종목코드", "String", "Y", 20, text),
    ]
    path = write(tmp_path, api("ka90002", request=rows))
    loaded = read(path)
    a = loaded.spec.api("ka90002")
    one, two, three = (field(a.request.body, n) for n in ("stk_cd", "stk_cd2", "stk_cd3"))
    assert one.max_length == 6 and one.to_json()["length_enforced"] is False
    assert two.max_length == 6 and two.to_json()["length_enforced"] is False
    assert three.to_json()["length_enforced"] is True
    props = api_schemas(a).schemas[api_schemas(a).request]["properties"]
    assert "maxLength" not in props["stk_cd"] and props["stk_cd3"]["maxLength"] == 20
    sheet = "테스트 ka90002(ka90002)"
    cell = cell_of(path, sheet, "stk_cd")
    assert (
        f"{sheet}' › {cell} (ka90002): stk_cd: Length 6 is shorter than the value '039490_NX' "
        "shown in the description; the length is not enforced"
    ) in "\n".join(messages(loaded))
    assert any("'039490_AL'" in m or "'039490_NX'" in m for m in messages(loaded) if "stk_cd2" in m)


# --- blanks -----------------------------------------------------------------------------------

BLANKS = [
    ("qry_tp", "조회구분", "String", "N", 1, "0:전체, 1:매수, 2:매도"),
    ("sort_tp", "정렬구분", "String", "Y", 1, "1:최근순, 2:과거순\n미입력시 과거거래순"),
    ("mrkt_tp", "시장구분", "String", "Y", 2, "%:전체,NA:AMEX,ND:NASDAQ,NY:NYSE"),
    ("strt_dt", "시작일자", "String", "N", 8, "YYYYMMDD"),
    ("end_dt", "종료일자", "String", "Y", 8, "YYYYMMDD 빈값('') 허용"),
    ("inds_cd", "업종코드", "String", "N", 3, ENUMS["inds_cd"][0]),
    ("stk_cd", "종목코드", "String", "N", 12, ""),
    ("name", "이름", "String", "Y", 12, "공백허용"),
    ("code", "코드", "String", "Y", 12, ""),
]


@pytest.fixture(scope="module")
def blanks(tmp_path_factory: pytest.TempPathFactory) -> Api:
    path = write(tmp_path_factory.mktemp("blanks"), api("ka90003", request=BLANKS))
    loaded = read(path)
    assert messages(loaded) == []
    return loaded.spec.api("ka90003")


def test_blanks_in_the_model(blanks: Api) -> None:
    accepts = {x.name: x.accepts_blank for x in blanks.request.body}
    assert accepts == {
        "qry_tp": True,
        "sort_tp": True,  # required, but `미입력시 ...`
        "mrkt_tp": False,
        "strt_dt": True,
        "end_dt": True,  # required, but `빈값('')`
        "inds_cd": True,
        "stk_cd": True,
        "name": True,  # required, but `공백허용`
        "code": False,
    }
    assert field(blanks.request.body, "sort_tp").to_json()["accepts_blank"] is True


def _validator(a: Api) -> Any:
    from jsonschema import Draft202012Validator

    s = api_schemas(a)
    root = dict(s.schemas[s.request])
    root["$defs"] = s.schemas
    return Draft202012Validator(root)


def test_blanks_in_the_schema(blanks: Api) -> None:
    v = _validator(blanks)
    good = {"sort_tp": "", "mrkt_tp": "NY", "end_dt": "", "name": "", "code": "X"}
    assert list(v.iter_errors(good)) == []
    every_blank = good | {"qry_tp": "", "strt_dt": "", "inds_cd": "", "stk_cd": ""}
    assert list(v.iter_errors(every_blank)) == []
    assert list(v.iter_errors(good | {"mrkt_tp": ""})) != []  # required, no blank documented
    assert list(v.iter_errors(good | {"code": ""})) == []  # plain string: "" is a string
    assert list(v.iter_errors(good | {"qry_tp": "9"})) != []  # closed
    assert list(v.iter_errors(good | {"inds_cd": "201"})) == []  # open: any code
    assert list(v.iter_errors(good | {"inds_cd": "2010"})) != []  # but Length 3 holds
    assert list(v.iter_errors(good | {"strt_dt": "2024"})) != []  # the format holds
    props = api_schemas(blanks).schemas[api_schemas(blanks).request]["properties"]
    assert props["qry_tp"]["enum"] == ["0", "1", "2", ""]
    assert props["qry_tp"]["x-enum-varnames"][-1] == "EMPTY"
    assert props["mrkt_tp"]["enum"] == ["%", "NA", "ND", "NY"]
    assert "enum" not in props["inds_cd"]
    assert [e["value"] for e in props["inds_cd"]["x-kiwoom-enum"]] == ["001", "002", "004", "101"]


# --- the cap and linear time ------------------------------------------------------------------


def test_text_longer_than_the_cap_stays_prose_with_a_located_warning(tmp_path: Path) -> None:
    text = "1:매수, 2:매도, " * (MAX_MINED // 10)
    assert len(text) > MAX_MINED
    path = write(tmp_path, api("ka90004", request=[f("long", length=None, description=text)]))
    loaded = read(path)
    x = field(loaded.spec.api("ka90004").request.body, "long")
    assert x.enum is None and x.mining.decision == "prose" and x.mining.declined
    cell = cell_of(path, "테스트 ka90004(ka90004)", text, column=7)
    assert messages(loaded) == [
        f"{display_path(path)} › '테스트 ka90004(ka90004)' › {cell} (ka90004): "
        f"description of 'long' is longer than {MAX_MINED} characters; kept as prose, not mined"
    ]


ADVERSARIAL = textwrap.dedent(
    """
    import sys
    from kiwoom_codegen.model import describe as d

    n = 100_000
    cells = [
        "1:" * (n // 2),
        "1:a " * (n // 4),
        "00:a " + "03가 " * (n // 4),
        "0:" + "(" * n,
        "경우 필수" * (n // 5),
        "1." * (n // 2),
        "가:1, " * (n // 5),
        "ABCDEFGHIJKL" * (n // 12),
        "1:a" + "." * n,
        "1:KRX, 2:NXT 3.통합 ※ 참고 HH:mm YYYY (융자일경우필수) 039490_NX _AL " * (n // 58),
        "x" * n,
    ]
    for cell in cells:
        assert len(cell) >= n * 0.9
        d.mine_enum(cell)
        d.parse_conditions(cell)
        d.parse_shown(cell)
        d.parse_format(cell)
        d.parse_fixed(cell)
        d.parse_unit(cell)
        assert d.understand(cell).too_long
    print("mined", len(cells))
    """
)


@pytest.mark.slow
def test_mining_a_100000_character_adversarial_cell_completes() -> None:
    # Quadratic mining took ~20 s for 40,000 characters; linear takes well under a second per
    # cell here. The timeout is a generous bound against hangs, not a speed assertion.
    result = subprocess.run(
        [sys.executable, "-c", ADVERSARIAL],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "mined 11"


def test_understand_is_the_same_for_the_same_text() -> None:
    assert understand("1:KRX, 2:NXT 3.통합") == understand("1:KRX, 2:NXT 3.통합")
