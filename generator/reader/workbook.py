"""Open workbooks and directories; tell sheets apart by content; read index and error sheets."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from ..cache import cache_dir
from ..problems import Problems
from ..source import Source
from .api_sheet import looks_like_api_sheet, read_api_sheet
from .cells import coord, key, text
from .limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_INFLATED_BYTES,
    MAX_PART_BYTES,
    MAX_ROWS,
    MAX_ZIP_MEMBERS,
)
from .paths import display_path as display_path
from .paths import expand_inputs as expand_inputs
from .raw import RawBook, RawCell, RawErrorCode, RawIndexEntry
from .sheet_cache import BookRows, SheetKey, sheet_keys
from .some_sheets import open_some

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted xlsx and legacy .xls
_ZIP_MAGIC = b"PK\x03\x04"


def _check_container(path: Path, where: str, problems: Problems) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        problems.error(where, None, f"cannot read file: {exc.strerror or exc}")
        return False
    if head.startswith(_OLE_MAGIC):
        problems.error(
            where,
            None,
            "encrypted (password-protected) workbook or legacy .xls: save it as an "
            "unprotected .xlsx",
        )
        return False
    if not head.startswith(_ZIP_MAGIC):
        problems.error(where, None, "not an .xlsx workbook (no ZIP/OOXML signature)")
        return False
    return True


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def _check_zip(path: Path, where: str, problems: Problems) -> bool:
    """The ZIP's declared sizes within the limits, before any part is inflated.

    Python's zipfile never inflates a part beyond its declared size (it fails the CRC check
    instead), so the declared sizes bound what openpyxl can read.
    """
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        problems.error(where, None, f"corrupt .xlsx workbook ({_why(exc)})")
        return False
    if len(members) > MAX_ZIP_MEMBERS:
        problems.error(
            where,
            None,
            f"workbook has {len(members):,} parts, above the limit of "
            f"{MAX_ZIP_MEMBERS:,} (generator/reader/limits.py)",
        )
        return False
    for info in members:
        if info.file_size > MAX_PART_BYTES:
            problems.error(
                where,
                None,
                f"part {info.filename!r} inflates to {_mb(info.file_size)}, above the limit of "
                f"{_mb(MAX_PART_BYTES)} (generator/reader/limits.py)",
            )
            return False
    total = sum(info.file_size for info in members)
    if total > MAX_INFLATED_BYTES:
        problems.error(
            where,
            None,
            f"workbook inflates to {_mb(total)}, above the limit of {_mb(MAX_INFLATED_BYTES)} "
            "(generator/reader/limits.py)",
        )
        return False
    return True


def _declared_size(ws: Any) -> tuple[int, int] | None:
    """(rows, columns) of the sheet's declared dimension (``A1:G120``), if it has one."""
    try:
        ref = ws.calculate_dimension()
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except Exception:  # noqa: BLE001 - no or a broken dimension: the reading limits still apply
        return None
    if max_row is None or max_col is None:
        return None
    return int(max_row), int(max_col)


def _read_rows(ws: Any, where: str, problems: Problems) -> list[tuple[Any, ...]] | None:
    """The sheet's rows (trailing empty cells dropped), or None after a located limit error."""
    declared = _declared_size(ws)
    if declared is not None and (declared[0] > MAX_ROWS or declared[1] > MAX_COLUMNS):
        rows_n, cols_n = declared
        problems.error(
            where,
            None,
            f"sheet spans {rows_n:,} rows x {cols_n:,} columns (to "
            f"{get_column_letter(min(cols_n, 16384))}{rows_n}), above the limit of "
            f"{MAX_ROWS:,} rows x {MAX_COLUMNS} columns "
            "(generator/reader/limits.py)",
        )
        return None
    ws.reset_dimensions()  # the declared dimension may be too small; read what is there
    rows: list[tuple[Any, ...]] = []
    # One row past the limit, to tell content there from the end of the sheet. Rows come as
    # wide as their last cell: a row reaching past MAX_COLUMNS stops reading at once.
    for r, row in enumerate(ws.iter_rows(max_row=MAX_ROWS + 1, values_only=True), start=1):
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        if not end:
            rows.append(())
            continue
        if r > MAX_ROWS or end > MAX_COLUMNS:
            at = coord(r, end - 1) if end > MAX_COLUMNS else coord(r, 0)
            problems.error(
                f"{where} › {at}",
                None,
                f"content beyond the limit of {MAX_ROWS:,} rows x {MAX_COLUMNS} columns "
                "(generator/reader/limits.py)",
            )
            return None
        for c in range(end):
            value = row[c]
            if type(value) is str and len(value) > MAX_CELL_CHARS:
                problems.error(
                    f"{where} › {coord(r, c)}",
                    None,
                    f"cell holds {len(value):,} characters, above the limit of "
                    f"{MAX_CELL_CHARS:,} (Excel's own; generator/reader/limits.py)",
                )
                return None
        rows.append(row[:end] if end < len(row) else row)
    return rows


def read_file(path: Path, book: RawBook, problems: Problems) -> None:
    where = display_path(path)
    if not _check_container(path, where, problems) or not _check_zip(path, where, problems):
        return
    keys = sheet_keys(path) if cache_dir() is not None else None
    cached = BookRows(path) if keys else None
    known = [cached.rows(k.key) for k in keys] if keys and cached else []
    try:
        if keys and all(rows is not None for rows in known):  # every sheet as read before
            for k, rows in zip(keys, known, strict=True):
                assert rows is not None
                read_sheet(where, k.title, rows, book, problems)
            return
        by_title = {k.title: (k.key, rows) for k, rows in zip(keys or [], known, strict=True)}
        _read_with_openpyxl(path, where, book, problems, by_title, keys, cached)
    finally:
        if cached is not None:
            cached.save()


def _read_with_openpyxl(
    path: Path,
    where: str,
    book: RawBook,
    problems: Problems,
    by_title: dict[str, tuple[str, list[tuple[Any, ...]] | None]],
    keys: list[SheetKey] | None,
    cached: BookRows | None,
) -> None:
    """Read the sheets that ``by_title`` holds no rows for with openpyxl, the others from it.

    When some sheets' rows are known, only the others are opened (:func:`.some_sheets.open_some`);
    otherwise, or when that cannot be done, the workbook is opened whole."""
    some = None
    if keys is not None and any(rows is not None for _, rows in by_title.values()):
        missed = {title for title, (_, rows) in by_title.items() if rows is None}
        some = open_some(path, missed, [k.title for k in keys])
    if some is not None:
        assert keys is not None
        order = [(k.title, some.sheets.get(k.title)) for k in keys]
        close = some.close
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl's notes on unsupported extensions
                wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # noqa: BLE001 - whatever openpyxl raises on a broken file
            problems.error(where, None, f"corrupt .xlsx workbook ({_why(exc)})")
            return
        order = [(ws.title, ws) for ws in wb.worksheets]
        close = wb.close
        if keys is not None and [t for t, _ in order] != [k.title for k in keys]:
            by_title = {}  # not the sheets the keys were made for: read everything
    try:
        for title, ws in order:
            sheet_where = str(Source(where, title))
            key, rows = by_title.get(title, (None, None))
            if rows is None:
                errors = problems.error_count
                try:
                    rows = _read_rows(ws, sheet_where, problems)
                except Exception as exc:  # noqa: BLE001 - a broken sheet part
                    problems.error(sheet_where, None, f"corrupt sheet ({_why(exc)})")
                    continue
                ok = rows is not None and problems.error_count == errors
                if ok and key is not None and cached is not None and rows is not None:
                    cached.add(key, rows)
            if rows is not None:
                read_sheet(where, title, rows, book, problems)
    finally:
        close()


def _why(exc: Exception) -> str:
    detail = " ".join(str(exc).split())
    if len(detail) > 120:
        detail = detail[:117] + "..."
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def read_sheet(
    file: str, sheet: str, rows: Sequence[Sequence[Any]], book: RawBook, problems: Problems
) -> None:
    if looks_like_api_sheet(rows):
        api = read_api_sheet(file, sheet, rows, problems)
        if api.api_id is None:
            cell = api.info.get("apiid")
            problems.error(
                str(cell.source) if cell else str(Source(file, sheet)),
                None,
                "API sheet has no API ID",
            )
            return
        book.apis.append(api)
        return
    header = _find_header(rows, ("apiid", "api명", "url"))
    if header is not None:
        book.index.extend(_read_index(file, sheet, rows, header))
        return
    header = _find_header(rows, ("오류코드", "오류메시지"))
    if header is not None:
        book.error_codes.extend(_read_errors(file, sheet, rows, header))
        return
    if any(any(text(v) for v in row) for row in rows):
        problems.warning(
            str(Source(file, sheet)), None, "sheet skipped: not an API, index or error-code sheet"
        )


def _find_header(
    rows: Sequence[Sequence[Any]], wanted: Sequence[str]
) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:30]):
        columns: dict[str, int] = {}
        for col, value in enumerate(row):
            k = key(text(value))
            if k and k not in columns:
                columns[k] = col
        if all(w in columns for w in wanted):
            return index, columns
    return None


def _cell(file: str, sheet: str, rows: Sequence[Sequence[Any]], r: int, c: int | None) -> RawCell:
    if c is None:
        return RawCell("", Source(file, sheet, coord(r + 1, 0)))
    row = rows[r]
    value = row[c] if c < len(row) else None
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return RawCell(text(value), Source(file, sheet, coord(r + 1, c)), is_number)


def _read_index(
    file: str, sheet: str, rows: Sequence[Sequence[Any]], header: tuple[int, dict[str, int]]
) -> list[RawIndexEntry]:
    start, cols = header
    out: list[RawIndexEntry] = []
    for r in range(start + 1, len(rows)):
        api_id = _cell(file, sheet, rows, r, cols["apiid"])
        if not api_id.value or api_id.value == "공통":
            continue
        out.append(
            RawIndexEntry(
                api_id=api_id.value,
                name=_cell(file, sheet, rows, r, cols.get("api명")).value,
                category=_cell(file, sheet, rows, r, cols.get("대분류")).value,
                subcategory=_cell(file, sheet, rows, r, cols.get("중분류")).value,
                url=_cell(file, sheet, rows, r, cols.get("url")).value,
                source=api_id.source,
            )
        )
    return out


def _read_errors(
    file: str, sheet: str, rows: Sequence[Sequence[Any]], header: tuple[int, dict[str, int]]
) -> list[RawErrorCode]:
    start, cols = header
    out: list[RawErrorCode] = []
    for r in range(start + 1, len(rows)):
        code = _cell(file, sheet, rows, r, cols["오류코드"])
        message = _cell(file, sheet, rows, r, cols["오류메시지"])
        if code.value or message.value:
            out.append(RawErrorCode(code, message))
    return out


def read_inputs(paths: Iterable[Path], problems: Problems) -> RawBook:
    book = RawBook()
    files = expand_inputs(paths, problems)
    for path in files:
        read_file(path, book, problems)
    if files and not book.apis and not problems.error_count:
        problems.warning(
            ", ".join(display_path(p) for p in files),
            None,
            "no API sheet found (an API sheet has API ID, 메뉴 위치 or Request in column A)",
        )
    return book
