"""The library API: kiwoom_codegen.generate and kiwoom_codegen.check return an Outcome; the CLI
is a thin layer that calls them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import kiwoom_codegen
import pytest
from kiwoom_codegen.cli import main

from tests.support.fixtures import api, f, write
from tests.support.pipeline import SPECS


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(path))
    return path


@pytest.mark.slow
def test_generate_then_check_then_a_stale_file(tmp_path: Path, cache_dir: Path) -> None:
    out = tmp_path / "generated"
    first = kiwoom_codegen.generate([SPECS], out=out)
    assert first.status == "written" and first.exit_code == 0
    assert first.read and first.rendered and first.apis == 4 and len(first.spec_hash) == 64
    assert (out / ".kiwoom-codegen.json").is_file() and len(first.written) == first.files
    again = kiwoom_codegen.generate([SPECS], out=out)
    assert again.status == "up to date" and not again.read  # answered from the cache
    assert again.files == first.files and again.spec_hash == first.spec_hash
    assert kiwoom_codegen.check([SPECS], out=out).status == "up to date"
    client = next(out.rglob("kiwoom_client/client.py"))
    client.write_text(client.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    stale = kiwoom_codegen.check([SPECS], out=out)
    assert stale.status == "stale" and stale.exit_code == 1
    assert stale.stale == ("python/kiwoom_client/client.py",)
    assert any(line.startswith("-# edited") for line in stale.excerpt)


def test_bad_specs_come_back_as_a_failed_outcome(tmp_path: Path, cache_dir: Path) -> None:
    bad = write(tmp_path, api("ka99999", request=[f("stk_cd", required="X")]))
    outcome = kiwoom_codegen.generate([bad], out=tmp_path / "out")
    assert outcome.status == "failed" and outcome.exit_code == 2
    assert any("Required must be Y or N" in p.message for p in outcome.problems)
    assert not (tmp_path / "out").exists()  # nothing written


@pytest.mark.slow
def test_cache_false_neither_reads_nor_writes_the_cache(tmp_path: Path, cache_dir: Path) -> None:
    outcome = kiwoom_codegen.check([SPECS], out=SPECS.parent / "generated", cache=False)
    assert outcome.status == "up to date" and outcome.rendered
    assert not cache_dir.exists()
    assert os.environ["KIWOOM_CODEGEN_CACHE"] == str(cache_dir)  # restored after the call


@pytest.mark.slow
def test_the_cli_calls_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[dict[str, object]] = []
    real = kiwoom_codegen.regen.pipeline.check  # type: ignore[attr-defined]

    def spy(inputs: list[Path], **kwargs: object) -> kiwoom_codegen.Outcome:
        seen.append({"inputs": inputs, **kwargs})
        return real(inputs, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("kiwoom_codegen.cli.generate_cmd.check", spy)
    out = tmp_path / "copy"
    shutil.copytree(SPECS.parent / "generated", out)
    assert main(["check", str(SPECS), "--out", str(out), "--no-cache"]) == 0
    assert seen and seen[0]["cache"] is False and seen[0]["out"] == str(out)
    assert "is up to date" in capsys.readouterr().out
