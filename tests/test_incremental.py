"""What a one-cell edit reuses: the parts of a run that do not depend on the edited text.

Each reuse must leave the output what a run without any cache writes.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from kiwoom_codegen.emit.python_models import hide_descriptions, restore_docstrings


def _document() -> dict[str, Any]:
    return {
        "$defs": {
            "Req": {
                "type": "object",
                "description": "주문 요청",
                "properties": {
                    "stk_cd": {"type": "string", "description": "종목코드"},
                    "description": {"type": "string", "description": "a field named description"},
                    "ord_qty": {"type": "string", "enum": ["1", "2"], "description": "수량"},
                },
            }
        }
    }


def test_a_changed_description_leaves_the_generators_input_as_it_was() -> None:
    before, texts_before = hide_descriptions(_document())
    edited = _document()
    edited["$defs"]["Req"]["properties"]["stk_cd"]["description"] = "종목코드 (바뀐 설명)"
    after, texts_after = hide_descriptions(edited)
    assert after == before  # datamodel-code-generator's input, and so its cached result
    assert texts_after != texts_before
    assert "종목코드 (바뀐 설명)" in texts_after.values()


def test_any_other_change_changes_the_generators_input() -> None:
    before, _ = hide_descriptions(_document())
    edited = _document()
    edited["$defs"]["Req"]["properties"]["ord_qty"]["enum"] = ["1", "2", "3"]
    after, _ = hide_descriptions(edited)
    assert after != before


def test_a_text_holding_the_token_prefix_gets_a_prefix_it_cannot_hold() -> None:
    plain, texts = hide_descriptions(_document())
    prefix = next(iter(texts)).rsplit("D", 1)[0]
    for where in ("description", "enum"):
        crafted = _document()
        props = crafted["$defs"]["Req"]["properties"]
        if where == "description":
            props["stk_cd"]["description"] = f"종목코드 {prefix}D0"
        else:
            props["ord_qty"]["enum"] = ["1", f"{prefix}D1"]
        hidden, crafted_texts = hide_descriptions(copy.deepcopy(crafted))
        new_prefix = next(iter(crafted_texts)).rsplit("D", 1)[0]
        assert new_prefix != prefix
        assert new_prefix not in str(crafted)
        # every token is put back as its own text
        source = "\n".join(f'x = "{token}"' for token in crafted_texts)
        restored = restore_docstrings(source, crafted_texts)
        for text in crafted_texts.values():
            assert repr(text) in restored or f'"{text}"' in restored


@pytest.mark.parametrize("text", ['"""', "'''", "\\", "{x}", "a\nb", "KCG"])
def test_restored_texts_are_exact_for_any_text(text: str) -> None:
    document = _document()
    document["$defs"]["Req"]["properties"]["stk_cd"]["description"] = text
    _, texts = hide_descriptions(document)
    assert text in texts.values()
