"""The snippets of docs/openapi.md and docs/regenerating.md, extracted from the Markdown and run
exactly as written: shell blocks with bash (``-euo pipefail``) in a fresh directory or a
temporary copy of the repository, files marked ``<!-- file: PATH -->`` written where they say,
TypeScript through npm + openapi-typescript + tsc + node, Python against the fake Kiwoom server.
Blocks that are not run are illustrations (``text``, ``json``, ``yaml``, ``markdown``, Kotlin and
C#); the YAML excerpt is compared with the document, and the synopses with ``--help``."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.interop import answers, fake_kiwoom
from tests.support.openapi_support import JS, ROOT, document, node_tools, run_tool, shipped_spec
from tests.support.pipeline import NESTED, SEED, described, write_edition

DOCS = ROOT / "docs"
RUNNABLE = {"sh", "ts", "python"}
ILLUSTRATIONS = {"text", "json", "yaml", "markdown", "kotlin", "csharp"}
# (document, section): the sections whose runnable blocks the tests below run, in order.
TS_SECTION = "TypeScript: openapi-typescript + openapi-fetch"
RUN_SECTIONS = {
    ("openapi.md", TS_SECTION),
    ("openapi.md", "Python: openapi-python-client"),
    ("openapi.md", "Generators that percent-encode `#`"),
    ("regenerating.md", "The workflow"),
}
KEYS = {"KIWOOM_APPKEY": "docs-appkey", "KIWOOM_SECRETKEY": "docs-secretkey"}


@dataclass(frozen=True)
class Block:
    doc: str
    section: str  # the nearest ## or ### heading
    lang: str
    text: str  # dedented
    file: str | None  # from a <!-- file: PATH --> line right above the fence
    line: int


def blocks(name: str) -> list[Block]:
    lines = (DOCS / name).read_text(encoding="utf-8").split("\n")
    out: list[Block] = []
    section, i = "", 0
    while i < len(lines):
        line = lines[i]
        if m := re.match(r"^#{2,3} (.+)$", line):
            section = m.group(1).strip()
        fence = re.match(r"^(\s*)```(\w*)\s*$", line)
        if fence:
            indent, lang = fence.groups()
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
            body = textwrap.dedent("\n".join(lines[i + 1 : end])) + "\n"
            above = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            marker = re.fullmatch(r"<!-- file: (\S+) -->", above)
            out.append(Block(name, section, lang, body, marker and marker.group(1), i + 1))
            i = end
        i += 1
    return out


def section(doc: str, name: str) -> list[Block]:
    found = [b for b in blocks(doc) if b.section == name]
    assert found, f"no code in {doc} § {name}"
    return found


def test_every_snippet_is_run_or_an_illustration() -> None:
    for doc in ("openapi.md", "regenerating.md"):
        for b in blocks(doc):
            where = f"{doc}:{b.line}"
            assert b.lang in RUNNABLE | ILLUSTRATIONS, f"{where}: fence without a known language"
            if b.lang in RUNNABLE or b.file:
                assert (doc, b.section) in RUN_SECTIONS, f"{where}: runnable, but no test runs it"


def bash(script: str, cwd: Path, env: Mapping[str, str], timeout: float = 900) -> str:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{script}\nexit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def play(steps: list[Block], cwd: Path, env: Mapping[str, str]) -> list[str]:
    """Write the file blocks and run the shell blocks, in the order of the page; stdout of each
    shell block."""
    outputs = []
    for b in steps:
        if b.file:
            (cwd / b.file).parent.mkdir(parents=True, exist_ok=True)
            (cwd / b.file).write_text(b.text, encoding="utf-8")
        elif b.lang == "sh":
            outputs.append(bash(b.text, cwd, env))
        else:
            raise AssertionError(f"{b.doc}:{b.line}: a {b.lang} block neither run nor saved")
    return outputs


def base_env(**extra: str) -> dict[str, str]:
    """This virtualenv's tools first on PATH; no inherited Kiwoom keys or PYTHONPATH."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KIWOOM_") and k not in ("PYTHONPATH", "PYTHONHOME")
    }
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def openapi_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("doc") / "openapi.json"
    path.write_text(json.dumps(document(shipped_spec()), ensure_ascii=False), encoding="utf-8")
    return path


@contextmanager
def kiwoom(**extra: str) -> Iterator[tuple[dict[str, str], dict[str, Any], list[dict[str, Any]]]]:
    """(environment for the snippets, the answers, the recorded requests) with the fake Kiwoom
    server running; the requests are recorded when the block ends."""
    responses = answers(shipped_spec())
    with fake_kiwoom(responses) as (url, recorded):
        yield base_env(KIWOOM_BASE_URL=url, **KEYS, **extra), responses, recorded


def assert_one_buy_order(recorded: list[dict[str, Any]]) -> None:
    issue, order = recorded
    assert (issue["method"], issue["path"]) == ("POST", "/oauth2/token")
    assert issue["json"] == {
        "grant_type": "client_credentials",
        "appkey": KEYS["KIWOOM_APPKEY"],
        "secretkey": KEYS["KIWOOM_SECRETKEY"],
    }
    assert (order["method"], order["path"]) == ("POST", "/api/dostk/crdordr")
    assert order["headers"]["api-id"] == "kt10006"
    assert order["headers"]["authorization"].startswith("Bearer ")
    assert order["json"] == {"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1",
                             "trde_tp": "3"}  # fmt: skip


# --- docs/openapi.md ----------------------------------------------------------------------------


def test_typescript_versions_are_the_pinned_ones() -> None:
    lock = json.loads((JS / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    steps = section("openapi.md", TS_SECTION)
    text = "".join(b.text for b in steps if b.lang == "sh")
    named = dict(re.findall(r"(@?[\w./-]+)@(\d+\.\d+\.\d+)", text))
    assert set(named) == {"openapi-fetch", "openapi-typescript", "typescript", "@types/node"}
    for package, version in named.items():
        assert lock[f"node_modules/{package}"]["version"] == version, package


@pytest.mark.slow
def test_typescript_walkthrough_places_an_order(tmp_path: Path, openapi_json: Path) -> None:
    node_tools()  # Node present (or the skip the other Node tests honour); fills the npm cache
    steps = section("openapi.md", TS_SECTION)
    npm = {"npm_config_prefer_offline": "true", "npm_config_audit": "false",
           "npm_config_fund": "false", "npm_config_update_notifier": "false"}  # fmt: skip
    project = tmp_path / "kiwoom-ts"
    project.mkdir()
    with kiwoom(KIWOOM_OPENAPI=str(openapi_json), **npm) as (env, responses, recorded):
        outputs = play(steps, project, env)
    assert outputs[-1].strip().splitlines()[-1] == responses["kt10006"]["ord_no"]
    assert_one_buy_order(recorded)
    package = json.loads((project / "package.json").read_text(encoding="utf-8"))
    assert package["type"] == "module"


@pytest.mark.slow
def test_python_walkthrough_places_an_order(tmp_path: Path, openapi_json: Path) -> None:
    steps = section("openapi.md", "Python: openapi-python-client")
    with kiwoom(KIWOOM_OPENAPI=str(openapi_json)) as (env, responses, recorded):
        outputs = play(steps, tmp_path, env)
    assert outputs[-1].strip() == f"0 {responses['kt10006']['ord_no']} kt10006"
    assert_one_buy_order(recorded)


@pytest.mark.slow
def test_post_processing_strips_the_suffix(tmp_path: Path, openapi_json: Path) -> None:
    (b,) = [
        x for x in section("openapi.md", "Generators that percent-encode `#`") if x.lang == "sh"
    ]
    (tmp_path / "src").mkdir()
    run_tool("openapi-typescript", openapi_json, "--output", tmp_path / "src" / "kiwoom.ts",
             cwd=tmp_path)  # fmt: skip
    before = (tmp_path / "src" / "kiwoom.ts").read_text(encoding="utf-8")
    assert before.count('"/api/dostk/crdordr#kt1000') == 4
    bash(b.text, tmp_path, base_env())
    after = (tmp_path / "src" / "kiwoom.ts").read_text(encoding="utf-8")
    assert not re.search(r'"/[^"#]*#[A-Za-z0-9]+"', after)  # no path literal keeps a suffix
    assert after.count('"/api/dostk/crdordr": {') == 4
    assert after == re.sub(r'"(/[^"#]*)#[A-Za-z0-9]+"', r'"\1"', before)  # nothing else moved


def subset(part: Any, whole: Any, where: str = "") -> None:
    if isinstance(part, dict):
        assert isinstance(whole, dict), where
        for key, value in part.items():
            assert key in whole, f"{where}/{key} is not in the document"
            subset(value, whole[key], f"{where}/{key}")
    elif isinstance(part, list):
        assert isinstance(whole, list), where
        for i, item in enumerate(part):
            errors = []
            for candidate in whole:
                try:
                    subset(item, candidate, f"{where}[{i}]")
                    break
                except AssertionError as exc:
                    errors.append(str(exc))
            else:
                raise AssertionError(f"{where}[{i}] matches nothing: {errors}")
    else:
        assert part == whole, f"{where}: {part!r} != {whole!r}"


def test_the_yaml_excerpt_is_in_the_document() -> None:
    (b,) = [x for x in blocks("openapi.md") if x.lang == "yaml"]
    subset(yaml.safe_load(b.text), document(shipped_spec())["paths"])


# --- docs/regenerating.md -----------------------------------------------------------------------


@pytest.mark.slow
def test_the_workflow_runs_in_a_copy_of_the_repository(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for part in ("specs", "generated"):
        shutil.copytree(ROOT / part, project / part)
    git = base_env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")  # fmt: skip
    bash("git init -q && git add -A && git commit -qm released", project, git)
    new = write_edition(tmp_path / "new", [*described(SEED), NESTED], config=False)
    env = base_env(NEW_WORKBOOK=str(new / "spec.xlsx"))
    (out,) = play(section("regenerating.md", "The workflow"), project, env)
    assert "Suggested bump: minor" in out
    changelog = (project / "generated/python/CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## 0.2.0 (suggested bump: minor;" in changelog and "ka90001" in changelog
    assert "up to date" in out.splitlines()[-1]  # the closing check


@pytest.mark.slow
@pytest.mark.parametrize("command", ["generate", "check", "diff"])
def test_synopses_name_real_options(command: str) -> None:
    (b,) = [x for x in blocks("regenerating.md") if x.text.startswith(f"kiwoom-codegen {command} ")]
    done = subprocess.run(
        [sys.executable, "-m", "kiwoom_codegen", command, "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0
    for option in re.findall(r"--[a-z-]+", b.text):
        assert option in done.stdout, f"{option} of the synopsis is not an option of {command}"
