"""Alternative message shapes (variants), examples holding several documents, and the self-check.

ka10173 (조건검색 요청 실시간) splits its Response table with the heading rows `조회 데이터` and
`실시간 데이터` into two shapes that repeat `trnm` and `data`; its example holds both documents
after `#조회데이터` / `#실시간데이터`. The sheets here are synthetic, in the official layout.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.cli import main
from kiwoom_codegen.emit.openapi import SCHEMAS, _check, build_document
from kiwoom_codegen.model import Field
from kiwoom_codegen.model.schema import api_schemas
from kiwoom_codegen.model.selfcheck import check_examples
from kiwoom_codegen.problems import Problems
from kiwoom_codegen.reader.workbook import display_path as shown
from kiwoom_codegen.regen.diff import diff_specs

from tests.support.fixtures import (
    CONDITION_RESPONSE_EXAMPLE,
    api,
    cell_of,
    condition_realtime_sheet,
    edit,
    f,
    field,
    heading,
    messages,
    parse_one,
    read,
    write,
)
from tests.support.python_client_support import emit_files, imported, write_files

SHEET = "조건검색 요청 실시간(ka10173)"
LOOKUP = {"trnm": "CNSRREQ", "seq": "4", "return_code": 0, "return_msg": "", "data": [
    {"jmcode": "A005930"}, {"jmcode": "A000660"}]}  # fmt: skip
REALTIME = {
    "trnm": "REAL",
    "data": [
        {
            "type": "02",
            "name": "조건검색",
            "item": "005930",
            "values": {"841": "4", "9001": "005930", "843": "I"},  # the wire form
        }
    ],
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    code = main(["parse", *args, "--no-config"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err.splitlines()


# --- the model ---------------------------------------------------------------------------------


def test_ka10173_shape_reads_into_two_variants(tmp_path: Path) -> None:
    a, loaded = parse_one(tmp_path, condition_realtime_sheet())
    assert messages(loaded) == []
    response = a.response
    assert response.body == ()
    assert [v.name for v in response.variants] == ["조회 데이터", "실시간 데이터"]
    lookup, realtime = response.variants
    assert [x.name for x in lookup.body] == ["trnm", "seq", "data"]
    assert [x.name for x in field(lookup.body, "data").children] == ["jmcode"]
    assert [x.name for x in realtime.body] == ["trnm", "data"]
    values = field(field(realtime.body, "data").children, "values")
    assert [x.name for x in values.children] == ["841", "9001", "843"]
    path = tmp_path / "spec.xlsx"
    assert lookup.source.cell == cell_of(path, SHEET, "조회 데이터")
    assert realtime.source.cell == cell_of(path, SHEET, "실시간 데이터")
    assert a.request.variants == ()

    doc = a.to_json()
    assert doc["request"]["variants"] == []
    assert [v["name"] for v in doc["response"]["variants"]] == [
        "조회 데이터",
        "실시간 데이터",
    ]
    assert sorted(doc["response"]["variants"][0]) == ["body", "name", "source"]
    assert [x["name"] for x in doc["response"]["variants"][1]["body"]] == [
        "trnm",
        "data",
    ]


def test_common_fields_above_the_first_heading_and_lenient_headings(
    tmp_path: Path,
) -> None:
    """Fields above the first heading are common; headings inside a LIST, at the end, before a
    heading, or starting with ※ are decoration; a heading needs no 구분 of its own."""
    sheet = api(
        "ka1",
        response=[
            f("cnt"),
            heading("첫째"),
            heading("조회"),
            f("rows", type="LIST", length=None),
            heading("항목"),
            f("- a"),
            heading("※ 참고"),
            f("flag"),
            heading("실시간"),
            f("rows", type="LIST", length=None),
            f("- b"),
            heading("끝"),
        ],
    )
    a, loaded = parse_one(tmp_path, sheet)
    assert messages(loaded) == []
    assert [x.name for x in a.response.body] == ["cnt"]
    assert [(v.name, [x.name for x in v.body]) for v in a.response.variants] == [
        ("조회", ["rows", "flag"]),
        ("실시간", ["rows"]),
    ]


def test_heading_right_after_the_header_row_without_group(tmp_path: Path) -> None:
    """A heading above the first 구분 (here the request of a WebSocket sheet) takes its group."""
    sheet = condition_realtime_sheet(
        request=[
            heading("등록"),
            ("trnm", "서비스명", "String", "Y", 6, "REG"),
            ("item", "종목코드", "String", "Y", 12, ""),
            heading("해지"),
            ("trnm", "서비스명", "String", "Y", 6, "REMOVE"),
        ],
        request_example=None,
    )
    path = write(tmp_path, sheet)

    def move_group(
        wb: Any,
    ) -> None:  # 구분 `Body` from the heading row to the row below it
        ws = wb[SHEET]
        for row in ws.iter_rows():
            if row[1].value == "등록":
                row[0].value = None
                ws.cell(row=row[0].row + 1, column=1).value = "Body"

    edit(path, move_group)
    loaded = read(path)
    a = loaded.spec.api("ka10173")
    assert [(v.name, [x.name for x in v.body]) for v in a.request.variants] == [
        ("등록", ["trnm", "item"]),
        ("해지", ["trnm"]),
    ]
    assert not [p for p in loaded.problems if p.level == "error"]


def test_twice_in_one_variant_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rows = [
        heading("조회 데이터"),
        f("trnm"),
        f("data"),
        heading("실시간 데이터"),
        f("trnm"),
        f("trnm", label="서비스명2"),
    ]
    path = write(Path("."), api("ka1", response=rows))
    second = cell_of(path, "테스트 ka1(ka1)", "서비스명2", column=3).replace("C", "B")
    first = int(second[1:]) - 1
    code, out, err = run(capsys, "spec.xlsx")
    assert (code, out) == (2, "")
    assert err == [
        f"error: spec.xlsx › '테스트 ka1(ka1)' › {second} (ka1): field 'trnm' appears twice in "
        f"Response Body (실시간 데이터) (first at B{first})",
        "kiwoom-codegen: 1 error(s) in the specs",
    ]


def test_a_variant_repeating_a_common_field_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(Path("."), api("ka1", response=[f("trnm"), heading("조회"), f("trnm", "이름2")]))
    at = cell_of(path, "테스트 ka1(ka1)", "이름2", column=3).replace("C", "B")
    common = int(at[1:]) - 2
    code, out, err = run(capsys, "spec.xlsx")
    assert (code, out) == (2, "")
    assert err[0] == (
        f"error: spec.xlsx › '테스트 ka1(ka1)' › {at} (ka1): field 'trnm' of '조회' is also in the "
        f"Response Body above the first heading (at B{common}): a field appears once in each shape"
    )


# --- examples with several documents -----------------------------------------------------------


def test_example_with_two_documents_is_split(tmp_path: Path) -> None:
    a, loaded = parse_one(tmp_path, condition_realtime_sheet())
    example = a.response_example
    assert example is not None
    assert (example.text, example.valid, example.value) == (
        CONDITION_RESPONSE_EXAMPLE,
        False,
        None,
    )
    assert example.is_json
    assert [(p.name, p.value, p.line) for p in example.parts] == [
        ("조회데이터", LOOKUP, 2),
        ("실시간데이터", REALTIME, 13),
    ]
    lines = CONDITION_RESPONSE_EXAMPLE.split("\n")
    assert lines[12] == "{" and lines[11] == "#실시간데이터"
    assert a.to_json()["examples"]["response"]["parts"][1] == {
        "name": "실시간데이터",
        "text": "\n".join(lines[12:]),
        "json": REALTIME,
        "valid": True,
        "line": 13,
    }
    assert messages(loaded) == []


def test_a_broken_part_is_a_warning_naming_it(tmp_path: Path) -> None:
    text = '#요청\n{"trnm": "REG"}\n#실시간 수신\n{"trnm": "REAL"'
    sheet = condition_realtime_sheet(request_example=text, response_example=None)
    path = write(tmp_path, sheet)
    loaded = read(path)
    a = loaded.spec.api("ka10173")
    assert a.request_example is not None
    assert [(p.name, p.valid) for p in a.request_example.parts] == [
        ("요청", True),
        ("실시간 수신", False),
    ]
    at = cell_of(path, SHEET, text)
    line = (
        f"{shown(path)} › '{SHEET}' › {at} (ka10173): Request Example part '실시간 수신' "
        "(line 4) is not valid JSON; kept as text"
    )
    assert line in messages(loaded)


# --- schemas, Python and OpenAPI ---------------------------------------------------------------


def test_schemas_offer_the_variants_as_a_union(tmp_path: Path) -> None:
    a, _ = parse_one(tmp_path, condition_realtime_sheet())
    s = api_schemas(a)
    prefix = a.class_prefix
    assert s.response == f"{prefix}Response"
    names = [name for name, _ in s.response_shapes]
    assert names == [f"{prefix}ResponseJohoeDeiteo", f"{prefix}ResponseSilsiganDeiteo"]
    union = s.schemas[s.response]
    assert union["anyOf"] == [{"$ref": f"#/$defs/{n}"} for n in names]
    lookup = s.schemas[names[0]]
    assert lookup["x-kiwoom-variant"] == "조회 데이터"
    assert list(lookup["properties"]) == [
        "trnm",
        "seq",
        "data",
        "return_code",
        "return_msg",
    ]
    assert list(s.schemas[names[1]]["properties"]) == [
        "trnm",
        "data",
        "return_code",
        "return_msg",
    ]
    # Without variants nothing changes: one object schema.
    assert "anyOf" not in s.schemas[s.request] and s.request_shapes[0][0] == s.request


def test_openapi_union_and_one_example_per_document(tmp_path: Path) -> None:
    http = api(
        "ka2",
        request=[f("q", required="Y")],
        response=[
            heading("조회 데이터"),
            f("trnm"),
            f("rows", type="LIST", length=None),
            f("- a"),
            heading("실시간 데이터"),
            f("trnm"),
            f("rows", type="LIST", length=None),
            f("- b"),
        ],
        request_example='{"q": "1"}',
        response_example='#조회데이터\n{"trnm": "X", "rows": [{"a": "1"}]}\n'
        '#실시간데이터\n{"trnm": "REAL", "rows": [{"b": "2"}]}',
    )
    spec = read(write(tmp_path, http)).spec
    doc = build_document(spec, spec.content_hash())
    schemas = doc["components"]["schemas"]
    ref = doc["paths"]["/api/dostk/test#ka2"]["post"]["responses"]["200"]["content"][
        "application/json"
    ]
    union = schemas[ref["schema"]["$ref"].removeprefix(SCHEMAS)]
    prefix = spec.api("ka2").class_prefix
    assert [r["$ref"].removeprefix(SCHEMAS) for r in union["anyOf"]] == [
        f"{prefix}ResponseJohoeDeiteo",
        f"{prefix}ResponseSilsiganDeiteo",
    ]
    assert sorted(ref["examples"]) == ["sheet1", "sheet2"]
    assert (
        ref["examples"]["sheet2"]["summary"] == "Response Example of the spec sheet (실시간데이터)"
    )
    # the document's own validator understands anyOf: a request for the union is checked
    assert _check(ref["schema"], {"trnm": 1}, schemas) == ["trnm: 1 is not of type string"]
    assert _check(ref["schema"], {"trnm": "x"}, schemas) == []


def test_python_union_model_validates_both_shapes(tmp_path: Path) -> None:
    sheet = condition_realtime_sheet()
    http = api(
        "ka2",
        request=[heading("등록"), f("trnm", required="Y", description="REG 고정값"), f("item"),
                 heading("해지"), f("trnm", required="Y", description="REMOVE 고정값")],
        response=[f("ok")],
    )  # fmt: skip
    spec = read(write(tmp_path / "in", sheet, http)).spec
    root = write_files(emit_files(spec), tmp_path / "out")
    with imported(root) as pkg:
        ops = pkg.OPERATIONS
        response = ops["ka10173"].response_model
        first = response.model_validate(LOOKUP).root
        second = response.model_validate(REALTIME).root
        assert type(first).__name__.endswith("ResponseJohoeDeiteo")
        assert type(second).__name__.endswith("ResponseSilsiganDeiteo")
        assert first.data[0].jmcode == "A005930"
        assert second.data[0].values.insert_delete_tp == "I"  # keyed by field id (843)
        # .parsed() of the union is that of the shape the answer has (docs/values.md)
        assert type(response.model_validate(LOOKUP).parsed()).__name__.endswith("DeiteoParsed")
        request = ops["ka2"].request_model
        reg = request.model_validate({"trnm": "REG", "item": "005930"})
        assert type(reg.root).__name__.endswith("RequestDeungrok")
        remove = request.model_validate({"trnm": "REMOVE"})
        assert type(remove.root).__name__.endswith("RequestHaeji")
        assert json.loads(remove.model_dump_json(by_alias=True, exclude_unset=True)) == {
            "trnm": "REMOVE"
        }
        with pytest.raises(ValueError):
            request.model_validate({"trnm": "REMOVE", "item": "1"})  # not a field of 해지
        client = pkg.KiwoomClient(appkey="k", secretkey="s", env="mock")
        group = getattr(client, ops["ka2"].group)
        method = getattr(group, ops["ka2"].method)
        assert method.__annotations__["trnm"] == "Literal['REG', 'REMOVE']"


# --- the self-check ----------------------------------------------------------------------------


@pytest.mark.slow
def test_self_check_lines_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    wrong = CONDITION_RESPONSE_EXAMPLE.replace(
        '"values": {"841": "4", "9001": "005930", "843": "I"}',
        '"values": [{"841": "4"}]',  # the table's LIST, not the wire's object
    ).replace(
        '"seq": "4",\n    "return_code"',
        '"seq": "4",\n    "sqe": "4",\n    "return_code"',
    )
    sheet = condition_realtime_sheet(
        request_example='{"trnm": "CNSRREQ", "seq": "4", "search_type": "0", "stex_tp": "K"}',
        response_example=wrong,
    )
    other = api(
        "ka10021",
        request=[
            f("stex_tp", required="Y", length=1, description="1:KRX, 2:NXT"),
            f("dt", required="Y", length=8, description="YYYYMMDD"),
        ],
        response=[f("result_list", type="LIST", length=None), f("- a")],
        request_example='{"stex_tp": "3", "dt": "20240101"}',
        response_example='{"result_lsit": [{"a": "1"}], "return_code": 0, "return_msg": "ok"}',
    )
    path = write(Path("."), sheet, other, api("ka3", request=[f("a")], request_example="{,}"))
    where = "spec.xlsx › '조건검색 요청 실시간(ka10173)' › "
    req_at = cell_of(path, SHEET, sheet.request_example)
    resp_at = cell_of(path, SHEET, wrong)
    # Mined rules cite the Description cell once the model records it (Field.mining.source),
    # until then the field's row by its Element cell.
    described = hasattr(Field, "mining")
    search = (
        cell_of(path, SHEET, "1: 조건검색+실시간조건검색")
        if described
        else cell_of(path, SHEET, "search_type", column=2)
    )
    lookup_at = cell_of(path, SHEET, "조회 데이터")
    seq = f"B{int(lookup_at[1:]) + 2}"  # the response's seq (the request has one too)
    values = cell_of(path, SHEET, "- values", column=2)
    o_sheet = "테스트 ka10021(ka10021)"
    o_req = cell_of(path, o_sheet, other.request_example)
    o_resp = cell_of(path, o_sheet, other.response_example)
    stex = (
        cell_of(path, o_sheet, "1:KRX, 2:NXT")
        if described
        else cell_of(path, o_sheet, "stex_tp", column=2)
    )
    results = cell_of(path, o_sheet, "result_list", column=2)
    code, out, err = run(capsys, "spec.xlsx")
    assert code == 0
    checks = [line for line in err if "example" in line and "Example" not in line]
    # A value the sheet's own request example sends opens a closed list (issue 20): said at
    # the Description cell, before the self-check, which then accepts the example.
    assert req_at and o_req
    assert checks == [
        f"warning: spec.xlsx › '{o_sheet}' › {stex} (ka10021): stex_tp: the sheet's request "
        "example sends '3', which the description does not list ('1', '2'); the list is read "
        "as open",
        f"warning: {where}{search} (ka10173): search_type: the sheet's request example sends "
        "'0', which the description does not list ('1'); the list is read as open",
        f"warning: spec.xlsx › '{o_sheet}' › {o_resp} (ka10021): response example: key "
        f"'result_lsit' is not in the table (the table has 'result_list' at {results})",
        f"warning: {where}{resp_at} (ka10173): response example (조회데이터, line 2): key 'sqe' "
        f"is not in the table (the table has 'seq' at {seq})",
        f"warning: {where}{resp_at} (ka10173): response example (실시간데이터, line 14): "
        f"data[0].values is a list, but the frame carries an object (the table says LIST at "
        f"{values})",
        "self-check: request examples accepted 2/2, response examples 1/2 (not JSON, not "
        "checked: 1 request, 0 response)",
    ]
    assert err[-2:] == [checks[-1], "3 APIs, 0 error codes"]  # the summary ends the problems
    assert [line.split("\t")[0] for line in out.splitlines()] == [
        "ka10021",
        "ka10173",
        "ka3",
    ]

    code, out, err = run(capsys, "spec.xlsx", "--strict")
    assert (code, out) == (2, "")
    assert err[-2:] == [
        checks[-1],
        "kiwoom-codegen: warnings treated as errors (--strict)",
    ]
    assert f"error: {checks[0].removeprefix('warning: ')}" in err


def test_self_check_counts_match_its_warnings(tmp_path: Path) -> None:
    a_path = write(tmp_path, condition_realtime_sheet())
    loaded = read(a_path)
    assert loaded.self_check is not None
    assert loaded.notes == ["self-check: request examples accepted 1/1, response examples 1/1"]
    problems = Problems()
    checked = check_examples(loaded.spec, problems)
    assert problems.items == [] and checked.summary() == loaded.notes[0]


def test_shipped_specs_examples_are_accepted() -> None:
    from tests.support.python_client_support import shipped_spec

    problems = Problems()
    checked = check_examples(shipped_spec(), problems)
    assert [p.line() for p in problems.items] == []
    assert checked.request.total == checked.request.accepted > 0


# --- diff --------------------------------------------------------------------------------------


def test_diff_compares_variants(tmp_path: Path) -> None:
    old = read(write(tmp_path / "old", condition_realtime_sheet())).spec
    rows = list(condition_realtime_sheet().response_body)
    lookup = [r for r in rows[: rows.index(heading("실시간 데이터"))] if r[0] != "seq"]
    new_rows = [
        *lookup,
        heading("해제 데이터"),
        ("trnm", "서비스명", "String", "N", 7, ""),
    ]
    new = read(write(tmp_path / "new", condition_realtime_sheet(response=new_rows))).spec
    changes = {(c.kind, c.location): c for c in diff_specs(old, new).changes}
    removed = changes[("variant_removed", "response.variants.실시간 데이터")]
    assert removed.breaking and removed.old == {"fields": ["trnm", "data"]}
    added = changes[("variant_added", "response.variants.해제 데이터")]
    assert not added.breaking and added.new == {"fields": ["trnm"]}
    gone = changes[("field_removed", "response.variants.조회 데이터.seq")]
    assert gone.breaking


def test_headings_merged_from_the_group_column(tmp_path: Path) -> None:
    """Headings written in 구분 and merged across the row still open the variants; the rows
    below them, without `Body`, are read as Body with one warning."""
    path = write(tmp_path, condition_realtime_sheet(request_example=None, response_example=None))

    def to_group_column(wb: Any) -> None:
        ws = wb[SHEET]
        for row in ws.iter_rows():
            if row[1].value in ("조회 데이터", "실시간 데이터"):
                text = row[1].value
                row[0].value, row[1].value = text, None
                ws.merge_cells(start_row=row[0].row, start_column=1, end_row=row[0].row,
                               end_column=7)  # fmt: skip

    edit(path, to_group_column)
    loaded = read(path)
    a = loaded.spec.api("ka10173")
    assert [v.name for v in a.response.variants] == ["조회 데이터", "실시간 데이터"]
    assert a.response.variants[0].source.cell == cell_of(path, SHEET, "조회 데이터")
    assert [x.name for x in a.response.variants[1].body] == ["trnm", "data"]
    where = cell_of(path, SHEET, "조회 데이터")
    below = f"A{int(where[1:]) + 1}"
    assert messages(loaded) == [
        f"{shown(path)} › '{SHEET}' › {below} (ka10173): table rows before any Header/Body in "
        "구분; read as Header when named like a standard header (api-id, authorization, cont-yn, "
        "next-key), else as Body"
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("required", "read_as"),
    [("Yes", True), ("필수", True), ("Y(조건부)", True), ("N (미사용)", False)],
)
def test_required_spelled_otherwise_is_a_warning(
    tmp_path: Path, required: str, read_as: bool
) -> None:
    path = write(tmp_path, api("ka1", request=[f("a", required=required)]))
    loaded = read(path)
    assert field(loaded.spec.api("ka1").request.body, "a").required is read_as
    at = cell_of(path, "테스트 ka1(ka1)", required)
    assert messages(loaded) == [
        f"{shown(path)} › '테스트 ka1(ka1)' › {at} (ka1): Required of 'a' is {required!r}; "
        f"read as {'Y' if read_as else 'N'}"
    ]


# --- the official sheets' exact shapes ---------------------------------------------------------


def real_ka10173() -> Any:
    """ka10173 as the official workbook lays it out, row for row: each heading row also fills
    `구분` with `Body`, and the realtime shape lists `data` (LIST), then `trnm` (String), then
    the members of `data` (`- type`, `- name`, `- values` typed Object with `- - ` ids)."""
    return api(
        "ka10173",
        "조건검색 요청 실시간",
        menu="국내주식 > 조건검색 > 조건검색 요청 실시간(ka10173)",
        url="/api/dostk/websocket",
        production="wss://api.kiwoom.com:10000",
        mock="wss://mockapi.kiwoom.com:10000(KRX만 지원가능)",
        request=[
            f("trnm", "서비스명", required="Y", length=7, description="CNSRREQ 고정값"),
            f("seq", "조건검색식 일련번호", required="Y", length=3),
            f(
                "search_type",
                "조회타입",
                required="Y",
                length=1,
                description="1: 조건검색+실시간조건검색",
            ),
            f("stex_tp", "거래소구분", required="Y", length=1, description="K:KRX"),
        ],  # fmt: skip
        response=[
            heading("조회 데이터"),
            f("return_code", "결과코드", length=None, description="정상:0 나머지:에러"),
            f("return_msg", "결과메시지", length=None, description="정상인 경우는 메시지 없음"),
            f("trnm", "서비스명", length=None, description="CNSRREQ"),
            f("seq", "조건검색식 일련번호", length=None),
            f("data", "검색결과데이터", type="LIST", length=""),
            f(
                "- jmcode",
                "종목코드",
                length=None,
                description="접두어 1자리 + 종목코드 6자리, 접두어(A: 주식 / J: ELW / Q: ETN)",
            ),
            heading("실시간 데이터"),
            f("data", "검색결과데이터", type="LIST", required="Y", length=""),
            f("trnm", "서비스명", required="Y", length="", description="REAL"),
            f("- type", "실시간 항목", required="Y", length=2, description="TR 명(0A,0B....)"),
            f("- name", "실시간 항목명", required="Y", length="", description="종목코드"),
            f("- values", "실시간 수신 값", type="Object", required="Y", length=""),
            f("- - 841", "일련번호", required="Y", length=""),
            f("- - 9001", "종목코드", required="Y", length=""),
            f("- - 843", "삽입삭제 구분", required="Y", length="", description="I: 삽입, D: 삭제"),
        ],  # fmt: skip
    )


def test_official_ka10173_layout_parses_with_its_members_placed(tmp_path: Path) -> None:
    path = write(tmp_path, real_ka10173())
    # The official sheet writes `Body` in 구분 on each heading row too.
    edit(
        path,
        lambda wb: [
            wb["조건검색 요청 실시간(ka10173)"].cell(row=r, column=1, value="Body")
            for r in (int(cell_of(path, "조건검색 요청 실시간(ka10173)", h)[1:]) for h in (
                "조회 데이터", "실시간 데이터"))
        ],
    )  # fmt: skip
    loaded = read(path)
    a = loaded.spec.api("ka10173")
    lookup, realtime = a.response.variants
    assert [x.name for x in lookup.body] == ["return_code", "return_msg", "trnm", "seq", "data"]
    assert [x.name for x in realtime.body] == ["data", "trnm"]
    data = field(realtime.body, "data")
    assert [x.name for x in data.children] == ["type", "name", "values"]
    assert field(realtime.body, "trnm").children == ()
    assert [x.name for x in field(data.children, "values").children] == ["841", "9001", "843"]
    placed = [m for m in messages(loaded) if "placed under" in m]
    assert placed == [
        f"{shown(path)} › '조건검색 요청 실시간(ka10173)' › "
        f"{cell_of(path, '조건검색 요청 실시간(ka10173)', '- type')} (ka10173): member 'type' "
        "follows 'trnm' of Type String; placed under 'data' above it",
    ]


def test_official_ka10101_list_member_without_members_is_a_string(tmp_path: Path) -> None:
    sheet = api(
        "ka10101",
        "업종코드 리스트",
        request=[f("mrkt_tp", "시장구분", required="Y", length=1,
                   description="0:코스피(거래소),1:코스닥,2:KOSPI200,4:KOSPI100,7:KRX100(통합지수)")],
        response=[
            f("list", "업종코드리스트", type="LIST", length=""),
            f("- marketCode", "시장구분코드", type="LIST", length=""),
            f("- code", "코드", length=None),
            f("- name", "업종명", length=None),
            f("- group", "그룹", length=None),
        ],
        response_example='{"list": [{"marketCode": "0", "code": "001", "name": "종합(KOSPI)", '
        '"group": "1"}], "return_code": 0, "return_msg": ""}',
    )  # fmt: skip
    a, loaded = parse_one(tmp_path, sheet)
    rows = field(a.response.body, "list").children
    assert [(x.name, x.kind.value) for x in rows] == [
        ("marketCode", "string"),
        ("code", "string"),
        ("name", "string"),
        ("group", "string"),
    ]
    lines = messages(loaded)
    assert any("LIST 'marketCode' has no members" in m and "read as String" in m for m in lines)
    assert not any("response example" in m and "marketCode" in m for m in lines)


@pytest.mark.slow
def test_self_check_knows_reg_item_and_type_are_arrays_on_the_wire(tmp_path: Path) -> None:
    """The WebSocket sheets type REG's `item`/`type` String, their examples (and the wire) send
    arrays: the schemas are the wire's, so arrays of codes and US item objects agree. A number
    where a code belongs, or the table's plain string, is a disagreement."""
    reg = api(
        "0B",
        "주식체결",
        menu="국내주식 > 실시간시세 > 주식체결(0B)",
        url="/api/dostk/websocket",
        production="wss://api.kiwoom.com:10000",
        mock="wss://mockapi.kiwoom.com:10000",
        request=[
            f("trnm", "서비스명", required="Y", length=10,
              description="REG : 등록 , REMOVE : 해지"),
            f("grp_no", "그룹번호", required="Y", length=4),
            f("data", "실시간 등록 리스트", type="LIST", required=None, length=""),
            f("- item", "실시간 등록 요소", required="N", length=100),
            f("- type", "실시간 항목", required="Y", length=2, description="TR 명(0A,0B....)"),
        ],
        request_example='{"trnm": "REG", "grp_no": "1", '
        '"data": [{"item": ["005930"], "type": ["0B"]}]}',
    )  # fmt: skip
    a, loaded = parse_one(tmp_path / "ok", reg)
    assert [m for m in messages(loaded) if "request example" in m] == []
    bad = dataclasses.replace(
        reg,
        request_example='{"trnm": "REG", "grp_no": "1", '
        '"data": [{"item": [5930], "type": ["0B"]}]}',
    )
    _, loaded = parse_one(tmp_path / "bad", bad)
    assert any("request example" in m and "item" in m for m in messages(loaded))
    us = dataclasses.replace(
        reg,
        request_example='{"trnm": "REG", "grp_no": "1", '
        '"data": [{"item": [{"jmcode": "NVDA", "stex_tp": "ND"}], "type": ["FE"]}]}',
    )
    _, loaded = parse_one(tmp_path / "us", us)
    assert [m for m in messages(loaded) if "request example" in m] == []
    table = dataclasses.replace(
        reg,
        request_example='{"trnm": "REG", "grp_no": "1", '
        '"data": [{"item": ["005930"], "type": "0B"}]}',
    )
    _, loaded = parse_one(tmp_path / "table", table)
    assert [m.split(": ", 1)[1] for m in messages(loaded) if "request example" in m] == [
        "request example: data[0].type is a string, but the frame carries a list (the table "
        f"says String at {cell_of(tmp_path / 'table' / 'spec.xlsx', '주식체결(0B)', '- type', 2)})"
    ]
