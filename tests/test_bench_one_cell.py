"""bench_generate's one-cell edit changes exactly one description cell of a real .xlsx file.

benchmarks/workbooks.py rewrites the cell in its sheet's XML part (as an inline string) and
copies every other part unchanged, so that the benchmark measures a one-cell edit of the file a
maintainer has, not a workbook saved again by openpyxl. Checked here on workbooks written in
the official layout: the ZIP's parts, and what the project's reader makes of both files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from kiwoom_codegen.model.core import walk
from kiwoom_codegen.model.load import load
from kiwoom_codegen.regen.layout import SheetData, WorkbookData, save_workbook

from benchmarks.synth_real import calibrated_workbook
from benchmarks.workbooks import api_sheet_parts, edit_one_cell


def descriptions(path: Path) -> dict[tuple[str, str, int], str]:
    spec = load([path], use_config=False, self_check=False).spec
    return {
        (api.id, section, k): field.description
        for api in spec.apis
        for section, tree in (("request", api.request.body), ("response", api.response.body))
        for k, (_, field) in enumerate(walk(tree))
    }


def differing_parts(a: Path, b: Path) -> list[str]:
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        return [n for n in za.namelist() if za.read(n) != zb.read(n)]


def test_one_cell_of_one_sheet_changes(tmp_path: Path) -> None:
    data = calibrated_workbook(12)
    source = save_workbook(data, tmp_path / "a.xlsx")
    first = tmp_path / "b.xlsx"
    second = tmp_path / "c.xlsx"
    where_1 = edit_one_cell(source, first, 1)
    where_2 = edit_one_cell(first, second, 2)
    assert len(api_sheet_parts(source)) == len(data.sheets)
    assert differing_parts(source, first) == [where_1.split()[0]]
    assert differing_parts(first, second) == [where_2.split()[0]]
    assert where_1.split()[0] != where_2.split()[0]  # each edit in another sheet

    before, after, later = descriptions(source), descriptions(first), descriptions(second)
    assert before.keys() == after.keys() == later.keys()
    changed = [k for k in before if before[k] != after[k]]
    assert len(changed) == 1
    assert after[changed[0]] == f"{before[changed[0]]} (변경 1)"
    assert [k for k in after if after[k] != later[k]] != changed
    assert len([k for k in after if after[k] != later[k]]) == 1


def test_the_new_text_is_escaped_for_xml(tmp_path: Path) -> None:
    text = 'a < b & c > "d"'
    sheet = SheetData(
        api_id="ka10001",
        name="주식기본정보요청",
        menu="국내주식 > 종목정보 > 주식기본정보요청(ka10001)",
        url="/api/dostk/stkinfo",
        request_body=(("stk_cd", "종목코드", "String", "Y", 20, "종목코드"),),
        response_body=(("stk_nm", "종목명", "String", "N", 40, text),),
    )
    source = save_workbook(WorkbookData([sheet]), tmp_path / "a.xlsx")
    edit_one_cell(source, tmp_path / "b.xlsx", 0)
    after = descriptions(tmp_path / "b.xlsx")
    assert after[("ka10001", "response", 0)] == f"{text} (변경 0)"
    assert after[("ka10001", "request", 0)] == "종목코드"
