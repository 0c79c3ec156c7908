"""Read one API sheet into a RawApi: sections are found by their labels, columns by their headers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import Source
from ..problems import Problems
from .cells import coord, key, text
from .raw import RawApi, RawCell, RawRow, RawTable

# Keys of the info block (column A), compared with cells.key().
INFO_KEYS = {
    "메뉴위치": "menu",
    "api명": "name",
    "apiid": "apiid",
    "method": "method",
    "운영도메인": "production",
    "모의투자도메인": "mock",
    "url": "url",
    "format": "format",
    "content-type": "content_type",
}
LABELS = {"키움restapi", "api정보", "기본정보", "◀api리스트이동", "api리스트이동"}
OVERVIEW = "개요"
SECTIONS = {"request": "request", "response": "response"}
EXAMPLES = {"requestexample": "request_example", "responseexample": "response_example"}

# Table header names -> RawRow attribute.
COLUMNS = {
    "구분": "group",
    "element": "element",
    "한글명": "label",
    "type": "type",
    "required": "required",
    "length": "length",
    "description": "description",
}


def _first_value(row: Sequence[Any], start: int) -> tuple[int, str] | None:
    for col in range(start, len(row)):
        value = text(row[col])
        if value:
            return col, value
    return None


def looks_like_api_sheet(rows: Sequence[Sequence[Any]]) -> bool:
    for row in rows[:40]:
        if row and key(text(row[0])) in ("apiid", "메뉴위치", "request", "response"):
            return True
    return False


class _Table:
    def __init__(self, header: Sequence[Any], row_no: int, where: Source) -> None:
        self.columns: dict[str, int] = {}
        for col, value in enumerate(header):
            name = COLUMNS.get(key(text(value)))
            if name and name not in self.columns:
                self.columns[name] = col
        self.missing = [h for h, name in COLUMNS.items() if name not in self.columns]
        self.rows: list[RawRow] = []
        self.group = ""
        self.source = where


def read_api_sheet(
    file: str, sheet: str, rows: Sequence[Sequence[Any]], problems: Problems
) -> RawApi:
    api = RawApi(file=file, sheet=sheet)
    state = "info"
    table: _Table | None = None
    pending_table: str | None = None  # section seen, header row expected next

    def src(row_no: int, col: int) -> Source:
        return Source(file, sheet, coord(row_no, col))

    def cell(row: Sequence[Any], row_no: int, col: int) -> RawCell:
        value = row[col] if col < len(row) else None
        return RawCell(text(value), src(row_no, col), isinstance(value, int | float))

    def close_table() -> None:
        nonlocal table
        if table is None:
            return
        result = RawTable(tuple(table.rows), table.source)
        if state == "request":
            api.request = result
        else:
            api.response = result
        table = None

    for index, row in enumerate(rows):
        row_no = index + 1
        first = _first_value(row, 0)
        if first is None:
            continue  # blank row
        first_col, first_text = first
        k = key(first_text)
        rest = _first_value(row, first_col + 1)

        # Section labels: alone on their row.
        if rest is None and k in SECTIONS:
            close_table()
            state = SECTIONS[k]
            pending_table = state
            continue
        if rest is None and k in EXAMPLES:
            close_table()
            state = EXAMPLES[k]
            pending_table = None
            continue
        if rest is None and k == OVERVIEW and state == "info":
            state = "overview"
            continue

        if pending_table is not None:
            table = _Table(row, row_no, src(row_no, first_col))
            pending_table = None
            if table.missing:
                problems.error(
                    str(src(row_no, first_col)),
                    api.api_id,
                    f"{state.title()} table header lacks column(s) {', '.join(table.missing)}",
                )
                table = None
                state = "skip"
            continue

        if state in ("info", "overview") and first_col == 0 and k in INFO_KEYS:
            value = rest
            if value is not None:
                api.info[INFO_KEYS[k]] = cell(row, row_no, value[0])
            else:
                api.info[INFO_KEYS[k]] = RawCell("", src(row_no, 2))
            continue
        if state == "info":
            continue  # labels such as 키움 REST API / 기본정보, and anything unknown above 개요
        if state == "overview":
            api.overview.append(first_text)
            continue
        if state in ("request", "response") and table is not None:
            _table_row(table, row, row_no, cell, api, problems)
            continue
        if state in ("request_example", "response_example"):
            value_cell = cell(row, row_no, first_col)
            previous: RawCell | None = getattr(api, state)
            if previous is not None:  # JSON split over several rows: keep it all
                value_cell = RawCell(previous.value + "\n" + value_cell.value, previous.source)
            setattr(api, state, value_cell)
            continue
    close_table()
    return api


def _table_row(
    table: _Table,
    row: Sequence[Any],
    row_no: int,
    cell: Any,
    api: RawApi,
    problems: Problems,
) -> None:
    cols = table.columns
    cells = {name: cell(row, row_no, col) for name, col in cols.items()}
    group_text = cells["group"].value
    if group_text:
        g = key(group_text)
        if g in ("header", "body"):
            table.group = "Header" if g == "header" else "Body"
        else:
            problems.error(
                str(cells["group"].source),
                api.api_id,
                f"구분 must be Header or Body, got {group_text!r}",
            )
            return
    element = cells["element"]
    others = [cells[n].value for n in ("label", "type", "required", "length", "description")]
    if not element.value:
        if any(others):
            problems.error(str(element.source), api.api_id, "row has values but no Element")
        return
    if not table.group:
        problems.error(
            str(cells["group"].source), api.api_id, "table row before any Header/Body in 구분"
        )
        return
    table.rows.append(
        RawRow(
            group=table.group,
            element=element,
            label=cells["label"],
            type=cells["type"],
            required=cells["required"],
            length=cells["length"],
            description=cells["description"],
            source=element.source,
        )
    )
