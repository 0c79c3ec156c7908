"""Atomic output: replace the generated tree in one step, never touching files it does not own.

The generator owns exactly the files listed in the output's manifest (``.kiwoom-codegen.json``,
written by :mod:`kiwoom_codegen.regen.generate`) plus the manifest itself and whatever it is
about to write.
Everything else in the output directory (a user's notes, ``python/CHANGELOG.md``, caches of a
virtual environment) is carried over byte for byte; a file the generator does not own is never
overwritten (unless the user asks it to adopt the directory).

``write_tree`` takes the output's lock, settles what an interrupted run left, builds the complete
new tree beside the target (same parent, so the same file system), then swaps it in with two
renames (:mod:`kiwoom_codegen.regen.swap`: a kill at any moment is recovered by the next run
or ``check``).
On any exception or KeyboardInterrupt before the swap completes, the target is left exactly as it
was and the working directory is removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..escape import json_text
from . import swap
from .swap import OutputError as OutputError
from .swap import describe_os_error, is_environment_error

MANIFEST_NAME = ".kiwoom-codegen.json"
MANIFEST_FORMAT = 1
_CACHE_DIR = "__pycache__"


@dataclass
class WriteResult:
    out_dir: Path
    written: list[str] = field(default_factory=list)  # new or changed files (owned or not)
    removed: list[str] = field(default_factory=list)  # owned before, not produced now
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)  # warnings for the user

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


# --- paths and the manifest -----------------------------------------------------------------


def check_relpath(path: str) -> str:
    """A relative path with forward slashes and no `.`/`..` parts, or ValueError."""
    if not isinstance(path, str) or not path:
        raise ValueError(f"output path must be a non-empty string, got {path!r}")
    parts = path.split("/")
    if (
        "\\" in path
        or path.startswith("/")
        or PurePosixPath(path).is_absolute()
        or ":" in parts[0]
        or any(p in ("", ".", "..") for p in parts)
        or "\0" in path
    ):
        raise ValueError(f"output path must be relative, with / and no . or .. parts: {path!r}")
    return path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(files: Mapping[str, bytes], info: Mapping[str, Any]) -> bytes:
    """The manifest: every owned file (except itself) with its sha256, plus ``info``.

    Sorted keys, two-space indent, no timestamps: the same inputs give the same bytes.
    """
    doc: dict[str, Any] = dict(info)
    doc["format"] = MANIFEST_FORMAT
    doc["files"] = {p: sha256(files[p]) for p in sorted(files) if p != MANIFEST_NAME}
    return (json_text(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    """The manifest of an output directory, or None when absent or unreadable."""
    try:
        doc = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("files"), dict) else None


def owned_paths(out_dir: Path) -> tuple[set[str], bool]:
    """Paths the old manifest lists (always including the manifest), and whether it was readable."""
    doc = read_manifest(out_dir)
    owned = {MANIFEST_NAME}
    if doc is None:
        return owned, not (out_dir / MANIFEST_NAME).exists()
    for path in doc["files"]:
        try:
            owned.add(check_relpath(path))
        except ValueError:
            continue  # never let a damaged manifest reach outside the output directory
    return owned, True


# --- comparing -------------------------------------------------------------------------------


def linked_ancestor(out_dir: Path, rel: str) -> str | None:
    """The first proper ancestor of ``rel`` inside ``out_dir`` that is a symbolic link, if any:
    a file below it would be read or written through the link, somewhere else."""
    parts = rel.split("/")
    for i in range(1, len(parts)):
        prefix = "/".join(parts[:i])
        if (out_dir / prefix).is_symlink():
            return prefix
    return None


def _read_bytes(out_dir: Path, rel: str) -> bytes | None:
    path = out_dir / rel
    try:
        if path.is_symlink() or not path.is_file() or linked_ancestor(out_dir, rel):
            return None
        return path.read_bytes()
    except OSError:
        return None


def compare_tree(
    out_dir: Path, files: Mapping[str, bytes]
) -> tuple[list[str], list[str], list[str]]:
    """(stale, missing, extra), each sorted.

    stale: produced and on disk with other bytes; missing: produced, not on disk; extra: owned
    per the manifest on disk but no longer produced. Files the generator does not own are ignored.
    """
    stale: list[str] = []
    missing: list[str] = []
    for rel in sorted(files):
        current = _read_bytes(out_dir, rel)
        if current is None:
            missing.append(rel)
        elif current != files[rel]:
            stale.append(rel)
    owned, _ = owned_paths(out_dir)
    extra = sorted(
        rel
        for rel in owned - set(files)
        if (out_dir / rel).is_file() or (out_dir / rel).is_symlink()
    )
    return stale, missing, extra


def unowned_in_packages(out_dir: Path, owned: set[str]) -> list[str]:
    """Files inside the generated Python packages that the manifest does not list, sorted.

    A package folder is one that holds an owned ``__init__.py``. Anything else in it or below
    it (``__pycache__`` aside) is not the generator's, yet is imported with the package: a
    ``kiwoom_client/_base_client/`` folder shadows ``_base_client.py``. Symbolic links count as
    files.
    """
    packages = sorted(
        rel.rsplit("/", 1)[0] for rel in owned if rel.endswith("/__init__.py") and "/" in rel
    )
    found: set[str] = set()
    for package in packages:
        root = out_dir / package
        if root.is_symlink() or not root.is_dir():
            continue
        for folder, dirs, names in os.walk(root):  # does not follow links
            base = Path(folder).relative_to(out_dir).as_posix()
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for d in dirs:
                if (Path(folder) / d).is_symlink():
                    names.append(d)
            for name in names:
                rel = f"{base}/{name}"
                if rel not in owned:
                    found.add(rel)
    return sorted(found)


# --- writing ---------------------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_file(path: Path, data: bytes, mode: int) -> None:
    """Create a new file in the staging tree; never follows a symlink (the tree is ours, but a
    carried-over link must not redirect a write)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _carry(src: Path, dst: Path) -> None:
    """Put an unowned entry of the old tree into the new one, unchanged."""
    st = src.lstat()
    dst.parent.mkdir(parents=True, exist_ok=True)
    if stat.S_ISLNK(st.st_mode):
        os.symlink(os.readlink(src), dst)
    elif stat.S_ISREG(st.st_mode):
        try:
            os.link(src, dst, follow_symlinks=False)  # instant, and every byte and bit kept
        except OSError:
            shutil.copy2(src, dst, follow_symlinks=False)
    elif stat.S_ISDIR(st.st_mode):
        dst.mkdir(exist_ok=True)
    else:
        raise OutputError(f"{src}: not a regular file, directory or symlink; cannot carry it over")


def _plan_carry(out_dir: Path, skip: set[str], produced: set[str]) -> list[str]:
    """Relative paths of the old tree to carry over: every file and symlink not in ``skip`` and
    every empty directory. A ``__pycache__`` is kept only where its directory still holds
    something else, so the cache of a removed module does not keep its package directory alive."""
    entries: list[str] = []
    for root, dirs, names in os.walk(out_dir, followlinks=False):
        rel_root = Path(root).relative_to(out_dir).as_posix()
        prefix = "" if rel_root == "." else rel_root + "/"
        linked_dirs = [d for d in dirs if (Path(root) / d).is_symlink()]
        for name in sorted(names + linked_dirs):
            rel = prefix + name
            if rel not in skip:
                entries.append(rel)
        dirs[:] = sorted(d for d in dirs if d not in linked_dirs)
        if not dirs and not names and prefix:
            entries.append(rel_root)  # an empty directory: someone made it, keep it
    alive = {""}
    for rel in sorted(produced) + [e for e in entries if _CACHE_DIR not in e.split("/")]:
        parts = rel.split("/")
        alive.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    kept: list[str] = []
    for rel in entries:
        parts = rel.split("/")
        if _CACHE_DIR in parts and "/".join(parts[: parts.index(_CACHE_DIR)]) not in alive:
            continue
        kept.append(rel)
    return kept


def _copy_dir_modes(old: Path, new: Path, default: int) -> None:
    for root, dirs, _ in os.walk(new):
        for d in [root, *(os.path.join(root, x) for x in dirs)]:
            rel = Path(d).relative_to(new)
            before = old / rel
            try:
                if before.is_dir() and not before.is_symlink():
                    shutil.copymode(before, d)
                elif Path(d) == new:
                    os.chmod(d, default)
            except OSError:
                pass


def _refuse_unsafe(
    target: Path,
    out_dir: Path,
    produced: set[str],
    owned: set[str],
    readable: bool,
    files: Mapping[str, bytes],
    adopt: bool,
) -> None:
    """OutputError when writing would go through a symlink or overwrite a user's file."""
    for rel in sorted(produced):
        link = linked_ancestor(target, rel)
        if link is not None:
            raise OutputError(
                f"{out_dir / link}: is a symbolic link; generate never writes through links "
                f"(the files would land outside {out_dir}): replace it with a real directory"
            )
    if adopt or not target.is_dir():
        return
    if not os.path.lexists(target / MANIFEST_NAME) and any(target.iterdir()):
        raise OutputError(
            f"{out_dir}: is not empty and has no {MANIFEST_NAME}, so kiwoom-codegen did not "
            "write it; choose a new or empty directory, or pass --adopt to generate into it "
            "(files at generated paths are then overwritten and owned by the generator)"
        )
    clashes = [
        rel
        for rel in sorted(produced)
        if rel in files
        and rel not in owned
        and os.path.lexists(target / rel)
        and _read_bytes(target, rel) != files[rel]
    ]
    if clashes:
        shown = ", ".join(str(out_dir / rel) for rel in clashes[:3])
        more = f" and {len(clashes) - 3} more" if len(clashes) > 3 else ""
        why = "" if readable else f" ({MANIFEST_NAME} is unreadable, so it owns nothing)"
        raise OutputError(
            f"{shown}{more}: the generator does not own this (not in {MANIFEST_NAME}){why} and "
            "would overwrite it; move it away, or pass --adopt to let the generator own it"
        )


def settle(out_dir: Path) -> list[str]:
    """Settle what an interrupted run left beside ``out_dir`` (under the lock); notes for the
    user. Nothing to do (and nothing written, not even the lock) when nothing was left."""
    target = Path(os.path.realpath(out_dir))
    if not swap.pending(target):
        return []
    try:
        with swap.locked(target, out_dir):
            return swap.recover(target)
    except OSError as exc:
        if is_environment_error(exc):
            raise OutputError(describe_os_error(exc)) from exc
        raise


def write_tree(
    out_dir: Path,
    files: Mapping[str, bytes],
    *,
    unowned: Mapping[str, bytes] | None = None,
    adopt: bool = False,
) -> WriteResult:
    """Make ``out_dir`` hold exactly ``files`` plus everything the generator does not own.

    ``unowned`` files (e.g. the package's CHANGELOG.md) are written in the same swap but are not
    owned: a later run carries them over. ``adopt`` allows a directory that kiwoom-codegen did not
    write, and lets produced files replace files it does not own. Raises OutputError for a clash
    the user must fix, a lock held by another run, or an environment error (permissions, a full
    or read-only disk); the target is unchanged whenever this raises or is interrupted.
    """
    extra_files = dict(unowned or {})
    for rel in list(files) + list(extra_files):
        check_relpath(rel)
    clash = set(files) & set(extra_files)
    if clash:
        raise ValueError(f"paths both owned and unowned: {sorted(clash)}")
    target = Path(os.path.realpath(out_dir))
    if target.exists() and not target.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a directory")
    here = Path(os.getcwd()).resolve()
    if target == here or target in here.parents:
        raise OutputError(
            f"{out_dir}: is the working directory or holds it; the output needs a directory of "
            "its own (e.g. generated/)"
        )
    try:
        if not swap.pending(target):
            # Up to date: nothing to write, so no lock either (a read-only checkout that is up
            # to date passes). Anything else is decided again under the lock.
            planned = _plan(target, out_dir, files, extra_files, adopt)
            if not planned.changed:
                planned.notes += unowned_notes(target, out_dir, set(files))
                return planned
        target.parent.mkdir(parents=True, exist_ok=True)
        with swap.locked(target, out_dir):
            notes = swap.recover(target)
            result = _write_locked(target, out_dir, files, extra_files, adopt)
    except OSError as exc:
        if is_environment_error(exc):
            raise OutputError(f"{describe_os_error(exc)}; {out_dir} is unchanged") from exc
        raise
    result.notes[:0] = notes
    result.notes += unowned_notes(target, out_dir, set(files))
    return result


def unowned_notes(target: Path, out_dir: Path, produced: set[str]) -> list[str]:
    """A warning per file inside a generated package that the generator does not own."""
    return [
        f"{out_dir / rel} is inside the generated package but not the generator's (not in "
        f"{MANIFEST_NAME}); it is imported with the package: remove it"
        for rel in unowned_in_packages(target, produced | {MANIFEST_NAME})
    ]


def _plan(
    target: Path,
    out_dir: Path,
    files: Mapping[str, bytes],
    extra_files: Mapping[str, bytes],
    adopt: bool,
) -> WriteResult:
    """What writing would change (nothing is written); OutputError when it must not happen."""
    result = WriteResult(out_dir=out_dir)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a directory")
    owned, readable = owned_paths(target)
    if not readable:
        result.notes.append(
            f"{out_dir / MANIFEST_NAME} is unreadable: files of removed APIs, if any, were kept"
        )
    produced = set(files) | set(extra_files)
    _refuse_unsafe(target, out_dir, produced, owned, readable, files, adopt)
    stale, missing, extra = compare_tree(target, files)
    for rel, data in sorted(extra_files.items()):
        if _read_bytes(target, rel) != data:
            stale.append(rel)
    result.written = sorted(stale + missing)
    result.removed = [rel for rel in extra if rel not in extra_files]
    result.unchanged = len(files) + len(extra_files) - len(result.written)
    return result


def _write_locked(
    target: Path,
    out_dir: Path,
    files: Mapping[str, bytes],
    extra_files: Mapping[str, bytes],
    adopt: bool,
) -> WriteResult:
    result = _plan(target, out_dir, files, extra_files, adopt)
    if not result.changed:
        return result  # nothing to do: leave every file (and its mtime) alone
    produced = set(files) | set(extra_files)
    owned, _ = owned_paths(target)
    mask = _umask()
    j = swap.begin(target)
    staging = j / "new"
    try:
        if target.is_dir():
            for rel in _plan_carry(target, produced | owned, produced):
                _carry(target / rel, staging / rel)
        for rel, data in sorted({**files, **extra_files}.items()):
            try:
                _write_file(staging / rel, data, 0o666 & ~mask)
            except (FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
                raise OutputError(
                    f"{out_dir / rel}: clashes with a file or directory the generator does not "
                    f"own ({exc.strerror}); move it away"
                ) from exc
            except OSError as exc:
                if exc.filename is None:
                    exc.filename = os.fspath(out_dir / rel)
                raise
        _copy_dir_modes(target, staging, 0o777 & ~mask)
        swap.swap(target, j)
    except BaseException:
        if not os.path.lexists(j / "old"):  # else the swap failed halfway: recover() settles it
            swap.discard(j)
        raise
    if not swap.discard(j):
        result.notes.append(f"could not remove the previous tree kept in {j}")
    return result
