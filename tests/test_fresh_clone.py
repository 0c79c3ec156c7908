"""The tests need nothing outside the repository: a copy of the tracked files, with nothing
beside it (no ``shared/`` folder), passes the tests that compare specs/ with the seeds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_seed_tests_pass_in_a_lone_copy_of_the_repository(tmp_path: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode("utf-8")
    clone = tmp_path / "alone" / "kiwoom-codegen"
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (clone / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / rel)
    assert sorted(p.name for p in (tmp_path / "alone").iterdir()) == ["kiwoom-codegen"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_specs_match_seeds.py"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert " passed" in done.stdout and "error" not in done.stdout.lower()
    # Nothing in tests/ reaches beside the checkout.
    for path in (ROOT / "tests").rglob("*.py"):
        if path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""["']shared["']|\.\./shared|/shared/""", text), path
