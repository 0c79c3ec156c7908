"""The YAML text of the OpenAPI document, piece by piece, each piece cached by its exact data.

Dumping the whole document takes about a second at full scale, and a one-cell change in a
workbook changes one path item and a schema or two. The document is therefore dumped as one
piece per entry of its large mappings (every path item, every component schema), each cached by
its JSON text (one cache entry holds the pieces of the last document), and the pieces are joined
with the indentation the whole dump would have given them. This is exact because of how the
document is dumped (:func:`openapi.dumps_yaml`): block style, no anchors, a width no line
reaches, and every string with a line break double-quoted on one line, so a piece dumped alone
and indented by two spaces per level is the text the whole dump holds for it. Keys that YAML
would write as complex keys (``? ``: 128 characters or more) or that are not strings make the
mapping one piece. tests/test_speed.py compares the joined text with the whole dump.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from ..cache import code_fingerprint, load_json_map, store_json_map

Dump = Callable[[Any], str]
MAX_SIMPLE_KEY = 100  # PyYAML writes keys of 128 characters or more as complex keys
SPLIT_ALL_DEPTH = 2  # mappings this shallow are always split into their entries
SPLIT_LARGE_DEPTH = 3  # deeper ones (components.schemas) only when large
LARGE = 16


def _splittable(value: Any, depth: int) -> bool:
    if not isinstance(value, dict) or not value or depth >= SPLIT_LARGE_DEPTH:
        return False
    if depth >= SPLIT_ALL_DEPTH and len(value) < LARGE:
        return False
    return all(isinstance(k, str) and len(k) < MAX_SIMPLE_KEY for k in value)


def _indent(text: str, depth: int) -> str:
    if depth == 0:
        return text
    pad = "  " * depth
    return "".join(pad + line for line in text.splitlines(keepends=True))


def dumps_in_pieces(document: dict[str, Any], dump: Dump, dumper_name: str) -> str:
    """The same text as ``dump(document)``."""
    if not _splittable(document, 0):
        return dump(document)
    parts: list[str] = []
    # One cache entry holds the pieces of the last document: {sha256 of a piece's JSON: text}.
    entry = (code_fingerprint(), dumper_name)
    known = load_json_map("openapi-yaml", entry)
    used: dict[str, str] = {}

    def piece(key: str, value: Any) -> str:
        data = {key: value}
        digest = hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()
        text = known.get(digest)
        if text is None:
            text = dump(data)
        used[digest] = text
        return text

    def walk(mapping: dict[str, Any], depth: int) -> None:
        for key, value in mapping.items():
            if _splittable(value, depth + 1):
                head = dump({key: {}})  # the key as YAML writes it, then ": {}\n"
                if not head.endswith(": {}\n"):
                    parts.append(_indent(piece(key, value), depth))
                    continue
                parts.append(_indent(head[: -len(" {}\n")] + "\n", depth))
                walk(value, depth + 1)
            else:
                parts.append(_indent(piece(key, value), depth))

    walk(document, 0)
    if used != known:
        store_json_map("openapi-yaml", entry, used)
    return "".join(parts)
