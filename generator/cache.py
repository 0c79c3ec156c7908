"""A content-addressed cache for the slow, pure steps: black, datamodel-code-generator, reading.

Each is a deterministic function of its input and the pinned versions, so its result
can be kept under a hash of exactly that: the output is byte-identical with or without the
cache, and a changed input or tool version simply misses. It makes ``check`` and repeated
``generate`` runs on a full-size workbook fast (black is ~70% of a cold run).

Location: ``$KIWOOM_CODEGEN_CACHE``, else ``$XDG_CACHE_HOME/kiwoom-codegen``, else
``~/.cache/kiwoom-codegen``. ``KIWOOM_CODEGEN_CACHE=off`` (or ``--no-cache``) disables it.
Deleting the directory is always safe. A cache that cannot be read or written is ignored.

**An entry cannot lie by accident.** Each entry ends with a trailer that holds the hash of the
key it was written for (the inputs it stands for) and the sha256 of its content. An entry whose
trailer is missing, malformed or does not match (empty, truncated, overwritten, moved under
another key), whose text is not UTF-8, or whose JSON is not of the shape its reader expects, is
discarded with one ``warning: cache: ...`` line on stderr and recomputed: the output is then
byte-identical to an uncached run. Writes go to a temporary file in the entry's folder, are
fsynced, then renamed over the entry (and the folder fsynced): a crash leaves the old entry or
the new one, never half of one. Symbolic links are refused: the cache folder, the folders
below it and the entries must be real; a link is reported once and the entry is not used.
What a checksum cannot stop is someone who can write to the cache and recomputes the trailer:
``check --no-cache`` (what the project's CI runs) renders from the specs alone.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

PACKAGE_ROOT = Path(__file__).resolve().parent
CODE_SUFFIXES = (".py", ".jinja", ".typed", ".toml")  # .toml: the shipped data tables
DISABLE_ENV = "KIWOOM_CODEGEN_CACHE"
_OFF = ("off", "0", "no", "false")

# The trailer: b"\n#kiwoom-codegen-cache 1 " + key digest (64 hex) + b" " + content sha256
# (64 hex) + b"\n". Fixed length, so it is found from the end whatever the content holds.
_MAGIC = b"\n#kiwoom-codegen-cache 1 "
_TRAILER_LEN = len(_MAGIC) + 64 + 1 + 64 + 1
_HEX = frozenset(b"0123456789abcdef")

# Entries of this format live in their own folder: those of earlier generators (no trailer)
# are never read, so an upgrade does not warn about them.
LAYOUT = "v2"

_warned: set[str] = set()


def disable() -> None:
    """Turn the cache off for this process and the worker processes it starts."""
    os.environ[DISABLE_ENV] = "off"


def cache_dir() -> Path | None:
    setting = os.environ.get(DISABLE_ENV, "")
    if setting.lower() in _OFF:
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kiwoom-codegen"


def _warn(where: str, reason: str) -> None:
    """One line per entry and process: what was wrong, and that it does not matter."""
    if where in _warned:
        return
    _warned.add(where)
    if "refused" not in reason:
        reason += "; discarded and recomputed"
    print(f"warning: cache: {where} {reason}", file=sys.stderr)


def _digest(kind: str, key_parts: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for part in (kind, *key_parts):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))  # unambiguous framing of the parts
        digest.update(data)
    return digest.hexdigest()


def _entry(kind: str, key_parts: tuple[str, ...]) -> tuple[Path, str] | None:
    directory = cache_dir()
    if directory is None or not _vet(directory):
        return None
    key = _digest(kind, key_parts)
    return directory / LAYOUT / kind / key[:2] / key, key


_vetted: dict[Path, bool] = {}


def _vet(root: Path) -> bool:
    """Once per process and cache folder, before any entry is used: the folders below the cache
    folder that are symbolic links are removed (the links, not what they point to), each with
    one warning; a cache folder that is itself a link turns the cache off for the run. (The
    worker processes of a run start after the first entry was used, and find it clean.)"""
    known = _vetted.get(root)
    if known is not None:
        return known
    ok = not root.is_symlink()
    if not ok:
        _warn(f"folder {root}", "is a symbolic link (refused: the cache is off for this run)")
    else:
        try:
            layout = root / LAYOUT
            if layout.is_symlink():
                _warn(f"folder {layout}", "is a symbolic link (refused, link removed)")
                _discard(layout)
            for kind in sorted(layout.iterdir()) if layout.is_dir() else []:
                folders = [kind]
                if not kind.is_symlink() and kind.is_dir():
                    folders += sorted(kind.iterdir())
                for folder in folders:
                    if folder.is_symlink():
                        _warn(f"folder {folder}", "is a symbolic link (refused, link removed)")
                        _discard(folder)
        except OSError:
            pass
    _vetted[root] = ok
    return ok


def _linked(path: Path) -> Path | None:
    """The first of the cache folder and the folders from it down to ``path``'s parent that is
    a symbolic link (or not a folder), if any."""
    root = cache_dir()
    if root is None:
        return None
    current = root
    chain = [root]
    for part in path.parent.relative_to(root).parts:
        current = current / part
        chain.append(current)
    for folder in chain:
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            return None  # nothing below exists yet
        except OSError:
            return folder
        if not stat.S_ISDIR(mode):
            return folder
    return None


def _label(path: Path) -> str:
    root = cache_dir()
    try:
        if root is None:
            return str(path)
        return f"entry {path.relative_to(root / LAYOUT).as_posix()}"
    except ValueError:
        return f"entry {path}"


def _discard(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _trailer(key: str, content_hash: str) -> bytes:
    return _MAGIC + key.encode("ascii") + b" " + content_hash.encode("ascii") + b"\n"


def _verified(data: bytes, key: str) -> str | None:
    """The content of an entry's bytes when its trailer holds ``key`` and the content's hash,
    else None."""
    if len(data) < _TRAILER_LEN:
        return None
    body, trailer = data[:-_TRAILER_LEN], data[-_TRAILER_LEN:]
    if not trailer.startswith(_MAGIC) or not trailer.endswith(b"\n"):
        return None
    fields = trailer[len(_MAGIC) : -1].split(b" ")
    if len(fields) != 2 or not all(len(f) == 64 and set(f) <= _HEX for f in fields):
        return None
    if fields[0] != key.encode("ascii"):
        return None
    if hashlib.sha256(body).hexdigest().encode("ascii") != fields[1]:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def load_text(kind: str, key_parts: tuple[str, ...]) -> str | None:
    """The text stored for exactly ``kind`` and ``key_parts``, or None (a miss, or an entry
    that failed its check: then it is discarded, with one warning)."""
    found = _entry(kind, key_parts)
    if found is None:
        return None
    path, key = found
    linked = _linked(path)
    if linked is not None:
        _warn(f"folder {linked}", "is a symbolic link or not a folder (refused)")
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            _warn(_label(path), "is a symbolic link (refused)")
            _discard(path)
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                _warn(_label(path), "is not a regular file")
                return None
            data = fh.read()
    except OSError:
        return None
    text = _verified(data, key)
    if text is None:
        reason = "is empty" if not data else "failed its checksum (truncated or altered)"
        _warn(_label(path), reason)
        _discard(path)
    return text


def load_json_map(kind: str, key_parts: tuple[str, ...]) -> dict[str, str]:
    """An entry that holds a JSON object of strings, or ``{}`` (a miss; or an entry of another
    shape, discarded with one warning)."""
    text = load_text(kind, key_parts)
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return value
    reject(kind, key_parts, "does not hold a JSON object of strings")
    return {}


def reject(kind: str, key_parts: tuple[str, ...], reason: str) -> None:
    """An entry that passed its checksum but not its reader's check: discarded, one warning."""
    found = _entry(kind, key_parts)
    if found is not None:
        _warn(_label(found[0]), reason)
        _discard(found[0])


def store_text(kind: str, key_parts: tuple[str, ...], text: str) -> None:
    writer = EntryWriter(kind, key_parts)
    writer.write(text)
    writer.commit()


def store_json_map(kind: str, key_parts: tuple[str, ...], value: dict[str, str]) -> None:
    store_text(kind, key_parts, json.dumps(value, ensure_ascii=False))


class EntryWriter:
    """An entry written piece by piece (nothing held in memory), visible once committed.

    Every failure to write only leaves the entry as it was: the cache never fails a run.
    """

    def __init__(self, kind: str, key_parts: tuple[str, ...]) -> None:
        found = _entry(kind, key_parts)
        self.path: Path | None = None
        self.key = ""
        self.tmp: str | None = None
        self.fh: Any = None
        self.hash = hashlib.sha256()
        if found is None:
            return
        self.path, self.key = found
        try:
            if _linked(self.path) is not None:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if _linked(self.path) is not None:  # a link made meanwhile
                return
            fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            self.fh = os.fdopen(fd, "wb")
        except OSError:
            self.discard()

    def write(self, text: str) -> None:
        if self.fh is None:
            return
        try:
            data = text.encode("utf-8")
            self.fh.write(data)
            self.hash.update(data)
        except (OSError, UnicodeEncodeError):
            self.discard()

    def commit(self) -> None:
        if self.fh is None or self.path is None or self.tmp is None:
            return
        try:
            self.fh.write(_trailer(self.key, self.hash.hexdigest()))
            self.fh.flush()
            os.fsync(self.fh.fileno())  # durable before it becomes visible
            self.fh.close()
            os.replace(self.tmp, self.path)  # readers see the whole entry or none
            _fsync_dir(self.path.parent)
        except OSError:
            self.discard()
        self.fh = self.tmp = None

    def discard(self) -> None:
        if self.fh is not None:
            try:
                self.fh.close()
            except OSError:
                pass
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
        self.fh = self.tmp = None


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def cached_text(kind: str, key_parts: tuple[str, ...], compute: Callable[[], str]) -> str:
    """``compute()``, or its earlier result for exactly the same ``kind`` and ``key_parts``."""
    found = load_text(kind, key_parts)
    if found is not None:
        return found
    result = compute()
    store_text(kind, key_parts, result)
    return result


@functools.cache
def code_fingerprint() -> str:
    """sha256 over the generator's own files (code, templates, runtime) and its pinned tools:
    part of the key of everything cached by what it renders, not only by a tool's input."""
    import importlib.metadata  # late: it costs the CLI's start-up ~30 ms

    digest = hashlib.sha256()
    for tool in ("black", "datamodel-code-generator", "jinja2", "pyyaml"):
        try:
            version = importlib.metadata.version(tool)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{tool}=={version}\n".encode())
    # The templates ship as kiwoom_codegen.templates; in an editable install they live outside
    # the package directory, so they are found the way the emitters find them.
    templates = Path(str(resources.files("kiwoom_codegen.templates")))
    for label, root in (("code", PACKAGE_ROOT), ("templates", templates)):
        for path in sorted(root.rglob("*")):
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                name = f"{label}/{path.relative_to(root).as_posix()}"
                digest.update(name.encode("utf-8") + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
