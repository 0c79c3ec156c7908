"""Measure the shape of a spec workbook: numbers only, for a synthetic workbook to follow.

    python -m benchmarks.calibrate EDITION.xlsx [-o benchmarks/calibration.json]

Reads the workbook with the project's own reader and model (``reader.read_inputs``,
``model.build.build_spec``; descriptions mined by ``model.describe.understand``, exactly as
``generate`` reads them) and writes what a synthetic workbook must reproduce to weigh as much as
the real one: per section (request body, response body; HTTP and WebSocket APIs apart) the field
rows per API, the list containers per API and their depth, the members per list, the
descriptions (length, share empty, share with line breaks, what the miner decides, the sizes of
the enumerations it finds), the value kinds ``model/numeric.py`` reads (direction, signed,
unsigned, code, date, text...), how often names and descriptions repeat, empty Type and Required
cells; the overview; the examples that are not valid JSON or hold several documents; the
variants (heading rows that split a response); the real-time field counts. Distributions are
given as quantiles (``p0`` ... ``p100`` in steps of 5) or, for small integers, as histograms. No
text of the workbook is written: Kiwoom's files stay outside the repository (docs/benchmarks.md,
"Calibration").

The output is deterministic: sorted keys, floats rounded to 4 places.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kiwoom_codegen.model.build import build_spec
from kiwoom_codegen.model.config import Config
from kiwoom_codegen.model.core import Api, Field, Transport, walk
from kiwoom_codegen.model.describe import understand
from kiwoom_codegen.problems import Problems
from kiwoom_codegen.reader.raw import RawBook, RawRow
from kiwoom_codegen.reader.workbook import read_inputs

DEFAULT_OUT = Path(__file__).resolve().parent / "calibration.json"
STEPS = tuple(range(0, 101, 5))  # the quantiles written for every distribution
SECTIONS = ("request_body", "response_body")
TRANSPORTS = ("http", "websocket")
_MODIFIED = re.compile(r"<dcterms:modified[^>]*>([^<]*)</dcterms:modified>")


def quantiles(values: Sequence[float]) -> dict[str, float]:
    """``p0`` ... ``p100`` (linear interpolation between the closest ranks); {} when empty."""
    if not values:
        return {}
    ordered = sorted(values)
    out: dict[str, float] = {}
    for p in STEPS:
        pos = (len(ordered) - 1) * p / 100
        lo = int(pos)
        hi = min(lo + 1, len(ordered) - 1)
        out[f"p{p}"] = _round(ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo))
    return out


def distribution(values: Sequence[float]) -> dict[str, Any]:
    """n, total, mean and quantiles; a histogram as well for a few distinct integers."""
    out: dict[str, Any] = {
        "n": len(values),
        "total": _round(sum(values)),
        "mean": _round(sum(values) / len(values)) if values else 0,
        "quantiles": quantiles(values),
    }
    if values and len(set(values)) <= 12 and all(float(v).is_integer() for v in values):
        out["histogram"] = histogram(int(v) for v in values)
    return out


def histogram(values: Iterable[int]) -> dict[str, int]:
    counts = Counter(values)
    return {str(k): counts[k] for k in sorted(counts)}


def share(part: int, whole: int) -> float:
    return _round(part / whole) if whole else 0.0


def _round(x: float) -> float:
    r = round(float(x), 4)
    return int(r) if r == int(r) else r


# --- the measures -----------------------------------------------------------------------------


def describe_fields(fields: Sequence[Field]) -> dict[str, Any]:
    """Descriptions, Type, Required and Length of these fields (containers included)."""
    n = len(fields)
    texts = [f.description for f in fields]
    filled = [t for t in texts if t]
    meanings = [understand(t) for t in filled]
    decisions = Counter(m.decision for m in meanings)
    enum_sizes = [len(m.enum) for m in meanings if m.enum]
    containers = [f for f in fields if f.children]
    types = Counter(f.type for f in fields)
    leaves = [f for f in fields if not f.children]
    return {
        "fields": n,
        "description": {
            "share_empty": share(n - len(filled), n),
            "chars": distribution([len(t) for t in filled]),  # of the non-empty ones
            "share_multiline": share(sum("\n" in t for t in filled), len(filled)),
            "lines": histogram(min(t.count("\n") + 1, 10) for t in filled),  # 10: ten or more
            "decisions": {k: share(v, len(filled)) for k, v in sorted(decisions.items())},
            "share_unit": share(sum(m.unit is not None for m in meanings), len(filled)),
            "share_unit_prose": share(
                sum(m.unit is not None and m.decision == "prose" for m in meanings), len(filled)
            ),
            "share_format": share(sum(m.format is not None for m in meanings), len(filled)),
        },
        "enumerations": {
            "count": len(enum_sizes),
            "share_of_fields": share(len(enum_sizes), n),
            "share_size_1": share(sum(s == 1 for s in enum_sizes), len(enum_sizes)),
            "sizes": histogram(enum_sizes),
            "values": distribution(enum_sizes),
            "share_closed": share(
                sum(m.enum_closed is True for m in meanings if m.enum), len(enum_sizes)
            ),
        },
        "type": {
            "share_empty": share(sum(not f.type for f in fields), n),
            "counts": {t or "(empty)": c for t, c in sorted(types.items())},
            "containers": len(containers),
            "containers_share_empty": share(sum(not f.type for f in containers), len(containers)),
        },
        "required": {
            "Y": share(sum(f.required is True for f in fields), n),
            "N": share(sum(f.required is False for f in fields), n),
            "empty": share(sum(f.required is None for f in fields), n),
        },
        "length": {"share_empty": share(sum(f.max_length is None for f in fields), n)},
        "label": {"chars": distribution([len(f.label) for f in fields])},
        "value_kinds": {  # what model/numeric.py makes of each leaf: direction, signed, ...
            k: share(c, len(leaves))
            for k, c in sorted(Counter(f.value.kind for f in leaves).items())
        },
    }


def vocabulary(fields: Sequence[Field]) -> dict[str, Any]:
    """How often names, descriptions and (name, description) pairs repeat across the leaf
    fields: histograms of multiplicities (``{"3": 148}``: 148 names occur three times)."""
    names = Counter(f.name for f in fields)
    texts = Counter(f.description for f in fields if f.description)
    pairs = Counter((f.name, f.description) for f in fields)
    return {
        "fields": len(fields),
        "empty_descriptions": sum(not f.description for f in fields),
        "names": {"distinct": len(names), "multiplicity": histogram(names.values())},
        "descriptions": {"distinct": len(texts), "multiplicity": histogram(texts.values())},
        "pairs": {"distinct": len(pairs), "multiplicity": histogram(pairs.values())},
        **describe_fields(fields),
    }


def leaf_fields(apis: Sequence[Api]) -> list[Field]:
    """Every field that is neither a list container nor a pushed real-time value (``values``'
    members, named by field id), in both sections and every variant."""
    out: list[Field] = []
    for api in apis:
        for section in SECTIONS:
            for tree in _body_trees(api, section):
                _leaves(tree, out)
    return out


def _leaves(fields: Sequence[Field], out: list[Field]) -> None:
    for f in fields:
        if f.children:
            if f.name != "values":
                _leaves(f.children, out)
        else:
            out.append(f)


def _body_trees(api: Api, section: str) -> list[tuple[Field, ...]]:
    """The body of one direction and of each of its variants."""
    message = api.request if section == "request_body" else api.response
    return [message.body, *(v.body for v in message.variants)]


def section_shape(apis: Sequence[Api], section: str) -> dict[str, Any]:
    rows: list[int] = []
    top: list[int] = []
    lists: list[int] = []
    members: dict[int, list[int]] = {1: [], 2: []}  # depth of the list -> members of each
    depth_counts: Counter[int] = Counter()  # deepest member depth per list container
    fields: list[Field] = []
    for api in apis:
        walked = [pair for tree in _body_trees(api, section) for pair in walk(tree)]
        rows.append(len(walked))
        top.append(sum(d == 0 for d, _ in walked))
        containers = [(d, f) for d, f in walked if f.children]
        lists.append(len(containers))
        for d, f in containers:
            members[min(d + 1, 2)].append(len(f.children))
            depth_counts[d + 1] += 1
        fields.extend(f for _, f in walked)
    return {
        "apis": len(apis),
        "field_rows": distribution(rows),
        "top_level_rows": distribution(top),
        "lists_per_api": distribution(lists),
        "apis_with_lists": sum(n > 0 for n in lists),
        "lists_by_depth": histogram(d for d, c in sorted(depth_counts.items()) for _ in range(c)),
        "members_per_list": {str(d): distribution(v) for d, v in members.items() if v},
        **describe_fields(fields),
    }


def realtime_shape(apis: Sequence[Api]) -> dict[str, Any]:
    """The pushed ``values`` of each WebSocket API: how many field ids it lists."""
    counts = []
    for api in apis:
        for tree in _body_trees(api, "response_body"):
            for _, f in walk(tree):
                if f.name == "values" and f.children:
                    counts.append(len(f.children))
    return {
        "apis": len(apis),
        "apis_with_values": len(counts),
        "values_fields": distribution(counts),
    }


def example_shape(apis: Sequence[Api], which: str) -> dict[str, Any]:
    examples = [getattr(a, f"{which}_example") for a in apis]
    present = [e for e in examples if e is not None and e.text]
    return {
        "present": len(present),
        "invalid": sum(not e.is_json for e in present),
        "share_invalid": share(sum(not e.is_json for e in present), len(present)),
        "multi_document": sum(len(e.parts) > 1 for e in present),
        "chars": distribution([len(e.text) for e in present]),
    }


def heading_rows(book: RawBook) -> dict[str, Any]:
    """Rows with only the Element cell filled (section headings), per table, before the model
    decides which of them open a variant."""
    per_api: list[int] = []
    for raw in book.apis:
        n = 0
        for table in (raw.request, raw.response):
            if table is not None:
                n += sum(_only_element(row) for row in table.rows)
        per_api.append(n)
    return {"total": sum(per_api), "apis_with_headings": sum(n > 0 for n in per_api)}


def _only_element(row: RawRow) -> bool:
    return bool(row.element) and not (
        row.label or row.type or row.required or row.length or row.description
    )


def edition_info(path: Path, apis: int) -> dict[str, Any]:
    data = path.read_bytes()
    saved = ""
    try:
        with zipfile.ZipFile(path) as z:
            m = _MODIFIED.search(z.read("docProps/core.xml").decode("utf-8", "replace"))
            saved = m.group(1) if m else ""
    except (KeyError, zipfile.BadZipFile):
        pass
    return {
        "file": path.name,
        "saved": saved,
        "apis": apis,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def calibrate(path: Path) -> dict[str, Any]:
    """The shape of the workbook at ``path`` (see the module's docstring)."""
    problems = Problems()
    book = read_inputs([path], problems)
    headings = heading_rows(book)
    spec = build_spec(book, Config(), problems, lenient_config=True)
    if problems.error_count:
        raise SystemExit(f"{path}: {problems.error_count} errors reading the workbook")
    apis = spec.apis
    by_transport = {
        "http": [a for a in apis if a.transport is Transport.HTTP],
        "websocket": [a for a in apis if a.transport is Transport.WEBSOCKET],
    }
    every: list[Field] = [
        f for a in apis for s in SECTIONS for tree in _body_trees(a, s) for _, f in walk(tree)
    ]
    variants = [len(a.response.variants) + len(a.request.variants) for a in apis]
    return {
        "edition": edition_info(path, len(apis)),
        "apis": {t: len(v) for t, v in by_transport.items()},
        "body_field_rows": len(every),
        "body": describe_fields(every),
        "vocabulary": vocabulary(leaf_fields(apis)),
        "sections": {
            s: {t: section_shape(v, s) for t, v in by_transport.items() if v} for s in SECTIONS
        },
        "overview": {
            "share_empty": share(sum(not a.overview for a in apis), len(apis)),
            "chars": distribution([len(a.overview) for a in apis if a.overview]),
            "lines": histogram(min(a.overview.count("\n") + 1, 10) for a in apis if a.overview),
        },
        "examples": {w: example_shape(apis, w) for w in ("request", "response")},
        "variants": {
            "apis_with_variants": sum(v > 0 for v in variants),
            "variants": sum(variants),
            "heading_rows": headings,
        },
        "realtime": realtime_shape(by_transport["websocket"]),
    }


# What a synthetic workbook must reproduce of a calibration, and how closely: (path into the
# calibration, "rel" (a relative difference) or "abs" (points of a share), tolerance).
TOLERANCES: tuple[tuple[str, str, float], ...] = (
    ("body_field_rows", "rel", 0.05),
    ("sections.request_body.http.field_rows.total", "rel", 0.05),
    ("sections.response_body.http.field_rows.total", "rel", 0.05),
    ("sections.response_body.http.apis_with_lists", "rel", 0.10),
    ("body.type.containers", "rel", 0.10),
    ("body.type.share_empty", "abs", 0.05),
    ("body.type.containers_share_empty", "abs", 0.05),
    ("body.required.Y", "abs", 0.05),
    ("body.length.share_empty", "abs", 0.10),
    ("body.description.share_empty", "abs", 0.05),
    ("body.description.chars.quantiles.p50", "rel", 0.15),
    ("body.description.chars.quantiles.p90", "rel", 0.15),
    ("body.description.share_multiline", "abs", 0.02),
    ("body.description.share_unit", "abs", 0.05),
    ("body.description.decisions.closed enum", "abs", 0.03),
    ("body.description.decisions.open enum", "abs", 0.03),
    ("body.description.decisions.format", "abs", 0.03),
    ("body.enumerations.count", "rel", 0.10),
    ("body.enumerations.values.mean", "rel", 0.10),
    ("body.enumerations.share_size_1", "abs", 0.02),
    ("body.enumerations.sizes", "tv", 0.10),  # total variation distance of the histograms
    ("body.value_kinds", "tv", 0.10),  # direction, signed, unsigned, code, date, text...
    ("vocabulary.names.distinct", "rel", 0.10),
    ("vocabulary.descriptions.distinct", "rel", 0.10),
    ("vocabulary.pairs.distinct", "rel", 0.10),
    ("realtime.values_fields.total", "rel", 0.10),
    ("overview.chars.quantiles.p50", "rel", 0.15),
    ("examples.response.share_invalid", "abs", 0.05),
)


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part, 0) if isinstance(value, dict) else 0
    return value


def total_variation(a: dict[str, int], b: dict[str, int]) -> float:
    """Half the sum of the differences of two histograms' shares (0: the same, 1: disjoint)."""
    ta, tb = sum(a.values()) or 1, sum(b.values()) or 1
    return sum(abs(a.get(k, 0) / ta - b.get(k, 0) / tb) for k in {*a, *b}) / 2


def compare(measured: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    """One line per figure of :data:`TOLERANCES` that ``measured`` misses; [] when all hold."""
    misses = []
    for path, how, tolerance in TOLERANCES:
        got, want = _get(measured, path), _get(reference, path)
        if how == "tv":
            off = total_variation(got or {}, want or {})
        elif how == "abs":
            off = abs(got - want)
        else:
            off = abs(got - want) / want if want else float(got != want)
        if off > tolerance:
            misses.append(f"{path}: {got} against {want} ({how} {off:.3f} > {tolerance})")
    return misses


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.calibrate", description=__doc__)
    parser.add_argument("workbook", type=Path)
    parser.add_argument("-o", "--out", type=Path, default=None, help="write here (else stdout)")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CALIBRATION",
        help="compare with a calibration.json instead (exit 1 when a figure is off)",
    )
    args = parser.parse_args(argv)
    measured = calibrate(args.workbook)
    if args.against is not None:
        misses = compare(measured, json.loads(args.against.read_text(encoding="utf-8")))
        print("\n".join(misses) if misses else f"{args.workbook}: every figure within tolerance")
        return 1 if misses else 0
    text = dumps(measured)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
