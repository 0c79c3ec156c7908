"""The sheets' own response examples, parsed by the generated client of a full-size workbook.

The official workbook is not on this machine: the synthetic 337-API workbook of
benchmarks/synth.py (official layout, no config) stands in for it. Every valid-JSON response
example of an HTTP API is validated by its response model and turned into typed values with
``.parsed()``. A value that cannot be read must be one the self-check reported as contradicting
its field's meaning (a contradiction in the docs), never an unexplained failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.model.load import load
from kiwoom_codegen.problems import Level

from benchmarks.synth import write_synthetic
from tests.support.client_helpers import Generated, generate, imported

pytestmark = pytest.mark.slow

_REPORTED = re.compile(r"example value (.+?) of '([^']+)' contradicts its meaning")


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Generated]]:
    book = write_synthetic(tmp_path_factory.mktemp("values_full") / "kiwoom.xlsx")
    python = generate([book], tmp_path_factory.mktemp("values_full_out"))
    with imported(python, tmp_path_factory.mktemp("values_full_import"), "full") as generated:
        yield book, generated


def test_every_response_example_parses_or_is_a_reported_contradiction(
    full: tuple[Path, Generated],
) -> None:
    book, gen = full
    loaded = load([book])
    reported: set[tuple[str, str, str]] = set()
    for p in loaded.problems:
        m = _REPORTED.search(p.message)
        if p.level is Level.WARNING and m:
            reported.add((p.api_id or "", m.group(2), m.group(1)))
    apis = {a.id: a for a in loaded.spec.apis}
    parsed = 0
    failed: set[tuple[str, str, str]] = set()
    for api_id, op in gen.OPERATIONS.items():
        example = op.response_example
        if op.transport != "http" or example is None:
            continue
        model = op.response_model.model_validate(example)
        target: Any = getattr(model, "root", model)  # a union of shapes holds the one chosen
        result = target.parsed(errors="keep")
        parsed += 1
        for name, value in _invalid(result):
            found = (api_id, _wire_name(apis[api_id], name), repr(value))
            assert found in reported, found  # an error the self-check did not explain
            failed.add(found)
        if not _invalid(result):
            target.parsed()  # raises nothing when nothing was kept
    with_json = [
        a
        for a in loaded.spec.apis
        if a.transport.value == "http" and a.response_example and a.response_example.valid
    ]
    assert parsed == len(with_json) >= 200  # every HTTP API whose example is JSON
    # and every contradiction the self-check reports is one .parsed() meets
    assert failed == {r for r in reported if r[0] in gen.OPERATIONS}


def _invalid(result: Any) -> list[tuple[str, str]]:
    """Every (attribute, wire string) kept as invalid, nested rows included."""
    out = list(result.invalid.items())
    for name, kind in result._COLUMNS.items():
        value = getattr(result, name)
        if kind == "rows":
            for row in value or ():
                out += _invalid(row)
        elif kind == "object" and hasattr(value, "invalid"):
            out += _invalid(value)
    return out


def _wire_name(api: Any, python_name: str) -> str:
    from kiwoom_codegen.model.numeric import string_fields

    for _, f in string_fields(api):
        if f.python_name == python_name:
            return str(f.name)
    return python_name
