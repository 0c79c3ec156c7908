"""The fake server answers data for every API (docs/wire.md): the sheet's response example,
repaired where it is near-JSON, else a body made from the response table's model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiwoom_codegen.emit.python_view import example_value

from tests.support.fixtures import api as sheet
from tests.support.fixtures import f, parse_one

RESPONSE = (f("stk_dt_pole_chart_qry", "일봉차트", "LIST", length=None), f("- dt", "일자"))


def response_example(tmp_path: Path, text: str) -> Any:
    got, _ = parse_one(tmp_path, sheet("ka10081", response=RESPONSE, response_example=text))
    return example_value(got, "response")


def test_near_json_examples_are_repaired(tmp_path: Path) -> None:
    text = """{
    "stk_dt_pole_chart_qry": [
        {"dt": "20241107"},
        {"dt": "20241106"},
    ],
    # the rest as above
    "return_code": 0,
    "return_msg": "정상적으로 처리되었습니다",
}"""
    assert response_example(tmp_path, text) == {
        "stk_dt_pole_chart_qry": [{"dt": "20241107"}, {"dt": "20241106"}],
        "return_code": 0,
        "return_msg": "정상적으로 처리되었습니다",
    }


def test_cut_off_examples_are_left_to_the_model(tmp_path: Path) -> None:
    assert response_example(tmp_path, '{"stk_dt_pole_chart_qry": [{"dt": "2024') is None
