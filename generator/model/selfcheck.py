"""The self-check: the sheets' own examples validated against the models just built from them.

Every valid-JSON request and response example is validated with exactly the JSON Schema the
client enforces (:mod:`kiwoom_codegen.model.schema`: strict requests, lenient responses),
by ``jsonschema``.
Each disagreement becomes a warning located at the example, naming the field, the sheet's words
the schema came from and their cell; keys an example has that its table lacks are warnings too.
This is what a maintainer reads to find what the reader mined wrong, or where the docs
contradict themselves; ``--strict`` makes the warnings errors. The counts end in one summary.
A WebSocket sheet's examples are frames: they are validated against the frames' wire shapes
(``values`` an object keyed by field id, REG's ``item``/``type`` arrays...), as the client's
models are built.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..problems import Problems
from .core import Api, Example, Field, Kind, Message, Source, Spec, Transport, Variant
from .numeric import check_examples as check_values
from .realtime import realtime_spec, wire_api
from .schema import DEFS, RETURN_CODE, RETURN_MSG, JsonSchema, api_schemas

Shape = tuple[Variant | None, tuple[Field, ...], str]  # (variant, fields, schema name)


@dataclass
class Tally:
    total: int = 0  # examples whose every document is JSON
    accepted: int = 0
    not_json: int = 0
    lenient: int = 0  # of total: read as Python literals, not JSON (model/lenient.py)


@dataclass
class SelfCheck:
    request: Tally
    response: Tally
    values: int = 0  # example values that contradict their field's mined meaning
    # real-time field ids no table or label names: they fall back to field_<id>
    unnamed: tuple[str, ...] = ()

    def unnamed_line(self) -> str | None:
        """The real-time field ids still without a name, for the maintainer to add to
        specs/realtime_fields.toml (None when every id has one)."""
        if not self.unnamed:
            return None
        shown = ", ".join(self.unnamed[:40]) + (", ..." if len(self.unnamed) > 40 else "")
        return (
            f"self-check: {len(self.unnamed)} real-time field id(s) without a name (field_<id>; "
            f"name them in realtime_fields.toml): {shown}"
        )

    @property
    def examples(self) -> int:
        """How many examples the sheets hold (JSON or not)."""
        r, s = self.request, self.response
        return r.total + r.not_json + s.total + s.not_json

    def summary(self) -> str:
        line = (
            f"self-check: request examples accepted {self.request.accepted}/"
            f"{self.request.total}, response examples {self.response.accepted}/"
            f"{self.response.total}"
        )
        notes = []
        if self.request.lenient or self.response.lenient:
            notes.append(
                f"read as Python literals, not JSON: {self.request.lenient} request, "
                f"{self.response.lenient} response"
            )
        if self.request.not_json or self.response.not_json:
            notes.append(
                f"not JSON, not checked: {self.request.not_json} request, "
                f"{self.response.not_json} response"
            )
        if notes:
            line += f" ({'; '.join(notes)})"
        if self.values:
            line += f"; {self.values} example values contradict their field's meaning"
        return line


def check_examples(spec: Spec, problems: Problems) -> SelfCheck:
    result = SelfCheck(Tally(), Tally())
    for api in spec.apis:
        _check_api(api, problems, result)
        result.values += check_values(api, problems)  # values contradicting their meaning
    result.unnamed = unnamed_realtime_ids(spec)
    return result


def unnamed_realtime_ids(spec: Spec) -> tuple[str, ...]:
    """The field ids of the pushed ``values`` that got the fallback name ``field_<id>``."""
    found = {
        f.id
        for t in realtime_spec(spec).types
        for f in t.fields
        if f.python_name.startswith("field_")
    }
    return tuple(sorted(found, key=lambda i: (len(i), i)))


def _check_api(api: Api, problems: Problems, result: SelfCheck) -> None:
    api = wire_api(api)  # a WebSocket API's fields as its frames carry them, as the schemas do
    pending = [
        ("request", api.request, api.request_example, result.request),
        ("response", api.response, api.response_example, result.response),
    ]
    if all(example is None for _, _, example, _ in pending):
        return
    schemas = api_schemas(api)
    for direction, message, example, tally in pending:
        if example is None:
            continue
        if not example.is_json:
            tally.not_json += 1
            continue
        tally.total += 1
        if example.lenient or any(p.lenient for p in example.parts):
            tally.lenient += 1
        shapes_of = schemas.request_shapes if direction == "request" else schemas.response_shapes
        shapes = _shapes(message, [name for name, _ in shapes_of])
        checker = _Checker(api, direction, schemas.schemas, problems)
        verdicts = [  # every document is checked and reported, also after a rejected one
            checker.document(example, part, value, shapes, line)
            for part, value, line in _docs(example)
        ]
        if all(verdicts):
            tally.accepted += 1


def _docs(example: Example) -> list[tuple[str | None, Any, int | None]]:
    """(part name, JSON, line) of every document; the line only for a part of several."""
    if example.valid:
        return [(None, example.value, None)]
    return [(p.name, p.value, p.line) for p in example.parts if p.valid]


def _shapes(message: Message, names: Sequence[str]) -> list[Shape]:
    variants = message.variants
    if len(variants) <= 1:
        fields = message.body + (variants[0].body if variants else ())
        return [(variants[0] if variants else None, fields, names[0])]
    return [(v, message.body + v.body, n) for v, n in zip(variants, names, strict=True)]


def _squeeze(text: str) -> str:
    return "".join(text.split()).lower()


@dataclass
class _Finding:
    message: str
    rejects: bool  # the client's model refuses the document (else a note on its keys)


class _Checker:
    def __init__(
        self,
        api: Api,
        direction: str,
        schemas: dict[str, JsonSchema],
        problems: Problems,
    ) -> None:
        self.api = api
        self.direction = direction
        self.schemas = schemas
        self.problems = problems

    def document(
        self,
        example: Example,
        part: str | None,
        value: Any,
        shapes: list[Shape],
        line: int | None = None,
    ) -> bool:
        """Validate one document; report what disagrees; True when the model accepts it."""
        chosen = [
            s for s in shapes if s[0] is not None and part and _squeeze(s[0].name) == _squeeze(part)
        ]
        candidates = chosen or shapes
        verdicts = [(self.findings(value, shape), shape) for shape in candidates]
        findings, shape = min(verdicts, key=lambda v: (sum(f.rejects for f in v[0]), len(v[0])))
        where = str(example.source)
        what = f"{self.direction} example"
        if line is not None:
            what += f" ({part + ', ' if part else ''}line {line})"
        if len(shapes) > 1 and shape[0] is not None and not chosen:
            what += f" [read as {shape[0].name!r}]"
        for finding in findings:
            self.problems.warning(where, self.api.id, f"{what}: {finding.message}")
        return not any(f.rejects for f in findings)

    def findings(self, value: Any, shape: Shape) -> list[_Finding]:
        _, fields, name = shape
        root: JsonSchema = {"$ref": DEFS + name, "$defs": self.schemas}
        out: list[_Finding] = []
        errors = sorted(
            Draft202012Validator(root).iter_errors(value),
            key=lambda e: ([str(p) for p in e.absolute_path], e.validator),
        )
        for error in errors:
            if error.validator == "additionalProperties":
                out.append(_Finding("", True))  # told below, by key
                continue
            out.append(_Finding(self.explain(error, fields), True))
        out += [_Finding(m, False) for m in self.keys(value, fields, top=True)]
        seen: set[str] = set()
        unique: list[_Finding] = []
        rejects = any(f.rejects for f in out)
        for f in out:
            if f.message and f.message not in seen:
                seen.add(f.message)
                unique.append(f)
        if rejects and not any(f.rejects for f in unique):
            # Only unknown keys made the strict model refuse: those notes are the reasons.
            unique = [_Finding(f.message, True) for f in unique]
        return unique

    # -- what an error means, in the sheet's terms

    def explain(self, error: ValidationError, fields: tuple[Field, ...]) -> str:
        path = list(error.absolute_path)
        field = _field_at(fields, path)
        shown = _path_text(path)
        kind = error.validator
        value = error.instance
        if kind == "required" or (kind == "minLength" and field is not None):
            missing = self._missing(error, fields, path)
            return missing
        if field is None:
            return f"{shown or 'body'}: {error.message}"
        at = _described_at(field) if kind in ("enum", "pattern") else _cell(field)
        if kind == "enum":
            if field.fixed_value is not None:
                return (
                    f"{shown} {value!r} is not the fixed value {field.fixed_value!r} "
                    f"(mined from {field.description!r} at {at})"
                )
            allowed = ", ".join(repr(e.value) for e in field.enum or ())
            return (
                f"{shown} {value!r} is not one of {allowed} "
                f"(enumeration mined from {field.description!r} at {at})"
            )
        if kind == "maxLength":
            return f"{shown} {value!r} is longer than its Length {field.max_length} (at {at})"
        if kind == "pattern":
            return (
                f"{shown} {value!r} does not match the format {field.format} "
                f"(mined from {field.description!r} at {at})"
            )
        if kind == "type":
            expected = {"string": "a string", "array": "a list", "object": "an object"}
            wanted = error.validator_value
            table = field.type or "String"
            if (
                self.api.transport is Transport.WEBSOCKET
                and isinstance(wanted, str)
                and wanted != _sheet_kind(table)
            ):  # a WebSocket frame's wire shape, which the table does not tell
                return (
                    f"{shown} is {_json_kind(value)}, but the frame carries "
                    f"{expected.get(wanted, wanted)} (the table says {table} at {at})"
                )
            return (
                f"{shown} is {_json_kind(value)}, but the table says {table} "
                f"({expected.get(str(wanted), str(wanted))}) at {at}"
            )
        return f"{shown}: {error.message} (at {at})"

    def _missing(self, error: ValidationError, fields: tuple[Field, ...], path: list[Any]) -> str:
        owner = _field_at(fields, path)
        level = fields if not path else (owner.children if owner else ())
        instance = error.instance
        if error.validator == "minLength":  # a condition: present but empty
            f = _field_at(fields, path)
            assert f is not None
            return _condition_text(f, _path_text(path), "is empty")
        required = error.validator_value if isinstance(error.validator_value, list) else []
        names = [n for n in required if isinstance(instance, dict) and n not in instance]
        texts = []
        prefix = _path_text(path)
        for name in names:
            f = next((x for x in level if x.name == name), None)
            shown = f"{prefix}.{name}" if prefix else name
            if f is None:
                texts.append(f"{shown} is missing")
            elif f.required_if is not None and not f.required:
                texts.append(_condition_text(f, shown, "is missing"))
            else:
                texts.append(f"{shown} is missing but Required is Y (at {_cell(f)})")
        return "; ".join(texts) or error.message

    # -- keys the example has and the table lacks

    def keys(self, value: Any, fields: tuple[Field, ...], top: bool, at: str = "") -> list[str]:
        out: list[str] = []
        if isinstance(value, list):
            for i, item in enumerate(value):
                out += self.keys(item, fields, top=False, at=f"{at}[{i}]")
            return out
        if not isinstance(value, dict):
            return out
        by_name = {f.name: f for f in fields}
        expected = {RETURN_CODE, RETURN_MSG} if top and self.direction == "response" else set()
        for key, item in value.items():
            f = by_name.get(key)
            shown = f"{at}.{key}" if at else key
            if f is None:
                if key in expected:
                    continue
                close = (
                    difflib.get_close_matches(key, list(by_name), n=1, cutoff=0.75)
                    or [
                        n
                        for n in by_name
                        if sorted(n) == sorted(key)  # letters swapped
                    ][:1]
                )
                hint = ""
                if close:
                    hint = f" (the table has {close[0]!r} at {_cell(by_name[close[0]])})"
                out.append(f"key {shown!r} is not in the table{hint}")
            elif f.kind is not Kind.STRING and f.children:
                out += self.keys(item, f.children, top=False, at=shown)
        return out


def _sheet_kind(sheet_type: str) -> str:
    """The JSON type a sheet's Type names: LIST / List<Map> a list, Object an object."""
    lowered = sheet_type.lower()
    return "array" if lowered.startswith("list") else "object" if lowered == "object" else "string"


def _condition_text(f: Field, shown: str, state: str) -> str:
    c = f.required_if
    if c is None:
        return f"{shown} {state}"
    values = " or ".join(repr(v) for v in c.when_values)
    return (
        f"{shown} {state}, but it is required when {c.when_field} is {values} "
        f"(condition mined from {c.text!r} at {_described_at(f)})"
    )


def _field_at(fields: tuple[Field, ...], path: Iterable[Any]) -> Field | None:
    """The field a JSON path leads to (list indices skipped)."""
    field: Field | None = None
    level = fields
    for step in path:
        if isinstance(step, int):
            continue
        field = next((f for f in level if f.name == step), None)
        if field is None:
            return None
        level = field.children
    return field


def _path_text(path: Sequence[Any]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def _cell(f: Field) -> str:
    """The field's row, by its Element cell."""
    return f.source.cell or str(f.source)


def _described_at(f: Field) -> str:
    """The cell a field's mined meaning (enumeration, format, fixed value, condition) was read
    from: its Description cell when the model records it (``Field.mining.source``), else the
    field's row by its Element cell."""
    source = getattr(getattr(f, "mining", None), "source", None)
    if isinstance(source, Source) and source.cell:
        return source.cell
    return _cell(f)
