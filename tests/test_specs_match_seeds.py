"""specs/ says what the seed documents say, row for row.

The seeds are parsed at test time from ``tests/data/seeds`` (the project's own input documents,
kept in the repository so that the tests need nothing beside it): seed 004 (the
developer portal's pages for kt10006-kt10009: sample code and tab-separated tables) and seed 000
(the official sheet of kt10009 as a markdown table). A missing seed is a failure, not a skip.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from kiwoom_codegen.model import Api, Field, Spec
from kiwoom_codegen.model.load import load

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
IDS = ("kt10006", "kt10007", "kt10008", "kt10009")

# (element, 한글명, type, required, length, description)
Row = tuple[str, str, str, str, str, str]


def seed(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert found, f"seed {prefix}_*.txt not found in {SEEDS} (they are part of the repository)"
    return found[0].read_text(encoding="utf-8")


def norm(text: str) -> str:
    return " ".join(text.split())


def model_row(f: Field) -> Row:
    required = "" if f.required is None else ("Y" if f.required else "N")
    length = "" if f.max_length is None else str(f.max_length)
    return (f.name, f.label, f.type, required, length, norm(f.description))


def seed_row(cells: list[str]) -> Row:
    cells = [c.strip() for c in cells] + [""] * (6 - len(cells))
    element, label, typ, required, length, description = cells[:6]
    return (element, label, typ, required, length, norm(description))


# --- seed 004: portal pages ---------------------------------------------------------------------


@dataclass
class PortalApi:
    api_id: str
    name: str
    params: dict[str, str]
    tables: dict[str, list[Row]]  # "request.headers", "request.body", "response.headers", ...


def parse_portal(text: str) -> dict[str, PortalApi]:
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if re.fullmatch(r"kt\d{5}", line.strip())]
    apis: dict[str, PortalApi] = {}
    for n, start in enumerate(starts):
        end = starts[n + 1] - 1 if n + 1 < len(starts) else len(lines)
        block = lines[start + 1 : end]
        api_id, name = lines[start].strip(), lines[start - 1].strip()
        apis[api_id] = PortalApi(api_id, name, _params(block), _tables(block))
    return apis


def _params(block: list[str]) -> dict[str, str]:
    code = "\n".join(block)
    m = re.search(r"params = (\{.*?\n\s*\})", code, re.DOTALL)
    assert m, "no params = {...} in the sample code"
    value = ast.literal_eval(m.group(1))
    assert isinstance(value, dict)
    return value


def _tables(block: list[str]) -> dict[str, list[Row]]:
    """요청/응답, then Header/Body, then a tab-separated table; a line without tabs right
    below a row goes on with that row's description."""
    tables: dict[str, list[list[str]]] = {}
    direction = ""
    current: list[list[str]] | None = None
    after_row = False
    for line in block:
        word = line.strip()
        if word in ("요청", "응답"):
            direction, current = ("request" if word == "요청" else "response"), None
        elif word in ("Header", "Body") and direction:
            current = tables.setdefault(
                f"{direction}.{'headers' if word == 'Header' else 'body'}", []
            )
        elif current is not None and line.startswith("Element\t"):
            pass
        elif current is not None and "\t" in line:
            current.append((line.split("\t") + [""] * 6)[:6])
            after_row = True
            continue
        elif after_row and word and current:
            current[-1][5] += "\n" + line
            continue
        after_row = False
    return {k: [seed_row(cells) for cells in v] for k, v in tables.items()}


# --- seed 000: the official sheet as markdown -------------------------------------------------


def parse_markdown_sheet(text: str) -> list[list[str]]:
    """Rows of cells; a cell may hold line breaks (the row goes on until a line ends with |)."""
    rows: list[list[str]] = []
    pending = ""
    for line in text.split("\n"):
        if not pending and not line.startswith("|"):
            continue
        pending = f"{pending}\n{line}" if pending else line
        if pending.rstrip().endswith("|"):
            cells = [c.strip() for c in pending.strip()[1:-1].split("|")]
            if not all(set(c) <= {"-", " "} for c in cells):
                rows.append(["" if c.startswith("Unnamed:") else c for c in cells])
            pending = ""
    return rows


@dataclass
class OfficialSheet:
    info: dict[str, str]
    tables: dict[str, list[Row]]
    examples: dict[str, str]


def parse_official(rows: list[list[str]]) -> OfficialSheet:
    info: dict[str, str] = {}
    tables: dict[str, list[Row]] = {}
    examples: dict[str, str] = {}
    section = ""
    part = ""
    for row in rows:
        first, rest = row[0], [c for c in row[1:] if c]
        if first in ("Request", "Response") and not rest:
            section, part = first.lower(), ""
        elif first in ("Request Example", "Response Example") and not rest:
            section = first.split()[0].lower() + "_example"
        elif section.endswith("_example"):
            examples[section.split("_")[0]] = first
        elif section and first == "구분":
            continue
        elif section:
            if first in ("Header", "Body"):
                part = "headers" if first == "Header" else "body"
            tables.setdefault(f"{section}.{part}", []).append(seed_row(row[1:7]))
        elif row[2:3] and row[2]:
            info[first] = row[2]
    return OfficialSheet(info, tables, examples)


# --- the tests --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load([ROOT / "specs"]).spec


@pytest.fixture(scope="module")
def portal() -> dict[str, PortalApi]:
    return parse_portal(seed("004"))


@pytest.fixture(scope="module")
def official() -> OfficialSheet:
    return parse_official(parse_markdown_sheet(seed("000")))


def tables_of(a: Api) -> dict[str, list[Row]]:
    return {
        "request.headers": [model_row(f) for f in a.request.headers],
        "request.body": [model_row(f) for f in a.request.body],
        "response.headers": [model_row(f) for f in a.response.headers],
        "response.body": [model_row(f) for f in a.response.body],
    }


def test_seeds_parse(portal: dict[str, PortalApi], official: OfficialSheet) -> None:
    assert sorted(portal) == list(IDS)
    assert all(len(p.tables) == 4 for p in portal.values())
    assert official.info["API ID"] == "kt10009"
    assert len(official.tables["request.body"]) == 4 and len(official.examples) == 2


def test_specs_hold_exactly_the_seed_apis(spec: Spec, portal: dict[str, PortalApi]) -> None:
    assert [a.id for a in spec.apis] == list(IDS)
    assert [a.name for a in spec.apis] == [portal[i].name for i in IDS]


@pytest.mark.parametrize("api_id", IDS)
def test_tables_match_the_portal(spec: Spec, portal: dict[str, PortalApi], api_id: str) -> None:
    ours = tables_of(spec.api(api_id))
    theirs = portal[api_id].tables
    assert sorted(ours) == sorted(theirs)
    for part in ("request.body", "response.body"):
        assert ours[part] == theirs[part], part
    # The portal lists headers in another order than the official sheet (seed 000), whose order
    # specs/ follows: compare them row for row, by element.
    for part in ("request.headers", "response.headers"):
        assert sorted(ours[part]) == sorted(theirs[part]), part


def test_cancel_matches_the_official_sheet(spec: Spec, official: OfficialSheet) -> None:
    a = spec.api("kt10009")
    assert tables_of(a) == official.tables  # every row, in the sheet's order
    info = official.info
    assert a.name == info["API 명"] and a.id == info["API ID"] and a.method == info["Method"]
    assert " > ".join(a.menu) == info["메뉴 위치"]
    assert a.path == info["URL"] and a.content_type == info["Content-Type"]
    assert a.servers.production == info["운영 도메인"]
    assert f"{a.servers.mock}({a.servers.mock_note})" == info["모의투자 도메인"]


def test_cancel_examples_match_the_official_sheet(spec: Spec, official: OfficialSheet) -> None:
    a = spec.api("kt10009")
    for which, example in (("request", a.request_example), ("response", a.response_example)):
        assert example is not None and example.valid
        assert example.value == json.loads(official.examples[which])
        assert norm(example.text) == norm(official.examples[which])


@pytest.mark.parametrize("api_id", IDS[:3])
def test_request_examples_are_the_sample_params(
    spec: Spec, portal: dict[str, PortalApi], api_id: str
) -> None:
    example = spec.api(api_id).request_example
    assert example is not None and example.valid
    assert example.value == portal[api_id].params
    assert list(example.value) == list(portal[api_id].params)  # same order, too


def test_cancel_sample_params_equal_the_official_example(portal: dict[str, PortalApi]) -> None:
    official = parse_official(parse_markdown_sheet(seed("000")))
    assert json.loads(official.examples["request"]) == portal["kt10009"].params
