"""Read one API sheet into a RawApi: sections are found by their labels, columns by their headers.

The sheet is read top to bottom as a small state machine (info, 개요, Request, Response,
examples). Labels may stand in any column of an otherwise empty row; values may sit in B
instead of C; blank rows may appear anywhere. This module is on the hot path of the reader:
cell text is computed once per cell that matters, and locations only when needed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..problems import Problems
from ..source import Source
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
OVERVIEW = "개요"
LABELS = {"키움restapi", "api정보", "기본정보", "◀api리스트이동", "api리스트이동"}
SECTIONS = {"request": "request", "response": "response"}
EXAMPLES = {"requestexample": "request_example", "responseexample": "response_example"}

# Table header names -> RawRow attribute, in the order of the official header row.
COLUMNS = {
    "구분": "group",
    "element": "element",
    "한글명": "label",
    "type": "type",
    "required": "required",
    "length": "length",
    "description": "description",
}
HEADINGS = {
    "group": "구분",
    "element": "Element",
    "label": "한글명",
    "type": "Type",
    "required": "Required",
    "length": "Length",
    "description": "Description",
}
# A heading or 구분 text starting so is a note (※ 참고), never a section that opens a variant.
NOTE_MARKS = ("※", "*", "(", "[", "<")
_HEADER_NAMES = frozenset({"api-id", "authorization", "cont-yn", "next-key"})
_API_SHEET_KEYS = ("apiid", "메뉴위치", "request", "response")
_ID_IN_TITLE = re.compile(r"\(([0-9A-Za-z_]+)\)\s*$")


def _first(row: Sequence[Any], start: int) -> tuple[int, str] | None:
    """The first non-empty cell at or after ``start``: (column, text)."""
    for col in range(start, len(row)):
        value = row[col]
        if value is not None and value != "":
            s = text(value)
            if s:
                return col, s
    return None


def looks_like_api_sheet(rows: Sequence[Sequence[Any]]) -> bool:
    for row in rows[:40]:
        if row and row[0] is not None and key(text(row[0])) in _API_SHEET_KEYS:
            return True
    return False


class _Table:
    def __init__(self, header: Sequence[Any], where: Source) -> None:
        self.columns: dict[str, int] = {}
        for col, value in enumerate(header):
            name = COLUMNS.get(key(text(value)))
            if name and name not in self.columns:
                self.columns[name] = col
        self.missing = [HEADINGS[n] for n in COLUMNS.values() if n not in self.columns]
        # Column indices in the order of RawRow's fields (group, element, label, ...).
        self.order = tuple(self.columns.get(n, 0) for n in COLUMNS.values())
        self.rows: list[RawRow] = []
        self.group = ""
        self.source = where
        self.unreadable = bool(self.missing)
        self.guessed = False  # rows before any Header/Body were read as Body (said once)
        self.pending: list[RawRow] = []  # headings above the first 구분: they take its group

    def adopt_pending(self) -> None:
        for row in self.pending:
            row.group = self.group
        self.pending.clear()


class _SheetReader:
    def __init__(self, file: str, sheet: str, problems: Problems) -> None:
        self.api = RawApi(file=file, sheet=sheet)
        self.file = file
        self.sheet = sheet
        self.problems = problems
        self.state = "info"
        self.table: _Table | None = None
        self.expect_header = False  # a Request/Response label was seen: its header row is next

    def src(self, row_no: int, col: int) -> Source:
        return Source(self.file, self.sheet, coord(row_no, col))

    def cell(self, row: Sequence[Any], row_no: int, col: int) -> RawCell:
        value = row[col] if col < len(row) else None
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return RawCell(text(value), self.src(row_no, col), is_number)

    def close_table(self) -> None:
        table = self.table
        if table is None:
            return
        result = RawTable(tuple(table.rows), table.source, table.unreadable)
        if self.state == "request":
            self.api.request = result
        else:
            self.api.response = result
        self.table = None

    def feed(self, row_no: int, row: Sequence[Any]) -> None:
        first = _first(row, 0)
        if first is None:
            return  # blank row
        first_col, first_text = first
        state = self.state
        k = key(first_text)
        rest = _first(row, first_col + 1)

        if rest is None and k in SECTIONS:
            self.close_table()
            self.state = SECTIONS[k]
            self.expect_header = True
            return
        if k in EXAMPLES:
            self.close_table()
            self.state = EXAMPLES[k]
            self.expect_header = False
            if rest is not None:  # the example beside its label
                self._example(self.cell(row, row_no, rest[0]))
            return
        if k == OVERVIEW and state == "info":
            self.state = "overview"
            if rest is not None:
                self.api.overview.append(rest[1])
            return
        if self.expect_header:
            self._header(row, row_no, first_col)
            return
        if self.table is not None:
            self._table_row(row, row_no)
            return
        if state in ("info", "overview") and rest is None and k in LABELS:
            return  # 키움 REST API, API 정보, 기본정보: also when 개요 comes before them
        if state in ("info", "overview") and first_col == 0 and k in INFO_KEYS:
            if rest is not None:
                self.api.info[INFO_KEYS[k]] = self.cell(row, row_no, rest[0])
            else:
                self.api.info[INFO_KEYS[k]] = RawCell("", self.src(row_no, 2))
            return
        if state == "overview":
            texts = [first_text]
            while rest is not None:
                texts.append(rest[1])
                rest = _first(row, rest[0] + 1)
            self.api.overview.append(" ".join(texts))
        elif state in ("request_example", "response_example"):
            self._example(self.cell(row, row_no, first_col))
        # Anything else (labels such as 키움 REST API / 기본정보, rows after a broken table
        # header) carries nothing the model needs.

    def _header(self, row: Sequence[Any], row_no: int, first_col: int) -> None:
        self.expect_header = False
        where = self.src(row_no, first_col)
        table = _Table(row, where)
        self.table = table
        if table.missing:
            self.problems.error(
                str(where),
                self.api.api_id,
                f"{self.state.title()} table header lacks column(s) {', '.join(table.missing)}",
            )
            self.close_table()  # an empty, unreadable table: not reported again as missing
            self.state = "skip"

    def _example(self, value: RawCell) -> None:
        previous: RawCell | None = getattr(self.api, self.state)
        if previous is not None:  # JSON split over several rows: keep it all
            value = RawCell(previous.value + "\n" + value.value, previous.source)
        setattr(self.api, self.state, value)

    def _table_row(self, row: Sequence[Any], row_no: int) -> None:
        table = self.table
        assert table is not None
        cols = table.columns
        n = len(row)
        group, element, *rest = [
            "" if col >= n or row[col] is None else text(row[col]) for col in table.order
        ]
        others = tuple(rest)  # label, type, required, length, description
        api_id = self.api.api_id
        if group:
            g = key(group)
            if g.endswith(("header", "body", "헤더", "바디")):
                table.group = "Header" if g.endswith(("header", "헤더")) else "Body"
                table.guessed = False
                table.adopt_pending()
            elif not element and not any(others) and not group.startswith(NOTE_MARKS):
                # A section heading merged across the row from 구분 (조회 데이터): a heading row
                # located at its cell; the builder decides whether it opens a variant.
                self._append(table, row_no, group, ("", "", "", "", ""), "group")
                return
            elif not element and not any(others):
                self.problems.warning(
                    str(self.src(row_no, cols["group"])),
                    api_id,
                    f"row skipped: {group!r} in 구분 is neither Header nor Body",
                )
                return
            else:
                where = self.src(row_no, cols["group"])
                read_as = table.group or ("Header" if element.lower() in _HEADER_NAMES else "Body")
                self.problems.warning(
                    str(where),
                    api_id,
                    f"구분 should be Header or Body, got {group!r}; read as {read_as}",
                )
                table.group = read_as
                table.adopt_pending()
        if not element:
            if not any(others):
                return
            only_description = not any(others[:4])
            previous_row = table.rows[-1] if table.rows else None
            if (
                only_description
                and previous_row is not None
                and previous_row.group == table.group
                and (previous_row.label or previous_row.type or previous_row.description)
            ):
                # A description that spilled into the row below its field.
                previous = table.rows[-1]
                previous.description = f"{previous.description}\n{others[4]}".strip()
                self.problems.warning(
                    str(self.src(row_no, cols["description"])),
                    api_id,
                    f"Description without Element: read as more of {previous.element!r}'s",
                )
                return
            self.problems.warning(
                str(self.src(row_no, cols["element"])),
                api_id,
                "row has values but no Element; skipped",
            )
            return
        if (not table.group or table.guessed) and any(others):
            # Fields before any Header/Body in 구분: standard header names are headers, the rest
            # body (said once per table). Headings before them wait for the group of the next row.
            guess = "Header" if element.lower() in _HEADER_NAMES else "Body"
            if not table.guessed and not table.group:
                self.problems.warning(
                    str(self.src(row_no, cols["group"])),
                    api_id,
                    "table rows before any Header/Body in 구분; read as Header when named like "
                    "a standard header (api-id, authorization, cont-yn, next-key), else as Body",
                )
                table.guessed = True
            table.group = guess
            table.adopt_pending()
        self._append(table, row_no, element, others)

    def _append(
        self,
        table: _Table,
        row_no: int,
        element: str,
        others: tuple[str, ...],
        element_column: str = "element",
    ) -> None:
        columns = table.columns
        if element_column != "element":
            columns = {**columns, "element": columns[element_column]}
        row_read = RawRow(
            table.group,
            element,
            others[0],
            others[1],
            others[2],
            others[3],
            others[4],
            self.file,
            self.sheet,
            row_no,
            columns,
        )
        table.rows.append(row_read)
        if not table.group:
            table.pending.append(row_read)

    def finish(self) -> RawApi:
        self.close_table()
        api = self.api
        cell = api.info.get("apiid")
        if cell is not None and cell.number:
            # `00` typed into Excel becomes the number 0: take the id from the sheet's own title.
            for title in (api.info["menu"].value if "menu" in api.info else "", self.sheet):
                m = _ID_IN_TITLE.search(title)
                if m and _same_number(m.group(1), cell.value):
                    api.info["apiid"] = RawCell(m.group(1), cell.source, True)
                    break
        return api


def _same_number(digits: str, value: str) -> bool:
    """``007`` in a title against the cell's number text ``7`` (never a huge conversion)."""
    number = value[:-2] if value.endswith(".0") else value
    return digits.isascii() and digits.isdigit() and digits.lstrip("0") == number.lstrip("0")


def read_api_sheet(
    file: str, sheet: str, rows: Sequence[Sequence[Any]], problems: Problems
) -> RawApi:
    reader = _SheetReader(file, sheet, problems)
    for index, row in enumerate(rows):
        if row:
            reader.feed(index + 1, row)
    return reader.finish()
