"""How much the reader costs over just opening the workbook.

    python -m benchmarks.bench_parse [--apis 337] [--repeat 5] [--max-ratio 1.3]
                                     [--workbook {calibrated,synthetic}] [--edition PATH]

Writes the synthetic full-size workbook (``--workbook``: ``calibrated``, the default, drawn from
the real edition's shape by benchmarks/synth_real.py; ``synthetic``, the older
benchmarks/synth.py) to a temporary directory and, with ``--edition PATH`` (default:
``$KIWOOM_EDITION`` when set), takes that real edition as well; for each workbook, labelled,
measures in this process, median of ``--repeat`` runs (``--quick``: 3), interleaved:

- floor: openpyxl ``load_workbook(read_only=True)`` and iterating every row of every sheet with
  ``values_only=True`` (the least any reader built on openpyxl can do);
- parse: ``kiwoom_codegen.model.load.load()``, the whole way to the immutable model (caches
  cleared before every run, as in a fresh process, and an empty cache directory of its own, so
  the sheet-rows cache costs its keys and its store and saves nothing), without the self-check;
- parse + self-check: the same with the self-check of the sheets' examples, as every command
  runs it (shown with its ratio; the verdict is on parse alone, the reader's own cost);

- parse, sheets read before: the same with the cache the previous run filled (what a `generate`
  after an edit pays for the unchanged sheets; shown, no verdict);

and the peak memory of each (tracemalloc, one extra run each). Both wall-clock and CPU time
(``time.process_time``) are shown; the verdict uses CPU time, which other processes on a busy
machine disturb far less than wall-clock time. Exits 1 when parse takes more than
``--max-ratio`` times the floor.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from kiwoom_codegen.model.describe import understand
from kiwoom_codegen.model.load import load
from kiwoom_codegen.model.names import identifier
from openpyxl import load_workbook

from benchmarks import workbooks
from benchmarks.workbooks import Workbook


def floor(path: Path) -> int:
    wb = load_workbook(path, read_only=True)
    rows = 0
    for ws in wb.worksheets:
        for _ in ws.iter_rows(values_only=True):
            rows += 1
    wb.close()
    return rows


def _empty_cache() -> None:
    shutil.rmtree(os.environ["KIWOOM_CODEGEN_CACHE"], ignore_errors=True)


def parse(path: Path) -> int:
    understand.cache_clear()
    identifier.cache_clear()
    _empty_cache()
    return len(load([path], use_config=False, self_check=False).spec.apis)


def parse_read_before(path: Path) -> int:
    understand.cache_clear()
    identifier.cache_clear()
    return len(load([path], use_config=False, self_check=False).spec.apis)


def parse_checked(path: Path) -> int:
    understand.cache_clear()
    identifier.cache_clear()
    _empty_cache()
    return len(load([path], use_config=False).spec.apis)


def timed(run: Callable[[Path], int], path: Path) -> tuple[float, float]:
    """(wall-clock, CPU) seconds of one run."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    run(path)
    return time.perf_counter() - wall, time.process_time() - cpu


def peak_mb(run: Callable[[Path], int], path: Path) -> float:
    gc.collect()
    tracemalloc.start()
    run(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def measure(book: Workbook, repeat: int, max_ratio: float, max_memory: float) -> bool:
    """Print one workbook's figures; True when its targets are met."""
    _empty_cache()
    path = book.path
    print(f"\n{book.description}, {floor(path)} sheet rows; {workbooks.cores()}")
    apis = parse(path)  # warm up imports and the file cache
    floors: list[tuple[float, float]] = []
    parses: list[tuple[float, float]] = []
    checked: list[tuple[float, float]] = []
    read_before: list[tuple[float, float]] = []
    for _ in range(repeat):
        floors.append(timed(floor, path))
        parses.append(timed(parse, path))
        checked.append(timed(parse_checked, path))
        read_before.append(timed(parse_read_before, path))
    floor_mb, parse_mb = peak_mb(floor, path), peak_mb(parse, path)

    floor_wall, floor_cpu = (statistics.median(t[i] for t in floors) for i in (0, 1))
    parse_wall, parse_cpu = (statistics.median(t[i] for t in parses) for i in (0, 1))
    ratio = parse_cpu / floor_cpu
    memory = parse_mb / floor_mb
    print(f"median of {repeat}{'':15}{'wall s':>9}{'CPU s':>9}{'peak MB':>10}")
    print(f"{'floor (openpyxl read-only)':28}{floor_wall:9.3f}{floor_cpu:9.3f}{floor_mb:10.1f}")
    label = f"parse to model ({apis} APIs)"
    print(f"{label:28}{parse_wall:9.3f}{parse_cpu:9.3f}{parse_mb:10.1f}")
    checked_wall, checked_cpu = (statistics.median(t[i] for t in checked) for i in (0, 1))
    print(f"{'parse + self-check':28}{checked_wall:9.3f}{checked_cpu:9.3f}")
    warm_wall, warm_cpu = (statistics.median(t[i] for t in read_before) for i in (0, 1))
    print(f"{'parse, sheets read before':28}{warm_wall:9.3f}{warm_cpu:9.3f}")
    print(f"ratio (parse + self-check)/floor: {checked_cpu / floor_cpu:.2f} CPU")
    print(f"ratio (parse, sheets read before)/floor: {warm_cpu / floor_cpu:.2f} CPU")
    verdict = "ok" if ratio <= max_ratio else f"FAIL: above {max_ratio}"
    print(
        f"ratio parse/floor: {ratio:.2f} CPU ({verdict}), {parse_wall / floor_wall:.2f} wall-clock"
    )
    memory_verdict = "ok" if memory <= max_memory else f"FAIL: above {max_memory}"
    print(f"peak memory parse/floor: {memory:.2f} ({memory_verdict})")
    return ratio <= max_ratio and memory <= max_memory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apis", type=int, default=337, help="size of the synthetic workbook")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each; the median counts")
    parser.add_argument("--max-ratio", type=float, default=1.3, help="fail above this ratio")
    parser.add_argument("--max-memory", type=float, default=2.0, help="peak memory ratio limit")
    parser.add_argument("--quick", action="store_true", help="3 runs of each")
    workbooks.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 3

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KIWOOM_CODEGEN_CACHE"] = str(Path(tmp) / "cache")  # never the user's cache
        for book in workbooks.prepare(args, args.apis, Path(tmp) / "books"):
            ok &= measure(book, args.repeat, args.max_ratio, args.max_memory)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
