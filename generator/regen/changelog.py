"""The generated package's CHANGELOG.md: one entry per regeneration, newest on top.

The file is not owned by the generator (it is not in the manifest): plain ``generate`` runs carry
it over untouched and ``check`` ignores it. ``generate --changelog OLD`` adds an entry. Each entry
starts with a marker comment so that re-running the same regeneration replaces its entry instead
of adding a twin.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from ..escape import md_text, split_lines
from .diff import MAJOR, MINOR, NONE, PATCH, DiffReport, next_version
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
        f"## {md_text(ident.version)} (suggested bump: {bump}; spec {ident.spec_hash[:12]})",
        "",
        f"Generated from the spec edition `{ident.spec_hash}`, compared with the previous "
        f"edition `{ident.base_hash}`.",
        "",
        *markdown_sections(report, "###"),
    ]
    return "\n".join(lines) + "\n"


def _is_boundary(line: str) -> bool:
    return bool(_MARKER.match(line)) or line.startswith("## ")


def entries(text: str) -> list[EntryId]:
    """The markers of every generated entry, newest first."""
    lines = split_lines(text.replace("\r\n", "\n"))
    return [EntryId(*m.groups()) for line in lines if (m := _MARKER.match(line))]


def _version_key(version: str) -> tuple[int, ...] | None:
    m = re.match(r"^(\d+)\.(\d+)\.(\d+)(.*)$", version)
    if m is None:
        return None
    major, minor, patch = (int(x) for x in m.groups()[:3])
    return (major, minor, patch, 0 if m.group(4) else 1)  # 1.0.0rc1 < 1.0.0


def _bump_between(old: tuple[int, ...], new: tuple[int, ...]) -> str:
    if new[0] > old[0]:
        return MAJOR
    if new[1] > old[1]:
        return MINOR
    return PATCH if new[2] > old[2] or new[3] > old[3] else NONE


_RANK = {NONE: 0, PATCH: 1, MINOR: 2, MAJOR: 3}


def released_version(text: str, base_hash: str, old_version: str | None) -> str | None:
    """The version the previous edition was released as: the changelog entry generated from it
    (its spec is ``base_hash``), else the newest entry of another regeneration, else the
    version in the previous edition's own package.toml (``old_version``), else unknown."""
    marks = entries(text)
    for mark in marks:
        if mark.spec_hash == base_hash:
            return mark.version
    for mark in marks:
        if mark.base_hash != base_hash:
            return mark.version
    return old_version


def version_problem(report: DiffReport, ident: EntryId, released: str | None) -> str | None:
    """Why ``ident.version`` cannot be the version of this entry, or None.

    It must be above the released version, and breaking changes need a major bump (a minor one
    below 1.0.0)."""
    if released is None:
        return None
    old, new = _version_key(released), _version_key(ident.version)
    if old is None or new is None:
        return None
    level, _ = dataclasses.replace(report, version=released).suggested_bump()
    wanted = next_version(released, level if level != NONE else PATCH)
    fix = f'set [package] version = "{wanted}" in package.toml and run again'
    if new <= old:
        return (
            f"version {ident.version} is not above {released}, the version already released "
            f"(suggested bump: {level}); {fix}"
        )
    if report.breaking:
        needed = MINOR if old[0] == 0 else MAJOR
        if _RANK[_bump_between(old, new)] < _RANK[needed]:
            return (
                f"{len(report.breaking)} breaking change(s) need a {needed} bump from "
                f"{released}, but {ident.version} is a {_bump_between(old, new)} bump; {fix}"
            )
    return None


def top_entry(text: str) -> EntryId | None:
    """The marker of the newest generated entry, if the newest entry is a generated one."""
    for line in split_lines(text.replace("\r\n", "\n")):
        if _is_boundary(line):
            m = _MARKER.match(line)
            return EntryId(*m.groups()) if m else None
    return None


def add_entry(existing: str | None, new_entry: str, ident: EntryId) -> str:
    """``existing`` with ``new_entry`` on top of the entries (under the title).

    When the newest entry is the same regeneration (same version and previous edition; the spec
    may have been corrected since), it is replaced rather than repeated, so a rerun never adds a
    twin heading. Text above the first entry (title, intro) is kept.
    """
    if not existing or not existing.strip():
        return f"{TITLE}\n\n{INTRO}\n\n{new_entry}"
    lines = split_lines(existing.replace("\r\n", "\n").rstrip("\n"))
    first = next((i for i, line in enumerate(lines) if _is_boundary(line)), len(lines))
    head, rest = lines[:first], lines[first:]
    top = _MARKER.match(rest[0]) if rest else None
    if top and (top.group(1), top.group(3)) == (ident.version, ident.base_hash):
        end = next(
            (i for i, line in enumerate(rest) if i > 1 and _is_boundary(line)),
            len(rest),
        )
        rest = rest[end:]
    if not any(line.startswith("# ") for line in head):
        head = [TITLE, "", *head]
    title = "\n".join(head).rstrip("\n")
    bottom = "\n".join(rest).strip("\n")
    parts = [title, new_entry.rstrip("\n")]
    if bottom:
        parts.append(bottom)
    return "\n\n".join(parts) + "\n"
