"""What ``.parsed()`` costs per row against parsing the same strings by hand.

    python -m benchmarks.bench_values [--rows 600] [--repeat 7] [--max-ratio 2.0] [--quick]

Generates the client for the value sheets of tests/values_sheets.py (a daily chart of ten
fields per row: direction-signed prices, a signed change, a rate, a volume, an amount, a date),
builds one response model of ``--rows`` rows, and measures in this process, median of
``--repeat`` runs (``--quick``: 3), interleaved, CPU time (``time.process_time``):

- by hand: the loop a user writes without the client's help, every field once with ``int()``,
  ``Decimal()`` or ``datetime.date(...)``, into one dict per row; the sign of a price is taken
  off with ``abs()`` and its direction read from the first character;
- parsed: ``model.parsed()``, the typed companion of the whole answer (frozen dataclasses with
  slots, blanks as None, each value checked against its meaning).

Prints µs per row for both and their ratio; exits 1 when the ratio is above ``--max-ratio``
(the issue's target: 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from kiwoom_codegen.cli import main as codegen

from tests.support.values_sheets import CHART_ROWS, write_values_specs

PRICES = ("cur_prc", "open_pric", "high_pric", "low_pric")


def by_hand(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        row: dict[str, Any] = {}
        for name in PRICES:
            text = r[name]
            row[name] = abs(int(text))
            row[name + "_direction"] = (
                "down" if text[0] == "-" else "up" if text[0] == "+" else "flat"
            )
        row["trde_qty"] = int(r["trde_qty"])
        row["trde_prica"] = int(r["trde_prica"])
        d = r["dt"]
        row["dt"] = dt.date(int(d[:4]), int(d[4:6]), int(d[6:]))
        row["pred_pre"] = int(r["pred_pre"])
        row["flu_rt"] = Decimal(r["flu_rt"])
        out.append(row)
    return out


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--max-ratio", type=float, default=2.0)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        specs = write_values_specs(Path(tmp) / "specs")
        if codegen(["generate", str(specs), "--out", str(Path(tmp) / "out")]) != 0:
            return 2
        sys.path.insert(0, str(Path(tmp) / "out" / "python"))
        chart = importlib.import_module("kiwoom_client.models.chart")
        rows = [dict(CHART_ROWS[i % len(CHART_ROWS)]) for i in range(args.rows)]
        model = chart.ChartDailyResponse.model_validate({"stk_dt_pole_chart_qry": rows})
        assert by_hand(rows)[0]["cur_prc"] == model.parsed().stk_dt_pole_chart_qry[0].cur_prc
        hand: list[float] = []
        typed: list[float] = []
        for _ in range(repeat):  # interleaved: a busy machine disturbs both alike
            hand.append(_median(lambda: by_hand(rows), 3))
            typed.append(_median(model.parsed, 3))
    per_hand = statistics.median(hand) / args.rows * 1e6
    per_typed = statistics.median(typed) / args.rows * 1e6
    ratio = per_typed / per_hand
    print(f"rows: {args.rows} of 10 fields (4 direction-signed prices)")
    print(f"by hand (int/Decimal/date): {per_hand:.2f} µs per row")
    print(f"parsed():                   {per_typed:.2f} µs per row")
    verdict = "ok" if ratio <= args.max_ratio else "too slow"
    print(f"ratio: {ratio:.2f}x (target <= {args.max_ratio}x): {verdict}")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
