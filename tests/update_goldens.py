"""The goldens: committed expected outputs, and the one command that refreshes them.

    python -m tests.update_goldens            # rewrite every golden from the current code
    python -m tests.update_goldens model      # only some (names as in GOLDENS)
    python -m tests.update_goldens --check    # exit 1 and show the diff when one is stale

Each golden is a function producing {path: bytes} from the repository as it is; GOLDENS maps
a name to it. The Python client and the OpenAPI document for specs/ (kt10006-kt10009) are kept
once, as the committed generated/ tree that ``kiwoom-codegen check`` also guards: their goldens
compare with generated/, and rewriting them runs ``kiwoom-codegen generate`` (which keeps the
manifest), never a second copy. To add a golden, write such a function (here or in a module
imported here), add it to GOLDENS, and compare it in a test with :func:`stale`, which returns
the unified diff and this command, ready to print.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = ROOT / "tests" / "golden"
COMMAND = "python -m tests.update_goldens"

Golden = Callable[[], dict[Path, bytes]]


def model_json() -> dict[Path, bytes]:
    """What `kiwoom-codegen parse specs/ --json` prints, run from the repository root."""
    from kiwoom_codegen.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["parse", "specs/", "--json"])
    if code != 0:
        raise RuntimeError(f"kiwoom-codegen parse specs/ failed ({code}):\n{err.getvalue()}")
    return {GOLDEN_DIR / "model.json": out.getvalue().encode("utf-8")}


def openapi_document() -> dict[Path, bytes]:
    """generated/openapi.json and .yaml for specs/."""
    from tests.support.openapi_support import golden_files

    return golden_files()


def python_client() -> dict[Path, bytes]:
    """generated/python/ for specs/, without the verbatim runtime copies."""
    from tests.support.python_client_support import golden_files

    return golden_files()


def realtime() -> dict[Path, bytes]:
    """For the WebSocket sheets of tests/realtime_sheets.py (tests/golden/realtime/): the
    AsyncAPI document and the generated typed messages (_realtime_registry.py)."""
    import shutil
    import tempfile

    from kiwoom_codegen import __version__
    from kiwoom_codegen.emit import EmitContext
    from kiwoom_codegen.emit.asyncapi import YAML_PATH, emit
    from kiwoom_codegen.emit.python_client import emit as emit_python
    from kiwoom_codegen.model.load import load

    from tests.support.realtime_sheets import write_realtime_workbook

    with tempfile.TemporaryDirectory() as tmp:
        write_realtime_workbook(Path(tmp) / "realtime.xlsx")
        shutil.copy(ROOT / "specs" / "realtime_fields.toml", tmp)
        spec = load([Path(tmp)]).spec
    ctx = EmitContext(__version__, spec.content_hash(), ("realtime.xlsx",))
    python = emit_python(spec, ctx)
    out = GOLDEN_DIR / "realtime"
    return {
        out / YAML_PATH: emit(spec, ctx)[YAML_PATH],
        out / "_realtime_registry.py": python["python/kiwoom_client/_realtime_registry.py"],
    }


# Goldens that are the committed generated/ tree: rewritten by `kiwoom-codegen generate`.
IN_GENERATED = ("openapi", "python")

GOLDENS: dict[str, Golden] = {
    "model": model_json,
    "openapi": openapi_document,
    "python": python_client,
    "realtime": realtime,
}


def stale(name: str) -> str | None:
    """None when golden ``name`` is up to date, else its diff and the command that updates it."""
    parts: list[str] = []
    for path, data in sorted(GOLDENS[name]().items()):
        old = path.read_bytes() if path.is_file() else b""
        if old == data:
            continue
        rel = path.relative_to(ROOT).as_posix()
        diff = difflib.unified_diff(
            old.decode("utf-8", "replace").splitlines(keepends=True),
            data.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"{rel} (committed)",
            tofile=f"{rel} (produced now)",
        )
        parts.append("".join(diff) or f"{rel}: bytes differ\n")
    if not parts:
        return None
    hint = (
        f"\nThe golden {name!r} is stale. If the change is intended, run:\n\n    {COMMAND} {name}\n"
    )
    return "".join(parts) + hint


def regenerate() -> None:
    """generated/ for specs/, through the generator's own atomic write and manifest."""
    from kiwoom_codegen.cli import main as codegen

    with contextlib.chdir(ROOT):
        code = codegen(["generate"])
    if code != 0:
        raise SystemExit(f"kiwoom-codegen generate failed ({code})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description="Rewrite or check the goldens.")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of: {', '.join(GOLDENS)}")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when stale")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in GOLDENS]
    if unknown:
        parser.error(f"unknown golden(s) {', '.join(unknown)}; known: {', '.join(GOLDENS)}")
    names = args.names or list(GOLDENS)
    failed = False
    generated_written = False
    for name in names:
        if args.check:
            report = stale(name)
            if report:
                print(report)
                failed = True
            else:
                print(f"{name}: up to date")
            continue
        if name in IN_GENERATED:
            if not generated_written:
                regenerate()
                generated_written = True
            continue
        for path, data in sorted(GOLDENS[name]().items()):
            rel = path.relative_to(ROOT).as_posix()
            if path.is_file() and path.read_bytes() == data:
                print(f"{name}: {rel} unchanged")
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"{name}: wrote {rel}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
