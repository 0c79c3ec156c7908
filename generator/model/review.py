"""What the description miner decided for each field, and why (`kiwoom-codegen review`).

Every field whose description the miner acted on (an enumeration, closed or open; a format; a
fixed value; a condition) or declined to (text that looked structured but was left prose, text
too long to mine), with the Description cell it read, the text, the decision and the reason. A
maintainer scans this for the whole workbook and writes `specs/overrides.toml` entries where the
miner was wrong. Renders text, JSON or Markdown; the command is in cli/review_cmd.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..escape import json_text, terminal
from .core import Field, Spec, walk
from .review_values import add_values
from .review_values import md_table_cell as _md
from .review_values import one_line as _one_line

FORMATS = ("text", "json", "markdown")
PARTS = (
    ("request.headers", "request", "headers"),
    ("request.body", "request", "body"),
    ("response.headers", "response", "headers"),
    ("response.body", "response", "body"),
)


@dataclass(frozen=True, slots=True)
class Entry:
    api: str
    part: str  # request.body, ...
    path: str  # wire names from the table's top, dotted: `rows.kind`
    cell: str  # where the description was read: file › 'sheet' › G23
    text: str
    decision: str
    reason: str
    enum: tuple[tuple[str, str | None], ...]
    enum_closed: bool | None
    default: str | None
    format: str | None
    fixed_value: str | None
    required_if: dict[str, Any] | None
    length_enforced: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "part": self.part,
            "path": self.path,
            "cell": self.cell,
            "text": self.text,
            "decision": self.decision,
            "reason": self.reason,
            "enum": [{"value": v, "label": label} for v, label in self.enum] or None,
            "enum_closed": self.enum_closed,
            "default": self.default,
            "format": self.format,
            "fixed_value": self.fixed_value,
            "required_if": self.required_if,
            "length_enforced": self.length_enforced,
        }


def _acted_on(f: Field) -> bool:
    m = f.mining
    return bool(f.description) and (m.decision != "prose" or m.declined)


def entries(spec: Spec) -> list[Entry]:
    out: list[Entry] = []
    for api in spec.apis:
        for part, direction, group in PARTS:
            fields = getattr(getattr(api, direction), group)
            path: list[str] = []
            for depth, f in walk(fields):
                del path[depth:]
                path.append(f.name)
                if not _acted_on(f):
                    continue
                m = f.mining
                out.append(
                    Entry(
                        api=api.id,
                        part=part,
                        path=".".join(path),
                        cell=str(m.source) if m.source else str(f.source),
                        text=f.description,
                        decision=m.decision,
                        reason=m.reason,
                        enum=tuple((e.value, e.label) for e in f.enum or ()),
                        enum_closed=f.enum_closed if f.enum is not None else None,
                        default=m.default,
                        format=f.format,
                        fixed_value=f.fixed_value,
                        required_if=None if f.required_if is None else f.required_if.to_json(),
                        length_enforced=f.max_length is not None and f.length_conflict() is None,
                    )
                )
    return out


def counts(items: Sequence[Entry]) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in items:
        out[e.decision] = out.get(e.decision, 0) + 1
    return dict(sorted(out.items()))


def summary_line(items: Sequence[Entry]) -> str:
    shown = ", ".join(f"{n} {d}" for d, n in counts(items).items())
    return f"{len(items)} fields reviewed" + (f": {shown}" if shown else "")


def _values(e: Entry) -> str:
    return ", ".join(f"{v}={label}" if label else v for v, label in e.enum)


def render_text(items: Sequence[Entry]) -> str:
    """For a terminal: every piece of spec text through the one escaper's :func:`terminal`
    (line breaks, escape sequences and bidi controls such as U+202E shown as escapes)."""
    lines: list[str] = []
    t = terminal
    for e in items:
        lines.append(f"{t(e.api)} {t(e.part)} {t(e.path)}: {t(e.decision)}")
        lines.append(f"    at:   {t(e.cell)}")
        lines.append(f"    text: {t(repr(_one_line(e.text)))}")
        if e.enum:
            lines.append(f"    values: {t(_values(e))}")
        lines.append(f"    why:  {t(e.reason)}")
    lines.append(summary_line(items))
    return "\n".join(lines) + "\n"


def render_json(items: Sequence[Entry]) -> str:
    doc = {"fields": [e.to_json() for e in items], "counts": counts(items)}
    return json_text(doc, indent=2, sort_keys=True) + "\n"


def render_markdown(items: Sequence[Entry]) -> str:
    lines = [
        "# Description mining review",
        "",
        summary_line(items),
        "",
        "| API | Field | Cell | Decision | Values | Why | Text |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in items:
        cells = [e.api, f"{e.part} {e.path}", e.cell, e.decision, _values(e), e.reason, e.text]
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


RENDER: dict[str, Callable[[Sequence[Entry]], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}


def render(spec: Spec, fmt: str) -> str:
    return add_values(RENDER[fmt](entries(spec)), spec, fmt)
