"""Typed companions of the response models, ``.parsed()``, and the request models' value inputs.

For every response class (and every nested row class) of a group this module writes:

- a frozen dataclass with slots, ``<Class>Parsed``, with the same field names and each field's
  typed value (``int``, ``Decimal``, ``date``, ``time``, ``datetime``, ``str``; None for a
  blank), a ``<field>_direction`` beside each direction-signed price, nested rows as tuples of
  their companions, and ``invalid`` (the wire strings kept by ``parsed(errors="keep")``);
- the companion's ``_READ`` table: how each field is read, a reader of the runtime's
  ``_values`` per field (decided here, from the field's mined
  :class:`~kiwoom_codegen.model.Value`); the runtime compiles it into straight-line code on the
  first ``.parsed()`` (``_values._reader``), so the modules hold one string per class, not a
  method per class for black to format and the interpreter to load;
- the model's ``parsed()`` method (three lines: the companion's ``_of``), and
  ``to_pandas()``/``records()`` for a model that holds lists.

For every request class, a ``field_validator(mode="before")`` turns ``int``, ``Decimal`` and
``datetime.date`` arguments into Kiwoom's strings and refuses what the meaning forbids
(``_values.to_wire``). Decisions are made here; the text is plain Python put together below.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..escape import py_str
from ..model import Field, Kind, Value
from ..model.numeric import NUMBERS, reader
from .python_models import ClassPlan, ModelGenerationError

PARSED_SUFFIX = "Parsed"
_TYPES = {
    "uint": ("int | None", "int"),
    "sint": ("int | None", "int"),
    "dir_int": ("int | None", "int"),
    "dec": ("_decimal.Decimal | None", "decimal"),
    "dir_dec": ("_decimal.Decimal | None", "decimal"),
    "date": ("_dt.date | None", "date"),
    "time": ("_dt.time | None", "time"),
    "datetime": ("_dt.datetime | None", "datetime"),
    "code": ("str | None", "text"),
    "text": ("str | None", "text"),
}
# What the companions use: modules under private names (``import datetime as _dt``), so that
# no field name can shadow them; and the runtime's readers as ``_v``.
COMPANION_MODULES = {
    "collections.abc": "_abc",
    "dataclasses": "_dataclasses",
    "datetime": "_dt",
    "decimal": "_decimal",
    "typing": "_t",
}
COMPANION_FROM_IMPORTS = {"..": ["_values as _v"]}
# What the methods of the models use: name -> module (imported where used).
METHOD_IMPORTS = {
    "Any": "typing",
    "Literal": "typing",
    "field_validator": "pydantic",
    "ValidationInfo": "pydantic",
    "to_wire": ".._values",
}


def companions_loader(module: str, names: list[str], parent: str = "..") -> str:
    """What a models module holds for its companions: their names for type checkers, and the
    function that imports ``parsed/<module>.py`` on the first ``.parsed()`` (importing the
    models costs nothing for them: building ~20 dataclasses per group is not free).
    ``parent``: the package above ``parsed/``, relative to the models module."""
    listed = "".join(f"        {name},\n" for name in sorted(names))
    return (
        "if TYPE_CHECKING:\n"
        f"    from {parent}parsed.{module} import (\n{listed}    )\n\n"
        "_COMPANIONS: Any = None\n\n\n"
        "def _companions() -> Any:\n"
        f'    """parsed/{module}.py, imported on first use."""\n'
        "    global _COMPANIONS\n"
        "    if _COMPANIONS is None:\n"
        f"        from {parent}parsed import {module} as companions\n\n"
        "        _COMPANIONS = companions\n"
        "    return _COMPANIONS\n"
    )


def companion_name(name: str) -> str:
    return name + PARSED_SUFFIX


def _child(f: Field, plans: Mapping[str, ClassPlan]) -> str | None:
    """The class of a list's rows or of an object, when it has one."""
    for name, plan in plans.items():
        if plan.fields is f.children and not plan.strict:
            return name
    return None


def companion_order(plans: Mapping[str, ClassPlan]) -> list[str]:
    """The response classes in the order their companions are written: rows before the
    classes that hold them (annotations are evaluated when a class is created)."""
    out: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for f in plans[name].fields:
            child = _child(f, plans)
            if child is not None:
                visit(child)
        out.append(name)

    for name, plan in plans.items():
        if not plan.strict:
            visit(name)
    return out


def response_parts(
    name: str,
    plan: ClassPlan,
    attrs: Mapping[str, str],
    plans: Mapping[str, ClassPlan],
    properties: Mapping[str, Any] | None = None,
) -> tuple[str, str]:
    """(the companion class, the model's methods indented for its class body)."""
    fields: list[str] = []  # the companion's annotated fields
    columns: list[str] = []  # "attr": kind
    rows: list[str] = []  # "attr": RowParsed
    read: list[list[Any]] = []  # how each field is read: [attr, how, *arguments] (_values)
    taken = set(attrs.values())
    for f in plan.fields:
        attr = attrs[f.name]
        prop = (properties or {}).get(f.name, {})
        plain = prop.get("type", "string") == "string" and not (
            {"anyOf", "oneOf", "allOf", "$ref"} & prop.keys()
        )
        if f.kind is Kind.STRING and not plain:
            # a WebSocket frame's wire shape (an int or a list where the table says String)
            fields.append(f"{attr}: _t.Any")
            columns.append(f"{attr!r}: 'object'")
            read.append([attr, "keep"])
            continue
        if f.kind is not Kind.STRING:
            child = _child(f, plans)
            if child is None:
                fields.append(f"{attr}: _t.Any")
                columns.append(f"{attr!r}: 'object'")
                read.append([attr, "keep"])
            elif f.kind is Kind.ARRAY:
                fields.append(f"{attr}: tuple[{companion_name(child)}, ...] | None")
                columns.append(f"{attr!r}: 'rows'")
                rows.append(f"{attr!r}: {companion_name(child)}")
                read.append([attr, "rows"])
            else:
                fields.append(f"{attr}: {companion_name(child)} | None")
                columns.append(f"{attr!r}: 'object'")
                read.append([attr, "object"])
            continue
        function, extra = reader(f.value)
        kind_type, column = _TYPES[function]
        fields.append(f"{attr}: {kind_type}")
        columns.append(f"{attr!r}: {column!r}")
        read.append([attr, function, *extra])
        if function.startswith("dir_"):
            direction = f"{attr}_direction"
            if direction in taken:
                raise ModelGenerationError(f"{name}: {direction} is also a field of the table")
            taken.add(direction)
            fields.append(f"{direction}: _v.Direction | None")
            columns.append(f"{direction!r}: 'direction'")
    for extra_attr, kind_type in (("return_code", "int | None"), ("return_msg", "str | None")):
        if extra_attr in attrs.values() and extra_attr not in {attrs[f.name] for f in plan.fields}:
            wanted = {"int | None": "integer", "str | None": "string"}[kind_type]
            if (properties or {}).get(extra_attr, {}).get("type", wanted) != wanted:
                kind_type = "_t.Any"  # a WebSocket frame's return_code: an int or a string
            fields.append(f"{extra_attr}: {kind_type}")
            columns.append(f"{extra_attr!r}: {'int' if extra_attr == 'return_code' else 'text'!r}")
            read.append([extra_attr, "keep"])
    if "invalid" in taken:
        raise ModelGenerationError(f"{name}: a field named 'invalid' clashes with the companion")
    companion = companion_name(name)
    # One string token for black and for the interpreter: the reader is compiled from it on
    # the first .parsed() (_values._reader), not written out as a method per class.
    table = json.dumps(read, ensure_ascii=True, separators=(",", ":"))
    body = [
        "@_dataclasses.dataclass(frozen=True, slots=True)",
        f"class {companion}(_v.ParsedModel):",
        f'    """{name} with typed values: see {name}.parsed()."""',
        "",
        *(f"    {line}" for line in fields),
        "    invalid: _abc.Mapping[str, str]",
        "",
        "    _COLUMNS: _t.ClassVar[_abc.Mapping[str, str]] = {" + ", ".join(columns) + "}",
        "    _ROWS: _t.ClassVar[_abc.Mapping[str, type[_v.ParsedModel]]] = {"
        + ", ".join(rows)
        + "}",
        f"    _READ: _t.ClassVar[str] = {py_str(table)}",
    ]
    methods = [
        "def parsed(",
        '    self, *, errors: Literal["raise", "keep"] = "raise"',
        f') -> "{companion}":',
        '    """The typed values (see kiwoom_client._values): errors="keep" makes a value',
        '    that contradicts its meaning None and keeps its string in ``invalid``."""',
        f'    result: "{companion}" = _companions().{companion}._of(self, errors)',
        "    return result",
    ]
    if rows:
        methods += [
            "",
            "def to_pandas(self, field: str | None = None) -> Any:",
            '    """A list of this answer (default: the only one) as a pandas DataFrame with',
            '    typed columns; pandas is an optional extra (kiwoom-client[pandas])."""',
            "    return self.parsed().to_pandas(field)",
            "",
            "def records(self, field: str | None = None) -> list[dict[str, Any]]:",
            '    """A list of this answer (default: the only one) as plain dicts of typed',
            '    values."""',
            "    return self.parsed().records(field)",
        ]
    return "\n".join(body) + "\n", "\n".join(f"    {m}" if m else "" for m in methods) + "\n"


def realtime_parts(values_class: str, fields: list[tuple[str, str, Value]]) -> tuple[str, str, str]:
    """(the companion class, the values class's ``parsed()``, the message's ``parsed()``) of a
    real-time type; ``fields``: (field id, Python name, mined meaning), meanings from labels."""
    companion = companion_name(values_class)
    annotations: list[str] = []
    columns: list[str] = []
    before: list[str] = []
    args: list[str] = []
    for n, (field_id, attr, value) in enumerate(fields):
        function, extra = reader(value)
        kind_type, column = _TYPES[function]
        more = "".join(f", {x!r}" for x in extra)
        call = f"_v.{function}(raw.get({field_id!r}), {attr!r}, bad{more})"
        annotations.append(f"{attr}: {kind_type}")
        columns.append(f"{attr!r}: {column!r}")
        if function.startswith("dir_"):
            before.append(f"_{n}, _{n}d = {call}")
            args += [f"_{n},  # {attr}", f"_{n}d,  # {attr}_direction"]
            annotations.append(f"{attr}_direction: _v.Direction | None")
            columns.append(f"{attr + '_direction'!r}: 'direction'")
        else:
            args.append(f"{call},  # {attr}")
    body = [
        "@_dataclasses.dataclass(frozen=True, slots=True)",
        f"class {companion}(_v.ParsedModel):",
        f'    """{values_class} with typed values: see {values_class}.parsed()."""',
        "",
        *(f"    {line}" for line in annotations),
        "    invalid: _abc.Mapping[str, str]",
        "",
        "    _COLUMNS: _t.ClassVar[_abc.Mapping[str, str]] = {" + ", ".join(columns) + "}",
    ]
    values_method = [
        "def parsed(",
        '    self, *, errors: Literal["raise", "keep"] = "raise"',
        f") -> {companion}:",
        '    """The typed values (meanings mined from the labels; see docs/values.md)."""',
        '    bad: dict[str, str] | None = {} if errors == "keep" else None',
        "    raw = self._raw",
        *(f"    {line}" for line in before),
        f"    return {companion}._new(",
        *(f"        {a}" for a in args),
        "        invalid=bad or _v.NO_INVALID,",
        "    )",
    ]
    message_method = [
        "def parsed(",
        '    self, *, errors: Literal["raise", "keep"] = "raise"',
        f") -> {companion}:",
        '    """The typed values of this entry: ``self.values.parsed()``."""',
        "    return self.values.parsed(errors=errors)",
    ]

    def indented(lines: list[str]) -> str:
        return "\n".join(f"    {line}" if line else "" for line in lines) + "\n"

    return "\n".join(body) + "\n", indented(values_method), indented(message_method)


def union_parsed(shapes: list[str]) -> str:
    """``parsed()`` of a response whose shapes are alternatives (a RootModel of their union)."""
    returns = " | ".join(companion_name(name) for name in shapes)
    lines = [
        "def parsed(",
        '    self, *, errors: Literal["raise", "keep"] = "raise"',
        f') -> "{returns}":',
        '    """The typed values of the shape this answer has (see the shapes\' parsed())."""',
        "    return self.root.parsed(errors=errors)",
    ]
    return "\n".join(f"    {line}" for line in lines) + "\n"


def request_validator(plan: ClassPlan, attrs: Mapping[str, str]) -> str | None:
    """The ``field_validator`` of a request class's numeric and date fields, or None."""
    kinds: list[str] = []
    for f in plan.fields:
        v = f.value
        if f.kind is not Kind.STRING or f.enum is not None or f.fixed_value is not None:
            continue
        if v.kind in NUMBERS or v.kind in ("date", "datetime", "json"):
            kinds.append(f"{attrs[f.name]!r}: ({v.kind!r}, {v.number or 'int'!r}, {v.scale})")
    if not kinds:
        return None
    names = ", ".join(k.split(":")[0] for k in kinds)
    return (
        "\n".join(
            [
                f'    @field_validator({names}, mode="before")',
                "    @classmethod",
                "    def _wire_values(cls, value: Any, info: ValidationInfo) -> Any:",
                '        """int, Decimal and datetime.date arguments (and lists of objects sent as',
                "        JSON text) as Kiwoom's strings; what the field's meaning forbids (a",
                '        negative quantity, "abc") is refused."""',
                '        name = info.field_name or ""',
                "        kind, number, scale = {" + ", ".join(kinds) + "}[name]",
                "        return to_wire(value, kind, name, number, scale)",
            ]
        )
        + "\n"
    )


def type_hint(f: Field) -> str | None:
    """A request argument's type where it takes more than ``str`` (its mined meaning)."""
    if f.kind is not Kind.STRING or f.enum is not None or f.fixed_value is not None:
        return None
    if f.value.kind in NUMBERS:
        return "str | int | decimal.Decimal"
    if f.value.kind == "date":
        return "str | datetime.date"
    if f.value.kind == "datetime":
        return "str | datetime.datetime"
    if f.value.kind == "json":  # a list of objects, serialised into the string
        return "str | collections.abc.Sequence[collections.abc.Mapping[str, str]]"
    return None
