"""The output directory as a kill or a failure leaves it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiwoom_codegen.regen import writer


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


def failing_after(n: int, exc: BaseException) -> Callable[..., None]:
    real = writer._write_file
    calls = {"n": 0}

    def write(path: Path, data: bytes, mode: int) -> None:
        calls["n"] += 1
        if calls["n"] > n:
            raise exc
        real(path, data, mode)

    return write
