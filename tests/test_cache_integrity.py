"""The cache cannot lie: every entry, damaged in every way a crash or a meddler leaves it, is
discarded with one warning and recomputed, and the output is byte-identical to an uncached run.
``check`` also sees files inside the generated package that the manifest does not list.

The entries are the ones a real ``generate`` of the shipped ``specs/`` writes; the damage is
done to the files on disk, as a crash (empty, truncated), a bad copy (other JSON) or a link
would leave them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kiwoom_codegen import cache
from kiwoom_codegen.cli.main import main

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "specs"
TRAILER = 154  # b"\n#kiwoom-codegen-cache 1 " + 64 hex + b" " + 64 hex + b"\n"
# Kinds whose entries are JSON documents (the others hold code or a manifest as text).
JSON_KINDS = {"json-pieces", "openapi-yaml", "format-units", "current-inputs", "group-files"}
# Kinds read only when a group's module is not cached itself.
BEHIND_GROUP_MODULES = {"datamodel-codegen", "format-units"}


def _run(argv: list[str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    cache._warned.clear()  # one process runs many generates here; each reports on its own
    cache._vetted.clear()
    code = main(argv)
    out, err = capfd.readouterr()
    return code, out, err


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _restore(snapshot: Path, live: Path) -> None:
    shutil.rmtree(live, ignore_errors=True)
    shutil.copytree(snapshot, live, symlinks=True)


def _rewrite_with_valid_trailer(path: Path, body: bytes) -> None:
    """New content under the entry's own key, with a checksum that matches it: what passes
    the checksum and must still be caught by its reader."""
    data = path.read_bytes()
    trailer = data[-TRAILER:]
    key = trailer.split(b" ")[2]
    digest = hashlib.sha256(body).hexdigest().encode()
    path.write_bytes(body + trailer[: -(2 * 64 + 2)] + key + b" " + digest + b"\n")


def _empty(path: Path, tmp: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path, tmp: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _symlink(path: Path, tmp: Path) -> None:
    elsewhere = tmp / f"elsewhere-{path.name}"
    shutil.copyfile(path, elsewhere)  # the very bytes it held: a link is refused anyway
    path.unlink()
    path.symlink_to(elsewhere)


def _other_json(path: Path, tmp: Path) -> None:
    _rewrite_with_valid_trailer(path, b"[]")


DAMAGE: dict[str, Callable[[Path, Path], None]] = {
    "empty": _empty,
    "truncated": _truncated,
    "symlink": _symlink,
    "other JSON": _other_json,
}


@pytest.fixture(scope="module")
def primed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, bytes]]]:
    """(a snapshot of the cache a generate of specs/ leaves, the uncached output)."""
    root = tmp_path_factory.mktemp("cache-integrity")
    env = os.environ.get("KIWOOM_CODEGEN_CACHE")
    try:
        os.environ["KIWOOM_CODEGEN_CACHE"] = "off"
        assert main(["generate", str(SPECS), "--out", str(root / "reference")]) == 0
        reference = _tree(root / "reference")
        os.environ["KIWOOM_CODEGEN_CACHE"] = str(root / "snapshot")
        assert main(["generate", str(SPECS), "--out", str(root / "first")]) == 0
        assert _tree(root / "first") == reference
    finally:
        if env is None:
            os.environ.pop("KIWOOM_CODEGEN_CACHE", None)
        else:
            os.environ["KIWOOM_CODEGEN_CACHE"] = env
    yield root / "snapshot", reference


def _entries(snapshot: Path) -> list[str]:
    """The entries, relative to the layout folder: KIND/xx/KEY."""
    return sorted(
        p.relative_to(snapshot / cache.LAYOUT).as_posix()
        for p in snapshot.rglob("*")
        if p.is_file()
    )


@pytest.mark.slow
def test_the_snapshot_holds_every_kind_of_entry(primed: tuple[Path, dict[str, bytes]]) -> None:
    kinds = {rel.split("/")[0] for rel in _entries(primed[0])}
    assert kinds >= {"black", "datamodel-codegen", "sheet-rows"} | JSON_KINDS


@pytest.mark.slow  # ~70 generate runs
def test_every_damaged_entry_is_recomputed_with_one_warning(
    primed: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    snapshot, reference = primed
    live = tmp_path / "cache"
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(live))
    tried = 0
    for rel in _entries(snapshot):
        kind = rel.split("/")[0]
        for name, damage in DAMAGE.items():
            if name == "other JSON" and kind not in JSON_KINDS and kind != "sheet-rows":
                continue
            _restore(snapshot, live)
            if kind in BEHIND_GROUP_MODULES:
                shutil.rmtree(live / cache.LAYOUT / "group-files")  # so that it is read
            damage(live / cache.LAYOUT / rel, tmp_path)
            out = tmp_path / f"out-{tried}"
            code, _, err = _run(["generate", str(SPECS), "--out", str(out)], capfd)
            warnings = [line for line in err.splitlines() if line.startswith("warning: cache:")]
            assert code == 0, (rel, name, err)
            assert len(warnings) == 1, (rel, name, err)
            assert rel.split("/")[-1][:12] in warnings[0] or name == "symlink", warnings
            assert _tree(out) == reference, (rel, name)
            # the damaged entry was replaced by a good one (a link is not written through)
            again = _run(["generate", str(SPECS), "--out", str(tmp_path / f"again-{tried}")], capfd)
            assert "warning: cache:" not in again[2], (rel, name, again[2])
            tried += 1
    assert tried >= 3 * len(_entries(snapshot))


@pytest.mark.slow
def test_a_linked_cache_folder_is_refused_and_never_written_through(
    primed: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    snapshot, reference = primed
    live = tmp_path / "cache"
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(live))
    for kind in sorted({rel.split("/")[0] for rel in _entries(snapshot)}):
        _restore(snapshot, live)
        if kind in BEHIND_GROUP_MODULES:
            shutil.rmtree(live / cache.LAYOUT / "group-files")
        target = tmp_path / f"target-{kind}"
        shutil.move(live / cache.LAYOUT / kind, target)
        (live / cache.LAYOUT / kind).symlink_to(target, target_is_directory=True)
        before = _tree(target)
        out = tmp_path / f"out-{kind}"
        code, _, err = _run(["generate", str(SPECS), "--out", str(out)], capfd)
        warnings = [line for line in err.splitlines() if line.startswith("warning: cache:")]
        assert code == 0 and len(warnings) == 1 and "symbolic link" in warnings[0], (kind, err)
        assert _tree(out) == reference
        assert _tree(target) == before  # nothing written through the link


@pytest.mark.slow
def test_an_entry_stored_under_another_key_is_refused(
    primed: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Two entries of one kind swapped: each checksum holds, the key in it does not."""
    snapshot, reference = primed
    live = tmp_path / "cache"
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(live))
    _restore(snapshot, live)
    first, second = sorted(p for p in (live / cache.LAYOUT / "black").rglob("*") if p.is_file())[:2]
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)
    code, _, err = _run(["generate", str(SPECS), "--out", str(tmp_path / "out")], capfd)
    assert code == 0
    assert sum(line.startswith("warning: cache:") for line in err.splitlines()) == 2
    assert _tree(tmp_path / "out") == reference


@pytest.mark.slow
def test_check_no_cache_reads_and_writes_no_cache(
    primed: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A cache whose entries were all replaced by well-formed lies does not reach
    ``check --no-cache``: it renders from the specs and finds the output stale."""
    snapshot, _ = primed
    live = tmp_path / "cache"
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(live))
    _restore(snapshot, live)
    out = tmp_path / "out"
    assert _run(["generate", str(SPECS), "--out", str(out)], capfd)[0] == 0
    models = next(out.rglob("models/credit_orders.py"))
    lie = models.read_bytes() + b"import os  # not from the spec\n"
    pkg = "python/kiwoom_client"
    lying_group = {  # a group's files as the cache holds them: one JSON object
        f"{pkg}/models/credit_orders.py": lie.decode("utf-8"),
        f"{pkg}/resources/credit_orders.py": lie.decode("utf-8"),
    }
    for entry in (live / cache.LAYOUT / "group-files").rglob("*"):
        if entry.is_file():
            _rewrite_with_valid_trailer(entry, json.dumps(lying_group).encode("utf-8"))
    shutil.rmtree(live / cache.LAYOUT / "current-inputs")
    shutil.rmtree(live / cache.LAYOUT / "current-manifest")
    models.write_bytes(lie)  # the output agrees with the lying cache
    listing = {p: p.stat().st_mtime_ns for p in live.rglob("*")}
    code, stdout, _ = _run(["check", str(SPECS), "--out", str(out), "--no-cache"], capfd)
    assert code == 1 and "stale:" in stdout and "credit_orders.py" in stdout
    assert {p: p.stat().st_mtime_ns for p in live.rglob("*")} == listing  # nothing written


@pytest.mark.slow
def test_check_reports_an_unowned_module_that_shadows_one_of_the_package(
    primed: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    _restore(primed[0], tmp_path / "cache")
    out = tmp_path / "out"
    assert _run(["generate", str(SPECS), "--out", str(out)], capfd)[0] == 0
    manifest = json.loads((out / ".kiwoom-codegen.json").read_text(encoding="utf-8"))
    client = next(rel for rel in manifest["files"] if rel.endswith("/_base_client.py"))
    shadow = out / client.removesuffix(".py") / "__init__.py"
    shadow.parent.mkdir()
    shadow.write_text("raise SystemExit('not the generated client')\n")
    (out / "NOTES.md").write_text("mine, outside the package: ignored\n")
    for argv in (["check"], ["check", "--no-cache"]):
        code, stdout, _ = _run([*argv, str(SPECS), "--out", str(out)], capfd)
        assert code == 1, stdout
        assert "1 unowned in the package" in stdout
        assert f"unowned: {out}/{client.removesuffix('.py')}/__init__.py" in stdout
        assert "NOTES.md" not in stdout
    code, _, err = _run(["generate", str(SPECS), "--out", str(out)], capfd)
    assert code == 0 and "is inside the generated package but not the generator's" in err
    assert shadow.exists()  # never touched: it is not the generator's
    shadow.unlink()
    shadow.parent.rmdir()
    assert _run(["check", str(SPECS), "--out", str(out)], capfd)[0] == 0
