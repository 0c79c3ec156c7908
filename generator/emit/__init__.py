"""Emitters: model -> files. Each returns {relative path: bytes}; nothing here touches disk.

An emitter is a function ``emit(spec: Spec, ctx: EmitContext) -> dict[str, bytes]`` whose paths
are relative to the output directory (``generated/`` by default), with forward slashes.
``kiwoom_codegen.regen.generate`` runs them all and writes the result atomically.
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
    """(name, emitter) for every emitter, in a fixed order."""
    from . import asyncapi, openapi, python_client  # late: they import this module's EmitContext

    return [
        ("python_client", python_client.emit),
        ("openapi", openapi.emit),
        ("asyncapi", asyncapi.emit),
    ]
