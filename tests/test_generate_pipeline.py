"""generate: load -> render (every emitter + manifest) -> atomic write (the editions it is tried
on come from tests/support/pipeline.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from kiwoom_codegen import __version__
from kiwoom_codegen.emit import EmitContext
from kiwoom_codegen.model import Spec
from kiwoom_codegen.model.load import load
from kiwoom_codegen.regen.generate import RenderError, render, source_names
from kiwoom_codegen.regen.writer import MANIFEST_NAME

from tests.support.pipeline import (
    NESTED,
    ROOT,
    SEED,
    edit_row,
    manifest,
    per_api_emitter,
    run,
    tree,
    write_edition,
)

# --- editions ----------------------------------------------------------------------------------


# --- render ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    return load([write_edition(tmp_path_factory.mktemp("seed"), SEED)]).spec


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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
