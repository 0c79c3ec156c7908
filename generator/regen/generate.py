"""Model -> every output file in memory: all emitters, merged, plus the ownership manifest.

Nothing here touches disk; :mod:`kiwoom_codegen.regen.writer` writes the result atomically and
``kiwoom-codegen check`` compares it with what is on disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from .. import emit as emit_package
from .._version import __version__
from ..emit import EmitContext, Emitter, Pending, progress
from ..model import Spec
from ..problems import Problems
from ..reader.paths import expand_inputs
from .writer import MANIFEST_NAME, check_relpath, manifest_bytes

GENERATOR_NAME = "kiwoom-codegen"
CHANGELOG_PATH = "python/CHANGELOG.md"  # the generated package's changelog: never owned
RESERVED_PATHS = frozenset({MANIFEST_NAME, CHANGELOG_PATH})


class RenderError(RuntimeError):
    """An emitter broke the contract (a path produced twice, a bad or reserved path): a bug."""


def source_names(paths: Iterable[Path]) -> tuple[str, ...]:
    """The input workbooks as shown in "generated from" headers, independent of the working
    directory: a workbook inside a directory argument as ``<dir name>/<path inside it>``
    (``specs/kiwoom_credit_orders.xlsx`` whether ``specs`` or ``/abs/specs`` was given), a
    workbook given directly by its file name. No machine paths reach the output."""
    names: set[str] = set()
    for arg in paths:
        root = arg.resolve()
        for path in expand_inputs([arg], Problems()):
            absolute = path.resolve()
            if root.is_dir():
                try:
                    names.add(f"{root.name}/{absolute.relative_to(root).as_posix()}")
                    continue
                except ValueError:
                    pass
            names.add(absolute.name)
    return tuple(sorted(names))


def render(
    spec: Spec,
    sources: Sequence[str],
    *,
    emitters: Sequence[tuple[str, Emitter]] | None = None,
) -> dict[str, bytes]:
    """Run every built emitter and return {relative path: bytes}, manifest included.

    ``emitters`` defaults to :func:`kiwoom_codegen.emit.emitters` (looked up at call time).
    """
    ctx = EmitContext(
        generator_version=__version__,
        spec_hash=spec.content_hash(),
        sources=tuple(sources),
    )
    chosen = emit_package.emitters() if emitters is None else emitters
    files: dict[str, bytes] = {}
    owner: dict[str, str] = {}
    folded: dict[str, str] = {}
    results: list[tuple[str, dict[str, bytes] | Pending]] = []
    try:
        for name, emitter in chosen:
            progress.stage(f"emitting {name}")
            results.append((name, emitter(spec, ctx)))
        for name, result in results:
            if isinstance(result, Pending):
                progress.stage(f"emitting {name}: waiting for its workers")
                result = result.collect()
            _add(name, result, files, owner, folded)
    finally:  # an error anywhere: no worker is left running (a no-op once collected)
        for _, result in results:
            if isinstance(result, Pending):
                result.cancel()

    info = {
        "comment": (
            f"Written by {GENERATOR_NAME}: the files it owns in this directory. Every other file "
            f"is left alone. Do not edit; run `{GENERATOR_NAME} generate`."
        ),
        "generator": {"name": GENERATOR_NAME, "version": __version__},
        "emitters": sorted({name for name, _ in chosen}),
        "package": {"name": spec.package_name, "version": spec.package_version},
        "sources": sorted(ctx.sources),
        "spec_hash": ctx.spec_hash,
    }
    files[MANIFEST_NAME] = manifest_bytes(files, info)
    return dict(sorted(files.items()))


def _add(
    name: str,
    produced: dict[str, bytes],
    files: dict[str, bytes],
    owner: dict[str, str],
    folded: dict[str, str],
) -> None:
    """An emitter's files into ``files``, checked (RenderError: a bug in that emitter)."""
    for path in sorted(produced):
        data = produced[path]
        try:
            check_relpath(path)
        except ValueError as exc:
            raise RenderError(f"emitter {name}: {exc}") from None
        if path in RESERVED_PATHS:
            raise RenderError(f"emitter {name} produced {path}, which is reserved")
        if not isinstance(data, bytes):
            raise RenderError(f"emitter {name} produced {type(data).__name__} for {path}")
        if path in files:
            raise RenderError(f"{path} is produced twice (by {owner[path]} and {name})")
        twin = folded.get(path.casefold())
        if twin is not None:
            raise RenderError(
                f"{path} ({name}) and {twin} ({owner[twin]}) differ only by case: they "
                "collide on case-insensitive file systems"
            )
        files[path] = data
        owner[path] = name
        folded[path.casefold()] = path
