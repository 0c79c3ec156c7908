"""Other teams' tools on the OpenAPI document: Redocly CLI, a YAML 1.2 parser, openapi-typescript +
tsc + openapi-fetch, openapi-python-client; the clients they make call the fake Kiwoom server.

The fake server (FakeKiwoomServer, the runtime's testing module as copied into the generated
``kiwoom_client`` package) runs in a child process started from this module
(``python -m tests.support.interop serve ...``), so that this test session never imports a
``kiwoom_client`` that another test may have imported from elsewhere.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from kiwoom_codegen.emit.openapi import JSON_PATH, YAML_PATH
from openapi_python_client.strings import snake_case

from tests.support.fixtures import read, write
from tests.support.interop import CREDIT, TOKEN, answers, fake_kiwoom
from tests.support.openapi_support import (
    JS,
    NASTY,
    document,
    lint_summary,
    nasty_sheet,
    node_tools,
    python_client,
    redocly_lint,
    run_python,
    run_tool,
    shipped_spec,
    write_document,
)

WIRE_PATH = "/api/dostk/crdordr"
# What a TypeScript team sends (tests/js/usage.ts); the Python calls send the sheets' examples.
TS_BODIES = {
    "kt10006": {"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1", "ord_uv": "2580",
                "trde_tp": "0", "cond_uv": ""},
    "kt10007": {"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1", "ord_uv": "2580",
                "trde_tp": "0", "crd_deal_tp": "33", "crd_loan_dt": "20240102"},
    "kt10008": {"dmst_stex_tp": "KRX", "orig_ord_no": "0001615", "stk_cd": "005930",
                "mdfy_qty": "1", "mdfy_uv": "2590"},
    "kt10009": {"dmst_stex_tp": "KRX", "orig_ord_no": "0001615", "stk_cd": "005930",
                "cncl_qty": "1"},
}  # fmt: skip


@pytest.fixture(scope="module")
def doc_paths(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_document(shipped_spec(), tmp_path_factory.mktemp("openapi-doc"))


# --- the fake Kiwoom server in a child process -----------------------------------------------


def assert_credit_orders_received(recorded: list[dict[str, Any]], bodies: dict[str, Any]) -> None:
    assert [r["headers"].get("api-id") for r in recorded] == list(CREDIT)
    for request, api_id in zip(recorded, CREDIT, strict=True):
        assert request["method"] == "POST"
        assert request["path"] == WIRE_PATH  # the #kt1000x fragment never reaches the wire
        assert request["headers"]["authorization"] == f"Bearer {TOKEN}"
        assert request["json"] == bodies[api_id]


# --- Redocly and YAML -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("which", [JSON_PATH, YAML_PATH])
def test_redocly_recommended_lint_is_clean(doc_paths: tuple[Path, Path], which: str) -> None:
    path = doc_paths[0] if which == JSON_PATH else doc_paths[1]
    report = redocly_lint(path)
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, lint_summary(report)
    assert report["exit_code"] == 0


def test_redocly_config_is_the_recommended_ruleset() -> None:
    assert (JS / "redocly.yaml").read_text().split() == ["extends:", "-", "recommended"]


def yaml_1_2_reads_like_json(json_path: Path, yaml_path: Path) -> None:
    """The YAML, read by the `yaml` npm package as YAML 1.2 (core schema), equals the JSON."""
    node_tools()
    script = (
        "import { readFileSync } from 'node:fs';\n"
        "import { parse } from 'yaml';\n"
        "const [json, yml] = process.argv.slice(1);\n"
        "const a = JSON.parse(readFileSync(json, 'utf8'));\n"
        "const b = parse(readFileSync(yml, 'utf8'), { version: '1.2', schema: 'core' });\n"
        "const same = JSON.stringify(a) === JSON.stringify(b);\n"
        "console.log(same ? 'same' : JSON.stringify(b).slice(0, 2000));\n"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, str(json_path), str(yaml_path)],
        cwd=JS,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "same"


@pytest.mark.slow
def test_yaml_reads_the_same_in_a_yaml_1_2_parser(doc_paths: tuple[Path, Path]) -> None:
    yaml_1_2_reads_like_json(*doc_paths)


@pytest.mark.slow
def test_nasty_text_lints_clean_and_reads_the_same(tmp_path: Path) -> None:
    workbook = write(
        tmp_path, nasty_sheet(), error_codes=tuple((1000 + i, t) for i, t in enumerate(NASTY))
    )
    json_path, yaml_path = write_document(read(workbook).spec, tmp_path / "doc")
    for path in (json_path, yaml_path):
        report = redocly_lint(path)
        assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, lint_summary(report)
    yaml_1_2_reads_like_json(json_path, yaml_path)


# --- TypeScript: openapi-typescript, tsc, openapi-fetch --------------------------------------


@pytest.fixture(scope="module")
def ts_project(doc_paths: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """usage.ts and tsconfig.json next to the types openapi-typescript makes of the document."""
    bin_dir = node_tools()
    work = tmp_path_factory.mktemp("openapi-ts")
    (work / "node_modules").symlink_to(bin_dir.parent, target_is_directory=True)
    for name in ("usage.ts", "tsconfig.json", "run_usage.mjs"):
        shutil.copy(JS / name, work / name)
    run_tool("openapi-typescript", doc_paths[0], "--output", work / "kiwoom.ts", cwd=work)
    return work


@pytest.mark.slow
def test_typescript_types_keep_the_four_operations_apart(ts_project: Path) -> None:
    types = (ts_project / "kiwoom.ts").read_text()
    for api_id in CREDIT:
        assert f'"/api/dostk/crdordr#{api_id}": {{' in types
        assert f'"api-id": "{api_id}";' in types
    usage = (JS / "usage.ts").read_text()
    assert usage.count("// @ts-expect-error") == 9
    # tsc fails on an unused @ts-expect-error: passing means each marked line is an error.
    run_tool("tsc", "--project", ts_project / "tsconfig.json", cwd=ts_project)


@pytest.mark.slow
def test_typescript_mistakes_are_errors_without_the_markers(ts_project: Path) -> None:
    """The same usage file without its @ts-expect-error markers: every marked line fails."""
    bare = ts_project / "bare"
    bare.mkdir(exist_ok=True)
    (bare / "node_modules").symlink_to(ts_project / "node_modules", target_is_directory=True)
    shutil.copy(ts_project / "kiwoom.ts", bare / "kiwoom.ts")
    shutil.copy(ts_project / "tsconfig.json", bare / "tsconfig.json")
    lines = (JS / "usage.ts").read_text().splitlines()
    marked = {i + 1 for i, line in enumerate(lines) if "// @ts-expect-error" in line}
    kept = [("// removed marker" if "// @ts-expect-error" in line else line) for line in lines]
    (bare / "usage.ts").write_text("\n".join(kept) + "\n")
    done = subprocess.run(
        [str(node_tools() / "tsc"), "--project", str(bare / "tsconfig.json")],
        cwd=bare,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    error_lines = {int(m) for m in re.findall(r"usage\.ts\((\d+),\d+\): error", done.stdout)}
    assert error_lines == {n + 1 for n in marked}, done.stdout


@pytest.mark.slow
def test_typescript_client_calls_the_fake_server(ts_project: Path) -> None:
    out = ts_project / "out"
    run_tool("tsc", "--project", ts_project / "tsconfig.json", "--noEmit", "false", "--outDir", out,
             cwd=ts_project)  # fmt: skip
    spec = shipped_spec()
    responses = answers(spec)
    with fake_kiwoom(responses) as (url, recorded):
        done = subprocess.run(
            ["node", str(ts_project / "run_usage.mjs"), str(out / "usage.js"), url, TOKEN],
            cwd=ts_project,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert_credit_orders_received(recorded, TS_BODIES)
    for result, api_id in zip(results, CREDIT, strict=True):
        assert result["apiId"] == api_id and result["ok"] is True
        assert result["headerApiId"] == api_id
        assert result["body"] == {
            **responses[api_id],
            "return_code": 0,
            "return_msg": result["body"]["return_msg"],
        }


# --- Python: openapi-python-client ----------------------------------------------------------


@pytest.fixture(scope="module")
def opc_package(
    doc_paths: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> ModuleType:
    """The client openapi-python-client 0.29.1 generates from openapi.json, imported."""
    work = tmp_path_factory.mktemp("openapi-python-client")
    name = f"kiwoom_openapi_{uuid.uuid4().hex[:8]}"
    config = work / "config.yaml"
    config.write_text("post_hooks: []\n")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "openapi-python-client"), "generate",
         "--path", str(doc_paths[0]), "--output-path", str(work / name), "--meta", "none",
         "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert not re.search(r"warning|error|unable|skipp", output, re.IGNORECASE), output
    sys.path.insert(0, str(work))
    return importlib.import_module(name)


def endpoint(package: ModuleType, operation_id: str) -> ModuleType:
    snake = snake_case(operation_id)
    found = sorted((Path(package.__file__).parent / "api").glob(f"*/{snake}.py"))  # type: ignore[arg-type]
    assert len(found) == 1, f"{snake}.py: {found}"
    return importlib.import_module(f"{package.__name__}.api.{found[0].parent.name}.{snake}")


@pytest.mark.slow
def test_openapi_python_client_generates_every_operation(opc_package: ModuleType) -> None:
    doc = document(shipped_spec())
    ids = [item["post"]["operationId"] for item in doc["paths"].values()]
    modules = sorted(p.stem for p in (Path(opc_package.__file__).parent / "api").glob("*/*.py")  # type: ignore[arg-type]
                     if p.stem != "__init__")  # fmt: skip
    assert modules == sorted(snake_case(i) for i in ids)
    for operation_id in ids:
        module = endpoint(opc_package, operation_id)
        assert callable(module.sync_detailed) and callable(module.asyncio_detailed)


@pytest.mark.slow
def test_python_client_calls_the_fake_server(opc_package: ModuleType) -> None:
    spec = shipped_spec()
    doc = document(spec)
    responses = answers(spec)
    client_module = importlib.import_module(f"{opc_package.__name__}.client")
    models = importlib.import_module(f"{opc_package.__name__}.models")
    bodies = {}
    results = {}
    with fake_kiwoom(responses) as (url, recorded):
        client = client_module.AuthenticatedClient(base_url=url, token=TOKEN)
        for api_id in CREDIT:
            api = spec.api(api_id)
            assert api.request_example is not None and api.request_example.valid
            bodies[api_id] = api.request_example.value
            op = doc["paths"][f"{WIRE_PATH}#{api_id}"]["post"]
            request_cls = getattr(models, f"{api.class_prefix}Request")
            module = endpoint(opc_package, op["operationId"])
            results[api_id] = module.sync_detailed(
                client=client, body=request_cls.from_dict(bodies[api_id])
            )
    assert_credit_orders_received(recorded, bodies)
    for api_id, response in results.items():
        api = spec.api(api_id)
        assert response.status_code == 200
        assert response.headers["api-id"] == api_id
        response_cls = getattr(models, f"{api.class_prefix}Response")
        assert type(response.parsed) is response_cls  # each parses into its own type
        parsed = response.parsed.to_dict()
        assert parsed["return_code"] == 0
        assert {k: parsed[k] for k in responses[api_id]} == responses[api_id]


@pytest.mark.slow
def test_sheet_examples_agree_with_the_python_models() -> None:
    """Every valid example of specs/ validates against the document and the client's models."""
    root = python_client()
    spec = shipped_spec()
    items = [
        [api.id, direction, example.value]
        for api in spec.apis
        for direction, example in (
            ("request", api.request_example),
            ("response", api.response_example),
        )
        if example is not None and example.valid
    ]
    assert len(items) == 5
    done = run_python("-m", "tests.support.interop", "validate", str(root), input=json.dumps(items))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [True] * len(items)
    # The document's schemas say the same (test_openapi.py checks them one by one too).
    doc = document(spec)
    for api_id, direction, _ in items:
        op = doc["paths"][f"{spec.api(api_id).path}#{api_id}"]["post"]
        media = (
            op["requestBody"]["content"]["application/json"]
            if direction == "request"
            else op["responses"]["200"]["content"]["application/json"]
        )
        assert "examples" in media
