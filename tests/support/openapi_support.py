"""Shared by the OpenAPI tests: the documents under test, the pinned Node tools, Redocly, and the
generated Python client (for the fake Kiwoom server and the model cross-checks).

The Node tools (Redocly CLI, openapi-typescript, TypeScript, openapi-fetch, yaml) are pinned in
``tests/js/package-lock.json`` and installed by :func:`node_tools` with ``npm ci`` when
``tests/js/node_modules`` is missing or was installed from another lockfile, under a file lock so
that concurrent test runs do not install twice. Without Node the tests fail with a hint; set
``KIWOOM_SKIP_NODE_TESTS=1`` to skip them instead.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from kiwoom_codegen import __version__
from kiwoom_codegen.emit import EmitContext
from kiwoom_codegen.emit.openapi import JSON_PATH, YAML_PATH, emit
from kiwoom_codegen.model import Spec
from kiwoom_codegen.model.load import load
from kiwoom_codegen.regen.layout import SheetData

from tests.support.fixtures import api, f

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
JS = ROOT / "tests" / "js"
GENERATED = ROOT / "generated"  # the goldens are the committed generated/openapi.{json,yaml}
STAMP = ".kiwoom-lockfile-sha256"
SKIP_NODE = "KIWOOM_SKIP_NODE_TESTS"


# --- documents ------------------------------------------------------------------------------


@functools.cache
def shipped_spec() -> Spec:
    return load([SPECS]).spec


def document_files(spec: Spec) -> dict[str, bytes]:
    """What the emitter writes for ``spec``: {"openapi.json": ..., "openapi.yaml": ...}."""
    return emit(spec, EmitContext(__version__, spec.content_hash(), ()))


def document(spec: Spec) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(document_files(spec)[JSON_PATH])
    return doc


def golden_files() -> dict[Path, bytes]:
    """The goldens generated/openapi.{json,yaml} (tests/update_goldens.py: "openapi")."""
    files = document_files(shipped_spec())
    return {GENERATED / name: files[name] for name in (JSON_PATH, YAML_PATH)}


def write_document(spec: Spec, directory: Path) -> tuple[Path, Path]:
    files = document_files(spec)
    directory.mkdir(parents=True, exist_ok=True)
    json_path, yaml_path = directory / JSON_PATH, directory / YAML_PATH
    json_path.write_bytes(files[JSON_PATH])
    yaml_path.write_bytes(files[YAML_PATH])
    return json_path, yaml_path


def yaml_equals_json(files: Mapping[str, bytes]) -> bool:
    return bool(yaml.safe_load(files[YAML_PATH]) == json.loads(files[JSON_PATH]))


# --- text that needs escaping: for the round-trip and lint tests ----------------------------

NASTY = [
    "double \"quotes\" and 'single'",
    "\"\"\"triple\"\"\" and '''triple'''",
    "{braces} {{ jinja }} {% block %} ${dollar}",
    "line one\nline two\r\nline three",
    "back\\slash \\n not a newline \\u0041",
    "key: value # not a comment",
    "- not a list item",
    "&anchor *alias !!python/object:os.system",
    "%YAML 1.2 leading percent",
    "@at `tick` |pipe >fold ? question , comma [bracket] ]",
    "tab\there",
    " leading and trailing spaces ",
    "005930",
    "yes",
    "N",
    "null",
    "\u2028line separator \x85 next line \ufeff bom",
    "emoji 😀 and 한글 '따옴표' \"쌍따옴표\"",
    "</script><!-- html -->",
]


def nasty_sheet() -> SheetData:
    label = '한글명 "따옴표" : # & *'
    return api(
        "ka77777",
        'API "명" : # {{ x }}',
        menu='국내주식 > 특수 "메뉴": # & * > API "명" : # {{ x }}(ka77777)',
        url="/api/dostk/nasty",
        request=tuple(
            f(f"fld_{i}", f"{label} {i}", required="N", length=200, description=text)
            for i, text in enumerate(NASTY)
        ),
        response=(f("out", label, description="\n".join(NASTY)),),
        overview=tuple(NASTY[:6]),
        request_example=json.dumps(
            {f"fld_{i}": text for i, text in enumerate(NASTY)}, ensure_ascii=False
        ),
        response_example=json.dumps(
            {"out": "\n".join(NASTY), "return_code": 0, "return_msg": NASTY[0]}
        ),
    )


# --- Node tools -----------------------------------------------------------------------------


def _lock_hash() -> str:
    return hashlib.sha256((JS / "package-lock.json").read_bytes()).hexdigest()


@contextmanager
def _install_lock() -> Iterator[None]:
    key = hashlib.sha256(str(JS).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"kiwoom-codegen-npm-{key}.lock"
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@functools.cache
def _install_node_tools() -> Path | str:
    """tests/js/node_modules/.bin, or why the tools are not there."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        return "Node.js with npm is needed for the OpenAPI interop tests (README: Node.js >= 20.19)"
    modules = JS / "node_modules"
    with _install_lock():
        stamp = modules / STAMP
        if not (stamp.is_file() and stamp.read_text().strip() == _lock_hash()):
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=JS,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if done.returncode != 0:
                return f"npm ci in {JS} failed:\n{done.stdout}\n{done.stderr}"
            stamp.write_text(_lock_hash() + "\n")
    return modules / ".bin"


def node_tools() -> Path:
    """The pinned tools' bin directory; fails (or skips with KIWOOM_SKIP_NODE_TESTS=1) without."""
    found = _install_node_tools()
    if isinstance(found, Path):
        return found
    if os.environ.get(SKIP_NODE):
        pytest.skip(found)
    pytest.fail(f"{found}\n(set {SKIP_NODE}=1 to skip the Node-based tests)")


def run_tool(tool: str, *args: str | Path, cwd: Path | None = None, timeout: float = 300) -> str:
    """Run a pinned Node tool; fail the test with its output when it fails."""
    done = subprocess.run(
        [str(node_tools() / tool), *map(str, args)],
        cwd=cwd or JS,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", "REDOCLY_TELEMETRY": "off"},
    )
    if done.returncode != 0:
        pytest.fail(
            f"{tool} {' '.join(map(str, args))} failed ({done.returncode}):\n"
            f"{done.stdout[-8000:]}\n{done.stderr[-8000:]}"
        )
    return done.stdout


class RedoclyLint:
    """Redocly CLI lint with tests/js/redocly.yaml (the recommended ruleset), in the background.

    ``ignore_unused`` names component schemas exempt from no-unused-components (none of the
    project's documents needs it; kept for linting documents of other shapes).
    """

    def __init__(self, document_path: Path, ignore_unused: Sequence[str] = ()) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="redocly-"))
        shutil.copy(JS / "redocly.yaml", self.work / "redocly.yaml")
        target = self.work / document_path.name
        shutil.copy(document_path, target)
        if ignore_unused:
            pointers = [f"#/components/schemas/{name}" for name in ignore_unused]
            ignore = {target.name: {"no-unused-components": pointers}}
            (self.work / ".redocly.lint-ignore.yaml").write_text(yaml.safe_dump(ignore))
        command = [str(node_tools() / "redocly"), "lint", target.name, "--config", "redocly.yaml",
                   "--format", "json", "--max-problems", "10000"]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=self.work,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={
                **os.environ,
                "NO_COLOR": "1",
                "REDOCLY_TELEMETRY": "off",
                "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
            },  # fmt: skip
        )

    def report(self, timeout: float = 300) -> dict[str, Any]:
        """The JSON report, with the exit code as ``exit_code``."""
        try:
            out, err = self.process.communicate(timeout=timeout)
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
        start = out.find("{")
        if start < 0:
            pytest.fail(f"redocly lint printed no report:\n{out}\n{err}")
        report: dict[str, Any] = json.loads(out[start:])
        report["exit_code"] = self.process.returncode
        return report


def redocly_lint(document_path: Path, ignore_unused: Sequence[str] = ()) -> dict[str, Any]:
    return RedoclyLint(document_path, ignore_unused).report()


def lint_summary(report: Mapping[str, Any]) -> str:
    lines = [
        f"{p['severity']} {p['ruleId']}: {p['message']} at "
        f"{p['location'][0].get('pointer', '') if p.get('location') else ''}"
        for p in report["problems"][:50]
    ]
    return "\n".join(lines)


def websocket_schema_names(doc: Mapping[str, Any]) -> list[str]:
    services = doc.get("x-kiwoom-websocket", {}).get("services", [])
    return [name for s in services for name in (s["requestSchema"], s["responseSchema"])]


# --- the generated Python client (kiwoom_client) ---------------------------------------------


@functools.cache
def python_client_root() -> Path | str:
    """A directory holding the ``kiwoom_client`` package generated from specs/, or why none.

    A fresh generation into a temporary directory when the Python emitter is built (so the
    package matches the current generator), else ``generated/python`` when it exists.
    """
    try:
        from kiwoom_codegen.emit import python_client
    except ModuleNotFoundError:
        committed = ROOT / "generated" / "python"
        if (committed / "kiwoom_client").is_dir():
            return committed
        return "no Python client: the Python emitter is not built and generated/python is missing"
    spec = shipped_spec()
    files = python_client.emit(spec, EmitContext(__version__, spec.content_hash(), ()))
    out = Path(tempfile.mkdtemp(prefix="kiwoom-openapi-pyclient-"))
    for relpath, data in files.items():
        path = out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return out / "python"


def python_client() -> Path:
    found = python_client_root()
    if isinstance(found, str):
        pytest.skip(found)
    return found


def run_python(
    *args: str, env: Mapping[str, str] | None = None, input: str | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` from the repository root (so ``tests`` is importable)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
        env={**os.environ, **(env or {})},
    )
