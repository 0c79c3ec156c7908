"""The document of a full-size (337-API) synthetic workbook: valid, lint-clean, and usable by
openapi-python-client without a skipped operation. The three checks run at the same time:
Redocly and openapi-python-client in child processes while openapi-spec-validator runs here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.model import Spec, Transport
from kiwoom_codegen.model.load import load
from openapi_python_client.strings import snake_case
from openapi_spec_validator import validate

from benchmarks.synth import write_synthetic
from tests.support.openapi_support import (
    RedoclyLint,
    lint_summary,
    websocket_schema_names,
    write_document,
)

pytestmark = pytest.mark.slow  # every test works on the full-size workbook


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Spec, Path]:
    work = tmp_path_factory.mktemp("openapi-scale")
    spec = load([write_synthetic(work / "synthetic.xlsx")], use_config=False).spec
    json_path, _ = write_document(spec, work / "doc")
    return spec, json_path


def test_synthetic_document_validates_lints_and_generates(
    synthetic: tuple[Spec, Path], tmp_path: Path
) -> None:
    spec, json_path = synthetic
    doc: dict[str, Any] = json.loads(json_path.read_bytes())
    http = [a for a in spec.apis if a.transport is Transport.HTTP]
    websocket = [a for a in spec.apis if a.transport is Transport.WEBSOCKET]
    assert len(spec.apis) == 337 and len(websocket) == 31
    assert len(doc["paths"]) == len(http)
    assert len(doc["x-kiwoom-websocket"]["services"]) == len(websocket)
    operation_ids = [item["post"]["operationId"] for item in doc["paths"].values()]
    assert len({i.lower() for i in operation_ids}) == len(operation_ids)

    ws_schemas = websocket_schema_names(doc)
    assert ws_schemas and not set(ws_schemas) & set(doc["components"]["schemas"])
    assert set(ws_schemas) <= set(doc["x-kiwoom-websocket"]["schemas"])
    lint = RedoclyLint(json_path)
    package = tmp_path / "synthetic_client"
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")
    generate = subprocess.Popen(
        [str(Path(sys.executable).parent / "openapi-python-client"), "generate",
         "--path", str(json_path), "--output-path", str(package), "--meta", "none",
         "--config", str(tmp_path / "config.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        validate(doc)
    finally:
        report = lint.report()
        output, _ = generate.communicate(timeout=600)

    # Clean with the recommended rules and nothing ignored.
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, lint_summary(report)
    assert generate.returncode == 0, output
    assert not re.search(r"warning|error|unable|skipp", output, re.IGNORECASE), output
    modules = sorted(p.stem for p in (package / "api").glob("*/*.py") if p.stem != "__init__")
    assert modules == sorted(snake_case(i) for i in operation_ids)
    compiled = subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(package)], capture_output=True, text=True
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


def test_synthetic_examples_are_examples_only_when_they_conform(
    synthetic: tuple[Spec, Path],
) -> None:
    """About one sheet example in five is not JSON; the synthetic request examples break their
    tables (enumerations, lengths), the response examples conform (responses are lenient)."""
    spec, json_path = synthetic
    doc = json.loads(json_path.read_bytes())
    by_id = {item["post"]["x-kiwoom-api-id"]: item["post"] for item in doc["paths"].values()}
    counts = {"examples": 0, "nonconforming": 0, "none": 0}
    for api in spec.apis:
        if api.transport is not Transport.HTTP:
            continue
        op = by_id[api.id]
        for example, media in (
            (api.request_example, op["requestBody"]["content"]["application/json"]),
            (api.response_example, op["responses"]["200"]["content"]["application/json"]),
        ):
            if "examples" in media:
                counts["examples"] += 1
                assert example is not None and example.valid
                assert media["examples"]["sheet"]["value"] == example.value
            elif "x-kiwoom-nonconforming-example" in media:
                counts["nonconforming"] += 1
                assert example is not None and example.valid
                assert media["x-kiwoom-nonconforming-example"]["problems"]
            else:
                counts["none"] += 1
                assert example is None or not example.valid
    assert all(counts.values()), counts
