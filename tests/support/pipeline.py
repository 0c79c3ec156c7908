"""Editions of the docs written as real workbooks from the reviewed source of specs/
(specs/build_specs.py), and the CLI run in-process: what the regeneration tests (generate,
check, diff, atomic, changelog) share."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from kiwoom_codegen.cli import main
from kiwoom_codegen.emit import EmitContext
from kiwoom_codegen.model import Spec
from kiwoom_codegen.regen.layout import SheetData, TableRow, WorkbookData, save_workbook
from kiwoom_codegen.regen.writer import MANIFEST_NAME
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]


SPECS = ROOT / "specs"


CONFIG_FILES = ("names.toml", "overrides.toml", "package.toml")


def _build_specs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_kiwoom_build_specs", SPECS / "build_specs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SOURCE = _build_specs()


SEED: list[SheetData] = list(_SOURCE.SHEETS)


ERROR_CODES: list[tuple[int | str, str]] = list(_SOURCE.ERROR_CODES)


TRADE_TYPE: str = _SOURCE.TRADE_TYPE


# An API with a LIST response two levels deep, for changes inside nested lists.
NESTED = SheetData(
    api_id="ka90001",
    name="종목 일별 리스트",
    menu="국내주식 > 종목정보 > 종목 일별 리스트(ka90001)",
    url="/api/dostk/stkinfo",
    request_body=(("stk_cd", "종목코드", "String", "Y", 20, ""),),
    response_body=(
        ("tot_cnt", "총건수", "String", "N", 10, ""),
        ("stk_list", "종목리스트", "LIST", "N", None, ""),
        ("- stk_cd", "종목코드", "String", "N", 20, ""),
        ("- stk_nm", "종목명", "String", "N", 40, ""),
        ("- daly", "일별", "LIST", "N", None, ""),
        ("- - dt", "일자", "String", "N", 8, "YYYYMMDD"),
        ("- - cur_prc", "현재가", "String", "N", 20, ""),
    ),
)


def sheet(sheets: Sequence[SheetData], api_id: str) -> SheetData:
    return next(s for s in sheets if s.api_id == api_id)


def edit_row(
    sheets: Sequence[SheetData],
    api_id: str,
    element: str,
    part: str = "request_body",
    **changes: Any,
) -> list[SheetData]:
    """The sheets with one table row changed: label, type, required, length or description."""
    columns = ("element", "label", "type", "required", "length", "description")
    out: list[SheetData] = []
    for s in sheets:
        if s.api_id == api_id:
            rows: list[TableRow] = []
            found = False
            for row in getattr(s, part):
                if row[0] == element:
                    values = dict(zip(columns, row, strict=True))
                    values.update(changes)
                    row = tuple(values[c] for c in columns)
                    found = True
                rows.append(row)
            assert found, f"{element} not in {api_id} {part}"
            table: dict[str, Any] = {part: tuple(rows)}
            s = dataclasses.replace(s, **table)
        out.append(s)
    return out


def drop_row(
    sheets: Sequence[SheetData], api_id: str, element: str, part: str = "request_body"
) -> list[SheetData]:
    out = []
    for s in sheets:
        if s.api_id == api_id:
            rows = tuple(r for r in getattr(s, part) if r[0] != element)
            assert len(rows) < len(getattr(s, part))
            table: dict[str, Any] = {part: rows}
            s = dataclasses.replace(s, **table)
        out.append(s)
    return out


def described(sheets: Sequence[SheetData]) -> list[SheetData]:
    """The later edition of KIWOOM_FORMAT.md: same fields, more descriptions."""
    out = list(sheets)
    for api_id in ("kt10006", "kt10007"):
        out = edit_row(out, api_id, "ord_qty", description="단위: 1주")
        out = edit_row(out, api_id, "ord_uv", description="단위: 원")
    for api_id in ("kt10006", "kt10007", "kt10008", "kt10009"):
        out = edit_row(out, api_id, "ord_no", part="response_body", description="7자리 주문번호")
    return edit_row(
        out,
        "kt10009",
        "orig_ord_no",
        description="매수/매도 주문 요청 응답 결과로 받은 7자리 주문번호",
    )


def write_edition(
    directory: Path,
    sheets: Sequence[SheetData],
    *,
    config: bool = True,
    version: str | None = None,
    error_codes: Sequence[tuple[int | str, str]] | None = None,
) -> Path:
    """A spec directory like specs/: one workbook (index, sheets, error codes) and the config."""
    directory.mkdir(parents=True, exist_ok=True)
    codes = ERROR_CODES if error_codes is None else error_codes
    save_workbook(
        WorkbookData(list(sheets), index=True, error_codes=codes), directory / "spec.xlsx"
    )
    if config:
        for name in CONFIG_FILES:
            shutil.copyfile(SPECS / name, directory / name)
        _forget_absent_apis(directory, {s.api_id for s in sheets})
        if version is not None:
            text = (directory / "package.toml").read_text(encoding="utf-8")
            lines = [
                f'version = "{version}"' if ln.startswith("version") else ln
                for ln in text.splitlines()
            ]
            (directory / "package.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def _forget_absent_apis(directory: Path, present: set[str]) -> None:
    """Drop names.toml and overrides.toml entries of APIs the edition lacks, as a maintainer
    would (for generate, an entry naming an unknown API is an error)."""
    names = directory / "names.toml"
    lines = names.read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if not (m := re.match(r"^(\w+) = \{", ln)) or m.group(1) in present]
    names.write_text("\n".join(kept) + "\n", encoding="utf-8")
    overrides = directory / "overrides.toml"
    blocks = overrides.read_text(encoding="utf-8").split("\n\n")
    ids = [re.search(r'^(?:id|api) = "(\w+)"', b, re.MULTILINE) for b in blocks]
    kept = [b for b, m in zip(blocks, ids, strict=True) if m is None or m.group(1) in present]
    overrides.write_text("\n\n".join(kept).rstrip("\n") + "\n", encoding="utf-8")


def tree(directory: Path) -> dict[str, tuple[str, int]]:
    """Every file under a directory: relative path -> (sha256, mode)."""
    out: dict[str, tuple[str, int]] = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out[path.relative_to(directory).as_posix()] = (digest, path.stat().st_mode)
    return out


def manifest(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    return data


def run(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def per_api_emitter(spec: Spec, ctx: EmitContext) -> dict[str, bytes]:
    """A stand-in emitter with one file per API, so that removals and partial writes show."""
    files = {
        f"python/pkg/{api.group}/{api.method_name}.py": (
            f"# generated from {api.id} ({ctx.spec_hash[:12]})\n"
            + "".join(f"{f.python_name} = {f.name!r}\n" for f in api.request.body)
        ).encode("utf-8")
        for api in spec.apis
    }
    files["python/pkg/__init__.py"] = b"# generated\n"
    return files


def later_edition() -> list[Any]:
    sheets = list(SEED)
    sheets = [s for s in sheets if s.api_id != "kt10008"]  # an API removed
    added = dataclasses.replace(
        sheet(SEED, "kt10006"),
        api_id="kt10010",
        name="신용 신규주문",
        menu="국내주식 > 신용주문 > 신용 신규주문(kt10010)",
    )
    sheets.append(added)  # an API added
    sheets = drop_row(sheets, "kt10007", "cond_uv")  # a request field removed
    sheets = edit_row(sheets, "kt10006", "ord_uv", required="Y")  # became required
    sheets = edit_row(sheets, "kt10006", "stk_cd", length=6)  # 12 -> 6
    trade = TRADE_TYPE.replace("81:장마감후시간외 , ", "") + ",32:신규구분"
    assert trade != TRADE_TYPE and "81:" not in trade
    sheets = edit_row(sheets, "kt10006", "trde_tp", description=trade)  # 81 removed, 32 added
    nested = dataclasses.replace(
        NESTED,
        response_body=(
            ("stk_list", "종목리스트", "LIST", "N", None, ""),
            ("- stk_cd", "종목코드", "String", "N", 20, ""),
            ("- stk_nm", "종목명", "String", "N", 40, ""),
            ("- tot_cnt", "총건수", "String", "N", 10, ""),  # moved into the list
            ("- daly", "일별", "LIST", "N", None, ""),
            ("- - dt", "일자", "String", "N", 8, "YYYYMMDD"),
            ("- - cur_prc", "현재가", "String", "N", 20, ""),
            ("- - trde_qty", "거래량", "String", "N", 20, ""),  # new at depth 2
        ),
    )
    return [*sheets, nested]


def edit_description(workbook: Path, api_id: str, element: str, text: str) -> None:
    """Change the Description cell of one table row, as a person editing the sheet would."""
    wb = load_workbook(workbook)
    ws = next(ws for ws in wb.worksheets if ws.title.endswith(f"({api_id})"))
    row = next(r for r in ws.iter_rows() if r[1].value == element)
    row[6].value = text
    wb.save(workbook)
