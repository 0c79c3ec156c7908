"""The generated ``_realtime_registry.py``: typed real-time messages and the type registry.

One ``RealtimeValues`` subclass per real-time type with a property per documented field id
(``values.cur_prc`` reads id ``"10"``), one ``RealtimeMessage`` subclass per type, the registry
``REALTIME_TYPES`` (code -> RealtimeTypeInfo) and ``CONDITION_SERVICES`` (path -> service names).
The classes only read the entry's dict: decoding stays close to the cost of ``json.loads``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..model import Spec
from ..model.realtime import ConditionServices, RealtimeType, ValueField, realtime_spec
from .python_models import used_names
from .python_parsed import COMPANION_MODULES, realtime_parts
from .python_render import format_python, render


@dataclass(frozen=True)
class FieldView:
    id: str
    python_name: str
    label: str
    doc: str


@dataclass(frozen=True)
class TypeView:
    code: str
    name: str
    path: str
    needs_item: bool
    api_id: str
    class_name: str
    values_class: str
    doc: str
    message_doc: str
    fields: tuple[FieldView, ...]
    example: dict[str, str] | None
    companion: str = ""  # the typed companion of its values (python_parsed.realtime_parts)
    values_parsed: str = ""  # the values class's parsed()
    message_parsed: str = ""  # the message class's parsed()


def _field(f: ValueField) -> FieldView:
    doc = f"{f.label} (id {f.id})." + (f"\n\n{f.description}" if f.description else "")
    return FieldView(f.id, f.python_name, f.label, doc)


def _type(t: RealtimeType) -> TypeView:
    companion, values_parsed, message_parsed = realtime_parts(
        t.class_name + "Values", [(f.id, f.python_name, f.value) for f in t.fields]
    )
    what = f"{t.name} ({t.code})" if t.code == t.api_id else f"{t.name} ({t.api_id}, type {t.code})"
    return TypeView(
        code=t.code,
        name=t.name,
        path=t.path,
        needs_item=t.needs_item,
        api_id=t.api_id,
        class_name=t.class_name,
        values_class=t.class_name + "Values",
        doc=f"{what}: the values of one entry, by field id.",
        message_doc=f"{what}: one entry of a REAL frame.",
        fields=tuple(_field(f) for f in t.fields),
        example=dict(t.example_values) if t.example_values is not None else None,
        companion=companion,
        values_parsed=values_parsed,
        message_parsed=message_parsed,
    )


def registry_module(spec: Spec, header: str) -> str:
    return format_python(registry_source(spec, header))


def registry_source(spec: Spec, header: str) -> str:
    """The registry module's text before black."""
    rt = realtime_spec(spec)
    conditions: tuple[ConditionServices, ...] = rt.conditions
    docstring = (
        f"Real-time types of the workbook: {len(rt.types)} typed messages "
        f"({', '.join(t.code for t in rt.types) or 'none'}).\n\n"
        "Used by client.realtime() and testing.FakeRealtimeServer; a type missing here is "
        "still delivered, as an untyped RealtimeMessage."
    )
    types = [_type(t) for t in rt.types]
    used = used_names(ast.parse("\n".join(t.companion for t in types)))
    value_modules = [f"{m} as {a}" for m, a in COMPANION_MODULES.items() if a in used]
    source = render(
        "realtime_registry.py.jinja",
        header=header,
        docstring=docstring,
        types=types,
        value_modules=value_modules,
        conditions=conditions,
    )
    return source
