"""The generated package installs from a wheel into a fresh virtual environment and works there.

The wheel is built from the generated ``python/`` directory with pypa/build. The generated
``pyproject.toml`` asks for hatchling, which the development environment need not have, so the
build runs isolated (pypa/build fetches hatchling from the package index). The venv is
created without ``--system-site-packages``: ``httpx`` and ``pydantic`` come from the package
index through the wheel's own dependency metadata, and nothing of the development environment
(``kiwoom_codegen``, ``pytest``) is importable there.
"""

from __future__ import annotations

import json
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.support.client_helpers import PACKAGE, SPECS, clean_env, generate, mypy_strict, run

USAGE = """
import json
import sys

import kiwoom_client
from kiwoom_client import KiwoomClient
from kiwoom_client.testing import FakeKiwoomServer

with FakeKiwoomServer(appkey="k-install", secretkey="s-install") as server:
    server.set_response("kt10006", {"ord_no": "0000024", "dmst_stex_tp": "KRX"})
    with KiwoomClient(
        appkey="k-install", secretkey="s-install", env="mock", base_url=server.url
    ) as client:
        resp = client.credit_orders.buy(
            dmst_stex_tp="KRX", stk_cd="005930", ord_qty="1", trde_tp="3"
        )
    print(json.dumps({
        "file": kiwoom_client.__file__,
        "version": kiwoom_client.__version__,
        "prefix": sys.prefix,
        "ord_no": resp.data.ord_no,
        "data_type": type(resp.data).__name__,
        "requests": [
            {"method": r.method, "path": r.path, "headers": r.headers, "json": r.json}
            for r in server.requests
        ],
    }))
"""

TYPED_OK = """
from kiwoom_client import KiwoomClient

client = KiwoomClient(appkey="k", secretkey="s", env="mock")
resp = client.credit_orders.buy(
    dmst_stex_tp="KRX", stk_cd="005930", ord_qty="1", trde_tp="3"
)
ord_no: str | None = resp.data.ord_no
"""

TYPED_BAD = """
from kiwoom_client import KiwoomClient

client = KiwoomClient(appkey="k", secretkey="s", env="mock")
resp = client.credit_orders.buy(dmst_stex_tp="KRX", stk_cd="005930", ord_qty="1", trde_tp="99")
wrong: int = resp.data.ord_no
client.credit_orders.buy(dmst_stex_tp="KRX", stk_cd="005930", ord_qty="1", trde_tp="3", foo="x")
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(venv python, wheel, generated python/ directory): the generated package built and
    installed into a fresh venv."""
    root = tmp_path_factory.mktemp("install")
    python_dir = generate([SPECS], root / "generated")
    dist = root / "dist"
    run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, python_dir], env=clean_env())
    (wheel,) = dist.glob("*.whl")
    env_dir = root / "venv"
    run([sys.executable, "-m", "venv", env_dir])
    python = env_dir / "bin" / "python"
    run(
        [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", wheel],
        env=clean_env(),
        timeout=600,
    )
    return python, wheel, python_dir


@pytest.mark.slow
def test_wheel_declares_its_dependencies(venv: tuple[Path, Path, Path]) -> None:
    """What lets pip resolve httpx and pydantic into the fresh venv (the wheel's file list is
    checked by tests/test_python_client_golden.py)."""
    _, wheel, _ = venv
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata = next(zf.read(n) for n in names if n.endswith(".dist-info/METADATA"))
    assert f"{PACKAGE}/py.typed" in names
    text = metadata.decode("utf-8")
    assert "Name: kiwoom-client" in text and "Requires-Python: >=3.11" in text
    assert "Requires-Dist: httpx" in text and "Requires-Dist: pydantic" in text
    assert "License-Expression: MIT" in text and "License: " not in text


@pytest.mark.slow
def test_installed_package_places_a_mock_credit_buy(
    venv: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    python, _, _ = venv
    isolated = run(
        [
            python,
            "-c",
            "import importlib.util as u; "
            "print(u.find_spec('kiwoom_codegen'), u.find_spec('pytest'))",
        ],
        cwd=tmp_path,
        env=clean_env(),
    )
    assert isolated.stdout.split() == ["None", "None"]  # a fresh venv, not the dev environment
    proc = run([python, "-c", USAGE], cwd=tmp_path, env=clean_env())
    out = json.loads(proc.stdout)
    env_dir = python.parent.parent
    assert Path(out["file"]).is_relative_to(env_dir) and "site-packages" in out["file"]
    assert Path(out["prefix"]) == env_dir
    assert out["version"] == "0.1.0"
    assert out["ord_no"] == "0000024" and out["data_type"] == "CreditOrdersBuyResponse"
    issue, order = out["requests"]
    assert (issue["method"], issue["path"]) == ("POST", "/oauth2/token")
    assert issue["json"] == {
        "grant_type": "client_credentials",
        "appkey": "k-install",
        "secretkey": "s-install",
    }
    assert (order["method"], order["path"]) == ("POST", "/api/dostk/crdordr")
    assert order["headers"]["api-id"] == "kt10006"
    assert order["headers"]["content-type"] == "application/json;charset=UTF-8"
    assert order["headers"]["authorization"].startswith("Bearer ")
    assert order["json"] == {
        "dmst_stex_tp": "KRX",
        "stk_cd": "005930",
        "ord_qty": "1",
        "trde_tp": "3",
    }


@pytest.mark.slow
def test_installed_package_is_typed_for_its_users(
    venv: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """mypy --strict sees the installed wheel's types (PEP 561, py.typed) from user code."""
    python, _, _ = venv
    (tmp_path / "ok.py").write_text(textwrap.dedent(TYPED_OK), encoding="utf-8")
    (tmp_path / "bad.py").write_text(textwrap.dedent(TYPED_BAD), encoding="utf-8")
    cache = tmp_path / ".mypy_cache"
    ok = mypy_strict("ok.py", tmp_path, cache, "--python-executable", str(python))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = mypy_strict("bad.py", tmp_path, cache, "--python-executable", str(python))
    assert bad.returncode == 1, bad.stdout + bad.stderr
    lines = [line for line in bad.stdout.splitlines() if ": error:" in line]
    assert any(
        line.startswith("bad.py:5:") and "trde_tp" in line and "'99'" in line for line in lines
    ), lines
    assert any(line.startswith("bad.py:6:") and '"str | None"' in line for line in lines), lines
    assert any(line.startswith("bad.py:7:") and '"foo"' in line for line in lines), lines


DOCS = """
import importlib.resources
import json

import kiwoom_client

files = importlib.resources.files("kiwoom_client")
print(json.dumps({
    "doc": kiwoom_client.__doc__,
    "api.md": files.joinpath("api.md").read_text(encoding="utf-8"),
    "README.md": files.joinpath("README.md").read_text(encoding="utf-8"),
}))
"""


def listing(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(directory.rglob("*"))
    }


@pytest.mark.slow
def test_pip_install_of_the_directory_writes_nothing_into_it_and_installs_the_docs(
    venv: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """``pip install ./generated/python`` as the README says: no build/ or *.egg-info left in
    the source (a stale file there was once installed later), and the docs the package
    docstring points to are installed with it."""
    python, _, python_dir = venv
    before = listing(python_dir)
    run(
        [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps",
         "--force-reinstall", python_dir],
        env=clean_env(),
        timeout=600,
    )  # fmt: skip
    assert listing(python_dir) == before
    out = json.loads(run([python, "-c", DOCS], cwd=tmp_path, env=clean_env()).stdout)
    assert out["api.md"] == (python_dir / "api.md").read_text(encoding="utf-8")
    assert out["README.md"] == (python_dir / "README.md").read_text(encoding="utf-8")
    assert 'importlib.resources.files("kiwoom_client").joinpath("api.md")' in out["doc"]
