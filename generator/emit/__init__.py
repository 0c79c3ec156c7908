"""Emitters: model -> files. Each returns {relative path: bytes}; nothing here touches disk.

An emitter is a function ``emit(spec: Spec, ctx: EmitContext) -> dict[str, bytes]`` whose paths
are relative to the output directory (``generated/`` by default), with forward slashes; or a
:class:`Pending` whose ``collect()`` returns them later (its work runs in worker processes while
the next emitters run). ``kiwoom_codegen.regen.generate`` runs them all and writes the result
atomically.
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


@dataclass(frozen=True)
class Pending:
    """An emitter's files still being made in worker processes: ``collect()`` waits for them
    and returns {path: bytes}; ``cancel()`` drops them (another emitter failed). The other
    emitters run in the meantime, in this process."""

    collect: Callable[[], dict[str, bytes]]
    cancel: Callable[[], None]


Emitter = Callable[[Spec, EmitContext], "dict[str, bytes] | Pending"]


def emitters() -> list[tuple[str, Emitter]]:
    """(name, emitter) for every emitter, in a fixed order."""
    from . import asyncapi, openapi, python_client  # late: they import this module's EmitContext

    return [
        ("python_client", python_client.start),
        ("openapi", openapi.emit),
        ("asyncapi", asyncapi.emit),
    ]
