"""What the generated client costs: to generate, to import, and per call.

    python -m benchmarks.bench_client [--apis 337] [--import-runs 10] [--call-rounds 30]
                                      [--max-import-ratio 1.5] [--max-call-ratio 1.10]

(a) generation: the synthetic full-size workbook (benchmarks/synth.py) through load (parse),
    render (every emitter, in memory) and the atomic write, timed once each; black and
    datamodel-code-generator are timed inside render by wrapping them.
(b) import: ``python -c "import kiwoom_client; kiwoom_client.KiwoomClient"`` on the package of
    (a), against ``python -c "import httpx, pydantic"``, in fresh subprocesses, interleaved,
    best of ``--import-runs`` (after two warm-up runs each, so both have their bytecode cached
    as an installed package would). Target: at most ``--max-import-ratio`` (groups load lazily).
(c) per call: ``client.credit_orders.buy(...)`` of the client generated from specs/, through an
    ``httpx.Client(base_url=..., transport=httpx.MockTransport(...))`` (token preset), against
    the baseline a user of raw httpx would write on that same client::

        http.post(BASE_URL + "/api/dostk/crdordr", json=BUY, headers=HEADERS).json()

    The baseline sends exactly what the client sends (checked before timing): the same absolute
    URL (the runtime joins ``base_url + path`` itself; httpx merges a relative path into the
    client's base_url more slowly than it parses an absolute URL, ~92 vs ~66 us per
    ``build_request`` with httpx 0.28, so that form would flatter the ratio), the same three
    headers in the same order (api-id, content-type, authorization) and a byte-identical body
    (httpx's compact ``json=`` encoding equals the request model's JSON). The baseline leaves
    the timeout to the httpx client; the client passes its own (no measurable difference).
    CPU time of this thread (robust to other load on the machine), interleaved rounds, best
    per-call time of each. The gap is broken down by adding the client's steps to the raw call
    one at a time. Target: at most ``--max-call-ratio``. ``--calls-only`` runs (c) alone.

Prints a table; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from kiwoom_codegen.model.load import load
from kiwoom_codegen.regen.generate import render, source_names
from kiwoom_codegen.regen.layout import save_workbook
from kiwoom_codegen.regen.writer import write_tree

from benchmarks.synth import count_field_rows, synthetic_workbook

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "kiwoom_client"
BASE_URL = "https://api.kiwoom.test"
CRDORDR = "/api/dostk/crdordr"
BUY = {"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1", "ord_uv": "2580", "trde_tp": "0"}
TOKEN = "bench-token"
HEADERS = {  # what the runtime's build_headers sends, in its order
    "api-id": "kt10006",
    "content-type": "application/json;charset=UTF-8",
    "authorization": f"Bearer {TOKEN}",
}
ANSWER = json.dumps(
    {"ord_no": "0000024", "dmst_stex_tp": "KRX", "return_code": 0, "return_msg": "정상처리"},
    ensure_ascii=False,
).encode("utf-8")


@dataclass
class Row:
    label: str
    value: str
    ratio: str = ""
    verdict: str = ""


# --- (a) generation ----------------------------------------------------------------------------


@contextmanager
def timed_calls(module: Any, name: str, total: list[float]) -> Iterator[None]:
    """Add the time spent in ``module.name`` to ``total[0]`` while the block runs."""
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - start

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, original)


def bench_generation(workbook: Path, out: Path) -> dict[str, float]:
    import black
    import datamodel_code_generator

    t0 = time.perf_counter()
    loaded = load([workbook], use_config=False)
    t1 = time.perf_counter()
    black_s, dcg_s = [0.0], [0.0]
    with (
        timed_calls(black, "format_str", black_s),
        timed_calls(datamodel_code_generator, "generate", dcg_s),
    ):
        files = render(loaded.spec, source_names([workbook]))
    t2 = time.perf_counter()
    write_tree(out, files)
    t3 = time.perf_counter()
    return {
        "apis": len(loaded.spec.apis),
        "parse": t1 - t0,
        "render": t2 - t1,
        "write": t3 - t2,
        "total": t3 - t0,
        "black": black_s[0],
        "dcg": dcg_s[0],
        "files": len(files),
    }


# --- (b) import time ---------------------------------------------------------------------------


def bench_import(python_dir: Path, runs: int) -> dict[str, float]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
    }
    env["PYTHONPATH"] = str(python_dir)
    commands = {
        "client": f"import {PACKAGE}; {PACKAGE}.KiwoomClient",
        "baseline": "import httpx, pydantic",
        "baseline_basemodel": "import httpx; from pydantic import BaseModel",
    }

    def once(code: str) -> tuple[float, float]:
        before = os.times()
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=python_dir.parent)
        wall = time.perf_counter() - start
        after = os.times()
        cpu = (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
        return wall, cpu

    for code in commands.values():  # warm up: bytecode caches and the file cache
        once(code)
        once(code)
    walls: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for key, code in commands.items():
            wall, cpu = once(code)
            walls[key].append(wall)
            cpus[key].append(cpu)
    out = {f"{k}_wall": min(v) for k, v in walls.items()}
    out.update({f"{k}_cpu": min(v) for k, v in cpus.items()})
    return out


# --- (c) per-call overhead ---------------------------------------------------------------------


def _handler(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        headers={
            "content-type": "application/json;charset=UTF-8",
            "api-id": request.headers.get("api-id", ""),
            "cont-yn": "N",
            "next-key": "",
        },
        content=ANSWER,
    )


def per_call(fn: Callable[[], object], rounds: int, calls: int) -> list[float]:
    """Per-call CPU seconds of each round."""
    out = []
    for _ in range(rounds):
        start = time.thread_time()
        for _ in range(calls):
            fn()
        out.append((time.thread_time() - start) / calls)
    return out


def check_same_request(pkg: Any) -> None:
    """The baseline and the client put the same request on the wire (URL, headers, body)."""
    sent: list[tuple[str, list[tuple[str, str]], bytes]] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append((str(request.url), list(request.headers.items()), request.content))
        return _handler(request)

    with httpx.Client(transport=httpx.MockTransport(record), base_url=BASE_URL) as http:
        http.post(BASE_URL + CRDORDR, json=BUY, headers=HEADERS).json()
        client = pkg.KiwoomClient(access_token=TOKEN, base_url=BASE_URL, http_client=http)
        client.credit_orders.buy(**BUY)
    raw, generated = sent
    assert raw == generated, f"the baseline differs from the client's request:\n{raw}\n{generated}"


def bench_calls(python_dir: Path, rounds: int, calls: int) -> dict[str, Any]:
    sys.path.insert(0, str(python_dir))
    pkg = importlib.import_module(PACKAGE)
    client_mod = importlib.import_module(f"{PACKAGE}._client")
    types_mod = importlib.import_module(f"{PACKAGE}._types")
    op = pkg.OPERATIONS["kt10006"]
    check_same_request(pkg)
    http = httpx.Client(transport=httpx.MockTransport(_handler), base_url=BASE_URL)
    client = pkg.KiwoomClient(access_token=TOKEN, base_url=BASE_URL, http_client=http)
    url = BASE_URL + CRDORDR
    request_model, response_model = op.request_model, op.response_model
    timeout = client.timeout

    def raw() -> object:
        return http.post(url, json=BUY, headers=HEADERS).json()["ord_no"]

    def encoded_request() -> httpx.Request:  # the request model: validate, serialise once
        model = request_model.model_validate(types_mod.strip_not_given(BUY))
        content = model.__pydantic_serializer__.to_json(model, by_alias=True, exclude_unset=True)
        return http.build_request(
            "POST", url, content=content, headers=client_mod.build_headers("kt10006", TOKEN),
            timeout=timeout,
        )  # fmt: skip

    def raw_validated() -> object:  # + the request model
        return http.send(encoded_request()).json()["ord_no"]

    def raw_both_models() -> object:  # + the response model (parsed as the runtime parses it)
        body = client_mod.json_object(http.send(encoded_request()).content)
        return response_model.model_validate(body).ord_no

    def runtime_request() -> object:  # the runtime with a validated model, no group method
        return client.request(op, request_model.model_validate(BUY)).data.ord_no

    def generated() -> object:
        return client.credit_orders.buy(**BUY).data.ord_no

    steps = {
        "raw": raw,
        "raw_validated": raw_validated,
        "raw_both_models": raw_both_models,
        "runtime_request": runtime_request,
        "generated": generated,
    }
    for fn in steps.values():
        assert fn() == "0000024"
    gc.collect()
    gc.disable()
    try:
        samples: dict[str, list[float]] = {k: [] for k in steps}
        for _ in range(rounds):
            for key, fn in steps.items():
                samples[key] += per_call(fn, 1, calls)
    finally:
        gc.enable()
        http.close()
        sys.path.remove(str(python_dir))
    best = {k: min(v) for k, v in samples.items()}
    median_ratio = statistics.median(
        g / r for g, r in zip(samples["generated"], samples["raw"], strict=True)
    )
    return {"best": best, "median_ratio": median_ratio}


# --- main --------------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    width = max(len(r.label) for r in rows)
    return "\n".join(
        f"{r.label:<{width}}  {r.value:>22}  {r.ratio:>8}  {r.verdict}".rstrip() for r in rows
    )


def bench_generation_and_import(args: argparse.Namespace, tmp: Path, rows: list[Row]) -> bool:
    """(a) and (b); appends their rows and returns True when the import target is missed."""
    data = synthetic_workbook(args.apis)
    workbook = save_workbook(data, tmp / "synthetic.xlsx")
    print(
        f"workbook: {len(data.sheets)} APIs, {count_field_rows(data)} field rows; "
        "generating (takes a while)...",
        flush=True,
    )
    gen = bench_generation(workbook, tmp / "generated")
    total = gen["total"]

    def part(label: str, key: str, digits: int = 1) -> Row:
        return Row(f"    {label}", f"{gen[key]:.{digits}f} s", f"{gen[key] / total:.0%}")

    gen["other"] = gen["render"] - gen["black"] - gen["dcg"]
    rows += [
        Row(f"(a) generate {gen['apis']:.0f} APIs, {gen['files']:.0f} files", f"{total:.1f} s"),
        part("parse (load to model)", "parse"),
        part("render: black.format_str", "black"),
        part("render: datamodel-code-generator", "dcg"),
        part("render: the rest (views, templates)", "other"),
        part("write (atomic)", "write", 2),
    ]
    print(table(rows), flush=True)

    python_dir = tmp / "generated" / "python"
    imp = bench_import(python_dir, args.import_runs)
    ratio = imp["client_wall"] / imp["baseline_wall"]
    ok = ratio <= args.max_import_ratio
    import_rows = [
        Row("(b) import httpx, pydantic (wall)", f"{imp['baseline_wall'] * 1e3:.0f} ms"),
        Row(f"    import {PACKAGE} ({gen['apis']:.0f} APIs) (wall)",
            f"{imp['client_wall'] * 1e3:.0f} ms", f"{ratio:.2f}x",
            "ok" if ok else f"FAIL > {args.max_import_ratio}"),
        Row("    same, CPU time", f"{imp['client_cpu'] * 1e3:.0f} ms",
            f"{imp['client_cpu'] / imp['baseline_cpu']:.2f}x"),
        Row("    (ref) import httpx; from pydantic import BaseModel",
            f"{imp['baseline_basemodel_wall'] * 1e3:.0f} ms",
            f"{imp['client_wall'] / imp['baseline_basemodel_wall']:.2f}x"),
    ]  # fmt: skip
    rows += import_rows
    print(table(import_rows), flush=True)
    return not ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apis", type=int, default=337, help="size of the synthetic workbook")
    parser.add_argument("--import-runs", type=int, default=10, help="subprocess runs of each")
    parser.add_argument("--call-rounds", type=int, default=30, help="interleaved rounds")
    parser.add_argument("--calls", type=int, default=200, help="calls per round")
    parser.add_argument("--max-import-ratio", type=float, default=1.5)
    parser.add_argument("--max-call-ratio", type=float, default=1.10)
    parser.add_argument("--calls-only", action="store_true", help="run (c) alone, skip (a), (b)")
    args = parser.parse_args(argv)

    failed = False
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench_client_") as tmp:
        if not args.calls_only:
            failed |= bench_generation_and_import(args, Path(tmp), rows)

        specs_out = Path(tmp) / "specs_generated"
        spec = load([ROOT / "specs"]).spec
        write_tree(specs_out, render(spec, ("specs",)))
        calls = bench_calls(specs_out / "python", args.call_rounds, args.calls)
        best = calls["best"]
        ratio = best["generated"] / best["raw"]
        ok = ratio <= args.max_call_ratio
        failed |= not ok

        def us(key: str) -> str:
            return f"{best[key] * 1e6:.1f} us"

        def step(key: str, prev: str) -> str:
            return f"{(best[key] - best[prev]) * 1e6:+.1f} us"

        call_rows = [
            Row("(c) raw httpx post + .json() (MockTransport)", us("raw")),
            Row("    client.credit_orders.buy(...).data", us("generated"), f"{ratio:.3f}x",
                "ok" if ok else f"FAIL > {args.max_call_ratio}"),
            Row("    median of per-round ratios", "", f"{calls['median_ratio']:.3f}x"),
            Row("    gap: request model (validate, serialise)", step("raw_validated", "raw")),
            Row("    gap: response model (parse, validate)",
                step("raw_both_models", "raw_validated")),
            Row("    gap: runtime (request, _send, _wrap)",
                step("runtime_request", "raw_both_models")),
            Row("    gap: group method (kwargs, strip)", step("generated", "runtime_request")),
        ]  # fmt: skip
        rows += call_rows
        print(table(call_rows), flush=True)

    print("\n" + table(rows))
    print("\nresult:", "FAIL (a target is missed)" if failed else "ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
