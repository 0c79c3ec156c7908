"""Reading limits: workbooks that would inflate to gigabytes, or spread one cell over a huge
grid, stop with one located error (exit 2) before the memory is spent."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from kiwoom_codegen.cli import main
from kiwoom_codegen.reader import limits
from openpyxl import Workbook

from tests.support.fixtures import api, f, write

SUMMARY = "kiwoom-codegen: 1 error(s) in the specs"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["parse", *args, "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if code:
        assert out == ""
    return code, err.splitlines()


def good(name: str = "good.xlsx") -> Path:
    return write(Path("."), api("ka1", request=[f("a")]), name=name)


@pytest.mark.slow
def test_part_that_inflates_beyond_the_limit(capsys: pytest.CaptureFixture[str]) -> None:
    """A 1 GiB shared-strings part compresses to about 1 MB: refused from the ZIP directory."""
    src = zipfile.ZipFile(good())
    with zipfile.ZipFile("spec.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            z.writestr(name, src.read(name))
        with z.open("xl/bomb.xml", "w") as fh:
            chunk = b"A" * (1 << 20)
            for _ in range(limits.MAX_PART_BYTES // len(chunk) + 1):
                fh.write(chunk)
    assert Path("spec.xlsx").stat().st_size < 2 * 1024 * 1024
    code, err = run(capsys, "spec.xlsx")
    assert code == 2
    assert err == [
        "error: spec.xlsx: part 'xl/bomb.xml' inflates to 65 MB, above the limit of 64 MB "
        "(generator/reader/limits.py)",
        SUMMARY,
    ]


def test_workbook_that_inflates_beyond_the_limit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kiwoom_codegen.reader.workbook.MAX_INFLATED_BYTES", 1000)
    good("spec.xlsx")
    code, err = run(capsys, "spec.xlsx")
    assert code == 2 and err[0].startswith("error: spec.xlsx: workbook inflates to 0 MB, above")
    assert err[1:] == [SUMMARY]


def test_one_cell_in_column_xfd(capsys: pytest.CaptureFixture[str]) -> None:
    """The 158 KB workbook that took 4 GB: one cell in column XFD on many rows."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "big"
    ws["A1"] = "API ID"
    for r in range(1, 3001):
        ws.cell(row=r, column=16384).value = "x"
    wb.save("spec.xlsx")
    code, err = run(capsys, "spec.xlsx")
    assert code == 2
    assert err == [
        "error: spec.xlsx › 'big': sheet spans 3,000 rows x 16,384 columns (to XFD3000), above "
        f"the limit of {limits.MAX_ROWS:,} rows x {limits.MAX_COLUMNS} columns "
        "(generator/reader/limits.py)",
        SUMMARY,
    ]


def test_content_beyond_the_limits_when_the_dimension_lies(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet whose declared dimension is small: the rows read are still bounded."""
    monkeypatch.setattr("kiwoom_codegen.reader.workbook.MAX_ROWS", 25)
    path = good("spec.xlsx")
    src = zipfile.ZipFile(path)
    with zipfile.ZipFile("lying.xlsx", "w") as z:
        for name in src.namelist():
            data = src.read(name)
            if name.startswith("xl/worksheets/sheet"):
                data, n = re.subn(
                    rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:B2"/>', data
                )
                assert n == 1
            z.writestr(name, data)
    code, err = run(capsys, "lying.xlsx")
    assert code == 2
    assert err[0].startswith(
        "error: lying.xlsx › '테스트 ka1(ka1)' › A26: content beyond the limit"
    )
    assert err[1:] == [SUMMARY]


def test_cell_longer_than_excel_allows(capsys: pytest.CaptureFixture[str]) -> None:
    """openpyxl cuts cells at 32,767 characters when writing: the long one is put in the XML."""
    path = write(Path("."), api("ka1", request=[f("a", description="LONGCELL")]), name="w.xlsx")
    src = zipfile.ZipFile(path)
    with zipfile.ZipFile("spec.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            data = src.read(name)
            if b"LONGCELL" in data:
                data = data.replace(b"LONGCELL", b"x" * (limits.MAX_CELL_CHARS + 1))
            z.writestr(name, data)
    code, err = run(capsys, "spec.xlsx")
    assert code == 2
    assert err == [
        "error: spec.xlsx › '테스트 ka1(ka1)' › G22: cell holds 32,768 characters, above the "
        "limit of 32,767 (Excel's own; generator/reader/limits.py)",
        SUMMARY,
    ]


def test_limits_leave_room_for_the_real_workbook() -> None:
    """The full official workbook: 337 sheets, ~9,500 field rows, descriptions of a few
    thousand characters, about 20 MB inflated."""
    assert limits.MAX_ROWS >= 10 * 300 and limits.MAX_COLUMNS >= 26
    assert limits.MAX_CELL_CHARS >= 10_000
    assert limits.MAX_INFLATED_BYTES >= 10 * 20 * 1024 * 1024
