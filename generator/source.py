"""Where a thing was read: the floor every stage shares (reader, model, problems)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """Where a thing was read: file, sheet and cell (``A1`` style), for messages and review."""

    file: str
    sheet: str
    cell: str = ""

    def __str__(self) -> str:
        parts = [self.file, f"'{self.sheet}'"] if self.sheet else [self.file]
        if self.cell:
            parts.append(self.cell)
        return " › ".join(parts)
