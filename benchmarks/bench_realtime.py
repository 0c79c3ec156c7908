"""What the real-time client costs: decoding REAL frames into typed messages, and memory.

    python -m benchmarks.bench_realtime [--frames 3000] [--rounds 15] [--max-ratio 2.0]

(a) decode rate: the same REAL frames (text, as received; 1 to 3 entries of 주식체결 0B with 45
    field ids each, the size of the official 0B) through
      - the baseline ``json.loads(text)`` alone, and
      - what the session's reader does with a frame: ``json.loads`` plus ``_on_real`` (one
        typed ``StockTrade0B`` message per entry, routed into the queue of the subscription
        registered for its item, 10 subscriptions registered),
    CPU time of this thread, interleaved rounds, best of each. Target: at most ``--max-ratio``.
    Reading a typed property (``msg.values.cur_prc``) is timed on top, for information.
(b) memory with 100 subscriptions: tracemalloc of a session with 100 subscriptions (one item
    each), empty, then with 100 queued messages each (a consumer that fell behind).

The typed classes come from the real emitter: a workbook with a synthetic 0B sheet is generated
into a temporary package. Prints a table; exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from kiwoom_codegen import __version__
from kiwoom_codegen.emit import EmitContext
from kiwoom_codegen.emit.python_client import emit
from kiwoom_codegen.model.load import load
from kiwoom_codegen.regen.layout import SheetData, TableRow, WorkbookData, save_workbook

ROOT = Path(__file__).resolve().parents[1]
N_FIELDS = 45
IDS = [str(i) for i in (10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 25, 26, 27, 28, 29, 30, 31, 32)]
IDS += [str(i) for i in range(290, 290 + N_FIELDS - len(IDS))]


def _sheet() -> SheetData:
    values: list[TableRow] = [(f"- - {i}", f"항목{i}", "String", "N", None, "") for i in IDS]
    response: list[TableRow] = [
        ("trnm", "서비스명", "String", "N", None, ""),
        ("data", "실시간 데이터", "LIST", "N", None, ""),
        ("- type", "실시간항목", "String", "N", None, ""),
        ("- name", "실시간 항목명", "String", "N", None, ""),
        ("- item", "실시간 등록 요소", "String", "N", None, ""),
        ("- values", "실시간 값 리스트", "LIST", "N", None, ""),
        *values,
    ]
    return SheetData(
        api_id="0B",
        name="주식체결",
        menu="국내주식 > 실시간시세 > 주식체결(0B)",
        url="/api/dostk/websocket",
        production="wss://api.kiwoom.com:10000",
        mock="wss://mockapi.kiwoom.com:10000",
        request_headers=(),
        response_headers=(),
        request_body=(("trnm", "서비스명", "String", "Y", 10, "REG : 등록 , REMOVE : 해지"),),
        response_body=response,
    )


def generated_package(tmp: Path) -> Any:
    """Generate the client for the 0B sheet into ``tmp`` and import it."""
    save_workbook(WorkbookData([_sheet()]), tmp / "spec" / "rt.xlsx")
    (tmp / "spec" / "realtime_fields.toml").write_bytes(
        (ROOT / "specs" / "realtime_fields.toml").read_bytes()
    )
    spec = load([tmp / "spec"]).spec
    for rel, data in emit(
        spec, EmitContext(__version__, spec.content_hash(), ("rt.xlsx",))
    ).items():
        path = tmp / "out" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    sys.path.insert(0, str(tmp / "out" / "python"))
    return importlib.import_module("kiwoom_client")


def frames(count: int) -> list[str]:
    items = [f"{k:06d}" for k in range(10)]
    out = []
    for n in range(count):
        entries = []
        for k in range(1 + n % 3):
            values = {fid: f"{'+-'[(n + k) % 2]}{(n * 7 + int(fid)) % 99999:08d}" for fid in IDS}
            entries.append(
                {"type": "0B", "name": "주식체결", "item": items[(n + k) % 10], "values": values}
            )
        out.append(json.dumps({"trnm": "REAL", "data": entries}, ensure_ascii=False))
    return out


def session(pkg: Any, subscriptions: int, items: list[str], queue_size: int) -> Any:
    realtime = importlib.import_module("kiwoom_client._realtime")
    registry = importlib.import_module("kiwoom_client._realtime_registry")

    async def token(stale: str | None) -> str:
        return "unused"

    rt = realtime.AsyncRealtime("ws://127.0.0.1:9", token, types=registry.REALTIME_TYPES)
    for k in range(subscriptions):
        sub = realtime.Subscription(
            rt, str(k + 1), ("0B",), (items[k],), queue_size, "drop_oldest", 2**40
        )
        rt._subs.append(sub)
    rt._reroute()
    return rt


def cpu(fn: Any) -> float:
    start = time.thread_time()
    fn()
    return time.thread_time() - start


def bench_decode(pkg: Any, texts: list[str], rounds: int) -> dict[str, float]:
    rt = session(pkg, 10, [f"{k:06d}" for k in range(10)], 10**7)
    subs = rt._subs
    loads = json.loads
    dispatch = rt._on_real  # validates each entry, makes values strings, routes

    def baseline() -> None:
        for text in texts:
            loads(text)

    def typed() -> None:
        for text in texts:
            dispatch(loads(text)["data"], len(text))

    def typed_read() -> None:
        for text in texts:
            dispatch(loads(text)["data"], len(text))
        for sub in subs:
            for msg, _size in sub._queue:
                _ = msg.values.cur_prc

    best = {"json.loads": float("inf"), "typed": float("inf"), "typed+read": float("inf")}
    for _ in range(rounds):
        for name, fn in (("json.loads", baseline), ("typed", typed), ("typed+read", typed_read)):
            gc.collect()
            for sub in subs:
                sub._queue.clear()
                sub._bytes = 0
            best[name] = min(best[name], cpu(fn))
    entries = sum(len(sub._queue) for sub in subs)
    assert entries == sum(1 + n % 3 for n in range(len(texts))), "every entry was routed"
    return best


def bench_memory(pkg: Any, texts: list[str]) -> tuple[int, int]:
    items = [f"{k:06d}" for k in range(100)]
    entries = [e for t in texts for e in json.loads(t)["data"]]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    rt = session(pkg, 100, items, 10_000)
    empty = tracemalloc.get_traced_memory()[0] - before
    for k, sub in enumerate(rt._subs):
        for entry in entries[k * 100 : (k + 1) * 100]:
            sub._put(rt._classes["0B"](entry))
    full = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return empty, full


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--max-ratio", type=float, default=2.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        pkg = generated_package(Path(tmp))
        texts = frames(args.frames)
        n_entries = sum(1 + n % 3 for n in range(args.frames))
        size = sum(len(t.encode()) for t in texts) / len(texts)
        best = bench_decode(pkg, texts, args.rounds)
        empty, full = bench_memory(pkg, frames(10_000))
    base = best["json.loads"]
    print(
        f"{args.frames} REAL frames, {n_entries} entries of 0B ({N_FIELDS} ids), "
        f"{size:,.0f} bytes per frame on average; best of {args.rounds} rounds, CPU time"
    )
    print(f"{'path':<40} {'per frame':>10} {'frames/s':>12} {'ratio':>7}")
    for name, label in (
        ("json.loads", "json.loads alone (baseline)"),
        ("typed", "json.loads + typed messages + routing"),
        ("typed+read", "  + reading msg.values.cur_prc"),
    ):
        per = best[name] / args.frames
        print(f"{label:<40} {per * 1e6:>8.2f}us {1 / per:>12,.0f} {best[name] / base:>6.2f}x")
    ratio = best["typed"] / base
    print(
        f"memory, 100 subscriptions: {empty / 1024:,.1f} KiB empty "
        f"({empty / 100:,.0f} B each); with 100 queued messages each: {full / 1024 / 1024:,.2f} "
        f"MiB ({(full - empty) / 10_000:,.0f} B per queued message: the typed wrapper and the "
        "queue slot; the decoded JSON itself is not counted)"
    )
    ok = ratio <= args.max_ratio
    print(f"decode ratio {ratio:.2f}x: {'ok' if ok else 'MISSED'} (target <= {args.max_ratio}x)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
