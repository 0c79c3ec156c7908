"""Raw rows -> the immutable model: types, the LIST tree, meaning; then overrides and names."""

from __future__ import annotations

import json
import math
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..problems import Problems
from ..reader.api_sheet import NOTE_MARKS
from ..reader.cells import key
from ..reader.limits import MAX_ERROR_CODE, MAX_EXAMPLE_DEPTH, MAX_LENGTH
from ..reader.raw import RawApi, RawBook, RawCell, RawRow
from .config import Config
from .core import (
    Api,
    Condition,
    ErrorCode,
    Example,
    ExamplePart,
    Field,
    Kind,
    Message,
    Mining,
    Servers,
    Source,
    Spec,
    Transport,
    Variant,
    walk,
)
from .describe import (
    CONDITION,
    FORMAT,
    MAX_MINED,
    PROSE,
    Meaning,
    resolve_condition,
    understand,
)
from .lenient import python_literal
from .names import identifier, unique
from .numeric import mine_values
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
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"})
# A clean URL path: segments of unreserved characters (RFC 3986) between slashes; no template
# braces, query, fragment, spaces or percent signs (the client and OpenAPI use it verbatim).
_CLEAN_PATH = re.compile(r"/|(?:/[A-Za-z0-9._~-]+)+/?", re.ASCII)
# A server URL: scheme, host, optional port and nothing else.
_CLEAN_SERVER = re.compile(r"(?:https?|wss?)://[A-Za-z0-9.-]+(?::[0-9]{1,5})?/?", re.ASCII)
_REQUIRED = {"Y": True, "YES": True, "필수": True, "N": False, "NO": False, "선택": False}
_LENGTH = re.compile(r"^0*([0-9]+)(?:\.0+)?$", re.ASCII)


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
    """The model of ``book``. ``book.apis`` is consumed: each raw sheet is dropped once its API
    is built, so that the raw cells of a full-size workbook and its model are not all held at
    once (the peak memory of reading)."""
    categories = {e.api_id: e.category for e in book.index}
    built: list[Api] = []
    seen: dict[str, str] = {}  # API id -> where its first sheet has it
    pending = deque(book.apis)
    book.apis.clear()
    while pending:
        raw = pending.popleft()
        api_id = raw.api_id or ""
        if api_id in seen:
            problems.error(
                _at(raw, "apiid"),
                api_id,
                f"API id {api_id} appears twice (first in {seen[api_id]})",
            )
            continue
        seen[api_id] = _at(raw, "apiid")
        api = _build_api(raw, categories.get(api_id), problems)
        del raw
        if api is not None:
            built.append(api)
    listed = {e.api_id: e for e in book.index}
    for api_id in sorted(set(listed) - set(seen), key=_id_key):
        problems.warning(
            str(listed[api_id].source), api_id, "listed in the index but no sheet has this API ID"
        )

    report = problems.warning if lenient_config else problems.error
    built = mine_values(built)  # what each field's string means (before the overrides)
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
    elif method not in HTTP_METHODS:
        problems.error(
            str(method_cell.source),
            api_id,
            f"Method must be one of {', '.join(sorted(HTTP_METHODS))}, "
            f"got {_clip(method_cell.value)!r}",
        )
    path = _path(raw, api_id, problems)
    servers = _servers(raw, api_id, problems)
    transport = Transport.HTTP
    if servers.production.startswith(("wss://", "ws://")):
        transport = Transport.WEBSOCKET
    content_type = _info(raw, "content_type")
    request = _message(raw, "request", api_id, problems)
    response = _message(raw, "response", api_id, problems)
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
        content_type=(content_type.value if content_type else "application/json;charset=UTF-8"),
        overview="\n".join(raw.overview),
        request=request,
        response=response,
        request_example=_example(raw.request_example, "Request", api_id, problems),
        response_example=_example(raw.response_example, "Response", api_id, problems),
        group="",
        method_name="",
        class_prefix="",
        is_order=bool(_ORDER_IDS.match(api_id))
        # 주문 (order) and 신청 (application: ust31302 환전 신청 converts currency) move money.
        or (transport is Transport.HTTP and name.replace(" ", "").endswith(("주문", "신청"))),
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
    if not _CLEAN_PATH.fullmatch(value):
        problems.error(
            str(cell.source),
            api_id,
            "URL must be a path like /api/dostk/crdordr (letters, digits, - . _ ~ between "
            f"slashes), got {_clip(cell.value)!r}",
        )
    return value


def _servers(raw: RawApi, api_id: str, problems: Problems) -> Servers:
    production = _info(raw, "production")
    if production is None:
        problems.error(_at(raw, "production"), api_id, "운영 도메인 is empty")
        return Servers("https://api.kiwoom.com", None, None)
    prod = _SERVER.match(production.value)
    if not prod or not _CLEAN_SERVER.fullmatch(prod.group(1)):
        problems.error(
            str(production.source),
            api_id,
            f"운영 도메인 is not a URL like https://api.kiwoom.com: {_clip(production.value)!r}",
        )
        return Servers("https://api.kiwoom.com", None, None)
    mock_cell = _info(raw, "mock")
    mock = _SERVER.match(mock_cell.value) if mock_cell else None
    if mock_cell is not None and (not mock or not _CLEAN_SERVER.fullmatch(mock.group(1))):
        problems.warning(
            str(mock_cell.source),
            api_id,
            f"모의투자 도메인 is not a URL: {_clip(mock_cell.value)!r}; ignored",
        )
        mock = None
    return Servers(
        production=prod.group(1),
        mock=mock.group(1) if mock else None,
        mock_note=((mock.group(2) or "").strip() or None) if mock else None,
    )


_COMMENT_LINE = re.compile(r"^\s*(?:#|//)\s*(.*?)\s*$")
LENIENT_NOTE = (
    "read as a Python literal (single quotes, trailing commas, comments) and checked as that"
)


def _example(cell: RawCell | None, what: str, api_id: str, problems: Problems) -> Example | None:
    if cell is None or not cell.value:
        return None
    try:
        value = json.loads(cell.value, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        parts = _split_documents(cell.value)
        value, lenient = _safe_literal(cell.value)
        if parts and (all(p.valid for p in parts) or not lenient):
            for part in parts:
                named = f" {part.name!r}" if part.name else ""
                if part.lenient:
                    problems.warning(
                        str(cell.source),
                        api_id,
                        f"{what} Example part{named} (line {part.line}) is not valid JSON; "
                        f"{LENIENT_NOTE}",
                    )
                elif not part.valid:
                    problems.warning(
                        str(cell.source),
                        api_id,
                        f"{what} Example part{named} (line {part.line}) is not valid JSON; "
                        "kept as text",
                    )
            return Example(cell.value, None, False, cell.source, parts)
        if lenient:  # one literal, comments inside it included
            problems.warning(
                str(cell.source),
                api_id,
                f"{what} Example is not valid JSON ({exc.msg} at line {exc.lineno} column "
                f"{exc.colno}); {LENIENT_NOTE}",
            )
            return Example(cell.value, value, True, cell.source, lenient=True)
        problems.warning(
            str(cell.source),
            api_id,
            f"{what} Example is not valid JSON ({exc.msg} at line {exc.lineno} column "
            f"{exc.colno}); kept as text",
        )
        return Example(cell.value, None, False, cell.source)
    except (ValueError, RecursionError) as exc:  # NaN, 1e400, 5,000 digits, deep nesting
        problems.warning(
            str(cell.source),
            api_id,
            f"{what} Example is not valid JSON ({_clip(str(exc), 80)}); kept as text",
        )
        return Example(cell.value, None, False, cell.source)
    if _json_depth(value) > MAX_EXAMPLE_DEPTH:
        problems.warning(
            str(cell.source),
            api_id,
            f"{what} Example nests deeper than {MAX_EXAMPLE_DEPTH} levels; kept as text",
        )
        return Example(cell.value, None, False, cell.source)
    if _has_surrogate(value):
        problems.warning(
            str(cell.source),
            api_id,
            f"{what} Example holds a lone surrogate escape (such as \\ud800), which is not "
            "Unicode text; kept as text",
        )
        return Example(cell.value, None, False, cell.source)
    return Example(cell.value, value, True, cell.source)


def _safe_json(text: str) -> tuple[Any, bool]:
    """(value, True) when ``text`` is JSON every parser reads the same way, else (None, False):
    no NaN or infinities, no number beyond a double or Python's digit limit, no nesting deeper
    than MAX_EXAMPLE_DEPTH, no lone surrogate."""
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return None, False
    if _json_depth(value) > MAX_EXAMPLE_DEPTH or _has_surrogate(value):
        return None, False
    return value, True


def _safe_literal(text: str) -> tuple[Any, bool]:
    """(value, True) when ``text`` is a Python literal meaning one JSON document
    (:func:`.lenient.python_literal`) within the limits of :func:`_safe_json`."""
    value, ok = python_literal(text)
    if not ok or _json_depth(value) > MAX_EXAMPLE_DEPTH or _has_surrogate(value):
        return None, False
    return value, True


def _json_depth(value: object) -> int:
    """How deep lists and objects nest (iteratively: the value may be very deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_EXAMPLE_DEPTH:
                children = node.values() if isinstance(node, dict) else node
                stack.extend((child, level + 1) for child in children)
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{_clip(text, 20)} is beyond a double")
    return value


def _has_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _split_documents(text: str) -> tuple[ExamplePart, ...]:
    """The documents of an example that holds several, each after a comment line (`#요청`).

    Empty when the text has no such line. Text before the first comment is a part of its own
    (named None) when it is not blank.
    """
    lines = text.split("\n")
    marks = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _COMMENT_LINE.match(line))]
    if not marks:
        return ()
    bounds: list[tuple[str | None, int, int]] = []
    if any(line.strip() for line in lines[: marks[0][0]]):
        bounds.append((None, 0, marks[0][0]))
    for n, (i, name) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(lines)
        bounds.append((name or None, i + 1, end))
    parts: list[ExamplePart] = []
    for name, start, end in bounds:
        chunk = lines[start:end]
        while chunk and not chunk[0].strip():
            chunk, start = chunk[1:], start + 1
        body = "\n".join(chunk).strip()
        if not body:
            continue  # a comment with nothing under it (a note)
        value, valid = _safe_json(body)
        lenient = False
        if not valid:
            value, lenient = _safe_literal(body)
        parts.append(ExamplePart(name, body, value, valid or lenient, start + 1, lenient))
    return tuple(parts)


# --- tables --------------------------------------------------------------------------------


def _is_heading(row: RawRow) -> bool:
    """Only the Element cell is filled: a section heading such as 조회 데이터, not a field."""
    return not (row.label or row.type or row.required or row.length or row.description)


def _depth(element: str) -> int:
    m = _DEPTH.match(element)
    return m.group(1).count("-") if m else 0


def _message(raw: RawApi, which: str, api_id: str, problems: Problems) -> Message:
    table = raw.request if which == "request" else raw.response
    if table is None:
        problems.warning(raw.where, api_id, f"no {which.title()} table")
        return Message((), ())
    title = which.title()
    header_rows: list[RawRow] = []
    common: list[RawRow] = []
    segments: list[tuple[RawRow, list[RawRow]]] = []  # (heading, rows) of each variant
    rows = table.rows
    for i, row in enumerate(rows):
        if _is_heading(row):
            # A heading followed by a top-level Body field opens a variant; any other heading
            # (before a header, inside a LIST, before another heading, at the end) is decoration.
            following = rows[i + 1] if i + 1 < len(rows) else None
            if (
                not row.element.startswith(NOTE_MARKS)
                and following is not None
                and not _is_heading(following)
                and following.group == "Body"
                and _depth(following.element) == 0
            ):
                segments.append((row, []))
            continue
        if row.group == "Header":
            header_rows.append(row)
        elif row.group == "Body":
            (segments[-1][1] if segments else common).append(row)
    headers = _fields(header_rows, f"{title} Header", api_id, problems)
    body = _fields(common, f"{title} Body", api_id, problems)
    variants: list[Variant] = []
    names: set[str] = set()
    for heading, segment in segments:
        name = heading.element
        if key(name) in names:
            n = 2
            while key(f"{name} ({n})") in names:
                n += 1
            problems.warning(
                str(heading.source),
                api_id,
                f"heading {name!r} appears twice in {title} Body; this one is read as "
                f"{name + f' ({n})'!r}",
            )
            name = f"{name} ({n})"
        names.add(key(name))
        fields = _fields(segment, f"{title} Body ({name})", api_id, problems)
        for f in fields:
            twin = next((c for c in body if c.name == f.name), None)
            if twin is not None:
                problems.error(
                    str(f.source),
                    api_id,
                    f"field {f.name!r} of {name!r} is also in the {title} Body above the first "
                    f"heading (at {twin.source.cell}): a field appears once in each shape",
                )
        variants.append(Variant(name, fields, heading.source))
    for v in [None, *variants]:
        for _, f in walk(headers + body if v is None else v.body):
            conflict = f.length_conflict()
            if conflict:
                problems.warning(
                    str(f.source), api_id, f"{f.name}: {conflict}; the length is not enforced"
                )
    return Message(headers, body, tuple(variants))


def _fields(rows: list[RawRow], table: str, api_id: str, problems: Problems) -> tuple[Field, ...]:
    """The LIST tree: each leading `-` on an Element is one level below the LIST above it."""
    roots: list[_Node] = []
    stack: list[_Node] = []  # the path to the last field placed, one node per depth
    skip_from: int | None = None  # members of a rejected row are skipped (not reported again)
    for row in rows:
        if _is_heading(row):
            continue  # a section heading that opens no variant (inside a LIST): decoration
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
        if depth and stack[depth - 1].kind is Kind.STRING and stack[depth - 1].type:
            # A member row after a String sibling of its LIST: ka10173's `실시간 데이터` lists
            # `data` (LIST), then `trnm` (String), then `- type`, `- name`... which are members
            # of `data` on the wire. Place them under the nearest container above at that depth.
            level = stack[depth - 2].children if depth >= 2 else roots
            container = next((n for n in reversed(level) if n.kind is not Kind.STRING), None)
            if container is not None:
                problems.warning(
                    str(row.source),
                    api_id,
                    f"member {name!r} follows {stack[depth - 1].name!r} of Type "
                    f"{stack[depth - 1].type}; placed under {container.name!r} above it",
                )
                del stack[depth - 1 :]
                stack.append(container)
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
    return _freeze(roots, api_id, problems)


def _node(row: RawRow, name: str, api_id: str, problems: Problems) -> _Node:
    bad = False
    type_text = row.type
    known = TYPES.get(key(type_text))
    if known is None:
        # Mess, not a broken sheet: a type word the official sheets do not use (`int`,
        # `String[ ]`, `Number`). Every value on Kiwoom's wire is a string: read it as one.
        problems.warning(
            str(row.at("type")),
            api_id,
            f"unknown Type {type_text!r} for {name!r}; read as String "
            "(known: String, LIST, List<Map>, Object)",
        )
        known = (type_text, Kind.STRING)
    canonical, kind = known
    if not type_text:
        problems.warning(str(row.at("type")), api_id, f"Type is empty for {name!r}; read as String")
    required: bool | None = None
    req = row.required.upper()
    spelled = _REQUIRED.get(req) or _REQUIRED.get(re.split(r"[\s(/:,]", req, maxsplit=1)[0])
    if req in ("Y", "N"):
        required = req == "Y"
    elif spelled is not None:
        # Mess, not a broken sheet: `Yes`, `필수`, `Y(조건부)`, `N (미사용)`.
        required = spelled
        problems.warning(
            str(row.at("required")),
            api_id,
            f"Required of {name!r} is {row.required!r}; read as {'Y' if spelled else 'N'}",
        )
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
        m = _LENGTH.match(length)
        digits = m.group(1) if m else "0"
        value = int(digits) if len(digits) <= len(str(MAX_LENGTH)) else MAX_LENGTH + 1
        if value > MAX_LENGTH:
            problems.warning(
                str(row.at("length")),
                api_id,
                f"Length of {name!r} is {_clip(length)}, above the limit of {MAX_LENGTH}; ignored",
            )
        elif value > 0:
            max_length = value
        else:
            problems.warning(
                str(row.at("length")),
                api_id,
                f"Length of {name!r} is not a whole number: {_clip(length)!r}; ignored",
            )
    return _Node(row, name, canonical, kind, required, max_length, bad)


def _clip(text: str, width: int = 40) -> str:
    """A cell value shortened for a message."""
    return text if len(text) <= width else text[: width - 1] + "…"


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
            # ka10101's `- marketCode` is typed LIST, has no members and is a string on the
            # wire (its example says "0"): a LIST without members is read as a String.
            problems.warning(
                str(node.row.at("type")),
                api_id,
                f"LIST {node.name!r} has no members (- prefixed rows below it); read as String",
            )
            node.kind = Kind.STRING
        elif not node.children and node.kind is not Kind.STRING:
            problems.warning(
                str(node.row.at("type")),
                api_id,
                f"{node.type} {node.name!r} has no members; read as free-form",
            )
        _check_containers(node.children, api_id, problems)
        kept.append(node)
    nodes[:] = kept


def _freeze(nodes: list[_Node], api_id: str, problems: Problems) -> tuple[Field, ...]:
    """One level of siblings: unique Python names, conditions resolved against sibling enums."""
    meanings: list[Meaning] = [understand(n.row.description) for n in nodes]
    siblings = [
        (n.name, n.row.label, m.enum)
        for n, m in zip(nodes, meanings, strict=True)
        if n.kind is Kind.STRING and m.enum and not m.fixed_value
    ]
    taken: set[str] = set()
    out: list[Field] = []
    for node, meaning in zip(nodes, meanings, strict=True):
        text = node.row.description
        plain = node.kind is Kind.STRING
        if not text:  # most fields: nothing to mine
            out.append(_plain_field(node, unique(identifier(node.name), taken), api_id, problems))
            continue
        where = node.row.at("description")
        if meaning.too_long:
            problems.warning(
                str(where),
                api_id,
                f"description of {node.name!r} is longer than {MAX_MINED} characters; "
                "kept as prose, not mined",
            )
        condition = None
        decision, reason = meaning.decision, meaning.reason
        for clause in meaning.conditions if plain and node.required is not True else ():
            found = resolve_condition(clause, node.name, siblings)
            if found is not None:
                condition = Condition(found[0], found[1], text)
                if decision in (PROSE, FORMAT, CONDITION):
                    decision = CONDITION
                    reason = f"required when {found[0]} is one of {list(found[1])}: {clause!r}"
                else:
                    reason += f"; required when {found[0]} is one of {list(found[1])}"
                break
        else:
            if decision == CONDITION:  # a clause that names no sibling's values
                decision = FORMAT if meaning.format else PROSE
                reason = f"the condition {meaning.conditions[0]!r} names no sibling's values"
        length_note = None
        longest = max(meaning.shown, key=len, default="")
        if plain and node.max_length is not None and len(longest) > node.max_length:
            length_note = (
                f"Length {node.max_length} is shorter than the value {longest!r} "
                "shown in the description"
            )
        enum = meaning.enum if plain else None
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
                enum=enum,
                format=meaning.format if plain else None,
                fixed_value=meaning.fixed_value if plain else None,
                required_if=condition,
                unit=meaning.unit,
                children=_freeze(node.children, api_id, problems),
                source=node.row.source,
                enum_closed=meaning.enum_closed if enum else None,
                mining=Mining(
                    decision if plain or not text else PROSE,
                    reason if plain else ("" if not text else "a list or object: not mined"),
                    meaning.default if enum else None,
                    where,
                    meaning.declined,
                ),
                length_note=length_note,
                blank_documented=meaning.blank,
            )
        )
    return tuple(out)


_NOTHING_MINED = Mining()


def _plain_field(node: _Node, python_name: str, api_id: str, problems: Problems) -> Field:
    """A field whose description is empty."""
    return Field(
        name=node.name,
        python_name=python_name,
        label=node.row.label,
        type=node.type,
        kind=node.kind,
        required=node.required,
        max_length=node.max_length,
        description="",
        enum=None,
        format=None,
        fixed_value=None,
        required_if=None,
        unit=None,
        children=_freeze(node.children, api_id, problems),
        source=node.row.source,
        mining=_NOTHING_MINED,
    )


def _error_codes(book: RawBook, problems: Problems) -> tuple[ErrorCode, ...]:
    codes: dict[int, ErrorCode] = {}
    for raw in book.error_codes:
        text = raw.code.value
        if not re.fullmatch(r"-?[0-9]{1,30}", text, re.ASCII) or abs(int(text)) > MAX_ERROR_CODE:
            problems.warning(
                str(raw.code.source),
                None,
                f"error code must be a whole number up to {MAX_ERROR_CODE}, got {_clip(text)!r}",
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
