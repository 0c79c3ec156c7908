"""The output directory under faults: kills at every step of a run (real processes, SIGKILL), two
runs at once, read-only and full disks, symlinks inside it, directories the generator did not
write. Whatever happens, the user's output is never lost and the next run settles what a killed
one left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from kiwoom_codegen.regen import writer
from kiwoom_codegen.regen.writer import MANIFEST_NAME

from tests.support.outdir import beside, failing_after
from tests.support.pipeline import (
    ROOT,
    SEED,
    described,
    manifest,
    per_api_emitter,
    run,
    tree,
    write_edition,
)


@pytest.fixture(autouse=True)
def per_api(monkeypatch: pytest.MonkeyPatch) -> None:
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
    return seed, later, out


# --- real processes, killed at each step ------------------------------------------------------


@contextmanager
def stopped_run(point: str, argv: list[str], tmp: Path) -> Iterator[subprocess.Popen[str]]:
    """A kiwoom-codegen process stopped at ``point`` (see tests/outdir_child.py)."""
    marker = tmp / f"stopped-{point.replace(':', '-')}"
    marker.unlink(missing_ok=True)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.outdir_child", point, str(marker), *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if child.poll() is not None:
                out, err = child.communicate()
                pytest.fail(f"the run ended (exit {child.returncode}) before {point}:\n{out}{err}")
            assert time.monotonic() < deadline, f"the run never reached {point}"
            time.sleep(0.02)
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()


def kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


# point -> what the output holds right after the kill: the old tree, none, or the new tree
KILL_POINTS = {
    "write:1": "old",  # staging started
    "write:3": "old",  # staging half done
    "rename:1": "old",  # staging complete, swap not begun
    "rename:2": None,  # between the two renames: the output directory is away
    "rename:3": "new",  # swapped, clean-up not begun
    "rmtree:1": "new",  # clean-up half done
}


@pytest.mark.slow
@pytest.mark.parametrize("point", sorted(KILL_POINTS))
@pytest.mark.parametrize("settle_with", ["check", "generate"])
def test_a_run_killed_at_any_step_is_settled_by_the_next_one(
    project: tuple[Path, Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    point: str,
    settle_with: str,
) -> None:
    seed, later, out = project
    before = tree(out)
    with stopped_run(point, ["generate", str(later), "--out", str(out)], tmp_path) as child:
        kill(child)
    state = KILL_POINTS[point]
    if state is None:
        assert not out.exists()  # what the old code left for good
    else:
        assert out.is_dir() and (tree(out) == before) == (state == "old")
    left = [n for n in beside(out) if n not in ("generated", ".generated.lock")]
    assert len(left) == 1 and left[0].startswith(".generated.swap-"), left

    # The next run settles it: an interrupted swap is rolled back, leftovers go.
    if settle_with == "check":
        expected = later if state == "new" else seed
        code, _, err = run(["check", str(expected), "--out", str(out)], capsys)
        assert code == 0, err
        assert tree(out) == (before if state != "new" else tree(out))
        assert "left by an interrupted run" in err or "put the previous output back" in err
    else:
        code, _, err = run(["generate", str(later), "--out", str(out)], capsys)
        assert code == 0, err
        after = tree(out)
        assert after["NOTES.md"] == before["NOTES.md"]
        assert after["python/README.txt"] == before["python/README.txt"]
        assert "python/pkg/credit_orders/cancel.py" not in after
        assert run(["check", str(later), "--out", str(out)], capsys)[0] == 0
    assert beside(out) == ["generated"]  # no staging, no lock left


def problem_lines(err: str) -> list[str]:
    """stderr without the self-check's summary line and the config note, which every read of
    the specs ends with."""
    return [
        line
        for line in err.strip().splitlines()
        if not line.startswith(("self-check:", "note: config: "))
    ]


@pytest.mark.slow
def test_a_second_run_waits_for_nobody_and_changes_nothing(
    project: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two generate runs on one directory: the second is refused while the first works; a killed
    first run leaves no lock behind (the kernel drops it with the process)."""
    seed, later, out = project
    before = tree(out)
    with stopped_run("write:2", ["generate", str(later), "--out", str(out)], tmp_path) as first:
        code, _, err = run(["generate", str(seed), "--out", str(out)], capsys)
        assert code == 2 and "Traceback" not in err
        assert f"another kiwoom-codegen run (pid {first.pid}) is writing it" in err
        assert len(problem_lines(err)) == 1
        assert tree(out) == before
        kill(first)
    # The lock file of the killed run is still there, but nobody holds its lock.
    assert ".generated.lock" in beside(out)
    code, _, err = run(["generate", str(later), "--out", str(out)], capsys)
    assert code == 0, err
    assert tree(out)["NOTES.md"] == before["NOTES.md"]
    assert beside(out) == ["generated"]


def test_legacy_leftovers_are_kept_and_a_lost_tree_is_put_back(
    project: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """What the previous version left after a kill between its renames: no generated/, the tree
    in .generated.old-XXXXXXXX/tree."""
    seed, _, out = project
    before = tree(out)
    holder = out.parent / ".generated.old-k2j4_x9a"
    holder.mkdir()
    os.rename(out, holder / "tree")
    (out.parent / ".generated.new-abcdefgh").mkdir()
    code, _, err = run(["check", str(seed), "--out", str(out)], capsys)
    assert code == 0 and tree(out) == before
    assert "put the previous output back" in err and ".generated.new-abcdefgh" in err
    assert ".generated.new-abcdefgh" in beside(out)  # not ours to delete: no journal


@pytest.mark.slow
def test_foreign_look_alikes_are_never_removed(
    project: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    seed, later, out = project
    fake = out.parent / ".generated.swap-abcd1234"
    (fake / "new").mkdir(parents=True)
    (fake / "journal.json").write_text('{"generator": "something-else", "target": "generated"}')
    (fake / "new" / "keep.txt").write_text("not ours")
    assert run(["generate", str(later), "--out", str(out)], capsys)[0] == 0
    assert (fake / "new" / "keep.txt").read_text() == "not ours"


# --- the environment: read-only, full disk ----------------------------------------------------


@contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """A directory nobody can change, not even root (immutable attribute as root)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(directory)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(directory)], check=True)
    else:
        mode = directory.stat().st_mode
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(mode)


@pytest.mark.slow
def test_read_only_output_is_one_line_exit_2_and_check_still_works(
    project: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    seed, later, out = project
    before = tree(out)
    with read_only(out.parent):
        code, _, err = run(["generate", str(later), "--out", str(out)], capsys)
        assert code == 2
        assert "Traceback" not in err and "a bug" not in err
        assert len(problem_lines(err)) == 1
        assert str(out.parent / ".generated.lock") in err
        assert "(EPERM)" in err or "(EACCES)" in err
        assert tree(out) == before
        # check writes nothing when nothing was interrupted: it works on a read-only tree, and
        # so does a generate that finds it up to date.
        assert run(["check", str(seed), "--out", str(out)], capsys)[0] == 0
        code, stdout, err = run(["generate", str(seed), "--out", str(out)], capsys)
        assert code == 0 and "up to date" in stdout, err
    assert beside(out) == ["generated"]


def test_full_disk_is_one_line_exit_2(
    project: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A real ENOSPC: the third file of the new tree is written to /dev/full."""
    _, later, out = project
    before = tree(out)
    real = writer._write_file
    calls = {"n": 0}

    def write(path: Path, data: bytes, mode: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            with open("/dev/full", "wb") as full:
                full.write(data or b"x")
        real(path, data, mode)

    monkeypatch.setattr(writer, "_write_file", write)
    code, _, err = run(["generate", str(later), "--out", str(out)], capsys)
    assert code == 2 and "Traceback" not in err
    assert "No space left on device (ENOSPC)" in err and f"{out}/python/pkg/" in err
    assert tree(out) == before and beside(out) == ["generated"]


@pytest.mark.slow
def test_errors_before_staging_clean_up_too(
    project: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, later, out = project
    before = tree(out)
    monkeypatch.setattr(writer, "_write_file", failing_after(0, PermissionError(13, "denied")))
    code, _, err = run(["generate", str(later), "--out", str(out)], capsys)
    assert code == 2 and "(EACCES)" in err and "Traceback" not in err
    assert tree(out) == before and beside(out) == ["generated"]


# --- symlinks and directories the generator did not write --------------------------------------


@pytest.mark.slow
def test_a_symlinked_subdirectory_is_never_written_through(
    project: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed, later, out = project
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.rename(out / "python", tmp_path / "moved-python")
    (out / "python").symlink_to(elsewhere, target_is_directory=True)
    before = tree(out)
    code, _, err = run(["generate", str(later), "--out", str(out)], capsys)
    assert code == 2 and "Traceback" not in err
    assert f"{out}/python: is a symbolic link" in err
    assert list(elsewhere.iterdir()) == []  # nothing landed outside the output directory
    assert tree(out) == before and (out / "python").is_symlink()
    # check does not read through it either: the files are missing from the output.
    code, stdout, _ = run(["check", str(seed), "--out", str(out)], capsys)
    assert code == 1 and f"missing: {out}/python/pkg/__init__.py" in stdout


@pytest.mark.slow
def test_a_directory_not_written_by_the_generator_needs_adopt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = write_edition(tmp_path / "seed", SEED)
    out = tmp_path / "src"
    (out / "python/pkg").mkdir(parents=True)
    (out / "python/pkg/__init__.py").write_text("# my own package\n")
    (out / "main.py").write_text("print('mine')\n")
    before = tree(out)
    code, _, err = run(["generate", str(seed), "--out", str(out)], capsys)
    assert code == 2 and "Traceback" not in err
    assert f"{out}: is not empty and has no {MANIFEST_NAME}" in err and "--adopt" in err
    assert tree(out) == before and beside(out) == ["seed", "src"]
    code, _, err = run(["generate", str(seed), "--out", str(out), "--adopt"], capsys)
    assert code == 0, err
    assert (out / "main.py").read_text() == "print('mine')\n"  # not generated: kept
    assert (out / "python/pkg/__init__.py").read_bytes() == b"# generated\n"
    assert "python/pkg/__init__.py" in manifest(out)["files"]


@pytest.mark.slow
def test_a_users_file_where_a_new_file_goes_is_not_overwritten(
    project: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A later edition produces a path where the user keeps a file of their own."""
    _, later, out = project
    (out / "python/pkg/credit_orders/cancel.py").unlink()
    manifest_before = (out / MANIFEST_NAME).read_bytes()
    seed_again = write_edition(out.parent.parent / "again", SEED)
    (out / "python/pkg/credit_orders/cancel.py").write_text("# my own cancel helper\n")
    # The manifest still lists cancel.py: the generator owns it and may replace it.
    assert run(["generate", str(later), "--out", str(out)], capsys)[0] == 0
    assert not (out / "python/pkg/credit_orders/cancel.py").exists()
    (out / "python/pkg/credit_orders/cancel.py").write_text("# my own cancel helper\n")
    before = tree(out)
    # Now it is the user's: a generation that produces cancel.py again must not take it.
    code, _, err = run(["generate", str(seed_again), "--out", str(out)], capsys)
    assert code == 2 and "cancel.py: the generator does not own this" in err
    assert "--adopt" in err and tree(out) == before
    assert manifest_before != (out / MANIFEST_NAME).read_bytes()
    assert run(["generate", str(seed_again), "--out", str(out), "--adopt"], capsys)[0] == 0
    assert (out / "python/pkg/credit_orders/cancel.py").read_text().startswith("# generated")


def test_check_of_a_missing_output_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = write_edition(tmp_path / "seed", SEED)
    out = tmp_path / "not" / "there" / "generated"
    code, stdout, err = run(["check", str(seed), "--out", str(out)], capsys)
    assert code == 1 and "missing:" in stdout and "Traceback" not in err
    assert not (tmp_path / "not").exists()
