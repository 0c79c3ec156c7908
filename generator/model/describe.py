"""Structure mined from description text, conservatively.

The descriptions are written for people. Each rule here accepts a line only when all of it fits
the pattern; anything else stays prose. What a rule misses, specs/overrides.toml adds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .core import EnumValue

# `0:보통`, `K:KRX`, `33:융자`, `1:1분`: a short ASCII code, a colon, a label.
_PAIR = re.compile(r"^\s*([A-Za-z0-9]{1,12})\s*[:：]\s*(\S(?:.*\S)?)\s*$")
# Labels that show the colon was not a code separator.
_NOT_LABEL = re.compile(r"^([\d:~.\-]+|//.*)$")
# `KRX`, `NXT`: a bare upper-case code.
_BARE = re.compile(r"^[A-Z0-9][A-Z0-9_]{0,11}$")
_FORMATS = ("YYYYMMDDHHMMSS", "YYYYMMDDHHMM", "YYYYMMDD", "YYYYMM", "HHMMSS", "HHMM")
_FORMAT = re.compile(r"(?<![A-Za-z])(" + "|".join(_FORMATS) + r")(?![A-Za-z])", re.IGNORECASE)
_FIXED = [
    re.compile(r"^([A-Za-z0-9_.\-]+)\s*(?:고정값|고정)\s*$"),
    re.compile(r"^고정값\s*[:：]?\s*([A-Za-z0-9_.\-]+)\s*$"),
    re.compile(r"^([A-Za-z0-9_.\-]+)\s+입력\s*$"),
]
_UNIT = re.compile(r"단위\s*[:：]\s*(\d+\s*[^\s,;()]+|[^\s,;()]+)")
# `(융자일경우필수)`: required when (the sibling field whose enum label is) 융자.
_CONDITION = re.compile(r"([가-힣A-Za-z0-9]+?)\s*일\s*경우\s*필수")

# Canonical spellings for formats; patterns used by schemas.
FORMAT_PATTERNS = {
    "YYYYMMDDhhmmss": r"^[0-9]{14}$",
    "YYYYMMDDhhmm": r"^[0-9]{12}$",
    "YYYYMMDD": r"^[0-9]{8}$",
    "YYYYMM": r"^[0-9]{6}$",
    "hhmmss": r"^[0-9]{6}$",
    "hhmm": r"^[0-9]{4}$",
}
_CANONICAL = {k.upper(): k for k in FORMAT_PATTERNS}


@dataclass(frozen=True, slots=True)
class Meaning:
    enum: tuple[EnumValue, ...] | None
    format: str | None
    fixed_value: str | None
    unit: str | None
    condition_term: str | None  # 융자 in `융자일경우필수`, resolved against sibling enums later


def _split_items(line: str) -> list[str]:
    return [p for p in (part.strip() for part in line.split(",")) if p]


def parse_enum_line(line: str) -> tuple[EnumValue, ...] | None:
    """An enumeration when the whole line is one: `code:label` pairs or bare codes, by commas."""
    items = _split_items(line)
    if not items:
        return None
    pairs = [_PAIR.match(item) for item in items]
    if all(pairs):
        values = tuple(EnumValue(m.group(1), m.group(2)) for m in pairs if m)
        if any(_NOT_LABEL.match(v.label or "") for v in values):
            return None  # `09:00` is a time, `https://...` an address
        return values if _unique(values) else None
    if len(items) >= 2 and all(_BARE.match(item) for item in items):
        if all(item.isdigit() for item in items):
            return None  # `10,000` is a number, not a choice
        values = tuple(EnumValue(item) for item in items)
        return values if _unique(values) else None
    return None


def _unique(values: tuple[EnumValue, ...]) -> bool:
    return len({v.value for v in values}) == len(values)


def parse_enum(description: str) -> tuple[EnumValue, ...] | None:
    """Enumeration values from every line that is wholly an enumeration (others are notes)."""
    found: list[EnumValue] = []
    for line in description.split("\n"):
        values = parse_enum_line(line)
        if values:
            found.extend(values)
    if not found:
        return None
    result = tuple(found)
    return result if _unique(result) else None


def parse_format(description: str) -> str | None:
    m = _FORMAT.search(description)
    if not m:
        return None
    return _CANONICAL[m.group(1).upper()]


def parse_fixed(description: str) -> str | None:
    for line in description.split("\n"):
        for pattern in _FIXED:
            m = pattern.match(line.strip())
            if m:
                return m.group(1)
    return None


def parse_unit(description: str) -> str | None:
    m = _UNIT.search(description)
    return m.group(1).strip() if m else None


def parse_condition_term(description: str) -> str | None:
    m = _CONDITION.search(description)
    return m.group(1) if m else None


@lru_cache(maxsize=8192)
def understand(description: str) -> Meaning:
    """Everything mined from one description (cached: descriptions repeat across sheets)."""
    fixed = parse_fixed(description)
    return Meaning(
        enum=None if fixed else parse_enum(description),
        format=parse_format(description),
        fixed_value=fixed,
        unit=parse_unit(description),
        condition_term=parse_condition_term(description),
    )
