"""Emitters: model -> files. Each returns {relative path: bytes}; nothing here touches disk.

An emitter is a function ``emit(spec: Spec, ctx: EmitContext) -> dict[str, bytes]`` whose paths
are relative to the output directory (``generated/`` by default), with forward slashes.
``generator.generate`` runs them all and writes the result atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Spec


@dataclass(frozen=True)
class EmitContext:
    generator_version: str
    spec_hash: str  # Spec.content_hash(): what the docs say, independent of file names
    sources: tuple[str, ...]  # the input files, as displayed, for "generated from" headers


Emitter = Callable[[Spec, EmitContext], dict[str, bytes]]


def emitters() -> list[tuple[str, Emitter]]:
    """(name, emitter) for every emitter that is built, in a fixed order."""
    found: list[tuple[str, Emitter]] = []
    for name in ("python_client", "openapi"):
        try:
            module = __import__(f"generator.emit.{name}", fromlist=["emit"])
        except ModuleNotFoundError as exc:
            if exc.name != f"generator.emit.{name}":
                raise
            continue
        found.append((name, module.emit))
    return found
