"""generate: load -> render (every emitter + manifest) -> atomic write; and the helpers that the
other regeneration tests (check, diff, atomic, changelog) share: editions of the docs written as
real workbooks from the reviewed source of specs/ (specs/build_specs.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from kiwoom_codegen import __version__
from kiwoom_codegen.cli import main
from kiwoom_codegen.emit import EmitContext
from kiwoom_codegen.model import Spec
from kiwoom_codegen.model.load import load
from kiwoom_codegen.regen.generate import RenderError, render, source_names
from kiwoom_codegen.regen.layout import SheetData, TableRow, WorkbookData, save_workbook
from kiwoom_codegen.regen.writer import MANIFEST_NAME

ROOT = Path(__file__).resolve().parent.parent
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


# --- editions ----------------------------------------------------------------------------------


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


# --- render ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    return load([write_edition(tmp_path_factory.mktemp("seed"), SEED)]).spec


def test_render_lists_every_owned_file_with_its_hash(seed_spec: Spec) -> None:
    files = render(seed_spec, ["spec.xlsx"])
    doc = json.loads(files[MANIFEST_NAME])
    owned = {p for p in files if p != MANIFEST_NAME}
    assert set(doc["files"]) == owned
    for path, digest in doc["files"].items():
        assert hashlib.sha256(files[path]).hexdigest() == digest
    assert doc["spec_hash"] == seed_spec.content_hash()
    assert doc["generator"] == {"name": "kiwoom-codegen", "version": __version__}
    assert doc["package"] == {"name": "kiwoom-client", "version": "0.1.0"}
    assert doc["sources"] == ["spec.xlsx"]
    assert list(files) == sorted(files)
    assert files == render(seed_spec, ["spec.xlsx"])  # deterministic
    text = files[MANIFEST_NAME].decode()
    assert text == json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_render_runs_the_given_emitters_and_passes_the_context(seed_spec: Spec) -> None:
    seen: list[EmitContext] = []

    def emitter(spec: Spec, ctx: EmitContext) -> dict[str, bytes]:
        seen.append(ctx)
        return {"a/b.txt": b"x"}

    files = render(seed_spec, ["x.xlsx"], emitters=[("one", emitter), ("two", per_api_emitter)])
    assert seen == [EmitContext(__version__, seed_spec.content_hash(), ("x.xlsx",))]
    assert "a/b.txt" in files and "python/pkg/credit_orders/buy.py" in files
    assert json.loads(files[MANIFEST_NAME])["emitters"] == ["one", "two"]


@pytest.mark.parametrize(
    ("produced", "message"),
    [
        ({"python/pkg/__init__.py": b"again"}, "produced twice"),
        ({"Python/pkg/__init__.py": b"x"}, "differ only by case"),
        ({MANIFEST_NAME: b"{}"}, "reserved"),
        ({"python/CHANGELOG.md": b"# mine"}, "reserved"),
        ({"../outside.txt": b"x"}, "relative"),
        ({"/abs.txt": b"x"}, "relative"),
    ],
)
def test_render_refuses_an_emitter_that_breaks_the_contract(
    seed_spec: Spec, produced: dict[str, bytes], message: str
) -> None:
    def bad(spec: Spec, ctx: EmitContext) -> dict[str, bytes]:
        return produced

    with pytest.raises(RenderError, match=message):
        render(seed_spec, [], emitters=[("per_api", per_api_emitter), ("bad", bad)])


# --- the generate command ----------------------------------------------------------------------


def test_generate_writes_what_render_produces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = write_edition(tmp_path / "specs", SEED)
    out = tmp_path / "generated"
    code, stdout, _ = run(["generate", str(specs), "--out", str(out)], capsys)
    assert code == 0
    assert stdout.count("\n") == 1 and "4 APIs" in stdout and "written" in stdout
    loaded = load([specs])
    expected = render(loaded.spec, source_names([specs]))
    assert {p: d for p, (d, _) in tree(out).items()} == {
        p: hashlib.sha256(b).hexdigest() for p, b in expected.items()
    }
    for path in manifest(out)["files"]:
        assert (out / path).is_file()
    # Files get ordinary modes (umask applied), not the 0600 of a temporary file.
    for _, (_, mode) in tree(out).items():
        assert mode & 0o644 == 0o644
    assert os.stat(out).st_mode & 0o755 == 0o755

    code, stdout, _ = run(["generate", str(specs), "--out", str(out)], capsys)
    assert code == 0 and "up to date" in stdout


def test_generate_with_bad_specs_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = edit_row(SEED, "kt10006", "stk_cd", required="X")
    specs = write_edition(tmp_path / "specs", broken)
    out = tmp_path / "generated"
    code, _, err = run(["generate", str(specs), "--out", str(out)], capsys)
    assert code == 2
    assert "Required must be Y or N" in err and "Traceback" not in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["specs"]


def test_generate_prints_warnings_and_still_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheets = [
        dataclasses.replace(s, request_example="{ not json") if s.api_id == "kt10006" else s
        for s in SEED
    ]
    specs = write_edition(tmp_path / "specs", sheets)
    out = tmp_path / "generated"
    code, _, err = run(["generate", str(specs), "--out", str(out)], capsys)
    assert code == 0
    assert "warning:" in err and "not valid JSON" in err
    assert (out / MANIFEST_NAME).is_file()


def test_generate_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    """Run the real CLI (with every built emitter) twice under different PYTHONHASHSEEDs."""
    write_edition(tmp_path / "specs", [*SEED, NESTED])
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": path}
        subprocess.run(
            [sys.executable, "-m", "kiwoom_codegen", "generate", "specs", "--out", out.name],
            cwd=tmp_path,
            env=env,
            check=True,
            capture_output=True,
        )
        trees.append({p: d for p, (d, _) in tree(out).items()})
    assert trees[0] == trees[1]
    assert MANIFEST_NAME in trees[0]
