"""The output directory's lock and its recoverable two-step swap.

Beside the output directory ``T`` (in its parent ``P``, so on the same file system) a run uses:

- ``P/.T.lock``: locked with ``flock`` for the whole run, so two runs never write ``T`` at once.
  The kernel releases the lock when its process dies, so a killed run never leaves a lock that
  blocks the next one. The file holds the pid of the run (for the message another run prints).
- ``P/.T.swap-XXXXXXXX/``: the run's working directory: ``journal.json`` (which tool made it and
  for which target), ``new/`` (the complete new tree, built first), ``old/`` (where ``T`` goes
  during the swap) and ``trash/`` (``old/`` on its way out).

The swap is ``rename(T, J/old)`` then ``rename(J/new, T)``; then ``J`` is removed (``old/`` is
first renamed to ``trash/``, so that ``old/`` always holds a complete tree). A kill at any moment
leaves one of these states, and :func:`recover` (run under the lock by the next ``generate`` or
``check``) settles each:

===========================  ===============================  ==================================
state                        meaning                          recovery
===========================  ===============================  ==================================
``new/`` only                killed while staging             remove ``J`` (``T`` is untouched)
``new/`` + ``old/``, no T    killed between the two renames   put ``old/`` back as ``T`` (roll
                                                              back: the run never finished)
``old/`` + T, no ``new/``    killed after the swap            remove ``J`` (``T`` is the new tree)
``trash/`` or nothing        killed while cleaning up         remove ``J``
``new/`` + ``old/`` + T      someone made a new ``T`` by hand keep ``J``, say where the old tree is
===========================  ===============================  ==================================

So at no moment is the user's output lost: it is in ``T`` or, between the renames, in ``J/old``.
Only directories that are certainly ours are removed: the exact name pattern, a real directory
(not a symlink) and a ``journal.json`` naming this tool and this target. Directories left by
versions before this scheme (``.T.new-*``, ``.T.old-*``) are never deleted; a lost ``T`` is put
back from ``.T.old-*/tree`` when that holds a generated tree.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

TOOL = "kiwoom-codegen"
JOURNAL = "journal.json"
JOURNAL_FORMAT = 1
_MAX_JOURNAL_BYTES = 4096


class OutputError(Exception):
    """The output directory cannot be written as asked (a path clash, a lock held by another run,
    a read-only or full disk...). Shown to the user as one line; the output is left unchanged."""


# Environment errors: the machine, not the specs or the generator, is the problem.
ENVIRONMENT_ERRNOS = frozenset(
    getattr(errno, name)
    for name in (
        "EACCES",
        "EPERM",
        "EROFS",
        "ENOSPC",
        "EDQUOT",
        "EIO",
        "EMFILE",
        "ENFILE",
        "ENAMETOOLONG",
        "ELOOP",
        "EBUSY",
        "ETXTBSY",
        "EFBIG",
        "EMLINK",
        "ENOTDIR",
        "EISDIR",
        "EEXIST",
        "ENOTEMPTY",
        "EXDEV",
        "ESTALE",
    )
    if hasattr(errno, name)
)


def is_environment_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRNOS


def describe_os_error(exc: OSError, fallback: Path | str | None = None) -> str:
    """``path: reason (ENAME)``, one line, for an OSError."""
    where = exc.filename if exc.filename is not None else fallback
    reason = exc.strerror or str(exc)
    code = errno.errorcode.get(exc.errno or 0, "")
    text = f"{os.fsdecode(where)}: {reason}" if where is not None else reason
    return f"{text} ({code})" if code else text


def lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


def _swap_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(target.name)}\.swap-[A-Za-z0-9_]{{8}}")


def _legacy_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(target.name)}\.(new|old)-[A-Za-z0-9_]{{8}}")


# --- the lock --------------------------------------------------------------------------------


def _holder_pid(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return "unknown"
    return text if text.isdigit() else "unknown"


@contextmanager
def locked(target: Path, shown: Path) -> Iterator[None]:
    """Hold the output's lock; OutputError at once when another run holds it.

    The lock file is removed on release. A run that opened it just before that checks, once it
    has the lock, that the path still names the file it locked, and starts over otherwise.
    """
    path = lock_path(target)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder_pid(fd)
            os.close(fd)
            raise OutputError(
                f"{shown}: another {TOOL} run (pid {pid}) is writing it (lock {path}); "
                "run again when it has finished"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            current = os.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            current = None
        if current is not None and os.path.samestat(os.fstat(fd), current):
            break
        os.close(fd)  # the previous holder removed it after we opened it: take the new one
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
        os.close(fd)


# --- the journal directory -------------------------------------------------------------------


def begin(target: Path) -> Path:
    """A new working directory J beside ``target`` with its journal and an empty ``new/``."""
    j = Path(tempfile.mkdtemp(prefix=f".{target.name}.swap-", dir=target.parent))
    journal = {
        "format": JOURNAL_FORMAT,
        "generator": TOOL,
        "pid": os.getpid(),
        "target": target.name,
    }
    fd = os.open(j / JOURNAL, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(journal, fh, sort_keys=True)
    (j / "new").mkdir()
    return j


def _is_ours(j: Path, target: Path) -> bool:
    """J is a real directory holding a journal that names this tool and this target."""
    try:
        st = os.lstat(j)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
            return False
        jst = os.lstat(j / JOURNAL)
        if not stat.S_ISREG(jst.st_mode) or jst.st_size > _MAX_JOURNAL_BYTES:
            return False
        doc = json.loads((j / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(doc, dict) and doc.get("generator") == TOOL and doc.get("target") == target.name
    )


def discard(j: Path) -> bool:
    """Remove a working directory, the journal last (so a half-removed J is still recognised).
    True when it is gone."""
    old, trash = j / "old", j / "trash"
    try:
        if os.path.lexists(old):
            os.rename(old, trash)
        for part in (trash, j / "new"):
            if os.path.lexists(part):
                shutil.rmtree(part)
        os.unlink(j / JOURNAL)
        os.rmdir(j)
    except OSError:
        return False
    return True


class _HeldInterrupts:
    """Hold Ctrl-C back for the few system calls of the swap (main thread only).

    An interrupt that arrives during it is dropped once the swap has completed (the work is done
    and the command ends right after).
    """

    def __init__(self) -> None:
        self.received = False
        self._previous: Any = None
        self._active = threading.current_thread() is threading.main_thread()

    def _hold(self, signum: int, frame: FrameType | None) -> None:
        self.received = True

    def __enter__(self) -> _HeldInterrupts:
        if self._active:
            self._previous = signal.signal(signal.SIGINT, self._hold)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._active:
            signal.signal(signal.SIGINT, self._previous)


def swap(target: Path, j: Path) -> None:
    """Put ``J/new`` in place of ``target`` (which may not exist yet). On an exception the old
    tree is put back; if even that fails, OutputError says where it is (and :func:`recover`
    puts it back on the next run)."""
    with _HeldInterrupts():
        had_old = os.path.lexists(target)
        if had_old:
            os.rename(target, j / "old")
        try:
            os.rename(j / "new", target)
        except BaseException as exc:
            if had_old:
                try:
                    os.rename(j / "old", target)
                except OSError as again:
                    raise OutputError(
                        f"{describe_os_error(again)}; the previous output is kept in {j / 'old'}, "
                        f"and the next `{TOOL} generate` or `check` puts it back"
                    ) from exc
            raise


# --- recovery --------------------------------------------------------------------------------


def _entries(parent: Path) -> list[str]:
    try:
        return sorted(os.listdir(parent))
    except FileNotFoundError:
        return []


def pending(target: Path) -> bool:
    """Whether an interrupted run left something beside ``target`` to settle: a working
    directory, or (``target`` being gone) an old tree an earlier version moved away."""
    swaps, legacy = _swap_pattern(target), _legacy_pattern(target)
    lost = not os.path.lexists(target)
    for name in _entries(target.parent):
        if swaps.fullmatch(name):
            return True
        m = legacy.fullmatch(name)
        if lost and m is not None and m.group(1) == "old":
            return True
    return False


def recover(target: Path) -> list[str]:
    """Settle what interrupted runs left beside ``target`` (see the module docstring). Call with
    the lock held. Returns notes for the user."""
    notes: list[str] = []
    pattern = _swap_pattern(target)
    for name in _entries(target.parent):
        j = target.parent / name
        if not pattern.fullmatch(name) or not _is_ours(j, target):
            continue
        old, new = j / "old", j / "new"
        if os.path.lexists(old) and not os.path.lexists(target):
            os.rename(old, target)
            notes.append(f"{target}: put the previous output back from {j} (a run was interrupted)")
        if os.path.lexists(old) and os.path.lexists(new):
            notes.append(
                f"{j}: an interrupted run left the previous output in {old}, but {target} exists "
                f"now; compare them and remove {j} yourself"
            )
            continue
        if discard(j):
            notes.append(f"removed {j}, left by an interrupted run")
        else:
            notes.append(f"could not remove {j}, left by an interrupted run")
    notes.extend(_legacy(target))
    return notes


def _legacy(target: Path) -> list[str]:
    """Directories left by versions before the journal: never deleted; a lost target is put
    back from a complete old tree (it holds the manifest)."""
    notes: list[str] = []
    pattern = _legacy_pattern(target)
    for name in _entries(target.parent):
        m = pattern.fullmatch(name)
        d = target.parent / name
        if m is None or not d.is_dir() or d.is_symlink():
            continue
        tree = d / "tree"
        if (
            m.group(1) == "old"
            and not os.path.lexists(target)
            and tree.is_dir()
            and not tree.is_symlink()
            and (tree / ".kiwoom-codegen.json").is_file()
        ):
            os.rename(tree, target)
            notes.append(f"{target}: put the previous output back from {d}")
        notes.append(f"{d} was left by an interrupted run of an earlier version; remove it")
    return notes
