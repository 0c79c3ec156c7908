"""The intermediate model: the single input of every emitter.

Everything here is immutable and built only by :mod:`kiwoom_codegen.model.build`. Emitters read
it; they never see raw cells. ``Spec.to_json()`` is the documented, stable JSON form (see README,
"Model JSON").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..escape import json_text
from ..source import Source as Source


class Kind(StrEnum):
    """What a field carries on the wire, decided from the sheet's Type column."""

    STRING = "string"
    ARRAY = "array"  # LIST / List<Map>: a list of objects whose members are the children
    OBJECT = "object"  # Object: one nested object whose members are the children


class Transport(StrEnum):
    HTTP = "http"
    WEBSOCKET = "websocket"


@dataclass(frozen=True, slots=True)
class EnumValue:
    value: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Mining:
    """What the description miner decided for a field, why, and where it read the text.

    ``decision``: closed enum, open enum, format, fixed, condition or prose (see describe.py).
    """

    decision: str = "prose"
    reason: str = ""
    default: str | None = None  # the enum value the text marks `(Default)`
    source: Source | None = None  # the Description cell
    declined: bool = False  # the text looked structured and the miner declined it

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "reason": self.reason,
            "default": self.default,
            "source": None if self.source is None else str(self.source),
        }


@dataclass(frozen=True, slots=True)
class Value:
    """What a field's string means as a value (mined by :mod:`.numeric`), and why.

    ``kind``: one of ``numeric.KINDS`` (direction, signed, unsigned, decimal, date, time,
    datetime, code, text), or ``json`` for a request field that carries a JSON list of objects
    inside its string (``items``: their keys; the client takes the list and serialises it);
    ``number``: "int" or "decimal" for the numeric kinds; ``scale``:
    implied decimals (``'000001500'`` with scale 3 is 1.500); ``strip``: a code's prefix that
    is removed (``A`` of ``A005930``); ``source``: what decided it (label, description, name,
    example, overrides.toml, default).
    """

    kind: str = "text"
    number: str = ""
    scale: int = 0
    strip: str = ""
    time_format: str = ""  # HHMMSS, HH:mm:ss, HHMM, HH:mm for a time
    items: tuple[str, ...] = ()  # json: the keys of the objects of the list inside the string
    source: str = "default"
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "number": self.number or None,
            "scale": self.scale,
            "strip": self.strip or None,
            "time_format": self.time_format or None,
            "items": list(self.items) or None,
            "source": self.source,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Condition:
    """``field`` is required when the sibling field ``when_field`` has one of ``when_values``."""

    when_field: str
    when_values: tuple[str, ...]
    text: str  # the words of the sheet it was read from

    def to_json(self) -> dict[str, Any]:
        return {"field": self.when_field, "in": list(self.when_values), "text": self.text}


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # wire name, exactly as the sheet spells it (stripped)
    python_name: str  # a valid Python identifier; differs from name for `cont-yn`, keywords...
    label: str  # 한글명
    type: str  # the sheet's type, normalised spelling: String, LIST, List<Map>, Object, or ""
    kind: Kind
    required: bool | None  # None: the sheet left Required empty
    max_length: int | None
    description: str
    enum: tuple[EnumValue, ...] | None
    format: str | None  # YYYYMMDD, YYYYMMDDhhmmss, hhmmss, ...
    fixed_value: str | None
    required_if: Condition | None
    unit: str | None
    children: tuple[Field, ...]
    source: Source
    enum_closed: bool | None = None  # None when there is no enum; open: other values pass too
    mining: Mining = Mining()
    length_note: str | None = None  # why Length is not enforced beyond enum/fixed/format
    blank_documented: bool = False  # the description says "" may be sent (`미입력시 ...`)
    value: Value = Value()  # what the string means as a value (model/numeric.py)

    @property
    def is_container(self) -> bool:
        return self.kind is not Kind.STRING

    @property
    def accepts_blank(self) -> bool:
        """In a request, "" means "not given": optional fields and documented blanks take it."""
        return not self.required or self.blank_documented

    def length_conflict(self) -> str | None:
        """Why Length cannot hold: shorter than a fixed value, an enum value or the format.

        The official lengths are not always consistent; the model keeps what the sheet says, and
        a schema must then not enforce a length that no valid value can meet.
        """
        if self.max_length is None:
            return None
        if self.length_note is not None:
            return self.length_note
        values = [self.fixed_value] if self.fixed_value is not None else []
        values += [e.value for e in self.enum or ()]
        longest = max(values, key=len, default="")
        if len(longest) > self.max_length:
            return f"Length {self.max_length} is shorter than the value {longest!r}"
        if self.format is not None and len(self.format) > self.max_length:
            return f"Length {self.max_length} is shorter than the format {self.format}"
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "python_name": self.python_name,
            "label": self.label,
            "type": self.type,
            "kind": self.kind.value,
            "required": self.required,
            "max_length": self.max_length,
            "description": self.description,
            "enum": (
                None
                if self.enum is None
                else [{"value": e.value, "label": e.label} for e in self.enum]
            ),
            "enum_closed": None if self.enum is None else self.enum_closed,
            "mining": self.mining.to_json(),
            "length_enforced": self.max_length is not None and self.length_conflict() is None,
            "accepts_blank": self.accepts_blank,
            "format": self.format,
            "fixed_value": self.fixed_value,
            "required_if": (None if self.required_if is None else self.required_if.to_json()),
            "unit": self.unit,
            "value": self.value.to_json(),
            "children": [c.to_json() for c in self.children],
            "source": str(self.source),
        }


@dataclass(frozen=True, slots=True)
class Variant:
    """One alternative shape of a message body, opened by a heading row such as 조회 데이터.

    The message's ``body`` (the fields above the first heading) is common to every variant; a
    variant adds its own fields, which may repeat the names of another variant's.
    """

    name: str  # the heading's text, as the sheet spells it
    body: tuple[Field, ...]
    source: Source  # the heading cell

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "body": [f.to_json() for f in self.body],
            "source": str(self.source),
        }


@dataclass(frozen=True, slots=True)
class Message:
    """One direction of an API: its header fields, its body fields and alternative shapes."""

    headers: tuple[Field, ...]
    body: tuple[Field, ...]
    variants: tuple[Variant, ...] = ()

    def shapes(self) -> list[tuple[Variant | None, tuple[Field, ...]]]:
        """Every whole body shape: the common body plus one variant's fields (or just the body)."""
        if not self.variants:
            return [(None, self.body)]
        return [(v, self.body + v.body) for v in self.variants]

    def to_json(self) -> dict[str, Any]:
        return {
            "headers": [f.to_json() for f in self.headers],
            "body": [f.to_json() for f in self.body],
            "variants": [v.to_json() for v in self.variants],
        }


@dataclass(frozen=True, slots=True)
class ExamplePart:
    """One JSON document of an example that holds several, each after a ``#name`` line."""

    name: str | None  # the comment's text without '#' (조회데이터), None before any comment
    text: str
    value: Any  # the parsed JSON, or None when the part is not valid JSON
    valid: bool
    line: int  # 1-based line of the example's text where the part's document starts
    lenient: bool = False  # read as a Python literal (model/lenient.py), not as JSON

    def to_json(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "text": self.text,
            "json": self.value,
            "valid": self.valid,
            "line": self.line,
        }
        return {**out, "lenient": True} if self.lenient else out


@dataclass(frozen=True, slots=True)
class Example:
    text: str  # always kept, exactly as the sheet has it (stripped)
    value: Any  # the parsed JSON, or None when the text is not one valid JSON document
    valid: bool
    source: Source
    parts: tuple[ExamplePart, ...] = ()  # the documents of a text that holds several
    lenient: bool = False  # read as a Python literal (model/lenient.py), not as JSON

    @property
    def documents(self) -> list[tuple[str | None, Any, str]]:
        """(part name, parsed JSON, where) of every JSON document the example holds."""
        if self.valid:
            return [(None, self.value, str(self.source))]
        return [(p.name, p.value, f"{self.source} line {p.line}") for p in self.parts if p.valid]

    @property
    def is_json(self) -> bool:
        """One JSON document, or several that all parse."""
        return self.valid or (bool(self.parts) and all(p.valid for p in self.parts))

    def to_json(self) -> dict[str, Any]:
        out = {
            "text": self.text,
            "json": self.value,
            "valid": self.valid,
            "parts": [p.to_json() for p in self.parts],
            "source": str(self.source),
        }
        return {**out, "lenient": True} if self.lenient else out


@dataclass(frozen=True, slots=True)
class Servers:
    production: str
    mock: str | None
    mock_note: str | None  # e.g. "KRX만 지원가능" from "https://mockapi.kiwoom.com(KRX만 지원가능)"


@dataclass(frozen=True, slots=True)
class Api:
    id: str
    name: str  # API 명
    menu: tuple[str, ...]  # 메뉴 위치 split on '>'
    method: str  # HTTP method, always POST in practice
    path: str
    servers: Servers
    transport: Transport
    content_type: str
    overview: str
    request: Message
    response: Message
    request_example: Example | None
    response_example: Example | None
    group: str  # Python group attribute on the client, e.g. credit_orders
    method_name: str  # Python method name, e.g. buy
    class_prefix: str  # CamelCase prefix for generated classes, e.g. CreditOrdersBuy
    is_order: bool  # moves money: never re-sent after it may have executed
    category: str | None  # 대분류 from the index sheet, when read from the full workbook
    source: Source

    @property
    def summary(self) -> str:
        return f"{self.name} ({self.id})"

    @property
    def python_name(self) -> str:
        """Its method from the client: ``chart.daily``, ``us.orders.buy``, ``issue_token``."""
        return f"{self.group}.{self.method_name}" if self.group else self.method_name

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "menu": list(self.menu),
            "method": self.method,
            "path": self.path,
            "servers": {
                "production": self.servers.production,
                "mock": self.servers.mock,
                "mock_note": self.servers.mock_note,
            },
            "transport": self.transport.value,
            "content_type": self.content_type,
            "overview": self.overview,
            "request": self.request.to_json(),
            "response": self.response.to_json(),
            "examples": {
                "request": (
                    None if self.request_example is None else self.request_example.to_json()
                ),
                "response": (
                    None if self.response_example is None else self.response_example.to_json()
                ),
            },
            "python": {
                "group": self.group,
                "method": self.method_name,
                "class_prefix": self.class_prefix,
            },
            "is_order": self.is_order,
            "category": self.category,
            "source": str(self.source),
        }


@dataclass(frozen=True, slots=True)
class ErrorCode:
    code: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class RealtimeTable:
    """The reviewed real-time table (specs/realtime_fields.toml), see generator.realtime_model."""

    fields: tuple[tuple[str, str], ...] = ()  # (field id, python name), sorted
    no_item: tuple[str, ...] = ()  # real-time types registered without items (00, 04, F4, F5)


@dataclass(frozen=True, slots=True)
class Spec:
    """A whole edition of the docs: every API, sorted by id, and the error-code table."""

    apis: tuple[Api, ...]
    error_codes: tuple[ErrorCode, ...]
    package_name: str = "kiwoom-client"
    package_version: str = "0.0.0"
    groups: tuple[tuple[str, str], ...] = field(default=())  # (group, Korean menu name), sorted
    realtime: RealtimeTable = field(default=RealtimeTable())

    def api(self, api_id: str) -> Api:
        for a in self.apis:
            if a.id == api_id:
                return a
        raise KeyError(api_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "apis": [a.to_json() for a in self.apis],
            "error_codes": [e.to_json() for e in self.error_codes],
        }

    def dumps(self) -> str:
        """The model's JSON text: sorted keys, two-space indent, UTF-8 text unescaped but for
        the unsafe characters of :func:`generator.escape.json_text`."""
        return json_text(self.to_json(), indent=2, sort_keys=True) + "\n"

    def content_hash(self) -> str:
        """A hash of what the docs say, independent of where they were read from.

        Sources (file names, cells) are left out so that moving a sheet does not change it.
        The model is immutable, so the hash of the few most recent models is remembered (a
        `generate` asks for it several times).
        """
        remembered = _HASHES.get(id(self))
        if remembered is not None and remembered[0] is self:
            return remembered[1]

        text = json_text(without_key(self.to_json(), "source"), indent=None, sort_keys=True)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        while len(_HASHES) >= 4:
            del _HASHES[next(iter(_HASHES))]
        _HASHES[id(self)] = (self, digest)  # the model is kept alive: its id is not reused
        return digest


def without_key(node: Any, key: str) -> Any:
    """A copy of a JSON tree without ``key`` in any of its objects."""
    if isinstance(node, dict):
        return {k: without_key(v, key) for k, v in node.items() if k != key}
    if isinstance(node, list):
        return [without_key(v, key) for v in node]
    return node


_HASHES: dict[int, tuple[Spec, str]] = {}  # id -> (model, Spec.content_hash()), oldest first


def walk(fields: tuple[Field, ...], depth: int = 0) -> list[tuple[int, Field]]:
    """Every field of a tree with its depth, parents before children, in sheet order."""
    out: list[tuple[int, Field]] = []
    for f in fields:
        out.append((depth, f))
        out.extend(walk(f.children, depth + 1))
    return out
