"""Sheets -> raw rows with locations. Nothing here interprets what the cells mean."""

from .workbook import read_inputs

__all__ = ["read_inputs"]
