"""Nothing to do, nothing done: answer `generate` and `check` from the manifest when it can.

Rendering is a pure function of (the model, the "generated from" names, the generator's own
code, templates and runtime files, and the pinned black and datamodel-code-generator). After
every full render, the manifest it produced is remembered in the cache under a hash of exactly
those inputs (:func:`inputs_key`). A later run with the same inputs looks it up; when the output
directory's manifest is byte-identical to it and every file that manifest lists is on disk with
the listed sha256, the output is current and nothing is rendered.

A hand-edited, deleted or replaced generated file, a changed cell, config, generator version or
a generator source file all change either the key or the on-disk check, and the run renders as
before. Without a cache (``KIWOOM_CODEGEN_CACHE=off``) there is no fast path. The manifest in
the output is unchanged by this: it never holds the generator's code hash, so a refactor that
does not change the output does not make ``generated/`` stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from .. import __version__
from .. import emit as emit_package
from ..emit.cache import code_fingerprint, load_text, store_text
from ..model import Spec
from .writer import MANIFEST_NAME, check_relpath, sha256

KIND = "current-manifest"


def inputs_key(spec: Spec, sources: Sequence[str], config: object) -> str:
    """A hash of everything rendering reads. ``repr`` of the frozen model holds every field
    (sources and cells included), the package name, version and groups."""
    chooser = emit_package.emitters  # looked up now: tests may replace the set of emitters
    digest = hashlib.sha256()
    for part in (
        f"{chooser.__module__}.{chooser.__qualname__}",
        __version__,
        code_fingerprint(),
        repr(spec),
        repr(tuple(sources)),
        repr(config),
    ):
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def remember(key: str, files: Mapping[str, bytes]) -> None:
    """After a full render: its manifest is what the output holds when it is current."""
    if MANIFEST_NAME in files:
        store_text(KIND, (key,), files[MANIFEST_NAME].decode("utf-8"))


def current_file_count(key: str, out_dir: Path) -> int | None:
    """The number of owned files (manifest included) when ``out_dir`` is exactly what the
    inputs of ``key`` render, else None (then render as usual)."""
    expected = load_text(KIND, (key,))
    if expected is None:
        return None
    try:
        if (out_dir / MANIFEST_NAME).read_bytes() != expected.encode("utf-8"):
            return None
        listed = json.loads(expected)["files"]
        for rel, digest in listed.items():
            target = out_dir / check_relpath(rel)
            if target.is_symlink() or sha256(target.read_bytes()) != digest:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return len(listed) + 1
