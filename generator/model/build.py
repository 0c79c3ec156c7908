"""Raw rows -> the immutable model: types, the LIST tree, meaning; then overrides and names."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..problems import Problems
from ..reader.cells import key
from ..reader.raw import RawApi, RawBook, RawCell, RawRow
from .config import Config
from .core import (
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
    walk,
)
from .describe import Meaning, understand
from .names import identifier, unique
from .overrides import apply_overrides, assign_names, group_titles
from .realtime import apply_realtime_names

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
_LENGTH = re.compile(r"^\d+(\.0+)?$")


@dataclass
class _Node:
    """A field while its tree is being built (made immutable at the end)."""

    row: RawRow
    name: str
    type: str
    kind: Kind
    required: bool | None
    max_length: int | None
    bad: bool = False  # an error was reported for this row: no further checks on it
    lost_members: bool = False  # some member rows were rejected (already reported)
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
    listed = {e.api_id: e for e in book.index}
    for api_id in sorted(set(listed) - set(seen), key=_id_key):
        problems.warning(
            str(listed[api_id].source), api_id, "listed in the index but no sheet has this API ID"
        )

    report = problems.warning if lenient_config else problems.error
    built = apply_overrides(built, set(seen), config, problems, report)
    built = assign_names(built, set(seen), config, problems, report)
    built = apply_realtime_names(built, config.realtime)
    built.sort(key=lambda a: _id_key(a.id))
    return Spec(
        apis=tuple(built),
        error_codes=_error_codes(book, problems),
        package_name=config.package_name,
        package_version=config.package_version,
        groups=group_titles(built),
        realtime=config.realtime,
    )


def _id_key(api_id: str) -> tuple[str, str]:
    return (api_id.lower(), api_id)


# --- one API -------------------------------------------------------------------------------


def _info(raw: RawApi, name: str) -> RawCell | None:
    cell = raw.info.get(name)
    return cell if cell is not None and cell.value else None


def _at(raw: RawApi, name: str) -> str:
    """Where an info value is (or should be): its cell when the key row exists."""
    cell = raw.info.get(name)
    return str(cell.source) if cell is not None else raw.where


def _build_api(raw: RawApi, category: str | None, problems: Problems) -> Api | None:
    api_id = raw.api_id or ""
    errors_before = problems.error_count
    if not _API_ID.match(api_id):
        problems.error(str(raw.info["apiid"].source), api_id, "API ID must be letters, digits or _")
    name_cell = _info(raw, "name")
    name = name_cell.value if name_cell else re.sub(r"\(.*\)$", "", raw.sheet).strip()
    if name_cell is None:
        problems.warning(_at(raw, "name"), api_id, "API 명 is empty; using the sheet name")
    menu_cell = _info(raw, "menu")
    menu = tuple(p.strip() for p in menu_cell.value.split(">") if p.strip()) if menu_cell else ()
    if not menu:
        problems.warning(_at(raw, "menu"), api_id, "메뉴 위치 is empty")
        menu = (name,)
    method_cell = _info(raw, "method")
    method = method_cell.value.upper() if method_cell else "POST"
    if method_cell is None:
        problems.warning(_at(raw, "method"), api_id, "Method is empty; assuming POST")
    path = _path(raw, api_id, problems)
    servers = _servers(raw, api_id, problems)
    transport = Transport.HTTP
    if servers.production.startswith(("wss://", "ws://")):
        transport = Transport.WEBSOCKET
    content_type = _info(raw, "content_type")
    request_headers, request_body = _message(raw, "request", api_id, problems)
    response_headers, response_body = _message(raw, "response", api_id, problems)
    if problems.error_count > errors_before:
        return None
    return Api(
        id=api_id,
        name=name,
        menu=menu,
        method=method,
        path=path,
        servers=servers,
        transport=transport,
        content_type=content_type.value if content_type else "application/json;charset=UTF-8",
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
        problems.error(_at(raw, "url"), api_id, "URL is empty")
        return "/"
    value = cell.value
    m = re.match(r"^[a-z]+://[^/]+(/.*)$", value)
    if m:
        value = m.group(1)
    if not value.startswith("/") or any(c.isspace() for c in value):
        problems.error(
            str(cell.source),
            api_id,
            f"URL must be a path like /api/dostk/crdordr, got {cell.value!r}",
        )
    return value


def _servers(raw: RawApi, api_id: str, problems: Problems) -> Servers:
    production = _info(raw, "production")
    if production is None:
        problems.error(_at(raw, "production"), api_id, "운영 도메인 is empty")
        return Servers("https://api.kiwoom.com", None, None)
    prod = _SERVER.match(production.value)
    if not prod or "://" not in prod.group(1):
        problems.error(
            str(production.source), api_id, f"운영 도메인 is not a URL: {production.value!r}"
        )
        return Servers("https://api.kiwoom.com", None, None)
    mock_cell = _info(raw, "mock")
    mock = _SERVER.match(mock_cell.value) if mock_cell else None
    if mock_cell is not None and (not mock or "://" not in mock.group(1)):
        problems.warning(
            str(mock_cell.source), api_id, f"모의투자 도메인 is not a URL: {mock_cell.value!r}"
        )
        mock = None
    return Servers(
        production=prod.group(1),
        mock=mock.group(1) if mock else None,
        mock_note=((mock.group(2) or "").strip() or None) if mock else None,
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
            f"{what} Example is not valid JSON ({exc.msg} at line {exc.lineno} column "
            f"{exc.colno}); kept as text",
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
    header_rows = [r for r in table.rows if r.group == "Header"]
    body_rows = [r for r in table.rows if r.group == "Body"]
    headers = _fields(header_rows, f"{title} Header", api_id, problems)
    body = _fields(body_rows, f"{title} Body", api_id, problems)
    for _, f in walk(headers + body):
        conflict = f.length_conflict()
        if conflict:
            problems.warning(
                str(f.source), api_id, f"{f.name}: {conflict}; the length is not enforced"
            )
    return headers, body


def _fields(rows: list[RawRow], table: str, api_id: str, problems: Problems) -> tuple[Field, ...]:
    """The LIST tree: each leading `-` on an Element is one level below the LIST above it."""
    roots: list[_Node] = []
    stack: list[_Node] = []  # the path to the last field placed, one node per depth
    skip_from: int | None = None  # members of a rejected row are skipped (not reported again)
    for row in rows:
        if not (row.label or row.type or row.required or row.length or row.description):
            continue  # a section heading such as 조회 데이터: not a field
        element = row.element
        if element.startswith("-"):
            m = _DEPTH.match(element)
            assert m is not None
            depth = m.group(1).count("-")
            name = m.group(2).strip()
        else:
            depth, name = 0, element
        if skip_from is not None:
            if depth >= skip_from:
                continue
            skip_from = None
        if not name:
            problems.error(str(row.source), api_id, f"Element {element!r} has no name")
            skip_from = depth + 1
            continue
        if depth > len(stack):
            if stack:
                problems.error(
                    str(row.source),
                    api_id,
                    f"{name!r} is at depth {depth} but the field above is at depth "
                    f"{len(stack) - 1}: a member needs a LIST exactly one level above it",
                )
                stack[-1].lost_members = True
            else:
                problems.error(
                    str(row.source), api_id, f"{name!r} starts with '-' but no LIST is above it"
                )
            skip_from = depth
            continue
        siblings = stack[depth - 1].children if depth else roots
        twin = next((s for s in siblings if s.name == name), None)
        if twin is not None:
            problems.error(
                str(row.source),
                api_id,
                f"field {name!r} appears twice in {table} (first at {twin.row.source.cell})",
            )
            skip_from = depth + 1
            continue
        node = _node(row, name, api_id, problems)
        siblings.append(node)
        del stack[depth:]
        stack.append(node)
    _check_containers(roots, api_id, problems)
    return _freeze(roots)


def _node(row: RawRow, name: str, api_id: str, problems: Problems) -> _Node:
    bad = False
    type_text = row.type
    known = TYPES.get(key(type_text))
    if known is None:
        problems.error(
            str(row.at("type")),
            api_id,
            f"unknown Type {type_text!r} for {name!r}; known: String, LIST, List<Map>, Object",
        )
        known, bad = (type_text, Kind.STRING), True
    canonical, kind = known
    if not type_text:
        problems.warning(str(row.at("type")), api_id, f"Type is empty for {name!r}; read as String")
    required: bool | None = None
    req = row.required.upper()
    if req in ("Y", "N"):
        required = req == "Y"
    elif not req:
        problems.warning(
            str(row.at("required")), api_id, f"Required is empty for {name!r}; read as optional"
        )
    else:
        problems.error(
            str(row.at("required")), api_id, f"Required must be Y or N, got {row.required!r}"
        )
        bad = True
    max_length: int | None = None
    length = row.length
    if length:
        if _LENGTH.match(length) and int(float(length)) > 0:
            max_length = int(float(length))
        else:
            problems.warning(
                str(row.at("length")),
                api_id,
                f"Length of {name!r} is not a whole number: {length!r}; ignored",
            )
    return _Node(row, name, canonical, kind, required, max_length, bad)


def _check_containers(nodes: list[_Node], api_id: str, problems: Problems) -> None:
    kept: list[_Node] = []
    for node in nodes:
        if node.bad or node.lost_members:
            pass  # already reported
        elif node.children and node.kind is Kind.STRING:
            problems.warning(
                str(node.row.at("type")),
                api_id,
                f"members follow {node.name!r} of Type {node.type or 'empty'}; read as LIST",
            )
            node.kind = Kind.ARRAY
        elif not node.children and node.type == "LIST":
            problems.error(
                str(node.row.at("type")),
                api_id,
                f"LIST {node.name!r} has no members (- prefixed rows below it)",
            )
            continue
        elif not node.children and node.kind is not Kind.STRING:
            problems.warning(
                str(node.row.at("type")),
                api_id,
                f"{node.type} {node.name!r} has no members; read as free-form",
            )
        _check_containers(node.children, api_id, problems)
        kept.append(node)
    nodes[:] = kept


def _freeze(nodes: list[_Node]) -> tuple[Field, ...]:
    """One level of siblings: unique Python names, conditions resolved against sibling enums."""
    meanings: list[Meaning] = [understand(n.row.description) for n in nodes]
    taken: set[str] = set()
    out: list[Field] = []
    for node, meaning in zip(nodes, meanings, strict=True):
        text = node.row.description
        plain = node.kind is Kind.STRING
        condition = None
        term = meaning.condition_term
        if term:
            for other, other_meaning in zip(nodes, meanings, strict=True):
                if other is node or other.kind is not Kind.STRING or not other_meaning.enum:
                    continue
                values = tuple(e.value for e in other_meaning.enum if e.label == term)
                if values:
                    condition = Condition(other.name, values, text)
                    break
        out.append(
            Field(
                name=node.name,
                python_name=unique(identifier(node.name), taken),
                label=node.row.label,
                type=node.type,
                kind=node.kind,
                required=node.required,
                max_length=node.max_length,
                description=text,
                enum=meaning.enum if plain else None,
                format=meaning.format if plain else None,
                fixed_value=meaning.fixed_value if plain else None,
                required_if=condition,
                unit=meaning.unit,
                children=_freeze(node.children),
                source=node.row.source,
            )
        )
    return tuple(out)


def _error_codes(book: RawBook, problems: Problems) -> tuple[ErrorCode, ...]:
    codes: dict[int, ErrorCode] = {}
    for raw in book.error_codes:
        text = raw.code.value
        if not re.fullmatch(r"-?\d+", text):
            problems.warning(
                str(raw.code.source), None, f"error code must be a number, got {text!r}"
            )
            continue
        code = int(text)
        if code in codes:
            if codes[code].message != raw.message.value:
                problems.warning(
                    str(raw.code.source),
                    None,
                    f"error code {code} appears twice with different messages; the first is kept",
                )
            continue
        codes[code] = ErrorCode(code, raw.message.value)
    return tuple(sorted(codes.values(), key=lambda e: e.code))
