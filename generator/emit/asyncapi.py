"""The AsyncAPI 3.0 document of the real-time services: ``asyncapi.json`` and ``asyncapi.yaml``.

One channel per WebSocket URL (domestic ``/api/dostk/websocket``, US ``/api/us/websocket``), the
servers production and mock, and per channel the operations of Kiwoom's session protocol: LOGIN
and REG/REMOVE and the condition services (send, with their answers as replies), PING (receive,
replied with the same frame), SYSTEM (receive), and REAL (receive) whose ``data`` entries are a
``oneOf`` over the channel's real-time types, told apart by ``type``. The entry schemas come from
:mod:`kiwoom_codegen.model.realtime`, like the generated client's typed messages: the same
field ids, labels and Python names (``x-python-name``).

Built as plain data and serialised by the OpenAPI emitter's JSON and YAML writers, so spec text
is escaped correctly in both.
"""

from __future__ import annotations

from typing import Any

from ..model import Field, Kind, Spec, Transport
from ..model.realtime import (
    DEFAULT_LIVE_TYPE,
    DEFAULT_TRNM,
    DOMESTIC_PATH,
    US_PATH,
    ConditionServices,
    Market,
    RealtimeSpec,
    RealtimeType,
    Service,
    realtime_spec,
)
from ..model.realtime_wire import (
    US_ITEM,
    condition_rows_schema,
    item_list_schema,
    return_code_schema,
    type_list_schema,
    us_item_schema,
    values_schema,
)
from .context import EmitContext
from .openapi import dumps_json, dumps_yaml

JsonObject = dict[str, Any]
JSON_PATH = "asyncapi.json"
YAML_PATH = "asyncapi.yaml"
ASYNCAPI_VERSION = "3.0.0"
PRODUCTION_HOST = "api.kiwoom.com:10000"
MOCK_HOST = "mockapi.kiwoom.com:10000"
CHANNELS: tuple[tuple[Market, str, str], ...] = (
    ("domestic", DOMESTIC_PATH, "국내주식 real-time services"),
    ("us", US_PATH, "미국주식 real-time services"),
)
S = "#/components/schemas/"
M = "#/components/messages/"


def emit(spec: Spec, ctx: EmitContext) -> dict[str, bytes]:
    document = build_document(spec)
    return {JSON_PATH: dumps_json(document), YAML_PATH: dumps_yaml(document)}


def _ref(target: str) -> JsonObject:
    return {"$ref": target}


def _str(description: str = "", **extra: Any) -> JsonObject:
    out: JsonObject = {"type": "string"}
    if description:
        out["description"] = description
    out.update(extra)
    return out


def _answer(trnm: list[str], description: str, **props: JsonObject) -> JsonObject:
    return {
        "type": "object",
        "description": description,
        "required": ["trnm", "return_code"],
        "properties": {
            "trnm": {"type": "string", "enum": trnm},
            "return_code": return_code_schema(),
            "return_msg": _str("결과메시지"),
            **props,
        },
        "additionalProperties": True,
    }


def _registration(trnm: str, with_refresh: bool) -> JsonObject:
    props: JsonObject = {
        "trnm": {"const": trnm},
        "grp_no": _str("그룹번호"),
    }
    if with_refresh:
        props["refresh"] = _str(
            "기존등록유지여부: 1 keeps the group's earlier registrations, 0 drops them",
            enum=["0", "1"],
        )
    props["data"] = {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["item", "type"],
            "properties": {
                "item": item_list_schema(_ref(S + US_ITEM)),
                "type": type_list_schema(),
            },
            "additionalProperties": False,
        },
    }
    required = ["trnm", "grp_no", "data"] + (["refresh"] if with_refresh else [])
    return {
        "type": "object",
        "required": required,
        "properties": props,
        "additionalProperties": False,
    }


def entry_schema(t: RealtimeType) -> JsonObject:
    """One REAL entry of type ``t``: ``values`` an object keyed by field id, strings only."""
    return {
        "type": "object",
        "title": f"{t.name} ({t.code})",
        "description": f"Documented by {t.api_id}. Values are strings as Kiwoom sends them.",
        "required": ["type", "values"],
        "properties": {
            "type": {"const": t.code},
            "name": _str("실시간 항목명"),
            "item": (
                {"anyOf": [_str(), _ref(S + US_ITEM)], "description": "US item object"}
                if t.market == "us"
                else _str("실시간 등록 요소 (종목코드)")
            ),
            "values": values_schema(t.fields),
        },
        "additionalProperties": True,
        "x-python-class": t.class_name,
    }


def _generic_entry() -> JsonObject:
    return {
        "type": "object",
        "description": "A REAL entry of a type this workbook does not document",
        "required": ["type", "values"],
        "properties": {
            "type": _str("실시간 항목"),
            "name": _str(),
            "item": _str(),
            "values": {"type": "object", "additionalProperties": _str()},
        },
    }


def _sheet_request(service: Service | None, trnm: str, default: JsonObject) -> JsonObject:
    """A condition request from its sheet's request table (top-level string fields)."""
    if service is None:
        return default
    props: JsonObject = {}
    required: list[str] = []
    for f in service.api.request.body:
        props[f.name] = _field_schema(f)
        if f.required:
            required.append(f.name)
    props["trnm"] = {"const": trnm}
    if "trnm" not in required:
        required.insert(0, "trnm")
    return {
        "type": "object",
        "description": f"{service.api.name} ({service.api.id})",
        "required": required,
        "properties": props,
        "additionalProperties": False,
    }


def _field_schema(f: Field) -> JsonObject:
    description = " ".join(p for p in (f.label, f.description) if p)
    if f.kind is not Kind.STRING:
        return {"description": description}
    out = _str(description)
    if f.fixed_value is not None:
        out["const"] = f.fixed_value
    elif f.enum is not None:
        out["enum"] = [e.value for e in f.enum]
    return out


class _Builder:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.rt: RealtimeSpec = realtime_spec(spec)
        self.schemas: JsonObject = {}
        self.messages: JsonObject = {}

    def message(self, key: str, name: str, summary: str, schema: JsonObject) -> str:
        self.schemas[key] = schema
        self.messages[key] = {
            "name": name,
            "title": name,
            "summary": summary,
            "payload": _ref(S + key),
        }
        return key

    def build(self) -> JsonObject:
        self.schemas[US_ITEM] = us_item_schema()
        self.message(
            "Login",
            "LOGIN",
            "The first frame: the access token from au10001, without 'Bearer'.",
            {
                "type": "object",
                "required": ["trnm", "token"],
                "properties": {"trnm": {"const": "LOGIN"}, "token": _str("접근토큰")},
                "additionalProperties": False,
            },
        )
        self.message(
            "LoginAnswer",
            "LOGIN answer",
            "0: logged in. A refusal has a generic return_code; its effective code is embedded "
            "in return_msg as CODE=NNNN or [NNNN: (8005, 8031, 8103: the token was refused; "
            "issue a new token and log in again, once).",
            _answer(["LOGIN"], "LOGIN answer"),
        )
        self.message(
            "Ping",
            "PING",
            "The server's heartbeat; send the same frame back unchanged, or the server closes "
            "with SYSTEM R10002.",
            {
                "type": "object",
                "required": ["trnm"],
                "properties": {"trnm": {"const": "PING"}},
                "additionalProperties": True,
            },
        )
        self.message(
            "System",
            "SYSTEM",
            "Server notices; never echoed. R10001: the app key connected elsewhere and this "
            "session is ended (do not reconnect). R10002: no PING echo. Other notices are "
            "classified by their effective code (CODE=NNNN or [NNNN: in the message, else "
            "return_code): 8005/8031/8103 mean log in again with a new token.",
            {
                "type": "object",
                "required": ["trnm", "code"],
                "properties": {
                    "trnm": {"const": "SYSTEM"},
                    "code": _str("R10001, R10002, ..."),
                    "message": _str(),
                },
                "additionalProperties": True,
            },
        )
        self.message(
            "Register",
            "REG",
            "Register items × types in a group. The answer does not echo them; REAL frames may "
            "arrive before it. A reconnect loses every registration.",
            _registration("REG", True),
        )
        self.message("RegisterAnswer", "REG answer", "REG answer", _answer(["REG"], "REG answer"))
        self.message(
            "Remove",
            "REMOVE",
            "Unregister items × types of a group.",
            _registration("REMOVE", False),
        )
        self.message(
            "RemoveAnswer", "REMOVE answer", "REMOVE answer", _answer(["REMOVE"], "REMOVE answer")
        )
        for t in self.rt.types:
            self.schemas[f"Entry{t.code}"] = entry_schema(t)
        channels: JsonObject = {}
        operations: JsonObject = {}
        for market, path, description in CHANNELS:
            channel, ops = self.channel(market, path, description)
            channels[market] = channel
            operations.update(ops)
        return {
            "asyncapi": ASYNCAPI_VERSION,
            "info": {
                "title": "Kiwoom Securities real-time API",
                "version": self.spec.package_version,
                "description": (
                    "Kiwoom's WebSocket services: live quotes and fills, order events and "
                    "condition search, generated from the spec workbook by kiwoom-codegen. The "
                    "session protocol (LOGIN, PING echo, REG/REMOVE, REAL, SYSTEM) is Kiwoom's; "
                    "the workbook documents the services' fields. Every frame is a JSON text "
                    "message with `trnm` naming the service. Errors: an answer's `return_code` "
                    "is often generic; the effective error code is embedded in the message as "
                    "`CODE=NNNN` (real-time frames) or `[NNNN:...]` and wins when present, as "
                    "it does for SYSTEM frames and LOGIN/REG refusals."
                ),
            },
            "defaultContentType": "application/json",
            "servers": self.servers(),
            "channels": channels,
            "operations": operations,
            "components": {"schemas": self.schemas, "messages": self.messages},
        }

    def servers(self) -> JsonObject:
        production, mock = PRODUCTION_HOST, MOCK_HOST
        for api in self.spec.apis:
            if api.transport is Transport.WEBSOCKET:
                production = api.servers.production.split("://", 1)[-1].rstrip("/")
                if api.servers.mock:
                    mock = api.servers.mock.split("://", 1)[-1].rstrip("/")
                break
        return {
            "production": {
                "host": production,
                "protocol": "wss",
                "description": "Production (real trading)",
            },
            "mock": {
                "host": mock,
                "protocol": "wss",
                "description": "Mock trading (KRX only); its keys and tokens differ",
            },
        }

    def channel(self, market: Market, path: str, description: str) -> tuple[JsonObject, JsonObject]:
        prefix = "Us" if market == "us" else "Domestic"
        types = [t for t in self.rt.types if t.path == path]
        real_key = f"{prefix}Real"
        entries = [_ref(S + f"Entry{t.code}") for t in types]
        self.message(
            real_key,
            "REAL",
            "Pushed data: one or more entries, each told apart by `type`.",
            {
                "type": "object",
                "required": ["trnm", "data"],
                "properties": {
                    "trnm": {"const": "REAL"},
                    "data": {
                        "type": "array",
                        "items": {"oneOf": entries} if entries else _generic_entry(),
                    },
                },
                "additionalProperties": True,
            },
        )
        cond = self.conditions(market, path, prefix)
        keys = [
            "Login", "LoginAnswer", "Ping", "System", "Register", "RegisterAnswer",
            "Remove", "RemoveAnswer", real_key, *[k for pair in cond.values() for k in pair],
        ]  # fmt: skip
        channel = {
            "address": path,
            "title": path,
            "description": description,
            "messages": {k: _ref(M + k) for k in keys},
        }
        ref = _ref(f"#/channels/{market}")

        def msg(key: str) -> JsonObject:
            return _ref(f"#/channels/{market}/messages/{key}")

        def send(key: str, answer: str, summary: str) -> JsonObject:
            return {
                "action": "send",
                "channel": ref,
                "summary": summary,
                "messages": [msg(key)],
                "reply": {"channel": ref, "messages": [msg(answer)]},
            }

        p = market
        ops: JsonObject = {
            f"{p}Login": send("Login", "LoginAnswer", "Log in (the first frame)"),
            f"{p}Ping": {
                "action": "receive",
                "channel": ref,
                "summary": "Heartbeat: echo the same frame",
                "messages": [msg("Ping")],
                "reply": {"channel": ref, "messages": [msg("Ping")]},
            },
            f"{p}System": {
                "action": "receive",
                "channel": ref,
                "summary": "Server notices (never echoed)",
                "messages": [msg("System")],
            },
            f"{p}Register": send("Register", "RegisterAnswer", "Register real-time data"),
            f"{p}Remove": send("Remove", "RemoveAnswer", "Unregister real-time data"),
            f"{p}Real": {
                "action": "receive",
                "channel": ref,
                "summary": "Real-time data",
                "messages": [msg(real_key)],
            },
        }
        for op_name, (request, answer) in cond.items():
            ops[f"{p}{op_name}"] = send(request, answer, self.messages[request]["summary"])
        return channel, ops

    def conditions(self, market: Market, path: str, prefix: str) -> dict[str, tuple[str, str]]:
        found: ConditionServices | None = next(
            (c for c in self.rt.conditions if c.path == path), None
        )
        lst, req, clr = (
            (found.list_trnm, found.request_trnm, found.clear_trnm)
            if found
            else DEFAULT_TRNM[market]
        )
        live_type = found.live_type if found else DEFAULT_LIVE_TYPE[market]
        by_role = {s.role: s for s in self.rt.services if s.api.path == path}
        search = by_role.get("condition_search") or by_role.get("condition_live")
        self.message(
            f"{prefix}ConditionList",
            lst,
            "The saved conditions; ask it first on each connection.",
            _sheet_request(
                by_role.get("condition_list"),
                lst,
                {
                    "type": "object",
                    "required": ["trnm"],
                    "properties": {"trnm": {"const": lst}},
                    "additionalProperties": False,
                },
            ),
        )
        self.message(
            f"{prefix}ConditionListAnswer",
            f"{lst} answer",
            "`data`: [seq, name] pairs",
            _answer([lst], f"{lst} answer", data=condition_rows_schema()),
        )
        request_default: JsonObject = {
            "type": "object",
            "required": ["trnm", "seq", "search_type", "stex_tp"],
            "properties": {
                "trnm": {"const": req},
                "seq": _str("조건검색식 일련번호"),
                "search_type": _str("0: one-off, 1: one-off then live", enum=["0", "1"]),
                "stex_tp": _str("거래소구분"),
                "cont_yn": _str("연속조회여부", enum=["Y", "N"]),
                "next_key": _str("연속조회키"),
            },
            "additionalProperties": False,
        }
        request_schema = _sheet_request(search, req, request_default)
        props = request_schema.get("properties", {})
        if "search_type" in props:  # one message serves both the one-off and the live request
            props["search_type"] = _str("0: one-off, 1: one-off then live", enum=["0", "1"])
        self.message(
            f"{prefix}ConditionRequest",
            req,
            f"Run a condition: search_type 0 one-off (paged with cont_yn/next_key), 1 one-off "
            f"then live REAL entries of type {live_type} with I/D inserts and deletions.",
            request_schema,
        )
        self.message(
            f"{prefix}ConditionRequestAnswer",
            f"{req} answer",
            "The matching items (one page)",
            _answer(
                [req],
                f"{req} answer",
                seq=_str(),
                cont_yn=_str(enum=["Y", "N"]),
                next_key=_str(),
                data={"type": "array", "items": {"type": "object", "additionalProperties": True}},
            ),
        )
        self.message(
            f"{prefix}ConditionClear",
            clr,
            "Stop a live condition.",
            _sheet_request(
                by_role.get("condition_clear"),
                clr,
                {
                    "type": "object",
                    "required": ["trnm", "seq"],
                    "properties": {"trnm": {"const": clr}, "seq": _str("조건검색식 일련번호")},
                    "additionalProperties": False,
                },
            ),
        )
        self.message(
            f"{prefix}ConditionClearAnswer", f"{clr} answer", f"{clr} answer",
            _answer([clr], f"{clr} answer", seq=_str()),
        )  # fmt: skip
        return {
            "ConditionList": (f"{prefix}ConditionList", f"{prefix}ConditionListAnswer"),
            "ConditionRequest": (f"{prefix}ConditionRequest", f"{prefix}ConditionRequestAnswer"),
            "ConditionClear": (f"{prefix}ConditionClear", f"{prefix}ConditionClearAnswer"),
        }


def build_document(spec: Spec) -> JsonObject:
    return _Builder(spec).build()
