"""The full-size synthetic workbook (benchmarks/synth.py) parses cleanly into well-named APIs.

Not timed here: benchmarks/bench_parse.py measures the reader against openpyxl itself.
"""

from __future__ import annotations

import keyword
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from kiwoom_codegen.model import Field, Transport
from kiwoom_codegen.model.load import Loaded
from kiwoom_codegen.model.realtime import realtime_spec
from kiwoom_codegen.problems import Level

from benchmarks.synth import count_field_rows, synthetic_workbook, write_synthetic
from tests.support.fixtures import read

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic(tmp_path_factory.mktemp("synthetic") / "kiwoom.xlsx")


@pytest.fixture(scope="module")
def bare(full: Path) -> Loaded:
    """The full-size workbook read without any names.toml / overrides.toml."""
    return read(full)


@pytest.fixture(scope="module")
def menus_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project names.toml that renames two menus' groups and nothing else."""
    d = tmp_path_factory.mktemp("config")
    (d / "names.toml").write_text(
        '[menus]\n"국내주식 > 계좌" = "accounts"\n"미국주식 > 시세" = "us.quotes"\n',
        encoding="utf-8",
    )
    return d


def test_full_size_shape() -> None:
    data = synthetic_workbook()
    assert len(data.sheets) == 337  # the catalog's APIs
    assert 9000 <= count_field_rows(data) <= 10000


@pytest.mark.slow
def test_full_size_parses_without_errors(bare: Loaded) -> None:
    loaded = bare
    assert [p.line() for p in loaded.problems if p.level is Level.ERROR] == []
    apis = loaded.spec.apis
    assert len(apis) == 337
    ws = [a for a in apis if a.transport is Transport.WEBSOCKET]
    assert len(ws) == 31 and {"0g", "0G", "0u", "0U", "ka10173"} <= {a.id for a in ws}
    for live in ("ka10173", "usa20290"):
        condition = loaded.spec.api(live)
        assert [v.name for v in condition.response.variants] == ["조회 데이터", "실시간 데이터"]
        assert condition.response_example is not None
        assert [p.name for p in condition.response_example.parts] == ["조회데이터", "실시간데이터"]
    realtime = [a.response_example for a in ws if len(a.id) == 2]
    assert len(realtime) == 23
    assert all(e is not None and [p.name for p in e.parts] == ["요청", "실시간 수신"]
               for e in realtime)  # fmt: skip
    assert loaded.self_check is not None and loaded.self_check.response.total > 250
    assert sum(a.id.startswith(("usa", "ust")) for a in apis) >= 120
    # the catalog's ids and menus: every API has its reviewed name, no fallback
    assert [p.line() for p in loaded.problems if p.level is Level.NOTE] == []
    assert sum(a.group.startswith("us.") for a in apis) >= 120
    assert {"au10001", "au10002"} <= {a.id for a in apis}
    assert len(loaded.spec.error_codes) == 21
    assert loaded.spec.api("au10001").request.body[0].fixed_value == "client_credentials"
    # About one example in five is not valid JSON: warnings, never errors.
    invalid = [p for p in loaded.problems if "Example is not valid JSON" in p.message]
    assert 0.1 < len(invalid) / (2 * len(apis)) < 0.3


@pytest.mark.slow  # the full-size workbook
def test_full_size_realtime_services_by_role(bare: Loaded) -> None:
    """The catalog's 31 WebSocket services as the real-time model sees them: 23 subscription
    types (type code = API id), the 8 condition services (CNSR... domestic, GCNSR... US) with
    their live types 02 and S2, and every WebSocket example accepted by the wire shapes."""
    rt = realtime_spec(bare.spec)
    roles = Counter((s.market, s.role) for s in rt.services)
    assert roles == {
        ("domestic", "subscription"): 19,
        ("us", "subscription"): 4,
        **{(m, r): 1 for m in ("domestic", "us") for r in (
            "condition_list", "condition_search", "condition_live", "condition_clear")},
    }  # fmt: skip
    subscriptions = {s.api.id for s in rt.services if s.role == "subscription"}
    assert {t.code: t.api_id for t in rt.types} == {
        **{i: i for i in subscriptions}, "02": "ka10173", "S2": "usa20290"}  # fmt: skip
    assert [t.kind for t in rt.types].count("condition") == 2
    assert all(t.fields and t.example_values for t in rt.types)
    assert [(c.market, c.list_trnm, c.request_trnm, c.clear_trnm, c.live_type, c.api_ids)
            for c in rt.conditions] == [
        ("domestic", "CNSRLST", "CNSRREQ", "CNSRCLR", "02",
         ("ka10171", "ka10172", "ka10173", "ka10174")),
        ("us", "GCNSRLST", "GCNSRREQ", "GCNSRCLR", "S2",
         ("usa20280", "usa20281", "usa20290", "usa20291")),
    ]  # fmt: skip
    ws = {s.api.id for s in rt.services}
    assert not [p.line() for p in bare.problems if p.api_id in ws and "example" in p.message]


def check_names(loaded: Loaded) -> None:
    apis = loaded.spec.apis
    for a in apis:
        names = (
            [*a.group.split("."), a.method_name, a.class_prefix]
            if a.group
            else [
                a.method_name,
                a.class_prefix,
            ]
        )
        for name in names:
            assert name.isidentifier() and name.isascii() and not keyword.iskeyword(name), name
    methods = Counter((a.group, a.method_name.lower()) for a in apis)
    assert [k for k, n in methods.items() if n > 1] == []
    classes = Counter(a.class_prefix.lower() for a in apis)
    assert [k for k, n in classes.items() if n > 1] == []

    def siblings(fields: Sequence[Field]) -> None:
        names = [f.python_name for f in fields]
        assert len(names) == len(set(names)), names
        for f in fields:
            assert f.python_name.isidentifier() and not keyword.iskeyword(f.python_name)
            siblings(f.children)

    for a in apis:
        for part in (a.request.headers, a.request.body, a.response.headers, a.response.body):
            siblings(part)
        for message in (a.request, a.response):
            for variant in message.variants:
                siblings(message.body + variant.body)


@pytest.mark.slow  # the full-size workbook
def test_names_unique_and_valid_without_config(bare: Loaded) -> None:
    check_names(bare)


@pytest.mark.slow
def test_names_unique_and_valid_with_menu_groups(full: Path, menus_only: Path) -> None:
    """[menus] of a project names.toml groups only the APIs no table names: the reviewed
    names of the catalog's APIs stay as they are."""
    loaded = read(full, config_dir=menus_only)
    check_names(loaded)
    groups = {a.group for a in loaded.spec.apis}
    assert {"", "realtime", "account", "us.market", "us.chart"} <= groups
    assert not {"accounts", "us.quotes"} & groups
    assert [g for g, _ in loaded.spec.groups] == sorted(groups)


def test_small_n_has_every_kind(tmp_path: Path) -> None:
    loaded = read(write_synthetic(tmp_path / "small.xlsx", n=12))
    assert [p.line() for p in loaded.problems if p.level is Level.ERROR] == []
    ids = [a.id for a in loaded.spec.apis]
    assert {"0g", "0G", "au10001"} <= set(ids) and any(i.startswith("usa") for i in ids)
    assert any(i.startswith("ka") for i in ids)
