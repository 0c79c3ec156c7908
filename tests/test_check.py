"""check: render in memory, compare with the output directory, report stale/missing/extra files.

Written against the manifest and whatever files it lists, so the tests hold with any set of
built emitters (and with none).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kiwoom_codegen.regen.writer import MANIFEST_NAME, compare_tree

from tests.support.pipeline import (
    NESTED,
    SEED,
    edit_description,
    manifest,
    per_api_emitter,
    run,
    write_edition,
)


@pytest.fixture
def generated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    specs = write_edition(tmp_path / "specs", [*SEED, NESTED])
    out = tmp_path / "generated"
    assert run(["generate", str(specs), "--out", str(out)], capsys)[0] == 0
    return specs, out


@pytest.mark.slow
def test_check_passes_right_after_generate(
    generated: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    specs, out = generated
    code, stdout, _ = run(["check", str(specs), "--out", str(out)], capsys)
    assert code == 0 and "up to date" in stdout
    (out / "NOTES.md").write_text("my notes\n")  # not owned: ignored
    assert run(["check", str(specs), "--out", str(out)], capsys)[0] == 0


@pytest.mark.slow
def test_check_fails_after_a_spec_cell_is_edited(
    generated: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    specs, out = generated
    before = manifest(out)
    edit_description(specs / "spec.xlsx", "kt10006", "stk_cd", "거래소별 종목코드 (KRX:039490)")
    code, stdout, _ = run(["check", str(specs), "--out", str(out)], capsys)
    assert code == 1
    assert f"stale:   {out}/{MANIFEST_NAME}" in stdout
    assert "kiwoom-codegen generate" in stdout  # the command that fixes it
    assert "--- " in stdout and "+++ " in stdout  # a unified-diff excerpt
    diff_lines = stdout.splitlines()[
        stdout.splitlines().index(next(x for x in stdout.splitlines() if x.startswith("--- "))) :
    ]
    assert len(diff_lines) <= 41
    # Every owned file whose bytes now differ is named as stale.
    shutil.copytree(out, out.parent / "copy")
    assert run(["generate", str(specs), "--out", str(out.parent / "copy")], capsys)[0] == 0
    after = manifest(out.parent / "copy")
    assert after["spec_hash"] != before["spec_hash"]
    for path, digest in after["files"].items():
        if before["files"].get(path) != digest:
            assert f"stale:   {out}/{path}" in stdout
    # generate makes check pass again.
    assert run(["generate", str(specs), "--out", str(out)], capsys)[0] == 0
    assert run(["check", str(specs), "--out", str(out)], capsys)[0] == 0


def test_check_reports_missing_and_extra_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("kiwoom_codegen.emit.emitters", lambda: [("per_api", per_api_emitter)])
    full = write_edition(tmp_path / "full", SEED)
    out = tmp_path / "generated"
    assert run(["generate", str(full), "--out", str(out)], capsys)[0] == 0
    (out / "python/pkg/credit_orders/buy.py").unlink()
    smaller = write_edition(tmp_path / "smaller", [s for s in SEED if s.api_id != "kt10009"])
    code, stdout, _ = run(["check", str(smaller), "--out", str(out)], capsys)
    assert code == 1
    assert f"missing: {out}/python/pkg/credit_orders/buy.py" in stdout
    assert f"extra:   {out}/python/pkg/credit_orders/cancel.py" in stdout
    stale, missing, extra = compare_tree(out, {"python/pkg/__init__.py": b"# generated\n"})
    assert (stale, missing) == ([], [])
    assert "python/pkg/credit_orders/cancel.py" in extra


@pytest.mark.slow
def test_check_on_a_missing_output_and_bad_specs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = write_edition(tmp_path / "specs", SEED)
    code, stdout, _ = run(["check", str(specs), "--out", str(tmp_path / "nothing")], capsys)
    assert code == 1 and f"missing: {tmp_path / 'nothing'}/{MANIFEST_NAME}" in stdout
    (specs / "spec.xlsx").write_bytes(b"not a workbook")
    code, _, err = run(["check", str(specs), "--out", str(tmp_path / "nothing")], capsys)
    assert code == 2 and "not an .xlsx workbook" in err and "Traceback" not in err
