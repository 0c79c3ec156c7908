"""A content-addressed cache for the two slow, pure steps: black and datamodel-code-generator.

Both are deterministic functions of their input text and their pinned version, so their result
can be kept under a hash of exactly that: the output is byte-identical with or without the
cache, and a changed input or tool version simply misses. It makes ``check`` and repeated
``generate`` runs on a full-size workbook fast (black is ~70% of a cold run).

Location: ``$KIWOOM_CODEGEN_CACHE``, else ``$XDG_CACHE_HOME/kiwoom-codegen``, else
``~/.cache/kiwoom-codegen``. ``KIWOOM_CODEGEN_CACHE=off`` disables it. Deleting the directory
is always safe. A cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def cache_dir() -> Path | None:
    setting = os.environ.get("KIWOOM_CODEGEN_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kiwoom-codegen"


def cached_text(kind: str, key_parts: tuple[str, ...], compute: Callable[[], str]) -> str:
    """``compute()``, or its earlier result for exactly the same ``kind`` and ``key_parts``."""
    directory = cache_dir()
    if directory is None:
        return compute()
    digest = hashlib.sha256()
    for part in (kind, *key_parts):
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))  # unambiguous framing of the parts
        digest.update(data)
    key = digest.hexdigest()
    path = directory / kind / key[:2] / key
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    result = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(result)
        os.replace(tmp, path)  # readers see the whole entry or none
    except OSError:
        pass
    return result
