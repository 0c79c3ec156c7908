"""The OpenAPI document says what Kiwoom's wire does (docs/wire.md), as the Python runtime acts.

Other-language teams classify errors from the document alone: the generic ``return_code``, the
effective code embedded in ``return_msg`` as ``[NNNN:``, the codes that prove a request was not
processed, and each operation's pacing facts (``x-kiwoom-pacing``).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.emit import http_wire

from tests.support.openapi_support import document, shipped_spec

RUNTIME = Path(__file__).resolve().parents[1] / "generator" / "runtime"


def runtime_module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"_wire_check_{name}", RUNTIME / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document(shipped_spec())


def test_the_envelope_is_described(doc: dict[str, Any]) -> None:
    info = doc["info"]["description"]
    assert "[NNNN:...]" in info and "generic" in info and "x-kiwoom-not-processed-codes" in info
    assert "Check `return_code`: 0 means success" not in str(doc)
    error = doc["components"]["schemas"]["KiwoomError"]
    assert (
        "[NNNN:" in error["description"]
        and "[NNNN:" in error["properties"]["return_msg"]["description"]
    )
    assert "429" in doc["components"]["responses"]["HttpError"]["description"]
    for item in doc["paths"].values():
        for op in item.values():
            assert "`[NNNN:`" in op["responses"]["200"]["description"]


def test_not_processed_codes_are_the_runtimes(doc: dict[str, Any]) -> None:
    listed = {entry["code"] for entry in doc["x-kiwoom-not-processed-codes"]}
    errors = runtime_module("_errors")
    assert listed == set(errors.NOT_PROCESSED_CODES) == set(http_wire.NOT_PROCESSED)
    assert all(entry["reason"] for entry in doc["x-kiwoom-not-processed-codes"])
    # the document's regex finds the code of Kiwoom's own message, as the runtime does
    message = (
        "허용된 요청 개수를 초과하였습니다[1700:허용된 API 요청 개수를 초과하였습니다. 유량=1]"
    )
    assert re.search(r"\[(\d{3,5}):", message).group(1) == "1700"  # type: ignore[union-attr]
    assert errors.effective_code(5, message) == 1700


def test_every_operation_has_its_pacing(doc: dict[str, Any]) -> None:
    limiter = runtime_module("_ratelimit")
    seen = 0
    for item in doc["paths"].values():
        for op in item.values():
            api_id = op["x-kiwoom-api-id"]
            if api_id in ("au10001", "au10002"):
                assert "x-kiwoom-pacing" not in op  # token calls are not paced
                continue
            pacing = op["x-kiwoom-pacing"]
            seen += 1
            assert pacing["class"] == ("order" if op["x-kiwoom-order"] else "query")
            assert pacing["class-calls-per-second"] == (
                limiter.DEFAULT_ORDERS_PER_SECOND
                if op["x-kiwoom-order"]
                else limiter.DEFAULT_QUERIES_PER_SECOND
            )
            assert pacing["refusal-codes"] == [1700, 1701, 1702]
            assert "유량" in pacing["allowance-source"]
    assert seen >= 4
    assert http_wire.OBSERVED_ALLOWANCES == limiter.OBSERVED_ALLOWANCES
