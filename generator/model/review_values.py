"""The value meanings of `kiwoom-codegen review`: every String field's mined kind, with counts.

One line per field (API, part, path, kind, number and scale, the rule's source and reason),
then the counts per kind and per source. The JSON form adds a ``values`` object to review's
document. A maintainer corrects a decision with ``value``/``scale``/``strip`` in
``specs/overrides.toml`` (see docs/values.md).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ..escape import json_text, md_cell
from .core import Spec
from .numeric import KINDS, string_fields


def one_line(text: str) -> str:
    """A cell's text on one line: its lines joined with ⏎."""
    return " ⏎ ".join(part.strip() for part in text.splitlines() if part.strip())


def md_table_cell(text: str) -> str:
    """One Markdown table cell of the review (the one escaper's :func:`md_cell`): pipes, links,
    images, HTML, bare URLs, bidi controls and line breaks made inert."""
    return md_cell(one_line(text)) or " "


def value_entries(spec: Spec) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for api in spec.apis:
        for part, f in string_fields(api):
            v = f.value
            out.append(
                {
                    "api": api.id,
                    "part": part,
                    "field": f.name,
                    "label": f.label,
                    "kind": v.kind,
                    "number": v.number or None,
                    "scale": v.scale,
                    "strip": v.strip or None,
                    "source": v.source,
                    "reason": v.reason,
                }
            )
    return out


def value_counts(items: list[dict[str, Any]]) -> dict[str, Any]:
    kinds = Counter(e["kind"] for e in items)
    sources = Counter(e["source"] for e in items)
    return {
        "kinds": {k: kinds.get(k, 0) for k in KINDS},
        "sources": dict(sorted(sources.items())),
        "total": len(items),
    }


def summary(items: list[dict[str, Any]]) -> str:
    c = value_counts(items)
    kinds = ", ".join(f"{n} {k}" for k, n in c["kinds"].items() if n)
    sources = ", ".join(f"{n} by {s}" for s, n in c["sources"].items())
    return f"{c['total']} value meanings: {kinds or 'none'} ({sources or 'no fields'})"


def _shape(e: dict[str, Any]) -> str:
    shown = str(e["kind"])
    if e["number"]:
        shown += f" {e['number']}"
    if e["scale"]:
        shown += f" scale {e['scale']}"
    if e["strip"]:
        shown += f" strip {e['strip']!r}"
    return shown


def _one_line(text: str) -> str:
    return " ".join(text.split())


def add_values(text: str, spec: Spec, fmt: str) -> str:
    """Review's output (``text`` in ``fmt``) with the value meanings added."""
    items = value_entries(spec)
    if fmt == "json":
        doc: dict[str, Any] = json.loads(text)
        doc["values"] = {"fields": items, "counts": value_counts(items)}
        return json_text(doc, indent=2, sort_keys=True) + "\n"
    if fmt == "markdown":
        _md = md_table_cell
        lines = ["", "## Value meanings", "", summary(items), ""]
        lines += [
            "| API | Field | Label | Meaning | Source | Why |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for e in items:
            cells = [e["api"], f"{e['part']} {e['field']}", e["label"], _shape(e), e["source"]]
            lines.append("| " + " | ".join(_md(c) for c in [*cells, e["reason"]]) + " |")
        return text + "\n".join(lines) + "\n"
    lines = ["", "value meanings:"]
    for e in items:
        lines.append(
            f"{e['api']} {e['part']} {e['field']}: {_shape(e)} "
            f"[{e['source']}] {_one_line(e['reason'])!r}"
        )
    lines.append(summary(items))
    return text + "\n".join(lines) + "\n"
