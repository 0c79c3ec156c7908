"""Cell values to text, and A1 coordinates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from openpyxl.utils import get_column_letter

_LETTERS = [get_column_letter(i) for i in range(1, 65)]
_SURROGATE = re.compile("[\ud800-\udfff]")


def coord(row: int, col: int) -> str:
    """A1 coordinate from 1-based row and 0-based column index."""
    letter: str = _LETTERS[col] if col < len(_LETTERS) else get_column_letter(col + 1)
    return f"{letter}{row}"


def text(value: Any) -> str:
    """A cell's text: stripped, line ends normalised, trailing spaces of each line removed.

    Numbers stored as numbers come out as they would be typed (12, not 12.0). A lone
    surrogate (an ``_xD800_`` escape in the file) becomes U+FFFD: no output format can hold it.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        s: str = value
        if _SURROGATE.search(s):
            s = _SURROGATE.sub("\ufffd", s)
        if "\r" in s:
            s = s.replace("\r\n", "\n").replace("\r", "\n")
        if "\n" in s:
            s = "\n".join(line.rstrip() for line in s.split("\n"))
        return s.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def key(value: str) -> str:
    """A label compared loosely: no spaces, lower case (`Content-Type`, `API 명` -> `api명`)."""
    return "".join(value.split()).lower()
