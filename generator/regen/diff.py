"""Compare two editions of the docs as models, and classify every change for the client's users.

Fields are matched by wire name within their parent (LIST members at any depth); a field whose
name vanished in one parent and appeared in another of the same direction is a move. Each
change says whether it breaks code written against the generated client (``breaking``), whether
the HTTP traffic changes (``wire``: path, api-id, body shape, values sent), and how much of a
version bump it asks for. The vocabulary of ``kind`` and the JSON form are documented in
docs/regenerating.md and kept stable.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Api, Condition, EnumValue, Field, Kind, Message, Spec

MAJOR, MINOR, PATCH, NONE = "major", "minor", "patch", "none"
PythonName = tuple[str | None, str | None]  # (group, method) from a names table
_RANK = {NONE: 0, PATCH: 1, MINOR: 2, MAJOR: 3}


@dataclass(frozen=True, slots=True)
class Change:
    api_id: str | None  # None for spec-wide changes (error codes)
    kind: str
    location: str
    old: Any
    new: Any
    breaking: bool
    wire: bool
    level: str  # major | minor | patch: the bump this change alone asks for

    def sort_key(self) -> tuple[Any, ...]:
        api = self.api_id or ""
        return (
            self.api_id is None,
            api.lower(),
            api,
            self.location,
            self.kind,
            repr(self.old),
            repr(self.new),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "api_id": self.api_id,
            "kind": self.kind,
            "location": self.location,
            "old": self.old,
            "new": self.new,
            "breaking": self.breaking,
            "wire": self.wire,
        }


@dataclass(frozen=True)
class DiffReport:
    changes: tuple[Change, ...]  # sorted by api id, location, kind
    version: str  # the package version the bump is suggested for (package.toml)

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    @property
    def non_breaking(self) -> list[Change]:
        return [c for c in self.changes if not c.breaking]

    def suggested_bump(self) -> tuple[str, str]:
        """(major|minor|patch|none, why)."""
        level = max((c.level for c in self.changes), key=_RANK.__getitem__, default=NONE)
        if level == MAJOR and _below_one(self.version):
            return MINOR, (
                f"breaking changes, but version {self.version} is below 1.0.0, where a minor "
                "bump signals them"
            )
        why = {
            MAJOR: "breaking changes",
            MINOR: "additions or non-breaking changes to the interface",
            PATCH: "documentation only: descriptions, labels, examples, order",
            NONE: "no changes",
        }[level]
        return level, why

    def summary(self) -> dict[str, Any]:
        bump, note = self.suggested_bump()
        return {
            "apis_added": sum(1 for c in self.changes if c.kind == "api_added"),
            "apis_removed": sum(1 for c in self.changes if c.kind == "api_removed"),
            "breaking": len(self.breaking),
            "non_breaking": len(self.non_breaking),
            "total": len(self.changes),
            "wire": sum(1 for c in self.changes if c.wire),
            "suggested_bump": bump,
            "version": self.version,
            "note": note,
        }

    def to_json(self) -> dict[str, Any]:
        return {"changes": [c.to_json() for c in self.changes], "summary": self.summary()}

    def for_people(self) -> tuple[list[tuple[Change, tuple[str, ...]]], list[Spelling]]:
        """The changes to list, each with the APIs it is made in, breaking first; and the
        ``type`` changes gathered by spelling. The JSON form keeps every change.

        A breaking change is listed for each API. A non-breaking one made identically in
        several APIs (the same kind, place, old and new value: the newest official edition
        dropped the mock-server note `KRX만 지원가능` from 208 sheets) is one entry. The
        ``type`` changes are gathered further, by spelling alone: that edition emptied the Type
        cell of almost every field (thousands of ``"String" -> ""`` that read every field as
        before), which would bury the changes that matter.
        """
        listed: list[tuple[Change, tuple[str, ...]]] = [
            (c, (c.api_id or "*",)) for c in self.breaking
        ]
        same: dict[tuple[str, str, str, str], list[Change]] = {}
        for c in self.non_breaking:
            if c.kind != "type":
                same.setdefault((c.kind, c.location, repr(c.old), repr(c.new)), []).append(c)
        listed += [(found[0], tuple(c.api_id or "*" for c in found)) for found in same.values()]
        by_pair: dict[tuple[Any, Any], list[Change]] = defaultdict(list)
        for c in self.changes:
            if c.kind == "type" and not c.breaking:
                by_pair[(c.old, c.new)].append(c)
        spellings = [
            Spelling(old, new, len(found), tuple(dict.fromkeys(str(c.api_id) for c in found)))
            for (old, new), found in sorted(
                by_pair.items(), key=lambda kv: (-len(kv[1]), repr(kv[0]))
            )
        ]
        return listed, spellings


@dataclass(frozen=True)
class Spelling:
    """The ``type`` changes of one spelling pair: how many fields, in which APIs (in order)."""

    old: Any
    new: Any
    fields: int
    api_ids: tuple[str, ...]


def _below_one(version: str) -> bool:
    m = re.match(r"^(\d+)\.", version)
    return m is not None and int(m.group(1)) == 0


def next_version(version: str, bump: str) -> str:
    """The version after a bump: 0.1.0 + minor -> 0.2.0 (pre-release suffixes dropped)."""
    m = re.match(r"^(\d+)\.(\d+)\.(\d+)", version)
    if m is None or bump == NONE:
        return version
    major, minor, patch = (int(x) for x in m.groups())
    if bump == MAJOR:
        return f"{major + 1}.0.0"
    if bump == MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


# --- comparing -------------------------------------------------------------------------------


def diff_specs(
    old: Spec,
    new: Spec,
    *,
    old_names: Mapping[str, PythonName] | None = None,
    new_names: Mapping[str, PythonName] | None = None,
) -> DiffReport:
    """Every change from ``old`` to ``new``, sorted.

    Both specs should be read with the same config, so that only the docs make a difference.
    ``old_names``/``new_names`` (group, method from each edition's own names table, when it has
    one) only name the Python method of a removed or added API in its summary: under the shared
    config such an API may have fallen back to a name derived from its id.
    """
    out: list[Change] = []
    old_apis = {a.id: a for a in old.apis}
    new_apis = {a.id: a for a in new.apis}
    for api_id in sorted(old_apis.keys() - new_apis.keys()):
        summary = _api_summary(old_apis[api_id], (old_names or {}).get(api_id))
        out.append(_change(api_id, "api_removed", "api", summary, None, MAJOR, True))
    for api_id in sorted(new_apis.keys() - old_apis.keys()):
        summary = _api_summary(new_apis[api_id], (new_names or {}).get(api_id))
        out.append(_change(api_id, "api_added", "api", None, summary, MINOR, True))
    for api_id in sorted(old_apis.keys() & new_apis.keys()):
        _compare_api(old_apis[api_id], new_apis[api_id], out)
    _compare_error_codes(old, new, out)
    return DiffReport(tuple(sorted(out, key=Change.sort_key)), new.package_version)


def _change(
    api_id: str | None, kind: str, location: str, old: Any, new: Any, level: str, wire: bool
) -> Change:
    return Change(api_id, kind, location, old, new, level == MAJOR, wire, level)


def _api_summary(api: Api, own: PythonName | None) -> dict[str, Any]:
    group, method = own if own is not None else (None, None)
    return {
        "name": api.name,
        "method": api.method,
        "path": api.path,
        "python": (
            api.python_name
            if own is None
            else ".".join(x for x in (group or api.group, method or api.method_name) if x)
        ),
    }


# (kind, location, getter, level, wire) for the API-level attributes compared one to one.
_API_ATTRS: tuple[tuple[str, str, Callable[[Api], Any], str, bool], ...] = (
    ("path", "path", lambda a: a.path, MAJOR, True),
    ("method", "method", lambda a: a.method, MAJOR, True),
    ("transport", "transport", lambda a: a.transport.value, MAJOR, True),
    ("content_type", "content_type", lambda a: a.content_type, MINOR, True),
    ("server", "servers.production", lambda a: a.servers.production, MINOR, True),
    ("server", "servers.mock", lambda a: a.servers.mock, MINOR, True),
    ("server_note", "servers.mock_note", lambda a: a.servers.mock_note, PATCH, False),
    ("python_group", "python.group", lambda a: a.group, MAJOR, False),
    ("python_method", "python.method", lambda a: a.method_name, MAJOR, False),
    ("is_order", "is_order", lambda a: a.is_order, MINOR, False),
    ("api_name", "name", lambda a: a.name, PATCH, False),
    ("menu", "menu", lambda a: " > ".join(a.menu), PATCH, False),
    ("category", "category", lambda a: a.category, PATCH, False),
    ("overview", "overview", lambda a: a.overview, PATCH, False),
    (
        "example",
        "examples.request",
        lambda a: a.request_example and a.request_example.text,
        PATCH,
        False,
    ),
    (
        "example",
        "examples.response",
        lambda a: a.response_example and a.response_example.text,
        PATCH,
        False,
    ),
)


def _compare_api(old: Api, new: Api, out: list[Change]) -> None:
    for kind, location, get, level, wire in _API_ATTRS:
        a, b = get(old), get(new)
        if a != b:
            out.append(_change(new.id, kind, location, a, b, level, wire))
    for direction in ("request", "response"):
        _FieldDiff(new.id, direction, out).run(getattr(old, direction), getattr(new, direction))


def _compare_error_codes(old: Spec, new: Spec, out: list[Change]) -> None:
    a = {e.code: e.message for e in old.error_codes}
    b = {e.code: e.message for e in new.error_codes}
    for code in sorted(a.keys() | b.keys()):
        location = f"error_codes.{code}"
        if code not in b:
            out.append(_change(None, "error_code_removed", location, a[code], None, MINOR, False))
        elif code not in a:
            out.append(_change(None, "error_code_added", location, None, b[code], MINOR, False))
        elif a[code] != b[code]:
            out.append(
                _change(None, "error_code_message", location, a[code], b[code], PATCH, False)
            )


# --- fields ----------------------------------------------------------------------------------


@dataclass
class _Loose:
    """A field present on one side only, at a place whose parent exists on both sides."""

    field: Field
    location: str


@dataclass
class _FieldDiff:
    api_id: str
    direction: str  # request | response
    out: list[Change]
    removed: list[_Loose] = field(default_factory=list)
    added: list[_Loose] = field(default_factory=list)

    @property
    def request(self) -> bool:
        return self.direction == "request"

    def run(self, old: Message, new: Message) -> None:
        for part in ("headers", "body"):
            prefix = f"{self.direction}.{part}"
            self.siblings(getattr(old, part), getattr(new, part), prefix, prefix)
        self.variants(old, new)
        self.pair_moves()
        for loose in self.removed:
            self.emit(
                "field_removed", loose.location, _field_summary(loose.field), None, MAJOR, True
            )
        for loose in self.added:
            summary = _field_summary(loose.field)
            breaking = self.request and loose.field.required is True
            self.emit(
                "field_added", loose.location, None, summary, MAJOR if breaking else MINOR, True
            )

    def variants(self, old: Message, new: Message) -> None:
        """Alternative shapes matched by heading name; their fields compared like the body's.

        A variant removed takes its class (and a shape of the wire) away: breaking. One added
        widens the union: an addition.
        """
        old_by = {v.name: v for v in old.variants}
        new_by = {v.name: v for v in new.variants}
        for name in old_by:
            location = f"{self.direction}.variants.{name}"
            if name not in new_by:
                summary = {"fields": [f.name for f in old_by[name].body]}
                self.emit("variant_removed", location, summary, None, MAJOR, True)
            else:
                self.siblings(old_by[name].body, new_by[name].body, location, location)
        for name in new_by:
            if name not in old_by:
                summary = {"fields": [f.name for f in new_by[name].body]}
                location = f"{self.direction}.variants.{name}"
                self.emit("variant_added", location, None, summary, MINOR, True)

    def emit(self, kind: str, location: str, old: Any, new: Any, level: str, wire: bool) -> None:
        self.out.append(_change(self.api_id, kind, location, old, new, level, wire))

    def siblings(
        self, old: tuple[Field, ...], new: tuple[Field, ...], old_prefix: str, new_prefix: str
    ) -> None:
        """Match siblings by wire name; remember the unmatched; detect order changes."""
        old_by = {f.name: (i, f) for i, f in enumerate(old)}
        new_by = {f.name: (i, f) for i, f in enumerate(new)}
        for f in old:
            if f.name not in new_by:
                self.removed.append(_Loose(f, f"{old_prefix}.{f.name}"))
        for f in new:
            if f.name not in old_by:
                self.added.append(_Loose(f, f"{new_prefix}.{f.name}"))
        common_old = [f.name for f in old if f.name in new_by]
        common_new = [f.name for f in new if f.name in old_by]
        in_order: set[str] = set()
        matcher = difflib.SequenceMatcher(None, common_old, common_new, autojunk=False)
        for block in matcher.get_matching_blocks():
            in_order.update(common_old[block.a : block.a + block.size])
        for f in new:
            if f.name not in old_by:
                continue
            i, before = old_by[f.name]
            j, _ = new_by[f.name]
            location = f"{new_prefix}.{f.name}"
            if f.name not in in_order:
                self.emit("field_order", location, i, j, PATCH, False)
            self.compare(before, f, f"{old_prefix}.{f.name}", location)

    def pair_moves(self) -> None:
        """A name lost in one parent and found in another of the same direction (once each)."""
        while True:
            lost: dict[str, list[_Loose]] = defaultdict(list)
            found: dict[str, list[_Loose]] = defaultdict(list)
            for loose in self.removed:
                lost[loose.field.name].append(loose)
            for loose in self.added:
                found[loose.field.name].append(loose)
            pairs = [
                (lost[name][0], found[name][0])
                for name in sorted(lost.keys() & found.keys())
                if len(lost[name]) == 1 and len(found[name]) == 1
            ]
            if not pairs:
                return
            for a, b in pairs:
                self.removed.remove(a)
                self.added.remove(b)
                self.emit("field_moved", b.location, a.location, b.location, MAJOR, True)
                self.compare(a.field, b.field, a.location, b.location)

    def compare(self, a: Field, b: Field, old_location: str, location: str) -> None:
        req = self.request
        if a.kind is not b.kind:
            self.emit("kind", location, a.kind.value, b.kind.value, MAJOR, True)
        elif a.type != b.type:
            self.emit("type", location, a.type, b.type, PATCH, False)
        if bool(a.required) != bool(b.required):
            tighter = req and bool(b.required)
            self.emit(
                "required",
                location,
                bool(a.required),
                bool(b.required),
                MAJOR if tighter else MINOR,
                False,
            )
        if _condition(a.required_if) != _condition(b.required_if):
            self.emit(
                "required_if",
                location,
                _condition(a.required_if),
                _condition(b.required_if),
                MAJOR if req and _stricter(a.required_if, b.required_if) else MINOR,
                False,
            )
        if a.max_length != b.max_length:
            shorter = b.max_length is not None and (
                a.max_length is None or b.max_length < a.max_length
            )
            level = (MAJOR if shorter else MINOR) if req else PATCH
            self.emit("max_length", location, a.max_length, b.max_length, level, False)
        self.compare_enum(a.enum, b.enum, location, closed=bool(b.enum_closed))
        if a.enum is not None and b.enum is not None and bool(a.enum_closed) != bool(b.enum_closed):
            closing = req and bool(b.enum_closed)  # values that passed are now refused
            self.emit(
                "enum_closed",
                location,
                bool(a.enum_closed),
                bool(b.enum_closed),
                MAJOR if closing else MINOR,
                False,
            )
        if a.format != b.format:
            self.emit(
                "format", location, a.format, b.format, MAJOR if req and b.format else MINOR, False
            )
        if a.fixed_value != b.fixed_value:
            self.emit("fixed_value", location, a.fixed_value, b.fixed_value, MINOR, req)
        if a.python_name != b.python_name:
            self.emit("python_name", location, a.python_name, b.python_name, MAJOR, False)
        if a.label != b.label:
            self.emit("label", location, a.label, b.label, PATCH, False)
        if a.description != b.description:
            self.emit("description", location, a.description, b.description, PATCH, False)
        self.siblings(a.children, b.children, old_location, location)

    def compare_enum(
        self,
        a: tuple[EnumValue, ...] | None,
        b: tuple[EnumValue, ...] | None,
        location: str,
        *,
        closed: bool = True,
    ) -> None:
        """``closed``: whether the new enumeration is closed (an open one refuses nothing)."""
        req = self.request and closed
        if a is None or b is None:
            if a != b:
                old = None if a is None else [e.value for e in a]
                new = None if b is None else [e.value for e in b]
                restricted = req and b is not None  # a free value became a closed set
                self.emit("enum", location, old, new, MAJOR if restricted else MINOR, False)
            return
        old_by = {e.value: e for e in a}
        new_by = {e.value: e for e in b}
        for value in sorted(old_by.keys() - new_by.keys(), key=_value_key):
            level = MAJOR if req else MINOR
            self.emit("enum_value_removed", location, _enum_json(old_by[value]), None, level, False)
        for value in sorted(new_by.keys() - old_by.keys(), key=_value_key):
            self.emit("enum_value_added", location, None, _enum_json(new_by[value]), MINOR, False)
        for value in sorted(old_by.keys() & new_by.keys(), key=_value_key):
            if old_by[value].label != new_by[value].label:
                self.emit(
                    "enum_label",
                    location,
                    _enum_json(old_by[value]),
                    _enum_json(new_by[value]),
                    PATCH,
                    False,
                )


def _value_key(value: str) -> tuple[int, str]:
    small = value.isascii() and value.isdigit() and len(value) <= 18
    return (int(value), value) if small else (1 << 62, value)


def _enum_json(e: EnumValue) -> dict[str, Any]:
    return {"value": e.value, "label": e.label}


def _condition(c: Condition | None) -> dict[str, Any] | None:
    return None if c is None else {"field": c.when_field, "in": list(c.when_values)}


def _stricter(a: Condition | None, b: Condition | None) -> bool:
    """Does ``b`` require the field in a case where ``a`` did not?"""
    if b is None:
        return False
    if a is None or a.when_field != b.when_field:
        return True
    return not set(b.when_values) <= set(a.when_values)


def _field_summary(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": f.label,
        "type": f.type,
        "required": bool(f.required),
        "max_length": f.max_length,
    }
    if f.kind is not Kind.STRING:
        out["members"] = [c.name for c in f.children]
    return out
