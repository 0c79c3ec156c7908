"""The operations registry as data: one JSON array per API, not one call per API.

``_operations.py`` holds ``_COLUMNS`` (the keyword arguments of ``Operation``) and ``_ROWS``, a
tuple of string literals, each the compact JSON of one API's row. Black leaves such a table as it
is (a string cannot be split), so the module costs next to nothing to format, and importing it
decodes ~350 short JSON texts in one pass (the runtime's ``operations_from_json``). Every value
is data (ids, names, paths, flags, the sheets' JSON examples), so JSON holds it exactly; each row
is a ``repr``'d literal, so no spec text can break out of it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..model import Api, Spec
from .python_view import OperationView, example_value

# Operation's keyword arguments, in the order of the row; the view's name where it differs.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("api_id", "api_id"),
    ("name", "name"),
    ("path", "path"),
    ("transport", "transport"),
    ("group", "group"),
    ("method", "method"),
    ("is_order", "is_order"),
    ("models_module", "models_module"),
    ("request_model_name", "request_model"),
    ("response_model_name", "response_model"),
    ("http_method", "http_method"),
    ("request_example", "request_example"),
    ("response_example", "response_example"),
)


def _example(api: Api, which: str, literal: str) -> Any:
    """The example's JSON value where the view kept one (its literal is not "None")."""
    if literal == "None":
        return None
    return example_value(api, which)


def operation_rows(spec: Spec, operations: Sequence[OperationView]) -> list[str]:
    """One compact JSON array per operation, in the registry's order."""
    apis = {a.id: a for a in spec.apis}
    rows: list[str] = []
    for op in operations:
        values: list[Any] = []
        for _, attr in COLUMNS:
            value = getattr(op, attr)
            if attr in ("request_example", "response_example"):
                value = _example(apis[op.api_id], attr.split("_")[0], value)
            values.append(value)
        rows.append(json.dumps(values, ensure_ascii=False, separators=(",", ":")))
    return rows


def columns() -> tuple[str, ...]:
    return tuple(name for name, _ in COLUMNS)
