"""What `kiwoom-codegen generate` costs, against openapi-python-client on the same APIs.

    python -m benchmarks.bench_generate [--apis 337] [--repeat 5] [--quick] [--no-verdict]
                                        [--workbook {calibrated,synthetic}] [--edition PATH]

Measures on the synthetic full-size workbook (``--workbook``: ``calibrated``, the default,
drawn from the real edition's shape by benchmarks/synth_real.py; ``synthetic``, the older
benchmarks/synth.py) and, with ``--edition PATH`` (default: ``$KIWOOM_EDITION`` when set), on
that real edition as well; each workbook's figures are printed in a table of their own,
labelled, with the core count. For each workbook: generate once to get this project's
``openapi.json``, then time fresh processes, alternating with the anchor, and print each
figure as the ratio of the medians (wall-clock; CPU time of the child processes beside it):

- anchor: ``openapi-python-client generate`` on this project's generated ``openapi.json`` for
  the same workbook (its default configuration: ``ruff`` formats its output, as black formats
  ours), into an empty directory every run;
- cold: ``kiwoom-codegen generate`` into an empty output directory with an empty cache
  directory of its own every run (``KIWOOM_CODEGEN_CACHE=<fresh dir>``), so no earlier run's
  black or datamodel-code-generator results are reused; target <= 1.0x;
- no change: ``generate`` again into the output it wrote (cache warm); target <= 0.05x;
- one cell: ``generate`` into that output after one more description cell of the same workbook
  file changed; target <= 0.3x. The cell is changed in the file's XML (benchmarks/workbooks.py:
  the cell of that sheet's part becomes an inline string; the shared strings and every other
  part stay byte-identical), so the run measures a real one-cell edit, not a workbook saved
  again; each run edits a cell of another sheet, so nothing of the change is in the cache yet.

``--generator-path DIR`` measures the ``kiwoom_codegen`` package in DIR instead of the installed
one (a checkout of an earlier commit, for before/after figures). ``--quick`` takes 3 runs of
each instead of ``--repeat`` (default 5). Exits 1 when a target is missed on any workbook
(``--no-verdict``: always 0).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import workbooks
from benchmarks.workbooks import Workbook, edit_one_cell

BIN = Path(sys.executable).parent
TARGETS = {"cold": 1.0, "no change": 0.05, "one cell": 0.3}


GENERATOR_PATH: list[str] = []  # --generator-path: another copy of the generator to measure


def child_env(cache: Path | str) -> dict[str, str]:
    env = dict(os.environ)
    if GENERATOR_PATH:
        env["PYTHONPATH"] = os.pathsep.join([*GENERATOR_PATH, env.get("PYTHONPATH", "")])
    env["KIWOOM_CODEGEN_CACHE"] = str(cache)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # ruff for openapi-python-client
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one child process; its output must be clean (exit 0)."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def generate_cmd(workbook: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "kiwoom_codegen", "generate", str(workbook), "--out", str(out)]


def measure(
    book: Workbook, tmp: Path, repeat: int
) -> tuple[dict[str, list[tuple[float, float]]], list[str]]:
    """The samples of every part on one workbook, alternating with the anchor; the parts."""
    source = workbooks.copy(book.path, tmp / "a" / "kiwoom.xlsx")
    # The editions of the one-cell runs, each one cell on from the one before; they are
    # copied in turn over the workbook the warm output was generated from.
    editions = []
    previous = source
    for n in range(1, repeat + 1):
        edition = tmp / f"edit-{n}" / "kiwoom.xlsx"
        edit_one_cell(previous, edition, n)
        editions.append(edition)
        previous = edition
    # The OpenAPI document the anchor reads, and a warm output + cache for the later parts.
    warm_cache = tmp / "cache-warm"
    warm_out = tmp / "out-warm"
    live = workbooks.copy(source, tmp / "live" / "kiwoom.xlsx")  # the one file, edited
    run(generate_cmd(live, warm_out), child_env(warm_cache), tmp)
    openapi = warm_out / "openapi.json"

    counter = iter(range(10**6))

    def anchor() -> tuple[float, float]:
        target = tmp / f"opc-{next(counter)}"
        cmd = [str(BIN / "openapi-python-client"), "generate", "--path", str(openapi)]
        cmd += ["--output-path", str(target), "--meta", "none"]
        result = run(cmd, child_env("off"), tmp)
        shutil.rmtree(target, ignore_errors=True)
        return result

    def cold() -> tuple[float, float]:
        n = next(counter)
        cache, out = tmp / f"cache-{n}", tmp / f"out-{n}"
        result = run(generate_cmd(source, out), child_env(cache), tmp)
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        return result

    def no_change() -> tuple[float, float]:  # the output is current for `live` as it is
        return run(generate_cmd(live, warm_out), child_env(warm_cache), tmp)

    edits = iter(editions)

    def one_cell() -> tuple[float, float]:
        shutil.copyfile(next(edits), live)
        return run(generate_cmd(live, warm_out), child_env(warm_cache), tmp)

    parts: dict[str, Callable[[], tuple[float, float]]] = {
        "cold": cold,
        "no change": no_change,
        "one cell": one_cell,
    }
    samples: dict[str, list[tuple[float, float]]] = {k: [] for k in ["anchor", *parts]}
    for i in range(repeat):
        for key, fn in parts.items():
            samples["anchor"].append(anchor())
            samples[key].append(fn())
            (aw, ac), (w, c) = samples["anchor"][-1], samples[key][-1]
            print(
                f"  {book.label}, run {i + 1}/{repeat}: {key} {w:.2f} s wall, {c:.2f} s cpu; "
                f"anchor {aw:.2f} s wall, {ac:.2f} s cpu",
                file=sys.stderr,
                flush=True,
            )
    return samples, list(parts)


def report(
    book: Workbook, samples: dict[str, list[tuple[float, float]]], parts: list[str]
) -> tuple[list[str], list[str]]:
    """The table of one workbook's figures, and the parts that missed their targets."""

    def med(key: str, which: int) -> float:
        return statistics.median(s[which] for s in samples[key])

    missed = []
    lines = [
        f"{book.description}; {workbooks.cores()}; median of {len(samples['anchor']) // 3}",
        "",
        f"| {book.label} | wall | cpu | ratio (wall) | ratio (cpu) | target |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| openapi-python-client (anchor) | {med('anchor', 0):.2f} s | "
        f"{med('anchor', 1):.2f} s | 1 | 1 | |",
    ]
    for key in parts:
        ratio = med(key, 0) / med("anchor", 0)
        ratio_cpu = med(key, 1) / med("anchor", 1)
        ok = ratio <= TARGETS[key]
        if not ok:
            missed.append(f"{book.label}: {key}")
        lines.append(
            f"| generate, {key} | {med(key, 0):.2f} s | {med(key, 1):.2f} s | "
            f"**{ratio:.2f}×** | {ratio_cpu:.2f}× | ≤ {TARGETS[key]}× {'met' if ok else 'MISSED'} |"
        )
    return lines, missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apis", type=int, default=337, help="size of the synthetic workbook")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each; the median counts")
    parser.add_argument("--quick", action="store_true", help="3 runs of each")
    parser.add_argument("--no-verdict", action="store_true", help="exit 0 even when missed")
    parser.add_argument(
        "--generator-path",
        metavar="DIR",
        help="a directory holding another kiwoom_codegen package to measure (e.g. a baseline)",
    )
    workbooks.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.generator_path:
        GENERATOR_PATH.append(str(Path(args.generator_path).resolve()))
    repeat = 3 if args.quick else args.repeat

    tables: list[str] = []
    missed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp_name:
        tmp = Path(tmp_name)
        for k, book in enumerate(workbooks.prepare(args, args.apis, tmp / "books")):
            print(f"{book.description}; {workbooks.cores()}; {repeat} runs each", file=sys.stderr)
            samples, parts = measure(book, tmp / f"run-{k}", repeat)
            lines, off = report(book, samples, parts)
            tables.append("\n".join(lines))
            missed += off
    print("\n\n".join(tables))
    if missed:
        print(f"\nmissed: {', '.join(missed)}")
    return 1 if missed and not args.no_verdict else 0


if __name__ == "__main__":
    sys.exit(main())
