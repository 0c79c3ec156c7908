"""Sub-commands beyond `parse`. Each lives in its own module and registers itself here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AddSpecArgs = Callable[..., None]


def register(sub: Any, add_spec_args: AddSpecArgs) -> None:
    for module_name in ("generate_cli", "diff_cli"):
        try:
            module = __import__(f"generator.{module_name}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"generator.{module_name}":
                raise
            continue
        module.register(sub, add_spec_args)
