"""Sub-commands beyond `parse`. Each lives in its own module and registers itself here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import diff_cli, generate_cli, review

AddSpecArgs = Callable[..., None]


def register(sub: Any, add_spec_args: AddSpecArgs) -> None:
    generate_cli.register(sub, add_spec_args)
    diff_cli.register(sub, add_spec_args)
    review.register(sub, add_spec_args)
