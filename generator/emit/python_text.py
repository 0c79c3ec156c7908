"""Spec text made safe for the places the Python client puts it.

Spec text (names, labels, descriptions, examples) is data: it reaches generated code only
through these helpers, or through ``repr()`` for string literals. None of them lets text end a
docstring, a comment, a code span or a fence early.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

# Characters that end a line for str.splitlines() or the tokenizer, and other controls.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def docstring_safe(text: str) -> str:
    """``text`` ready to sit between triple double quotes; the docstring's value is ``text``.

    Backslashes are escaped, and every third double quote in a row and a final double quote (so
    nothing can close the docstring early); control characters other than newline and tab become
    escapes; CRLF becomes LF.
    """
    text = text.replace("\r\n", "\n")
    out: list[str] = []
    quotes = 0  # unescaped double quotes just written
    for i, ch in enumerate(text):
        if ch == '"':
            if quotes == 2 or i == len(text) - 1:
                out.append('\\"')
                quotes = 0
            else:
                out.append(ch)
                quotes += 1
            continue
        quotes = 0
        if ch == "\\":
            out.append("\\\\")
        elif ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def one_line(text: str) -> str:
    """``text`` on one line, for comments and headers: newlines and controls shown as escapes."""
    out: list[str] = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def md_text(text: str) -> str:
    """Spec text for Markdown prose: one line; what could start markup or HTML is escaped.

    Text never starts a line here, so only inline markup matters: code spans, emphasis, links,
    HTML tags and entities, table pipes, strikethrough.
    """
    return re.sub(r"([\\`*_\[\]<>|~&])", r"\\\1", one_line(text))


def md_code(text: str) -> str:
    """An inline code span holding ``text`` exactly, whatever backticks it contains."""
    text = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def md_fence(body: str) -> str:
    """A code fence longer than any run of backticks in ``body``."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def plain_json(value: Any) -> bool:
    """True when ``repr(value)`` is a Python literal equal to the JSON value.

    That holds for parsed JSON except NaN and infinities (which ``json.loads`` accepts).
    """
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain_json(v) for v in value)
    return value is None or isinstance(value, bool | int | str)


def py_str(text: str) -> str:
    """A double-quoted Python string literal of ``text`` (for examples shown in docs)."""
    out: list[str] = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_str(text: str) -> str:
    """A TOML basic string of ``text``."""
    out: list[str] = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif unicodedata.category(ch) in _UNSAFE_CATEGORIES or ch == "\x7f":
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def html_comment(text: str) -> str:
    """One line of text that cannot end an HTML comment."""
    return one_line(text).replace("--", "-\u2010")
