"""What the generated client costs: to generate, to import, and per call.

    python -m benchmarks.bench_client [--apis 337] [--import-runs 10] [--call-rounds 30]
                                      [--max-import-ratio 1.3] [--max-call-ratio 1.0] [--quick]
                                      [--workbook {calibrated,synthetic}] [--edition PATH]

(a) and (b) run on the synthetic full-size workbook (``--workbook``: ``calibrated``, the
default, drawn from the real edition's shape by benchmarks/synth_real.py; ``synthetic``, the
older benchmarks/synth.py) and, with ``--edition PATH`` (default: ``$KIWOOM_EDITION`` when set),
on that real edition as well, each labelled.
(a) generation: the workbook through load (parse), render (every emitter, in memory) and the
    atomic write, timed once each; black and datamodel-code-generator are timed inside render
    by wrapping them.
(b) import, in fresh subprocesses on the package of (a), interleaved, median of
    ``--import-runs`` (after two warm-up runs each, so all have their bytecode cached as an
    installed package would), time and peak RSS measured inside the child: ``import httpx,
    pydantic`` (the baseline); ``import kiwoom_client``; + a client touching one group
    (``credit_orders``), the HTTP group with the most APIs, and the HTTP group with the most
    bytes of models modules (each: target at most ``--max-import-ratio``, 1.3); + touching
    every group (target: at most ``--max-all-groups-ratio``, 4); + then building every model
    (``model_rebuild``), what a program pays on first use of each model since they build
    lazily (``defer_build``).
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
    the timeout to the httpx client; the client passes its own (no measurable difference). The
    runtime parses each ``base_url + path`` once and reuses the ``httpx.URL`` (immutable), where
    the baseline's string is parsed on every call as httpx does: about 25 us of the raw call,
    which is why the runtime's own gap can be negative.
    CPU time of the process (the sync client sends on a worker thread), interleaved rounds, best
    per-call time of each. The gap is broken down by adding the client's steps to the raw call
    one at a time (the runtime's helpers are looked up by name in its modules, wherever the
    runtime keeps them). Target: at most ``--max-call-ratio`` (1.0). ``--calls-only`` runs (c)
    alone.

Prints a table; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import shutil
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
from kiwoom_codegen.regen.writer import write_tree

from benchmarks import workbooks
from benchmarks.workbooks import Workbook

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
    """One cold render in this process (an empty cache of its own, black in this process so
    that its time can be taken apart; bench_generate measures the real command)."""
    import datamodel_code_generator
    from kiwoom_codegen.emit import format_units, formatting

    os.environ["KIWOOM_CODEGEN_CACHE"] = str(out.parent / "cache-cold")
    os.environ["KIWOOM_CODEGEN_JOBS"] = "1"
    format_units._FORMATTED.clear()  # black's results of an earlier workbook in this process
    t0 = time.perf_counter()
    loaded = load([workbook], use_config=False)
    t1 = time.perf_counter()
    black_s, dcg_s = [0.0], [0.0]
    with (
        timed_calls(formatting, "format_source", black_s),
        # format_units holds its own reference to format_source (each statement's black run)
        timed_calls(format_units, "format_source", black_s),
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


CHILD = """
import json, sys, time
start, cpu = time.perf_counter(), time.process_time()
{code}
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
with open("/proc/self/status") as fh:  # peak RSS of this process image (ru_maxrss is inherited)
    rss = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
print(json.dumps({{"wall": wall, "cpu": cpu, "rss": rss}}))
"""
# Groups are attribute paths ("credit_orders", "us.chart"); "" (au10001/au10002) is the
# client's own methods, not a group.
CLIENT = (
    f"import operator, {PACKAGE}\n"
    f"client = {PACKAGE}.KiwoomClient(appkey='k', secretkey='s', env='mock')\n"
    f"ops = {PACKAGE}.OPERATIONS.values()\n"
    "groups = sorted({op.group for op in ops if op.transport == 'http' and op.group})\n"
)
ONE_GROUP = (
    "client.credit_orders if 'credit_orders' in groups else operator.attrgetter(groups[0])(client)"
)
TOUCH = "operator.attrgetter({group!r})(client)"
# Run once in a child: the HTTP group with the most APIs and the one with the most bytes of
# models modules (a group's models may be one module or several).
LARGEST = f"""
import collections, importlib.util, json, os, {PACKAGE}
ops = [op for op in {PACKAGE}.OPERATIONS.values() if op.transport == "http" and op.group]
apis = collections.Counter(op.group for op in ops)
modules = collections.defaultdict(set)
for op in ops:
    modules[op.group].add(op.models_module)
def size(name):  # the group's module and the modules of its APIs (models/_<group>/)
    spec = importlib.util.find_spec(name, {PACKAGE}.__name__)
    if not (spec and spec.origin):
        return 0
    folder = os.path.join(os.path.dirname(spec.origin), "_" + name.rsplit(".", 1)[-1])
    parts = [os.path.join(folder, f) for f in os.listdir(folder)] if os.path.isdir(folder) else []
    own = sum(os.path.getsize(p) for p in parts if p.endswith(".py"))
    return os.path.getsize(spec.origin) + own
sizes = {{g: sum(size(m) for m in ms) for g, ms in modules.items()}}
most = max(sorted(apis), key=lambda g: apis[g])
biggest = max(sorted(sizes), key=lambda g: sizes[g])
print(json.dumps({{"most_apis": [most, apis[most], sizes[most]],
                  "largest_models": [biggest, apis[biggest], sizes[biggest]]}}))
"""


def largest_groups(python_dir: Path) -> dict[str, list[Any]]:
    """{"most_apis": [group, APIs, models bytes], "largest_models": [...]} of the package."""
    done = subprocess.run(
        [sys.executable, "-c", LARGEST],
        env={**os.environ, "PYTHONPATH": str(python_dir)},
        check=True,
        capture_output=True,
        text=True,
    )
    found: dict[str, list[Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


ALL_GROUPS = "[operator.attrgetter(g)(client) for g in groups]"
# The first validation of every request model: with defer_build, what importing used to pay
# (each model's validator is built on first use), measured after "all groups".
FIRST_USE = """
import importlib
t0 = time.perf_counter()
for op in {pkg}.OPERATIONS.values():
    module = importlib.import_module(op.models_module, {pkg}.__name__)
    for name in (op.request_model_name, op.response_model_name):
        getattr(module, name).model_rebuild()  # builds the deferred validator and serializer
print(json.dumps({{"first_use": time.perf_counter() - t0}}), file=sys.stderr)
"""


def bench_import(python_dir: Path, runs: int, largest: dict[str, list[Any]]) -> dict[str, float]:
    """Fresh processes, interleaved, median wall (in-process, from before the first import to
    after the last statement) and peak RSS of each; after two warm-up runs each."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
    }
    # The same package with every model built eagerly (defer_build=False): the trade-off.
    eager_dir = python_dir.parent / "eager" / "python"
    shutil.copytree(python_dir, eager_dir, dirs_exist_ok=True)
    for module in (eager_dir / PACKAGE / "models").glob("*.py"):
        text = module.read_text(encoding="utf-8")
        module.write_text(text.replace("defer_build=True", "defer_build=False"), encoding="utf-8")
    eager = "# eager\n"
    commands = {
        "baseline": "import httpx, pydantic",
        "client": f"import {PACKAGE}; {PACKAGE}.KiwoomClient",
        "one_group": CLIENT + ONE_GROUP,
        "most_apis": CLIENT + TOUCH.format(group=largest["most_apis"][0]),
        "largest_models": CLIENT + TOUCH.format(group=largest["largest_models"][0]),
        "all_groups": CLIENT + ALL_GROUPS,
        "first_use": CLIENT + ALL_GROUPS + "\n" + FIRST_USE.format(pkg=PACKAGE),
        "eager_one_group": eager + CLIENT + ONE_GROUP,
        "eager_all_groups": eager + CLIENT + ALL_GROUPS,
    }

    def once(code: str) -> dict[str, float]:
        path = eager_dir if code.startswith(eager) else python_dir
        done = subprocess.run(
            [sys.executable, "-c", CHILD.format(code=code)],
            env={**env, "PYTHONPATH": str(path)},
            check=True,
            cwd=python_dir.parent,
            capture_output=True,
            text=True,
        )
        out: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
        if done.stderr.strip():
            out.update(json.loads(done.stderr.strip().splitlines()[-1]))
        return out

    for code in commands.values():  # warm up: bytecode caches and the file cache
        once(code)
        once(code)
    samples: dict[str, list[dict[str, float]]] = {k: [] for k in commands}
    for _ in range(runs):
        for key, code in commands.items():
            samples[key].append(once(code))
    out: dict[str, float] = {}
    for key, runs_of in samples.items():
        for measure in runs_of[0]:
            out[f"{key}_{measure}"] = statistics.median(r[measure] for r in runs_of)
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
    """Per-call CPU seconds of each round: of the whole process, since the sync client sends on
    a worker thread (its deadline holds while headers arrive slowly: docs/wire.md)."""
    out = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(calls):
            fn()
        out.append((time.process_time() - start) / calls)
    return out


def check_same_request(pkg: Any) -> None:
    """The baseline and the client put the same request on the wire (URL, headers, body)."""
    sent: list[tuple[str, list[tuple[str, str]], bytes]] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append((str(request.url), list(request.headers.items()), request.content))
        return _handler(request)

    with httpx.Client(transport=httpx.MockTransport(record), base_url=BASE_URL) as http:
        http.post(BASE_URL + CRDORDR, json=BUY, headers=HEADERS).json()
        client = pkg.KiwoomClient(
            access_token=TOKEN, base_url=BASE_URL, http_client=http, rate_limit=False
        )
        client.credit_orders.buy(**BUY)
    raw, generated = sent
    assert raw == generated, f"the baseline differs from the client's request:\n{raw}\n{generated}"


def runtime_function(package_dir: Path, name: str) -> Any:
    """A function of the generated package's runtime, from whichever private module holds it
    (the runtime has been split into modules before: ``_client`` -> ``_request``, ...)."""
    for path in sorted(package_dir.glob("_*.py")):
        if f"def {name}(" in path.read_text(encoding="utf-8"):
            return getattr(importlib.import_module(f"{PACKAGE}.{path.stem}"), name)
    raise LookupError(f"no runtime module of {package_dir} defines {name}()")


def bench_calls(python_dir: Path, rounds: int, calls: int) -> dict[str, Any]:
    sys.path.insert(0, str(python_dir))
    pkg = importlib.import_module(PACKAGE)
    build_headers = runtime_function(python_dir / PACKAGE, "build_headers")
    json_object = runtime_function(python_dir / PACKAGE, "json_object")
    strip_not_given = runtime_function(python_dir / PACKAGE, "strip_not_given")
    op = pkg.OPERATIONS["kt10006"]
    check_same_request(pkg)
    http = httpx.Client(transport=httpx.MockTransport(_handler), base_url=BASE_URL)
    client = pkg.KiwoomClient(
        access_token=TOKEN, base_url=BASE_URL, http_client=http, rate_limit=False
    )
    url = BASE_URL + CRDORDR
    request_model, response_model = op.request_model, op.response_model
    timeout = client.timeout

    def raw() -> object:
        return http.post(url, json=BUY, headers=HEADERS).json()["ord_no"]

    def encoded_request() -> httpx.Request:  # the request model: validate, serialise once
        model = request_model.model_validate(strip_not_given(BUY))
        content = model.__pydantic_serializer__.to_json(model, by_alias=True, exclude_unset=True)
        return http.build_request(
            "POST", url, content=content, headers=build_headers("kt10006", TOKEN),
            timeout=timeout,
        )  # fmt: skip

    def raw_validated() -> object:  # + the request model
        return http.send(encoded_request()).json()["ord_no"]

    def raw_both_models() -> object:  # + the response model (parsed as the runtime parses it)
        body = json_object(http.send(encoded_request()).content)
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


def bench_generation_and_import(
    args: argparse.Namespace, book: Workbook, tmp: Path, rows: list[Row]
) -> bool:
    """(a) and (b) on one workbook; appends their rows and returns True when an import target
    is missed."""
    print(
        f"{book.description}; {workbooks.cores()}; generating (takes a while)...",
        flush=True,
    )
    gen = bench_generation(book.path, tmp / "generated")
    total = gen["total"]

    def part(label: str, key: str, digits: int = 1) -> Row:
        return Row(f"    {label}", f"{gen[key]:.{digits}f} s", f"{gen[key] / total:.0%}")

    gen["other"] = gen["render"] - gen["black"] - gen["dcg"]
    gen_rows = [
        Row(f"[{book.label}] ({workbooks.cores()})", ""),
        Row(f"(a) generate {gen['apis']:.0f} APIs, {gen['files']:.0f} files", f"{total:.1f} s"),
        part("parse (load to model)", "parse"),
        part("render: black (one process)", "black"),
        part("render: datamodel-code-generator", "dcg"),
        part("render: the rest (views, templates)", "other"),
        part("write (atomic)", "write", 2),
    ]
    rows += gen_rows
    print(table(gen_rows), flush=True)

    python_dir = tmp / "generated" / "python"
    largest = largest_groups(python_dir)
    imp = bench_import(python_dir, args.import_runs, largest)
    # The verdict uses CPU time: on a machine shared with other work, wall-clock time of a
    # short process mostly measures the others.
    base = imp["baseline_cpu"]
    limit, limit_all = args.max_import_ratio, args.max_all_groups_ratio

    def mib(key: str) -> str:
        return f"{imp[key] / 1024:.0f} MiB"

    def ms(key: str) -> str:
        return f"{imp[key + '_cpu'] * 1e3:.0f} ms cpu ({imp[key + '_wall'] * 1e3:.0f} wall)"

    missed = False

    def touch(label: str, key: str, limit: float) -> Row:
        nonlocal missed
        ratio = imp[f"{key}_cpu"] / base
        missed |= ratio > limit
        verdict = "ok" if ratio <= limit else f"FAIL > {limit}"
        return Row(label, f"{ms(key)}, {mib(key + '_rss')}", f"{ratio:.2f}x", verdict)

    most, biggest = largest["most_apis"], largest["largest_models"]
    import_rows = [
        Row("(b) import httpx, pydantic", f"{ms('baseline')}, {mib('baseline_rss')}"),
        Row(f"    import {PACKAGE}", f"{ms('client')}, {mib('client_rss')}",
            f"{imp['client_cpu'] / base:.2f}x"),
        touch("    + client, touch one group (credit_orders)", "one_group", limit),
        touch(f"    + client, touch the group of most APIs ({most[0]}: {most[1]} APIs, "
              f"{most[2] / 1024:.0f} KiB of models)", "most_apis", limit),
        touch(f"    + client, touch the group of most models ({biggest[0]}: {biggest[1]} APIs, "
              f"{biggest[2] / 1024:.0f} KiB)", "largest_models", limit),
        touch("    + client, touch every group", "all_groups", limit_all),
        Row("    + then build every model (first use)",
            f"{imp['first_use_first_use'] * 1e3:.0f} ms more, {mib('first_use_rss')}"),
        Row("    eager models (defer_build=False): one group",
            f"{ms('eager_one_group')}, {mib('eager_one_group_rss')}",
            f"{imp['eager_one_group_cpu'] / base:.2f}x"),
        Row("    eager models (defer_build=False): every group",
            f"{ms('eager_all_groups')}, {mib('eager_all_groups_rss')}",
            f"{imp['eager_all_groups_cpu'] / base:.2f}x"),
    ]  # fmt: skip
    rows += import_rows
    print(table(import_rows), flush=True)
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apis", type=int, default=337, help="size of the synthetic workbook")
    parser.add_argument("--import-runs", type=int, default=10, help="subprocess runs of each")
    parser.add_argument("--call-rounds", type=int, default=30, help="interleaved rounds")
    parser.add_argument("--calls", type=int, default=200, help="calls per round")
    parser.add_argument(
        "--max-import-ratio", type=float, default=1.3, help="one group, and the largest"
    )
    parser.add_argument("--max-all-groups-ratio", type=float, default=4.0)
    parser.add_argument("--quick", action="store_true", help="fewer runs and rounds")
    parser.add_argument("--max-call-ratio", type=float, default=1.0)
    parser.add_argument("--calls-only", action="store_true", help="run (c) alone, skip (a), (b)")
    workbooks.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.import_runs, args.call_rounds = min(args.import_runs, 5), min(args.call_rounds, 10)

    failed = False
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench_client_") as tmp:
        if not args.calls_only:
            books = workbooks.prepare(args, args.apis, Path(tmp) / "books")
            for k, book in enumerate(books):
                failed |= bench_generation_and_import(args, book, Path(tmp) / f"run-{k}", rows)

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
