"""Examples Kiwoom wrote as Python literals rather than JSON, read as what they mean.

The official workbook has response examples in single quotes (``{'trnm': 'REG', ...}``: every
real-time sheet), with trailing commas, or with ``#`` comments inside. They are not JSON, and
they were kept as text and left unchecked. Each is one Python literal, so it is read with
:func:`ast.literal_eval` (which evaluates nothing: literals only), and accepted only when it
means one JSON document:

- objects with string keys, arrays (Python lists), strings, finite numbers, ``True``,
  ``False``, ``None``: no tuples, sets, bytes or complex numbers;
- no implicitly joined strings. ``['a' 'b']`` is the list ``['ab']`` to Python, but in an
  example it is a missing comma, and the reader cannot tell what was meant.

Anything else (JSON's ``true``/``null`` mixed with single quotes, a missing comma between
entries, unbalanced brackets) stays text, as before. What is read this way is marked
``lenient`` in the model, and a warning names the cell.
"""

from __future__ import annotations

import ast
import io
import math
import tokenize
from typing import Any

_SKIPPED = {
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.COMMENT,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
}


def python_literal(text: str) -> tuple[Any, bool]:
    """(value, True) when ``text`` is one Python literal that means a JSON document; else
    (None, False)."""
    if not _strings_apart(text):
        return None, False
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None, False
    return (value, True) if _json_like(value) else (None, False)


def _strings_apart(text: str) -> bool:
    """Whether no string token directly follows another (Python would join them)."""
    previous = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(text.strip()).readline):
            if token.type in _SKIPPED:
                continue
            if token.type == tokenize.STRING and previous == tokenize.STRING:
                return False
            previous = token.type
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        return False
    return True


def _json_like(value: Any) -> bool:
    """Only what JSON has (iteratively: the value may nest deeply)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if node is None or isinstance(node, bool | str | int):
            continue
        if isinstance(node, float):
            if not math.isfinite(node):
                return False
            continue
        if isinstance(node, list):
            stack.extend(node)
            continue
        if isinstance(node, dict):
            if not all(isinstance(k, str) for k in node):
                return False
            stack.extend(node.values())
            continue
        return False  # tuple, set, bytes, complex, Ellipsis
    return True
