"""Assemble a tiny client package from generator/runtime without the generator.

The runtime files are copied verbatim (as the generator does) next to a hand-written registry of
three operations, hand-written models and the client subclasses. Each build gets a unique package
name, so it never clashes with a generated ``kiwoom_client`` imported elsewhere in the session.
"""

from __future__ import annotations

import importlib
import shutil
import socket
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

RUNTIME = Path(__file__).resolve().parents[2] / "generator" / "runtime"

APPKEY = "APPKEY-7f3cQx-DISTINCT"
SECRETKEY = "SECRETKEY-9d1eZw-DISTINCT"
GIVEN_TOKEN = "TOKEN-4b8aKv-DISTINCT"
SECRETS = (APPKEY, SECRETKEY, GIVEN_TOKEN)
BUY = {"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1", "ord_uv": "2580", "trde_tp": "0"}

MODELS_READS = """
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class StockListRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    mrkt_tp: Literal["0", "10"] = Field(description="시장구분 0:코스피, 10:코스닥")
    stk_cd: str | None = Field(default=None, max_length=6)
    qry_dt: str | None = Field(default=None, max_length=8, pattern=r"^[0-9]{8}$")
    sort_tp: str | None = Field(default=None, alias="sort-tp", max_length=1)


class StockListItem(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str | None = None
    name: str | None = None


class StockListResponse(BaseModel):
    model_config = ConfigDict(extra="allow")
    stk_list: list[StockListItem] | None = None


class RealtimeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    trnm: Literal["REG", "REMOVE"]


class RealtimeResponse(BaseModel):
    model_config = ConfigDict(extra="allow")
    trnm: str | None = None
"""

MODELS_ORDERS = """
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CreditBuyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    dmst_stex_tp: Literal["KRX", "NXT", "SOR"]
    stk_cd: str = Field(max_length=12)
    ord_qty: str = Field(max_length=12)
    ord_uv: str | None = Field(default=None, max_length=12)
    trde_tp: Literal["0", "3", "5"]
    cond_uv: str | None = Field(default=None, max_length=12)


class CreditBuyResponse(BaseModel):
    model_config = ConfigDict(extra="allow")
    ord_no: str | None = None
    dmst_stex_tp: str | None = None
"""

OPERATIONS = """
from ._operation import Operation

OPERATIONS: dict[str, Operation] = {
    "ka10099": Operation(
        api_id="ka10099", name="종목정보 리스트", path="/api/dostk/stkinfo", transport="http",
        group="stock_info", method="list_stocks", is_order=False,
        models_module=".models.reads",
        request_model_name="StockListRequest", response_model_name="StockListResponse",
        request_example={"mrkt_tp": "0"},
        response_example={"stk_list": [{"code": "005930", "name": "삼성전자"}],
                          "return_code": 0, "return_msg": "정상적으로 처리되었습니다"},
    ),
    "kt10006": Operation(
        api_id="kt10006", name="신용 매수주문", path="/api/dostk/crdordr", transport="http",
        group="credit_orders", method="buy", is_order=True,
        models_module="__PKG__.models.credit_orders",
        request_model_name="CreditBuyRequest", response_model_name="CreditBuyResponse",
        request_example=None,
        response_example={"ord_no": "0000024", "dmst_stex_tp": "KRX",
                          "return_code": 0, "return_msg": "정상적으로 처리되었습니다"},
    ),
    "0B": Operation(
        api_id="0B", name="주식체결", path="/api/dostk/websocket", transport="websocket",
        group="realtime", method="trades", is_order=False,
        models_module=".models.reads",
        request_model_name="RealtimeRequest", response_model_name="RealtimeResponse",
    ),
}
"""

REGISTRY = """
from typing import Any

from ._realtime_types import ConditionService, RealtimeMessage, RealtimeTypeInfo, RealtimeValues


class StockTradeValues(RealtimeValues):
    __slots__ = ()
    FIELDS = {"10": ("cur_prc", "현재가"), "20": ("cntr_tm", "체결시간")}

    @property
    def cur_prc(self) -> str | None:
        value = self._raw.get("10")
        return value if value is None or type(value) is str else self._text(value)

    @property
    def cntr_tm(self) -> str | None:
        value = self._raw.get("20")
        return value if value is None or type(value) is str else self._text(value)


class StockTrade(RealtimeMessage[StockTradeValues]):
    __slots__ = ()
    TYPE = "0B"
    VALUES = StockTradeValues


D, U = "/api/dostk/websocket", "/api/us/websocket"
REALTIME_TYPES: dict[str, RealtimeTypeInfo] = {
    "00": RealtimeTypeInfo("00", "주문체결", D, False, RealtimeMessage, "00"),
    "0B": RealtimeTypeInfo("0B", "주식체결", D, True, StockTrade, "0B",
                           {"10": "-20800", "20": "152530"}),
    "F5": RealtimeTypeInfo("F5", "미국주식 실시간 체결", U, False, RealtimeMessage, "F5"),
    "FE": RealtimeTypeInfo("FE", "미국주식 실시간 체결가", U, True, RealtimeMessage, "FE"),
}
CONDITION_SERVICES = {
    D: ConditionService(D, "CNSRLST", "CNSRREQ", "CNSRCLR", "02"),
    U: ConditionService(U, "GCNSRLST", "GCNSRREQ", "GCNSRCLR", "S2", stex_tp=False),
}
"""

CLIENT = """
from ._async_client import AsyncAPIClient
from ._sync_client import SyncAPIClient
from ._operations import OPERATIONS


class KiwoomClient(SyncAPIClient):
    _operations = OPERATIONS


class AsyncKiwoomClient(AsyncAPIClient):
    _operations = OPERATIONS
"""

INIT = """
from ._async_client import AsyncAPIClient
from ._sync_client import SyncAPIClient
from ._realtime_types import *  # noqa: F403
from .client import AsyncKiwoomClient, KiwoomClient
"""


def build_package(root: Path) -> str:
    """Write a package under ``root`` and return its (unique) name."""
    name = f"kiwoom_client_rt_{uuid.uuid4().hex[:10]}"
    pkg = root / name
    (pkg / "models").mkdir(parents=True)
    for src in RUNTIME.iterdir():
        if src.suffix == ".py" and src.name != "__init__.py" or src.name == "py.typed":
            shutil.copy(src, pkg / src.name)
    files = {
        "__init__.py": INIT,
        "_operations.py": OPERATIONS.replace("__PKG__", name),
        "client.py": CLIENT,
        "_realtime_registry.py": REGISTRY,
        "models/__init__.py": "",
        "models/reads.py": MODELS_READS,
        "models/credit_orders.py": MODELS_ORDERS,
    }
    for rel, text in files.items():
        (pkg / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    return name


def load(name: str) -> SimpleNamespace:
    mod = {m: importlib.import_module(f"{name}.{m}") for m in ("_errors", "_types", "testing")}
    pkg = importlib.import_module(name)

    class TestClient(pkg.KiwoomClient):  # type: ignore[name-defined,misc]
        """Records backoff sleeps instead of sleeping."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.sleeps: list[float] = []

        def _sleep(self, seconds: float) -> None:
            self.sleeps.append(seconds)

    class AsyncTestClient(pkg.AsyncKiwoomClient):  # type: ignore[name-defined,misc]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.sleeps: list[float] = []

        async def _sleep(self, seconds: float) -> None:
            self.sleeps.append(seconds)

    return SimpleNamespace(
        name=name,
        pkg=pkg,
        errors=mod["_errors"],
        types=mod["_types"],
        FakeKiwoomServer=mod["testing"].FakeKiwoomServer,
        ops=importlib.import_module(f"{name}._operations").OPERATIONS,
        # the base client's helpers, wherever the runtime keeps them
        client_module=SimpleNamespace(
            **{
                **vars(importlib.import_module(f"{name}._decode")),
                **vars(importlib.import_module(f"{name}._request")),
                **vars(importlib.import_module(f"{name}._base_client")),
            }
        ),
        ratelimit=importlib.import_module(f"{name}._ratelimit"),
        tokens=importlib.import_module(f"{name}._tokens"),
        Client=TestClient,
        AsyncClient=AsyncTestClient,
        APPKEY=APPKEY,
        SECRETKEY=SECRETKEY,
        GIVEN_TOKEN=GIVEN_TOKEN,
        SECRETS=SECRETS,
        BUY=BUY,
        kwargs=client_kwargs,
        build_package=build_package,
    )


@pytest.fixture(scope="session")
def kc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    root = tmp_path_factory.mktemp("runtime_pkg")
    name = build_package(root)
    yield load(name)
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]
    sys.path.remove(str(root))


@pytest.fixture
def server(kc: SimpleNamespace) -> Iterator[Any]:
    with kc.FakeKiwoomServer() as fake:
        yield fake


def load_tokens_module(server: Any) -> Any:
    return importlib.import_module(type(server).__module__.rsplit(".", 1)[0] + "._tokens")


def client_kwargs(server: Any, **overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "appkey": APPKEY,
        "secretkey": SECRETKEY,
        "base_url": server.url,
        "timeout": 2.0,
        "max_retries": 2,
        "rate_limit": None,  # pacing has tests of its own (test_wire.py) with a fake clock
        # a store of its own: a port of an earlier test's server may be reused by this one's
        "token_store": load_tokens_module(server).MemoryTokenStore(),
    }
    kwargs.update(overrides)
    return kwargs


@pytest.fixture
def client(kc: SimpleNamespace, server: Any) -> Iterator[Any]:
    with kc.Client(**client_kwargs(server)) as c:
        yield c


@pytest.fixture
def dead_url() -> str:
    """A local port with nothing listening: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
