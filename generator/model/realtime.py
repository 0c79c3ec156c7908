"""The WebSocket services of a Spec as their own kind: real-time types, condition search, names.

The sheets describe a WebSocket service as if it were an HTTP API (a request table, a response
table); the session protocol is not in them at all. This module derives what the real-time
client, the fake server and the AsyncAPI document need:

- every subscription type (REG, the 23 of the official workbook: type code = API id) and the
  live condition types (domestic ``02``, US ``S2``) with the field ids of their pushed
  ``values`` object, each id's Korean label and a Python name;
- the condition services of each WebSocket path (list / request / clear service names);
- the role of every WebSocket API (subscription, condition list / one-off / live / clear).

Python names of field ids (``"10"`` is not an identifier), in this order:

1. the project's ``specs/realtime_fields.toml`` ``[fields]`` (id -> name), over the reviewed
   table shipped with the generator (``generator/data/realtime.toml``), which win so that a
   reviewer can correct what the next rule guesses;
2. the wire name the HTTP tables give the same Korean label, when one wire name has at least
   90% of its uses (``현재가`` -> ``cur_prc``) and is a name a field may have (below);
3. the name the model gives every field: ``field_<id>`` (``10`` -> ``field_10``).

A name never starts with ``_`` and never shadows an attribute of the runtime's message and
values classes (``RESERVED``): a table that gives one is refused with a located error, and the
label rule skips it.

Within one type, a name two ids would share is kept by the first id; the others get ``_<id>``.
The id itself is always available (``values["10"]``), and the raw strings are kept.
"""

from __future__ import annotations

import keyword
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from ..problems import Problems
from ..reader.paths import display_path
from .core import Api, Condition, Field, Kind, RealtimeTable, Spec, Transport, Value
from .names import ClassName, fallback_method

REALTIME_FILE = "realtime_fields.toml"
DOMESTIC_PATH = "/api/dostk/websocket"
US_PATH = "/api/us/websocket"
Market = Literal["domestic", "us"]
Role = Literal[
    "subscription",
    "condition_list",
    "condition_search",
    "condition_live",
    "condition_clear",
    "unknown",
]
# Attributes of the runtime's RealtimeValues and RealtimeMessage (and what a later version may
# add to them): a field name must not shadow them. Names starting with "_" are refused as well.
RESERVED = frozenset(
    {
        "get", "to_dict", "FIELDS", "keys", "items", "values", "raw", "type", "name", "item",
        "parsed", "copy", "VALUES", "TYPE",
    }
)  # fmt: skip
_IDENT = re.compile(r"[a-z][a-z0-9_]*")  # full match: "$" lets a trailing newline through
DOMINANT_SHARE = 0.9  # the label rule takes a wire name with at least this share of its uses
SHIPPED_TABLE = "data/realtime.toml"
DEFAULT_TRNM = {  # used only when the sheets name no condition service (KIWOOM_FORMAT.md)
    "domestic": ("CNSRLST", "CNSRREQ", "CNSRCLR"),
    "us": ("GCNSRLST", "GCNSRREQ", "GCNSRCLR"),
}
DEFAULT_LIVE_TYPE = {"domestic": "02", "us": "S2"}


# ---- the reviewed table -------------------------------------------------------------------


def valid_field_name(name: object) -> bool:
    """A name a real-time field may have: a lower-case identifier, no keyword, no leading
    ``_``, nothing of ``RESERVED``."""
    return (
        isinstance(name, str)
        and bool(_IDENT.fullmatch(name))
        and not keyword.iskeyword(name)
        and name not in RESERVED
    )


@lru_cache(maxsize=1)
def shipped_realtime_table() -> RealtimeTable:
    """The reviewed table shipped with the generator (``generator/data/realtime.toml``)."""
    problems = Problems()
    package = resources.files(__name__.split(".")[0])
    text = package.joinpath(SHIPPED_TABLE).read_text(encoding="utf-8")
    table = parse_realtime_table(tomllib.loads(text), f"kiwoom_codegen/{SHIPPED_TABLE}", problems)
    if problems.errors:  # the shipped table is tested; this is a broken installation
        raise RuntimeError("; ".join(p.line() for p in problems.errors))
    return table


def load_realtime_table(directory: Path | None, problems: Problems) -> RealtimeTable:
    """The shipped table with ``realtime_fields.toml`` of the config directory over it."""
    shipped = shipped_realtime_table()
    if directory is None or not (directory / REALTIME_FILE).is_file():
        return shipped
    path = directory / REALTIME_FILE
    where = display_path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, OSError) as exc:
        problems.error(where, None, f"cannot read: {exc}")
        return shipped
    project = parse_realtime_table(data, where, problems)
    fields = {**dict(shipped.fields), **dict(project.fields)}
    no_item = {*shipped.no_item, *project.no_item}
    return RealtimeTable(tuple(sorted(fields.items())), tuple(sorted(no_item)))


def parse_realtime_table(data: Mapping[str, Any], where: str, problems: Problems) -> RealtimeTable:
    unknown = sorted(set(data) - {"fields", "types"})
    if unknown:
        problems.error(where, None, f"unknown key(s) {', '.join(unknown)}; allowed: fields, types")
        return RealtimeTable()
    fields: dict[str, str] = {}
    raw_fields = data.get("fields", {})
    if not isinstance(raw_fields, dict):
        problems.error(f"{where} › fields", None, "[fields] must be a table of id = name")
        raw_fields = {}
    for field_id, name in raw_fields.items():
        if not valid_field_name(name):
            problems.error(
                f"{where} › fields.{field_id}",
                None,
                "name must be a lower-case identifier that does not start with '_', is no "
                f"keyword and shadows no attribute of the message classes {sorted(RESERVED)}, "
                f"got {name!r}",
            )
            continue
        fields[str(field_id)] = str(name)
    no_item: list[str] = []
    types = data.get("types", {})
    if not isinstance(types, dict) or not _str_list(types.get("no_item", [])):
        problems.error(f"{where} › types", None, "[types] no_item must be a list of type codes")
    else:
        no_item = list(types.get("no_item", []))
    return RealtimeTable(tuple(sorted(fields.items())), tuple(sorted(no_item)))


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# ---- names of field ids -------------------------------------------------------------------


def label_names(apis: Iterable[Api]) -> dict[str, str]:
    """Korean label -> wire name, from the HTTP APIs, where one wire name has at least
    ``DOMINANT_SHARE`` of the label's uses and is a valid field name (``valid_field_name``)."""
    seen: dict[str, Counter[str]] = {}
    for api in apis:
        if api.transport is not Transport.HTTP:
            continue
        for f in _walk((*api.request.body, *api.response.body)):
            label = _norm_label(f.label)
            if label:
                seen.setdefault(label, Counter())[f.name] += 1
    out: dict[str, str] = {}
    for label, counts in seen.items():
        (name, uses), *_ = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if uses >= DOMINANT_SHARE * counts.total() and valid_field_name(name):
            out[label] = name
    return out


def _norm_label(label: str) -> str:
    return re.sub(r"\s+", "", label)


def _walk(fields: Iterable[Field]) -> Iterable[Field]:
    for f in fields:
        yield f
        yield from _walk(f.children)


def field_names(
    fields: Sequence[Field], table: Mapping[str, str], labels: Mapping[str, str]
) -> list[str]:
    """The Python name of each value field (see the module docstring), unique within the list."""
    taken: set[str] = set()
    out: list[str] = []
    for f in fields:
        fid = f.name.strip()
        name = table.get(fid) or labels.get(_norm_label(f.label)) or f.python_name
        if not valid_field_name(name):  # a model name such as "type": never shadow
            name = f"field_{re.sub(r'[^0-9A-Za-z]+', '_', fid).strip('_').lower() or 'x'}"
        if name in taken:
            name = f"{name}_{re.sub(r'[^0-9A-Za-z]+', '_', fid).strip('_').lower()}"
        while name in taken:
            name += "_"
        taken.add(name)
        out.append(name)
    return out


def apply_realtime_names(apis: Sequence[Api], table: RealtimeTable) -> list[Api]:
    """Every WebSocket API with the python_name of its ``values`` ids resolved."""
    labels = label_names(apis)
    names = dict(table.fields)
    return [
        _rename_values(api, names, labels) if api.transport is Transport.WEBSOCKET else api
        for api in apis
    ]


def _rename_values(api: Api, table: Mapping[str, str], labels: Mapping[str, str]) -> Api:
    def fix(fields: tuple[Field, ...]) -> tuple[Field, ...]:
        out = []
        for f in fields:
            if f.name == "values" and f.children:
                names = field_names(f.children, table, labels)
                kids = tuple(
                    replace(c, python_name=n) for c, n in zip(f.children, names, strict=True)
                )
                out.append(replace(f, children=kids))
            else:
                out.append(replace(f, children=fix(f.children)) if f.children else f)
        return tuple(out)

    response = replace(
        api.response,
        body=fix(api.response.body),
        variants=tuple(replace(v, body=fix(v.body)) for v in api.response.variants),
    )
    return replace(api, response=response)


# ---- the wire ------------------------------------------------------------------------------


def wire_api(api: Api) -> Api:
    """A WebSocket API's fields as its frames carry them; any other API as it is.

    The sheets describe the frames with HTTP-style tables. Where the wire differs in a way the
    model can say, the fields change here (the schemas of every emitter are built from this):

    - every pushed ``values`` is one object keyed by field id (the sheets type it LIST or
      Object), its members the ids with their labels and Python names;
    - REG/REMOVE's ``refresh`` is sent with REG only (REMOVE has none).

    What the model cannot say (``item``/``type`` arrays, list rows as ``[seq, name]`` pairs,
    an integer ``return_code``) is JSON Schema: :mod:`kiwoom_codegen.model.realtime_wire`.
    """
    if api.transport is not Transport.WEBSOCKET:
        return api
    subscription = role_of(api) == "subscription"

    def request(fields: tuple[Field, ...]) -> tuple[Field, ...]:
        return tuple(
            replace(
                f,
                required=False,
                required_if=Condition("trnm", ("REG",), f.description or f.label),
            )
            if subscription and f.name == "refresh" and f.required
            else f
            for f in fields
        )

    def response(fields: tuple[Field, ...]) -> tuple[Field, ...]:
        return tuple(
            replace(f, kind=Kind.OBJECT, children=response(f.children))
            if f.name == "values"
            else replace(f, children=response(f.children))
            if f.children
            else f
            for f in fields
        )

    return replace(
        api,
        request=replace(
            api.request,
            body=request(api.request.body),
            variants=tuple(replace(v, body=request(v.body)) for v in api.request.variants),
        ),
        response=replace(
            api.response,
            body=response(api.response.body),
            variants=tuple(replace(v, body=response(v.body)) for v in api.response.variants),
        ),
    )


# ---- the real-time view -------------------------------------------------------------------


@dataclass(frozen=True)
class ValueField:
    id: str
    python_name: str
    label: str
    description: str
    value: Value = Value()  # what the string means, mined from the label (numeric.py)


@dataclass(frozen=True)
class RealtimeType:
    """One type of pushed REAL entry."""

    code: str  # "0B", "02", "S2"
    api_id: str  # the API documenting it
    name: str  # 주식체결
    path: str
    market: Market
    needs_item: bool
    fields: tuple[ValueField, ...]
    class_name: str  # the Python class: StockTrade0B (English name and code), else Realtime0B
    kind: Literal["subscription", "condition"]
    example_values: Mapping[str, str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ConditionServices:
    path: str
    market: Market
    list_trnm: str
    request_trnm: str
    clear_trnm: str
    live_type: str
    api_ids: tuple[str, ...]
    stex_tp: bool = True  # the request sheets have stex_tp (the US sheets have not)


@dataclass(frozen=True)
class Service:
    api: Api
    role: Role
    market: Market
    trnm: tuple[str, ...]  # the request service names (REG, REMOVE / CNSRLST ...)


@dataclass(frozen=True)
class RealtimeSpec:
    services: tuple[Service, ...]
    types: tuple[RealtimeType, ...]
    conditions: tuple[ConditionServices, ...]

    def type(self, code: str) -> RealtimeType:
        for t in self.types:
            if t.code == code:
                return t
        raise KeyError(code)


def market_of(path: str) -> Market:
    return "us" if path.startswith("/api/us/") else "domestic"


def trnm_values(api: Api) -> tuple[str, ...]:
    """The request's service names: the ``trnm`` field's fixed value or enumeration."""
    for f in api.request.body:
        if f.name == "trnm":
            if f.fixed_value:
                return (f.fixed_value,)
            if f.enum:
                return tuple(e.value for e in f.enum)
            found = re.findall(r"\b([A-Z]{3,})\b", f.description)
            return tuple(dict.fromkeys(found))
    return ()


def role_of(api: Api) -> Role:
    trnm = trnm_values(api)
    if "REG" in trnm or "REMOVE" in trnm:
        return "subscription"
    name = api.name.replace(" ", "")
    if any(t.endswith("LST") for t in trnm) or "목록" in name:
        return "condition_list"
    if any(t.endswith("CLR") for t in trnm) or "해제" in name:
        return "condition_clear"
    if any(t.endswith("REQ") for t in trnm) or "조건검색" in name:
        search_type = _fixed(api, "search_type")
        if search_type == "1" or (search_type is None and "실시간" in name):
            return "condition_live"
        return "condition_search"
    if len(api.id) == 2:  # the subscription types' ids are two characters
        return "subscription"
    return "unknown"


def _fixed(api: Api, name: str) -> str | None:
    for f in api.request.body:
        if f.name == name:
            if f.fixed_value:
                return f.fixed_value
            if f.enum and len(f.enum) == 1:
                return f.enum[0].value
    return None


def values_fields(api: Api, prefer: str = "") -> tuple[Field, ...]:
    """The children of the pushed ``values`` object (of the variant named like ``prefer``)."""
    bodies = [(v.name, v.body) for v in api.response.variants]
    bodies.append(("", api.response.body))
    ordered = [b for n, b in bodies if prefer and prefer in n] + [b for _, b in bodies]
    for body in ordered:
        found = [f for f in _walk(body) if f.name == "values" and f.children]
        if found:
            return found[-1].children
    return ()


def value_fields(fields: Iterable[Field]) -> tuple[ValueField, ...]:
    """The members of a ``values`` object as field ids with their labels and Python names."""
    return tuple(
        ValueField(f.name.strip(), f.python_name, f.label, f.description, f.value) for f in fields
    )


def _example_values(api: Api, code: str) -> dict[str, str] | None:
    """The ``values`` of the first REAL entry of type ``code`` in the response example."""
    example = api.response_example
    if example is None:
        return None
    for _, doc, _ in example.documents:
        if isinstance(doc, dict) and isinstance(doc.get("data"), list):
            for entry in doc["data"]:
                if (
                    isinstance(entry, dict)
                    and entry.get("type") in (code, None)
                    and isinstance(entry.get("values"), dict)
                ):
                    return {str(k): str(v) for k, v in entry["values"].items()}
    return None


def realtime_spec(spec: Spec) -> RealtimeSpec:
    services: list[Service] = []
    types: list[RealtimeType] = []
    no_item = set(spec.realtime.no_item)
    by_market: dict[Market, list[Service]] = {}
    for api in spec.apis:
        if api.transport is not Transport.WEBSOCKET:
            continue
        market = market_of(api.path)
        service = Service(api, role_of(api), market, trnm_values(api))
        services.append(service)
        by_market.setdefault(market, []).append(service)
        if service.role == "subscription":
            types.append(_type(api, api.id, market, api.id not in no_item, "subscription"))
    conditions: list[ConditionServices] = []
    for market, group in sorted(by_market.items()):
        roles = {s.role: s for s in group}
        cond = [s for s in group if s.role.startswith("condition_")]
        if not cond:
            continue
        lst, req, clr = DEFAULT_TRNM[market]
        lst = _first(roles.get("condition_list"), lst)
        req = _first(roles.get("condition_live") or roles.get("condition_search"), req)
        clr = _first(roles.get("condition_clear"), clr)
        live = roles.get("condition_live")
        live_type = DEFAULT_LIVE_TYPE[market]
        path = cond[0].api.path
        requests = [s for s in cond if s.role in ("condition_live", "condition_search")]
        stex_tp = any(f.name == "stex_tp" for s in requests for f in s.api.request.body)
        ids = tuple(s.api.id for s in cond)
        conditions.append(
            ConditionServices(path, market, lst, req, clr, live_type, ids, stex_tp or not requests)
        )
        if live is not None:
            types.append(_type(live.api, live_type, market, False, "condition"))
    return RealtimeSpec(tuple(services), tuple(types), tuple(conditions))


def _first(service: Service | None, default: str) -> str:
    return service.trnm[0] if service is not None and service.trnm else default


def _type(api: Api, code: str, market: Market, needs_item: bool, kind: Any) -> RealtimeType:
    fields = values_fields(api, prefer="실시간")
    return RealtimeType(
        code=code,
        api_id=api.id,
        name=api.name,
        path=api.path,
        market=market,
        needs_item=needs_item,
        fields=value_fields(fields),
        class_name=_class_name(api, code),
        kind=kind,
        example_values=_example_values(api, code),
    )


def _class_name(api: Api, code: str) -> str:
    """The API's English name and the type code: ``StockTrade0B`` (0B is named ``stock_trade``
    in ``[realtime]``), ``SearchRealtime02``, ``UsTradeFE`` (a US group's); ``Realtime0B``
    when the API has no name but its id. The code keeps every name unique in the one module
    that holds them all (``StockInfo0g`` and ``EtfNav0G`` differ also but for case)."""
    suffix = re.sub(r"[^0-9A-Za-z]", "_", code)
    if not api.method_name or api.method_name == fallback_method(api.id):
        return "Realtime" + suffix
    market = ("us",) if api.group.startswith("us.") else ()
    return str(ClassName(*market, api.method_name)) + suffix
