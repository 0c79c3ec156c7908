"""The small things a new user hit (issue 20): each one checked the way the user met it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_build_specs_writes_a_byte_identical_workbook(tmp_path: Path) -> None:
    """specs/build_specs.py twice (a second apart, as a user reruns it): the same bytes, and the
    bytes committed in specs/, so git never shows the workbook as modified."""
    script = ROOT / "specs" / "build_specs.py"
    outs = []
    for n in range(2):
        out = tmp_path / f"{n}.xlsx"
        subprocess.run([sys.executable, str(script), str(out)], check=True, capture_output=True)
        outs.append(out.read_bytes())
        if n == 0:
            subprocess.run([sys.executable, "-c", "import time; time.sleep(1.1)"], check=True)
    assert outs[0] == outs[1]
    assert outs[0] == (ROOT / "specs" / "kiwoom_credit_orders.xlsx").read_bytes()


def test_every_client_parameter_is_documented() -> None:
    """help(KiwoomClient.__init__) names and explains every parameter."""
    import inspect

    from kiwoom_codegen.runtime._async_client import AsyncAPIClient
    from kiwoom_codegen.runtime._sync_client import SyncAPIClient

    for cls in (SyncAPIClient, AsyncAPIClient):
        doc = inspect.getdoc(cls.__init__) or ""
        params = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
        assert len(params) >= 12
        missing = [p for p in params if f"\n    {p}: " not in doc]
        assert not missing, (cls.__name__, missing)


@pytest.mark.slow
def test_the_subscription_type_is_public() -> None:
    code = (
        "import sys, kiwoom_client\n"
        "assert 'websockets' not in sys.modules  # still imported on first use only\n"
        "from kiwoom_client import Subscription, SyncSubscription\n"
        "assert Subscription.__name__ == 'Subscription'\n"
        "assert 'Subscription' in kiwoom_client.__all__\n"
    )
    env = {"PYTHONPATH": str(ROOT / "generated" / "python"), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_help_and_readme_synopses() -> None:
    from kiwoom_codegen.cli.main import build_parser

    assert "AsyncAPI" in build_parser().format_help()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "[--fail-on any|breaking|wire|none]" in readme
    regenerating = (ROOT / "docs" / "regenerating.md").read_text(encoding="utf-8")
    assert "set -o pipefail" in regenerating  # what `check | head -1` keeps, said where it is
