"""Examples written as Python literals (single quotes, trailing commas, comments) are read as
what they mean, checked against the models, and marked; anything else stays text.

The official workbook writes every real-time response example this way
(``#요청`` / ``#실시간 수신`` parts in single quotes), and some HTTP ones with trailing commas.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kiwoom_codegen.model.lenient import python_literal
from kiwoom_codegen.regen.pipeline import generate

from tests.support.fixtures import api, f, messages, read, write

REALTIME_STYLE = """#요청
{
    'trnm': 'REG',
    'return_code': 0,
    'return_msg': ''
}

#실시간 수신
{
    'trnm': 'REAL',
    'data': [
        {'type': '0B', 'name': '주식체결', 'item': '005930', 'values': {'10': '+60700'}},
    ],
}"""

HTTP_STYLE = """{
    'cur_prc': '+60700',   # 현재가
    'return_code': 0,
    'return_msg': '정상적으로 처리되었습니다',
}"""


def test_python_literals_that_mean_json_are_read() -> None:
    assert python_literal(HTTP_STYLE) == (
        {"cur_prc": "+60700", "return_code": 0, "return_msg": "정상적으로 처리되었습니다"},
        True,
    )
    assert python_literal("[1, 2.5, True, None, {'a': []},]") == (
        [1, 2.5, True, None, {"a": []}],
        True,
    )


@pytest.mark.parametrize(
    "text",
    [
        "['a' 'b']",  # a missing comma: Python would join the strings
        "{'a': 'x'\n 'b': 'y'}",
        "('a', 'b')",
        "{'a'}",
        "b'a'",
        "1j",
        "{1: 'a'}",
        "1e400",  # infinity
        "{'a': null}",  # JSON's null among single quotes
        "f'{x}'",
        "__import__('os').system('echo no')",  # never evaluated: not a literal
        "{'a': 1",  # unbalanced
        "",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    assert python_literal(text) == (None, False)


def test_an_http_example_in_single_quotes_is_read_checked_and_marked(tmp_path: Path) -> None:
    sheet = api(
        "ka1",
        request=[f("stk_cd", required="Y")],
        response=[f("cur_prc", "현재가")],
        request_example='{"stk_cd": "005930"}',
        response_example=HTTP_STYLE,
    )
    loaded = read(write(tmp_path, sheet))
    a = loaded.spec.api("ka1")
    example = a.response_example
    assert example is not None and example.valid and example.lenient
    assert example.value["cur_prc"] == "+60700" and example.text == HTTP_STYLE
    assert a.to_json()["examples"]["response"]["lenient"] is True
    assert "lenient" not in a.to_json()["examples"]["request"]  # JSON: the key is left out
    [line] = [m for m in messages(loaded) if "Example" in m]
    assert "(ka1): Response Example is not valid JSON (" in line
    assert line.endswith("read as a Python literal (single quotes, trailing commas, comments) "
                         "and checked as that")  # fmt: skip
    kinds = {p.kind for p in loaded.problems if "Response Example" in p.message}
    assert kinds == {"example-python-literal"}
    assert loaded.self_check is not None
    assert loaded.self_check.response.lenient == 1
    assert loaded.self_check.response.accepted == 1
    assert "(read as Python literals, not JSON: 0 request, 1 response)" in (
        loaded.self_check.summary()
    )


def test_a_lenient_example_that_breaks_the_model_is_reported(tmp_path: Path) -> None:
    sheet = api(
        "ka1",
        # a list of objects, but the example has a string
        response=[f("cur_prc", "현재가", type="LIST"), f("- sub", "하위")],
        response_example=HTTP_STYLE,
    )
    loaded = read(write(tmp_path, sheet))
    assert loaded.self_check is not None
    assert loaded.self_check.response.accepted == 0
    assert any(
        "response example: cur_prc is a string, but the table says LIST" in m
        for m in messages(loaded)
    )


def test_realtime_parts_in_single_quotes_are_read(tmp_path: Path) -> None:
    from tests.support.fixtures import condition_realtime_sheet

    sheet = condition_realtime_sheet(request_example=None, response_example=REALTIME_STYLE)
    loaded = read(write(tmp_path, sheet))
    example = loaded.spec.api("ka10173").response_example
    assert example is not None and not example.valid  # several documents
    assert [(p.name, p.valid, p.lenient) for p in example.parts] == [
        ("요청", True, True),
        ("실시간 수신", True, True),
    ]
    assert example.parts[1].value["data"][0]["values"] == {"10": "+60700"}
    assert example.is_json
    warned = [m for m in messages(loaded) if "read as a Python literal" in m]
    assert len(warned) == 2 and "part '실시간 수신' (line 9)" in warned[1]


def test_the_openapi_document_carries_the_example_as_json(tmp_path: Path) -> None:
    sheet = api("ka1", response=[f("cur_prc", "현재가")], response_example=HTTP_STYLE)
    specs = write(tmp_path / "specs", sheet)
    outcome = generate([specs], out=tmp_path / "out", use_config=False, cache=False)
    assert outcome.exit_code == 0, outcome
    document = json.loads((tmp_path / "out" / "openapi.json").read_text(encoding="utf-8"))
    [operation] = [op for path in document["paths"].values() for op in path.values()]
    [media] = operation["responses"]["200"]["content"].values()
    assert media["examples"]["sheet"]["value"]["cur_prc"] == "+60700"


@pytest.mark.parametrize(
    "example",
    [
        "{'a': '1', 'b': __import__('os')}",
        "['a' 'b']",
        "{'a': " + "[" * 40 + "]" * 40 + "}",  # deeper than the examples' limit
        "{'a': '\\ud800'}",  # a lone surrogate
    ],
)
def test_what_is_not_read_stays_text(tmp_path: Path, example: str) -> None:
    loaded = read(write(tmp_path, api("ka1", request=[f("a")], request_example=example)))
    e = loaded.spec.api("ka1").request_example
    assert e is not None and not e.valid and not e.lenient and e.value is None
    assert e.text == example
    assert any(m.endswith("kept as text") for m in messages(loaded))
