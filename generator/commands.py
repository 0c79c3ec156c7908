"""Sub-commands beyond `parse`: generate, check, diff. Each is registered here."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

AddSpecArgs = Callable[..., None]


def register(sub: Any, add_spec_args: AddSpecArgs) -> None:
    """Add the generate/check/diff sub-parsers (filled in as the emitters land)."""
    del sub, add_spec_args


def _unused(_: argparse.Namespace) -> int:
    return 0
