"""Exit codes the shell relies on: a --config that is not there, and a closed stdout pipe."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pipeline import ROOT, SEED, run, write_edition


@pytest.mark.slow
@pytest.mark.parametrize("command", ["parse", "generate", "check"])
@pytest.mark.parametrize("config", ["nope", "empty", "file"])
def test_a_config_that_is_not_there_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, config: str
) -> None:
    """Without the error, the names table would silently be dropped and every method renamed."""
    specs = write_edition(tmp_path / "specs", SEED)
    (tmp_path / "empty").mkdir()
    (tmp_path / "file").write_text("not a directory")
    out = tmp_path / "generated"
    argv = [command, str(specs), "--config", str(tmp_path / config)]
    if command != "parse":
        argv += ["--out", str(out)]
    code, stdout, err = run(argv, capsys)
    assert code == 2 and "Traceback" not in err
    expected = {
        "nope": "config directory does not exist",
        "empty": "config directory holds none of names.toml, overrides.toml, package.toml",
        "file": "config directory is not a directory",
    }[config]
    assert f"error: {tmp_path / config}: {expected}" in err
    assert stdout == "" and not out.exists()


def test_diff_with_a_missing_config_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = write_edition(tmp_path / "specs", SEED)
    code, _, err = run(["diff", str(specs), str(specs), "--config", str(tmp_path / "no")], capsys)
    assert code == 2 and "not a directory" in err


def closed_pipe_run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run kiwoom-codegen with stdout a pipe whose reading end is already closed, as in
    ``kiwoom-codegen check | head -1`` once head has gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kiwoom_codegen", *argv],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    finally:
        os.close(write_end)
    return subprocess.CompletedProcess(done.args, done.returncode, "", done.stderr)


@pytest.mark.slow
def test_check_keeps_its_exit_code_on_a_closed_pipe(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", out)
    path = out / "openapi.json"
    path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")  # stale
    done = closed_pipe_run(["check", "--out", str(out)])
    assert done.returncode == 1, done.stderr  # stale, even though nobody read the report
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    path.write_text(path.read_text(encoding="utf-8")[:-1], encoding="utf-8")
    assert closed_pipe_run(["check", "--out", str(out)]).returncode == 0


@pytest.mark.slow
def test_parse_on_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    done = closed_pipe_run(["parse", "specs", "--json"])
    assert done.returncode == 0
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
