"""The indented JSON text of a large document, piece by piece, each piece cached by its data.

``json.dumps(indent=2)`` runs the pure-Python encoder (the C one only writes compact JSON): about
a second for the OpenAPI document at full scale, and a one-cell change in a workbook changes one
path item and a schema or two. As for the YAML (:mod:`kiwoom_codegen.emit.openapi_yaml`), the
document is written as one piece per entry of its large mappings (every path item, every
component schema), each piece looked up by a hash of its compact JSON (the C encoder's), and
joined exactly as the whole dump joins them: JSON strings hold no raw line break, so a piece
dumped alone and indented two spaces per level is the text the whole dump holds for it.
tests/test_speed.py compares the joined text with :func:`kiwoom_codegen.escape.json_text`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..cache import code_fingerprint, load_json_map, store_json_map
from ..escape import json_text

SPLIT_DEPTH = 3  # the document, its top-level values, and one level below (paths, schemas)
KIND = "json-pieces"


def dumps_json_in_pieces(document: Any, name: str) -> str:
    """``json_text(document, indent=2)``, from the cached pieces of the last document ``name``."""
    entry = (code_fingerprint(), name)
    known = load_json_map(KIND, entry)
    used: dict[str, str] = {}

    def leaf(value: Any) -> str:
        compact = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(compact.encode("utf-8", "surrogatepass")).hexdigest()
        text = known.get(digest)
        if text is None:
            text = json_text(value, indent=2)
        used[digest] = text
        return text

    def write(value: Any, depth: int) -> str:
        if (
            not isinstance(value, dict)
            or not value
            or depth >= SPLIT_DEPTH
            or not all(isinstance(k, str) for k in value)
        ):
            text = leaf(value)
            return text.replace("\n", "\n" + "  " * depth) if depth else text
        inner = "  " * (depth + 1)
        items = [
            f"{inner}{json_text(key, indent=None)}: {write(item, depth + 1)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"

    text = write(document, 0)
    if used != known:
        store_json_map(KIND, entry, used)
    return text
