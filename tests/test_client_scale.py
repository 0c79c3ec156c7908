"""The client generated from a full-size workbook: benchmarks/synth.py's 337 APIs (the real ids,
menus and names of Kiwoom's catalog, made-up tables).

Generation succeeds, every HTTP API is reachable by its reviewed English name
(``client.chart.daily``, ``client.us.orders.buy``) and answers
over real HTTP, WebSocket APIs are not offered as methods but every real-time service is typed
(all 23 subscription types and both live condition types), groups load lazily, and
``mypy --strict`` passes on the whole package (about 50 modules: measured at 20-30 s, so no
subset is needed).
Generating the package is the slow part (about a minute, mostly black and
datamodel-code-generator); it runs once for the module.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
import time
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
from kiwoom_codegen.model.names_table import default_names_table

from tests.support.client_helpers import (
    APPKEY,
    PACKAGE,
    SECRETKEY,
    Generated,
    clean_env,
    generate,
    imported,
    mypy_strict,
    run,
)

pytestmark = pytest.mark.slow  # every test works on the full-size workbook

synth = pytest.importorskip("benchmarks.synth")
CATALOG_MENUS = [(row[0], row[3]) for row in synth.catalog()]  # (id, menu)

N_APIS = 337


def resolve(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    root = tmp_path_factory.mktemp("scale")
    workbook = synth.write_synthetic(root / "kiwoom.xlsx", n=N_APIS)
    started = time.perf_counter()
    python = generate([workbook], root / "generated")
    print(f"\ngenerated {N_APIS} APIs in {time.perf_counter() - started:.1f}s")
    with imported(python, tmp_path_factory.mktemp("scale_import"), "scale") as generated:
        yield generated


CANDIDATES = ("1", "20240101", "20240101093000", "093000", "0", "2024", "09:30", "09:30:00")


class Unsatisfiable(Exception):
    """A field that no value passes (e.g. a Literal whose values all break max_length)."""


def _text_type(annotation: Any) -> Any:
    """``str`` or a ``Literal`` (with ``None`` taken out of an optional), else None; an open
    enumeration, ``Literal[...] | str``, gives its ``Literal`` (known values pass for sure)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        literals = [a for a in args if typing.get_origin(a) is typing.Literal]
        if len(args) == 1:
            annotation = args[0]
        elif len(literals) == 1 and set(args) == {literals[0], str}:
            annotation = literals[0]
    literal = typing.get_origin(annotation) is typing.Literal
    return annotation if annotation is str or literal else None


def sample_value(name: str, field: Any) -> str:
    """A value the field accepts: the test's key for ``appkey``/``secretkey`` (au10001 and
    au10002 are APIs of the workbook), else the first Literal value or candidate that passes
    the field's constraints (length, pattern)."""
    if name in ("appkey", "secretkey"):
        return APPKEY if name == "appkey" else SECRETKEY
    text = _text_type(field.annotation)
    assert text is not None, f"{name}: {field.annotation}"
    choices = CANDIDATES if text is str else tuple(map(str, typing.get_args(text)))
    if not field.metadata:
        return choices[0]
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(
        typing.Annotated[text, *field.metadata]
    )
    for choice in choices:
        try:
            adapter.validate_python(choice)
        except pydantic.ValidationError:
            continue
        return choice
    raise Unsatisfiable(f"{name}: no value of {text} passes {field.metadata}")


def sample_kwargs(model: Any) -> dict[str, str]:
    """Arguments the request model accepts: its required fields or, when a condition asks for
    more (required_if), every text field."""
    fields = model.model_fields
    kwargs = {n: sample_value(n, f) for n, f in fields.items() if f.is_required()}
    try:
        model.model_validate(kwargs)
    except pydantic.ValidationError:
        kwargs = {n: sample_value(n, f) for n, f in fields.items() if _text_type(f.annotation)}
        model.model_validate(kwargs)
    return kwargs


def unsatisfiable(gen: Generated) -> dict[str, str]:
    """api id -> the problem, for the HTTP APIs whose request model accepts no input at all."""
    out: dict[str, str] = {}
    for op in gen.OPERATIONS.values():
        if op.transport == "http":
            try:
                sample_kwargs(op.request_model)
            except Unsatisfiable as exc:
                out[op.api_id] = str(exc)
    return out


def test_every_api_of_the_workbook_is_generated(big: Generated) -> None:
    data = synth.synthetic_workbook(N_APIS)
    ids = [s.api_id for s in data.sheets]
    assert sorted(big.OPERATIONS) == sorted(ids) and len(ids) == N_APIS
    ws = [op for op in big.OPERATIONS.values() if op.transport == "websocket"]
    assert len(ws) >= 30 and {"0g", "0G", "0u", "0U"} <= {op.api_id for op in ws}
    files = [p.relative_to(big.python_dir).as_posix() for p in big.python_dir.rglob("*.py")]
    assert len({f.casefold() for f in files}) == len(files)  # no clash on case-insensitive disks


def test_every_api_has_its_reviewed_name(big: Generated) -> None:
    table = default_names_table().apis
    for op in big.OPERATIONS.values():
        entry = table[op.api_id]
        assert (op.group, op.method) == (entry.group, entry.method), op.api_id
    assert big.OPERATIONS["ka10081"].python_name == "chart.daily"
    assert big.OPERATIONS["ust20000"].python_name == "us.orders.buy"


def test_every_http_api_is_a_method_and_answers(big: Generated) -> None:
    http_groups = {op.group for op in big.OPERATIONS.values() if op.transport == "http"}
    aclient = big.AsyncKiwoomClient(appkey=APPKEY, secretkey=SECRETKEY)
    broken = unsatisfiable(big)
    with big.FakeKiwoomServer(appkey=APPKEY, secretkey=SECRETKEY) as server:
        kwargs = {"appkey": APPKEY, "secretkey": SECRETKEY, "base_url": server.url}
        with big.KiwoomClient(**kwargs, rate_limit=False) as client:  # not about pacing
            called: set[str] = set()
            for op in big.OPERATIONS.values():
                if op.transport == "websocket":
                    if op.group == "realtime":  # served by the real-time session instead
                        assert callable(client.realtime) and not hasattr(client.realtime, op.method)
                    elif op.group not in http_groups:
                        with pytest.raises(AttributeError):  # WebSocket groups are not offered
                            resolve(client, op.group)
                    else:
                        assert not hasattr(resolve(client, op.group), op.method)
                    continue
                if not op.group:  # au10001/au10002: the client's own token methods
                    assert callable(resolve(client, op.python_name))
                    continue
                method = resolve(client, op.python_name)
                assert callable(resolve(aclient, op.python_name))  # the twin
                if op.api_id in broken:
                    continue  # reported by test_every_http_api_accepts_some_input
                resp = method(**sample_kwargs(op.request_model))
                assert resp.body["return_code"] == 0 and resp.api_id == op.api_id
                assert isinstance(resp.data, op.response_model)
                called.add(op.api_id)
    http_ids = {op.api_id for op in big.OPERATIONS.values() if op.transport == "http" and op.group}
    assert called == http_ids - set(broken) and len(http_ids) >= 300
    assert {r.api_id for r in server.requests} == called | {"au10001"}  # and the token
    assert len(server.requests) == len(called) + 1  # one call each, plus the client's token


def test_every_http_api_accepts_some_input(big: Generated) -> None:
    """A required field that no value passes makes its API uncallable. The official workbook's
    lengths are not always consistent with its enumerations (KIWOOM_FORMAT.md), and
    synth.py pairs a random Length with an enumeration description on purpose."""
    assert unsatisfiable(big) == {}


def sheet_documents(text: str | None) -> list[Any]:
    """The JSON documents of a sheet's example (several after `#...` lines)."""
    chunks = re.split(r"^#.*$", text or "", flags=re.M)
    return [json.loads(chunk) for chunk in chunks if chunk.strip()]


def test_every_realtime_service_is_typed(big: Generated) -> None:
    """The catalog's 31 WebSocket services: the 23 subscription types (type code = API id) and
    both live condition types (02, US S2) have typed messages that read the sheets' pushed
    values; the 8 condition services are their paths' condition services; and every WebSocket
    API's OPERATIONS models take its sheet's example frames (the wire shapes)."""
    registry = importlib.import_module(f"{big.pkg.__name__}._realtime_registry")
    ws = {op.api_id: op for op in big.OPERATIONS.values() if op.transport == "websocket"}
    conditions = {i for i in ws if " > 조건검색 > " in dict(CATALOG_MENUS)[i]}
    subscriptions = set(ws) - conditions
    assert (len(ws), len(subscriptions), len(conditions)) == (31, 23, 8)
    types = registry.REALTIME_TYPES
    assert set(types) == subscriptions | {"02", "S2"}
    assert {types[c].api_id for c in subscriptions} == subscriptions  # the code is the API id
    assert (types["02"].api_id, types["S2"].api_id) == ("ka10173", "usa20290")
    assert {c for c, t in types.items() if t.path == "/api/us/websocket"} == {
        "F4", "F5", "FE", "FT", "S2"}  # fmt: skip
    names = {t.message_class.__name__ for t in types.values()}
    assert len(names) == 25  # 0g and 0G too
    for code, info in types.items():
        assert info.example_values, code  # every sheet's REAL example, typed
        msg = info.message_class({"type": code, "item": "X", "values": info.example_values})
        assert msg.values.to_dict() and msg.values.FIELDS, code
        for field_id, (attr, _) in msg.values.FIELDS.items():
            assert getattr(msg.values, attr) == info.example_values.get(field_id)
    services = registry.CONDITION_SERVICES
    assert {p: (s.list_trnm, s.request_trnm, s.clear_trnm, s.live_type)
            for p, s in services.items()} == {
        "/api/dostk/websocket": ("CNSRLST", "CNSRREQ", "CNSRCLR", "02"),
        "/api/us/websocket": ("GCNSRLST", "GCNSRREQ", "GCNSRCLR", "S2"),
    }  # fmt: skip
    checked = 0
    for sheet in synth.synthetic_workbook(N_APIS).sheets:
        op = ws.get(sheet.api_id)
        if op is None:
            continue
        for model, text in (
            (op.request_model, sheet.request_example),
            (op.response_model, sheet.response_example),
        ):
            for document in sheet_documents(text):
                model.model_validate(document)
                checked += 1
    assert checked == 31 * 2 + 23 + 2  # subscriptions and live conditions: ack/lookup + push


def test_realtime_of_the_full_package_without_config(big: Generated) -> None:
    """Generated with no config at all: the shipped real-time table names the fields (at most
    5% fall back to field_<id>; 0B's 10 is cur_prc), and against the package's own fake
    server the account feed 00 and US F5 register with [""] and receive, and the US condition
    search (GCNSR*) works end to end."""
    import asyncio

    registry = importlib.import_module(f"{big.pkg.__name__}._realtime_registry")
    testing = importlib.import_module(f"{big.pkg.__name__}.testing")
    fields = {
        i: n
        for t in registry.REALTIME_TYPES.values()
        for i, (n, _) in t.message_class.VALUES.FIELDS.items()
    }
    fallback = [i for i, n in fields.items() if n.startswith("field_")]
    assert len(fallback) <= 0.05 * len(fields), fallback
    assert registry.REALTIME_TYPES["0B"].message_class.VALUES.FIELDS["10"][0] == "cur_prc"
    assert (
        not registry.REALTIME_TYPES["00"].needs_item
        and not registry.REALTIME_TYPES["F5"].needs_item
    )

    with testing.FakeKiwoomServer() as server:
        fake = server.realtime
        fake.set_conditions([("7", "US momentum")], us=True)
        fake.set_condition_pages("7", [[{"jmcode": "NVDA"}]], us=True)

        async def main() -> Any:
            async with big.pkg.AsyncKiwoomClient(
                appkey="k", secretkey="s", base_url=server.url, realtime_url=server.realtime_url
            ) as client:
                async with client.realtime() as rt:
                    orders = await rt.subscribe("00")
                    trades = await rt.subscribe("0B", ["005930"])
                    fake.push("00", "", {"9203": "0000001"})
                    fake.push("0B", "005930", {"10": "-20800"})
                    order, trade = await orders.get(30), await trades.get(30)
                async with client.realtime("us") as us:
                    fills = await us.subscribe("F5")
                    fake.push("F5", "", {"10": "1"})
                    fill = await fills.get(30)
                    rows = await us.condition_search("7")
            return order, trade, fill, rows

        order, trade, fill, rows = asyncio.run(main())
        regs = fake.frames_of("REG")
    assert [r["data"][0]["item"] for r in regs] == [[""], ["005930"], [""]]
    assert order.values["9203"] == "0000001" and trade.values.cur_prc == "-20800"
    assert fill.type == "F5" and rows == [{"jmcode": "NVDA"}]


def test_groups_are_imported_lazily(big: Generated, tmp_path: Path) -> None:
    code = f"""
import json, sys
import {PACKAGE}
client = {PACKAGE}.KiwoomClient(appkey="k", secretkey="s", env="mock")
def loaded(part):
    prefix = "{PACKAGE}." + part + "."
    return sorted(m[len(prefix):] for m in sys.modules if m.startswith(prefix))
before = (loaded("resources"), loaded("models"))
group = sorted({{op.group for op in {PACKAGE}.OPERATIONS.values()
                if op.transport == "http" and op.group and "." not in op.group}})[0]
getattr(client, group)
after = (loaded("resources"), loaded("models"))
print(json.dumps({{"before": before, "group": group, "after": after}}))
"""
    proc = run(
        [sys.executable, "-c", code], cwd=tmp_path, env=clean_env(PYTHONPATH=str(big.python_dir))
    )
    out = json.loads(proc.stdout)
    assert out["before"] == [[], []]
    assert out["after"] == [[out["group"]], [out["group"]]]


def test_mypy_strict_passes_on_the_full_package(big: Generated, tmp_path: Path) -> None:
    started = time.perf_counter()
    proc = mypy_strict(PACKAGE, big.python_dir, tmp_path / ".mypy_cache")
    elapsed = time.perf_counter() - started
    print(f"\nmypy --strict on {N_APIS} APIs: {elapsed:.1f}s")
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert "Success: no issues found" in proc.stdout
