"""What every emitter is given and may return (:class:`EmitContext`, :class:`Pending`)."""

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
