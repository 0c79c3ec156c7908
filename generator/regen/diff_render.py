"""A DiffReport as text (one line per change), JSON (the documented, stable form) or Markdown."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..escape import json_text, md_cell, md_code_cell, terminal
from .diff import Change, DiffReport, Spelling


def render_json(report: DiffReport) -> str:
    return json_text(report.to_json(), indent=2, sort_keys=True) + "\n"


def short(value: Any, width: int = 60) -> str:
    """A value of a change on one line, for people."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        flat = " ".join(value.split())
        if len(flat) > width:
            flat = flat[: width - 1] + "…"
        return json.dumps(flat, ensure_ascii=False)
    if isinstance(value, list):
        return _clip("[" + ", ".join(str(v) for v in value) + "]", width)
    if isinstance(value, dict):
        return _clip(_describe(value), width)
    return _clip(str(value), width)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _describe(value: dict[str, Any]) -> str:
    if "value" in value and "label" in value:  # an enumeration value
        return f"{value['value']} ({value['label']})" if value["label"] else str(value["value"])
    if "field" in value and "in" in value:  # a required_if condition
        return f"when {value['field']} in [{', '.join(value['in'])}]"
    if "path" in value:  # an API
        return f"{value['name']}: {value['method']} {value['path']} ({value['python']})"
    if "type" in value:  # a field
        parts = [value["type"] or "untyped", "required" if value["required"] else "optional"]
        if value.get("max_length") is not None:
            parts.append(f"max {value['max_length']}")
        if value.get("members"):
            parts.append("members " + ", ".join(value["members"]))
        label = f" ({value['label']})" if value.get("label") else ""
        return ", ".join(parts) + label
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _focus(old: str, new: str, width: int) -> tuple[str, str]:
    """Two long texts cut to the stretch where they start to differ, so that the change shows."""
    a, b = " ".join(old.split()), " ".join(new.split())
    if max(len(a), len(b)) <= width:
        return a, b
    same = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    start = max(0, same - width // 4)
    lead = "…" if start else ""
    return lead + a[start:], lead + b[start:]


def pair(old: Any, new: Any, width: int) -> tuple[str, str]:
    """Both sides of a change for people (texts focused on where they differ)."""
    if isinstance(old, str) and isinstance(new, str):
        old, new = _focus(old, new, width)
    return short(old, width), short(new, width)


def _what(c: Change, width: int) -> str:
    if c.old is None and c.new is not None:
        return f"+ {short(c.new, width)}"
    if c.new is None and c.old is not None:
        return f"- {short(c.old, width)}"
    old, new = pair(c.old, c.new, width)
    return f"{old} -> {new}"


def summary_line(report: DiffReport) -> str:
    s = report.summary()
    if not s["total"]:
        return "no changes. Suggested bump: none"
    return (
        f"{s['total']} change(s): {s['breaking']} breaking, {s['non_breaking']} non-breaking; "
        f"{s['apis_added']} API(s) added, {s['apis_removed']} removed; {s['wire']} change the "
        f"traffic (wire). Suggested bump: {s['suggested_bump']} ({s['note']})"
    )


def render_text(report: DiffReport) -> str:
    """One line per change (one naming the APIs for a change made alike in several),
    breaking first; a line per Type spelling pair; then the summary."""
    lines: list[str] = []
    listed, spellings = report.for_people()
    for c, apis in listed:
        flag = "BREAKING" if c.breaking else ""
        wire = "  [wire]" if c.wire else ""
        line = f"{flag:<8}  {_apis(apis)}  {c.location}  {c.kind}: {_what(c, 60)}{wire}"
        lines.append(terminal(line))
    for sp in spellings:
        old, new = pair(sp.old, sp.new, 60)
        line = f"{'':<8}  {_apis(sp.api_ids)}  *  type: {old} -> {new} ({_spelled(sp)}; "
        line += "--format json lists each)"
        lines.append(terminal(line))
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _apis(api_ids: Sequence[str], shown: int = 3) -> str:
    """``ka1``; ``ka1, ka2, ka3 +205`` for a change made in several APIs."""
    more = f" +{len(api_ids) - shown}" if len(api_ids) > shown else ""
    return ", ".join(api_ids[:shown]) + more


def _spelled(sp: Spelling) -> str:
    return (
        f"{sp.fields} field(s) in {len(sp.api_ids)} API(s): the Type cell's spelling only, each "
        "field read as the same kind"
    )


def markdown_table(changes: Sequence[tuple[Change, tuple[str, ...]]]) -> list[str]:
    """A row per change, with the APIs it is made in (see ``DiffReport.for_people``)."""
    lines = [
        "| API | Change | Location | Old | New | Wire |",
        "|---|---|---|---|---|---|",
    ]
    for c, apis in changes:
        old, new = pair(c.old, c.new, 80)
        cells = [
            md_cell(_apis(apis, 8)),
            md_code_cell(c.kind),
            md_code_cell(c.location),
            "" if c.old is None else md_cell(old),
            "" if c.new is None else md_cell(new),
            "yes" if c.wire else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def markdown_sections(report: DiffReport, heading: str = "###") -> list[str]:
    """The changes as Markdown: a summary, then breaking changes, then the others."""
    bump, note = report.suggested_bump()
    s = report.summary()
    lines = [
        f"Suggested bump: **{bump}** ({note}).",
        "",
    ]
    if not report.changes:
        lines.append("No changes in the API surface.")
        return lines
    lines.append(
        f"{s['total']} change(s): {s['breaking']} breaking, {s['non_breaking']} non-breaking; "
        f"{s['apis_added']} API(s) added, {s['apis_removed']} removed; {s['wire']} change the "
        "HTTP traffic."
    )
    listed, spellings = report.for_people()
    for title, changes in (
        ("Breaking changes", [(c, apis) for c, apis in listed if c.breaking]),
        ("Other changes", [(c, apis) for c, apis in listed if not c.breaking]),
    ):
        if changes:
            lines += ["", f"{heading} {title}", "", *markdown_table(changes)]
    if spellings:
        lines += ["", f"{heading} Type cells respelled", ""]
        for sp in spellings:
            old, new = pair(sp.old, sp.new, 80)
            lines.append(
                f"- {md_cell(old)} → {md_cell(new)}: {md_cell(_spelled(sp))} "
                f"({md_cell(_apis(sp.api_ids, 8))})"
            )
    return lines


def render_markdown(report: DiffReport) -> str:
    return "\n".join(["## API changes", "", *markdown_sections(report)]) + "\n"


FORMATS = {"text": render_text, "json": render_json, "markdown": render_markdown}
