"""The generated Python client, type-checked, imported and used.

The package for specs/ is written to a temporary directory, checked with ``mypy --strict`` and
imported from there (:func:`tests.support.python_client_support.imported`). Then: the registry,
request validation before sending (lengths, enumerations, required fields, the kt10007
condition), unset fields left out of the body, lenient responses, the sheet examples, the
sync/async twins, real calls through the fake server; spec text that tries to break out of
strings, docstrings and comments; names that collide; and a synthetic workbook of 40 APIs.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import inspect
import itertools
import json
import tomllib
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic
import pytest
from kiwoom_codegen.emit.python_view import CLIENT_ATTRIBUTES
from kiwoom_codegen.escape import md_code, py_docstring, py_str, toml_str
from kiwoom_codegen.model import Spec, Transport
from kiwoom_codegen.regen.layout import SheetData

from tests.support.fixtures import WSS, WSS_MOCK, api, f, read, write
from tests.support.python_client_support import (
    PACKAGE,
    emit_files,
    imported,
    is_runtime_copy,
    run_python,
    shipped_files,
    shipped_spec,
    write_files,
)

BUY = {"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1", "trde_tp": "3"}
SELL = {**BUY, "crd_deal_tp": "33"}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(shipped_files(), tmp_path_factory.mktemp("pyclient"))


@pytest.fixture(scope="module")
def pkg(root: Path) -> Iterator[ModuleType]:
    with imported(root) as module:
        yield module


def _import(pkg: ModuleType, name: str) -> ModuleType:
    import importlib

    return importlib.import_module(f"{pkg.__name__}.{name}")


@pytest.fixture()
def server(pkg: ModuleType) -> Iterator[Any]:
    testing = _import(pkg, "testing")
    with testing.FakeKiwoomServer() as fake:
        yield fake


# --- type checking and imports -------------------------------------------------------------


@pytest.mark.slow
def test_mypy_strict(root: Path, tmp_path: Path) -> None:
    done = run_python(
        "import sys; from mypy import api\n"
        f"out, err, code = api.run(['--strict', '--cache-dir', {str(tmp_path / 'cache')!r}, "
        f"{PACKAGE!r}])\n"
        "print(out, err); sys.exit(code)\n",
        cwd=root,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_models_are_imported_per_api_on_first_use(root: Path) -> None:
    """Importing the client and touching a group builds no model class and imports no part of
    pydantic; the first use of a class imports that one API's module (emit/python_split.py)."""
    done = run_python(
        "import sys, json\n"
        f"import {PACKAGE}\n"
        f"client = {PACKAGE}.KiwoomClient(appkey='k', secretkey='s', env='mock')\n"
        "client.credit_orders\n"
        "def loaded(): return sorted(m for m in sys.modules if '._credit_orders' in m)\n"
        "touched = (loaded(), 'pydantic.main' in sys.modules)\n"
        f"from {PACKAGE}.models.credit_orders import CreditOrdersSellRequest\n"
        "CreditOrdersSellRequest.model_validate("
        "{'dmst_stex_tp': 'KRX', 'stk_cd': '005930', 'ord_qty': '1', 'trde_tp': '3',"
        " 'crd_deal_tp': '99'})\n"
        "print(json.dumps([touched, loaded()]))\n",
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    (touched, pydantic_loaded), after = json.loads(done.stdout)
    assert touched == [] and pydantic_loaded is False
    assert after == [
        f"{PACKAGE}.models._credit_orders",
        f"{PACKAGE}.models._credit_orders._shared",
        f"{PACKAGE}.models._credit_orders.sell",
    ]


def test_imports_are_sorted_and_used(root: Path) -> None:
    """Exactly the needed imports, sorted (ruff's isort and unused-import rules)."""
    generated = [
        rel.removeprefix("python/")
        for rel, data in shipped_files().items()
        if rel.endswith(".py") and not is_runtime_copy(data)
    ]
    done = run_python(
        "import subprocess, sys\n"
        "sys.exit(subprocess.run([sys.executable, '-m', 'ruff', 'check', '--isolated', "
        f"'--select', 'I,F,E9', '--output-format', 'concise', *{generated!r}]).returncode)\n",
        cwd=root,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_import_is_cheap(root: Path) -> None:
    done = run_python(
        f"import sys, {PACKAGE}\n"
        f"print(sorted(m for m in sys.modules if m.startswith('{PACKAGE}.')))\n"
        f"c = {PACKAGE}.KiwoomClient(appkey='k', secretkey='s')\n"
        "c.credit_orders\n"
        f"print(sorted(m for m in sys.modules if m.startswith('{PACKAGE}.')))\n",
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    before, after = (json.loads(line.replace("'", '"')) for line in done.stdout.splitlines())
    assert not any(".models" in m or ".resources" in m for m in before)
    assert f"{PACKAGE}.resources.credit_orders" in after
    assert f"{PACKAGE}.models.credit_orders" in after


def test_package_exports(pkg: ModuleType) -> None:
    spec = shipped_spec()
    names = "KiwoomClient AsyncKiwoomClient OPERATIONS NOT_GIVEN KiwoomResponse KiwoomError"
    for name in (names + " KiwoomAPIError OrderStateUnknownError ERROR_CODES").split():
        assert name in pkg.__all__ and hasattr(pkg, name)
    assert pkg.__version__ == spec.package_version
    assert pkg.__spec_hash__ == spec.content_hash()
    assert pkg.ERROR_CODES == {e.code: e.message for e in spec.error_codes}


@pytest.mark.slow
def test_realtime_names_are_exported_lazily(root: Path) -> None:
    """``import`` + a client + a group do not import the real-time types; every name of
    ``__all__`` is then importable (``from pkg import X``, ``import *``, attribute access), is
    listed by ``dir()``, and is the object its module defines; a wrong name is an
    AttributeError as usual."""
    done = run_python(
        "import importlib, json, sys\n"
        f"import {PACKAGE} as pkg\n"
        "client = pkg.KiwoomClient(appkey='k', secretkey='s', env='mock')\n"
        "client.credit_orders\n"
        "before = sorted(m for m in sys.modules if 'realtime' in m)\n"
        "names = {n: getattr(pkg, n) for n in pkg.__all__}\n"
        "home = {n: importlib.import_module(v.__module__) for n, v in names.items()\n"
        "        if isinstance(v, type)}\n"
        "same = all(getattr(m, n) is names[n] for n, m in home.items())\n"
        "star = {}\n"
        f"exec('from {PACKAGE} import *', star)\n"
        f"exec('from {PACKAGE} import RealtimeMessage, StatusEvent, KiwoomClient', {{}})\n"
        "try:\n"
        "    pkg.NoSuchName\n"
        "    missing = ''\n"
        "except AttributeError as exc:\n"
        "    missing = str(exc)\n"
        "print(json.dumps({'before': before, 'same': same, 'modules': sorted(\n"
        "    {m.__name__ for m in home.values()}),\n"
        "    'star': sorted(set(pkg.__all__) - set(star)), 'dir': sorted(set(pkg.__all__) -\n"
        "    set(dir(pkg))), 'missing': missing}))\n",
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["before"] == [f"{PACKAGE}._realtime_urls"]  # the client's URL, no types
    assert out["same"] and f"{PACKAGE}._realtime_types" in out["modules"]
    assert out["star"] == [] and out["dir"] == []
    assert out["missing"] == f"module {PACKAGE!r} has no attribute 'NoSuchName'"


# --- the registry --------------------------------------------------------------------------


def test_operations(pkg: ModuleType) -> None:
    ops = pkg.OPERATIONS
    assert list(ops) == ["kt10006", "kt10007", "kt10008", "kt10009"]
    methods = {"kt10006": "buy", "kt10007": "sell", "kt10008": "modify", "kt10009": "cancel"}
    for api_id, op in ops.items():
        assert op.api_id == api_id
        assert op.path == "/api/dostk/crdordr"
        assert op.is_order is True
        assert op.transport == "http"
        assert (op.group, op.method) == ("credit_orders", methods[api_id])
        assert op.request_model.__name__ == f"CreditOrders{methods[api_id].title()}Request"
        assert op.response_model.__name__ == f"CreditOrders{methods[api_id].title()}Response"
    with pytest.raises(TypeError):
        ops["x"] = ops["kt10006"]  # read-only


def test_examples_are_in_the_registry_and_validate(pkg: ModuleType) -> None:
    """Every valid example of the sheets validates against its generated model."""
    checked = 0
    for a in shipped_spec().apis:
        op = pkg.OPERATIONS[a.id]
        for example, model, kept in (
            (a.request_example, op.request_model, op.request_example),
            (a.response_example, op.response_model, op.response_example),
        ):
            if example is None or not example.valid:
                assert kept is None
                continue
            assert kept == example.value
            model.model_validate(example.value)
            checked += 1
    assert checked == 5


# --- requests: strict, validated before sending ---------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"ord_qty": "1" * 13},  # max 12
        {"trde_tp": "99"},  # not an allowed value
        {"dmst_stex_tp": "KOSPI"},
        {"stk_cd": None},
        {"unknown_field": "x"},  # strict: unknown fields rejected
    ],
)
def test_invalid_requests_are_rejected(pkg: ModuleType, change: dict[str, Any]) -> None:
    body = {**BUY, **change}
    if change.get("stk_cd", "") is None:
        del body["stk_cd"]  # missing
    with pytest.raises(pydantic.ValidationError):
        pkg.OPERATIONS["kt10006"].request_model.model_validate(body)


def test_valid_request_at_the_limits(pkg: ModuleType) -> None:
    model = pkg.OPERATIONS["kt10006"].request_model
    model.model_validate({**BUY, "ord_qty": "1" * 12, "trde_tp": "31", "dmst_stex_tp": "SOR"})


def test_condition_crd_loan_dt_required_for_33(pkg: ModuleType) -> None:
    model = pkg.OPERATIONS["kt10007"].request_model
    with pytest.raises(pydantic.ValidationError, match="crd_loan_dt"):
        model.model_validate(SELL)
    with pytest.raises(pydantic.ValidationError, match="crd_loan_dt"):
        model.model_validate({**SELL, "crd_loan_dt": ""})
    model.model_validate({**SELL, "crd_loan_dt": "20241101"})
    model.model_validate({**SELL, "crd_deal_tp": "99"})  # 융자합: not required
    with pytest.raises(pydantic.ValidationError):
        model.model_validate({**SELL, "crd_loan_dt": "2024-11-01"})  # YYYYMMDD


def test_unset_optional_fields_are_absent(pkg: ModuleType) -> None:
    model = pkg.OPERATIONS["kt10006"].request_model
    dumped = model.model_validate(BUY).model_dump(mode="json", exclude_unset=True, by_alias=True)
    assert dumped == BUY


def test_method_validates_before_sending(pkg: ModuleType, server: Any) -> None:
    client = pkg.KiwoomClient(appkey="k", secretkey="s", base_url=server.url)
    with client:
        with pytest.raises(pydantic.ValidationError):
            client.credit_orders.buy(**{**BUY, "ord_qty": "1" * 13})
        with pytest.raises(pydantic.ValidationError, match="crd_loan_dt"):
            client.credit_orders.sell(**SELL)
    assert server.requests == []  # not even a token was asked for


@pytest.mark.slow
def test_method_sends_only_given_fields(pkg: ModuleType, server: Any) -> None:
    with pkg.KiwoomClient(appkey="k", secretkey="s", base_url=server.url) as client:
        resp = client.credit_orders.buy(**BUY)
        assert resp.api_id == "kt10006"
        client.credit_orders.sell(**SELL, crd_loan_dt="20241101", ord_uv="6450")
    (buy,) = server.requests_for("kt10006")
    assert buy.json == BUY
    assert buy.path == "/api/dostk/crdordr"
    (sell,) = server.requests_for("kt10007")
    assert sell.json == {**SELL, "crd_loan_dt": "20241101", "ord_uv": "6450"}


def test_async_client_calls(pkg: ModuleType, server: Any) -> None:
    async def run() -> Any:
        async with pkg.AsyncKiwoomClient(appkey="k", secretkey="s", base_url=server.url) as c:
            return await c.credit_orders.cancel(
                dmst_stex_tp="KRX", orig_ord_no="0001615", stk_cd="005930", cncl_qty="1"
            )

    resp = asyncio.run(run())
    assert type(resp.data).__name__ == "CreditOrdersCancelResponse"
    assert resp.data.cncl_qty == "000000000001"  # the sheet's example, served by the fake
    assert server.requests_for("kt10009")[0].json["orig_ord_no"] == "0001615"


# --- responses: lenient ----------------------------------------------------------------------


def test_responses_keep_unknown_fields_and_strings(pkg: ModuleType) -> None:
    model = pkg.OPERATIONS["kt10009"].response_model
    data = model.model_validate(
        {
            "ord_no": "0001695",
            "cncl_qty": "000000000001",
            "new_field": "+60000",
            "return_code": 0,
            "return_msg": "ok",
        }  # fmt: skip
    )
    assert data.cncl_qty == "000000000001"
    assert data.model_extra == {"new_field": "+60000"}
    assert data.return_code == 0 and data.return_msg == "ok"
    assert model.model_validate({}).ord_no is None  # every field optional


# --- the methods ---------------------------------------------------------------------------


def test_sync_and_async_twins_match(pkg: ModuleType) -> None:
    resources = _import(pkg, "resources.credit_orders")
    sync, async_ = resources.CreditOrders, resources.AsyncCreditOrders
    names = [n for n in vars(sync) if not n.startswith("_")]
    assert names == ["buy", "sell", "modify", "cancel"]
    assert names == [n for n in vars(async_) if not n.startswith("_")]
    for name in names:
        s, a = getattr(sync, name), getattr(async_, name)
        assert inspect.iscoroutinefunction(a) and not inspect.iscoroutinefunction(s)
        assert s.__doc__ == a.__doc__
        sp, ap = inspect.signature(s), inspect.signature(a)
        assert list(sp.parameters.values()) == list(ap.parameters.values())
        assert f"Async{sp.return_annotation}" == ap.return_annotation


def test_signature(pkg: ModuleType) -> None:
    resources = _import(pkg, "resources.credit_orders")
    sig = inspect.signature(resources.CreditOrders.buy)
    params = sig.parameters
    assert list(params) == [
        "self", "dmst_stex_tp", "stk_cd", "ord_qty", "trde_tp", "ord_uv", "cond_uv",
        "extra_headers", "timeout", "deadline",
    ]  # fmt: skip
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for n, p in params.items() if n != "self")
    assert params["stk_cd"].default is inspect.Parameter.empty
    assert params["ord_uv"].default is pkg.NOT_GIVEN
    # None: not sent either; a price takes int and Decimal too (docs/values.md)
    assert params["ord_uv"].annotation == "str | int | decimal.Decimal | None | NotGiven"
    assert params["stk_cd"].annotation == "str"  # a code stays a string
    # Enumerations are shared by name: defined once in the models module, used by both.
    assert params["dmst_stex_tp"].annotation == "DmstStexTp"
    assert params["trde_tp"].annotation == "TrdeTp"
    models = _import(pkg, "models.credit_orders")
    assert typing.get_args(models.DmstStexTp) == ("KRX", "NXT", "SOR")
    assert "DmstStexTp" in models.__all__
    # The methods name their model classes for type checkers only: the models module imports
    # an API's classes when they are first used (emit/python_split.py).
    assert "DmstStexTp" not in vars(resources) and resources._models is models
    field = models.CreditOrdersBuyRequest.model_fields["dmst_stex_tp"]
    assert field.annotation == models.DmstStexTp
    assert typing.get_args(models.TrdeTp)[:3] == ("0", "3", "5")
    assert sig.return_annotation == "KiwoomResponse[CreditOrdersBuyResponse]"
    assert "cont_yn" not in params and "max_pages" not in params  # orders never page


def test_docstring(pkg: ModuleType) -> None:
    doc = inspect.getdoc(_import(pkg, "resources.credit_orders").CreditOrders.buy)
    assert doc is not None
    lines = doc.splitlines()
    assert lines[0] == "신용 매수주문 (kt10006)"
    assert "국내주식 > 신용주문 > 신용 매수주문(kt10006)" in lines
    assert "POST /api/dostk/crdordr (api-id kt10006)" in lines
    assert "never re-sent automatically" in doc
    assert "    trde_tp (매매구분, max 2): 0=보통, 3=시장가, 5=조건부지정가," in lines
    assert "    ord_uv (주문단가, max 12, optional)" in lines
    sell = inspect.getdoc(_import(pkg, "resources.credit_orders").CreditOrders.sell) or ""
    assert "YYYYMMDD(융자일경우필수)" in sell and "required when crd_deal_tp is" in sell


def test_groups_are_lazy_and_cached(pkg: ModuleType) -> None:
    client = pkg.KiwoomClient(appkey="k", secretkey="s")
    assert client.credit_orders is client.credit_orders
    assert type(client.credit_orders).__name__ == "CreditOrders"
    assert type(pkg.AsyncKiwoomClient().credit_orders).__name__ == "AsyncCreditOrders"
    client.close()


def test_client_attributes_cover_the_runtime() -> None:
    """A group may not hide an attribute of the runtime client: the list must be complete."""
    from kiwoom_codegen.runtime._async_client import AsyncAPIClient
    from kiwoom_codegen.runtime._sync_client import SyncAPIClient

    public = {
        n for cls in (SyncAPIClient, AsyncAPIClient) for n in dir(cls) if not n.startswith("_")
    }
    instance = {n for n in vars(SyncAPIClient(appkey="k", secretkey="s")) if not n.startswith("_")}
    assert public | instance <= CLIENT_ATTRIBUTES


# --- escaping ------------------------------------------------------------------------------


@pytest.mark.slow
def test_py_docstring_round_trips_every_short_text() -> None:
    alphabet = ['"', "\\", "a", "\n", "'", "\r", "{", "\t", "\u2028", "\x00"]
    for n in range(1, 6):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            source = '"""' + py_docstring(text) + '"""'
            assert ast.literal_eval(source) == text, repr(text)


def test_small_literals_round_trip() -> None:
    for text in ['a"b', "x\\", '"""', "a\nb\u2028c\x00", "", "`", "``a`", "a```b"]:
        assert ast.literal_eval(py_str(text)) == text
        assert tomllib.loads(f"k = {toml_str(text)}")["k"] == text
    assert md_code("a`b") == "``a`b``"
    assert md_code("`") == "`` ` ``"


NASTY = 'q"uote \'s\' """tri""" {{ x }} {% if y %} \\back\\slash\\ $(y) `t` <b>&amp;</b> -->'
NASTY2 = '둘째 줄 """); import os  #'


def _nasty_workbook(directory: Path) -> Path:
    request = (
        f("stk_cd", NASTY, "String", "Y", 12, f"{NASTY}\n{NASTY2}"),
        f("qry-tp", "하이픈", "String", "N", 1, ""),
        f("10", "숫자", "String", "N", 4, ""),
        f("from", "키워드", "String", "N", 4, ""),
        f("grant_type", "고정", "String", "Y", 20, "client_credentials 입력"),
        f("trde_tp", "매매구분", "String", "Y", 2, '0:a"""b , 1:{{ x }} , 2:c\\d , 3:{% raw %}'),
        f("crd_deal_tp", "신용거래구분", "String", "Y", 2, "33:융자 , 99:융자합"),
        f("crd_loan_dt", "대출일", "String", "N", 8, "YYYYMMDD(융자일경우필수)"),
        f("rows", "행목록", "LIST", "N", None, ""),
        f("- code", "코드", "String", "Y", 6, NASTY),
    )
    response = (
        f("out_list", NASTY, "LIST", "N", None, NASTY),
        f("- name", "이름", "String", "N", 20, NASTY2),
        f("- inner", "내부목록", "LIST", "N", None, ""),
        f("- - deep", "깊은값", "String", "N", 20, ""),
        f("total", "총", "String", "N", 10, "단위: 원"),
    )
    example_req = json.dumps({"stk_cd": NASTY[:12], "grant_type": "client_credentials",
                              "trde_tp": "1", "crd_deal_tp": "99"})  # fmt: skip
    example_resp = json.dumps(
        {"out_list": [{"name": NASTY, "inner": [{"deep": "1"}]}], "return_code": 0}
    )
    sheets: list[SheetData] = [
        api(
            "ka99001",
            f"이상한 {NASTY}",
            request=request,
            response=response,
            request_example=example_req,
            response_example=example_resp,
            overview=[NASTY, NASTY2],
        ),  # fmt: skip
        api("ka99002", "두번째", request=(f("a", "에이", "String", "Y", 3, ""),)),
        api(
            "0g",
            "실시간 소문자",
            url="/api/dostk/websocket",
            production=WSS,
            mock=WSS_MOCK,
            menu="국내주식 > 실시간시세 > 실시간 소문자(0g)",
            request=(f("trnm", "서비스명", "String", "Y", 10, "REG 고정값"),),
            response=(f("10", "현재가", "String", "N", 20, NASTY),),
        ),  # fmt: skip
        api(
            "0G",
            "실시간 대문자",
            url="/api/dostk/websocket",
            production=WSS,
            mock=WSS_MOCK,
            menu="국내주식 > 실시간시세 > 실시간 대문자(0G)",
            response=(f("20", "시간", "String", "N", 6, ""),),
        ),  # fmt: skip
    ]
    return write(directory, *sheets, error_codes=[(1501, NASTY), (1700, "한도 초과")])


@pytest.fixture(scope="module")
def nasty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Spec, dict[str, bytes], Path]:
    directory = tmp_path_factory.mktemp("nasty")
    spec = read(_nasty_workbook(directory)).spec
    files = emit_files(spec, (f"sheets/{NASTY}.xlsx",))
    return spec, files, write_files(files, directory / "out")


@pytest.mark.slow
def test_nasty_text_compiles_and_cannot_inject(nasty: tuple[Spec, dict[str, bytes], Path]) -> None:
    spec, files, _ = nasty
    assert {a.id for a in spec.apis} == {"ka99001", "ka99002", "0g", "0G"}
    for rel, data in files.items():
        if rel.endswith(".py") and not is_runtime_copy(data):
            tree = ast.parse(data.decode(), rel)
            compile(tree, rel, "exec")
            imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
            assert all(
                (n.module if isinstance(n, ast.ImportFrom) else n.names[0].name) != "os"
                for n in imports
            ), rel
    tomllib.loads(files["python/pyproject.toml"].decode())
    api_md = files["python/api.md"].decode()
    rows = [line for line in api_md.splitlines() if line.startswith("| ") and "`" in line]
    assert len([row for row in rows if "| `client." in row]) == 2
    assert len([row for row in rows if row.startswith("| 0")]) == 2
    assert api_md.splitlines()[0].endswith("-->") and api_md.count("-->") == 1


def test_nasty_text_round_trips(nasty: tuple[Spec, dict[str, bytes], Path]) -> None:
    spec, _, root = nasty
    with imported(root) as pkg:
        op = pkg.OPERATIONS["ka99001"]
        assert op.name == f"이상한 {NASTY}"
        assert op.request_example == json.loads(spec.api("ka99001").request_example.text)
        request, response = op.request_model, op.response_model
        stk = request.model_fields["stk_cd"]
        assert stk.title == NASTY
        assert stk.description == f"{NASTY}\n{NASTY2}"
        assert response.model_fields["out_list"].description == NASTY
        assert pkg.ERROR_CODES[1501] == NASTY
        group, method_name = spec.api("ka99001").group, spec.api("ka99001").method_name
        assert "." not in group
        offline = pkg.KiwoomClient(appkey="k", secretkey="s")
        doc = getattr(getattr(offline, group), method_name).__doc__
        for line in (NASTY, NASTY2):
            assert line in doc
        assert "3={% raw %}" in doc and '0=a"""b' in doc

        # names: hyphen, digit and keyword become Python names with the wire name as alias
        attrs = set(request.model_fields)
        assert {"qry_tp", "field_10", "from_", "grant_type", "rows"} <= attrs
        body = {"stk_cd": "A", "trde_tp": "0", "crd_deal_tp": "99", "qry-tp": "1", "10": "x",
                "from": "y", "rows": [{"code": "C"}]}  # fmt: skip
        dumped = request.model_validate(body).model_dump(by_alias=True, exclude_unset=True)
        assert dumped == {**body, "grant_type": "client_credentials"}  # fixed value filled in
        with pytest.raises(pydantic.ValidationError):
            request.model_validate({**body, "grant_type": "other"})
        with pytest.raises(pydantic.ValidationError):
            request.model_validate({**body, "crd_deal_tp": "33"})
        with pytest.raises(pydantic.ValidationError):
            request.model_validate({**body, "rows": [{"code": "1234567"}]})  # nested max 6
        data = response.model_validate(json.loads(spec.api("ka99001").response_example.text))
        assert data.out_list[0].name == NASTY
        assert data.out_list[0].inner[0].deep == "1"

        # the method: the fixed value is not an argument but always sent
        testing = _import(pkg, "testing")
        with testing.FakeKiwoomServer() as server:
            with pkg.KiwoomClient(appkey="k", secretkey="s", base_url=server.url) as client:
                method = getattr(getattr(client, group), method_name)
                assert "grant_type" not in inspect.signature(method).parameters
                method(stk_cd="A", trde_tp="0", crd_deal_tp="99", qry_tp="1", from_="y")
            sent = server.requests_for("ka99001")[0].json
        assert sent == {"stk_cd": "A", "trde_tp": "0", "crd_deal_tp": "99", "qry-tp": "1",
                        "from": "y", "grant_type": "client_credentials"}  # fmt: skip

        # real-time APIs: models and registry entries, no HTTP methods; case twins apart
        ws = {a.id: a for a in spec.apis if a.transport is Transport.WEBSOCKET}
        for api_id in ("0g", "0G"):
            op = pkg.OPERATIONS[api_id]
            assert op.transport == "websocket"
            assert op.response_model.__name__ != ""
            assert ws[api_id].method_name
        assert pkg.OPERATIONS["0g"].response_model.model_fields["field_10"].alias == "10"
        http_groups = {a.group for a in spec.apis if a.transport is Transport.HTTP}
        for g in {a.group for a in ws.values()} - http_groups:
            # No HTTP group for WebSocket services; `client.realtime` is the real-time session.
            assert not hasattr(offline, g) or g == "realtime"
        assert callable(offline.realtime)


Nasty = tuple[Spec, dict[str, bytes], Path]


def test_nasty_files_are_case_insensitively_unique(nasty: Nasty) -> None:
    _, files, _ = nasty
    assert len({p.casefold() for p in files}) == len(files)


# --- names that would collide ----------------------------------------------------------------


@pytest.mark.slow
def test_group_named_like_a_client_attribute(tmp_path: Path) -> None:
    (tmp_path / "names.toml").write_text(
        '[apis]\nka99001 = { group = "close", method = "call" }\n'
        'ka99002 = { group = "Close", method = "request" }\n',
        encoding="utf-8",
    )
    book = write(
        tmp_path,
        api("ka99001", request=(f("a", "에이", "String", "Y", 3, ""),)),
        api("ka99002", request=(f("timeout", "타임아웃", "String", "Y", 3, ""),)),
    )
    spec = read(book, config_dir=tmp_path).spec
    files = emit_files(spec)
    modules = sorted(p for p in files if "/resources/" in p and not p.endswith("__init__.py"))
    assert len({m.casefold() for m in modules}) == 2
    root = write_files(files, tmp_path / "out")
    with imported(root) as pkg:
        client = pkg.KiwoomClient(appkey="k", secretkey="s")
        assert inspect.ismethod(client.close) and inspect.ismethod(client.request)
        groups = [getattr(client, g) for g in ("close_", "Close")]
        assert hasattr(groups[0], "call") and hasattr(groups[1], "request")
        params = inspect.signature(groups[1].request).parameters
        assert "timeout_" in params and "timeout" in params  # body field vs. call timeout
        testing = _import(pkg, "testing")
        with testing.FakeKiwoomServer() as server:
            client = pkg.KiwoomClient(appkey="k", secretkey="s", base_url=server.url)
            client.Close.request(timeout_="abc", timeout=5.0)
            assert server.requests_for("ka99002")[0].json == {"timeout": "abc"}
            client.close()


# --- scale ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_synthetic_workbook_generates_imports_and_compiles(tmp_path: Path) -> None:
    synth = pytest.importorskip("benchmarks.synth")
    book = synth.write_synthetic(tmp_path / "synthetic.xlsx", n=40)
    spec = read(book).spec
    files = emit_files(spec)
    assert len({p.casefold() for p in files}) == len(files)
    for rel, data in files.items():
        if rel.endswith(".py"):
            compile(data, rel, "exec")
    root = write_files(files, tmp_path / "out")
    done = run_python(
        f"import {PACKAGE} as k\n"
        "c = k.KiwoomClient(appkey='a', secretkey='b')\n"
        "n = 0\n"
        "def resolve(path):\n"
        "    obj = c\n"
        "    for part in path.split('.'):\n"
        "        obj = getattr(obj, part)\n"
        "    return obj\n"
        "for op in k.OPERATIONS.values():\n"
        "    op.request_model, op.response_model\n"
        "    if op.transport == 'http':\n"
        "        assert callable(resolve(op.python_name)), op.python_name\n"
        "        n += 1\n"
        "    else:\n"
        "        try:\n"
        "            found = resolve(op.group)\n"
        "        except AttributeError:\n"
        "            pass\n"
        "        else:\n"
        "            # no HTTP group; client.realtime is the real-time session method\n"
        "            assert op.group == 'realtime' and callable(found), op.group\n"
        "    if op.response_example is not None:\n"
        "        op.response_model.model_validate(op.response_example)\n"
        "print(len(k.OPERATIONS), n)\n",
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    total, http = map(int, done.stdout.split())
    assert total == len(spec.apis)
    assert http == len([a for a in spec.apis if a.transport is Transport.HTTP])


@pytest.mark.slow
def test_an_enumeration_or_format_longer_than_the_length_wins(tmp_path: Path) -> None:
    """The sheets' lengths are not always consistent with the rest of the row: a Length of 2 on
    `KRX,NXT,SOR` or of 3 on a YYYYMMDD date must not make the API impossible to call."""
    book = write(
        tmp_path,
        api("ka99003", request=(
            f("dmst_stex_tp", "거래소", "String", "Y", 2, "KRX,NXT,SOR"),
            f("tp", "구분", "String", "Y", 1, "1:일, 2:주"),
            f("base_dt", "기준일자", "String", "Y", 3, "YYYYMMDD"),
        )),
    )  # fmt: skip
    root = write_files(emit_files(read(book).spec), tmp_path / "out")
    with imported(root) as pkg:
        model = pkg.OPERATIONS["ka99003"].request_model
        ok = {"dmst_stex_tp": "KRX", "tp": "1", "base_dt": "20241101"}
        model.model_validate(ok)
        for bad in ({"dmst_stex_tp": "KR"}, {"base_dt": "2024"}, {"tp": "3"}):
            with pytest.raises(pydantic.ValidationError):
                model.model_validate({**ok, **bad})
        assert model.model_fields["tp"].metadata  # a consistent length stays


@pytest.mark.slow
def test_field_names_that_shadow_builtins(tmp_path: Path) -> None:
    """`str`, `int`, `list`, `register`: names.py gives them a trailing `_` (python_name), so the
    class body never shadows an annotation; the wire names stay the aliases and are sent."""
    request = (
        f("str", "문자", "String", "Y", 3, ""),
        f("register", "등록", "String", "N", 3, ""),
        f("int", "정수", "String", "N", 3, ""),
    )
    response = (
        f("int", "정수", "String", "N", 3, ""),
        f("list", "목록", "LIST", "N", None, ""),
        f("- a", "에이", "String", "N", 3, ""),
    )
    book = write(tmp_path, api("ka99005", request=request, response=response))
    spec = read(book).spec
    root = write_files(emit_files(spec), tmp_path / "out")
    with imported(root) as pkg:
        op = pkg.OPERATIONS["ka99005"]
        data = op.response_model.model_validate(
            {"int": "1", "list": [{"a": "x"}], "return_code": 0}
        )
        assert data.model_dump(by_alias=True, exclude_none=True) == {
            "int": "1", "list": [{"a": "x"}], "return_code": 0
        }  # fmt: skip
        testing = _import(pkg, "testing")
        with testing.FakeKiwoomServer() as server:
            with pkg.KiwoomClient(appkey="k", secretkey="s", base_url=server.url) as client:
                assert [f.python_name for f in spec.apis[0].request.body] == [
                    "str_", "register_", "int_"
                ]  # fmt: skip
                getattr(getattr(client, spec.apis[0].group), spec.apis[0].method_name)(
                    str_="a", register_="b"
                )
            assert server.requests_for("ka99005")[0].json == {"str": "a", "register": "b"}


@pytest.mark.slow
def test_enumerations_shared_by_name_never_shadow_what_the_modules_use(tmp_path: Path) -> None:
    """An enumeration of three values or more is named after its field (``trde_tp`` ->
    ``TrdeTp``); a name already taken (a builtin the validators use, another enumeration of a
    field of the same name) gets a number. Short ones stay ``Literal[...]``."""
    three = "0:가, 1:나, 2:다"
    other = "A:가, B:나, C:다"
    first = api(
        "ka99006",
        request=(
            f("value_error", "값", "String", "Y", 1, three),
            f("trde_tp", "매매", "String", "Y", 1, three),
            f("side", "구분", "String", "Y", 1, "1:매수, 2:매도"),
        ),
    )
    second = api("ka99007", request=(f("trde_tp", "매매", "String", "Y", 1, other),))
    book = write(tmp_path, first, second)
    spec = read(book).spec
    root = write_files(emit_files(spec), tmp_path / "out")
    with imported(root) as pkg:
        group = spec.apis[0].group
        assert group == spec.apis[1].group
        op = pkg.OPERATIONS["ka99007"]
        module = importlib.import_module(op.models_module, pkg.__name__)
        assert typing.get_args(module.ValueError2) == ("0", "1", "2")
        assert typing.get_args(module.TrdeTp) == ("0", "1", "2")
        assert typing.get_args(module.TrdeTp2) == ("A", "B", "C")
        # the group's module and the modules of its APIs (emit/python_split.py)
        folder = Path(module.__file__).with_name("_" + Path(module.__file__).stem)
        source = "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py")))
        assert "ValueError = " not in source and 'side: Literal["1", "2"]' in source
        testing = _import(pkg, "testing")
        with testing.FakeKiwoomServer() as server:
            with pkg.KiwoomClient(appkey="k", secretkey="s", base_url=server.url) as client:
                methods = getattr(client, group)
                call = getattr(methods, spec.apis[1].method_name)
                call(trde_tp="B")
                with pytest.raises(pydantic.ValidationError):
                    call(trde_tp="0")  # the other enumeration's value
            assert server.requests_for("ka99007")[0].json == {"trde_tp": "B"}
