"""JSON Schema (2020-12, as OpenAPI 3.1 uses it) derived from the model.

One source of truth: the Python client's pydantic models are generated from these schemas by
datamodel-code-generator, and the OpenAPI document carries the same schemas under components.

Requests are strict (required, maxLength, enum, patterns, conditions, no unknown properties);
responses are lenient (optional unless the sheet says Y, unknown properties kept, lengths and
enumerations documented but not enforced: Kiwoom adds values, and a new value must not break a
trading program).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..model import Api, Field, Kind, Spec
from ..model.describe import FORMAT_PATTERNS
from ..model.names import ClassName, unique

JsonSchema = dict[str, Any]
DEFS = "#/$defs/"
RETURN_CODE = "return_code"
RETURN_MSG = "return_msg"


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


@dataclass
class _Builder:
    ref_prefix: str
    strict: bool
    schemas: dict[str, JsonSchema]
    taken: set[str]

    def object(
        self,
        name: str,
        fields: tuple[Field, ...],
        description: str,
        extra: JsonSchema | None = None,
    ) -> str:
        name = unique(name, self.taken)
        properties: dict[str, JsonSchema] = {}
        required: list[str] = []
        conditions: list[JsonSchema] = []
        for f in fields:
            properties[f.name] = self.field(name, f)
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
        schema["properties"] = properties
        if required:
            schema["required"] = required
        if conditions:
            schema["allOf"] = conditions
        schema["additionalProperties"] = not self.strict
        self.schemas[name] = schema
        return name

    def field(self, owner: str, f: Field) -> JsonSchema:
        if f.kind is Kind.ARRAY:
            item = self.object(f"{owner}{ClassName(f.python_name)}Item", f.children, f.label)
            schema: JsonSchema = {"type": "array", "items": {"$ref": self.ref_prefix + item}}
        elif f.kind is Kind.OBJECT:
            obj = self.object(f"{owner}{ClassName(f.python_name)}", f.children, f.label)
            return {"$ref": self.ref_prefix + obj}
        else:
            schema = {"type": "string"}
            if self.strict and f.max_length is not None and f.length_conflict() is None:
                schema["maxLength"] = f.max_length
            if f.fixed_value is not None and self.strict:
                schema["enum"] = [f.fixed_value]
                schema["default"] = f.fixed_value
            elif f.fixed_value is not None:
                schema["x-kiwoom-fixed-value"] = f.fixed_value  # documented, not enforced
            elif f.enum is not None:
                values = [e.value for e in f.enum]
                if self.strict:
                    schema["enum"] = values
                    schema["x-enum-varnames"] = enum_varnames(values)
                    schema["x-enum-descriptions"] = [e.label or e.value for e in f.enum]
                else:
                    schema["x-kiwoom-enum"] = [{"value": e.value, "label": e.label} for e in f.enum]
            if f.format is not None:
                pattern = format_pattern(f.format, allow_empty=not f.required)
                if pattern and self.strict:
                    schema["pattern"] = pattern
                schema["x-kiwoom-format"] = f.format
            if not self.strict and f.max_length is not None:
                schema["x-kiwoom-max-length"] = f.max_length
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


@dataclass(frozen=True)
class ApiSchemas:
    request: str  # name of the request body schema
    response: str  # name of the response body schema
    schemas: dict[str, JsonSchema]  # those two and their nested item schemas, by name


def api_schemas(api: Api, ref_prefix: str = DEFS, taken: set[str] | None = None) -> ApiSchemas:
    """The request and response body schemas of one API and their nested item schemas.

    Names are ``<ClassPrefix>Request`` / ``<ClassPrefix>Response`` unless taken (then ``_2``...).
    """
    schemas: dict[str, JsonSchema] = {}
    names = taken if taken is not None else set()
    request = _Builder(ref_prefix, True, schemas, names).object(
        request_name(api), api.request.body, api.summary
    )
    response = _Builder(ref_prefix, False, schemas, names).object(
        response_name(api), api.response.body, f"{api.summary} response", RESPONSE_EXTRA
    )
    return ApiSchemas(request, response, schemas)


def spec_schemas(spec: Spec, ref_prefix: str = DEFS) -> dict[str, ApiSchemas]:
    """The schemas of every API by API id, names unique across the whole spec."""
    taken: set[str] = set()
    return {api.id: api_schemas(api, ref_prefix, taken) for api in spec.apis}
