"""A sheet whose content did not change is not parsed again: its rows come from the cache.

The model read through the cache must be exactly the model read without it; only the sheets
whose content changed are parsed by openpyxl (even though saving a workbook again renumbers
its shared strings); sheets with reading errors are never kept.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.problems import SpecError
from kiwoom_codegen.reader import sheet_cache
from kiwoom_codegen.reader import workbook as workbook_module
from openpyxl import Workbook, load_workbook

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
