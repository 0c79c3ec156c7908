"""kiwoom-codegen: Kiwoom REST API spec workbooks -> typed model -> Python client and OpenAPI.

The library API (the CLI is a thin layer over it)::

    import kiwoom_codegen

    outcome = kiwoom_codegen.generate(["specs"], out="generated")   # an Outcome
    outcome = kiwoom_codegen.check(["specs"], out="generated", cache=False)
    outcome.status, outcome.exit_code, outcome.problems, outcome.stale

See :mod:`kiwoom_codegen.regen.pipeline` and docs/library.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__ as __version__

__all__ = ["Outcome", "__version__", "check", "generate"]

if TYPE_CHECKING:
    from .regen.pipeline import Outcome, check, generate


def __getattr__(name: str) -> Any:
    # Late: importing the package (the CLI's start-up, the fast path) must stay cheap.
    if name in ("Outcome", "check", "generate"):
        from .regen import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
