"""The form of the generated models classes: what pydantic reads fastest at import, the same
models (fields, schema, validation) as datamodel-code-generator's ``Annotated`` form."""

from __future__ import annotations

import ast
import json
import sys
import textwrap
import types
from typing import Any

import pydantic
import pytest
from kiwoom_codegen.emit.python_models import field_defaults, postponed_annotations
from kiwoom_codegen.emit.python_render import import_block

IMPORTS = """\
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
"""

ANNOTATED = '''
class Item(BaseModel):
    """
    목록
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)
    code: Annotated[str | None, Field(description="종목\\n코드", title="코드")] = None


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)
    stk_cd: Annotated[str, Field(max_length=12, pattern="^[0-9]+$", title="종목코드")]
    trde_tp: Annotated[
        Literal[
            "0",
            "3",
        ]
        | None,
        Field(description="0:보통, 3:시장가", max_length=2, title="매매구분"),
    ] = None
    field_10: Annotated[str | None, Field(alias="10", title="현재가")] = None
    fixed: Literal["X"] = "X"
    items: Annotated[list[Item] | None, Field(title="목록")] = None
'''


def _classes(source: str, name: str) -> dict[str, Any]:
    """The module ``source`` (after IMPORTS) as ``name``, imported like a generated one."""
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        code = compile(source.replace("IMPORTS\n", IMPORTS), name, "exec", dont_inherit=True)
        exec(code, module.__dict__)  # noqa: S102
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == name:
                value.model_rebuild()  # resolve (today's form: strings) while the module exists
    finally:
        del sys.modules[name]
    return vars(module)


def test_plain_fields_are_the_same_models() -> None:
    plain = field_defaults(ANNOTATED)
    assert "stk_cd: str = Field(max_length=12" in plain  # required: no default
    assert 'code: str | None = Field(default=None, description="종목\\n코드"' in plain
    assert "trde_tp: (Literal[" in plain  # a type over several lines keeps its brackets
    assert 'field_10: Annotated[str | None, Field(alias="10"' in plain  # the __init__ name
    assert 'fixed: Literal["X"] = "X"' in plain
    # today's module: postponed annotations, Annotated; the new one: neither
    before = _classes("from __future__ import annotations\nIMPORTS\n" + ANNOTATED, "m_before")
    after = _classes("IMPORTS\n" + plain, "m_after")
    for name in ("Item", "Request"):
        old: type[pydantic.BaseModel] = before[name]
        new: type[pydantic.BaseModel] = after[name]
        assert repr(new.model_fields) == repr(old.model_fields)
        assert json.dumps(new.model_json_schema()) == json.dumps(old.model_json_schema())
    request = after["Request"].model_validate({"stk_cd": "005930", "10": "1"})
    assert request.model_dump(by_alias=True, exclude_unset=True) == {"stk_cd": "005930", "10": "1"}
    with pytest.raises(pydantic.ValidationError):
        after["Request"].model_validate({"trde_tp": "0"})


def test_annotations_evaluated_at_class_creation_when_every_name_is_bound() -> None:
    body = field_defaults(ANNOTATED)
    names = {"Annotated", "Literal", "BaseModel", "ConfigDict", "Field"}
    assert not postponed_annotations(ast.parse(body), names)
    # a class used before it is defined, a name not imported: postponed, as before
    later = body.replace("class Item(BaseModel)", "class Later(BaseModel)")
    assert postponed_annotations(ast.parse(later), names)
    assert postponed_annotations(ast.parse(body), names - {"Literal"})


def test_a_field_shadowing_a_name_its_class_uses_later_postpones_annotations() -> None:
    source = textwrap.dedent(
        """
        class A(BaseModel):
            Literal_: str | None = Field(default=None, alias="Literal")
            Item: str | None = None
            x: Item | None = None
        """
    )
    assert postponed_annotations(ast.parse(source), {"BaseModel", "Field", "Item"})


def test_the_future_import_has_a_section_of_its_own() -> None:
    block = import_block({"typing": ["Literal"], "__future__": ["annotations"], "pydantic": ["X"]})
    assert block.startswith("from __future__ import annotations\n\nfrom typing import Literal\n")
