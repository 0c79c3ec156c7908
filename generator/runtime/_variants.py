"""Choosing the shape of a message that the spec sheet documents as alternatives (variants).

Some sheets split a message into alternative shapes under heading rows (ka10173: 조회 데이터 and
실시간 데이터) that repeat field names (``trnm``, ``data``). The generated model of such a message
is a ``RootModel`` over one model per shape; its ``before`` validator calls :func:`choose_shape`,
which validates the data with the shape whose fields match its keys best (nested lists and
objects included), and falls back to the next best shape when that one rejects the data.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

__all__ = ["choose_shape"]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The BaseModel classes an annotation names (``list[X] | None`` -> ``[X]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out += _models_in(arg)
    return out


def _score(model: type[BaseModel], data: Any) -> int:
    """Keys the model knows minus keys it does not, counted through nested models."""
    if isinstance(data, list):
        return sum(_score(model, item) for item in data)
    if not isinstance(data, dict):
        return 0
    by_key: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        by_key[info.alias or name] = info.annotation
    score = 0
    for key, value in data.items():
        annotation = by_key.get(key)
        if annotation is None:
            score -= 1
            continue
        score += 1
        nested = _models_in(annotation)
        if nested and isinstance(value, dict | list):
            score += max(_score(m, value) for m in nested)
    return score


def choose_shape(data: Any, shapes: Sequence[type[BaseModel]]) -> Any:
    """``data`` validated by the shape that fits it best, or ``data`` unchanged when none does.

    Unchanged data then meets the union, whose error lists what every shape objected to.
    """
    if isinstance(data, BaseModel) or not isinstance(data, dict):
        return data
    ranked = sorted(range(len(shapes)), key=lambda i: (-_score(shapes[i], data), i))
    for i in ranked:
        try:
            return shapes[i].model_validate(data)
        except ValidationError:
            continue
    return data
