"""The generated package's CHANGELOG.md: one entry per regeneration, newest on top.

The file is not owned by the generator (it is not in the manifest): plain ``generate`` runs carry
it over untouched and ``check`` ignores it. ``generate --changelog OLD`` adds an entry. Each entry
starts with a marker comment so that re-running the same regeneration replaces its entry instead
of adding a twin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .diff import DiffReport
from .diff_render import markdown_sections

TITLE = "# Changelog"
INTRO = (
    "Changes of the generated client, newest first. Entries are added by "
    "`kiwoom-codegen generate --changelog OLD` from a comparison of the spec editions."
)
_MARKER = re.compile(r"^<!-- kiwoom-codegen: version=(\S+) spec=(\S+) base=(\S+) -->$")


@dataclass(frozen=True)
class EntryId:
    version: str
    spec_hash: str
    base_hash: str

    def marker(self) -> str:
        return (
            f"<!-- kiwoom-codegen: version={self.version} spec={self.spec_hash} "
            f"base={self.base_hash} -->"
        )


def entry(report: DiffReport, ident: EntryId) -> str:
    bump, _ = report.suggested_bump()
    lines = [
        ident.marker(),
        f"## {ident.version} (suggested bump: {bump}; spec {ident.spec_hash[:12]})",
        "",
        f"Generated from the spec edition `{ident.spec_hash}`, compared with the previous "
        f"edition `{ident.base_hash}`.",
        "",
        *markdown_sections(report, "###"),
    ]
    return "\n".join(lines) + "\n"


def _is_boundary(line: str) -> bool:
    return bool(_MARKER.match(line)) or line.startswith("## ")


def top_entry(text: str) -> EntryId | None:
    """The marker of the newest generated entry, if the newest entry is a generated one."""
    for line in text.splitlines():
        if _is_boundary(line):
            m = _MARKER.match(line)
            return EntryId(*m.groups()) if m else None
    return None


def add_entry(existing: str | None, new_entry: str, ident: EntryId) -> str:
    """``existing`` with ``new_entry`` on top of the entries (under the title).

    When the newest entry is the same regeneration (same version, spec and previous spec), it
    is replaced rather than repeated. Text above the first entry (title, intro) is kept.
    """
    if not existing or not existing.strip():
        return f"{TITLE}\n\n{INTRO}\n\n{new_entry}"
    lines = existing.splitlines()
    first = next((i for i, line in enumerate(lines) if _is_boundary(line)), len(lines))
    head, rest = lines[:first], lines[first:]
    if rest and rest[0] == ident.marker():
        end = next(
            (i for i, line in enumerate(rest) if i > 1 and _is_boundary(line)),
            len(rest),
        )
        rest = rest[end:]
    if not any(line.startswith("# ") for line in head):
        head = [TITLE, "", *head]
    top = "\n".join(head).rstrip("\n")
    bottom = "\n".join(rest).strip("\n")
    parts = [top, new_entry.rstrip("\n")]
    if bottom:
        parts.append(bottom)
    return "\n\n".join(parts) + "\n"
