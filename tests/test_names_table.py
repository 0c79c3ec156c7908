"""The names table shipped with the generator (generator/data/names.toml) and how names are made.

The table is checked against the catalog of Kiwoom's APIs (tests/data/catalog.tsv: facts of the
official workbook's index): every API has an entry, every name is a valid, unique, non-reserved
identifier, the words are used consistently (docs/names.md), and the names survive the trip
through a workbook in the official layout into the generated client.
"""

from __future__ import annotations

import asyncio
import builtins
import inspect
import json
import keyword
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.cli import main as cli_main
from kiwoom_codegen.emit.python_view import (
    CLIENT_ATTRIBUTES,
    RESERVED_GROUPS,
    RESOURCE_MODULE_NAMES,
)
from kiwoom_codegen.model.load import Loaded
from kiwoom_codegen.model.names import ClassName
from kiwoom_codegen.model.names_table import CLIENT_METHODS, default_names_table
from kiwoom_codegen.problems import Level, SpecError
from kiwoom_codegen.regen.layout import SheetData, TableRow, WorkbookData, save_workbook

from tests.support.fixtures import WSS, WSS_MOCK, read
from tests.support.python_client_support import emit_files, imported, write_files

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "generator" / "data" / "names.toml"  # kiwoom_codegen/data/names.toml
CATALOG = ROOT / "tests" / "data" / "catalog.tsv"


@dataclass(frozen=True)
class CatalogApi:
    id: str
    transport: str
    url: str
    menu: str  # "국내주식 > 차트 > 주식일봉차트조회요청(ka10081)"
    name: str

    @property
    def menu_path(self) -> str:
        return " > ".join(w.strip() for w in self.menu.split(">")[:-1])


def catalog() -> list[CatalogApi]:
    rows = []
    for line in CATALOG.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("id\t") or not line.strip():
            continue
        api_id, transport, url, menu, name = line.split("\t")
        rows.append(CatalogApi(api_id, transport, url, menu, name.strip()))
    return rows


CATALOG_APIS = catalog()
BY_ID = {a.id: a for a in CATALOG_APIS}
TABLE_DATA = tomllib.loads(TABLE.read_text(encoding="utf-8"))


def entries() -> Iterator[tuple[str, str, str, str]]:
    """(section, id, group, method) of every API entry."""
    for section in ("apis", "realtime"):
        for api_id, e in TABLE_DATA[section].items():
            yield section, api_id, e["group"], e["method"]


# --- the table itself ------------------------------------------------------------------------


def test_catalog_fixture_is_the_whole_catalog() -> None:
    assert len(CATALOG_APIS) == 337 and len(BY_ID) == 337
    assert Counter(a.transport for a in CATALOG_APIS) == {"http": 306, "websocket": 31}


def test_every_catalog_api_has_exactly_one_entry_in_the_right_section() -> None:
    http = {a.id for a in CATALOG_APIS if a.transport == "http"}
    ws = {a.id for a in CATALOG_APIS if a.transport == "websocket"}
    assert set(TABLE_DATA["apis"]) == http
    assert set(TABLE_DATA["realtime"]) == ws
    assert set(TABLE_DATA) == {"menus", "apis", "realtime"}


def test_table_is_sorted_one_line_per_api_with_its_korean_name() -> None:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            current = line.strip("[]")
        elif line and not line.startswith("#"):
            sections.setdefault(current, []).append(line)
    assert list(sections) == ["menus", "apis", "realtime"]
    for section in ("apis", "realtime"):
        lines = sections[section]
        ids = [line.split(" = ", 1)[0] for line in lines]
        assert ids == sorted(ids, key=lambda i: (i.lower(), i)), section
        for line, api_id in zip(lines, ids, strict=True):
            m = re.fullmatch(r'\S+ = \{ group = "[a-z_.]*", method = "\w+" \}  # (.+)', line)
            assert m is not None, line
            assert m.group(1) == BY_ID[api_id].name, line
    keys = [line.split(" = ", 1)[0].strip('"') for line in sections["menus"]]
    assert keys == sorted(keys)


def test_every_menu_of_the_catalog_has_a_group_and_entries_follow_their_menu() -> None:
    menus = TABLE_DATA["menus"]
    for a in CATALOG_APIS:
        assert a.menu_path in menus, a.menu_path
        group = menus[a.menu_path]
        entry = TABLE_DATA["apis" if a.transport == "http" else "realtime"][a.id]
        if a.id in CLIENT_METHODS:
            assert entry == {"group": "", "method": CLIENT_METHODS[a.id]}
        else:
            assert entry["group"] == group, a.id
        market = a.menu_path.split(" > ")[0]
        assert (entry["group"].startswith("us.")) == (market == "미국주식"), a.id


RESERVED_TOP = CLIENT_ATTRIBUTES | RESERVED_GROUPS | {"us"}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def is_clean(name: str) -> bool:
    return (
        bool(SNAKE.match(name))
        and name.isidentifier()
        and not keyword.iskeyword(name)
        and not keyword.issoftkeyword(name)
        and not hasattr(builtins, name)
    )


def test_names_are_valid_unique_and_not_reserved() -> None:
    per_group: dict[str, set[str]] = {}
    classes: dict[str, str] = {}
    modules: dict[str, str] = {}
    for section, api_id, group, method in entries():
        assert is_clean(method), (api_id, method)
        assert method not in RESOURCE_MODULE_NAMES, (api_id, method)
        assert api_id.lower() not in method, (api_id, method)  # no id in a reviewed name
        if group == "":
            assert CLIENT_METHODS[api_id] == method and method in CLIENT_ATTRIBUTES
            continue
        parts = group.split(".")
        assert all(is_clean(p) for p in parts), group
        assert len(parts) == 1 or (len(parts) == 2 and parts[0] == "us"), group
        top = parts[0] if len(parts) == 1 else None
        if top is not None and section == "apis":
            assert top not in RESERVED_TOP, group
        used = per_group.setdefault(group, set())
        assert method.lower() not in used, (group, method)
        used.add(method.lower())
        prefix = str(ClassName(*parts, method)).lower()
        assert prefix not in classes, (api_id, classes.get(prefix))
        classes[prefix] = api_id
        module = group.replace(".", "_")
        assert modules.setdefault(module, group) == group
    namespaces = {g.split(".")[0] for g in per_group if "." in g}
    assert namespaces == {"us"} and not namespaces & set(per_group)


def test_the_credit_orders_keep_their_names() -> None:
    assert {i: TABLE_DATA["apis"][i] for i in ("kt10006", "kt10007", "kt10008", "kt10009")} == {
        "kt10006": {"group": "credit_orders", "method": "buy"},
        "kt10007": {"group": "credit_orders", "method": "sell"},
        "kt10008": {"group": "credit_orders", "method": "modify"},
        "kt10009": {"group": "credit_orders", "method": "cancel"},
    }


def test_realtime_names_for_every_websocket_service() -> None:
    names = default_names_table().realtime_names()
    assert set(names) == {a.id for a in CATALOG_APIS if a.transport == "websocket"}
    assert names["0B"] == "stock_trade" and names["0D"] == "stock_order_book"
    assert names["0g"].lower() != names["0G"].lower()


# Korean term -> what the English name must contain (docs/names.md, "Glossary").
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("일봉", r"daily"),
    ("주봉", r"weekly"),
    ("월봉", r"monthly"),
    ("년봉", r"yearly"),
    ("분봉", r"minute"),
    ("틱", r"tick"),
    ("미체결", r"open_(\w+_)?orders"),
    ("체결", r"trade|fill"),
    ("호가", r"order_book|bid_ask"),
    ("잔고", r"balance"),
    ("신용", r"credit"),
    ("업종", r"sector"),
    ("예수금", r"deposit"),
    ("실현손익", r"realized_pnl"),
    ("금현물", r"gold"),
    ("순위", r"ranking"),
    ("상위", r"top"),
    ("일별", r"daily"),
    ("연도별", r"yearly"),
    ("월별", r"monthly"),
    ("매수주문", r"buy"),
    ("매도주문", r"sell"),
    ("정정주문", r"modify"),
    ("취소주문", r"cancel"),
)


@pytest.mark.parametrize(("term", "english"), GLOSSARY, ids=[t for t, _ in GLOSSARY])
def test_the_same_korean_term_gets_the_same_english_word(term: str, english: str) -> None:
    offenders = []
    for _, api_id, group, method in entries():
        name = BY_ID[api_id].name.replace(" ", "")
        name = name.replace("(주식/업종)", "")  # US lists: the default universe, no suffix
        if term == "체결":
            name = name.replace("미체결", "")
        if term in name and not re.search(english, f"{group}.{method}"):
            offenders.append(f"{api_id} {BY_ID[api_id].name}: {group}.{method}")
    assert offenders == []


def test_glossary_is_documented() -> None:
    doc = (ROOT / "docs" / "names.md").read_text(encoding="utf-8")
    for term, _ in GLOSSARY:
        assert f"| {term} |" in doc, term


# --- a workbook in the official layout with the catalog's ids and menus ----------------------


def sheet(a: CatalogApi) -> SheetData:
    """A small sheet for a catalog API: its real id, URL, menu and name, a made-up table."""
    if a.transport == "websocket":
        return SheetData(
            api_id=a.id,
            name=a.name,
            menu=a.menu,
            url=a.url,
            production=WSS,
            mock=WSS_MOCK,
            request_headers=(),
            response_headers=(),
            request_body=(
                ("trnm", "서비스명", "String", "Y", 10, "REG : 등록 , REMOVE : 해지"),
                ("grp_no", "그룹번호", "String", "Y", 4, ""),
            ),
            response_body=(("trnm", "서비스명", "String", "N", None, ""),),
        )
    request: tuple[TableRow, ...] = (("stk_cd", "종목코드", "String", "Y", 20, ""),)
    if a.id.startswith("au"):
        request = (("appkey", "앱키", "String", "Y", None, ""),)
    return SheetData(
        api_id=a.id,
        name=a.name,
        menu=a.menu,
        url=a.url,
        request_body=request,
        response_body=(("cur_prc", "현재가", "String", "N", 20, ""),),
    )


def one_per_menu() -> list[CatalogApi]:
    """The first API of every menu, the token APIs and the case twins 0g/0G."""
    chosen: dict[str, CatalogApi] = {}
    for a in CATALOG_APIS:
        chosen.setdefault(a.menu_path, a)
    extra = [BY_ID[i] for i in ("au10001", "au10002", "0g", "0G", "usa06012", "ka10081")]
    return sorted({a.id: a for a in [*chosen.values(), *extra]}.values(), key=lambda a: a.id)


@pytest.fixture(scope="module")
def full_model(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    d = tmp_path_factory.mktemp("catalog")
    book = save_workbook(
        WorkbookData(tuple(sheet(a) for a in CATALOG_APIS), index=True), d / "kiwoom.xlsx"
    )
    return read(book)


@pytest.mark.slow
def test_every_catalog_api_gets_its_table_name_without_fallbacks(full_model: Loaded) -> None:
    spec = full_model.spec
    assert len(spec.apis) == 337
    assert [p.line() for p in full_model.problems if p.level is not Level.WARNING] == []
    for api in spec.apis:
        section = "apis" if api.transport.value == "http" else "realtime"
        entry = TABLE_DATA[section][api.id]
        assert (api.group, api.method_name) == (entry["group"], entry["method"])
    assert spec.api("ka10081").python_name == "chart.daily"
    assert spec.api("usa06012").python_name == "us.chart.daily"
    assert spec.api("ust20000").class_prefix == "UsOrdersBuy"
    assert spec.api("au10001").python_name == "issue_token"
    assert len({a.class_prefix.lower() for a in spec.apis}) == 337


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, list[CatalogApi]]]:
    d = tmp_path_factory.mktemp("roundtrip")
    apis = one_per_menu()
    book = save_workbook(WorkbookData(tuple(sheet(a) for a in apis), index=True), d / "k.xlsx")
    loaded = read(book)
    assert [p for p in loaded.problems if p.level is Level.NOTE] == []
    root = write_files(emit_files(loaded.spec), d / "out")
    with imported(root) as pkg:
        yield pkg, apis


def resolve(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.slow
def test_round_trip_into_the_client(generated: tuple[Any, list[CatalogApi]]) -> None:
    pkg, apis = generated
    testing = __import__(f"{pkg.__name__}.testing", fromlist=["FakeKiwoomServer"])
    with testing.FakeKiwoomServer() as server:
        client = pkg.KiwoomClient(appkey="k", secretkey="s", base_url=server.url)
        aclient = pkg.AsyncKiwoomClient(appkey="k", secretkey="s", base_url=server.url)
        called = []
        for a in apis:
            op = pkg.OPERATIONS[a.id]
            section = "apis" if a.transport == "http" else "realtime"
            entry = TABLE_DATA[section][a.id]
            expected = ".".join(x for x in (entry["group"], entry["method"]) if x)
            assert op.python_name == expected, a.id
            if a.transport == "websocket" or a.id in CLIENT_METHODS:
                if op.group == "realtime":  # the real-time session, not an HTTP group
                    assert callable(client.realtime)
                elif op.group:  # a WebSocket group is not offered by the HTTP client
                    with pytest.raises(AttributeError):
                        resolve(client, op.group)
                continue
            method = resolve(client, op.python_name)
            assert (method.__doc__ or "").startswith(f"{a.name} ({a.id})")
            method(stk_cd="005930")
            called.append(a)

        async def call_async() -> None:
            for a in called:
                amethod = resolve(aclient, pkg.OPERATIONS[a.id].python_name)
                assert inspect.iscoroutinefunction(amethod)
                await amethod(stk_cd="005930")
            await aclient.close()

        asyncio.run(call_async())
        groups = {e["group"] for e in TABLE_DATA["apis"].values() if e["group"]}
        assert {pkg.OPERATIONS[a.id].group for a in called} == groups  # every HTTP group
        for a in called:
            sent = server.requests_for(a.id)
            assert [(r.path, r.api_id) for r in sent] == [(a.url, a.id)] * 2, a.id
            assert sent[0].json == sent[1].json == {"stk_cd": "005930"}
        assert client.us.chart.daily.__func__.__qualname__ == "UsChart.daily"
        assert pkg.OPERATIONS["usa06012"].response_model.__name__ == "UsChartDailyResponse"
        # the OAuth APIs are the client's own token methods
        token = client.issue_token()
        assert token.token and server.requests_for("au10001")
        client.revoke_token()
        assert server.requests_for("au10002")
        assert not hasattr(client, "oauth")
        # `client.realtime` is the real-time session (a method), not a group of HTTP methods.
        assert callable(client.realtime) and not hasattr(client.realtime, "stock_trade")
        client.close()


def test_api_md_is_a_table_of_contents_by_menu(
    generated: tuple[Any, list[CatalogApi]], tmp_path: Path
) -> None:
    pkg, apis = generated
    text = (Path(pkg.__file__).parent.parent / "api.md").read_text(encoding="utf-8")
    for a in apis:
        op = pkg.OPERATIONS[a.id]
        row = next(line for line in text.splitlines() if line.startswith(f"| {a.id} |"))
        assert f"`{op.python_name}" in row or f"`client.{op.python_name}" in row, row
        assert f"| {a.name} |" in row.replace("\\", ""), row
    assert "## 미국주식 \\> 차트 — `us.chart`" in text
    assert "`client.us.chart.daily(...)`" in text and "`client.issue_token()`" in text


# --- fallbacks: readable, noted, stable ------------------------------------------------------


def new_api(api_id: str, menu: str, name: str = "새 조회") -> SheetData:
    return SheetData(
        api_id=api_id,
        name=name,
        menu=f"{menu} > {name}({api_id})",
        url="/api/dostk/chart",
        request_body=(("stk_cd", "종목코드", "String", "Y", 20, ""),),
        response_body=(("cur_prc", "현재가", "String", "N", 20, ""),),
    )


def model(tmp_path: Path, *sheets: SheetData, name: str = "k.xlsx", config: Path | None = None):
    book = save_workbook(WorkbookData(sheets), tmp_path / name)
    return read(book, config_dir=config)


def test_an_unknown_api_falls_back_to_its_menu_group_and_its_id(tmp_path: Path) -> None:
    loaded = model(
        tmp_path,
        sheet(BY_ID["ka10081"]),
        new_api("ka99999", "국내주식 > 차트"),
        new_api("usa99999", "미국주식 > 차트"),
        new_api("usa99998", "미국주식 > 테마"),  # a menu only the domestic market has
        new_api("zz00001", "해외선물 > 신규메뉴"),  # an unknown market and menu
    )
    spec = loaded.spec
    assert spec.api("ka10081").python_name == "chart.daily"
    assert spec.api("ka99999").python_name == "chart.ka99999"
    assert spec.api("usa99999").python_name == "us.chart.usa99999"
    assert spec.api("usa99998").python_name == "us.theme.usa99998"
    # an unknown market is a namespace of romanised words
    assert spec.api("zz00001").python_name == "haeoeseonmul.singyumenyu.zz00001"
    notes = [p.line() for p in loaded.problems if p.level is Level.NOTE]
    assert len(notes) == 4  # one line per unnamed API, none for the named one
    ka = next(n for n in notes if "(ka99999)" in n)
    assert "k.xlsx › '새 조회(ka99999)' (ka99999): " in ka
    assert "chart.ka99999" in ka and "[apis]" in ka


def test_unnamed_apis_are_noted_by_the_cli_and_do_not_fail_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = save_workbook(
        WorkbookData((sheet(BY_ID["ka10081"]), new_api("ka99999", "국내주식 > 차트"))),
        tmp_path / "k.xlsx",
    )
    code = cli_main(["parse", str(book), "--strict"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "ka10081\thttp\t/api/dostk/chart\tchart.daily" in out
    lines = [
        line
        for line in err.splitlines()
        if line.startswith("note:") and not line.startswith("note: config: ")
    ]
    assert len(lines) == 1 and "k.xlsx › '새 조회(ka99999)' (ka99999)" in lines[0]


def test_a_new_api_never_changes_an_existing_name(tmp_path: Path) -> None:
    old = model(
        tmp_path,
        sheet(BY_ID["ka10081"]),
        sheet(BY_ID["0G"]),
        new_api("ka99999", "국내주식 > 차트"),
        new_api("ka9999A", "국내주식 > 차트"),
        name="old.xlsx",
    ).spec
    new = model(
        tmp_path,
        sheet(BY_ID["ka10081"]),
        sheet(BY_ID["0G"]),
        sheet(BY_ID["0g"]),  # its case twin arrives
        new_api("ka99999", "국내주식 > 차트"),
        new_api("ka9999A", "국내주식 > 차트"),
        new_api("ka9999a", "국내주식 > 차트"),  # a fallback's case twin arrives
        new_api("ka99998", "국내주식 > 차트"),
        name="new.xlsx",
    ).spec
    for api in old.apis:
        after = new.api(api.id)
        assert (after.group, after.method_name, after.class_prefix) == (
            api.group,
            api.method_name,
            api.class_prefix,
        ), api.id
    names = [a.python_name.lower() for a in new.apis]
    assert len(names) == len(set(names))
    assert {new.api("ka9999A").method_name, new.api("ka9999a").method_name} == {
        "ka9999_a",
        "ka9999a",
    }


def test_project_names_override_the_shipped_table(tmp_path: Path) -> None:
    (tmp_path / "names.toml").write_text(
        "[menus]\n"
        '"국내주식 > 차트" = "charts"\n'
        "[apis]\n"
        'ka10082 = { group = "chart", method = "daily" }\n'  # takes ka10081's shipped name
        'ka10083 = { method = "month" }\n',  # method only: group from the menu
        encoding="utf-8",
    )
    loaded = model(
        tmp_path,
        sheet(BY_ID["ka10081"]),
        sheet(BY_ID["ka10082"]),
        sheet(BY_ID["ka10083"]),
        new_api("ka99999", "국내주식 > 차트"),
        config=tmp_path,
    )
    spec = loaded.spec
    assert spec.api("ka10082").python_name == "chart.daily"
    # the shipped name is taken: the later arrival gets its id as a suffix, and a note
    assert spec.api("ka10081").python_name == "chart.daily_ka10081"
    assert spec.api("ka10083").python_name == "charts.month"
    assert spec.api("ka99999").python_name == "charts.ka99999"
    lines = [p.line() for p in loaded.problems]
    assert any("chart.daily is taken" in line and "(ka10081)" in line for line in lines)
    assert not any(p.level is not Level.NOTE for p in loaded.problems), lines


@pytest.mark.slow
@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('ka10081 = { group = "", method = "daily" }', 'group "" is the client itself'),
        ('au10001 = { group = "", method = "revoke_token" }', 'group "" is the client itself'),
        ('ka10081 = { group = "us..chart", method = "daily" }', "dotted path"),
        ('ka10081 = { group = "us.class", method = "daily" }', "dotted path"),
        ('ka10081 = { group = "us", method = "daily" }', "also the namespace"),
        ('ka10081 = { group = "chart", method = "x", extra = 1 }', "unknown key(s) extra"),
    ],
)
def test_bad_names_entries_are_errors_with_their_location(
    tmp_path: Path, entry: str, message: str
) -> None:
    (tmp_path / "names.toml").write_text(f"[apis]\n{entry}\n", encoding="utf-8")
    book = save_workbook(
        WorkbookData((sheet(BY_ID["ka10081"]), sheet(BY_ID["usa06012"]))), tmp_path / "k.xlsx"
    )
    with pytest.raises(SpecError) as exc:
        read(book, config_dir=tmp_path)
    lines = [p.line() for p in exc.value.problems if p.level is Level.ERROR]
    assert len(lines) == 1 and message in lines[0], lines
    assert "names.toml" in lines[0]


def test_diff_reports_a_rename_as_breaking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Kiwoom moves an API no table names to another menu: its group changes, which breaks
    callers; the named API next to it keeps its name."""
    old = save_workbook(
        WorkbookData((sheet(BY_ID["ka10081"]), new_api("ka99999", "국내주식 > 차트"))),
        tmp_path / "old.xlsx",
    )
    new = save_workbook(
        WorkbookData((sheet(BY_ID["ka10081"]), new_api("ka99999", "국내주식 > 시세"))),
        tmp_path / "new.xlsx",
    )
    code = cli_main(["diff", str(old), str(new), "--format", "json", "--fail-on", "breaking"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    kinds = {(c["api_id"], c["kind"]): c for c in doc["changes"]}
    rename = kinds[("ka99999", "python_group")]
    assert rename["breaking"] and (rename["old"], rename["new"]) == ("chart", "market")
    assert not any(c["api_id"] == "ka10081" for c in doc["changes"])
