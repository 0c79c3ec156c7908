"""The maintainer's files applied to the built APIs: overrides.toml, then names.toml.

Entries that name an unknown API or field are reported (errors, or warnings when the config is
read leniently, as ``diff`` does for an older edition). APIs that exist but failed to build are
not "unknown": their own errors are already reported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..problems import Problems
from .config import Config, FieldOverride
from .core import Api, Field, Message
from .names import ClassName, PythonIdentifier, fallback_method, snake, unique

Report = Callable[[str, str | None, str], None]

PARTS = {
    "request.headers": ("request", "Header"),
    "request.body": ("request", "Body"),
    "response.headers": ("response", "Header"),
    "response.body": ("response", "Body"),
}


def apply_overrides(
    apis: list[Api], known: set[str], config: Config, problems: Problems, report: Report
) -> list[Api]:
    by_id = {a.id: a for a in apis}
    for o in config.apis:
        api = by_id.get(o.api)
        if api is None:
            if o.api not in known:
                report(o.where, o.api, "override names an unknown API")
            continue
        if o.is_order is not None:
            by_id[o.api] = dataclasses.replace(api, is_order=o.is_order)
    for fo in config.fields:
        api = by_id.get(fo.api)
        if api is None:
            if fo.api not in known:
                report(fo.where, fo.api, "override names an unknown API")
            continue
        updated = _override_field(api, fo, problems)
        if updated is not None:
            by_id[fo.api] = updated
    return [by_id[a.id] for a in apis]


def _override_field(api: Api, fo: FieldOverride, problems: Problems) -> Api | None:
    direction, group = PARTS[fo.part]
    message: Message = getattr(api, direction)
    fields = message.headers if group == "Header" else message.body

    def apply(level: tuple[Field, ...], path: tuple[str, ...]) -> tuple[Field, ...] | None:
        for i, f in enumerate(level):
            if f.name != path[0]:
                continue
            if len(path) > 1:
                children = apply(f.children, path[1:])
                if children is None:
                    return None
                new = dataclasses.replace(f, children=children)
            else:
                changed = _changed(f, level, fo, api.id, problems)
                if changed is None:
                    return None
                new = changed
            return level[:i] + (new,) + level[i + 1 :]
        problems.error(
            fo.where, api.id, f"override names unknown field {'.'.join(fo.path)!r} in {fo.part}"
        )
        return None

    new_fields = apply(fields, fo.path)
    if new_fields is None:
        return None
    if group == "Header":
        new_message = dataclasses.replace(message, headers=new_fields)
    else:
        new_message = dataclasses.replace(message, body=new_fields)
    if direction == "request":
        return dataclasses.replace(api, request=new_message)
    return dataclasses.replace(api, response=new_message)


def _changed(
    f: Field, siblings: tuple[Field, ...], fo: FieldOverride, api_id: str, problems: Problems
) -> Field | None:
    if fo.required_if and not any(s.name == fo.required_if.when_field for s in siblings):
        problems.error(
            fo.where,
            api_id,
            f"required_if names unknown sibling field {fo.required_if.when_field!r}",
        )
        return None
    if fo.python_name and any(s.python_name == fo.python_name for s in siblings if s is not f):
        problems.error(
            fo.where, api_id, f"python_name {fo.python_name!r} is taken by a sibling field"
        )
        return None
    enum = fo.enum if fo.enum is not None else f.enum
    closed = f.enum_closed if fo.enum is None else True  # a given list is the whole list
    if fo.add_enum is not None:
        known = {e.value for e in enum or ()}
        enum = tuple(enum or ()) + tuple(e for e in fo.add_enum if e.value not in known)
        closed = bool(closed) if f.enum is not None or fo.enum is not None else False
    if fo.enum_closed is not None:
        closed = fo.enum_closed
    if (fo.enum is not None or fo.add_enum is not None or fo.enum_closed is not None) and (
        f.is_container
    ):
        problems.error(fo.where, api_id, f"{f.name!r} is a {f.type}: it takes no enumeration")
        return None
    if fo.enum_closed is not None and enum is None:
        problems.error(
            fo.where,
            api_id,
            f"enum_closed for {f.name!r}, which has no enumeration (give enum or add_enum)",
        )
        return None
    if fo.enforce_length is not None and f.max_length is None:
        problems.error(fo.where, api_id, f"enforce_length for {f.name!r}, which has no Length")
        return None
    length_note = f.length_note
    if fo.enforce_length is False:
        length_note = f"Length {f.max_length} is not enforced (overrides.toml)"
    elif fo.enforce_length is True:
        length_note = None
    mining = f.mining
    changes = [
        k
        for k in ("enum", "add_enum", "enum_closed", "enforce_length", "required_if", "fixed_value")
        if getattr(fo, k) is not None
    ]
    if changes:
        decision = mining.decision
        if enum is not None and (
            fo.enum is not None or fo.add_enum is not None or fo.enum_closed is not None
        ):
            decision = "closed enum" if closed else "open enum"
        reason = f"{mining.reason}; " if mining.reason else ""
        mining = dataclasses.replace(
            mining, decision=decision, reason=f"{reason}overrides.toml sets {', '.join(changes)}"
        )
    return dataclasses.replace(
        f,
        enum=enum,
        enum_closed=closed if enum is not None else None,
        format=fo.format if fo.format is not None else f.format,
        fixed_value=fo.fixed_value if fo.fixed_value is not None else f.fixed_value,
        required_if=fo.required_if if fo.required_if is not None else f.required_if,
        python_name=fo.python_name or f.python_name,
        required=fo.required if fo.required is not None else f.required,
        length_note=length_note,
        mining=mining,
    )


# --- names -----------------------------------------------------------------------------------


def _group_for(api: Api, config: Config) -> str:
    words = [config.groups[w] if w in config.groups else snake(w) for w in api.menu[:-1]]
    return str(PythonIdentifier("_".join(w for w in words if w) or "misc", prefix="group"))


def assign_names(
    apis: list[Api], known: set[str], config: Config, problems: Problems, report: Report
) -> list[Api]:
    """group, method_name and class_prefix of every API.

    Names from names.toml are placed first, then fallbacks (from the id) fill in around them.
    Method names are unique per group and class prefixes unique overall, both also when case is
    ignored (`0g`/`0G` must not meet on a case-insensitive file system).
    """
    for api_id, name_entry in sorted(config.names.items()):
        if api_id not in known:
            report(name_entry.where, api_id, "names table entry for an unknown API")
    ordered = sorted(apis, key=lambda a: (a.id.lower(), a.id))
    lower_counts: dict[str, int] = {}
    for a in ordered:
        lower_counts[a.id.lower()] = lower_counts.get(a.id.lower(), 0) + 1
    case_twins = {k for k, n in lower_counts.items() if n > 1}

    groups: dict[str, str] = {}
    methods: dict[str, str] = {}
    taken: dict[str, set[str]] = {}  # group -> lower-cased method names
    for api in ordered:  # reviewed names first
        entry = config.names.get(api.id)
        group = (entry.group if entry and entry.group else None) or _group_for(api, config)
        groups[api.id] = group
        method = entry.method if entry else None
        if entry and method:
            used = taken.setdefault(group, set())
            if method.lower() in used:
                problems.error(entry.where, api.id, f"method name {group}.{method} is taken")
                continue
            used.add(method.lower())
            methods[api.id] = method
    for api in ordered:  # then fallbacks around them
        if api.id not in methods and api.id in groups:
            used = taken.setdefault(groups[api.id], set())
            methods[api.id] = unique(fallback_method(api.id, case_twins), used)

    classes: set[str] = set()
    out: list[Api] = []
    for api in ordered:
        if api.id not in methods:
            continue  # its names entry was rejected (reported above)
        group, method = groups[api.id], methods[api.id]
        class_prefix = str(ClassName(group, method))
        if class_prefix.lower() in classes:
            class_prefix = _free_class(class_prefix, classes)
        classes.add(class_prefix.lower())
        out.append(
            dataclasses.replace(api, group=group, method_name=method, class_prefix=class_prefix)
        )
    return out


def _free_class(name: str, taken_lower: set[str]) -> str:
    n = 2
    while f"{name}{n}".lower() in taken_lower:
        n += 1
    return f"{name}{n}"


def group_titles(apis: list[Api]) -> tuple[tuple[str, str], ...]:
    """(group, Korean menu name) once per group, sorted: the menu word of its first API."""
    titles: dict[str, str] = {}
    for a in sorted(apis, key=lambda a: (a.id.lower(), a.id)):
        titles.setdefault(a.group, a.menu[-2] if len(a.menu) >= 2 else a.group)
    return tuple(sorted(titles.items()))
