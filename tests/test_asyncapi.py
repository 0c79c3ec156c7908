"""The AsyncAPI 3.0 document: validated against the official JSON Schema (pinned npm package
@asyncapi/specs) and by @asyncapi/parser, its schemas equal to the client's typed messages, and
the frames the client really sends valid against its message schemas."""

from __future__ import annotations

import asyncio
import functools
import importlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from kiwoom_codegen import __version__
from kiwoom_codegen.emit import EmitContext
from kiwoom_codegen.emit.asyncapi import JSON_PATH, YAML_PATH, build_document, emit
from kiwoom_codegen.model import Spec
from kiwoom_codegen.model.load import load

from tests.support.asyncapi_support import message_validator
from tests.support.openapi_support import JS, node_tools
from tests.support.python_client_support import emit_files, imported, write_files
from tests.support.realtime_sheets import write_realtime_workbook

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
SPEC_SCHEMA = JS / "node_modules" / "@asyncapi" / "specs" / "schemas" / "3.0.0-without-$id.json"


@functools.cache
def realtime_spec_dir(tmp: str) -> Spec:
    directory = Path(tmp)
    write_realtime_workbook(directory / "realtime.xlsx")
    shutil.copy(SPECS / "realtime_fields.toml", directory)
    return load([directory]).spec


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    return realtime_spec_dir(str(tmp_path_factory.mktemp("asyncapi")))


@pytest.fixture(scope="module")
def document(spec: Spec) -> dict[str, Any]:
    return build_document(spec)


@functools.cache
def official_schema() -> dict[str, Any]:
    node_tools()  # npm ci of tests/js (pinned @asyncapi/specs) when needed
    return json.loads(SPEC_SCHEMA.read_text(encoding="utf-8"))


def spec_errors(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(official_schema())
    return [f"{e.json_path}: {e.message[:200]}" for e in validator.iter_errors(document)]


@pytest.mark.slow
def test_document_validates_against_the_official_schema(document: dict[str, Any]) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert spec_errors(document) == []


def test_the_official_schema_catches_a_broken_document(document: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(document))
    del broken["operations"]["domesticRegister"]["channel"]
    broken["servers"]["mock"]["protocol"] = 7
    errors = spec_errors(broken)
    assert any("domesticRegister" in e for e in errors) and any("mock" in e for e in errors)


def test_shipped_document_validates_and_is_current() -> None:
    on_disk = json.loads((ROOT / "generated" / JSON_PATH).read_text(encoding="utf-8"))
    assert spec_errors(on_disk) == []
    assert yaml.safe_load((ROOT / "generated" / YAML_PATH).read_text(encoding="utf-8")) == on_disk


def parse_with_asyncapi_parser(path: Path) -> dict[str, Any]:
    node = shutil.which("node")
    node_tools()
    assert node is not None
    done = subprocess.run(
        [node, str(JS / "validate_asyncapi.mjs"), str(path)],
        cwd=JS,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.slow
def test_asyncapi_parser_accepts_both_files(spec: Spec, tmp_path: Path) -> None:
    files = emit(spec, EmitContext(__version__, spec.content_hash(), ("realtime.xlsx",)))
    for name in (JSON_PATH, YAML_PATH):
        (tmp_path / name).write_bytes(files[name])
        result = parse_with_asyncapi_parser(tmp_path / name)
        errors = [d for d in result["diagnostics"] if d["severity"] == 0]
        warnings = [d for d in result["diagnostics"] if d["severity"] == 1]
        assert result["ok"] and errors == [] and warnings == [], result
    assert json.loads(files[JSON_PATH]) == yaml.safe_load(files[YAML_PATH])


@pytest.mark.slow
def test_asyncapi_parser_reports_a_broken_reference(
    document: dict[str, Any], tmp_path: Path
) -> None:
    broken = json.loads(json.dumps(document))
    broken["operations"]["domesticReal"]["messages"] = [{"$ref": "#/channels/domestic/messages/X"}]
    (tmp_path / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    result = parse_with_asyncapi_parser(tmp_path / "broken.json")
    assert [d for d in result["diagnostics"] if d["severity"] == 0]


def test_channels_servers_and_operations(document: dict[str, Any]) -> None:
    assert {k: v["address"] for k, v in document["channels"].items()} == {
        "domestic": "/api/dostk/websocket",
        "us": "/api/us/websocket",
    }
    assert {k: (v["host"], v["protocol"]) for k, v in document["servers"].items()} == {
        "production": ("api.kiwoom.com:10000", "wss"),
        "mock": ("mockapi.kiwoom.com:10000", "wss"),
    }
    ops = document["operations"]
    replies = {
        name: [m["$ref"].rsplit("/", 1)[1] for m in op.get("reply", {}).get("messages", [])]
        for name, op in ops.items()
    }
    assert replies["domesticLogin"] == ["LoginAnswer"]
    assert replies["domesticPing"] == ["Ping"] and ops["domesticPing"]["action"] == "receive"
    assert replies["domesticRegister"] == ["RegisterAnswer"]
    assert replies["domesticRemove"] == ["RemoveAnswer"]
    assert replies["domesticConditionRequest"] == ["DomesticConditionRequestAnswer"]
    assert replies["usConditionList"] == ["UsConditionListAnswer"]
    assert ops["domesticReal"]["action"] == "receive" and "reply" not in ops["domesticReal"]
    messages = document["components"]["messages"]
    assert messages["DomesticConditionList"]["name"] == "CNSRLST"
    assert messages["UsConditionClear"]["name"] == "GCNSRCLR"


def test_real_is_a_oneof_over_the_channel_types(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    def codes(key: str) -> list[str]:
        items = schemas[key]["properties"]["data"]["items"]["oneOf"]
        return [schemas[i["$ref"].rsplit("/", 1)[1]]["properties"]["type"]["const"] for i in items]

    assert codes("DomesticReal") == ["00", "0B", "02"]
    assert codes("UsReal") == ["F5", "FE", "S2"]
    values = schemas["Entry0B"]["properties"]["values"]
    assert values["properties"]["10"] == {
        "type": "string",
        "title": "현재가",
        "x-python-name": "cur_prc",
        "description": "+ 상승, - 하락",
        # the meaning mined from the description (docs/values.md)
        "x-kiwoom-value": {
            "kind": "direction",
            "number": "int",
            "direction": "sign",
            "source": "description",
        },
    }
    assert values["additionalProperties"] == {"type": "string"}


@pytest.mark.slow
def test_entry_schemas_are_the_python_messages(spec: Spec, tmp_path: Path) -> None:
    document = build_document(spec)
    schemas = document["components"]["schemas"]
    root = write_files(emit_files(spec), tmp_path)
    with imported(root) as pkg:
        registry = importlib.import_module(f"{pkg.__name__}._realtime_registry")
        for code, info in registry.REALTIME_TYPES.items():
            entry = schemas[f"Entry{code}"]
            props = entry["properties"]["values"]["properties"]
            assert entry["x-python-class"] == info.message_class.__name__
            assert {k: (v["x-python-name"], v["title"]) for k, v in props.items()} == dict(
                info.message_class.VALUES.FIELDS
            )


def _wire(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema without its sheet annotations (title, description) and with local references."""
    text = json.dumps({k: v for k, v in schema.items() if k not in ("title", "description")})
    for prefix in ("#/components/schemas/", "#/x-kiwoom-websocket/schemas/", "#/$defs/"):
        text = text.replace(prefix, "#/")
    result: dict[str, Any] = json.loads(text)
    return result


def test_wire_schemas_are_one_in_all_three_documents(spec: Spec, document: dict[str, Any]) -> None:
    """The AsyncAPI document, the OpenAPI document's x-kiwoom-websocket schemas and the schemas
    the OPERATIONS models are generated from agree: each REAL type's `values` (an object keyed
    by field id, strings only), REG's `item`/`type` arrays and the US item, the condition list's
    [seq, name] rows, the return code. The same objects, but for the sheets' annotations."""
    from kiwoom_codegen.emit.openapi import build_document as openapi_document
    from kiwoom_codegen.model.realtime import realtime_spec
    from kiwoom_codegen.model.schema import spec_schemas

    asyncapi = document["components"]["schemas"]
    openapi = openapi_document(spec, spec.content_hash())["x-kiwoom-websocket"]["schemas"]
    python = spec_schemas(spec)  # the OPERATIONS models are generated from these

    def values_defs(api_id: str) -> list[str]:
        return [
            prop["values"]["$ref"].rsplit("/", 1)[1]
            for schema in python[api_id].schemas.values()
            for prop in [schema.get("properties", {})]
            if "$ref" in prop.get("values", {})
        ]

    types = realtime_spec(spec).types
    assert len(types) == 6
    for t in types:
        entry = asyncapi[f"Entry{t.code}"]["properties"]["values"]
        assert entry["additionalProperties"] == {"type": "string"}
        (name,) = values_defs(t.api_id)
        assert python[t.api_id].schemas[name] == entry == openapi[name], t.code

    register = asyncapi["Register"]["properties"]["data"]["items"]["properties"]
    for api_id in ("0B", "00", "FE", "F5"):
        s = python[api_id]
        data = s.schemas[s.request]["properties"]["data"]["items"]["$ref"].rsplit("/", 1)[1]
        for key in ("item", "type"):
            ours = s.schemas[data]["properties"][key]
            assert _wire(ours) == _wire(register[key]) == _wire(openapi[data]["properties"][key])
        assert s.schemas["UsItem"] == asyncapi["UsItem"] == openapi["UsItem"]
    assert register["type"]["type"] == "array" and register["item"]["type"] == "array"

    listed = python["ka10171"]
    rows = listed.schemas[listed.response]["properties"]["data"]
    answer = asyncapi["DomesticConditionListAnswer"]["properties"]
    assert _wire(rows) == _wire(answer["data"]) and rows["items"]["type"] == "array"
    code = listed.schemas[listed.response]["properties"]["return_code"]
    assert _wire(code) == _wire(answer["return_code"]) == {"type": ["integer", "string"]}


@pytest.mark.slow
def test_frames_the_client_sends_match_the_document(spec: Spec, tmp_path: Path) -> None:
    document = build_document(spec)
    root = write_files(emit_files(spec), tmp_path)
    with imported(root) as pkg:
        testing = importlib.import_module(f"{pkg.__name__}.testing")
        with testing.FakeKiwoomServer() as server:
            fake = server.realtime
            fake.ping_interval = 0.05
            fake.set_conditions([("1", "조건")])
            fake.set_condition_pages("1", [[{"9001": "A005930"}]])

            async def main() -> list[dict[str, Any]]:
                async with pkg.AsyncKiwoomClient(
                    appkey="k",
                    secretkey="s",
                    base_url=server.url,
                    realtime_url=server.realtime_url,
                ) as client:
                    async with client.realtime() as rt:
                        sub = await rt.subscribe("0B", ["005930"])
                        fake.push("0B", "005930")  # the sheet's example values
                        msg = await sub.get(2)
                        await rt.condition_search("1")
                        watch = await rt.watch_condition("1")
                        await watch.close()
                        await sub.unsubscribe()
                        for _ in range(100):
                            if fake.echoes:
                                break
                            await asyncio.sleep(0.02)
                        return [msg.raw]

            (pushed,) = asyncio.run(main())
            sent = [frame for _, frame in fake.frames]
    keys = {
        "LOGIN": "Login", "PING": "Ping", "REG": "Register", "REMOVE": "Remove",
        "CNSRLST": "DomesticConditionList", "CNSRREQ": "DomesticConditionRequest",
        "CNSRCLR": "DomesticConditionClear",
    }  # fmt: skip
    assert {f["trnm"] for f in sent} == set(keys)
    for frame in sent:
        errors = list(message_validator(document, keys[frame["trnm"]]).iter_errors(frame))
        assert errors == [], (frame, errors)
    real = {"trnm": "REAL", "data": [pushed]}
    assert list(message_validator(document, "DomesticReal").iter_errors(real)) == []
    assert pushed["values"]["10"] == "+200"  # from the sheet's response example
    wrong = {"trnm": "REAL", "data": [{**pushed, "values": {"10": 20800}}]}
    assert list(message_validator(document, "DomesticReal").iter_errors(wrong))


def test_spec_text_cannot_break_the_documents(spec: Spec) -> None:
    from dataclasses import replace

    nasty = 'a"b\'c\n"""{}\\ \u2028 #: - [x]'
    api = spec.api("0B")
    values = api.response.body[3].children[3]
    assert values.name == "values"
    kids = (replace(values.children[0], label=nasty, description=nasty), *values.children[1:])
    data = replace(
        api.response.body[3],
        children=(*api.response.body[3].children[:3], replace(values, children=kids)),
    )
    bad = replace(spec, apis=tuple(
        replace(a, response=replace(a.response, body=(*a.response.body[:3], data)))
        if a.id == "0B" else a for a in spec.apis))  # fmt: skip
    files = emit(bad, EmitContext(__version__, bad.content_hash(), ("x.xlsx",)))
    as_json = json.loads(files[JSON_PATH])
    assert as_json == yaml.safe_load(files[YAML_PATH])
    assert (
        as_json["components"]["schemas"]["Entry0B"]["properties"]["values"]["properties"]["20"][
            "title"
        ]
        == nasty
    )


def test_openapi_points_at_the_asyncapi_document(spec: Spec) -> None:
    from kiwoom_codegen.emit.openapi import build_document as openapi_document

    doc = openapi_document(spec, spec.content_hash())
    assert doc["x-kiwoom-websocket"]["asyncapi"] == "asyncapi.yaml"


def test_output_is_deterministic(spec: Spec) -> None:
    ctx = EmitContext(__version__, spec.content_hash(), ("realtime.xlsx",))
    assert emit(spec, ctx) == emit(spec, ctx)


@pytest.mark.slow
def test_realtime_golden() -> None:
    """tests/golden/realtime/: the reviewed AsyncAPI document and typed messages."""
    from tests.update_goldens import stale

    report = stale("realtime")
    assert report is None, report


def test_the_document_says_where_the_effective_error_code_is(tmp_path: Path) -> None:
    """Kiwoom's refusals carry a generic return_code and the effective code in the message
    (KIWOOM_FORMAT.md): the document says so where a reader meets return_code."""
    from kiwoom_codegen.emit.asyncapi import build_document
    from kiwoom_codegen.model.load import load

    from tests.support.realtime_sheets import write_realtime_workbook

    doc = build_document(load([write_realtime_workbook(tmp_path / "rt.xlsx")]).spec)
    assert "CODE=NNNN" in doc["info"]["description"]
    assert "[NNNN:" in doc["info"]["description"]
    messages = doc["components"]["messages"]
    assert "CODE=NNNN" in messages["LoginAnswer"]["summary"] + messages["LoginAnswer"].get(
        "description", ""
    )
    assert "effective code" in messages["System"].get("description", messages["System"]["summary"])
    answers = [
        s["properties"]["return_code"]
        for s in doc["components"]["schemas"].values()
        if "return_code" in s.get("properties", {})
    ]
    assert answers and all("CODE=NNNN" in a["description"] for a in answers)
