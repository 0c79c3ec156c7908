"""What `kiwoom-codegen generate` costs, against openapi-python-client on the same APIs.

    python -m benchmarks.bench_generate [--apis 350] [--repeat 5] [--quick] [--no-verdict]

Writes the synthetic full-size workbook (benchmarks/synth.py) and a copy of it with one
description cell changed, generates once to get this project's ``openapi.json``, then times
fresh processes, alternating with the anchor, and prints each figure as the ratio of the
medians (wall-clock; CPU time of the child processes is shown beside it):

- anchor: ``openapi-python-client generate`` on this project's generated ``openapi.json`` for
  the same workbook (its default configuration: ``ruff`` formats its output, as black formats
  ours), into an empty directory every run;
- cold: ``kiwoom-codegen generate`` into an empty output directory with an empty cache
  directory of its own every run (``KIWOOM_CODEGEN_CACHE=<fresh dir>``), so no earlier run's
  black or datamodel-code-generator results are reused; target <= 1.5x (stretch <= 1.0x);
- no change: ``generate`` again into the output it wrote (cache warm); target <= 0.3x;
- one cell: ``generate`` into that output after one more description cell of the same workbook
  file changed (each run edits a cell of another sheet, so every run is a first-time one-cell
  change: nothing of it is in the cache yet); target <= 0.5x.

``--generator-path DIR`` measures the ``kiwoom_codegen`` package in DIR instead of the installed
one (a checkout of an earlier commit, for before/after figures). ``--quick`` takes 3 runs of
each instead of ``--repeat`` (default 5). Exits 1 when a target is
missed (``--no-verdict``: always 0). The machine's core count is printed with the table.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kiwoom_codegen.regen.layout import save_workbook

from benchmarks.synth import count_field_rows, synthetic_workbook

BIN = Path(sys.executable).parent
TARGETS = {"cold": 1.5, "no change": 0.3, "one cell": 0.5}


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


def one_cell_changed(data: object, edits: int = 1) -> object:
    """The workbook with the descriptions of ``edits`` response fields changed, one per API:
    edit ``n`` is in the API at position ``(len // 2 + 37 n) % len``, so consecutive editions
    differ by one cell, in sheets of different groups."""
    sheets = list(data.sheets)  # type: ignore[attr-defined]
    for n in range(edits):
        k = (len(sheets) // 2 + 37 * n) % len(sheets)
        sheet = sheets[k]
        rows = list(sheet.response_body)
        if not rows:
            continue
        name, label, type_, required, length, description = rows[0]
        rows[0] = (name, label, type_, required, length, f"{description} (변경 {n})")
        sheets[k] = dataclasses.replace(sheet, response_body=tuple(rows))
    return dataclasses.replace(data, sheets=sheets)  # type: ignore[type-var]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apis", type=int, default=350, help="size of the synthetic workbook")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each; the median counts")
    parser.add_argument("--quick", action="store_true", help="3 runs of each")
    parser.add_argument("--no-verdict", action="store_true", help="exit 0 even when missed")
    parser.add_argument(
        "--generator-path",
        metavar="DIR",
        help="a directory holding another kiwoom_codegen package to measure (e.g. a baseline)",
    )
    args = parser.parse_args(argv)
    if args.generator_path:
        GENERATOR_PATH.append(str(Path(args.generator_path).resolve()))
    repeat = 3 if args.quick else args.repeat

    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp_name:
        tmp = Path(tmp_name)
        data = synthetic_workbook(args.apis)
        workbook_a = save_workbook(data, tmp / "a" / "kiwoom.xlsx")
        # The editions of the one-cell runs, each one cell on from the one before; they are
        # copied in turn over the workbook the warm output was generated from.
        editions = [
            save_workbook(one_cell_changed(data, n), tmp / f"edit-{n}" / "kiwoom.xlsx")
            for n in range(1, repeat + 1)
        ]
        print(
            f"synthetic workbook: {len(data.sheets)} APIs, {count_field_rows(data)} field rows; "
            f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}); {repeat} runs each",
            file=sys.stderr,
        )
        # The OpenAPI document the anchor reads, and a warm output + cache for the later parts.
        warm_cache = tmp / "cache-warm"
        warm_out = tmp / "out-warm"
        live = tmp / "live" / "kiwoom.xlsx"  # the maintainer's one workbook file, edited
        live.parent.mkdir()
        shutil.copyfile(workbook_a, live)
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
            result = run(generate_cmd(workbook_a, out), child_env(cache), tmp)
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
                    f"  run {i + 1}/{repeat}: {key} {w:.2f} s wall, {c:.2f} s cpu; "
                    f"anchor {aw:.2f} s wall, {ac:.2f} s cpu",
                    file=sys.stderr,
                    flush=True,
                )

    def med(key: str, which: int) -> float:
        return statistics.median(s[which] for s in samples[key])

    missed = []
    lines = [
        f"| what ({os.cpu_count()} cores) | wall | cpu | ratio (wall) | ratio (cpu) | target |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| openapi-python-client (anchor) | {med('anchor', 0):.2f} s | "
        f"{med('anchor', 1):.2f} s | 1 | 1 | |",
    ]
    for key in parts:
        ratio = med(key, 0) / med("anchor", 0)
        ratio_cpu = med(key, 1) / med("anchor", 1)
        ok = ratio <= TARGETS[key]
        if not ok:
            missed.append(key)
        lines.append(
            f"| generate, {key} | {med(key, 0):.2f} s | {med(key, 1):.2f} s | "
            f"**{ratio:.2f}×** | {ratio_cpu:.2f}× | ≤ {TARGETS[key]}× {'met' if ok else 'MISSED'} |"
        )
    print("\n".join(lines))
    return 1 if missed and not args.no_verdict else 0


if __name__ == "__main__":
    sys.exit(main())
