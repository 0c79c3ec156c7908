"""The model JSON of specs/ is committed (tests/golden/model.json) and must not drift unseen.

On a mismatch the test prints the unified diff and the command that updates the golden:
``python -m tests.update_goldens model``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.update_goldens import ROOT, stale


def test_model_json_matches_the_golden() -> None:
    report = stale("model")
    if report:
        pytest.fail(report, pytrace=False)


def parse_specs(hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    result = subprocess.run(
        [sys.executable, "-m", "kiwoom_codegen", "parse", "specs/", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return result.stdout


@pytest.mark.slow
def test_model_json_is_deterministic() -> None:
    first, second = parse_specs("0"), parse_specs("4242")
    assert first == second
    assert first.startswith(b'{\n  "apis": [')
