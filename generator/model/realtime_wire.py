"""The real-time frames as they are on the wire, in JSON Schema: one source for every document.

The generated client's pydantic models (``OPERATIONS``), the OpenAPI document's
``x-kiwoom-websocket`` schemas (both built by :mod:`kiwoom_codegen.model.schema`) and the
AsyncAPI document (:mod:`kiwoom_codegen.emit.asyncapi`) take these schemas, so the three agree:

- a pushed entry's ``values`` is an object keyed by field id, every value a string, each
  documented id with its label and Python name (``x-python-name``);
- REG/REMOVE's ``item`` and ``type`` are arrays: items are codes (``005930``, ``005930_NX``,
  ``""`` for the types registered without items) or, for US, ``{"jmcode", "stex_tp"}`` objects
  (the schema ``UsItem``, a class of the Python models);
- a pushed entry's ``item`` is a code, or (US) the item object it was registered with;
- a condition list's rows are ``[seq, name]`` pairs;
- ``return_code`` is a number (Kiwoom also documents it as a string), often generic: the
  effective code is embedded in ``return_msg`` as ``CODE=NNNN`` or ``[NNNN:``.

The sheets' own tables say otherwise (String, LIST); :func:`kiwoom_codegen.model.realtime.wire_api`
changes what the model can say, :class:`WireShapes` the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .core import Api, Field
from .numeric import extension as value_extension
from .realtime import ValueField, role_of, value_fields

JsonSchema = dict[str, Any]
Path = tuple[str, ...]  # wire names from the body's root; list indices left out


def _str(description: str = "") -> JsonSchema:
    return {"type": "string", "description": description} if description else {"type": "string"}


US_ITEM = "UsItem"  # the schema name of a US item, in every document


def us_item_schema() -> JsonSchema:
    """A US item of REG/REMOVE: ``{"jmcode": "NVDA", "stex_tp": "ND"}``."""
    return {
        "type": "object",
        "title": US_ITEM,
        "description": "미국 종목: {jmcode, stex_tp}",
        "required": ["jmcode"],
        "properties": {"jmcode": _str("종목코드"), "stex_tp": _str("거래소구분")},
        "additionalProperties": _str(),
    }


def item_list_schema(us_item: JsonSchema) -> JsonSchema:
    """REG/REMOVE's ``item``; ``us_item`` is the reference to :func:`us_item_schema`."""
    return {
        "type": "array",
        "description": "실시간 등록 요소 (at most 100 per group by Kiwoom's practice): "
        "국내 종목코드 (`005930` KRX, `005930_NX` NXT, `005930_AL` SOR) or 업종코드, "
        '`""` for the types registered without items (00, 04); 미국 {jmcode, stex_tp}',
        "items": {"anyOf": [{"type": "string"}, us_item]},
    }


def type_list_schema() -> JsonSchema:
    """REG/REMOVE's ``type``: real-time type codes."""
    return {
        "type": "array",
        "minItems": 1,
        "description": "실시간 항목: real-time type codes",
        "items": _str(),
    }


def values_schema(fields: Sequence[ValueField]) -> JsonSchema:
    """A pushed entry's ``values``: an object keyed by field id, strings only."""
    properties: JsonSchema = {}
    for f in fields:
        prop: JsonSchema = {"type": "string", "title": f.label, "x-python-name": f.python_name}
        if f.description:
            prop["description"] = f.description
        meaning = value_extension(f.value)  # mined from the label (model/numeric.py)
        if meaning is not None:
            prop["x-kiwoom-value"] = meaning
        properties[f.id] = prop
    return {"type": "object", "properties": properties, "additionalProperties": _str()}


def condition_rows_schema() -> JsonSchema:
    """A condition list answer's ``data``: ``[seq, name]`` pairs."""
    return {
        "type": "array",
        "description": "[seq, name] pairs: 조건검색식 일련번호, 조건검색식 명",
        "items": {"type": "array", "prefixItems": [_str(), _str()], "items": _str()},
    }


RETURN_CODE_NOTE = (
    "0 when accepted. A refusal's return_code is often generic (e.g. 100013, 3); the "
    "effective error code is embedded in return_msg as `CODE=NNNN` or `[NNNN:...]` and wins "
    "when present (8005 token invalid, 8031 real/mock mismatch, 8103 token expired)"
)


def return_code_schema() -> JsonSchema:
    return {"type": ["integer", "string"], "description": RETURN_CODE_NOTE}


def entry_item_schema(us_item: JsonSchema) -> JsonSchema:
    """A pushed entry's ``item``: a code (``""`` for account feeds) or a US item object."""
    return {
        "description": "실시간 등록 요소: 종목코드, or the US item object as registered",
        "anyOf": [{"type": "string"}, us_item],
    }


@dataclass(frozen=True)
class WireShapes:
    """Where one WebSocket API's frames differ from its tables in what the model cannot say:
    the schema of a field by its path, or None where the field's own schema holds; ``defs``
    are the named schemas they refer to (by ``ref_prefix``)."""

    api: Api
    ref_prefix: str

    @property
    def defs(self) -> dict[str, JsonSchema]:
        return {US_ITEM: us_item_schema()} if role_of(self.api) == "subscription" else {}

    def _us_item_ref(self) -> JsonSchema:
        return {"$ref": self.ref_prefix + US_ITEM}

    def request(self, path: Path, f: Field) -> JsonSchema | None:
        if role_of(self.api) == "subscription" and len(path) == 2 and path[0] == "data":
            if path[1] == "item":
                return item_list_schema({"$ref": self.ref_prefix + US_ITEM})
            if path[1] == "type":
                return type_list_schema()
        return None

    def response(self, path: Path, f: Field) -> JsonSchema | None:
        if f.name == "values":
            return values_schema(value_fields(f.children))
        if path == ("return_code",):
            return return_code_schema()
        if path == ("data", "item") and role_of(self.api) == "subscription":
            return entry_item_schema(self._us_item_ref())
        if path == ("data",) and role_of(self.api) == "condition_list":
            return condition_rows_schema()
        return None
