"""The long form of the runtime fuzz suite (tests/support/fuzz.py): random faults for minutes.

    python -m benchmarks.fuzz_runtime [--minutes 5] [--seed N] [--mode sync|async|both]

Builds the runtime test package (tests/runtime/conftest.py: the runtime copied verbatim next to
a small registry), then runs scenario after scenario against one misbehaving server on
127.0.0.1, alternating sync and async, seeds counting up from ``--seed`` (a failure names its
seed and the answers it drew; ``tests/runtime/test_fuzz_runtime.py`` can replay it). Prints how
many scenarios, requests and outcomes of each kind; exits 1 on the first broken invariant.
Not part of pytest (its fixed seeds are).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.runtime.conftest import build_package, load
from tests.support.fuzz import RUNNERS, Stats, idle
from tests.support.hostile import HostileServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz_runtime")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 10**6 * 1000)
    parser.add_argument("--mode", choices=["sync", "async", "both"], default="both")
    args = parser.parse_args(argv)
    modes = ["sync", "async"] if args.mode == "both" else [args.mode]
    root = Path(tempfile.mkdtemp(prefix="kiwoom-fuzz-"))
    stats = {mode: Stats() for mode in modes}
    seed = args.seed
    end = time.monotonic() + args.minutes * 60
    try:
        kc = load(build_package(root))
        with HostileServer(idle) as server:
            while time.monotonic() < end:
                for mode in modes:
                    try:
                        RUNNERS[mode](kc, server, seed, stats[mode])
                    except AssertionError as exc:
                        print(f"FAILED ({mode}): {exc}", file=sys.stderr)
                        return 1
                    seed += 1
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"seeds {args.seed}..{seed - 1}, {args.minutes:g} min")
    for mode, s in stats.items():
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(s.outcomes.items()))
        print(f"{mode}: {s.scenarios} scenarios, {s.requests} requests: {outcomes}")
    print("result: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
