"""Atomic output: a failure or Ctrl-C at any point leaves the output byte-identical; files the
generator does not own are never touched; files of APIs that disappeared are removed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.emit import EmitContext
from kiwoom_codegen.model import Spec
from kiwoom_codegen.regen import writer
from kiwoom_codegen.regen.writer import MANIFEST_NAME, OutputError, manifest_bytes, write_tree

from tests.support.outdir import beside, failing_after
from tests.support.pipeline import SEED, described, per_api_emitter, run, tree, write_edition


@pytest.fixture(autouse=True)
def per_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generate with a stand-in emitter that writes one file per API (besides any real ones)."""
    monkeypatch.setattr("kiwoom_codegen.emit.emitters", lambda: [("per_api", per_api_emitter)])


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    """(seed specs, a later edition, generated/ from the seed with a user's own files in it)."""
    seed = write_edition(tmp_path / "seed", SEED)
    later = write_edition(tmp_path / "later", [s for s in described(SEED) if s.api_id != "kt10009"])
    out = tmp_path / "work" / "generated"
    assert run(["generate", str(seed), "--out", str(out)], capsys)[0] == 0
    (out / "NOTES.md").write_text("my notes\n")
    (out / "python/README.txt").write_text("mine too\n")
    (out / "scratch").mkdir()
    os.chmod(out / "NOTES.md", 0o600)
    return seed, later, out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("exc", "exit_code"),
    [
        (RuntimeError("disk on fire"), 3),
        (KeyboardInterrupt(), 130),
        (OSError(28, "No space left on device"), 2),  # the machine: one line, exit 2
    ],
)
def test_failure_midway_leaves_the_output_untouched(
    project: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exc: BaseException,
    exit_code: int,
) -> None:
    _, later, out = project
    before = tree(out)
    monkeypatch.setattr(writer, "_write_file", failing_after(2, exc))
    code, _, err = run(["generate", str(later), "--out", str(out)], capsys)
    assert code == exit_code
    if isinstance(exc, OSError):
        assert "Traceback" not in err and "No space left on device (ENOSPC)" in err
        assert f"{out}/" in err and f"{out} is unchanged" in err
    assert tree(out) == before
    assert beside(out) == ["generated"]
    assert (out / "scratch").is_dir()


@pytest.mark.slow
@pytest.mark.parametrize("exc", [OSError(5, "I/O error"), KeyboardInterrupt()])
def test_failure_during_the_swap_puts_the_old_tree_back(
    project: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exc: BaseException,
) -> None:
    _, later, out = project
    before = tree(out)
    real = os.rename
    calls: list[tuple[Any, Any]] = []

    def rename(src: Any, dst: Any) -> None:
        calls.append((src, dst))
        if len(calls) == 2:  # the old tree is away; bringing the new one in fails
            raise exc
        real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    code, _, err = run(["generate", str(later), "--out", str(out)], capsys)
    monkeypatch.undo()
    assert code == (2 if isinstance(exc, OSError) else 130)  # EIO: the disk, not a bug
    assert "Traceback" not in err
    assert len(calls) == 3  # away, (failed) in, back
    assert tree(out) == before
    assert beside(out) == ["generated"]


def test_failing_emitter_writes_nothing(
    project: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, later, out = project
    before = tree(out)

    def broken(spec: Spec, ctx: EmitContext) -> dict[str, bytes]:
        raise ValueError("emitter bug")

    monkeypatch.setattr(
        "kiwoom_codegen.emit.emitters", lambda: [("per_api", per_api_emitter), ("broken", broken)]
    )
    code, _, err = run(["generate", str(later), "--out", str(out)], capsys)
    assert code == 3 and "emitter bug" in err
    assert tree(out) == before and beside(out) == ["generated"]


@pytest.mark.slow
def test_a_first_generate_that_fails_leaves_no_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = write_edition(tmp_path / "seed", SEED)
    monkeypatch.setattr(writer, "_write_file", failing_after(1, KeyboardInterrupt()))
    out = tmp_path / "new" / "generated"
    assert run(["generate", str(seed), "--out", str(out)], capsys)[0] == 130
    assert beside(out) == []


@pytest.mark.slow
def test_removed_api_files_go_and_unowned_files_stay(
    project: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    seed, later, out = project
    before = tree(out)
    code, stdout, _ = run(["generate", str(later), "--out", str(out)], capsys)
    assert code == 0 and "1 removed" in stdout
    after = tree(out)
    assert "python/pkg/credit_orders/cancel.py" in before
    assert "python/pkg/credit_orders/cancel.py" not in after
    for mine in ("NOTES.md", "python/README.txt"):
        assert after[mine] == before[mine]  # bytes and mode (0600 stays 0600)
    assert (out / "scratch").is_dir()
    assert beside(out) == ["generated"]
    owned = set(after) - {"NOTES.md", "python/README.txt"}
    assert owned == {
        MANIFEST_NAME,
        *__import__("json").loads((out / MANIFEST_NAME).read_text())["files"],
    }
    # And back: the API returns, nothing else moves.
    assert run(["generate", str(seed), "--out", str(out)], capsys)[0] == 0
    assert tree(out) == before


@pytest.mark.slow
def test_stale_cache_of_a_removed_package_goes_with_it(
    project: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    seed, _, out = project
    cache = out / "python/pkg/credit_orders/__pycache__"
    cache.mkdir()
    (cache / "buy.cpython-311.pyc").write_bytes(b"\0")
    (out / "python/pkg/__pycache__").mkdir()
    (out / "python/pkg/__pycache__/x.pyc").write_bytes(b"\0")
    os.remove(out / "python/README.txt")
    nothing = write_edition(out.parent.parent / "none", [])
    assert run(["generate", str(nothing), "--out", str(out), "--no-config"], capsys)[0] == 0
    assert not (out / "python/pkg/credit_orders").exists()  # only a cache was left in it
    assert (out / "python/pkg/__pycache__/x.pyc").exists()  # its package is still generated
    assert (out / "NOTES.md").exists()


def test_nothing_changes_when_nothing_changed(
    project: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    seed, _, out = project
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    inode = out.stat().st_ino
    code, stdout, _ = run(["generate", str(seed), "--out", str(out)], capsys)
    assert code == 0 and "up to date" in stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == stamps
    assert out.stat().st_ino == inode


def test_clash_with_an_unowned_file_is_one_line_and_changes_nothing(
    project: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, later, out = project
    before = tree(out)
    with pytest.raises(OutputError, match="NOTES.md/x"):
        write_tree(out, {"NOTES.md/x": b"a file below a user's file"})
    assert tree(out) == before and beside(out) == ["generated"]
    (out.parent / "generated2").write_text("a file, not a directory")
    code, _, err = run(["generate", str(later), "--out", str(out.parent / "generated2")], capsys)
    assert code == 2 and "not a directory" in err and "Traceback" not in err


def test_ownership_is_what_the_manifest_lists(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = {"a.txt": b"a"}
    first[MANIFEST_NAME] = manifest_bytes(first, {})
    first["b.txt"] = b"written, but not listed in the manifest"
    write_tree(out, first, unowned={"log.md": b"1"})
    assert (out / "log.md").read_bytes() == b"1"
    result = write_tree(out, {MANIFEST_NAME: manifest_bytes({}, {})})
    assert result.removed == ["a.txt"]
    assert not (out / "a.txt").exists()
    assert (out / "b.txt").exists() and (out / "log.md").read_bytes() == b"1"
    # A damaged manifest owns nothing beyond itself: nothing is removed, and the user is told.
    (out / MANIFEST_NAME).write_text("{ damaged")
    result = write_tree(out, {MANIFEST_NAME: manifest_bytes({}, {})})
    assert result.removed == [] and (out / "b.txt").exists()
    assert any("unreadable" in note for note in result.notes)
    # Paths in a manifest never reach outside the output directory.
    (tmp_path / "victim.txt").write_text("keep")
    (out / MANIFEST_NAME).write_bytes(b'{"files": {"../victim.txt": "x", "/etc/passwd": "y"}}')
    write_tree(out, {MANIFEST_NAME: manifest_bytes({}, {})})
    assert (tmp_path / "victim.txt").read_text() == "keep"


def test_refuses_to_replace_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "project" / "src"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    for target in (Path("."), Path(".."), tmp_path):
        with pytest.raises(OutputError, match="working directory"):
            write_tree(target, {MANIFEST_NAME: manifest_bytes({}, {})})
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == ["src"]
