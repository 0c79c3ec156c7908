"""A fake Kiwoom server in a child process for the foreign generators' clients, and the answers
it gives."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.model import Spec

from tests.support.fixtures import read, write
from tests.support.openapi_support import (
    ROOT,
    lint_summary,
    python_client,
    redocly_lint,
    run_tool,
    write_document,
)

TOKEN = "TOKEN-openapi-interop-7Hq2"


CREDIT = ("kt10006", "kt10007", "kt10008", "kt10009")


def answers(spec: Spec) -> dict[str, dict[str, Any]]:
    """A distinct response body per API: every response field set to '<field>-<api id>'."""
    out: dict[str, dict[str, Any]] = {}
    for api_id in CREDIT:
        api = spec.api(api_id)
        out[api_id] = {f.name: f"{f.name}-{api_id}" for f in api.response.body}
    return out


@contextmanager
def fake_kiwoom(responses: dict[str, dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(base URL, recorded requests): the list fills in when the block ends."""
    root = python_client()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.interop", "serve", str(root), TOKEN],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    recorded: list[dict[str, Any]] = []
    try:
        child.stdin.write(json.dumps(responses) + "\n")
        child.stdin.flush()
        line = child.stdout.readline()
        if not line:
            errors = child.stderr.read() if child.stderr else ""
            pytest.fail(f"the fake Kiwoom server did not start:\n{errors}")
        yield json.loads(line)["url"], recorded
        out, err = child.communicate("", timeout=30)
        assert child.returncode == 0, err
        recorded.extend(json.loads(out))
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def _serve(client_root: str, token: str) -> None:
    """Child process: serve until stdin closes, then print the recorded requests."""
    sys.path.insert(0, client_root)
    testing = importlib.import_module("kiwoom_client.testing")
    responses = json.loads(sys.stdin.readline())
    with testing.FakeKiwoomServer() as server:
        server.add_token(token)
        for api_id, body in responses.items():
            server.set_response(api_id, body)
        print(json.dumps({"url": server.url}), flush=True)
        sys.stdin.read()
        requests = [
            {"method": r.method, "path": r.path, "headers": r.headers, "json": r.json}
            for r in server.requests
        ]
    print(json.dumps(requests, ensure_ascii=False))


def _validate(client_root: str) -> None:
    """Child process: validate [api id, "request"|"response", value] items with the models."""
    sys.path.insert(0, client_root)
    operations = importlib.import_module("kiwoom_client._operations").OPERATIONS
    verdicts = []
    for api_id, direction, value in json.loads(sys.stdin.read()):
        op = operations[api_id]
        model = op.request_model if direction == "request" else op.response_model
        try:
            model.model_validate(value)
            verdicts.append(True)
        except Exception:  # pydantic.ValidationError; anything else is a failure too
            verdicts.append(False)
    print(json.dumps(verdicts))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        _serve(sys.argv[2], sys.argv[3])
    else:
        _validate(sys.argv[2])


# --- alternative shapes (variants): a union the foreign tools accept -------------------------


def test_variants_lint_clean_and_foreign_generators_accept_the_union(tmp_path: Path) -> None:
    """An HTTP API whose response and request have variants, and ka10173's WebSocket shape:
    Redocly lints the document clean, openapi-typescript makes a union type, and
    openapi-python-client generates without a warning."""
    from tests.support.fixtures import api, condition_realtime_sheet, f, heading

    http = api(
        "ka2",
        request=[heading("등록"), f("trnm", required="Y", description="REG 고정값"), f("item"),
                 heading("해지"), f("trnm", required="Y", description="REMOVE 고정값")],
        response=[f("cnt"), heading("조회 데이터"), f("rows", type="LIST", length=None), f("- a"),
                  heading("실시간 데이터"), f("rows", type="LIST", length=None), f("- b")],
        request_example='#등록\n{"trnm": "REG", "item": "005930"}\n#해지\n{"trnm": "REMOVE"}',
        response_example='#조회데이터\n{"cnt": "1", "rows": [{"a": "1"}]}\n'
        '#실시간데이터\n{"rows": [{"b": "2"}]}',
    )  # fmt: skip
    spec = read(write(tmp_path, http, condition_realtime_sheet())).spec
    json_path, yaml_path = write_document(spec, tmp_path / "doc")
    for path in (json_path, yaml_path):
        report = redocly_lint(path)
        assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, lint_summary(report)
    doc = json.loads(json_path.read_text())
    media = doc["paths"]["/api/dostk/test#ka2"]["post"]["requestBody"]["content"][
        "application/json"
    ]
    assert sorted(media["examples"]) == ["sheet1", "sheet2"]

    work = tmp_path / "ts"
    work.mkdir()
    run_tool("openapi-typescript", json_path, "--output", work / "kiwoom.ts", cwd=work)
    types = (work / "kiwoom.ts").read_text()
    prefix = spec.api("ka2").class_prefix
    assert re.search(
        rf'{prefix}Response: components\["schemas"\]\["{prefix}ResponseJohoeDeiteo"\] \| '
        rf'components\["schemas"\]\["{prefix}ResponseSilsiganDeiteo"\];',
        types,
    ), types

    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\n")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "openapi-python-client"), "generate",
         "--path", str(json_path), "--output-path", str(tmp_path / "opc"), "--meta", "none",
         "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert not re.search(r"warning|error|unable|skipp", output, re.IGNORECASE), output
    models = "\n".join(p.read_text() for p in (tmp_path / "opc" / "models").glob("*.py"))
    assert "ResponseJohoeDeiteo" in models and "ResponseSilsiganDeiteo" in models
