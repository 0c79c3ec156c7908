"""The generator is an ordinary tool: a wheel of it, installed (not editable) into a fresh virtual
environment, generates ``specs/`` from another directory, byte for byte what the checkout makes.

The wheel is built with pypa/build from the repository root (isolated: the build backend comes
from the package index). The fresh venv gets the generator's dependencies from the package index
through the wheel's metadata; nothing of the development environment is importable there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.client_helpers import clean_env, run

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the installed ``kiwoom-codegen`` script, the wheel)."""
    root = tmp_path_factory.mktemp("tool")
    dist = root / "dist"
    # From a copy of exactly the project's files: setuptools never cleans the build/ folder of a
    # checkout, so a module renamed since the last build would ship in the wheel (and be copied
    # into every generated client).
    source = root / "source"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for rel in filter(None, listed.split("\0")):
        if (ROOT / rel).is_file():
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, source / rel)
    run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, source], env=clean_env())
    (wheel,) = dist.glob("kiwoom_codegen-*.whl")
    env_dir = root / "venv"
    run([sys.executable, "-m", "venv", env_dir])
    run(
        [env_dir / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        + [wheel],
        env=clean_env(),
        timeout=900,
    )
    return env_dir / "bin" / "kiwoom-codegen", wheel


@pytest.mark.slow
def test_wheel_ships_templates_and_runtime_under_its_own_name(
    installed: tuple[Path, Path],
) -> None:
    _, wheel = installed
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    tops = {n.split("/", 1)[0] for n in names}
    assert tops == {"kiwoom_codegen", next(t for t in tops if t.endswith(".dist-info"))}
    templates = sorted(p.name for p in (ROOT / "templates" / "python").glob("*.jinja"))
    assert templates
    for name in templates:
        assert f"kiwoom_codegen/templates/python/{name}" in names
    for path in (ROOT / "generator" / "runtime").glob("*.py"):
        assert f"kiwoom_codegen/runtime/{path.name}" in names
    assert "kiwoom_codegen/data/names.toml" in names  # the shipped names table


@pytest.mark.slow
def test_installed_tool_generates_specs_from_another_directory(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    script, _ = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # A file named like the old import name must not shadow anything.
    (elsewhere / "generator.py").write_text("raise SystemExit('shadowed')\n", encoding="utf-8")
    env = clean_env()
    env.pop("VIRTUAL_ENV", None)
    out = tmp_path / "out"
    run([script, "generate", SPECS, "--out", out], cwd=elsewhere, env=env)
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    shipped = sorted(
        p.relative_to(GENERATED).as_posix()
        for p in GENERATED.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert made == shipped
    for rel in made:
        assert (out / rel).read_bytes() == (GENERATED / rel).read_bytes(), rel
    # check agrees from any directory, with the installed tool and the checkout's output.
    run([script, "check", SPECS, "--out", GENERATED], cwd=elsewhere, env=env)
    run([script, "check", os.path.relpath(SPECS, ROOT), "--out", "generated"], cwd=ROOT, env=env)
