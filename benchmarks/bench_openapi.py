"""How long the OpenAPI emitter takes on a full-size synthetic workbook (benchmarks/synth.py).

    python benchmarks/bench_openapi.py [N_APIS]      # default 337

Each stage is timed (best of 3) and shown with its ratio to a baseline measured in the same run:
``Spec.dumps()``, the model's own JSON, so that figures compare across machines. The YAML is
written by libyaml's emitter when PyYAML has it (the default) and by PyYAML's pure-Python one
(the fallback); both write the same bytes.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiwoom_codegen.emit.openapi import (
    FAST_DUMPER,
    PURE_DUMPER,
    build_document,
    dumps_json,
    dumps_yaml,
)
from kiwoom_codegen.model.load import load

from benchmarks.synth import write_synthetic


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 337
    with tempfile.TemporaryDirectory() as tmp:
        spec = load([write_synthetic(Path(tmp) / "synthetic.xlsx", n=n)], use_config=False).spec
    baseline, _ = best_of(spec.dumps)
    build, doc = best_of(lambda: build_document(spec, spec.content_hash()))
    as_json, json_bytes = best_of(lambda: dumps_json(doc))
    as_yaml, yaml_bytes = best_of(lambda: dumps_yaml(doc, dumper=FAST_DUMPER))
    pure, _ = best_of(lambda: dumps_yaml(doc, dumper=PURE_DUMPER), repeat=1)
    total = build + as_json + as_yaml
    print(
        f"{len(spec.apis)} APIs, {len(doc['paths'])} operations, "
        f"{len(doc['components']['schemas'])} schemas; "
        f"openapi.json {len(json_bytes) / 1e6:.1f} MB, openapi.yaml {len(yaml_bytes) / 1e6:.1f} MB"
    )
    rows = [
        ("baseline: Spec.dumps()", baseline),
        ("build the document", build),
        ("openapi.json", as_json),
        (f"openapi.yaml ({FAST_DUMPER.__mro__[1].__name__})", as_yaml),
        ("openapi.yaml (SafeDumper, pure Python)", pure),
        ("emit total (build + json + yaml)", total),
    ]
    for label, seconds in rows:
        print(f"{label:42} {seconds * 1000:9.1f} ms  {seconds / baseline:6.1f}x baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
