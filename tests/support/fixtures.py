"""Synthetic spec workbooks in Kiwoom's official layout, built from readable Python data.

Tests write their own workbooks into ``tmp_path`` with :func:`write` (through
``kiwoom_codegen.regen.layout``) and bend them with the small openpyxl mutators below for the odd
cases of the official workbook: merged cells, values one column off, blank rows, text stored
as numbers.
Nothing here copies a Kiwoom file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kiwoom_codegen.model import Api, Field, Spec
from kiwoom_codegen.model.load import Loaded, load
from kiwoom_codegen.problems import Level
from kiwoom_codegen.regen.layout import SheetData, TableRow, WorkbookData, save_workbook
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

REST = "https://api.kiwoom.com"
WSS = "wss://api.kiwoom.com:10000"
WSS_MOCK = "wss://mockapi.kiwoom.com:10000"


def f(
    element: str,
    label: str = "",
    type: str = "String",
    required: str | None = "N",
    length: int | str | None = 12,
    description: str = "",
) -> TableRow:
    """One table row; defaults are the common ones (an optional String of length 12)."""
    return (element, label or element, type, required, length, description)


def heading(text: str) -> TableRow:
    """A section-heading row: only the Element cell is filled."""
    return (text, "", "", None, None, "")


def api(
    api_id: str,
    name: str | None = None,
    *,
    menu: str | None = None,
    url: str = "/api/dostk/test",
    request: Sequence[TableRow] = (),
    response: Sequence[TableRow] = (),
    **kw: Any,
) -> SheetData:
    """An API sheet; menu defaults to `국내주식 > 테스트 > NAME(ID)`."""
    name = name or f"테스트 {api_id}"
    return SheetData(
        api_id=api_id,
        name=name,
        menu=menu or f"국내주식 > 테스트 > {name}({api_id})",
        url=url,
        request_body=request,
        response_body=response,
        **kw,
    )


def write(
    directory: Path,
    *sheets: SheetData,
    name: str = "spec.xlsx",
    index: bool = False,
    error_codes: Sequence[tuple[int | str, str]] = (),
) -> Path:
    return save_workbook(
        WorkbookData(sheets, index=index, error_codes=error_codes), directory / name
    )


def read(*paths: Path, strict: bool = False, config_dir: Path | None = None) -> Loaded:
    """The model of some workbooks, without specs/ config unless ``config_dir`` is given."""
    return load(
        list(paths), config_dir=config_dir, use_config=config_dir is not None, strict=strict
    )


def parse_one(directory: Path, sheet: SheetData, **kw: Any) -> tuple[Api, Loaded]:
    loaded = read(write(directory, sheet, **kw))
    return loaded.spec.api(sheet.api_id), loaded


def field(fields: Sequence[Field], name: str) -> Field:
    for candidate in fields:
        if candidate.name == name:
            return candidate
    raise KeyError(f"{name!r} not in {[c.name for c in fields]}")


def messages(loaded: Loaded) -> list[str]:
    """Warnings and errors; not the notes (an API without a reviewed name is no spec problem)."""
    return [p.line() for p in loaded.problems if p.level is not Level.NOTE]


def notes(loaded: Loaded) -> list[str]:
    return [p.line() for p in loaded.problems if p.level is Level.NOTE]


def all_fields(spec: Spec) -> Iterator[tuple[Api, Field]]:
    def walk(fields: Sequence[Field]) -> Iterator[Field]:
        for one in fields:
            yield one
            yield from walk(one.children)

    for a in spec.apis:
        for part in (a.request.headers, a.request.body, a.response.headers, a.response.body):
            for one in walk(part):
                yield a, one


# --- mutators: open with openpyxl, change, save ----------------------------------------------


def edit(path: Path, change: Callable[[Workbook], None]) -> Path:
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def find(ws: Worksheet, value: Any, column: int | None = None) -> tuple[int, int]:
    """(row, column) of the first cell holding ``value`` (in ``column`` if given), 1-based."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == value and (column is None or cell.column == column):
                assert cell.row is not None and cell.column is not None
                return cell.row, cell.column
    raise KeyError(f"{value!r} not in sheet {ws.title!r}")


def cell_of(path: Path, sheet: str, value: Any, column: int | None = None) -> str:
    """The A1 coordinate of a value, for checking locations in messages."""
    wb = load_workbook(path)
    r, c = find(wb[sheet], value, column)
    return f"{get_column_letter(c)}{r}"


def set_cell(path: Path, sheet: str, coordinate: str, value: Any) -> Path:
    def change(wb: Workbook) -> None:
        wb[sheet][coordinate] = value

    return edit(path, change)


def replace(path: Path, sheet: str, old: Any, new: Any, column: int | None = None) -> Path:
    """Replace the first cell holding ``old``."""

    def change(wb: Workbook) -> None:
        ws = wb[sheet]
        r, c = find(ws, old, column)
        ws.cell(row=r, column=c).value = new

    return edit(path, change)


def unmerge_all(ws: Worksheet) -> None:
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))


def move_value(path: Path, sheet: str, value: Any, to_column: int) -> Path:
    """Move the cell holding ``value`` to another column of its row (merges removed)."""

    def change(wb: Workbook) -> None:
        ws = wb[sheet]
        unmerge_all(ws)
        r, c = find(ws, value)
        ws.cell(row=r, column=c).value = None
        ws.cell(row=r, column=to_column).value = value

    return edit(path, change)


def merge(path: Path, sheet: str, ranges: Sequence[str]) -> Path:
    def change(wb: Workbook) -> None:
        for rng in ranges:
            wb[sheet].merge_cells(rng)

    return edit(path, change)


def insert_blank_rows(path: Path, sheet: str, before: Sequence[int]) -> Path:
    """Insert one blank row before each given (original, 1-based) row; merges move along."""

    def change(wb: Workbook) -> None:
        ws = wb[sheet]
        merged = [(r.min_col, r.min_row, r.max_col, r.max_row) for r in ws.merged_cells.ranges]
        unmerge_all(ws)
        grid = [[c.value for c in row] for row in ws.iter_rows()]
        shift = [sum(1 for b in before if b <= r) for r in range(1, len(grid) + 2)]
        ws.delete_rows(1, ws.max_row)
        for r, values in enumerate(grid, start=1):
            for c, value in enumerate(values, start=1):
                if value is not None:
                    ws.cell(row=r + shift[r - 1], column=c).value = value
        for min_col, min_row, max_col, max_row in merged:
            ws.merge_cells(
                start_row=min_row + shift[min_row - 1],
                start_column=min_col,
                end_row=max_row + shift[max_row - 1],
                end_column=max_col,
            )

    return edit(path, change)


def write_grid(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """A workbook from plain grids of cell values, for layouts the official writer never makes."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is not None and value != "":
                    ws.cell(row=r, column=c).value = value
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# --- ka10173's shape: a Response split into two alternative shapes by heading rows ---------

CONDITION_REQUEST_EXAMPLE = """{
    "trnm": "CNSRREQ",
    "seq": "4",
    "search_type": "1",
    "stex_tp": "K"
}"""
CONDITION_RESPONSE_EXAMPLE = """#조회데이터
{
    "trnm": "CNSRREQ",
    "seq": "4",
    "return_code": 0,
    "return_msg": "",
    "data": [
        {"jmcode": "A005930"},
        {"jmcode": "A000660"}
    ]
}
#실시간데이터
{
    "trnm": "REAL",
    "data": [
        {
            "type": "02",
            "name": "조건검색",
            "item": "005930",
            "values": {"841": "4", "9001": "005930", "843": "I"}
        }
    ]
}"""


def condition_realtime_sheet(**kw: Any) -> SheetData:
    """A real-time condition search in the shape of ka10173 (조건검색 요청 실시간).

    Its Response table opens with a heading row (`Body` in 구분, only the Element filled) and is
    split by `조회 데이터` and `실시간 데이터` into two alternative messages that repeat `trnm` and
    `data`. Its example holds both documents after `#조회데이터` / `#실시간데이터` lines.
    """
    values: dict[str, Any] = dict(
        menu="국내주식 > 조건검색 > 조건검색 요청 실시간(ka10173)",
        url="/api/dostk/websocket",
        production=WSS,
        mock=WSS_MOCK,
        request=[
            ("trnm", "서비스명", "String", "Y", 7, "CNSRREQ 고정값"),
            ("seq", "조건검색식 일련번호", "String", "Y", 3, ""),
            ("search_type", "조회타입", "String", "Y", 1, "1: 조건검색+실시간조건검색"),
            ("stex_tp", "거래소구분", "String", "Y", 1, "K:KRX"),
        ],
        response=[
            heading("조회 데이터"),
            ("trnm", "서비스명", "String", "N", 7, "CNSRREQ"),
            ("seq", "조건검색식 일련번호", "String", "N", 3, ""),
            ("data", "검색결과데이터", "LIST", "N", None, ""),
            ("- jmcode", "종목코드", "String", "N", 7, ""),
            heading("실시간 데이터"),
            ("trnm", "서비스명", "String", "N", 7, "REAL"),
            ("data", "실시간 데이터", "LIST", "N", None, ""),
            ("- type", "실시간 항목", "String", "N", 2, "TR 명(02)"),
            ("- name", "실시간 항목명", "String", "N", 10, ""),
            ("- item", "종목코드", "String", "N", 12, ""),
            ("- values", "실시간 값 리스트", "LIST", "N", None, ""),
            ("- - 841", "일련번호", "String", "N", 3, ""),
            ("- - 9001", "종목코드", "String", "N", 12, ""),
            ("- - 843", "삽입삭제 구분", "String", "N", 1, "I:삽입,D:삭제"),
        ],
        request_headers=(),
        response_headers=(),
        request_example=CONDITION_REQUEST_EXAMPLE,
        response_example=CONDITION_RESPONSE_EXAMPLE,
    )
    values.update(kw)
    return api("ka10173", "조건검색 요청 실시간", **values)
