"""The OpenAPI 3.1 document: shape, goldens, determinism, schemas, examples, text escaping.

The Node-based checks (Redocly, TypeScript) and the generated clients are in
test_openapi_interop.py; the 337-API document in test_openapi_scale.py.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import jsonschema
import pytest
import yaml
from kiwoom_codegen.emit import emitters
from kiwoom_codegen.emit.openapi import (
    JSON_PATH,
    PURE_DUMPER,
    YAML_PATH,
    _check,
    build_document,
    dumps_json,
    dumps_yaml,
)
from kiwoom_codegen.emit.openapi_encoding import DEFAULT_ENCODING, ENCODINGS, FRAGMENT
from kiwoom_codegen.escape import md_no_html
from kiwoom_codegen.model import Spec, Transport
from kiwoom_codegen.model.schema import spec_schemas
from kiwoom_codegen.regen.layout import SheetData
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from tests.support.fixtures import WSS, WSS_MOCK, api, f, heading, read, write
from tests.support.openapi_support import (
    NASTY,
    document,
    document_files,
    nasty_sheet,
    run_python,
    shipped_spec,
    websocket_schema_names,
    yaml_equals_json,
)
from tests.update_goldens import stale

CREDIT = {
    "kt10006": ("creditOrdersBuy", "신용 매수주문 (kt10006)"),
    "kt10007": ("creditOrdersSell", "신용 매도주문 (kt10007)"),
    "kt10008": ("creditOrdersModify", "신용 정정주문 (kt10008)"),
    "kt10009": ("creditOrdersCancel", "신용 취소주문 (kt10009)"),
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document(shipped_spec())


def operation(doc: dict[str, Any], key: str) -> dict[str, Any]:
    item = doc["paths"][key]
    assert list(item) == ["post"]
    op: dict[str, Any] = item["post"]
    return op


def schema_registry(doc: dict[str, Any]) -> Registry[Any]:
    """The document as a Draft 2020-12 resource, so that #/components/schemas/... resolve."""
    registry: Registry[Any] = Registry().with_resource(
        "urn:kiwoom:openapi", DRAFT202012.create_resource(doc)
    )
    return registry


def schema_errors(doc: dict[str, Any], ref: str, value: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        {"$ref": "urn:kiwoom:openapi" + ref}, registry=schema_registry(doc)
    )
    return [e.message for e in validator.iter_errors(value)]


# --- the shipped document -------------------------------------------------------------------


def test_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.1.0"
    validate(doc)


def test_document_matches_its_golden() -> None:
    report = stale("openapi")
    assert report is None, report


def test_json_and_yaml_hold_the_same_document() -> None:
    files = document_files(shipped_spec())
    assert yaml_equals_json(files)
    text = files[YAML_PATH].decode("utf-8")
    assert "신용 매수주문" in text  # Korean is written as is, not escaped
    assert "stk_cd: '005930'" in text  # YAML 1.2 parsers would read a plain 005930 as 5930
    assert files[JSON_PATH].decode("utf-8").startswith('{\n  "openapi": "3.1.0",')


def test_emitter_is_registered_and_writes_both_files() -> None:
    names = [name for name, _ in emitters()]
    assert "openapi" in names
    assert sorted(document_files(shipped_spec())) == [JSON_PATH, YAML_PATH]


def test_info_servers_security(doc: dict[str, Any]) -> None:
    spec = shipped_spec()
    info = doc["info"]
    assert info["version"] == spec.package_version == "0.1.0"
    assert info["x-kiwoom-spec-hash"] == spec.content_hash()
    assert info["title"] and info["description"] and info["license"]["url"] and info["contact"]
    assert "#" in info["description"] and "api-id" in info["description"]
    production, mock = doc["servers"]
    assert production["url"] == "https://api.kiwoom.com"
    assert mock["url"] == "https://mockapi.kiwoom.com"
    assert "KRX만 지원가능" in mock["description"] and "KRX only" in mock["description"]
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert doc["tags"] == [
        {"name": "국내주식/신용주문", "description": "메뉴 위치 국내주식 > 신용주문: 4 API(s)"}
    ]
    assert doc["x-kiwoom-error-codes"] == [
        {"code": e.code, "message": e.message} for e in spec.error_codes
    ]
    assert {"code": 1700, "message": "Request rate per API exceeded"} in doc["x-kiwoom-error-codes"]
    assert "x-kiwoom-websocket" not in doc  # no WebSocket API in specs/


def test_one_operation_per_api_keyed_by_fragment(doc: dict[str, Any]) -> None:
    assert list(doc["paths"]) == [f"/api/dostk/crdordr#{api_id}" for api_id in CREDIT]
    for api_id, (operation_id, summary) in CREDIT.items():
        op = operation(doc, f"/api/dostk/crdordr#{api_id}")
        assert op["operationId"] == operation_id
        assert op["summary"] == summary
        assert op["tags"] == ["국내주식/신용주문"]
        assert op["x-kiwoom-api-id"] == api_id
        assert op["x-kiwoom-path"] == "/api/dostk/crdordr"
        assert op["x-kiwoom-order"] is True
        assert "security" not in op and "servers" not in op
        assert f"`POST /api/dostk/crdordr` with the header `api-id: {api_id}`" in op["description"]
        assert "fragment" in op["description"] and "real money" in op["description"]


def test_parameters_and_responses(doc: dict[str, Any]) -> None:
    for api_id in CREDIT:
        op = operation(doc, f"/api/dostk/crdordr#{api_id}")
        api_id_param, *rest = op["parameters"]
        assert api_id_param["name"] == "api-id" and api_id_param["in"] == "header"
        assert api_id_param["required"] is True
        assert api_id_param["schema"] == {"type": "string", "enum": [api_id], "default": api_id}
        assert rest == [
            {"$ref": "#/components/parameters/ContYn"},
            {"$ref": "#/components/parameters/NextKey"},
        ]
        assert all(p.get("in") != "query" for p in op["parameters"])
        prefix = {"kt10006": "Buy", "kt10007": "Sell", "kt10008": "Modify", "kt10009": "Cancel"}
        name = f"CreditOrders{prefix[api_id]}"
        body = op["requestBody"]
        assert body["required"] is True and list(body["content"]) == ["application/json"]
        assert body["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{name}Request"
        }
        ok = op["responses"]["200"]
        assert ok["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{name}Response"
        }
        assert ok["headers"] == {
            "api-id": {"$ref": "#/components/headers/ApiId"},
            "cont-yn": {"$ref": "#/components/headers/ContYn"},
            "next-key": {"$ref": "#/components/headers/NextKey"},
        }
        assert op["responses"]["4XX"] == {"$ref": "#/components/responses/HttpError"}
    components = doc["components"]
    assert components["parameters"]["ContYn"]["name"] == "cont-yn"
    assert components["parameters"]["ContYn"]["in"] == "header"
    assert components["parameters"]["ContYn"]["required"] is False
    assert components["parameters"]["NextKey"]["schema"] == {"type": "string", "maxLength": 50}
    assert set(components["headers"]) == {"ApiId", "ContYn", "NextKey"}
    error = components["schemas"]["KiwoomError"]
    assert error["properties"]["return_code"]["type"] == "integer"
    assert error["properties"]["return_msg"]["type"] == "string"
    assert components["responses"]["HttpError"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/KiwoomError"
    }


def test_schemas_are_the_shared_builders(doc: dict[str, Any]) -> None:
    spec = shipped_spec()
    built = spec_schemas(spec, "#/components/schemas/")
    schemas = doc["components"]["schemas"]
    for api_schemas in built.values():
        for name, schema in api_schemas.schemas.items():
            assert schemas[name] == schema
    assert set(schemas) == {"KiwoomError"} | {n for s in built.values() for n in s.schemas}
    sell = schemas["CreditOrdersSellRequest"]
    assert sell["required"] == ["dmst_stex_tp", "stk_cd", "ord_qty", "trde_tp", "crd_deal_tp"]
    assert sell["properties"]["crd_deal_tp"]["enum"] == ["33", "99"]
    assert sell["properties"]["crd_deal_tp"]["x-enum-descriptions"] == ["융자", "융자합"]
    assert sell["properties"]["crd_deal_tp"]["title"] == "신용거래구분"
    assert sell["allOf"][0]["if"]["properties"] == {"crd_deal_tp": {"const": "33"}}
    assert sell["allOf"][0]["then"]["required"] == ["crd_loan_dt"]
    response = schemas["CreditOrdersCancelResponse"]
    assert response["properties"]["return_code"]["type"] == "integer"
    assert "return_msg" in response["properties"]


def test_every_valid_sheet_example_validates_and_is_in_the_document(doc: dict[str, Any]) -> None:
    spec = shipped_spec()
    checked = 0
    for one in spec.apis:
        op = operation(doc, f"{one.path}#{one.id}")
        media = {
            "request": op["requestBody"]["content"]["application/json"],
            "response": op["responses"]["200"]["content"]["application/json"],
        }
        for direction, example in (
            ("request", one.request_example),
            ("response", one.response_example),
        ):
            if example is None or not example.valid:
                assert "examples" not in media[direction]
                continue
            errors = schema_errors(doc, media[direction]["schema"]["$ref"], example.value)
            assert errors == [], f"{one.id} {direction} example: {errors}"
            assert media[direction]["examples"]["sheet"]["value"] == example.value
            checked += 1
    assert checked == 5  # four request examples and kt10009's response example
    cancel = operation(doc, "/api/dostk/crdordr#kt10009")["responses"]["200"]
    value = cancel["content"]["application/json"]["examples"]["sheet"]["value"]
    assert value["return_code"] == 0 and value["return_msg"]


@pytest.mark.slow
def test_deterministic_across_hash_seeds() -> None:
    code = (
        "import hashlib\n"
        "from tests.support.openapi_support import document_files, shipped_spec\n"
        "files = document_files(shipped_spec())\n"
        "print(' '.join(hashlib.sha256(files[k]).hexdigest() for k in sorted(files)))\n"
    )
    outputs = set()
    for seed in ("0", "12345"):
        done = run_python("-c", code, env={"PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    files = document_files(shipped_spec())
    mine = " ".join(hashlib.sha256(files[k]).hexdigest() for k in sorted(files)) + "\n"
    assert outputs == {mine}


# --- synthetic workbooks: every feature -----------------------------------------------------


def feature_sheets() -> list[SheetData]:
    return [
        api(
            "ka10099",
            "기능 조회",
            menu="국내주식 > 종목정보 > 기능 조회(ka10099)",
            url="/api/dostk/stkinfo",
            request=(
                f("stk_cd", "종목코드", required="Y", length=6),
                f("mrkt_tp", "시장구분", required="Y", length=2, description="0:코스피, 10:코스닥"),
                f("qry_dt", "조회일자", length=8, description="YYYYMMDD"),
                f("crd_deal_tp", "신용거래구분", length=2, description="33:융자 , 99:융자합"),
                f("crd_loan_dt", "대출일", length=8, description="YYYYMMDD(융자일경우필수)"),
            ),
            response=(
                f("tot", "총건수"),
                heading("조회 데이터"),
                f("stk_list", "종목리스트", type="LIST", length=None),
                f("- stk_cd", "종목코드"),
                f("- hist", "이력", type="LIST", length=None),
                f("- - dt", "일자", description="YYYYMMDD"),
            ),
            request_example='{"stk_cd": "005930", "mrkt_tp": "0"}',
            response_example=json.dumps(
                {
                    "tot": "1",
                    "stk_list": [{"stk_cd": "005930", "hist": [{"dt": "20240102"}]}],
                    "return_code": 0,
                    "return_msg": "조회가 완료되었습니다",
                },
                ensure_ascii=False,
            ),
            overview=("첫 줄 개요", "둘째 줄"),
        ),
        # Valid JSON, but not what the table allows: kept out of `examples`.
        api(
            "ka10098",
            "예시 불일치",
            url="/api/dostk/stkinfo",
            request=(
                f("mrkt_tp", "시장구분", required="Y", length=2, description="0:코스피, 10:코스닥"),
            ),
            request_example='{"mrkt_tp": "7", "extra": "x"}',
        ),
        api("ka10100", "단독", url="/api/dostk/alone", mock=""),
        api(
            "au10001",
            "접근토큰 발급",
            menu="OAuth 인증 > 접근토큰발급 > 접근토큰 발급(au10001)",
            url="/oauth2/token",
            request_headers=(),
            request=(
                f(
                    "grant_type",
                    "grant_type",
                    required="Y",
                    length=None,
                    description="client_credentials 입력",
                ),
            ),
        ),
        api(
            "0B",
            "실시간 0B",
            menu="국내주식 > 실시간시세 > 실시간 0B(0B)",
            url="/api/dostk/websocket",
            production=WSS,
            mock=WSS_MOCK,
            request=(
                f("trnm", "서비스명", required="Y", description="REG : 등록 , REMOVE : 해지"),
            ),
            response=(f("values", "값", type="Object", length=None), f("- 10", "현재가")),
            request_headers=(),
            response_headers=(),
            request_example='{"trnm": "REG"}',
        ),
        api(
            "0b",
            "실시간 0b",
            menu="국내주식 > 실시간시세 > 실시간 0b(0b)",
            url="/api/dostk/websocket",
            production=WSS,
            mock=WSS_MOCK,
            request=(f("trnm", "서비스명", required="Y"),),
            response=(f("20", "체결시간"),),
            request_headers=(),
            response_headers=(),
        ),
    ]


@pytest.fixture(scope="module")
def feature_spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    directory = tmp_path_factory.mktemp("openapi-features")
    path = write(directory, *feature_sheets(), error_codes=((1501, "API ID가 없습니다"),))
    return read(path).spec


@pytest.fixture(scope="module")
def feature_doc(feature_spec: Spec) -> dict[str, Any]:
    return document(feature_spec)


def test_feature_document_is_valid(feature_doc: dict[str, Any]) -> None:
    validate(feature_doc)


def test_every_http_api_gets_a_fragment_key_even_alone(feature_doc: dict[str, Any]) -> None:
    assert sorted(feature_doc["paths"]) == sorted(
        [
            "/oauth2/token#au10001",
            "/api/dostk/stkinfo#ka10098",
            "/api/dostk/stkinfo#ka10099",
            "/api/dostk/alone#ka10100",
        ]
    )
    ids = [item["post"]["operationId"] for item in feature_doc["paths"].values()]
    assert len(set(ids)) == len(ids)


def test_token_api_has_no_security_and_orders_flag(feature_doc: dict[str, Any]) -> None:
    token = operation(feature_doc, "/oauth2/token#au10001")
    assert token["security"] == []
    assert token["x-kiwoom-order"] is False
    assert [p.get("name", p.get("$ref")) for p in token["parameters"]] == ["api-id"]
    query = operation(feature_doc, "/api/dostk/stkinfo#ka10099")
    assert "security" not in query
    assert query["description"].startswith("첫 줄 개요")
    assert "real money" not in query["description"]
    assert [t["name"] for t in feature_doc["tags"]] == [
        "OAuth 인증/접근토큰발급",
        "국내주식/테스트",
        "국내주식/종목정보",
    ]


def test_api_without_mock_server_overrides_servers(feature_doc: dict[str, Any]) -> None:
    alone = operation(feature_doc, "/api/dostk/alone#ka10100")
    assert alone["servers"] == [
        {"url": "https://api.kiwoom.com", "description": "Production (운영 도메인)"}
    ]
    assert len(feature_doc["servers"]) == 2


def test_nested_lists_enums_formats_conditions(feature_doc: dict[str, Any]) -> None:
    schemas = feature_doc["components"]["schemas"]
    op = operation(feature_doc, "/api/dostk/stkinfo#ka10099")
    request = schemas[
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    ]
    mrkt = request["properties"]["mrkt_tp"]
    assert mrkt["enum"] == ["0", "10"] and mrkt["x-enum-varnames"] == ["V0", "V10"]
    assert mrkt["x-enum-descriptions"] == ["코스피", "코스닥"] and mrkt["title"] == "시장구분"
    assert request["properties"]["qry_dt"]["pattern"] == "^([0-9]{8})?$"
    assert request["properties"]["stk_cd"]["maxLength"] == 6
    assert request["allOf"][0]["then"]["required"] == ["crd_loan_dt"]
    assert request["additionalProperties"] is False
    response = schemas[
        op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    ]
    items = response["properties"]["stk_list"]
    assert items["type"] == "array" and items["title"] == "종목리스트"
    item = schemas[items["items"]["$ref"].split("/")[-1]]
    inner = schemas[item["properties"]["hist"]["items"]["$ref"].split("/")[-1]]
    assert inner["properties"]["dt"]["x-kiwoom-format"] == "YYYYMMDD"
    assert "조회 데이터" not in response["properties"]  # a heading, not a field
    assert response["properties"]["return_code"]["type"] == "integer"
    example = op["responses"]["200"]["content"]["application/json"]["examples"]["sheet"]["value"]
    assert schema_errors(feature_doc, f"#/components/schemas/{response['title']}", example) == []


def test_nonconforming_example_is_kept_apart(feature_doc: dict[str, Any]) -> None:
    media = operation(feature_doc, "/api/dostk/stkinfo#ka10098")["requestBody"]["content"][
        "application/json"
    ]
    assert "examples" not in media
    kept = media["x-kiwoom-nonconforming-example"]
    assert kept["value"] == {"mrkt_tp": "7", "extra": "x"}
    # '7', which the closed list lacks, opens it: the sheet's own example (issue 20)
    assert kept["problems"] == ["body: extra is not a field"]
    assert schema_errors(feature_doc, media["schema"]["$ref"], kept["value"])


def test_websocket_services_are_not_paths(feature_doc: dict[str, Any], feature_spec: Spec) -> None:
    keys = " ".join(feature_doc["paths"])
    assert "websocket" not in keys
    ws = feature_doc["x-kiwoom-websocket"]
    assert [s["url"] for s in ws["servers"]] == [WSS, WSS_MOCK]
    assert [s["api-id"] for s in ws["services"]] == ["0B", "0b"]
    schemas = ws["schemas"]
    components = feature_doc["components"]["schemas"]
    for service in ws["services"]:
        api = feature_spec.api(service["api-id"])
        assert api.transport is Transport.WEBSOCKET
        assert service["path"] == "/api/dostk/websocket"
        assert service["url"] == f"{WSS}/api/dostk/websocket"
        ref = f"#/x-kiwoom-websocket/schemas/{service['requestSchema']}"
        assert service["request"] == {"$ref": ref}
        assert service["requestSchema"] in schemas and service["responseSchema"] in schemas
        # not in components: no operation uses them, and linters flag unused components
        assert service["requestSchema"] not in components
    first = ws["services"][0]
    assert first["requestExample"] == {"trnm": "REG"}
    values = schemas[first["responseSchema"]]["properties"]["values"]["$ref"].split("/")[-1]
    assert "10" in schemas[values]["properties"]  # numbered real-time fields keep their names
    assert len(set(websocket_schema_names(feature_doc))) == 4  # 0B and 0b do not collide


# --- encoding -------------------------------------------------------------------------------


def test_encoding_lives_in_one_place(feature_spec: Spec) -> None:
    assert ENCODINGS[DEFAULT_ENCODING] is FRAGMENT
    api_ = feature_spec.api("ka10099")
    key = FRAGMENT.path_key(api_)
    assert key == "/api/dostk/stkinfo#ka10099"
    assert FRAGMENT.wire_path(key) == "/api/dostk/stkinfo"
    assert FRAGMENT.api_id_parameter(api_, "d")["schema"] == {
        "type": "string",
        "enum": ["ka10099"],
        "default": "ka10099",
    }
    assert build_document(feature_spec, "h", DEFAULT_ENCODING) == build_document(feature_spec, "h")


# --- the example checker agrees with jsonschema -------------------------------------------


def test_example_checker_agrees_with_jsonschema(feature_doc: dict[str, Any]) -> None:
    schemas = feature_doc["components"]["schemas"]
    request = (
        "#/components/schemas/"
        + operation(feature_doc, "/api/dostk/stkinfo#ka10099")["requestBody"]["content"][
            "application/json"
        ]["schema"]["$ref"].split("/")[-1]
    )
    cases: list[Any] = [
        {"stk_cd": "005930", "mrkt_tp": "0"},
        {"stk_cd": "0059301", "mrkt_tp": "0"},
        {"stk_cd": "005930"},
        {"stk_cd": "005930", "mrkt_tp": "3"},
        {"stk_cd": "005930", "mrkt_tp": "0", "qry_dt": "2024-01-02"},
        {"stk_cd": "005930", "mrkt_tp": "0", "qry_dt": ""},
        {"stk_cd": "005930", "mrkt_tp": "0", "crd_deal_tp": "33"},
        {"stk_cd": "005930", "mrkt_tp": "0", "crd_deal_tp": "33", "crd_loan_dt": ""},
        {"stk_cd": "005930", "mrkt_tp": "0", "crd_deal_tp": "33", "crd_loan_dt": "20240102"},
        {"stk_cd": "005930", "mrkt_tp": "0", "crd_deal_tp": "99"},
        {"stk_cd": 5930, "mrkt_tp": "0"},
        {"stk_cd": "005930", "mrkt_tp": "0", "other": "1"},
        [],
        "text",
    ]
    for value in cases:
        mine = _check({"$ref": request}, value, schemas)
        theirs = schema_errors(feature_doc, request, value)
        assert bool(mine) == bool(theirs), (value, mine, theirs)
    # Where Python's re and ECMA-262 differ, the checker follows ECMA-262 (Redocly, ajv):
    # a final `$` does not match before a trailing newline.
    late = {"stk_cd": "005930", "mrkt_tp": "0", "qry_dt": "20240102\n"}
    assert "qry_dt: '20240102\\n' does not match ^([0-9]{8})?$" in _check(
        {"$ref": request}, late, schemas
    )


# --- text that needs escaping -----------------------------------------------------------------


@pytest.fixture(scope="module")
def nasty_spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    path = write(
        tmp_path_factory.mktemp("openapi-nasty"),
        nasty_sheet(),
        error_codes=tuple((1000 + i, text) for i, text in enumerate(NASTY)),
    )
    return read(path).spec


def test_nasty_text_round_trips_through_json_and_yaml(nasty_spec: Spec) -> None:
    files = document_files(nasty_spec)
    from_json = json.loads(files[JSON_PATH])
    assert yaml.safe_load(files[YAML_PATH]) == from_json
    validate(from_json)
    api_ = nasty_spec.api("ka77777")
    op = from_json["paths"]["/api/dostk/nasty#ka77777"]["post"]
    assert op["summary"] == api_.summary
    # descriptions are CommonMark: raw HTML made inert by the one escaper (issue 20)
    assert op["description"].startswith(md_no_html(api_.overview))
    schema = from_json["components"]["schemas"][
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    ]
    for field in api_.request.body:
        assert schema["properties"][field.name]["description"] == md_no_html(field.description)
        assert schema["properties"][field.name]["title"] == field.label
    assert [e["message"] for e in from_json["x-kiwoom-error-codes"]] == [
        e.message for e in nasty_spec.error_codes
    ]
    media = op["requestBody"]["content"]["application/json"]
    kept = media.get("examples", {}).get("sheet") or media["x-kiwoom-nonconforming-example"]
    assert api_.request_example is not None
    assert kept["value"] == api_.request_example.value


def test_nasty_strings_round_trip_one_by_one() -> None:
    for text in NASTY + ["", "~", "0x1F", "1e3", ".inf", "- ", ": ", "#"]:
        data = {text: [text, {"k": text}]}
        for dumper in (PURE_DUMPER, None):
            out = dumps_yaml(data) if dumper is None else dumps_yaml(data, dumper=dumper)
            assert yaml.safe_load(out) == data, (text, out)
        assert json.loads(dumps_json(data)) == data


def test_libyaml_and_pure_python_emitters_agree(nasty_spec: Spec, feature_spec: Spec) -> None:
    for spec in (nasty_spec, feature_spec, shipped_spec()):
        doc_ = build_document(spec, "h")
        assert dumps_yaml(doc_, dumper=PURE_DUMPER) == dumps_yaml(doc_)
