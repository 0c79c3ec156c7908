"""Write spec workbooks in Kiwoom's official sheet layout from readable Python data.

This is the inverse of the reader, used to build ``specs/`` from its reviewed sources, the
synthetic workbooks of the tests and the benchmark input. The layout follows the official sheet
cell by cell (seed 000): keys in column A, values in column C, the tables in columns A-G.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

INDEX_SHEET = "API 리스트"
ERROR_SHEET = "오류코드"
TABLE_HEADER = ("구분", "Element", "한글명", "Type", "Required", "Length", "Description")

# (element, 한글명, type, required, length, description); length may be an int or text on purpose.
TableRow = tuple[str, str, str, str | None, int | str | None, str]

REQUEST_HEADERS: tuple[TableRow, ...] = (
    ("api-id", "TR명", "String", "Y", 10, ""),
    (
        "authorization",
        "접근토큰",
        "String",
        "Y",
        1000,
        '토큰 지정시 토큰타입("Bearer") 붙혀서 호출\n 예) Bearer Egicyx...',
    ),
    (
        "cont-yn",
        "연속조회여부",
        "String",
        "N",
        1,
        "응답 Header의 연속조회여부값이 Y일 경우 다음데이터 요청시 응답 Header의 cont-yn값 세팅",
    ),
    (
        "next-key",
        "연속조회키",
        "String",
        "N",
        50,
        "응답 Header의 연속조회여부값이 Y일 경우 다음데이터 요청시 응답 Header의 next-key값 세팅",
    ),
)
RESPONSE_HEADERS: tuple[TableRow, ...] = (
    ("api-id", "TR명", "String", "Y", 10, ""),
    ("cont-yn", "연속조회여부", "String", "N", 1, "다음 데이터가 있을시 Y값 전달"),
    ("next-key", "연속조회키", "String", "N", 50, "다음 데이터가 있을시 다음 키값 전달"),
)

PRODUCTION = "https://api.kiwoom.com"
MOCK = "https://mockapi.kiwoom.com(KRX만 지원가능)"


@dataclass
class SheetData:
    """One API sheet. Defaults are what most official sheets say."""

    api_id: str
    name: str
    menu: str  # "국내주식 > 신용주문 > 신용 매수주문(kt10006)"
    url: str
    request_body: Sequence[TableRow] = ()
    response_body: Sequence[TableRow] = ()
    request_headers: Sequence[TableRow] = REQUEST_HEADERS
    response_headers: Sequence[TableRow] = RESPONSE_HEADERS
    request_example: str | None = None
    response_example: str | None = None
    overview: Sequence[str] = ()
    method: str = "POST"
    production: str = PRODUCTION
    mock: str = MOCK
    format: str = "JSON"
    content_type: str = "application/json;charset=UTF-8"
    sheet_name: str | None = None  # default: "API 명(api-id)", shortened to Excel's 31 characters
    category: str = ""  # 대분류 for the index sheet
    subcategory: str = ""  # 중분류 for the index sheet
    merge_examples: bool = True
    merge_overview: bool = True

    def title(self) -> str:
        return self.sheet_name or safe_sheet_name(f"{self.name}({self.api_id})")


@dataclass
class WorkbookData:
    sheets: Sequence[SheetData]
    index: bool = False  # write the `API 리스트` sheet first
    error_codes: Sequence[tuple[int | str, str]] = field(default_factory=tuple)  # `오류코드` last


def safe_sheet_name(name: str) -> str:
    """What Excel allows: no / \\ ? * [ ] :, at most 31 characters."""
    for ch in "/\\?*[]:":
        name = name.replace(ch, "_")
    return name[:31]


_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")


def _label(ws: Worksheet, row: int, text: str) -> None:
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = _BOLD


def _kv(ws: Worksheet, row: int, key: str, value: str) -> None:
    ws.cell(row=row, column=1, value=key).font = _BOLD
    ws.cell(row=row, column=3, value=value)
    ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=7)


def _table(ws: Worksheet, row: int, headers: Sequence[TableRow], body: Sequence[TableRow]) -> int:
    for col, text in enumerate(TABLE_HEADER, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
    row += 1
    for group, rows in (("Header", headers), ("Body", body)):
        for i, (element, label, typ, required, length, description) in enumerate(rows):
            values = (group if i == 0 else None, element, label, typ, required, length, description)
            for col, value in enumerate(values, start=1):
                if value is not None and value != "":
                    cell = ws.cell(row=row, column=col, value=value)
                    if col == 7:
                        cell.alignment = _WRAP
            row += 1
    return row


def write_sheet(ws: Worksheet, data: SheetData, link_index: bool) -> None:
    back = ws.cell(row=1, column=1, value="◀ API 리스트 이동")
    if link_index:
        back.hyperlink = f"#'{INDEX_SHEET}'!A1"
    _label(ws, 2, "키움 REST API")
    _label(ws, 3, "API 정보")
    _kv(ws, 4, "메뉴 위치", data.menu)
    _kv(ws, 5, "API 명", data.name)
    _kv(ws, 6, "API ID", data.api_id)
    _label(ws, 7, "기본정보")
    _kv(ws, 8, "Method", data.method)
    _kv(ws, 9, "운영 도메인", data.production)
    _kv(ws, 10, "모의투자 도메인", data.mock)
    _kv(ws, 11, "URL", data.url)
    _kv(ws, 12, "Format", data.format)
    _kv(ws, 13, "Content-Type", data.content_type)
    _label(ws, 14, "개요")
    row = 15
    for line in data.overview or ("",):
        if line:
            ws.cell(row=row, column=1, value=line).alignment = _WRAP
        if data.merge_overview:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        row += 1
    _label(ws, row, "Request")
    row = _table(ws, row + 1, data.request_headers, data.request_body)
    _label(ws, row, "Response")
    row = _table(ws, row + 1, data.response_headers, data.response_body)
    for title, text in (
        ("Request Example", data.request_example),
        ("Response Example", data.response_example),
    ):
        _label(ws, row, title)
        row += 1
        if text is not None:
            ws.cell(row=row, column=1, value=text).alignment = _WRAP
        if data.merge_examples:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        row += 1
    for col, width in zip("ABCDEFG", (14, 18, 16, 10, 10, 8, 60), strict=True):
        ws.column_dimensions[col].width = width


def write_index(ws: Worksheet, sheets: Sequence[SheetData]) -> None:
    ws.cell(row=1, column=1, value="키움 REST API 리스트").font = _BOLD
    header = ("No", "API ID", "API 명", "대분류", "중분류", "URL")
    for col, text in enumerate(header, start=1):
        ws.cell(row=3, column=col, value=text).font = _BOLD
    row = 4
    ws.cell(row=row, column=1, value=0)
    ws.cell(row=row, column=2, value="공통").hyperlink = f"#'{ERROR_SHEET}'!A1"
    ws.cell(row=row, column=3, value="오류코드")
    row += 1
    for n, sheet in enumerate(sheets, start=1):
        ws.cell(row=row, column=1, value=n)
        link = ws.cell(row=row, column=2, value=sheet.api_id)
        link.hyperlink = f"#'{sheet.title()}'!A1"
        ws.cell(row=row, column=3, value=sheet.name)
        ws.cell(row=row, column=4, value=sheet.category or sheet.menu.split(">")[0].strip())
        parts = [p.strip() for p in sheet.menu.split(">")]
        ws.cell(row=row, column=5, value=sheet.subcategory or (parts[1] if len(parts) > 2 else ""))
        ws.cell(row=row, column=6, value=sheet.url)
        row += 1


def write_errors(ws: Worksheet, codes: Sequence[tuple[int | str, str]]) -> None:
    for col, text in enumerate(("No.", "오류코드", "오류메시지"), start=1):
        ws.cell(row=1, column=col, value=text).font = _BOLD
    for n, (code, message) in enumerate(codes, start=1):
        ws.cell(row=n + 1, column=1, value=n)
        ws.cell(row=n + 1, column=2, value=code)
        ws.cell(row=n + 1, column=3, value=message)


def build_workbook(data: WorkbookData) -> Workbook:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    if data.index:
        write_index(wb.create_sheet(INDEX_SHEET), data.sheets)
    for sheet in data.sheets:
        write_sheet(wb.create_sheet(sheet.title()), sheet, link_index=data.index)
    if data.error_codes:
        write_errors(wb.create_sheet(ERROR_SHEET), data.error_codes)
    return wb


# The time written into docProps/core.xml (created, modified) and onto every ZIP member.
FIXED_TIME = "2024-01-01T00:00:00Z"
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def save_workbook(data: WorkbookData, path: Path) -> Path:
    """Write the workbook, byte-identical for the same data: openpyxl stamps the save time into
    docProps/core.xml and onto the ZIP members; both are replaced by :data:`FIXED_TIME`."""
    wb = build_workbook(data)
    wb.properties.creator = "kiwoom-codegen"
    buffer = io.BytesIO()
    wb.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIME.sub(rf"\g<1>{FIXED_TIME}\g<2>", body.decode("utf-8")).encode()
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, body)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path
