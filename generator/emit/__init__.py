"""Emitters: model -> files. Each returns {relative path: bytes}; nothing here touches disk.

An emitter is a function ``emit(spec: Spec, ctx: EmitContext) -> dict[str, bytes]`` whose paths
are relative to the output directory (``generated/`` by default), with forward slashes; or a
:class:`Pending` whose ``collect()`` returns them later (its work runs in worker processes while
the next emitters run). ``kiwoom_codegen.regen.generate`` runs them all and writes the result
atomically.
"""

from __future__ import annotations

from .context import EmitContext as EmitContext
from .context import Emitter as Emitter
from .context import Pending as Pending


def emitters() -> list[tuple[str, Emitter]]:
    """(name, emitter) for every emitter, in a fixed order."""
    from . import asyncapi, openapi, python_client  # late: the CLI's fast path needs none of them

    return [
        ("python_client", python_client.start),
        ("openapi", openapi.emit),
        ("asyncapi", asyncapi.emit),
    ]
