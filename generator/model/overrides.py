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
from .core import Api, Field, Message, Transport
from .names import ClassName, PythonIdentifier, fallback_method, snake, unique
from .names_table import menu_key
from .numeric import overridden

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
        value=overridden(f.value, fo.value, fo.scale, fo.strip),
    )


# --- names -----------------------------------------------------------------------------------
#
# Stability: a name never depends on which other APIs exist. Reviewed names (the project's
# names.toml, then the shipped table) are placed before any fallback, and a fallback is the API's
# id in the group of its menu. Only true collisions get suffixes, and those go to the later
# arrival: a shipped name taken by a project name, or a class name taken by a reviewed API.


def _word_map(menus: dict[str, str]) -> dict[str, str]:
    """Menu word -> group word, from the known menus (`차트` -> `chart`), for unknown menus."""
    words: dict[str, str] = {}
    for path, group in sorted(menus.items()):
        parts = path.split(" > ")
        if len(parts) >= 2 and group:
            words.setdefault(parts[-1], group.rsplit(".", 1)[-1])
    return words


def menu_group(menu: tuple[str, ...], menus: dict[str, str], words: dict[str, str]) -> str:
    """The group of an API no table names, from its menu path (without the API itself).

    A known menu gives its group (`국내주식 > 차트` -> `chart`); otherwise the first word is the
    market (`미국주식` -> namespace `us`) and the other words, mapped through the known menus'
    words or romanised, the group under it (`미국주식 > 테마` -> `us.theme`).
    """
    path = menu[:-1]
    if len(path) >= 2 and menu_key(path) in menus:
        return menus[menu_key(path)]
    if not path:
        return "misc"
    market = menus.get(path[0])
    if len(path) == 1 and market is None:  # one unknown word: the group itself
        return str(PythonIdentifier(snake(path[0]) or "misc", prefix="group"))
    if market is None:
        market = str(PythonIdentifier(snake(path[0]) or "market", prefix="group"))
    rest = "_".join(w for w in (words.get(p) or snake(p) for p in path[1:]) if w)
    sub = str(PythonIdentifier(rest, prefix="group")) if rest else "misc"
    return ".".join(x for x in (market, sub) if x)


def _python_path(group: str, method: str) -> str:
    return f"{group}.{method}" if group else method


def assign_names(
    apis: list[Api], known: set[str], config: Config, problems: Problems, report: Report
) -> list[Api]:
    """group, method_name and class_prefix of every API.

    Names from the project's names.toml are placed first, then the shipped table's, then
    fallbacks (the id, in the group of the menu) fill in around them; every fallback is noted,
    one line per API. Method names are unique per group and class prefixes unique overall, both
    also when case is ignored (`0g`/`0G` must not meet on a case-insensitive file system).
    """
    for api_id, name_entry in sorted(config.names.items()):
        if api_id not in known and not name_entry.shipped:
            report(name_entry.where, api_id, "names table entry for an unknown API")
    ordered = sorted(apis, key=lambda a: (a.id.lower(), a.id))
    words = _word_map(config.menus)

    groups: dict[str, str] = {}
    methods: dict[str, str] = {}
    taken: dict[str, set[str]] = {}  # group -> lower-cased method names
    rejected: set[str] = set()
    for shipped in (False, True):  # reviewed names: the project's, then the shipped table's
        for api in ordered:
            entry = config.names.get(api.id)
            if entry is None or entry.shipped is not shipped or entry.method is None:
                continue
            group = entry.group
            if group is None:
                group = menu_group(api.menu, config.menus, words)
            used = taken.setdefault(group, set())
            method = entry.method
            if method.lower() in used:
                if not shipped:
                    problems.error(
                        entry.where, api.id, f"method name {_python_path(group, method)} is taken"
                    )
                    rejected.add(api.id)
                    continue
                method = unique(f"{method}_{api.id.lower()}", used)
                problems.note(
                    entry.where,
                    api.id,
                    f"{_python_path(group, entry.method)} is taken by a name of names.toml; "
                    f"using {_python_path(group, method)}",
                )
            used.add(method.lower())
            groups[api.id], methods[api.id] = group, method
    for api in ordered:  # then fallbacks around them
        if api.id in methods or api.id in rejected:
            continue
        entry = config.names.get(api.id)
        group = entry.group if entry is not None and entry.group is not None else None
        if group is None:
            group = menu_group(api.menu, config.menus, words)
        used = taken.setdefault(group, set())
        method = unique(fallback_method(api.id), used)
        used.add(method.lower())
        groups[api.id], methods[api.id] = group, method
        problems.note(
            str(api.source),
            api.id,
            f"{api.name!r} has no English name in the names tables: it is "
            f"{_python_path(group, method)}; name it in names.toml "
            f"[{'realtime' if api.transport is Transport.WEBSOCKET else 'apis'}] as "
            f'{api.id} = {{ group = "{group}", method = "..." }}',
        )
    _check_namespaces(ordered, groups, config, problems, rejected)

    classes: set[str] = set()
    prefixes: dict[str, str] = {}
    for named in (True, False):  # reviewed names keep their classes; fallbacks get suffixes
        for api in ordered:
            if api.id not in methods or api.id in rejected:
                continue
            entry = config.names.get(api.id)
            if (entry is not None and entry.method is not None) is not named:
                continue
            group, method = groups[api.id], methods[api.id]
            prefix = str(ClassName(*group.split("."), method))
            if prefix.lower() in classes:
                prefix = _free_class(prefix + str(ClassName(api.id)), classes)
            classes.add(prefix.lower())
            prefixes[api.id] = prefix
    out: list[Api] = []
    for api in ordered:
        if api.id in prefixes:
            out.append(
                dataclasses.replace(
                    api,
                    group=groups[api.id],
                    method_name=methods[api.id],
                    class_prefix=prefixes[api.id],
                )
            )
    return out


def _check_namespaces(
    apis: list[Api],
    groups: dict[str, str],
    config: Config,
    problems: Problems,
    rejected: set[str],
) -> None:
    """A group cannot also be the namespace of other groups (`us` and `us.chart`)."""
    namespaces: dict[str, str] = {}
    for api in apis:
        group = groups.get(api.id)
        parts = (group or "").split(".")
        for n in range(1, len(parts)):
            namespaces.setdefault(".".join(parts[:n]), groups[api.id])
    for api in apis:
        group = groups.get(api.id)
        if group is not None and group in namespaces:
            entry = config.names.get(api.id)
            where = entry.where if entry is not None else str(api.source)
            problems.error(
                where,
                api.id,
                f"group {group!r} is also the namespace of group {namespaces[group]!r}",
            )
            rejected.add(api.id)


def _free_class(name: str, taken_lower: set[str]) -> str:
    n, candidate = 2, name
    while candidate.lower() in taken_lower:
        candidate = f"{name}{n}"
        n += 1
    return candidate


def group_titles(apis: list[Api]) -> tuple[tuple[str, str], ...]:
    """(group, Korean menu path) once per group, sorted: the menu of its first API."""
    titles: dict[str, str] = {}
    for a in sorted(apis, key=lambda a: (a.id.lower(), a.id)):
        titles.setdefault(a.group, " > ".join(a.menu[:-1]) if len(a.menu) >= 2 else a.group)
    return tuple(sorted(titles.items()))
