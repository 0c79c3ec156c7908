"""A kiwoom-codegen run that stops at a chosen point, for tests that kill it there (SIGKILL).

    python -m tests.support.outdir_child POINT MARKER ARGS...

POINT is ``write:N`` (before the Nth file of the new tree is written), ``rename:N`` (before the
Nth rename of the run: 1 moves the old tree away, 2 brings the new one in, 3 starts the clean-up)
or ``rmtree:N`` (before the Nth tree removal of the clean-up). At that point the run creates the
file MARKER and sleeps until it is killed. ARGS go to ``kiwoom-codegen``; the output is made by
the one-file-per-API stand-in emitter of the tests, so runs are quick.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiwoom_codegen.cli.main import main
from kiwoom_codegen.regen import writer

from tests.support.pipeline import per_api_emitter


def stop_before(n: int, marker: Path, real: Callable[..., Any]) -> Callable[..., Any]:
    calls = {"n": 0}

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == n:
            marker.write_text(str(os.getpid()))
            while True:
                time.sleep(60)
        return real(*args, **kwargs)

    return wrapped


def run(point: str, marker: Path, argv: list[str]) -> int:
    import kiwoom_codegen.emit

    kiwoom_codegen.emit.emitters = lambda: [("per_api", per_api_emitter)]  # type: ignore[assignment]
    what, n = point.split(":")
    if what == "write":
        writer._write_file = stop_before(int(n), marker, writer._write_file)  # type: ignore[assignment]
    elif what == "rename":
        os.rename = stop_before(int(n), marker, os.rename)  # type: ignore[assignment]
    elif what == "rmtree":
        shutil.rmtree = stop_before(int(n), marker, shutil.rmtree)  # type: ignore[assignment]
    else:
        raise SystemExit(f"unknown point {point}")
    return main(argv)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], Path(sys.argv[2]), sys.argv[3:]))
