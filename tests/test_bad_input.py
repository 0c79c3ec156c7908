"""Bad input through the command line: one clear located line per problem, exit 2, no traceback.

Every line has the form ``FILE › 'SHEET' › CELL (API_ID): message`` (as much of it as exists),
after the level (``error:``/``warning:``). Tests run in tmp_path so FILE is the short name.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from kiwoom_codegen.cli import main
from openpyxl import Workbook

from tests.support.fixtures import api, edit, f, replace, set_cell, write

SUMMARY = "kiwoom-codegen: 1 error(s) in the specs"
BUY = "신용 매수주문(kt10006)"


def buy_sheet(name: str = "신용 매수주문", **kw: object) -> object:
    """kt10006 as specs/ has it: E23 is the Required cell of stk_cd."""
    return api(
        "kt10006",
        name,
        menu="국내주식 > 신용주문 > 신용 매수주문(kt10006)",
        url="/api/dostk/crdordr",
        request=[
            ("dmst_stex_tp", "국내거래소구분", "String", "Y", 3, "KRX,NXT,SOR"),
            ("stk_cd", "종목코드", "String", "Y", 12, ""),
            ("ord_qty", "주문수량", "String", "Y", 12, ""),
        ],
        response=[("ord_no", "주문번호", "String", "N", 7, "")],
        **kw,
    )


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    """Exit code, stdout and the stderr lines, without the notes (`note:` lines name the APIs
    that no names table names, such as these tests' ka1; test_names_table checks them)."""
    code = main(["parse", *args, "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, [line for line in err.splitlines() if not line.startswith("note: ")]


def assert_one_error(capsys: pytest.CaptureFixture[str], line: str, *args: str) -> None:
    code, out, err = run(capsys, *(args or ("spec.xlsx",)))
    assert (code, out) == (2, "")
    assert err == [f"error: {line}", SUMMARY]


# --- files that are not workbooks -------------------------------------------------------------


def test_not_an_xlsx(capsys: pytest.CaptureFixture[str]) -> None:
    Path("spec.xlsx").write_text("API ID,URL\nkt10006,/api/dostk/crdordr\n", encoding="utf-8")
    assert_one_error(capsys, "spec.xlsx: not an .xlsx workbook (no ZIP/OOXML signature)")


def test_corrupt_zip(capsys: pytest.CaptureFixture[str]) -> None:
    good = write(Path("."), buy_sheet(), name="good.xlsx")
    Path("spec.xlsx").write_bytes(good.read_bytes()[:1500])
    assert_one_error(
        capsys, "spec.xlsx: corrupt .xlsx workbook (BadZipFile: File is not a zip file)"
    )


def test_corrupt_sheet_part(capsys: pytest.CaptureFixture[str]) -> None:
    good = zipfile.ZipFile(write(Path("."), buy_sheet(), name="good.xlsx"))
    with zipfile.ZipFile("spec.xlsx", "w") as z:
        for name in good.namelist():
            data = good.read(name)
            z.writestr(name, data[: len(data) // 2] if name.startswith("xl/worksheets/") else data)
    code, out, err = run(capsys, "spec.xlsx")
    assert (code, out) == (2, "")
    assert len(err) == 2 and err[1] == SUMMARY
    assert err[0].startswith(f"error: spec.xlsx › '{BUY}': corrupt sheet (ParseError: ")


def test_encrypted_workbook(capsys: pytest.CaptureFixture[str]) -> None:
    Path("spec.xlsx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4088))
    assert_one_error(
        capsys,
        "spec.xlsx: encrypted (password-protected) workbook or legacy .xls: "
        "save it as an unprotected .xlsx",
    )


def test_missing_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_error(capsys, "nowhere.xlsx: no such file or directory", "nowhere.xlsx")


def test_directory_without_workbooks(capsys: pytest.CaptureFixture[str]) -> None:
    Path("empty").mkdir()
    assert_one_error(capsys, "empty: directory holds no .xlsx spec workbook", "empty")


# --- sheets ------------------------------------------------------------------------------------


def test_sheet_without_api_id(capsys: pytest.CaptureFixture[str]) -> None:
    replace(write(Path("."), buy_sheet()), BUY, "kt10006", None)
    assert_one_error(capsys, f"spec.xlsx › '{BUY}' › C6: API sheet has no API ID")


def test_sheet_without_api_id_row(capsys: pytest.CaptureFixture[str]) -> None:
    path = replace(write(Path("."), buy_sheet()), BUY, "kt10006", None)
    replace(path, BUY, "API ID", None)
    assert_one_error(capsys, f"spec.xlsx › '{BUY}': API sheet has no API ID")


@pytest.mark.parametrize(
    ("header", "missing"), [("Required", "Required"), ("Element", "Element"), ("구분", "구분")]
)
def test_missing_table_header_column(
    capsys: pytest.CaptureFixture[str], header: str, missing: str
) -> None:
    replace(write(Path("."), buy_sheet()), BUY, header, "비고")
    assert_one_error(
        capsys,
        f"spec.xlsx › '{BUY}' › A17 (kt10006): Request table header lacks column(s) {missing}",
    )


def test_same_api_id_in_two_sheets(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("."), buy_sheet(), buy_sheet(name="신용 매수주문 v2"))
    assert_one_error(
        capsys,
        "spec.xlsx › '신용 매수주문 v2(kt10006)' › C6 (kt10006): API id kt10006 appears twice "
        f"(first in spec.xlsx › '{BUY}' › C6)",
    )


def test_same_api_id_in_two_files(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("."), buy_sheet(), name="a.xlsx")
    write(Path("."), buy_sheet(), name="b.xlsx")
    assert_one_error(
        capsys,
        f"b.xlsx › '{BUY}' › C6 (kt10006): API id kt10006 appears twice "
        f"(first in a.xlsx › '{BUY}' › C6)",
        "a.xlsx",
        "b.xlsx",
    )


def test_same_api_id_in_a_directory(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("specs"), buy_sheet(), name="a.xlsx")
    write(Path("specs/old"), buy_sheet(), name="b.xlsx")
    assert_one_error(
        capsys,
        f"specs/old/b.xlsx › '{BUY}' › C6 (kt10006): API id kt10006 appears twice "
        f"(first in specs/a.xlsx › '{BUY}' › C6)",
        "specs",
    )


# --- tables --------------------------------------------------------------------------------


def test_same_field_twice(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("."), api("ka1", request=[f("stk_cd"), f("qty"), f("stk_cd")]))
    assert_one_error(
        capsys,
        "spec.xlsx › '테스트 ka1(ka1)' › B24 (ka1): field 'stk_cd' appears twice in Request Body "
        "(first at B22)",
    )


def test_depth_jump(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("."), api("ka1", response=[f("rows", type="LIST"), f("- - x"), f("- - y")]))
    assert_one_error(
        capsys,
        "spec.xlsx › '테스트 ka1(ka1)' › B28 (ka1): 'x' is at depth 2 but the field above is at "
        "depth 0: a member needs a LIST exactly one level above it",
    )


def test_member_without_list(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("."), api("ka1", request=[f("- x")]))
    assert_one_error(
        capsys,
        "spec.xlsx › '테스트 ka1(ka1)' › B22 (ka1): 'x' starts with '-' but no LIST is above it",
    )


def test_list_without_members_is_read_as_string(capsys: pytest.CaptureFixture[str]) -> None:
    """Real-world mess (ka10101's `- marketCode`): a warning, the field read as a String."""
    write(Path("."), api("ka1", response=[f("rows", type="LIST", length=None), f("after")]))
    line = (
        "spec.xlsx › '테스트 ka1(ka1)' › D27 (ka1): LIST 'rows' has no members "
        "(- prefixed rows below it); read as String"
    )
    code, out, err = run(capsys, "spec.xlsx")
    assert code == 0 and f"warning: {line}" in err
    body = json.loads(out)["apis"][0]["response"]["body"]
    assert [(x["name"], x["kind"]) for x in body] == [("rows", "string"), ("after", "string")]
    code, out, err = run(capsys, "spec.xlsx", "--strict")
    assert (code, out) == (2, "") and f"error: {line}" in err


def test_unknown_type_is_read_as_string(capsys: pytest.CaptureFixture[str]) -> None:
    """A type word the official sheets do not use is mess, not a broken file: warned, and read
    as a String (every value on Kiwoom's wire is one); its members make it a LIST as usual."""
    write(Path("."), api("ka1", request=[f("qty", type="Integer"), f("b", type="String[ ]")]))
    lines = [
        "spec.xlsx › '테스트 ka1(ka1)' › D22 (ka1): unknown Type 'Integer' for 'qty'; "
        "read as String (known: String, LIST, List<Map>, Object)",
        "spec.xlsx › '테스트 ka1(ka1)' › D23 (ka1): unknown Type 'String[ ]' for 'b'; "
        "read as String (known: String, LIST, List<Map>, Object)",
    ]
    code, out, err = run(capsys, "spec.xlsx")
    assert code == 0 and all(f"warning: {line}" in err for line in lines)
    body = json.loads(out)["apis"][0]["request"]["body"]
    assert [(x["name"], x["kind"], x["type"]) for x in body] == [
        ("qty", "string", "Integer"),
        ("b", "string", "String[ ]"),
    ]
    code, out, err = run(capsys, "spec.xlsx", "--strict")
    assert (code, out) == (2, "") and all(f"error: {line}" in err for line in lines)


def test_required_x(capsys: pytest.CaptureFixture[str]) -> None:
    path = write(Path("."), buy_sheet())
    edit(path, lambda wb: wb[BUY].cell(row=23, column=5, value="X"))
    assert_one_error(
        capsys, f"spec.xlsx › '{BUY}' › E23 (kt10006): Required must be Y or N, got 'X'"
    )


def test_group_neither_header_nor_body(capsys: pytest.CaptureFixture[str]) -> None:
    """Real-world mess: a warning; the rows are read as Header (standard header names) or Body."""
    path = write(Path("."), buy_sheet())
    edit(path, lambda wb: wb[BUY].cell(row=22, column=1, value="Query"))
    line = (
        f"spec.xlsx › '{BUY}' › A22 (kt10006): 구분 should be Header or Body, got 'Query'; "
        "read as Header"
    )
    code, out, err = run(capsys, "spec.xlsx")
    assert code == 0 and err[:1] == [f"warning: {line}"]
    request = json.loads(out)["apis"][0]["request"]
    assert [x["name"] for x in request["headers"]][:1] == ["api-id"]
    code, out, err = run(capsys, "spec.xlsx", "--strict")
    assert (code, out) == (2, "") and err[0] == f"error: {line}"


def test_several_problems_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    write(
        Path("."), api("ka1", request=[f("a", required="X"), f("b", required="?")]), name="a.xlsx"
    )
    Path("b.xlsx").write_text("nope", encoding="utf-8")
    code, out, err = run(capsys, "a.xlsx", "b.xlsx")
    assert (code, out) == (2, "")
    assert err == [  # problems of reading the files come before those of their contents
        "error: b.xlsx: not an .xlsx workbook (no ZIP/OOXML signature)",
        "error: a.xlsx › '테스트 ka1(ka1)' › E22 (ka1): Required must be Y or N, got 'X'",
        "error: a.xlsx › '테스트 ka1(ka1)' › E23 (ka1): Required must be Y or N, got '?'",
        "kiwoom-codegen: 3 error(s) in the specs",
    ]


# --- warnings and --strict ---------------------------------------------------------------------

STRICT = "kiwoom-codegen: warnings treated as errors (--strict)"


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        (
            api("ka1", request=[f("a")], request_example='{"a": "1" "b": "2"}'),
            "A29 (ka1): Request Example is not valid JSON (Expecting ',' delimiter at line 1 "
            "column 11); kept as text",
        ),
        (
            api("ka1", request=[f("a", required=None)]),
            "E22 (ka1): Required is empty for 'a'; read as optional",
        ),
        (
            api("ka1", request=[f("a", type="")]),
            "D22 (ka1): Type is empty for 'a'; read as String",
        ),
        (
            api("ka1", response=[f("a", type="Object", length=None)]),
            "D27 (ka1): Object 'a' has no members; read as free-form",
        ),
    ],
)
def test_warnings_pass_and_strict_fails(
    capsys: pytest.CaptureFixture[str], sheet: object, message: str
) -> None:
    write(Path("."), sheet)  # type: ignore[arg-type]
    line = f"spec.xlsx › '테스트 ka1(ka1)' › {message}"
    # A sheet with an example ends with the self-check's summary (here: nothing to check).
    summary = (
        [
            "self-check: request examples accepted 0/0, response examples 0/0 (not JSON, not "
            "checked: 1 request, 0 response)"
        ]
        if "Example" in message
        else []
    )
    code, out, err = run(capsys, "spec.xlsx")
    assert code == 0 and err == [f"warning: {line}", *summary]
    assert [a["id"] for a in json.loads(out)["apis"]] == ["ka1"]
    code, out, err = run(capsys, "spec.xlsx", "--strict")
    assert (code, out) == (2, "")
    assert err == [f"error: {line}", *summary, STRICT]


def test_unknown_sheet_is_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    path = write(Path("."), buy_sheet())

    def add(wb: Workbook) -> None:
        wb.create_sheet("변경이력")["A1"] = "2025-01-01 최초 작성"

    edit(path, add)
    code, out, err = run(capsys, "spec.xlsx")
    assert code == 0 and json.loads(out)["apis"][0]["id"] == "kt10006"
    assert err == [
        "warning: spec.xlsx › '변경이력': sheet skipped: not an API, index or error-code sheet"
    ]


# --- anything can be written in a spec --------------------------------------------------------

WILD = (
    "quotes \" and ' and \"\"\"triple\"\"\" and '''single triple'''\n"
    "braces {a} {{ jinja }} {% raw %} ${x} %(y)s\n"
    "backslashes \\ \\n \\\\ C:\\path\\to\n"
    "</script><script>alert(1)</script> <!-- x --> & &amp; <b>\n"
    "\ttab-indented line, emoji 📈, 한글, NUL-free"
)


def test_any_text_round_trips_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    example = json.dumps({"wild": WILD, "n": 1}, ensure_ascii=False, indent=4)
    sheet = api(
        "ka1",
        name='이름 "따옴표" {{ x }}',
        request=[("stk_cd", WILD.split("\n")[1], "String", "Y", 6, WILD)],
        response=[("out", "출력", "String", "N", None, WILD)],
        overview=[WILD],
        request_example=example,
    )
    write(Path("."), sheet)
    code, out, err = run(capsys, "spec.xlsx")
    # The example disagrees with its table: the self-check says so, each on one line.
    assert code == 0 and err[-1] == (
        "self-check: request examples accepted 0/1, response examples 0/0"
    )
    assert all(line.startswith("warning: ") and "request example: " in line for line in err[:-1])
    doc = json.loads(out)["apis"][0]
    assert doc["name"] == '이름 "따옴표" {{ x }}'
    assert doc["overview"] == WILD
    body = doc["request"]["body"][0]
    assert (body["label"], body["description"]) == (WILD.split("\n")[1], WILD)
    assert doc["response"]["body"][0]["description"] == WILD
    assert doc["examples"]["request"]["text"] == example
    assert doc["examples"]["request"]["json"] == {"wild": WILD, "n": 1}


def test_workbook_without_api_sheets(capsys: pytest.CaptureFixture[str]) -> None:
    wb = Workbook()
    wb.active.title = "Sheet1"  # type: ignore[union-attr]
    wb.save("spec.xlsx")
    line = (
        "spec.xlsx: no API sheet found (an API sheet has API ID, 메뉴 위치 or Request in column A)"
    )
    code, out, err = run(capsys, "spec.xlsx")
    assert code == 0 and err == [f"warning: {line}"]  # an edition may drop every API
    assert json.loads(out) == {"apis": [], "error_codes": []}
    code, out, err = run(capsys, "spec.xlsx", "--strict")
    assert (code, out, err) == (2, "", [f"error: {line}", STRICT])


def test_row_with_values_but_no_element(capsys: pytest.CaptureFixture[str]) -> None:
    """Real-world mess, not a broken file: the row is skipped with a located warning."""
    path = write(Path("."), api("ka1", request=[f("a"), f("b")]))
    set_cell(path, "테스트 ka1(ka1)", "B23", None)
    line = "spec.xlsx › '테스트 ka1(ka1)' › B23 (ka1): row has values but no Element; skipped"
    code, out, err = run(capsys, "spec.xlsx")
    assert code == 0 and err[:1] == [f"warning: {line}"]
    assert [x["name"] for x in json.loads(out)["apis"][0]["request"]["body"]] == ["a"]
    code, out, err = run(capsys, "spec.xlsx", "--strict")
    assert (code, out) == (2, "") and err[0] == f"error: {line}"


def test_empty_url(capsys: pytest.CaptureFixture[str]) -> None:
    set_cell(write(Path("."), buy_sheet()), BUY, "C11", None)
    assert_one_error(capsys, f"spec.xlsx › '{BUY}' › C11 (kt10006): URL is empty")
