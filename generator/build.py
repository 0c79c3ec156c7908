"""Raw rows -> the immutable model: types, the LIST tree, meaning, names and overrides."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .config import Config, FieldOverride
from .describe import understand
from .model import (
    Api,
    Condition,
    ErrorCode,
    Example,
    Field,
    Kind,
    Message,
    Servers,
    Source,
    Spec,
    Transport,
)
from .names import ClassName, PythonIdentifier, fallback_method, snake, unique
from .problems import Problems
from .reader.cells import key
from .reader.raw import RawApi, RawBook, RawCell, RawRow

# The official workbook's Type spellings (compared with cells.key()) -> canonical spelling, kind.
TYPES: dict[str, tuple[str, Kind]] = {
    "string": ("String", Kind.STRING),
    "list": ("LIST", Kind.ARRAY),
    "list<map>": ("List<Map>", Kind.ARRAY),
    "object": ("Object", Kind.OBJECT),
    "": ("", Kind.STRING),
}
_DEPTH = re.compile(r"^((?:-\s*)*)(.*)$", re.DOTALL)
_API_ID = re.compile(r"^[A-Za-z0-9_]+$")
_SERVER = re.compile(r"^\s*(\S+?)\s*(?:\((.*)\))?\s*$", re.DOTALL)
_ORDER_IDS = re.compile(r"^kt1000\d$")
PARTS = {
    "request.headers": ("request", "Header"),
    "request.body": ("request", "Body"),
    "response.headers": ("response", "Header"),
    "response.body": ("response", "Body"),
}


@dataclass
class _Node:
    """A field while its tree is being built (made immutable at the end)."""

    row: RawRow
    name: str
    type: str
    kind: Kind
    required: bool | None
    max_length: int | None
    children: list[_Node] = field(default_factory=list)


def build_spec(
    book: RawBook, config: Config, problems: Problems, *, lenient_config: bool = False
) -> Spec:
    categories = {e.api_id: e.category for e in book.index}
    built: list[Api] = []
    seen: dict[str, RawApi] = {}
    for raw in book.apis:
        api_id = raw.api_id or ""
        if api_id in seen:
            first = seen[api_id]
            problems.error(
                str(raw.info["apiid"].source),
                api_id,
                f"API id {api_id} appears twice (first in {first.info['apiid'].source})",
            )
            continue
        seen[api_id] = raw
        api = _build_api(raw, categories.get(api_id), problems)
        if api is not None:
            built.append(api)
    missing = sorted({e.api_id for e in book.index} - set(seen), key=_id_key)
    for api_id in missing:
        entry = next(e for e in book.index if e.api_id == api_id)
        problems.warning(str(entry.source), api_id, "listed in the index but no sheet has this API ID")

    report = problems.warning if lenient_config else problems.error
    built = _apply_overrides(built, config, problems, report)
    built = _assign_names(built, config, problems, report)
    built.sort(key=lambda a: _id_key(a.id))
    groups = sorted({(a.group, a.menu[-2] if len(a.menu) >= 2 else a.group) for a in built})
    return Spec(
        apis=tuple(built),
        error_codes=_error_codes(book, problems),
        package_name=config.package_name,
        package_version=config.package_version,
        groups=tuple(groups),
    )


def _id_key(api_id: str) -> tuple[str, str]:
    return (api_id.lower(), api_id)


# --- one API -------------------------------------------------------------------------------


def _info(raw: RawApi, name: str) -> RawCell | None:
    cell = raw.info.get(name)
    return cell if cell is not None and cell.value else None


def _build_api(raw: RawApi, category: str | None, problems: Problems) -> Api | None:
    api_id = raw.api_id or ""
    where = raw.where
    errors_before = len(problems.errors)
    if not _API_ID.match(api_id):
        problems.error(str(raw.info["apiid"].source), api_id, "API ID must be letters, digits or _")
    name_cell = _info(raw, "name")
    name = name_cell.value if name_cell else re.sub(r"\(.*\)$", "", raw.sheet).strip()
    if name_cell is None:
        problems.warning(where, api_id, "API 명 is empty; using the sheet name")
    menu_cell = _info(raw, "menu")
    menu = tuple(p.strip() for p in menu_cell.value.split(">") if p.strip()) if menu_cell else ()
    if not menu:
        problems.warning(where, api_id, "메뉴 위치 is empty")
        menu = (name,)
    method_cell = _info(raw, "method")
    method = method_cell.value.upper() if method_cell else "POST"
    if method_cell is None:
        problems.warning(where, api_id, "Method is empty; assuming POST")
    path = _path(raw, api_id, problems)
    servers = _servers(raw, api_id, problems)
    transport = Transport.HTTP
    if servers.production.startswith(("wss://", "ws://")):
        transport = Transport.WEBSOCKET
    content_type_cell = _info(raw, "content_type")
    request_headers, request_body = _message(raw, "request", api_id, problems)
    response_headers, response_body = _message(raw, "response", api_id, problems)
    if len(problems.errors) > errors_before:
        return None
    return Api(
        id=api_id,
        name=name,
        menu=menu,
        method=method,
        path=path,
        servers=servers,
        transport=transport,
        content_type=content_type_cell.value if content_type_cell else "application/json;charset=UTF-8",
        overview="\n".join(raw.overview),
        request=Message(request_headers, request_body),
        response=Message(response_headers, response_body),
        request_example=_example(raw.request_example, "Request", api_id, problems),
        response_example=_example(raw.response_example, "Response", api_id, problems),
        group="",
        method_name="",
        class_prefix="",
        is_order=bool(_ORDER_IDS.match(api_id))
        or (transport is Transport.HTTP and name.replace(" ", "").endswith("주문")),
        category=category,
        source=Source(raw.file, raw.sheet),
    )


def _path(raw: RawApi, api_id: str, problems: Problems) -> str:
    cell = _info(raw, "url")
    if cell is None:
        problems.error(raw.where, api_id, "URL is empty")
        return "/"
    value = cell.value
    m = re.match(r"^[a-z]+://[^/]+(/.*)$", value)
    if m:
        value = m.group(1)
    if not value.startswith("/") or any(c.isspace() for c in value):
        problems.error(str(cell.source), api_id, f"URL must be a path like /api/dostk/crdordr, got {cell.value!r}")
    return value


def _servers(raw: RawApi, api_id: str, problems: Problems) -> Servers:
    production = _info(raw, "production")
    if production is None:
        problems.error(raw.where, api_id, "운영 도메인 is empty")
        return Servers("https://api.kiwoom.com", None, None)
    prod = _SERVER.match(production.value)
    if not prod or "://" not in prod.group(1):
        problems.error(str(production.source), api_id, f"운영 도메인 is not a URL: {production.value!r}")
        return Servers("https://api.kiwoom.com", None, None)
    mock_cell = _info(raw, "mock")
    mock = _SERVER.match(mock_cell.value) if mock_cell else None
    if mock_cell is not None and (not mock or "://" not in mock.group(1)):
        problems.warning(str(mock_cell.source), api_id, f"모의투자 도메인 is not a URL: {mock_cell.value!r}")
        mock = None
    return Servers(
        production=prod.group(1),
        mock=mock.group(1) if mock else None,
        mock_note=(mock.group(2) or "").strip() or None if mock else None,
    )


def _example(cell: RawCell | None, what: str, api_id: str, problems: Problems) -> Example | None:
    if cell is None or not cell.value:
        return None
    try:
        value = json.loads(cell.value)
    except json.JSONDecodeError as exc:
        problems.warning(
            str(cell.source),
            api_id,
            f"{what} Example is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            "kept as text",
        )
        return Example(cell.value, None, False, cell.source)
    return Example(cell.value, value, True, cell.source)


# --- tables --------------------------------------------------------------------------------


def _message(
    raw: RawApi, which: str, api_id: str, problems: Problems
) -> tuple[tuple[Field, ...], tuple[Field, ...]]:
    table = raw.request if which == "request" else raw.response
    if table is None:
        problems.warning(raw.where, api_id, f"no {which.title()} table")
        return (), ()
    title = which.title()
    headers = _fields([r for r in table.rows if r.group == "Header"], f"{title} Header", api_id, problems)
    body = _fields([r for r in table.rows if r.group == "Body"], f"{title} Body", api_id, problems)
    return headers, body


def _fields(rows: list[RawRow], table: str, api_id: str, problems: Problems) -> tuple[Field, ...]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    for row in rows:
        m = _DEPTH.match(row.element.value)
        assert m is not None
        depth = m.group(1).count("-")
        name = m.group(2).strip()
        where = str(row.element.source)
        others = (row.label, row.type, row.required, row.length, row.description)
        if not any(c.value for c in others):
            continue  # a section heading such as 조회 데이터: not a field
        if not name:
            problems.error(where, api_id, f"Element {row.element.value!r} has no name")
            continue
        if depth > len(stack):
            problems.error(
                where,
                api_id,
                f"depth jumps from {len(stack) - 1} to {depth} at {name!r}: "
                f"a member needs a LIST one level above it",
            )
            continue
        node = _node(row, name, api_id, problems)
        if node is None:
            continue
        siblings = stack[depth - 1].children if depth else roots
        twin = next((s for s in siblings if s.name == name), None)
        if twin is not None:
            problems.error(
                where, api_id, f"field {name!r} appears twice in {table} (first at {twin.row.source.cell})"
            )
            continue
        siblings.append(node)
        del stack[depth:]
        stack.append(node)
    checked = _check_containers(roots, api_id, problems)
    return _finish_siblings([_freeze(n, api_id, problems) for n in checked])


def _node(row: RawRow, name: str, api_id: str, problems: Problems) -> _Node | None:
    type_text = row.type.value
    known = TYPES.get(key(type_text))
    if known is None:
        problems.error(
            str(row.type.source),
            api_id,
            f"unknown Type {type_text!r} for {name!r}; known: String, LIST, List<Map>, Object",
        )
        return None
    canonical, kind = known
    if not type_text:
        problems.warning(str(row.type.source), api_id, f"Type is empty for {name!r}; read as String")
    required: bool | None
    req = row.required.value.upper()
    if req in ("Y", "N"):
        required = req == "Y"
    elif not req:
        required = None
        problems.warning(str(row.required.source), api_id, f"Required is empty for {name!r}; read as N")
    else:
        problems.error(str(row.required.source), api_id, f"Required must be Y or N, got {row.required.value!r}")
        return None
    max_length: int | None = None
    length = row.length.value
    if length:
        if re.fullmatch(r"\d+(\.0+)?", length) and int(float(length)) > 0:
            max_length = int(float(length))
        else:
            problems.warning(
                str(row.length.source), api_id, f"Length of {name!r} is not a whole number: {length!r}; ignored"
            )
    return _Node(row, name, canonical, kind, required, max_length)


def _check_containers(nodes: list[_Node], api_id: str, problems: Problems) -> list[_Node]:
    kept: list[_Node] = []
    for node in nodes:
        where = str(node.row.type.source)
        if node.children and node.kind is Kind.STRING:
            problems.warning(
                where, api_id, f"members follow {node.name!r} of Type {node.type or 'empty'}; read as LIST"
            )
            node.kind = Kind.ARRAY
        elif not node.children and node.type == "LIST":
            problems.error(where, api_id, f"LIST {node.name!r} has no members (- prefixed rows below it)")
            continue
        elif not node.children and node.kind is not Kind.STRING:
            problems.warning(where, api_id, f"{node.type} {node.name!r} has no members; read as free-form")
        node.children = _check_containers(node.children, api_id, problems)
        kept.append(node)
    return kept


def _freeze(node: _Node, api_id: str, problems: Problems) -> Field:
    description = node.row.description.value
    meaning = understand(description)
    return Field(
        name=node.name,
        python_name=str(PythonIdentifier(node.name)),
        label=node.row.label.value,
        type=node.type,
        kind=node.kind,
        required=node.required,
        max_length=node.max_length,
        description=description,
        enum=meaning.enum if node.kind is Kind.STRING else None,
        format=meaning.format if node.kind is Kind.STRING else None,
        fixed_value=meaning.fixed_value if node.kind is Kind.STRING else None,
        required_if=None,
        unit=meaning.unit,
        children=_finish_siblings([_freeze(c, api_id, problems) for c in node.children]),
        source=node.row.source,
    )


def _finish_siblings(fields: list[Field]) -> tuple[Field, ...]:
    """Unique Python names among siblings; conditions resolved against sibling enumerations."""
    taken: set[str] = set()
    out: list[Field] = []
    for f in fields:
        python_name = unique(f.python_name, taken)
        condition = None
        term = _condition_term(f)
        if term:
            for other in fields:
                values = tuple(e.value for e in other.enum or () if e.label == term)
                if other is not f and values:
                    condition = Condition(other.name, values, f.description)
                    break
        out.append(dataclasses.replace(f, python_name=python_name, required_if=condition))
    return tuple(out)


def _condition_term(f: Field) -> str | None:
    return understand(f.description).condition_term if "필수" in f.description else None


# --- overrides and names ---------------------------------------------------------------------


def _apply_overrides(
    apis: list[Api], config: Config, problems: Problems, report: Callable[[str, str | None, str], None]
) -> list[Api]:
    by_id = {a.id: a for a in apis}
    for o in config.apis:
        api = by_id.get(o.api)
        if api is None:
            report(o.where, o.api, "override names an unknown API")
            continue
        if o.is_order is not None:
            by_id[o.api] = dataclasses.replace(api, is_order=o.is_order)
    for fo in config.fields:
        api = by_id.get(fo.api)
        if api is None:
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
                if fo.required_if and not any(s.name == fo.required_if.when_field for s in level):
                    problems.error(
                        fo.where, api.id, f"required_if names unknown sibling field {fo.required_if.when_field!r}"
                    )
                    return None
                new = dataclasses.replace(
                    f,
                    enum=fo.enum if fo.enum is not None else f.enum,
                    format=fo.format if fo.format is not None else f.format,
                    fixed_value=fo.fixed_value if fo.fixed_value is not None else f.fixed_value,
                    required_if=fo.required_if if fo.required_if is not None else f.required_if,
                    python_name=fo.python_name or f.python_name,
                    required=fo.required if fo.required is not None else f.required,
                )
            return level[:i] + (new,) + level[i + 1 :]
        problems.error(fo.where, api.id, f"override names unknown field {'.'.join(fo.path)!r} in {fo.part}")
        return None

    new_fields = apply(fields, fo.path)
    if new_fields is None:
        return None
    if group == "Header":
        new_message = Message(new_fields, message.body)
    else:
        new_message = Message(message.headers, new_fields)
    if direction == "request":
        return dataclasses.replace(api, request=new_message)
    return dataclasses.replace(api, response=new_message)


def _group_for(api: Api, config: Config) -> str:
    words = [config.groups[w] if w in config.groups else snake(w) for w in api.menu[:-1]]
    return "_".join(w for w in words if w) or "misc"


def _assign_names(
    apis: list[Api], config: Config, problems: Problems, report: Callable[[str, str | None, str], None]
) -> list[Api]:
    ids = {a.id for a in apis}
    for api_id, name_entry in sorted(config.names.items()):
        if api_id not in ids:
            report(name_entry.where, api_id, "names table entry for an unknown API")
    lower_counts = Counter(a.id.lower() for a in apis)
    case_twins = {k for k, n in lower_counts.items() if n > 1}
    taken: dict[str, set[str]] = {}
    out: list[Api] = []
    for api in sorted(apis, key=lambda a: _id_key(a.id)):
        entry = config.names.get(api.id)
        group = (entry.group if entry and entry.group else None) or _group_for(api, config)
        group = str(PythonIdentifier(group, prefix="group"))
        method = entry.method if entry and entry.method else None
        methods = taken.setdefault(group, set())
        if method is None:
            method = unique(fallback_method(api.id, case_twins), methods)
        elif method in methods:
            where = entry.where if entry else str(api.source)
            problems.error(where, api.id, f"method name {group}.{method} is taken")
            continue
        else:
            methods.add(method)
        out.append(
            dataclasses.replace(api, group=group, method_name=method, class_prefix=str(ClassName(group, method)))
        )
    return out


def _error_codes(book: RawBook, problems: Problems) -> tuple[ErrorCode, ...]:
    codes: dict[int, ErrorCode] = {}
    for raw in book.error_codes:
        text = raw.code.value
        if not re.fullmatch(r"\d+", text):
            problems.warning(str(raw.code.source), None, f"error code must be a number, got {text!r}")
            continue
        code = int(text)
        if code in codes:
            problems.warning(str(raw.code.source), None, f"error code {code} appears twice")
            continue
        codes[code] = ErrorCode(code, raw.message.value)
    return tuple(sorted(codes.values(), key=lambda e: e.code))

