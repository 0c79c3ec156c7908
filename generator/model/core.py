"""The intermediate model: the single input of every emitter.

Everything here is immutable and built only by :mod:`kiwoom_codegen.model.build`. Emitters read
it; they never see raw cells. ``Spec.to_json()`` is the documented, stable JSON form (see README,
"Model JSON").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a field carries on the wire, decided from the sheet's Type column."""

    STRING = "string"
    ARRAY = "array"  # LIST / List<Map>: a list of objects whose members are the children
    OBJECT = "object"  # Object: one nested object whose members are the children


class Transport(StrEnum):
    HTTP = "http"
    WEBSOCKET = "websocket"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a thing was read: file, sheet and cell (``A1`` style), for messages and review."""

    file: str
    sheet: str
    cell: str = ""

    def __str__(self) -> str:
        parts = [self.file, f"'{self.sheet}'"] if self.sheet else [self.file]
        if self.cell:
            parts.append(self.cell)
        return " › ".join(parts)


@dataclass(frozen=True, slots=True)
class EnumValue:
    value: str
    label: str | None = None


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

    @property
    def is_container(self) -> bool:
        return self.kind is not Kind.STRING

    def length_conflict(self) -> str | None:
        """Why Length cannot hold: shorter than a fixed value, an enum value or the format.

        The official lengths are not always consistent; the model keeps what the sheet says, and
        a schema must then not enforce a length that no valid value can meet.
        """
        if self.max_length is None:
            return None
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
            "format": self.format,
            "fixed_value": self.fixed_value,
            "required_if": None if self.required_if is None else self.required_if.to_json(),
            "unit": self.unit,
            "children": [c.to_json() for c in self.children],
            "source": str(self.source),
        }


@dataclass(frozen=True, slots=True)
class Message:
    """One direction of an API: its header fields and its body fields."""

    headers: tuple[Field, ...]
    body: tuple[Field, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "headers": [f.to_json() for f in self.headers],
            "body": [f.to_json() for f in self.body],
        }


@dataclass(frozen=True, slots=True)
class Example:
    text: str  # always kept, exactly as the sheet has it (stripped)
    value: Any  # the parsed JSON, or None when the text is not valid JSON
    valid: bool
    source: Source

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "json": self.value,
            "valid": self.valid,
            "source": str(self.source),
        }


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
                "request": None if self.request_example is None else self.request_example.to_json(),
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
        """The model's JSON text: sorted keys, two-space indent, UTF-8 text unescaped."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def content_hash(self) -> str:
        """A hash of what the docs say, independent of where they were read from.

        Sources (file names, cells) are left out so that moving a sheet does not change it.
        """

        def strip(obj: Any) -> Any:
            if isinstance(obj, dict):
                return {k: strip(v) for k, v in obj.items() if k != "source"}
            if isinstance(obj, list):
                return [strip(v) for v in obj]
            return obj

        text = json.dumps(strip(self.to_json()), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def walk(fields: tuple[Field, ...], depth: int = 0) -> list[tuple[int, Field]]:
    """Every field of a tree with its depth, parents before children, in sheet order."""
    out: list[tuple[int, Field]] = []
    for f in fields:
        out.append((depth, f))
        out.extend(walk(f.children, depth + 1))
    return out
