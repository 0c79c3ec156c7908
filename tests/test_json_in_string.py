"""A request field that carries a JSON list of objects inside its string (the US watchlist
`stk_cd`, KIWOOM_FORMAT.md / issue 20): the caller passes the list, the client serialises it,
and the OpenAPI document says so. Generated from a sheet in the official layout, called over
real HTTP against the fake server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pydantic
import pytest

from tests.support.client_helpers import APPKEY, SECRETKEY, Generated, generate, imported
from tests.support.fixtures import api, write

API_ID = "usa90200"
EXAMPLE = [{"stex_tp": "ND", "stk_cd": "NVDA"}, {"stex_tp": "NY", "stk_cd": "KO"}]


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    sheet = api(
        API_ID,
        "미국주식 관심종목 시세",
        menu=f"미국주식 > 관심종목 > 미국주식 관심종목 시세({API_ID})",
        url="/api/us/watch",
        request=[("stk_cd", "종목코드", "String", "Y", 4000, "종목코드 리스트")],
        response=[("cur_prc", "현재가", "String", "N", 20, "")],
        request_example=json.dumps({"stk_cd": json.dumps(EXAMPLE[:1])}, ensure_ascii=False),
    )
    specs = write(tmp_path_factory.mktemp("json_specs"), sheet)
    python = generate([specs], tmp_path_factory.mktemp("json_out"))
    with imported(python, tmp_path_factory.mktemp("json_import"), "jsonstr") as generated:
        yield generated


def _method(client: Any, gen: Generated) -> Any:
    group, method = gen.OPERATIONS[API_ID].python_name.rsplit(".", 1)
    target = client
    for part in group.split("."):
        target = getattr(target, part)
    return getattr(target, method)


def test_the_caller_passes_a_list_and_the_wire_gets_its_json_text(gen: Generated) -> None:
    with gen.FakeKiwoomServer(appkey=APPKEY, secretkey=SECRETKEY) as server:
        with gen.KiwoomClient(appkey=APPKEY, secretkey=SECRETKEY, base_url=server.url) as client:
            call = _method(client, gen)
            call(stk_cd=EXAMPLE)
            call(stk_cd=json.dumps(EXAMPLE))  # the JSON text itself still works
            sent = [r.json["stk_cd"] for r in server.requests_for(API_ID)]
            assert all(isinstance(s, str) for s in sent)
            assert [json.loads(s) for s in sent] == [EXAMPLE, EXAMPLE]
            for bad in ([1, 2], [{"stk_cd": 5}], {"stk_cd": "NVDA"}):
                with pytest.raises(pydantic.ValidationError, match="stk_cd"):
                    call(stk_cd=bad)
            assert len(server.requests_for(API_ID)) == 2  # nothing sent for the bad ones


def test_the_signature_and_the_document_say_so(gen: Generated) -> None:
    import inspect

    call = _method(gen.KiwoomClient(appkey=APPKEY, secretkey=SECRETKEY), gen)
    hint = str(inspect.signature(call).parameters["stk_cd"].annotation)
    assert "Sequence[collections.abc.Mapping[str, str]]" in hint
    openapi = json.loads((gen.python_dir.parent / "openapi.json").read_text(encoding="utf-8"))
    found = [
        schema["properties"]["stk_cd"]
        for schema in openapi["components"]["schemas"].values()
        if "stk_cd" in schema.get("properties", {})
        and "x-kiwoom-value" in schema["properties"]["stk_cd"]
    ]
    assert found and found[0]["type"] == "string"  # the wire is a string
    value = found[0]["x-kiwoom-value"]
    assert (value["kind"], value["items"]) == ("json", ["stex_tp", "stk_cd"])
