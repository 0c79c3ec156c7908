"""A sheet whose content did not change is not parsed again: its rows come from the cache.

The model read through the cache must be exactly the model read without it; only the sheets
whose content changed are parsed by openpyxl (even though saving a workbook again renumbers
its shared strings); sheets with reading errors are never kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.problems import SpecError
from kiwoom_codegen.reader import sheet_cache, some_sheets
from kiwoom_codegen.reader import workbook as workbook_module
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from tests.support.fixtures import api, edit, f, messages, read, write


class ParseSpy:
    """Counts the sheets openpyxl parses (and still parses them)."""

    def __init__(self) -> None:
        self.titles: list[str] = []
        self.original = workbook_module._read_rows

    def __call__(self, ws: Any, where: str, problems: Any) -> Any:
        self.titles.append(ws.title)
        return self.original(ws, where, problems)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ParseSpy:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    spy = ParseSpy()
    monkeypatch.setattr(workbook_module, "_read_rows", spy)
    return spy


def three_apis(directory: Path) -> Path:
    sheets = [
        api(
            f"ka1000{i}",
            f"조회{i}",
            request=[f("stk_cd", "종목코드", required="Y", length="6")],
            response=[f("cur_prc", "현재가", description=f"설명 {i}\n1:매수, 2:매도")],
        )
        for i in range(3)
    ]
    return write(directory, *sheets, index=True, error_codes=[(1501, "오류")])


def test_a_second_read_parses_nothing_and_builds_the_same_model(
    spy: ParseSpy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = three_apis(tmp_path / "a")
    first = read(path)
    assert len(spy.titles) == 5  # index, three APIs, error codes
    spy.titles.clear()

    def no_openpyxl(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("openpyxl opened the workbook")

    monkeypatch.setattr(workbook_module, "load_workbook", no_openpyxl)
    second = read(path)
    assert spy.titles == []
    assert second.spec.dumps() == first.spec.dumps()
    assert messages(second) == messages(first)
    assert [a.id for a in second.spec.apis] == ["ka10000", "ka10001", "ka10002"]


def test_after_an_edit_only_the_edited_sheet_is_parsed(
    spy: ParseSpy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = three_apis(tmp_path / "a")
    read(path)

    def change(wb: Workbook) -> None:
        ws = wb[wb.sheetnames[1]]  # the first API sheet: its strings come first in the table
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "설명 0\n1:매수, 2:매도":
                    cell.value = "바뀐 설명\n1:매수, 2:매도, 3:전체"

    edit(path, change)  # saved again by openpyxl: shared strings renumbered
    spy.titles.clear()
    cached = read(path)
    assert len(spy.titles) == 1
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", "off")
    fresh = read(path)
    assert cached.spec.dumps() == fresh.spec.dumps()
    assert "3:전체" in cached.spec.dumps()


class OpenSpy:
    """Counts the worksheet parts openpyxl opens in read-only mode (and still opens them)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.titles: list[str] = []
        original = ReadOnlyWorksheet.__init__

        def init(ws: Any, parent: Any, title: str, *args: Any) -> None:
            self.titles.append(title)
            original(ws, parent, title, *args)

        monkeypatch.setattr(ReadOnlyWorksheet, "__init__", init)


def _rename_description(wb: Workbook) -> None:
    ws = wb[wb.sheetnames[2]]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "설명 1\n1:매수, 2:매도":
                cell.value = "바뀐 설명 1"


def test_after_an_edit_openpyxl_opens_only_the_edited_sheet(
    spy: ParseSpy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = three_apis(tmp_path / "a")
    read(path)
    edit(path, _rename_description)
    title = load_workbook(path, read_only=True).sheetnames[2]
    opened = OpenSpy(monkeypatch)
    spy.titles.clear()
    cached = read(path)
    assert opened.titles == [title] and spy.titles == [title]
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", "off")
    fresh = read(path)
    assert cached.spec.dumps() == fresh.spec.dumps()
    assert messages(cached) == messages(fresh)
    assert "바뀐 설명 1" in cached.spec.dumps()


@pytest.mark.parametrize("trouble", ["raises", "other sheets"])
def test_when_the_sheets_cannot_be_opened_alone_the_workbook_is_opened_whole(
    spy: ParseSpy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trouble: str
) -> None:
    path = three_apis(tmp_path / "a")
    read(path)
    edit(path, _rename_description)
    if trouble == "raises":

        def broken(self: Any) -> None:
            raise KeyError("an openpyxl whose reader changed")

        monkeypatch.setattr(some_sheets._Reader, "read_worksheets", broken)
    else:  # the sheet keys list other titles than the workbook has
        keys = sheet_cache.sheet_keys

        def renamed(p: Path) -> Any:
            found = keys(p)
            if found is None:
                return None
            return [*found[:-1], dataclasses.replace(found[-1], title="x")]

        monkeypatch.setattr(workbook_module, "sheet_keys", renamed)
    opened = OpenSpy(monkeypatch)
    cached = read(path)
    assert len(opened.titles) >= 5  # opened whole: every sheet
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", "off")
    fresh = read(path)
    assert cached.spec.dumps() == fresh.spec.dumps()
    assert messages(cached) == messages(fresh)


def test_values_of_every_type_come_back_as_openpyxl_gives_them(
    spy: ParseSpy, tmp_path: Path
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "values"
    values: list[Any] = [
        "text",
        "줄\n바꿈 \u2028",
        12,
        -3.5,
        True,
        dt.datetime(2024, 11, 7, 9, 30),
        dt.date(2024, 11, 7),
        dt.time(15, 20),
        None,
        "=not a formula",
    ]
    for c, value in enumerate(values, start=1):
        ws.cell(row=1, column=c, value=value)
    wb.save(tmp_path / "v.xlsx")
    keys = sheet_cache.sheet_keys(tmp_path / "v.xlsx")
    assert keys is not None and [k.title for k in keys] == ["values"]
    read(tmp_path / "v.xlsx")  # stores the rows
    rows = sheet_cache.BookRows(tmp_path / "v.xlsx").rows(keys[0].key)
    assert rows is not None
    book = load_workbook(tmp_path / "v.xlsx", read_only=True, data_only=True)
    direct = list(book["values"].iter_rows(values_only=True))
    book.close()
    expected = [tuple(r[: max(i + 1 for i, v in enumerate(r) if v is not None)]) for r in direct]
    assert rows == expected
    assert [type(v) for v in rows[0]] == [type(v) for v in expected[0]]


def test_a_sheet_with_a_reading_error_is_not_kept(
    spy: ParseSpy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook_module, "MAX_CELL_CHARS", 50)
    path = write(
        tmp_path / "a",
        api("ka10001", "조회", response=[f("cur_prc", "현재가", description="가" * 60)]),
    )
    for _ in range(2):
        spy.titles.clear()
        with pytest.raises(SpecError) as info:
            read(path)
        assert any("above the limit of 50" in p.line() for p in info.value.problems)
        assert spy.titles == ["조회(ka10001)"]  # parsed again: the error is reported on every read


def test_without_a_cache_nothing_is_kept(
    spy: ParseSpy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", "off")
    path = three_apis(tmp_path / "a")
    read(path)
    spy.titles.clear()
    read(path)
    assert len(spy.titles) == 5
    assert not (tmp_path / "cache").exists()
