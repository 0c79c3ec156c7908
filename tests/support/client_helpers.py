"""Shared by the end-to-end, install and scale tests of the generated client.

``generate`` runs ``kiwoom-codegen generate SPEC... --out DIR`` (or, where that command is not
built, the loader and the Python emitter directly) and returns ``DIR/python``.

``imported`` imports a generated ``kiwoom_client`` under a unique name: the package is copied to
``<root>/kiwoom_client_<tag>_<hex>`` and imported from there, so several generated clients (and
any other test importing ``kiwoom_client``) can live in one pytest session without clashing.
This works because a generated package refers to itself only by relative imports; a stray
absolute ``import kiwoom_client`` would fail here (``kiwoom_client`` is not importable in the
development environment). On exit every ``sys.modules`` entry of the copy is purged.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from kiwoom_codegen.regen.layout import SheetData, WorkbookData, save_workbook

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
PACKAGE = "kiwoom_client"

# Distinct, greppable secrets: any leak into a repr, message or log is found by substring.
APPKEY = "APPKEY-e2e-6Qm1xZ-secret"
SECRETKEY = "SECRETKEY-e2e-R4t8wV-secret"

CRDORDR = "/api/dostk/crdordr"
CONTENT_TYPE = "application/json;charset=UTF-8"

# method, api id, keyword arguments (= the exact JSON body Kiwoom expects), the answer to serve
# (None: the spec's own response example). Optional fields left out must be absent on the wire.
CREDIT_ORDERS: tuple[tuple[str, str, dict[str, str], dict[str, Any] | None], ...] = (
    (
        "buy",
        "kt10006",
        {
            "dmst_stex_tp": "KRX",
            "stk_cd": "005930",
            "ord_qty": "1",
            "ord_uv": "2580",
            "trde_tp": "0",
        },
        {"ord_no": "0000024", "dmst_stex_tp": "KRX"},
    ),
    (
        "sell",
        "kt10007",
        {
            "dmst_stex_tp": "KRX",
            "stk_cd": "005930",
            "ord_qty": "3",
            "ord_uv": "6450",
            "trde_tp": "0",
            "crd_deal_tp": "99",
        },
        {"ord_no": "0000025", "dmst_stex_tp": "KRX"},
    ),
    (
        "modify",
        "kt10008",
        {
            "dmst_stex_tp": "KRX",
            "orig_ord_no": "0000455",
            "stk_cd": "005930",
            "mdfy_qty": "1",
            "mdfy_uv": "2590",
        },
        {
            "ord_no": "0000456",
            "base_orig_ord_no": "0000455",
            "mdfy_qty": "000000000001",
            "dmst_stex_tp": "KRX",
        },
    ),
    (
        "cancel",
        "kt10009",
        {"dmst_stex_tp": "KRX", "orig_ord_no": "0001615", "stk_cd": "005930", "cncl_qty": "1"},
        None,  # kt10009's example: {"ord_no": "0001695", ..., "cncl_qty": "000000000001"}
    ),
)
BUY = CREDIT_ORDERS[0][2]


# --- generating --------------------------------------------------------------------------------


def _has_generate_command() -> bool:
    from kiwoom_codegen.cli.main import build_parser

    parser = build_parser()
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        choices = getattr(action, "choices", None) or {}
        if "generate" in choices:
            return True
    return False


def generate(specs: Sequence[Path], out: Path) -> Path:
    """Generate the client from ``specs`` (workbooks or directories) into ``out``; return
    ``out/python``. A failing generation fails the calling test with the tool's exit code."""
    if _has_generate_command():
        from kiwoom_codegen.cli import main

        code = main(["generate", *map(str, specs), "--out", str(out)])
        assert code == 0, f"kiwoom-codegen generate exited with {code}"
    else:  # before the pipeline existed: the emitter alone
        from kiwoom_codegen import __version__
        from kiwoom_codegen.emit import EmitContext
        from kiwoom_codegen.emit.python_client import emit
        from kiwoom_codegen.model.load import load

        spec = load(list(specs)).spec
        ctx = EmitContext(__version__, spec.content_hash(), tuple(p.name for p in specs))
        for rel, data in emit(spec, ctx).items():
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    python = out / "python"
    assert (python / PACKAGE / "__init__.py").is_file(), f"no {PACKAGE} package in {python}"
    return python


# --- importing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """A generated package imported under a unique name, and its parts."""

    name: str
    python_dir: Path  # the generated python/ directory (package under its real name)
    pkg: ModuleType
    testing: ModuleType
    errors: ModuleType

    @property
    def KiwoomClient(self) -> Any:
        return self.pkg.KiwoomClient

    @property
    def AsyncKiwoomClient(self) -> Any:
        return self.pkg.AsyncKiwoomClient

    @property
    def FakeKiwoomServer(self) -> Any:
        return self.testing.FakeKiwoomServer

    @property
    def OPERATIONS(self) -> Any:
        return self.pkg.OPERATIONS


def purge(name: str) -> None:
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]


@contextmanager
def imported(python_dir: Path, root: Path, tag: str) -> Iterator[Generated]:
    name = f"{PACKAGE}_{tag}_{uuid.uuid4().hex[:8]}"
    shutil.copytree(python_dir / PACKAGE, root / name)
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        pkg = importlib.import_module(name)
        yield Generated(
            name=name,
            python_dir=python_dir,
            pkg=pkg,
            testing=importlib.import_module(f"{name}.testing"),
            errors=importlib.import_module(f"{name}._errors"),
        )
    finally:
        purge(name)
        sys.path.remove(str(root))


# --- a small workbook with what specs/ lacks: a paged read API and a WebSocket API ---------------

READS_NAMES = """\
[apis]
ka10099 = { group = "stock_info", method = "list_stocks" }

[realtime]
"0B" = { group = "realtime", method = "trades" }
"""

LIST_STOCKS = SheetData(
    api_id="ka10099",
    name="종목정보 리스트",
    menu="국내주식 > 종목정보 > 종목정보 리스트(ka10099)",
    url="/api/dostk/stkinfo",
    request_body=(
        ("mrkt_tp", "시장구분", "String", "Y", 2, "0:코스피,10:코스닥,3:ELW"),
        ("stk_cd", "종목코드", "String", "N", 6, ""),
    ),
    response_body=(
        ("tot_cnt", "총건수", "String", "N", 10, ""),
        ("stk_list", "종목리스트", "LIST", "N", None, ""),
        ("- code", "종목코드", "String", "N", 20, ""),
        ("- name", "종목명", "String", "N", 40, ""),
        ("- lastPrice", "전일종가", "String", "N", 20, "+ 부호는 상승, - 부호는 하락"),
    ),
    request_example='{\n    "mrkt_tp": "0"\n}',
    response_example=(
        '{\n    "tot_cnt": "000000000002",\n    "stk_list": [\n'
        '        {"code": "005930", "name": "삼성전자", "lastPrice": "+00060000"},\n'
        '        {"code": "000660", "name": "SK하이닉스", "lastPrice": "-00120000"}\n'
        '    ],\n    "return_code": 0,\n    "return_msg": "정상적으로 처리되었습니다"\n}'
    ),
)

TRADES_WS = SheetData(
    api_id="0B",
    name="주식체결",
    menu="국내주식 > 실시간시세 > 주식체결(0B)",
    url="/api/dostk/websocket",
    production="wss://api.kiwoom.com:10000",
    mock="wss://mockapi.kiwoom.com:10000",
    request_headers=(),
    response_headers=(),
    request_body=(
        ("trnm", "서비스명", "String", "Y", 10, "REG : 등록 , REMOVE : 해지"),
        ("grp_no", "그룹번호", "String", "Y", 4, ""),
        ("refresh", "기존등록유지여부", "String", "Y", 1, "0:기존유지안함, 1:기존유지"),
        ("data", "실시간 등록 리스트", "LIST", "N", None, ""),
        ("- item", "실시간 등록 요소", "String", "N", 100, ""),
        ("- type", "실시간 항목", "String", "Y", 2, "TR 명(0A,0B....)"),
    ),
    response_body=(
        ("trnm", "서비스명", "String", "N", None, "REAL"),
        ("data", "실시간 데이터", "LIST", "N", None, ""),
        ("- type", "실시간항목", "String", "N", None, ""),
        ("- values", "실시간 값 리스트", "Object", "N", None, ""),
        ("- - 10", "현재가", "String", "N", None, ""),
        ("- - 20", "체결시간", "String", "N", None, ""),
    ),
    request_example=(
        '{"trnm": "REG", "grp_no": "1", "refresh": "1", '
        '"data": [{"item": ["005930"], "type": ["0B"]}]}'
    ),
)


def write_reads_specs(directory: Path) -> Path:
    """A spec directory (workbook + names.toml) with ka10099 (paged) and 0B (WebSocket)."""
    directory.mkdir(parents=True, exist_ok=True)
    save_workbook(WorkbookData((LIST_STOCKS, TRADES_WS)), directory / "reads.xlsx")
    (directory / "names.toml").write_text(READS_NAMES, encoding="utf-8")
    return directory


# --- subprocesses ------------------------------------------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child Python: no Kiwoom keys, no inherited PYTHONPATH."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KIWOOM_") and k not in ("PYTHONPATH", "PYTHONHOME")
    }
    env.update(extra)
    return env


def run(
    cmd: Sequence[str | Path], *, timeout: float = 300, **kw: Any
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``; on failure the assertion shows its output."""
    start = time.perf_counter()
    proc = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, **kw
    )
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited with {proc.returncode} after {elapsed:.1f}s\n"
        f"--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}"
    )
    return proc


def mypy_strict(
    target: Path | str, cwd: Path, cache: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` in a subprocess (not asserted: callers check returncode and output)."""
    cmd = [
        sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache),
        "--hide-error-context", *extra, str(target),
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=600)
