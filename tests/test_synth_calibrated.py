"""The calibrated synthetic workbook (benchmarks/synth_real.py) has the real edition's shape.

benchmarks/calibration.json holds numbers measured on Kiwoom's newest edition (kept outside
the repository) by benchmarks/calibrate.py. The calibrated workbook is measured here with the
same function and must land within the tolerances of ``calibrate.TOLERANCES`` (total field
rows within 5%, description-length median and p90 within 15%, the enumeration-size histogram,
empty Type within 5 points, list containers within 10%, ...); the old synthetic workbook
(benchmarks/synth.py) misses them, which shows the comparison can fail. And the generator
makes a package from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.regen.layout import save_workbook

from benchmarks.calibrate import TOLERANCES, calibrate, compare, total_variation
from benchmarks.synth import write_synthetic
from benchmarks.synth_real import CALIBRATION, calibrated_workbook, write_calibrated


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_calibrated(tmp_path_factory.mktemp("calibrated") / "kiwoom.xlsx")


def test_the_calibration_names_its_edition_and_holds_numbers_only(
    reference: dict[str, Any],
) -> None:
    edition = reference["edition"]
    assert edition["file"].endswith(".xlsx") and len(edition["sha256"]) == 64
    assert edition["apis"] == 337 and edition["saved"]

    def strings(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return [value] if isinstance(value, str) else []

    # No text of the workbook: the only strings are the edition's name, date and hash.
    assert sorted(strings(reference)) == sorted(
        [edition["file"], edition["saved"], edition["sha256"]]
    )


def test_deterministic_for_a_seed() -> None:
    a, b = calibrated_workbook(20), calibrated_workbook(20)
    assert a == b
    assert calibrated_workbook(20, seed=1) != a


def test_total_variation() -> None:
    assert total_variation({"2": 3, "3": 1}, {"2": 6, "3": 2}) == 0
    assert total_variation({"1": 5}, {"2": 5}) == 1
    assert total_variation({"1": 1, "2": 1}, {"1": 1}) == pytest.approx(0.5)


def test_compare_reports_each_figure_off(reference: dict[str, Any]) -> None:
    assert compare(reference, reference) == []
    nudged = json.loads(json.dumps(reference))
    nudged["body_field_rows"] = round(reference["body_field_rows"] * 1.06)
    nudged["body"]["type"]["share_empty"] = reference["body"]["type"]["share_empty"] - 0.06
    misses = compare(nudged, reference)
    assert [m.split(":")[0] for m in misses] == ["body_field_rows", "body.type.share_empty"]


@pytest.mark.slow
def test_calibrated_workbook_has_the_real_shape(full: Path, reference: dict[str, Any]) -> None:
    measured = calibrate(full)
    assert compare(measured, reference) == []
    # The figures the issue names, spelled out.
    assert abs(measured["body_field_rows"] / reference["body_field_rows"] - 1) <= 0.05
    for q in ("p50", "p90"):
        got = measured["body"]["description"]["chars"]["quantiles"][q]
        want = reference["body"]["description"]["chars"]["quantiles"][q]
        assert abs(got / want - 1) <= 0.15, q
    assert (
        abs(measured["body"]["type"]["share_empty"] - reference["body"]["type"]["share_empty"])
        <= 0.05
    )
    assert measured["variants"]["apis_with_variants"] >= 1
    assert measured["examples"]["response"]["multi_document"] >= 1


@pytest.mark.slow
def test_the_old_synthetic_workbook_misses_the_real_shape(
    tmp_path: Path, reference: dict[str, Any]
) -> None:
    """The comparison can fail: the uncalibrated workbook is off on most figures."""
    misses = compare(calibrate(write_synthetic(tmp_path / "old.xlsx")), reference)
    off = {m.split(":")[0] for m in misses}
    assert {
        "body_field_rows",
        "body.type.share_empty",
        "body.type.containers",
        "body.description.chars.quantiles.p50",
        "body.enumerations.sizes",
    } <= off
    assert len(off) >= len(TOLERANCES) // 2


@pytest.mark.slow
def test_generate_succeeds_on_the_calibrated_workbook(full: Path, tmp_path: Path) -> None:
    from kiwoom_codegen import generate

    outcome = generate([full], out=tmp_path / "out", use_config=False)
    assert outcome.status == "written", outcome
    package = tmp_path / "out" / "python" / "kiwoom_client"
    assert (package / "__init__.py").is_file()
    assert len(list((package / "models").glob("*.py"))) > 20


@pytest.mark.slow
def test_generate_succeeds_on_a_small_calibrated_workbook(tmp_path: Path) -> None:
    from kiwoom_codegen import generate

    path = save_workbook(calibrated_workbook(12), tmp_path / "small.xlsx")
    outcome = generate([path], out=tmp_path / "out", use_config=False)
    assert outcome.status == "written", outcome
