"""The JSON Schema shared by the Python client and OpenAPI: strict requests, lenient responses."""

from __future__ import annotations

from pathlib import Path

import jsonschema
from kiwoom_codegen.model.schema import spec_schemas

from tests.support.fixtures import api, f, read, write


def _request_schema(tmp_path: Path, *rows: tuple) -> tuple[dict, list[str]]:  # type: ignore[type-arg]
    loaded = read(write(tmp_path, api("ka90001", request=rows, response=rows)))
    schemas = spec_schemas(loaded.spec)["ka90001"]
    lines = [p.line() for p in loaded.problems]
    return {"$defs": schemas.schemas, **schemas.schemas[schemas.request]}, lines


def test_length_shorter_than_enum_or_format_is_warned_and_not_enforced(tmp_path: Path) -> None:
    schema, lines = _request_schema(
        tmp_path,
        f("dmst_stex_tp", "거래소", required="Y", length=2, description="KRX,NXT,SOR"),
        f("base_dt", "기준일자", required="Y", length=3, description="YYYYMMDD"),
        f("stk_cd", "종목코드", required="Y", length=6),
    )
    props = schema["properties"]
    assert "maxLength" not in props["dmst_stex_tp"]
    assert "maxLength" not in props["base_dt"]
    assert props["stk_cd"]["maxLength"] == 6  # a consistent length is still enforced
    assert any("dmst_stex_tp: Length 2 is shorter than the value 'KRX'" in line for line in lines)
    assert any("base_dt: Length 3 is shorter than the format YYYYMMDD" in line for line in lines)
    # Every documented value can now be sent.
    jsonschema.validate({"dmst_stex_tp": "KRX", "base_dt": "20241101", "stk_cd": "005930"}, schema)
    try:
        jsonschema.validate(
            {"dmst_stex_tp": "KRX", "base_dt": "20241101", "stk_cd": "0059301"}, schema
        )
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("stk_cd longer than 6 must be rejected")


def test_condition_becomes_if_then(tmp_path: Path) -> None:
    schema, _ = _request_schema(
        tmp_path,
        f("crd_deal_tp", "신용거래구분", required="Y", length=2, description="33:융자 , 99:융자합"),
        f("crd_loan_dt", "대출일", required="N", length=8, description="YYYYMMDD(융자일경우필수)"),
    )
    jsonschema.validate({"crd_deal_tp": "99"}, schema)
    jsonschema.validate({"crd_deal_tp": "33", "crd_loan_dt": "20241101"}, schema)
    for bad in ({"crd_deal_tp": "33"}, {"crd_deal_tp": "33", "crd_loan_dt": ""}):
        try:
            jsonschema.validate(bad, schema)
        except jsonschema.ValidationError:
            continue
        raise AssertionError(f"{bad} must be rejected")
