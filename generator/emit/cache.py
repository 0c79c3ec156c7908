"""A content-addressed cache for the slow, pure steps: black, datamodel-code-generator, reading.

Each is a deterministic function of its input and the pinned versions, so its result
can be kept under a hash of exactly that: the output is byte-identical with or without the
cache, and a changed input or tool version simply misses. It makes ``check`` and repeated
``generate`` runs on a full-size workbook fast (black is ~70% of a cold run).

Location: ``$KIWOOM_CODEGEN_CACHE``, else ``$XDG_CACHE_HOME/kiwoom-codegen``, else
``~/.cache/kiwoom-codegen``. ``KIWOOM_CODEGEN_CACHE=off`` disables it. Deleting the directory
is always safe. A cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
CODE_SUFFIXES = (".py", ".jinja", ".typed", ".toml")  # .toml: the shipped data tables


def cache_dir() -> Path | None:
    setting = os.environ.get("KIWOOM_CODEGEN_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kiwoom-codegen"


def _entry(kind: str, key_parts: tuple[str, ...]) -> Path | None:
    directory = cache_dir()
    if directory is None:
        return None
    digest = hashlib.sha256()
    for part in (kind, *key_parts):
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))  # unambiguous framing of the parts
        digest.update(data)
    key = digest.hexdigest()
    return directory / kind / key[:2] / key


def load_text(kind: str, key_parts: tuple[str, ...]) -> str | None:
    """The text stored for exactly ``kind`` and ``key_parts``, or None."""
    path = _entry(kind, key_parts)
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def store_text(kind: str, key_parts: tuple[str, ...], text: str) -> None:
    writer = EntryWriter(kind, key_parts)
    writer.write(text)
    writer.commit()


class EntryWriter:
    """An entry written piece by piece (nothing held in memory), visible once committed.

    Every failure to write only leaves the entry as it was: the cache never fails a run.
    """

    def __init__(self, kind: str, key_parts: tuple[str, ...]) -> None:
        self.path = _entry(kind, key_parts)
        self.tmp: str | None = None
        self.fh: Any = None
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        except OSError:
            self.discard()

    def write(self, text: str) -> None:
        if self.fh is None:
            return
        try:
            self.fh.write(text)
        except OSError:
            self.discard()

    def commit(self) -> None:
        if self.fh is None or self.path is None or self.tmp is None:
            return
        try:
            self.fh.close()
            os.replace(self.tmp, self.path)  # readers see the whole entry or none
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
