"""Real-time in the generated client: the model's view of the WebSocket services, the names of
field ids, the typed messages of a package generated from WebSocket sheets (used end to end over
real sockets), ``mypy --strict``, the README's real-time program, and the import cost."""

from __future__ import annotations

import asyncio
import importlib
import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.model import Spec
from kiwoom_codegen.model.load import load
from kiwoom_codegen.model.realtime import (
    field_names,
    label_names,
    realtime_spec,
    shipped_realtime_table,
    valid_field_name,
)
from kiwoom_codegen.problems import SpecError
from kiwoom_codegen.regen.layout import WorkbookData, save_workbook

from tests.support.client_helpers import mypy_strict
from tests.support.fixtures import f
from tests.support.python_client_support import emit_files, imported, write_files
from tests.support.realtime_sheets import VALUES_0B, subscription, write_realtime_workbook

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    directory = tmp_path_factory.mktemp("rt_spec")
    write_realtime_workbook(directory / "realtime.xlsx")
    shutil.copy(SPECS / "realtime_fields.toml", directory)
    return load([directory]).spec


@pytest.fixture(scope="module")
def package_root(spec: Spec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(emit_files(spec), tmp_path_factory.mktemp("rt_pkg"))


# ---- the model ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_services_by_role_and_market(spec: Spec) -> None:
    rt = realtime_spec(spec)
    roles = {s.api.id: (s.role, s.market) for s in rt.services}
    assert roles == {
        "00": ("subscription", "domestic"),
        "0B": ("subscription", "domestic"),
        "F5": ("subscription", "us"),
        "FE": ("subscription", "us"),
        "ka10171": ("condition_list", "domestic"),
        "ka10172": ("condition_search", "domestic"),
        "ka10173": ("condition_live", "domestic"),
        "ka10174": ("condition_clear", "domestic"),
        "usa20280": ("condition_list", "us"),
        "usa20281": ("condition_search", "us"),
        "usa20290": ("condition_live", "us"),
        "usa20291": ("condition_clear", "us"),
    }
    types = {t.code: (t.api_id, t.needs_item, t.kind) for t in rt.types}
    assert types == {
        "00": ("00", False, "subscription"),
        "0B": ("0B", True, "subscription"),
        "F5": ("F5", False, "subscription"),
        "FE": ("FE", True, "subscription"),
        "02": ("ka10173", False, "condition"),
        "S2": ("usa20290", False, "condition"),
    }
    (domestic, us) = rt.conditions
    assert (domestic.list_trnm, domestic.request_trnm, domestic.clear_trnm) == (
        "CNSRLST", "CNSRREQ", "CNSRCLR")  # fmt: skip
    assert (us.list_trnm, us.live_type, us.path) == ("GCNSRLST", "S2", "/api/us/websocket")


def test_field_names_project_table_then_shipped_table_then_http_label_then_fallback(
    spec: Spec,
) -> None:
    fields = {f.id: f.python_name for f in realtime_spec(spec).type("0B").fields}
    assert fields == {
        "20": "cntr_tm",  # project table (specs/realtime_fields.toml) and shipped table
        "10": "cur_prc",
        "11": "pred_pre",
        "27": "sel_bid",  # shipped table (also the HTTP table's wire name for 매도호가)
        "290": "mkt_tp",  # shipped table
        "1890": "open_pric_tm",  # shipped table: the id decides, not the sheet's label
        "9081": "stex_tp",
    }
    labels = realtime_spec(spec).type("02").fields
    assert [(x.id, x.label) for x in labels][:3] == [
        ("841", "조건식일련번호"), ("9001", "종목코드"), ("843", "삽입삭제구분")]  # fmt: skip


def _http_with(spec: Spec, names: list[str], label: str = "현재가") -> Any:
    http = spec.api("ka10004")
    row = http.response.body[0]
    body = tuple(replace(row, name=n, label=label) for n in names)
    return replace(http, response=replace(http.response, body=body, variants=()))


def test_label_rule_takes_a_wire_name_with_90_percent_of_its_uses(spec: Spec) -> None:
    # 현재가 -> cur_prc 143 times and other names 3 times in the official edition: dominant
    names = label_names([_http_with(spec, ["cur_prc"] * 9 + ["pred_close_pric"])])
    assert names.get("현재가") == "cur_prc"
    assert "현재가" not in label_names([_http_with(spec, ["cur_prc"] * 8 + ["other"] * 2)])
    # never a private or dunder name, nor one that shadows the message classes' attributes
    for bad in ("_raw", "__slots__", "__init__", "values", "raw", "type", "item", "get"):
        assert "현재가" not in label_names([_http_with(spec, [bad] * 10)]), bad
    template = spec.api("0B").response.body[3].children[3].children[0]
    kids = [replace(template, name="777", label="현재가", python_name="values")]
    assert field_names(kids, {}, {}) == ["field_777"]  # a model name that shadows: refused


@pytest.mark.slow
@pytest.mark.parametrize("name", ["_raw", "__slots__", "__init__", "values", "to_dict", "class"])
def test_a_table_name_that_would_shadow_is_refused_with_a_located_error(
    tmp_path: Path, name: str
) -> None:
    write_realtime_workbook(tmp_path / "realtime.xlsx")
    (tmp_path / "realtime_fields.toml").write_text(f'[fields]\n"10" = "{name}"\n', "utf-8")
    with pytest.raises(SpecError) as info:
        load([tmp_path])
    lines = [p.line() for p in info.value.problems]
    assert any("realtime_fields.toml › fields.10" in line and repr(name) in line for line in lines)


@pytest.mark.slow
def test_without_config_the_shipped_table_names_fields_and_account_feeds(tmp_path: Path) -> None:
    write_realtime_workbook(tmp_path / "realtime.xlsx")
    bare = load([tmp_path / "realtime.xlsx"], use_config=False)
    rt = realtime_spec(bare.spec)
    assert {t.code: t.needs_item for t in rt.types if t.kind == "subscription"} == {
        "00": False, "0B": True, "F5": False, "FE": True}  # fmt: skip
    assert {f.id: f.python_name for f in rt.type("0B").fields}["10"] == "cur_prc"
    assert not [f for t in rt.types for f in t.fields if f.python_name.startswith("field_")]
    assert bare.self_check is not None and bare.self_check.unnamed == ()


def test_the_shipped_table_is_sorted_by_id_and_every_name_is_valid() -> None:
    """Its header asks to keep it sorted by id (a reviewer finds an id by scanning); every name
    passes the same check as a project's table."""
    text = (ROOT / "generator" / "data" / "realtime.toml").read_text(encoding="utf-8")
    ids = [int(m) for m in re.findall(r'^"(\d+)" = ', text, flags=re.M)]
    assert len(ids) > 300 and ids == sorted(ids) and len(set(ids)) == len(ids)
    table = shipped_realtime_table()
    assert len(table.fields) == len(ids)
    assert all(valid_field_name(name) for _, name in table.fields)


def test_the_self_check_lists_field_ids_still_without_a_name(tmp_path: Path) -> None:
    sheets = [
        subscription("0B", "주식체결", (*VALUES_0B, f("- - 88888", "새 항목", length=None))),
    ]
    save_workbook(WorkbookData(sheets), tmp_path / "rt.xlsx")
    loaded = load([tmp_path / "rt.xlsx"], use_config=False)
    assert loaded.self_check is not None and loaded.self_check.unnamed == ("88888",)
    assert any("88888" in note and "without a name" in note for note in loaded.notes)


@pytest.mark.slow
def test_full_size_synthetic_workbook_without_config(tmp_path: Path) -> None:
    """The measure of docs/realtime.md: field_<id> fallbacks on the full-size synthetic catalog
    workbook generated with no config (target: at most 5%), 0B's cur_prc, 691 not lpmmcm_nm_1."""
    from benchmarks.synth import write_synthetic

    loaded = load([write_synthetic(tmp_path / "kiwoom.xlsx")], use_config=False)
    rt = realtime_spec(loaded.spec)
    ids = {f.id: f.python_name for t in rt.types for f in t.fields}
    fallback = [i for i, n in ids.items() if n.startswith("field_")]
    assert len(rt.types) == 25 and len(fallback) <= 0.05 * len(ids)
    assert {f.id: f.python_name for f in rt.type("0B").fields}["10"] == "cur_prc"
    assert ids.get("691", "ko_access_rt") == "ko_access_rt"
    assert not rt.type("00").needs_item and not rt.type("04").needs_item
    assert not rt.type("F4").needs_item and not rt.type("F5").needs_item
    assert rt.type("S2").fields  # the US live condition type has typed fields


def test_field_names_are_unique_within_a_type(spec: Spec) -> None:
    template = spec.api("0B").response.body[3].children[3].children[0]
    rows = [("10", "현재가"), ("1890", "현재가"), ("27", "매도호가"), ("28", "매도호가")]
    kids = [replace(template, name=i, label=label) for i, label in rows]
    names = field_names(kids, {"10": "cur_prc"}, {"현재가": "cur_prc", "매도호가": "sel_bid"})
    assert names == ["cur_prc", "cur_prc_1890", "sel_bid", "sel_bid_28"]
    assert label_names(spec.apis)["매도호가"] == "sel_bid"
    assert "현재가" not in label_names(spec.apis)  # cur_prc 1 of 2 uses: not dominant


def test_message_class_names_are_english_names_and_codes(spec: Spec, tmp_path: Path) -> None:
    names = {t.code: t.class_name for t in realtime_spec(spec).types}
    assert names == {
        "00": "OrderFill00", "0B": "StockTrade0B", "F5": "UsFillF5", "FE": "UsTradeFE",
        "02": "SearchRealtime02", "S2": "UsSearchRealtimeS2",
    }  # fmt: skip
    # a type no names table knows keeps its code: Realtime0Z
    unknown = subscription("0Z", "새 실시간", VALUES_0B[:2])
    save_workbook(WorkbookData([unknown]), tmp_path / "unknown.xlsx")
    (only,) = realtime_spec(load([tmp_path]).spec).types
    assert (only.code, only.class_name) == ("0Z", "Realtime0Z")


def test_bad_realtime_table_is_one_clear_error(tmp_path: Path) -> None:
    write_realtime_workbook(tmp_path / "realtime.xlsx")
    (tmp_path / "realtime_fields.toml").write_text('[fields]\n"10" = "class"\n', encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load([tmp_path])
    text = str(info.value)
    assert "realtime_fields.toml › fields.10" in text and "'class'" in text


def test_model_json_keeps_ids_and_names(spec: Spec) -> None:
    values = spec.api("0B").to_json()["response"]["body"][3]["children"][3]
    assert values["name"] == "values"
    assert [(c["name"], c["python_name"], c["label"]) for c in values["children"]][:2] == [
        ("20", "cntr_tm", "체결시간"), ("10", "cur_prc", "현재가")]  # fmt: skip


# ---- the generated package ---------------------------------------------------------------


@pytest.mark.slow
def test_generated_package_types_every_realtime_type(package_root: Path) -> None:
    with imported(package_root) as pkg:
        registry = importlib.import_module(f"{pkg.__name__}._realtime_registry")
        types = registry.REALTIME_TYPES
        assert sorted(types) == ["00", "02", "0B", "F5", "FE", "S2"]
        trade = types["0B"].message_class({"type": "0B", "item": "005930",
                                           "values": {"10": "-20800", "27": "1"}})  # fmt: skip
        assert (trade.values.cur_prc, trade.values.sel_bid, trade.values.mkt_tp) == (
            "-20800", "1", None)  # fmt: skip
        assert types["F5"].needs_item is False and types["FE"].path == "/api/us/websocket"
        assert registry.CONDITION_SERVICES["/api/us/websocket"].list_trnm == "GCNSRLST"
        assert (
            pkg.RealtimeMessage
            is importlib.import_module(f"{pkg.__name__}._realtime_types").RealtimeMessage
        )


def test_generated_client_end_to_end(package_root: Path) -> None:
    with imported(package_root) as pkg:
        testing = importlib.import_module(f"{pkg.__name__}.testing")
        with testing.FakeKiwoomServer() as server:
            fake = server.realtime
            fake.set_conditions([("4", "신고가")], us=False)
            fake.set_condition_members("4", ["A005930"])

            async def main() -> tuple[Any, Any, Any]:
                async with pkg.AsyncKiwoomClient(
                    appkey="k",
                    secretkey="s",
                    base_url=server.url,
                    realtime_url=server.realtime_url,
                ) as client:
                    async with client.realtime() as rt:
                        trades = await rt.subscribe("0B", ["005930"])
                        watch = await rt.watch_condition("4")
                        fake.push("0B", "005930")
                        fake.push_condition("4", "A000660", "I")
                        trade, event = await trades.get(2), await watch.get(2)
                    async with client.realtime("us") as us:
                        quotes = await us.subscribe("FE", [{"jmcode": "NVDA", "stex_tp": "ND"}])
                        fake.push("FE", "NVDA")
                        quote = await quotes.get(2)
                    return trade, event, quote

            trade, event, quote = asyncio.run(main())
    assert type(trade).__name__ == "StockTrade0B" and trade.values.cur_prc == "+200"
    assert type(event.message).__name__ == "SearchRealtime02"
    assert event.message.values.insert_delete_tp == "I" and event.item == "A000660"
    assert type(quote).__name__ == "UsTradeFE" and quote.values.cur_prc == "+100"


def record_wire(fake: Any) -> list[dict[str, Any]]:
    """Every frame the fake server sends from now on (answers, REAL, PING), as sent."""
    sent: list[dict[str, Any]] = []
    send = fake._send

    async def recording(conn: Any, frame: Any) -> None:
        sent.append(json.loads(json.dumps(frame)))
        await send(conn, frame)

    fake._send = recording
    return sent


@pytest.fixture(scope="module")
def wire(package_root: Path) -> dict[str, list[dict[str, Any]]]:
    """Real frames over real sockets: what the client sent and what the fake server answered and
    pushed, for a domestic and a US subscription, an unsubscription, and the condition services."""
    with imported(package_root) as pkg:
        testing = importlib.import_module(f"{pkg.__name__}.testing")
        with testing.FakeKiwoomServer() as server:
            fake = server.realtime
            fake.set_conditions([("4", "신고가")], us=False)
            fake.set_condition_pages("4", [[{"9001": "A005930"}]])
            fake.set_condition_members("4", ["A005930"])
            received = record_wire(fake)

            async def main() -> None:
                async with pkg.AsyncKiwoomClient(
                    appkey="k", secretkey="s", base_url=server.url,
                    realtime_url=server.realtime_url,
                ) as client:  # fmt: skip
                    async with client.realtime() as rt:
                        trades = await rt.subscribe("0B", ["005930", "000660_NX"])
                        fake.push("0B", "005930")  # the sheet's example values
                        await trades.get(2)
                        await rt.condition_search("4")
                        watch = await rt.watch_condition("4")
                        fake.push_condition("4", "A000660", "I")
                        await watch.get(2)
                        await watch.close()
                        await trades.unsubscribe()
                    async with client.realtime("us") as us:
                        quotes = await us.subscribe("FE", [{"jmcode": "NVDA", "stex_tp": "ND"}])
                        fake.push("FE", "NVDA")
                        await quotes.get(2)

            asyncio.run(main())
            sent = [frame for _, frame in fake.frames]
    return {"sent": sent, "received": received}


def _api_of(frame: dict[str, Any], direction: str) -> str | None:
    """The API whose models describe a frame of the realtime workbook (None: LOGIN, PING)."""
    trnm = frame.get("trnm")
    if trnm in ("REG", "REMOVE"):
        if direction == "sent":
            return str(frame["data"][0]["type"][0])
        return "0B"  # an answer: any subscription API's response describes it
    if trnm == "REAL":
        code = frame["data"][0]["type"]
        return {"02": "ka10173", "S2": "usa20290"}.get(code, code)
    if trnm == "CNSRLST":
        return "ka10171"
    if trnm == "CNSRREQ":  # a live request (search_type 1) is ka10173's; answers are ka10172's
        return "ka10173" if frame.get("search_type") == "1" else "ka10172"
    if trnm == "CNSRCLR":
        return "ka10174"
    return None


@pytest.mark.slow
def test_operations_models_validate_the_frames_on_the_wire(
    package_root: Path, wire: dict[str, list[dict[str, Any]]]
) -> None:
    """The WebSocket APIs' models in OPERATIONS are the wire shapes: every frame the client sent
    validates against its API's request model, every answer and REAL frame the server sent
    against its API's response model."""
    checked: set[tuple[str, str]] = set()
    with imported(package_root) as pkg:
        ops = pkg.OPERATIONS
        for direction in ("sent", "received"):
            for frame in wire[direction]:
                api_id = _api_of(frame, direction)
                if api_id is None:
                    continue
                op = ops[api_id]
                model = op.request_model if direction == "sent" else op.response_model
                model.model_validate(frame)
                checked.add((direction, str(frame["trnm"])))
    assert checked >= {
        ("sent", "REG"), ("sent", "REMOVE"), ("sent", "CNSRLST"), ("sent", "CNSRREQ"),
        ("sent", "CNSRCLR"), ("received", "REG"), ("received", "REMOVE"), ("received", "REAL"),
        ("received", "CNSRLST"), ("received", "CNSRREQ"), ("received", "CNSRCLR"),
    }  # fmt: skip
    reals = [f for f in wire["received"] if f["trnm"] == "REAL"]
    assert {e["type"] for f in reals for e in f["data"]} == {"0B", "02", "FE"}
    assert all(isinstance(e["values"], dict) for f in reals for e in f["data"])
    regs = [f for f in wire["sent"] if f["trnm"] == "REG"]
    assert regs[0]["data"][0]["item"] == ["005930", "000660_NX"]
    assert regs[-1]["data"][0]["item"] == [{"jmcode": "NVDA", "stex_tp": "ND"}]
    listed = next(f for f in wire["received"] if f["trnm"] == "CNSRLST")
    assert listed["data"] == [["4", "신고가"]]  # rows are [seq, name] pairs


def test_operations_models_are_typed_and_refuse_the_sheet_shapes(package_root: Path) -> None:
    import pydantic

    with imported(package_root) as pkg:
        ops = pkg.OPERATIONS
        trade, us_trade = ops["0B"], ops["FE"]
        assert trade.response_example is not None and trade.request_example is not None
        push = trade.response_model.model_validate(trade.response_example)  # the sheet's REAL
        values = push.data[0].values
        assert (values.cur_prc, values.sel_bid) == ("+200", "+400")
        assert type(values).__name__ == "RealtimeStockTradeResponseDataItemValues"
        unknown = trade.response_model.model_validate(
            {"trnm": "REAL", "data": [{"type": "0B", "values": {"10": "1", "99999": "x"}}]}
        )
        assert unknown.data[0].values.model_extra == {"99999": "x"}  # an id the sheet lacks
        ack = trade.response_model.model_validate({"trnm": "REG", "return_code": 0})
        assert ack.return_code == 0
        reg = trade.request_model.model_validate(trade.request_example)
        assert reg.data[0].item == ["005930"] and reg.data[0].type_ == ["0B"]
        us = us_trade.request_model.model_validate(us_trade.request_example)
        assert us.data[0].item[0].jmcode == "NVDA"
        remove = {"trnm": "REMOVE", "grp_no": "1", "data": [{"item": ["005930"], "type": ["0B"]}]}
        trade.request_model.model_validate(remove)  # REMOVE sends no refresh
        refused = [
            # the sheet's shapes: values as a list, item and type as strings
            (trade.response_model, {"trnm": "REAL", "data": [{"values": [{"10": "1"}]}]}),
            (trade.response_model, {"trnm": "REAL", "data": [{"values": {"10": 20800}}]}),
            (trade.response_model, {"trnm": "REAL", "data": [{"values": {"99999": 1}}]}),
            (trade.request_model, {**remove, "data": [{"item": "005930", "type": "0B"}]}),
            (trade.request_model, {**remove, "data": [{"item": ["005930"], "type": []}]}),
            (trade.request_model, {**remove, "trnm": "REG"}),  # REG needs refresh
            (us_trade.request_model, {**remove, "data": [{"item": [{"stex_tp": "ND"}],
                                                           "type": ["FE"]}]}),
        ]  # fmt: skip
        for model, frame in refused:
            with pytest.raises(pydantic.ValidationError):
                model.model_validate(frame)


@pytest.mark.slow
def test_wire_shapes_over_odd_tables(tmp_path: Path) -> None:
    """Tables that type the wire's fields otherwise still give the wire shapes: `values` as a
    String without members (an object of strings), the list's rows as an Object, REG's `item`
    as a LIST with a member."""
    import dataclasses

    import pydantic

    from tests.support.realtime_sheets import f, realtime_sheets

    def retype(rows: Any, name: str, type_: str) -> tuple[Any, ...]:
        return tuple((r[0], r[1], type_, *r[3:]) if r[0] == name else r for r in rows)

    sheets = []
    for sheet in realtime_sheets():
        if sheet.api_id == "ka10171":
            sheet = dataclasses.replace(
                sheet, response_body=retype(sheet.response_body, "data", "Object")
            )
        elif sheet.api_id == "0B":
            request = retype(sheet.request_body, "- item", "LIST")
            at = [r[0] for r in request].index("- item") + 1
            response = tuple(r for r in sheet.response_body if not r[0].startswith("- - "))
            sheet = dataclasses.replace(
                sheet,
                request_body=(*request[:at], f("- - code", "코드", length=None), *request[at:]),
                response_body=retype(response, "- values", "String"),
            )
        sheets.append(sheet)
    save_workbook(WorkbookData(sheets), tmp_path / "odd.xlsx")
    loaded = load([tmp_path])
    assert loaded.self_check is not None and "response examples 4/4" in loaded.self_check.summary()
    root = write_files(emit_files(loaded.spec), tmp_path / "out")
    with imported(root) as pkg:
        ops = pkg.OPERATIONS
        rows = ops["ka10171"].response_model.model_validate({"data": [["1", "조건"]]}).data
        assert rows == [["1", "조건"]]
        reg = {"trnm": "REG", "grp_no": "1", "refresh": "1",
               "data": [{"item": ["005930"], "type": ["0B"]}]}  # fmt: skip
        assert ops["0B"].request_model.model_validate(reg).data[0].item == ["005930"]
        push = {"trnm": "REAL", "data": [{"values": {"10": "1"}}]}
        assert ops["0B"].response_model.model_validate(push).data[0].values == {"10": "1"}
        with pytest.raises(pydantic.ValidationError):
            ops["0B"].response_model.model_validate({"data": [{"values": [{"10": "1"}]}]})


def test_openapi_websocket_schemas_validate_the_frames_on_the_wire(
    spec: Spec, wire: dict[str, list[dict[str, Any]]]
) -> None:
    """The OpenAPI document's x-kiwoom-websocket schemas are the same wire shapes."""
    import jsonschema
    from kiwoom_codegen.emit.openapi import build_document

    ws = build_document(spec, spec.content_hash())["x-kiwoom-websocket"]
    services = {s["api-id"]: s for s in ws["services"]}
    text = json.dumps(ws["schemas"]).replace("#/x-kiwoom-websocket/schemas/", "#/$defs/")
    defs = json.loads(text)

    def errors(api_id: str, key: str, frame: dict[str, Any]) -> list[str]:
        root = {"$ref": f"#/$defs/{services[api_id][key]}", "$defs": defs}
        return [e.message for e in jsonschema.Draft202012Validator(root).iter_errors(frame)]

    for direction, key in (("sent", "requestSchema"), ("received", "responseSchema")):
        for frame in wire[direction]:
            api_id = _api_of(frame, direction)
            if api_id is not None:
                assert errors(api_id, key, frame) == [], (api_id, frame)
    assert errors("0B", "responseSchema", {"trnm": "REAL", "data": [{"values": [{"10": "1"}]}]})
    assert errors("0B", "requestSchema", {"trnm": "REMOVE", "grp_no": "1",
                                          "data": [{"item": "005930", "type": "0B"}]})  # fmt: skip


@pytest.mark.slow
def test_generated_realtime_package_passes_mypy_strict(package_root: Path, tmp_path: Path) -> None:
    user = tmp_path / "user.py"
    user.write_text(
        "from kiwoom_client import AsyncKiwoomClient, KiwoomClient\n"
        "from kiwoom_client._realtime_registry import StockTrade0B\n\n\n"
        "async def main(client: AsyncKiwoomClient) -> None:\n"
        "    async with client.realtime() as rt:\n"
        "        sub = await rt.subscribe('0B', ['005930'])\n"
        "        async for msg in sub:\n"
        "            if isinstance(msg, StockTrade0B):\n"
        "                price: str | None = msg.values.cur_prc\n"
        "                print(price, msg.raw)\n\n\n"
        "def sync(client: KiwoomClient) -> None:\n"
        "    with client.realtime('us') as rt:\n"
        "        for event in rt.watch_condition('1'):\n"
        "            print(event.action, event.item)\n",
        encoding="utf-8",
    )
    done = mypy_strict("kiwoom_client", package_root, tmp_path / "cache")
    assert done.returncode == 0, done.stdout
    done = mypy_strict(user, package_root, tmp_path / "cache")
    assert done.returncode == 0, done.stdout


@pytest.mark.slow
def test_importing_the_generated_package_does_not_import_websockets() -> None:
    code = (
        "import sys, kiwoom_client\n"
        "assert 'websockets' not in sys.modules, 'imported websockets'\n"
        "c = kiwoom_client.KiwoomClient(appkey='a', secretkey='b')\n"
        "rt = c.realtime()\n"
        "assert 'websockets' in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT / "generated" / "python",
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


# ---- the README ---------------------------------------------------------------------------------


def readme_program(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    section = text[text.index("## Real-time") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


@pytest.mark.slow
@pytest.mark.parametrize("readme", ["README.md", "generated/python/README.md"])
def test_the_readme_real_time_program_runs_as_written(readme: str) -> None:
    program = readme_program(ROOT / readme)
    assert len(program.strip().splitlines()) <= 12
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT / "generated" / "python",
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("0B 005930 -20800 ")


@pytest.mark.slow
def test_the_readme_account_feed_and_us_program_runs_as_written() -> None:
    """The README's second real-time block: the order-fill feed 00 (no items), async iteration
    under a timeout, and a US subscription with an item object."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Real-time") : text.index("## The OpenAPI document")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2 and "timeout=" in blocks[0]
    done = subprocess.run(
        [sys.executable, "-c", blocks[1]], cwd=ROOT / "generated" / "python",
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "00 0000123\n+135.20\n"


def test_every_frame_the_client_can_send_validates_for_every_type(
    spec: Spec, package_root: Path
) -> None:
    """The frames are built by the runtime's protocol module, as the client builds them: REG
    and REMOVE for every type (account feeds with [""], US items as objects, 0I whose sheet
    enumerates its items), the condition services of both markets. Each validates against its
    API's request model in OPERATIONS and against the AsyncAPI document's message."""
    from kiwoom_codegen.emit.asyncapi import build_document

    from tests.support.asyncapi_support import message_validator

    document = build_document(spec)
    nvda = {"jmcode": "NVDA", "stex_tp": "ND"}
    with imported(package_root) as pkg:
        proto = importlib.import_module(pkg.__name__ + "._realtime_protocol")
        registry = importlib.import_module(pkg.__name__ + "._realtime_registry")
        checked: list[tuple[str, str]] = []
        for code, info in registry.REALTIME_TYPES.items():
            if info.api_id != code:
                continue  # a live condition type: pushed only, never registered
            us = info.path == proto.PATHS["us"]
            items = (
                [] if not info.needs_item else [nvda] if us else [{"0I": "MGD"}.get(code, "005930")]
            )
            data = proto.registration_data([code], items)
            for frame in (proto.reg("1", True, data), proto.remove("1", data)):
                pkg.OPERATIONS[code].request_model.model_validate(frame)
                key = "Register" if frame["trnm"] == "REG" else "Remove"
                assert list(message_validator(document, key).iter_errors(frame)) == [], frame
                checked.append((code, frame["trnm"]))
        ids = {
            "domestic": ("ka10171", "ka10172", "ka10173", "ka10174"),
            "us": ("usa20280", "usa20281", "usa20290", "usa20291"),
        }
        for market, (lst, one_off, live, clr) in ids.items():
            service = registry.CONDITION_SERVICES[proto.PATHS[market]]
            prefix = "Domestic" if market == "domestic" else "Us"
            frames = [
                (lst, "ConditionList", proto.condition_list(service)),
                (one_off, "ConditionRequest", proto.condition_request(service, "1", live=False)),
                (live, "ConditionRequest", proto.condition_request(service, "1", live=True)),
                (clr, "ConditionClear", proto.condition_clear(service, "1")),
            ]
            for api_id, message, frame in frames:
                pkg.OPERATIONS[api_id].request_model.model_validate(frame)
                errors = list(message_validator(document, prefix + message).iter_errors(frame))
                assert errors == [], frame
                checked.append((api_id, frame["trnm"]))
            assert ("stex_tp" in frames[1][2]) is (market == "domestic")
    assert len(checked) == 2 * 4 + 8  # 4 types × REG, REMOVE; 2 markets × 4 services


@pytest.mark.slow
def test_a_type_whose_sheet_enumerates_its_items_still_takes_the_item_array(
    tmp_path: Path,
) -> None:
    """0I's sheet lists its items as an enumeration (MGD, MGU); the wire has an array."""
    sheet = subscription(
        "0I",
        "국제금환산가격",
        (f("- - 10", "현재가", length=None),),
        item_description="MGD:원/g, MGU:달러/온스",
    )
    save_workbook(WorkbookData([sheet]), tmp_path / "0i.xlsx")
    spec0 = load([tmp_path / "0i.xlsx"], use_config=False).spec
    with imported(write_files(emit_files(spec0), tmp_path / "pkg")) as pkg:
        proto = importlib.import_module(pkg.__name__ + "._realtime_protocol")
        model = pkg.OPERATIONS["0I"].request_model
        model.model_validate(proto.reg("1", True, proto.registration_data(["0I"], ["MGD"])))
        model.model_validate(proto.remove("1", proto.registration_data(["0I"], ["MGU"])))
