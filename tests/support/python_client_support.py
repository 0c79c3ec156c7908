"""Shared by the Python client tests: the emitter's output for specs/, its golden, and importing a
generated ``kiwoom_client`` from a temporary directory without leaking it into other tests.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType

from kiwoom_codegen import __version__
from kiwoom_codegen.emit import EmitContext
from kiwoom_codegen.emit.python_client import emit
from kiwoom_codegen.model import Spec
from kiwoom_codegen.model.load import load
from kiwoom_codegen.regen.generate import source_names

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"  # the golden tree is the committed generated/python/
PACKAGE = "kiwoom_client"
RUNTIME_NOTE = b"# Copied verbatim from generator/runtime/"


@functools.cache
def shipped_spec() -> Spec:
    return load([SPECS]).spec


@functools.cache
def shipped_sources() -> tuple[str, ...]:
    """The sources as `kiwoom-codegen generate` names them when run from the repository root."""
    with contextlib.chdir(ROOT):
        return source_names([Path("specs")])


def emit_files(spec: Spec, sources: tuple[str, ...] = ("spec.xlsx",)) -> dict[str, bytes]:
    return emit(spec, EmitContext(__version__, spec.content_hash(), sources))


@functools.cache
def shipped_files() -> Mapping[str, bytes]:
    return emit_files(shipped_spec(), shipped_sources())


def is_runtime_copy(data: bytes) -> bool:
    return data.startswith(RUNTIME_NOTE)


def golden_files() -> dict[Path, bytes]:
    """generated/python/**: the python/ tree for specs/ (tests/update_goldens.py: "python").

    The runtime files are left out: they are generator/runtime copied verbatim, which
    test_runtime_files_are_verbatim_copies checks, and would make the golden stale on every
    runtime edit.
    """
    return {
        GENERATED / rel: data
        for rel, data in shipped_files().items()
        if not is_runtime_copy(data) and rel != f"python/{PACKAGE}/py.typed"
    }


def write_files(files: Mapping[str, bytes], out: Path) -> Path:
    """Write an emitter's output under ``out``; returns the ``python/`` directory."""
    for rel, data in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return out / "python"


@contextlib.contextmanager
def imported(root: Path, name: str = PACKAGE) -> Iterator[ModuleType]:
    """Import package ``name`` from ``root``; afterwards sys.path and sys.modules are restored,
    so another generated package of the same name can be imported by the next test."""
    saved = {k: v for k, v in sys.modules.items() if k == name or k.startswith(name + ".")}
    for key in saved:
        del sys.modules[key]
    sys.path.insert(0, str(root))
    try:
        importlib.invalidate_caches()
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(root))
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]
        sys.modules.update(saved)


def run_python(
    code: str, *, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
