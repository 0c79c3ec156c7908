"""Value meanings: mined per field, reviewed, corrected, self-checked, and used by the client.

The sheets (tests/values_sheets.py) are in the official layout and carry the conventions of
KIWOOM_FORMAT.md "Values"; the generated client is called over real HTTP (the shipped fake
server answers with the sheets' own examples unless a test sets other answers).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
import pytest
from kiwoom_codegen.cli import main
from kiwoom_codegen.model.numeric import parse
from kiwoom_codegen.regen.layout import SheetData, WorkbookData, save_workbook

from tests.support.client_helpers import APPKEY, SECRETKEY, Generated, clean_env, generate, imported
from tests.support.fixtures import f, field, messages, read
from tests.support.values_sheets import CHART_ROWS, DAILY_CHART, NAMES, SHEETS, write_values_specs

ORDER = SheetData(
    api_id="kt10000",
    name="주식 매수주문",
    menu="국내주식 > 주문 > 주식 매수주문(kt10000)",
    url="/api/dostk/ordr",
    request_body=(
        f("dmst_stex_tp", "국내거래소구분", required="Y", length=3, description="KRX,NXT,SOR"),
        f("stk_cd", "종목코드", required="Y", length=12),
        f("ord_qty", "주문수량", required="Y", length=12, description="단위: 1주"),
        f("ord_uv", "주문단가", length=12, description="단위: 원"),
        f("trde_tp", "매매구분", required="Y", length=2, description="0:보통 , 3:시장가"),
    ),
    response_body=(f("ord_no", "주문번호", length=7),),
    request_example='{"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1", "trde_tp": "3"}',
    response_example='{"ord_no": "0000024", "return_code": 0}',
)
ORDER_NAMES = NAMES + 'kt10000 = { group = "orders", method = "buy" }\n'


def _specs(directory: Path, **kw: Any) -> Path:
    path = write_values_specs(directory, **kw)
    save_workbook(WorkbookData((*SHEETS, ORDER)), path / "values.xlsx")
    (path / "names.toml").write_text(ORDER_NAMES, encoding="utf-8")
    return path


def _response_field(spec: Any, api_id: str, path: str) -> Any:
    fields = spec.api(api_id).response.body
    *parents, name = path.split(".")
    for p in parents:
        fields = field(fields, p).children
    return field(fields, name)


# --- the model -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Any:
    specs = _specs(tmp_path_factory.mktemp("values_model"))
    return read(specs / "values.xlsx", config_dir=specs)


@pytest.mark.parametrize(
    ("api_id", "path", "kind", "number", "scale", "source"),
    [
        ("ka10081", "stk_dt_pole_chart_qry.cur_prc", "direction", "int", 0, "label"),
        ("ka10081", "stk_dt_pole_chart_qry.open_pric", "direction", "int", 0, "label"),
        ("ka10081", "stk_dt_pole_chart_qry.pred_pre", "signed", "int", 0, "label"),
        ("ka10081", "stk_dt_pole_chart_qry.flu_rt", "signed", "decimal", 0, "label"),
        ("ka10081", "stk_dt_pole_chart_qry.trde_qty", "unsigned", "int", 0, "label"),
        ("ka10081", "stk_dt_pole_chart_qry.dt", "date", "", 0, "label"),
        ("ka10081", "stk_cd", "code", "", 0, "label"),
        ("ka20001", "cur_prc", "direction", "decimal", 2, "description"),
        ("ka90001", "cond_list.flu_rt", "signed", "decimal", 3, "description"),
        ("kt00018", "acnt_evlt_remn_indv_tot.stk_nm", "text", "", 0, "label"),
    ],
)
def test_meaning_is_mined_with_its_source(
    loaded: Any, api_id: str, path: str, kind: str, number: str, scale: int, source: str
) -> None:
    value = _response_field(loaded.spec, api_id, path).value
    assert (value.kind, value.number, value.scale, value.source) == (kind, number, scale, source)
    assert value.reason


def test_request_fields_get_a_meaning(loaded: Any) -> None:
    body = loaded.spec.api("kt10000").request.body
    assert field(body, "ord_qty").value.kind == "unsigned"
    assert field(body, "ord_uv").value.kind == "unsigned"
    assert field(body, "trde_tp").value.kind == "text"  # an enumeration
    assert field(loaded.spec.api("ka10081").request.body, "base_dt").value.kind == "date"


def test_a_prefix_is_stripped_only_where_the_example_shows_it(loaded: Any) -> None:
    balance = _response_field(loaded.spec, "kt00018", "acnt_evlt_remn_indv_tot.stk_cd").value
    chart = _response_field(loaded.spec, "ka10081", "stk_cd").value
    assert (balance.kind, balance.strip, chart.kind, chart.strip) == ("code", "A", "code", "")
    assert parse(balance, "A005930", "stk_cd") == "005930"
    assert parse(chart, "A005930", "stk_cd") == "A005930"


def test_readers_follow_the_documented_conventions(loaded: Any) -> None:
    def value(api_id: str, path: str, text: str) -> Any:
        return parse(_response_field(loaded.spec, api_id, path).value, text, path)

    row = "stk_dt_pole_chart_qry."
    assert value("ka10081", row + "cur_prc", "-20800") == (20800, "down")
    assert value("ka10081", row + "open_pric", "-0") == (0, "down")
    assert value("ka10081", row + "high_pric", "21000") == (21000, "flat")
    assert value("ka10081", row + "trde_qty", "000000123") == 123
    assert value("ka10081", row + "dt", "00000000") is None  # no date
    assert value("ka10081", row + "dt", "") is None
    assert value("ka20001", "cur_prc", "624191") == (Decimal("6241.91"), "flat")
    assert value("ka90001", "cond_list.flu_rt", "000001500") == Decimal("1.500")


def test_overrides_correct_a_meaning(tmp_path: Path) -> None:
    specs = _specs(
        tmp_path,
        overrides=(
            '[[field]]\napi = "ka10081"\npart = "response.body"\n'
            'path = "stk_dt_pole_chart_qry.trde_prica"\nvalue = "unsigned"\n\n'
            '[[field]]\napi = "ka20001"\npart = "response.body"\npath = "cur_prc"\nscale = 0\n'
        ),
    )
    spec = read(specs / "values.xlsx", config_dir=specs).spec
    amount = _response_field(spec, "ka10081", "stk_dt_pole_chart_qry.trde_prica").value
    assert (amount.kind, amount.number, amount.source) == ("unsigned", "int", "overrides.toml")
    assert "mined: signed" in amount.reason
    index = _response_field(spec, "ka20001", "cur_prc").value
    assert (index.kind, index.scale) == ("direction", 0)


def test_an_unknown_kind_in_overrides_is_one_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = _specs(
        tmp_path / "specs",
        overrides='[[field]]\napi = "ka10081"\npart = "response.body"\npath = "stk_cd"\n'
        'value = "money"\n',
    )
    assert main(["generate", str(specs), "--out", str(tmp_path / "out")]) != 0
    err = capsys.readouterr().err
    assert "overrides.toml › field[0] (ka10081): value must be one of direction" in err
    assert "Traceback" not in err


def test_self_check_warns_where_an_example_contradicts_the_meaning(tmp_path: Path) -> None:
    rows = [dict(CHART_ROWS[0], trde_qty="9,263,135")]
    sheet = dataclasses.replace(
        DAILY_CHART,
        response_example=json.dumps({"stk_cd": "005930", "stk_dt_pole_chart_qry": rows}),
    )
    save_workbook(WorkbookData((sheet,)), tmp_path / "one.xlsx")
    loaded = read(tmp_path / "one.xlsx")
    found = [m for m in messages(loaded) if "contradicts its meaning" in m]
    assert len(found) == 1
    assert "'9,263,135'" in found[0] and "'trde_qty'" in found[0] and "ka10081" in found[0]
    assert "unsigned" in found[0]
    assert loaded.self_check is not None
    assert loaded.self_check.summary().endswith(
        "; 1 example values contradict their field's meaning"
    )


def test_review_lists_every_decision_with_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = _specs(tmp_path / "specs")
    assert main(["review", str(specs), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    values = doc["values"]
    strings = {(e["api"], e["part"], e["field"]) for e in values["fields"]}
    assert ("ka10081", "response", "cur_prc") in strings
    assert ("kt10000", "request", "ord_qty") in strings
    counts = values["counts"]["kinds"]
    assert counts["direction"] == 5 and counts["date"] == 2
    assert sum(counts.values()) == values["counts"]["total"] == len(values["fields"])
    assert main(["review", str(specs)]) == 0
    text = capsys.readouterr().out
    assert "ka10081 response cur_prc: direction int [label]" in text
    assert "value meanings: " in text.splitlines()[-1]


@pytest.mark.slow
def test_openapi_and_asyncapi_carry_the_meanings(tmp_path: Path) -> None:
    from tests.support.realtime_sheets import write_realtime_workbook

    specs = _specs(tmp_path / "specs")
    assert main(["generate", str(specs), "--out", str(tmp_path / "out")]) == 0
    doc = json.loads((tmp_path / "out" / "openapi.json").read_text(encoding="utf-8"))
    schemas = doc["components"]["schemas"]
    row = next(s for n, s in schemas.items() if n.endswith("StkDtPoleChartQryItem"))
    assert row["properties"]["cur_prc"]["x-kiwoom-value"] == {
        "kind": "direction",
        "number": "int",
        "direction": "sign",
        "source": "label",
    }
    assert row["properties"]["flu_rt"]["x-kiwoom-value"]["number"] == "decimal"
    assert row["properties"]["cur_prc"]["type"] == "string"  # the wire stays a string
    sector = next(s for n, s in schemas.items() if n.endswith("SectorPriceResponse"))
    assert sector["properties"]["cur_prc"]["x-kiwoom-value"]["scale"] == 2
    chart = next(s for n, s in schemas.items() if n.endswith("ChartDailyResponse"))
    assert "x-kiwoom-value" not in chart["properties"]["stk_dt_pole_chart_qry"]  # a list
    write_realtime_workbook(tmp_path / "rt.xlsx")
    assert main(["generate", str(tmp_path / "rt.xlsx"), "--out", str(tmp_path / "rt")]) == 0
    asyncapi = (tmp_path / "rt" / "asyncapi.yaml").read_text(encoding="utf-8")
    assert "x-kiwoom-value:" in asyncapi and "kind: direction" in asyncapi


# --- the generated client --------------------------------------------------------------------


@pytest.fixture(scope="module")
def vc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    specs = _specs(tmp_path_factory.mktemp("values_specs"))
    python = generate([specs], tmp_path_factory.mktemp("values_out"))
    with imported(python, tmp_path_factory.mktemp("values_import"), "values") as generated:
        yield generated


@pytest.fixture
def server(vc: Generated) -> Iterator[Any]:
    with vc.FakeKiwoomServer(appkey=APPKEY, secretkey=SECRETKEY) as fake:
        yield fake


@pytest.fixture
def client(vc: Generated, server: Any) -> Iterator[Any]:
    with vc.KiwoomClient(
        appkey=APPKEY, secretkey=SECRETKEY, env="mock", base_url=server.url, timeout=5.0
    ) as c:
        yield c


def _values(vc: Generated) -> Any:
    return sys.modules[f"{vc.name}._values"]


@pytest.mark.slow
def test_a_daily_chart_parses_to_typed_values(vc: Generated, client: Any) -> None:
    answer = client.chart.daily(stk_cd="005930", base_dt=dt.date(2024, 11, 8), upd_stk_prc_tp="1")
    first = answer.data.stk_dt_pole_chart_qry[0]
    assert first.cur_prc == "-20800"  # the wire string is kept
    parsed = answer.data.parsed()
    row = parsed.stk_dt_pole_chart_qry[0]
    Direction = _values(vc).Direction
    assert (row.cur_prc, row.cur_prc_direction) == (20800, Direction.DOWN)
    assert row.cur_prc_direction == "down"
    assert row.pred_pre == -150 and isinstance(row.pred_pre, int)
    assert row.flu_rt == Decimal("-0.72") and isinstance(row.flu_rt, Decimal)
    assert row.trde_qty == 9263135 and isinstance(row.trde_qty, int)
    assert row.dt == dt.date(2024, 11, 7)
    second = parsed.stk_dt_pole_chart_qry[1]
    assert (second.open_pric, second.open_pric_direction) == (0, Direction.DOWN)  # "-0"
    assert second.high_pric_direction is Direction.FLAT
    assert parsed.stk_cd == "005930" and parsed.return_code == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.cur_prc = 1  # type: ignore[misc]


@pytest.mark.slow
def test_index_condition_rates_and_balances(client: Any) -> None:
    index = client.sector.price(mrkt_tp="0", inds_cd="001").data.parsed()
    assert (index.cur_prc, index.cur_prc_direction) == (Decimal("6241.91"), "down")
    assert index.trde_qty == 312345
    rates = client.condition.results(seq="1").data.parsed().cond_list
    assert [r.flu_rt for r in rates] == [Decimal("1.500"), Decimal("-0.250")]
    holding = client.account.balance(qry_tp="1", dmst_stex_tp="KRX").data.parsed()
    row = holding.acnt_evlt_remn_indv_tot[0]
    assert row.stk_cd == "005930" and holding.acnt_evlt_remn_indv_tot[0].rmnd_qty == 3
    assert row.evltv_prft == -196888 and row.prft_rt == Decimal("-52.71")


def test_a_contradicting_value_raises_or_is_kept(vc: Generated, server: Any, client: Any) -> None:
    server.set_response("ka10081", {"stk_dt_pole_chart_qry": [dict(CHART_ROWS[0], trde_qty="12a")]})
    data = client.chart.daily(stk_cd="005930", base_dt="20241108", upd_stk_prc_tp="1").data
    with pytest.raises(_values(vc).InvalidValueError, match=r"trde_qty: '12a' is not an unsigned"):
        data.parsed()
    kept = data.parsed(errors="keep").stk_dt_pole_chart_qry[0]
    assert kept.trde_qty is None and dict(kept.invalid) == {"trde_qty": "12a"}
    assert kept.cur_prc == 20800  # the other fields are read


@pytest.mark.slow
def test_to_pandas_gives_numeric_columns(client: Any) -> None:
    pandas = pytest.importorskip("pandas")
    answer = client.chart.daily(stk_cd="005930", base_dt="20241108", upd_stk_prc_tp="1")
    frame = answer.data.to_pandas()
    assert list(frame["cur_prc"]) == [20800, 20950]
    assert str(frame["cur_prc"].dtype) == "Int64" and str(frame["trde_qty"].dtype) == "Int64"
    assert str(frame["flu_rt"].dtype) == "Float64"
    assert pandas.api.types.is_datetime64_any_dtype(frame["dt"])
    assert list(frame["cur_prc_direction"]) == ["down", "flat"]
    assert answer.data.records()[0]["cur_prc"] == 20800


CHART_PAGES = [
    {"stk_dt_pole_chart_qry": [dict(CHART_ROWS[0], dt=day) for day in ("20241107", "20241106")]},
    {"stk_dt_pole_chart_qry": [dict(CHART_ROWS[0], dt=day) for day in ("20241105", "20241104")]},
    {"stk_dt_pole_chart_qry": [dict(CHART_ROWS[0], dt=day) for day in ("20241101", "20241031")]},
]


@pytest.mark.slow
def test_items_across_pages_stop_at_a_date_or_a_count(server: Any, client: Any) -> None:
    server.set_pages("ka10081", CHART_PAGES)
    first = client.chart.daily(stk_cd="005930", base_dt="20241108", upd_stk_prc_tp="1")
    rows = list(first.iter_items(until=dt.date(2024, 11, 5)))
    assert [r.dt.day for r in rows] == [7, 6, 5]
    assert len(server.requests_for("ka10081")) == 2  # the third page is never fetched

    server.set_pages("ka10081", CHART_PAGES)
    first = client.chart.daily(stk_cd="005930", base_dt="20241108", upd_stk_prc_tp="1")
    frame = first.to_pandas(max_items=3)
    assert len(frame) == 3 and str(frame["cur_prc"].dtype) == "Int64"
    assert len(server.requests_for("ka10081")) == 4

    server.set_pages("ka10081", CHART_PAGES)
    first = client.chart.daily(stk_cd="005930", base_dt="20241108", upd_stk_prc_tp="1")
    records = first.records(until=lambda row: row.dt.day == 1)
    assert [r["dt"].day for r in records] == [7, 6, 5, 4]


def test_numeric_inputs_are_serialised_and_bad_ones_refused(server: Any, client: Any) -> None:
    client.orders.buy(
        dmst_stex_tp="KRX", stk_cd="005930", ord_qty=10, ord_uv=Decimal("70000"), trde_tp="0"
    )
    sent = server.requests_for("kt10000")[-1].json
    assert (sent["ord_qty"], sent["ord_uv"]) == ("10", "70000")
    client.chart.daily(stk_cd="005930", base_dt=dt.date(2024, 1, 5), upd_stk_prc_tp="1")
    assert server.requests_for("ka10081")[-1].json["base_dt"] == "20240105"
    for bad in (-1, "-1", "abc", 1.5, Decimal("1.5"), True):
        with pytest.raises(pydantic.ValidationError, match="ord_qty"):
            client.orders.buy(dmst_stex_tp="KRX", stk_cd="005930", ord_qty=bad, trde_tp="3")
    with pytest.raises(pydantic.ValidationError, match="base_dt"):
        client.chart.daily(stk_cd="005930", base_dt="2024-1-5", upd_stk_prc_tp="1")
    assert len(server.requests_for("kt10000")) == 1  # nothing else was sent


@pytest.mark.slow
def test_importing_the_client_never_imports_pandas(vc: Generated) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        import kiwoom_client
        from kiwoom_client.models import chart
        c = kiwoom_client.KiwoomClient(appkey="k", secretkey="s")
        c.chart
        row = chart.ChartDailyResponse.model_validate({{"stk_dt_pole_chart_qry": {CHART_ROWS!r}}})
        row.parsed()
        assert "pandas" not in sys.modules, "pandas imported"
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=vc.python_dir,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_typed_realtime_messages_have_parsed(tmp_path: Path) -> None:
    from tests.support.realtime_sheets import write_realtime_workbook

    book = write_realtime_workbook(tmp_path / "rt.xlsx")
    python = generate([book], tmp_path / "out")
    with imported(python, tmp_path / "import", "rt") as gen:
        registry = importlib.import_module(f"{gen.name}._realtime_registry")
        entry = {"type": "0B", "item": "005930", "values": {"10": "-20800", "20": "093015"}}
        message = registry.REALTIME_TYPES["0B"].message_class(entry)
        typed = message.parsed()
        price, at = (message.values.FIELDS[i][0] for i in ("10", "20"))  # 현재가, 체결시간
        assert (getattr(typed, price), getattr(typed, price + "_direction")) == (20800, "down")
        assert getattr(typed, at) == dt.time(9, 30, 15)
        assert message.values["10"] == "-20800"  # the wire string stays
        bad = registry.REALTIME_TYPES["0B"].message_class({"values": {"10": "x"}})
        assert dict(bad.parsed(errors="keep").invalid) == {price: "x"}


# --- the snippets of README.md and docs/values.md ----------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _fenced(path: Path, lang: str) -> list[str]:
    pattern = re.compile(rf"^(`{{3,}}){lang}\n(.*?)^\1$", flags=re.S | re.M)
    return [code for _, code in pattern.findall(path.read_text(encoding="utf-8"))]


@pytest.mark.slow
def test_readme_shows_a_daily_chart_frame_and_a_price_direction(
    vc: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's ``py`` blocks (its ``python`` blocks run against the credit-order client in
    test_client_e2e) run here, after its quick start's client line, against the value sheets."""
    pytest.importorskip("pandas")
    from tests.support.snippets import run_snippets

    (snippet,) = _fenced(ROOT / "README.md", "py")
    setup = (
        "from kiwoom_client import KiwoomClient\n"
        'client = KiwoomClient(appkey="...", secretkey="...", env="mock")\n'
    )
    printed, requests = run_snippets(vc, [setup, snippet], monkeypatch)
    lines = printed.strip().splitlines()
    assert lines[-1] == "-20800 -> 20800 down"
    assert lines[0].split() == ["dt", "cur_prc", "cur_prc_direction", "flu_rt"]
    assert lines[1].split()[1:] == ["2024-11-07", "20800", "down", "-0.72"]
    assert [r.api_id for r in requests].count("ka10081") == 3  # max_items=100: every page


@pytest.mark.slow
def test_docs_values_snippet_runs(vc: Generated, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    from tests.support.snippets import run_snippets

    (snippet,) = _fenced(ROOT / "docs" / "values.md", "python")
    run_snippets(vc, [snippet], monkeypatch)


USAGE = """\
import datetime
from decimal import Decimal
from typing import assert_type

from kiwoom_client import Direction, KiwoomClient
from kiwoom_client.parsed.chart import ChartDailyResponseParsed

client = KiwoomClient(appkey="k", secretkey="s", env="mock")
answer = client.chart.daily(stk_cd="005930", base_dt=datetime.date(2024, 1, 5), upd_stk_prc_tp="1")
parsed = answer.data.parsed()
assert_type(parsed, ChartDailyResponseParsed)
rows = parsed.stk_dt_pole_chart_qry
assert rows is not None
row = rows[0]
assert_type(row.cur_prc, int | None)
assert_type(row.cur_prc_direction, Direction | None)
assert_type(row.flu_rt, Decimal | None)
assert_type(row.trde_qty, int | None)
assert_type(row.dt, datetime.date | None)
assert_type(row.invalid["x"], str)
client.orders.buy(dmst_stex_tp="KRX", stk_cd="005930", ord_qty=10, ord_uv=Decimal("1"), trde_tp="0")
row.cur_prc = 1  # E: frozen
client.orders.buy(dmst_stex_tp="KRX", stk_cd="005930", ord_qty=1.5, trde_tp="0")  # E: float
"""


@pytest.mark.slow
def test_mypy_strict_knows_every_type(vc: Generated, tmp_path: Path) -> None:
    from tests.support.client_helpers import mypy_strict

    root = vc.python_dir
    (root / "usage_values.py").write_text(USAGE, encoding="utf-8")
    done = mypy_strict("usage_values.py", root, tmp_path / "mypy-cache")
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    expected = [n for n, line in enumerate(USAGE.splitlines(), 1) if "# E:" in line]
    assert [int(line.split(":")[1]) for line in errors] == expected, done.stdout
    assert "frozen" in errors[0] or "read-only" in errors[0], errors[0]
    assert "ord_qty" in errors[1] and "float" in errors[1], errors[1]
    done = mypy_strict("kiwoom_client", root, tmp_path / "mypy-cache")
    assert done.returncode == 0, done.stdout


@pytest.mark.slow
def test_async_items_across_pages(vc: Generated, server: Any) -> None:
    import asyncio

    async def main() -> list[Any]:
        server.set_pages("ka10081", CHART_PAGES)
        async with vc.AsyncKiwoomClient(
            appkey=APPKEY, secretkey=SECRETKEY, env="mock", base_url=server.url, timeout=5.0
        ) as client:
            first = await client.chart.daily(
                stk_cd="005930", base_dt="20241108", upd_stk_prc_tp="1"
            )
            return await first.records(max_items=3)

    records = asyncio.run(main())
    assert [r["dt"].day for r in records] == [7, 6, 5]
    assert len(server.requests_for("ka10081")) == 2


@pytest.mark.slow
def test_fields_named_like_the_methods_keep_their_wire_names(tmp_path: Path) -> None:
    sheet = dataclasses.replace(
        DAILY_CHART,
        response_body=(
            f("parsed", "현재가", length=20),
            f("invalid", "거래량", length=20),
            f("rows", "목록", type="LIST", length=None),
            f("- to_pandas", "일자", length=8),
        ),
        response_example='{"parsed": "-5", "invalid": "7", "rows": [{"to_pandas": "20240105"}]}',
    )
    save_workbook(WorkbookData((sheet,)), tmp_path / "one.xlsx")
    python = generate([tmp_path / "one.xlsx"], tmp_path / "out")
    with imported(python, tmp_path / "import", "names") as gen:
        op = gen.OPERATIONS["ka10081"]
        typed = op.response_model.model_validate(op.response_example).parsed()
        assert (typed.parsed_, typed.parsed__direction, typed.invalid_) == (5, "down", 7)
        assert typed.rows[0].to_pandas_ == dt.date(2024, 1, 5) and not typed.invalid
        assert typed.records("rows")[0]["to_pandas_"] == dt.date(2024, 1, 5)
