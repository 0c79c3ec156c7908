"""JSON Schema (2020-12, as OpenAPI 3.1 uses it) derived from the model.

One source of truth: the Python client's pydantic models are generated from these schemas by
datamodel-code-generator, and the OpenAPI document carries the same schemas under components.

Requests are strict (required, maxLength, enum, patterns, conditions, no unknown properties);
an optional field also takes "" (Kiwoom's "not given"), as does a required one whose description
documents a blank; an open enumeration is documented (``x-kiwoom-enum``) but any string passes.
Responses are lenient (optional unless the sheet says Y, unknown properties kept, lengths and
enumerations documented but not enforced: Kiwoom adds values, and a new value must not break a
trading program).

A WebSocket API's schemas are its frames' wire shapes (``values`` an object keyed by field id,
REG's ``item``/``type`` arrays...): the model's :func:`~kiwoom_codegen.model.realtime.wire_api`
and the schemas of :mod:`kiwoom_codegen.model.realtime_wire`, which the AsyncAPI document uses too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .core import Api, Field, Kind, Message, Spec, Transport, Variant
from .describe import FORMAT_PATTERNS
from .names import MODEL_MODULE_IMPORTS, ClassName, unique
from .numeric import extension as value_extension
from .realtime import wire_api
from .realtime_wire import US_ITEM, WireShapes, return_code_schema

JsonSchema = dict[str, Any]
DEFS = "#/$defs/"
RETURN_CODE = "return_code"
RETURN_MSG = "return_msg"
# Names a generated models module imports or defines besides its APIs' classes (the WebSocket
# APIs' shared US item schema among them): no API's schema takes them.
RESERVED_SCHEMA_NAMES = frozenset({*MODEL_MODULE_IMPORTS, "Model", "model_validator", US_ITEM})
BLANK_DESCRIPTION = "빈값: not given"


def request_name(api: Api) -> str:
    return f"{api.class_prefix}Request"


def response_name(api: Api) -> str:
    return f"{api.class_prefix}Response"


def enum_varnames(values: list[str]) -> list[str]:
    """Constant names for enum values (x-enum-varnames): KRX -> KRX, 0 -> V0, 1h -> V1H."""
    taken: set[str] = set()
    out: list[str] = []
    for value in values:
        name = re.sub(r"[^0-9A-Za-z]+", "_", value).strip("_").upper() or "EMPTY"
        if name[0].isdigit():
            name = "V" + name
        out.append(unique(name, taken))
    return out


def format_pattern(fmt: str | None, *, allow_empty: bool) -> str | None:
    """The pattern of a date/time format; optional fields may be sent empty, as Kiwoom does."""
    if fmt is None or fmt not in FORMAT_PATTERNS:
        return None
    body = FORMAT_PATTERNS[fmt][1:-1]
    return f"^({body})?$" if allow_empty else f"^{body}$"


Wire = Callable[[tuple[str, ...], Field], JsonSchema | None]


@dataclass
class _Builder:
    ref_prefix: str
    strict: bool
    schemas: dict[str, JsonSchema]
    taken: set[str]
    # A WebSocket API's wire shapes: the schema of the field at a path (wire names from the
    # body's root), or None where the field's own schema holds.
    wire: Wire | None = None

    def object(
        self,
        name: str,
        fields: tuple[Field, ...],
        description: str,
        extra: JsonSchema | None = None,
        variant: str | None = None,
        path: tuple[str, ...] = (),
    ) -> str:
        name = unique(name, self.taken, sep="")
        properties: dict[str, JsonSchema] = {}
        required: list[str] = []
        conditions: list[JsonSchema] = []
        for f in fields:
            properties[f.name] = self.field(name, f, (*path, f.name))
            if f.required:
                required.append(f.name)
            if f.required_if is not None and self.strict:
                when = f.required_if
                test: JsonSchema = (
                    {"const": when.when_values[0]}
                    if len(when.when_values) == 1
                    else {"enum": list(when.when_values)}
                )
                conditions.append(
                    {
                        "if": {
                            "properties": {when.when_field: test},
                            "required": [when.when_field],
                        },
                        "then": {"required": [f.name], "properties": {f.name: {"minLength": 1}}},
                    }
                )
        if extra:
            for key, value in extra.items():
                properties.setdefault(key, value)
        schema: JsonSchema = {"type": "object", "title": name}
        if description:
            schema["description"] = description
        if variant is not None:
            schema["x-kiwoom-variant"] = variant
        schema["properties"] = properties
        if required:
            schema["required"] = required
        if conditions:
            schema["allOf"] = conditions
        schema["additionalProperties"] = not self.strict
        self.schemas[name] = schema
        return name

    def field(self, owner: str, f: Field, path: tuple[str, ...]) -> JsonSchema:
        wire = self.wire(path, f) if self.wire is not None else None
        if (
            wire is not None
            and f.kind is Kind.OBJECT
            and f.children
            and wire.get("type") == "object"
        ):
            # an object with members (values keyed by field id) as it is, under its name
            name = unique(f"{owner}{ClassName(f.python_name)}", self.taken, sep="")
            self.schemas[name] = wire
            return {"$ref": self.ref_prefix + name}
        if wire is not None:  # validated as on the wire, annotated by the sheet
            schema: JsonSchema = dict(wire)
        elif f.kind is Kind.ARRAY:
            item = self.object(
                f"{owner}{ClassName(f.python_name)}Item", f.children, f.label, path=path
            )
            schema = {"type": "array", "items": {"$ref": self.ref_prefix + item}}
        elif f.kind is Kind.OBJECT:
            obj = self.object(f"{owner}{ClassName(f.python_name)}", f.children, f.label, path=path)
            return {"$ref": self.ref_prefix + obj}
        else:
            schema = {"type": "string"}
            if self.strict and f.max_length is not None and f.length_conflict() is None:
                schema["maxLength"] = f.max_length
            blank = [""] if self.strict and f.accepts_blank else []
            if f.fixed_value is not None and self.strict:
                schema["enum"] = [f.fixed_value] + [b for b in blank if b != f.fixed_value]
                schema["default"] = f.fixed_value
            elif f.fixed_value is not None:
                schema["x-kiwoom-fixed-value"] = f.fixed_value  # documented, not enforced
            elif f.enum is not None:
                values = [e.value for e in f.enum]
                if self.strict and f.enum_closed:
                    extra = [b for b in blank if b not in values]
                    schema["enum"] = values + extra
                    schema["x-enum-varnames"] = enum_varnames(values + extra)
                    schema["x-enum-descriptions"] = [e.label or e.value for e in f.enum] + [
                        BLANK_DESCRIPTION for _ in extra
                    ]
                else:  # responses, and open request enums: documented, any string passes
                    schema["x-kiwoom-enum"] = [{"value": e.value, "label": e.label} for e in f.enum]
            if f.format is not None:
                pattern = format_pattern(f.format, allow_empty=f.accepts_blank)
                if pattern and self.strict and f.enum is None and f.fixed_value is None:
                    schema["pattern"] = pattern
                schema["x-kiwoom-format"] = f.format
            if not self.strict and f.max_length is not None:
                schema["x-kiwoom-max-length"] = f.max_length
            meaning = value_extension(f.value)  # what the string means (model/numeric.py)
            if meaning is not None:
                schema["x-kiwoom-value"] = meaning
        if f.label:
            schema["title"] = f.label
        if f.description:
            schema["description"] = f.description
        return schema


RESPONSE_EXTRA: JsonSchema = {
    RETURN_CODE: {
        "type": "integer",
        "title": "처리결과코드",
        "description": "0 when the request succeeded; otherwise a code of the error-code table",
    },
    RETURN_MSG: {"type": "string", "title": "처리결과메시지"},
}


Shape = tuple[str, tuple[Field, ...]]  # (schema name, the fields of one whole object)


@dataclass(frozen=True)
class ApiSchemas:
    request: str  # name of the request body schema
    response: str  # name of the response body schema
    schemas: dict[str, JsonSchema]  # those two and their nested item schemas, by name
    # The object schemas of each whole body: one (named like the body schema) without variants,
    # else one per variant, the common body plus that variant's fields, and the body schema is
    # their union (anyOf).
    request_shapes: tuple[Shape, ...] = ()
    response_shapes: tuple[Shape, ...] = ()


def variant_suffix(variant: Variant, number: int) -> str:
    """A class-name suffix for a variant: 조회 데이터 -> JohoeDeiteo (Variant2 if it has none)."""
    name = str(ClassName(variant.name))
    return name if name != "Api" and not name.startswith("Api") else f"Variant{number}"


def _message_schema(
    builder: _Builder,
    name: str,
    message: Message,
    description: str,
    extra: JsonSchema | None = None,
) -> tuple[str, tuple[Shape, ...]]:
    variants = message.variants
    if len(variants) <= 1:  # one heading opens no alternative: the shape is the whole body
        fields = message.body + (variants[0].body if variants else ())
        one = builder.object(name, fields, description, extra)
        return one, ((one, fields),)
    union = unique(name, builder.taken)
    builder.schemas[union] = {}  # keeps its place before its variants
    shapes: list[Shape] = []
    for number, variant in enumerate(variants, start=1):
        fields = message.body + variant.body
        shape = builder.object(
            f"{union}{variant_suffix(variant, number)}",
            fields,
            f"{description}: {variant.name}",
            extra,
            variant=variant.name,
        )
        shapes.append((shape, fields))
    listed = ", ".join(v.name for v in variants)
    builder.schemas[union] = {
        "title": union,
        "description": f"{description}: one of {len(variants)} shapes ({listed})",
        "anyOf": [{"$ref": builder.ref_prefix + shape} for shape, _ in shapes],
    }
    return union, tuple(shapes)


def api_schemas(api: Api, ref_prefix: str = DEFS, taken: set[str] | None = None) -> ApiSchemas:
    """The request and response body schemas of one API and their nested item schemas.

    Names are ``<ClassPrefix>Request`` / ``<ClassPrefix>Response`` unless taken (then ``_2``...);
    a body with variants is the union of ``<ClassPrefix>Response<Variant>`` schemas. A WebSocket
    API's schemas (and shapes) are its frames' wire shapes.
    """
    schemas: dict[str, JsonSchema] = {}
    names = taken if taken is not None else set(RESERVED_SCHEMA_NAMES)
    extra = RESPONSE_EXTRA
    sends: Wire | None = None
    answers: Wire | None = None
    if api.transport is Transport.WEBSOCKET:  # the frames' wire shapes, not the tables'
        api = wire_api(api)
        shapes = WireShapes(api, ref_prefix)
        sends, answers = shapes.request, shapes.response
        schemas.update(shapes.defs)
        extra = {**RESPONSE_EXTRA, RETURN_CODE: {**return_code_schema(), "title": "처리결과코드"}}
    request, request_shapes = _message_schema(
        _Builder(ref_prefix, True, schemas, names, sends),
        request_name(api),
        api.request,
        api.summary,
    )
    response, response_shapes = _message_schema(
        _Builder(ref_prefix, False, schemas, names, answers),
        response_name(api),
        api.response,
        f"{api.summary} response",
        extra,
    )
    return ApiSchemas(request, response, schemas, request_shapes, response_shapes)


def spec_schemas(spec: Spec, ref_prefix: str = DEFS) -> dict[str, ApiSchemas]:
    """The schemas of every API by API id, names unique across the whole spec."""
    taken: set[str] = set(RESERVED_SCHEMA_NAMES)
    return {api.id: api_schemas(api, ref_prefix, taken) for api in spec.apis}
