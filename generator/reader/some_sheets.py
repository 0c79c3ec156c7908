"""openpyxl on the few sheets a run must read, the other sheets left unopened.

After a one-cell edit the sheet-rows cache (:mod:`.sheet_cache`) holds every sheet but the
edited one. ``load_workbook(read_only=True)`` still opens every worksheet part to read its
dimensions (half of its time on the official workbook); this opens the workbook the same way
(openpyxl's own reader: manifest, shared strings, workbook, styles) and makes read-only
worksheets for the wanted sheets only.

It leans on openpyxl's reader class rather than its one public function, so anything
unexpected (another openpyxl, a workbook whose sheets are not the ones the sheet keys listed,
any exception) gives None and the caller opens the workbook whole, as always: this can only
cost time, never change what is read.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet


class _Reader(ExcelReader):
    def __init__(self, path: Path, wanted: set[str]) -> None:
        super().__init__(str(path), read_only=True, data_only=True, keep_links=False)
        self.wanted = wanted
        self.titles: list[str] = []  # every worksheet's, in order
        self.opened: dict[str, ReadOnlyWorksheet] = {}

    def read_worksheets(self) -> None:  # instead of opening every worksheet part
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                raise LookupError("not every sheet is a worksheet")
            self.titles.append(sheet.name)
            if sheet.name in self.wanted:
                # the sheet reads its part through the workbook (its archive, data_only)
                ws = ReadOnlyWorksheet(self.wb, sheet.name, rel.target, self.shared_strings)
                self.opened[sheet.name] = ws


class SomeSheets:
    """The opened sheets by title; ``close()`` closes the workbook's file."""

    def __init__(self, reader: _Reader) -> None:
        self._reader = reader
        self.sheets: dict[str, Any] = dict(reader.opened)

    def close(self) -> None:
        self._reader.wb.close()


def open_some(path: Path, wanted: set[str], titles: Sequence[str]) -> SomeSheets | None:
    """The worksheets of ``path`` named in ``wanted``, opened read-only; None unless the
    workbook's worksheets are exactly ``titles`` (in order) and each wanted one was found."""
    reader: _Reader | None = None
    try:
        reader = _Reader(path, wanted)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on unsupported extensions
            reader.read()
    except Exception:  # noqa: BLE001 - anything: the caller opens the workbook whole
        if reader is not None:
            reader.archive.close()
        return None
    opened = SomeSheets(reader)
    if reader.titles != list(titles) or set(opened.sheets) != wanted:
        opened.close()
        return None
    return opened
