# Copied verbatim from generator/runtime/_types.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""The "omitted" sentinel, and what is never sent.

``NOT_GIVEN`` marks an argument the caller left out. ``None`` means the same for a body field:
Kiwoom's fields are strings and JSON ``null`` is never sent, so a field set to ``None`` is left
out of the body exactly like one not given (a required field then fails validation, before
anything is sent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeVar, Union

__all__ = ["NOT_GIVEN", "NotGiven", "NotGivenOr", "strip_not_given"]

_T = TypeVar("_T")


class NotGiven:
    """Marks a keyword argument the caller did not pass; unset fields are left out of the body.

    ``NOT_GIVEN`` is the only instance. It is falsy, so ``if value:`` treats it like ``None``.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

NotGivenOr = Union[_T, NotGiven]  # noqa: UP007 (a generic alias for signatures)


def strip_not_given(d: Mapping[str, object]) -> dict[str, object]:
    """A copy of ``d`` without the entries whose value is ``NOT_GIVEN`` or ``None``."""
    return {k: v for k, v in d.items() if v is not NOT_GIVEN and v is not None}
