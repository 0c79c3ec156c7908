"""Sheets -> raw rows with locations. Nothing here interprets what the cells mean.

``read_inputs`` lives in :mod:`.workbook` (it imports openpyxl); it is loaded on first use, so
that :mod:`.paths` (which files would be read) stays cheap to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .workbook import read_inputs

__all__ = ["read_inputs"]


def __getattr__(name: str) -> Any:
    if name == "read_inputs":
        from .workbook import read_inputs

        return read_inputs
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
