"""The OpenAPI 3.1 document: ``openapi.json`` and ``openapi.yaml`` (the same content).

The document is built as plain data from the model and serialised by ``json`` and ``yaml``, so any
text a sheet holds comes out escaped correctly. The body schemas come from
:mod:`kiwoom_codegen.model.schema`, the same builder the Python client's models come from. How APIs
sharing one URL are keyed is decided in :mod:`kiwoom_codegen.emit.openapi_encoding`;
docs/openapi.md explains it to the teams that generate clients from the document.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import yaml

from ..escape import json_text, md_no_html, yaml_style
from ..model import Api, Example, Field, Servers, Spec, Transport
from ..model.names import unique
from ..model.schema import RESERVED_SCHEMA_NAMES, ApiSchemas, api_schemas
from . import http_wire
from .context import EmitContext
from .json_pieces import dumps_json_in_pieces
from .openapi_encoding import API_ID_HEADER, DEFAULT_ENCODING, ENCODINGS, Encoding
from .openapi_yaml import dumps_in_pieces

JsonObject = dict[str, Any]

JSON_PATH = "openapi.json"
YAML_PATH = "openapi.yaml"
OPENAPI_VERSION = "3.1.0"
SCHEMAS = "#/components/schemas/"
WS_SCHEMAS = "#/x-kiwoom-websocket/schemas/"
MEDIA_TYPE = "application/json"
PORTAL = "https://openapi.kiwoom.com"
SECURITY_SCHEME = "bearerAuth"
ERROR_SCHEMA = "KiwoomError"
ERROR_RESPONSE = "HttpError"
# APIs that are called without a token: issuing and revoking it.
PUBLIC_APIS = frozenset({"au10001", "au10002"})
# The continuation headers: (header name, component name, request schema, fallback description).
CONTINUATION = (
    (
        "cont-yn",
        "ContYn",
        {"type": "string", "enum": ["Y", "N"], "maxLength": 1},
        "연속조회여부: send the response's `cont-yn` back (`Y`) to get the next page",
    ),
    (
        "next-key",
        "NextKey",
        {"type": "string", "maxLength": 50},
        "연속조회키: send the response's `next-key` back to get the next page",
    ),
)
RESPONSE_HEADERS = (
    (API_ID_HEADER, "ApiId", "TR명: the API id that answered"),
    ("cont-yn", "ContYn", "연속조회여부: `Y` when more data follows"),
    ("next-key", "NextKey", "연속조회키: the key to send back for the next page"),
)
HANDLED_REQUEST_HEADERS = frozenset({API_ID_HEADER, "authorization", "cont-yn", "next-key"})
METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
# Known notes of the 모의투자 도메인 cell, in English for the teams that do not read Korean.
MOCK_NOTES = {"KRX만 지원가능": "mock trading supports KRX only"}
ORDER_NOTE = (
    "**Order:** this API moves real money. A request that timed out may have been executed: do "
    "not re-send it automatically (Kiwoom has no idempotency key); check the orders first."
)


def emit(spec: Spec, ctx: EmitContext) -> dict[str, bytes]:
    document = build_document(spec, ctx.spec_hash)
    return {JSON_PATH: dumps_json_cached(document), YAML_PATH: dumps_yaml_cached(document)}


def dumps_json(document: JsonObject) -> bytes:
    return (json_text(document, indent=2) + "\n").encode("utf-8")


def dumps_json_cached(document: JsonObject) -> bytes:
    """``dumps_json(document)``, from cached pieces where the data did not change."""
    return (dumps_json_in_pieces(document, "openapi") + "\n").encode("utf-8")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    """Pick the style of every string so that any YAML 1.1 or 1.2 parser reads it back exactly.

    Line breaks, control characters, U+2028/U+2029/U+0085, BOMs and characters beyond the BMP
    go double-quoted with escapes (the style that carries anything); strings some YAML 1.1 or
    1.2 parser would read as numbers, booleans or null go single-quoted; the emitter picks the
    style of the rest. Deciding here also makes libyaml's emitter and PyYAML's pure-Python one
    write the same bytes.
    """
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=yaml_style(data))


def _yaml_dumper(base: type[yaml.SafeDumper]) -> type[yaml.SafeDumper]:
    class Dumper(base):  # type: ignore[valid-type,misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True  # the document shares dicts; YAML anchors would confuse many tools

    Dumper.add_representer(str, _represent_str)
    return Dumper


PURE_DUMPER = _yaml_dumper(yaml.SafeDumper)
# libyaml's emitter is five times faster and writes the same bytes (tests compare the two).
FAST_DUMPER = _yaml_dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper))


def dumps_yaml(document: JsonObject, *, dumper: type[yaml.SafeDumper] = FAST_DUMPER) -> bytes:
    text = yaml.dump(
        document,
        Dumper=dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        default_flow_style=False,
    )
    return text.encode("utf-8")


def dumps_yaml_cached(document: JsonObject) -> bytes:
    """``dumps_yaml(document)``, from cached pieces where the data did not change."""
    text = dumps_in_pieces(
        document, lambda data: dumps_yaml(data).decode("utf-8"), FAST_DUMPER.__mro__[1].__name__
    )
    return text.encode("utf-8")


def build_document(spec: Spec, spec_hash: str, encoding: str = DEFAULT_ENCODING) -> JsonObject:
    """The whole document as JSON-ready data, in a fixed order."""
    return _Document(spec, spec_hash, ENCODINGS[encoding]).build()


class _Document:
    def __init__(self, spec: Spec, spec_hash: str, encoding: Encoding) -> None:
        self.spec = spec
        self.spec_hash = spec_hash
        self.encoding = encoding
        self.http = [a for a in spec.apis if a.transport is Transport.HTTP]
        self.websocket = [a for a in spec.apis if a.transport is Transport.WEBSOCKET]
        # HTTP APIs' schemas live in components; WebSocket message schemas in
        # x-kiwoom-websocket.schemas (components would hold schemas no operation uses, which
        # linters flag). One name space across both, in API order.
        taken: set[str] = set(RESERVED_SCHEMA_NAMES)  # the same names as the Python models
        self.api_schemas: dict[str, ApiSchemas] = {
            api.id: api_schemas(
                api, WS_SCHEMAS if api.transport is Transport.WEBSOCKET else SCHEMAS, taken
            )
            for api in spec.apis
        }
        self.error_schema = unique(ERROR_SCHEMA, taken)
        self.servers = _common_servers(self.http)

    def build(self) -> JsonObject:
        document: JsonObject = {
            "openapi": OPENAPI_VERSION,
            "info": self.info(),
            "servers": _server_list(self.servers),
            "security": [{SECURITY_SCHEME: []}],
            "tags": self.tags(),
            "paths": self.paths(),
            "components": self.components(),
            "x-kiwoom-error-codes": [
                {"code": e.code, "message": e.message} for e in self.spec.error_codes
            ],
            "x-kiwoom-not-processed-codes": http_wire.not_processed_codes(),
        }
        if self.websocket:
            document["x-kiwoom-websocket"] = self.websocket_services()
        inert: JsonObject = _inert_descriptions(document)
        return inert

    # -- root

    def info(self) -> JsonObject:
        description = "\n\n".join(
            (
                "Kiwoom Securities REST API (키움 REST API), generated by kiwoom-codegen from "
                "Kiwoom's API spec workbook. Do not edit: regenerate it.",
                "Every API is `POST` with a JSON body and an `authorization: Bearer <token>` "
                "header; get the token from au10001 (`/oauth2/token`).",
                self.encoding.info_note(),
                http_wire.ENVELOPE_NOTE,
                "Pacing: Kiwoom's terms allow about 5 queries and 5 orders a second per app key, "
                "and each API its own allowance (`유량`), named in its 1700 answers; "
                "`x-kiwoom-pacing` of each operation gives what is known.",
                "Continuation: when a response has the header `cont-yn: Y`, send "
                "the same body again with its `cont-yn` and `next-key` headers.",
                "Operations marked `x-kiwoom-order: true` move real money: never re-send one "
                "automatically after a timeout, it may have been executed.",
            )
        )
        return {
            "title": "Kiwoom Securities REST API",
            "version": self.spec.package_version,
            "description": description,
            "contact": {"name": "Kiwoom Securities REST API portal", "url": PORTAL},
            "license": {"name": "Kiwoom Securities REST API terms of use", "url": PORTAL},
            "x-kiwoom-spec-hash": self.spec_hash,
        }

    def tags(self) -> list[JsonObject]:
        counts: Counter[str] = Counter(_tag(a) for a in self.http)
        out = []
        for name in counts:  # first appearance, in API id order
            out.append(
                {
                    "name": name,
                    "description": f"메뉴 위치 {name.replace('/', ' > ')}: {counts[name]} API(s)",
                }
            )
        return out

    def components(self) -> JsonObject:
        schemas: JsonObject = {
            self.error_schema: {
                "type": "object",
                "title": self.error_schema,
                "description": "The body of an error. `return_code` is often generic (3: "
                "authentication failed, 5: a limit); the effective code is the one embedded in "
                "`return_msg` as `[NNNN:...]` when there is one, else `return_code`, and is a "
                "code of `x-kiwoom-error-codes`. Only the codes of "
                "`x-kiwoom-not-processed-codes` prove that the request was not processed.",
                "properties": {
                    "return_code": {
                        "type": "integer",
                        "title": "처리결과코드",
                        "description": "0: success. Otherwise often generic (3, 5): read the "
                        "effective code from `return_msg` first.",
                    },
                    "return_msg": {
                        "type": "string",
                        "title": "처리결과메시지",
                        "description": "The message; the specific code, when Kiwoom gives one, "
                        "is embedded as `[NNNN:message]` (a 1700 names `유량=N, API ID=...`).",
                    },
                },
                "required": ["return_code", "return_msg"],
                "additionalProperties": True,
            }
        }
        for api in self.http:
            schemas.update(self.api_schemas[api.id].schemas)
        components: JsonObject = {
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "접근토큰: the `token` of au10001, sent as "
                    "`authorization: Bearer <token>`. Production and mock trading tokens differ.",
                }
            },
            "parameters": {
                component: self.continuation_parameter(name, schema, fallback)
                for name, component, schema, fallback in CONTINUATION
            },
            "headers": {
                component: {
                    "description": self.header_description("response", name, fallback),
                    "schema": {"type": "string"},
                }
                for name, component, fallback in RESPONSE_HEADERS
            },
            "responses": {
                ERROR_RESPONSE: {
                    "description": "An HTTP-level error. Rate refusals come as HTTP 429 with "
                    "Kiwoom's error body (`[1700:...]` in `return_msg`); the other errors of the "
                    "API come with HTTP 200 and a `return_code` other than 0.",
                    "content": {MEDIA_TYPE: {"schema": {"$ref": SCHEMAS + self.error_schema}}},
                }
            },
            "schemas": schemas,
        }
        return components

    def continuation_parameter(self, name: str, schema: JsonObject, fallback: str) -> JsonObject:
        return {
            "name": name,
            "in": "header",
            "required": False,
            "description": self.header_description("request", name, fallback),
            "schema": dict(schema),
        }

    def header_description(self, direction: str, name: str, fallback: str) -> str:
        """The first sheet's words for a standard header, or ``fallback``."""
        for api in self.http:
            message = api.request if direction == "request" else api.response
            for f in message.headers:
                if f.name.lower() == name and f.description:
                    return f"{f.label}: {f.description}" if f.label else f.description
        return fallback

    # -- operations

    def paths(self) -> JsonObject:
        paths: JsonObject = {}
        taken: set[str] = set()
        for api in self.http:
            key = self.encoding.path_key(api)
            method = api.method.lower() if api.method.lower() in METHODS else "post"
            operation_id = unique(_operation_id(api), taken, fold=True)  # file names elsewhere
            paths[key] = {method: self.operation(api, key, operation_id)}
        return paths

    def operation(self, api: Api, key: str, operation_id: str) -> JsonObject:
        schemas = self.api_schemas[api.id]
        notes = [api.overview, self.encoding.wire_note(api, key)]
        if api.is_order:
            notes.append(ORDER_NOTE)
        op: JsonObject = {
            "tags": [_tag(api)],
            "summary": api.summary,
            "description": "\n\n".join(n for n in notes if n),
            "operationId": operation_id,
            "parameters": self.parameters(api),
            "requestBody": {
                "description": f"{api.name} 요청 (request body)",
                "required": True,
                "content": {
                    MEDIA_TYPE: _media(
                        SCHEMAS + schemas.request, api.request_example, "Request", schemas.schemas
                    )
                },
            },
            "responses": {
                "200": {
                    "description": f"{api.name} 응답. `return_code` 0 means success; any "
                    "other value is an error: its effective code is the `[NNNN:` embedded in "
                    "`return_msg`, else `return_code`.",
                    "headers": {
                        name: {"$ref": f"#/components/headers/{component}"}
                        for name, component, _ in RESPONSE_HEADERS
                    },
                    "content": {
                        MEDIA_TYPE: _media(
                            SCHEMAS + schemas.response,
                            api.response_example,
                            "Response",
                            schemas.schemas,
                        )
                    },
                },
                "4XX": {"$ref": f"#/components/responses/{ERROR_RESPONSE}"},
            },
        }
        if api.id in PUBLIC_APIS:
            op["security"] = []
        if api.servers != self.servers:
            op["servers"] = _server_list(api.servers)
        op["x-kiwoom-api-id"] = api.id
        op["x-kiwoom-path"] = api.path
        op["x-kiwoom-order"] = api.is_order
        if api.id not in PUBLIC_APIS:
            op["x-kiwoom-pacing"] = http_wire.pacing(api.id, api.is_order)
        return op

    def parameters(self, api: Api) -> list[JsonObject]:
        params = [
            self.encoding.api_id_parameter(
                api, f"TR명: always `{api.id}`; selects this operation on `{api.path}`."
            )
        ]
        listed = {f.name.lower() for f in api.request.headers}
        for name, component, _, _ in CONTINUATION:
            if name in listed:
                params.append({"$ref": f"#/components/parameters/{component}"})
        for f in api.request.headers:
            if f.name.lower() not in HANDLED_REQUEST_HEADERS:
                params.append(_header_parameter(f))
        return params

    # -- WebSocket services: not HTTP operations, listed apart

    def websocket_services(self) -> JsonObject:
        servers = _common_servers(self.websocket)
        services = []
        for api in self.websocket:
            schemas = self.api_schemas[api.id]
            service: JsonObject = {
                "api-id": api.id,
                "summary": api.summary,
                "tag": _tag(api),
                "path": api.path,
                "url": api.servers.production + api.path,
                "requestSchema": schemas.request,
                "responseSchema": schemas.response,
                "request": {"$ref": WS_SCHEMAS + schemas.request},
                "response": {"$ref": WS_SCHEMAS + schemas.response},
            }
            if api.overview:
                service["description"] = api.overview
            if api.servers != servers:
                service["servers"] = _server_list(api.servers)
            for name, example in (
                ("requestExample", api.request_example),
                ("responseExample", api.response_example),
            ):
                if example is not None and example.valid:
                    service[name] = example.value
                elif example is not None and example.parts:
                    service[name + "s"] = [
                        {"name": part_name, "value": value}
                        for part_name, value, _ in example.documents
                    ]
            services.append(service)
        return {
            "description": "Real-time services over WebSocket. They are not HTTP operations: "
            "`asyncapi` names the AsyncAPI 3.0 document that describes them (the session "
            "protocol, one channel per URL, the pushed messages per real-time type). Below, "
            "each service as its sheet documents it, with the sheet's examples; `schemas` "
            "holds its frames' wire shapes (JSON Schema 2020-12, referenced from the services; "
            "the same as the AsyncAPI document's): a pushed entry's `values` is an object keyed "
            "by field id, every value a string; REG/REMOVE's `item` and `type` are arrays.",
            "asyncapi": "asyncapi.yaml",
            "servers": _server_list(servers),
            "services": services,
            "schemas": {
                name: schema
                for api in self.websocket
                for name, schema in self.api_schemas[api.id].schemas.items()
            },
        }


def _tag(api: Api) -> str:
    words = api.menu[:-1] or ((api.category,) if api.category else ("기타",))
    return "/".join(words)


def _operation_id(api: Api) -> str:
    prefix = api.class_prefix or api.id
    return prefix[0].lower() + prefix[1:]


def _check(schema: JsonObject, value: Any, schemas: JsonObject, at: str = "") -> list[str]:
    """Why ``value`` does not conform to ``schema`` (empty when it does).

    Handles exactly the keywords :mod:`kiwoom_codegen.model.schema` writes; tests compare the
    verdicts with jsonschema's. An example that does not conform stays out of ``examples``: tools
    validate examples (Redocly warns) and a team would copy it.
    """
    where = at or "body"
    if "$ref" in schema:
        return _check(schemas[schema["$ref"].removeprefix(SCHEMAS)], value, schemas, at)
    unknown = {k for k in schema if not k.startswith("x-")} - _CHECKED_KEYWORDS
    if unknown:
        raise ValueError(f"cannot check schema keywords {sorted(unknown)}: extend _check")
    out: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        out.append(f"{where}: {value!r} is not {schema['const']!r}")
    kind = schema.get("type")
    if kind is not None and not _TYPES[kind](value):
        return out + [f"{where}: {value!r} is not of type {kind}"]
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            out.append(f"{where}: {value!r} is longer than {schema['maxLength']}")
        if "minLength" in schema and len(value) < schema["minLength"]:
            out.append(f"{where}: {value!r} is shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(_ecma_pattern(schema["pattern"]), value):
            out.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            out += _check(schema["items"], item, schemas, f"{at}[{i}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                out.append(f"{where}: {name} is missing")
        for name, item in value.items():
            if name in properties:
                out += _check(properties[name], item, schemas, f"{at}.{name}" if at else name)
            elif schema.get("additionalProperties", True) is False:
                out.append(f"{where}: {name} is not a field")
    alternatives = schema.get("anyOf", ())
    if alternatives:
        verdicts: list[list[str]] = [_check(alt, value, schemas, at) for alt in alternatives]
        if all(verdicts):  # none fits: report the alternative that fits best
            best: list[str] = min(verdicts, key=len)
            out += best
    for condition in schema.get("allOf", ()):
        if "if" in condition:
            if not _check(condition["if"], value, schemas, at):
                out += _check(condition.get("then", {}), value, schemas, at)
        else:
            out += _check(condition, value, schemas, at)
    return out


def _ecma_pattern(pattern: str) -> str:
    """A pattern's meaning in ECMA-262 (what validators of examples use): a final ``$`` does not
    match before a trailing newline, as Python's does."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + r"\Z"
    return pattern


_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
}
_ANNOTATIONS = {"title", "description", "default", "examples"}
_CHECKED_KEYWORDS = (
    frozenset(
        {
            "$ref",
            "type",
            "enum",
            "const",
            "maxLength",
            "minLength",
            "pattern",
            "items",
            "properties",
            "required",
            "additionalProperties",
            "allOf",
            "anyOf",
            "if",
            "then",
        }
    )
    | _ANNOTATIONS
)


def _media(ref: str, example: Example | None, kind: str, schemas: JsonObject) -> JsonObject:
    """A media type: the schema and the sheet's example when it is JSON and conforms.

    An example that holds several documents (``#조회데이터`` / ``#실시간데이터``) gives one
    example per document.
    """
    media: JsonObject = {"schema": {"$ref": ref}}
    if example is None:
        return media
    documents = example.documents
    examples: JsonObject = {}
    rejected: list[JsonObject] = []
    for n, (name, value, _) in enumerate(documents, start=1):
        problems = _check({"$ref": ref}, value, schemas)
        if problems:
            rejected.append({"value": value, "problems": problems})
        else:
            key = "sheet" if len(documents) == 1 else f"sheet{n}"
            summary = f"{kind} Example of the spec sheet" + (f" ({name})" if name else "")
            examples[key] = {"summary": summary, "value": value}
    if len(documents) == 1 and rejected:
        media["x-kiwoom-nonconforming-example"] = rejected[0]
    elif rejected:
        media["x-kiwoom-nonconforming-examples"] = rejected
    if examples:
        media["examples"] = examples
    return media


def _header_parameter(f: Field) -> JsonObject:
    schema: JsonObject = {"type": "string"}
    if f.max_length is not None:
        schema["maxLength"] = f.max_length
    param: JsonObject = {"name": f.name, "in": "header", "required": bool(f.required)}
    text = ": ".join(t for t in (f.label, f.description) if t)
    if text:
        param["description"] = text
    param["schema"] = schema
    return param


def _common_servers(apis: list[Api]) -> Servers:
    """The servers most APIs use (first seen wins a tie), or Kiwoom's REST domains."""
    if not apis:
        return Servers("https://api.kiwoom.com", "https://mockapi.kiwoom.com", "KRX만 지원가능")
    counts = Counter(a.servers for a in apis)
    return max(counts, key=lambda s: counts[s])


def _server_list(servers: Servers) -> list[JsonObject]:
    out = [{"url": servers.production, "description": "Production (운영 도메인)"}]
    if servers.mock:
        description = "Mock trading (모의투자 도메인)"
        if servers.mock_note:
            description += f": {servers.mock_note}"
            english = MOCK_NOTES.get(servers.mock_note.strip())
            if english:
                description += f" ({english})"
        description += ". Mock trading has its own app keys and tokens."
        out.append({"url": servers.mock, "description": description})
    return out


_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const", "x-kiwoom-error-codes"})


def _inert_descriptions(node: Any) -> Any:
    """Every ``description`` of the document with raw HTML made inert (spec text may hold any):
    the one escaper's :func:`md_no_html`. Values (examples, defaults, enums) are data: left
    as they are."""
    if isinstance(node, dict):
        return {
            k: md_no_html(v)
            if k == "description" and isinstance(v, str)
            else v
            if k in _DATA_KEYS
            else _inert_descriptions(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_inert_descriptions(v) for v in node]
    return node
