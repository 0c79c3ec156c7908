"""diff OLD NEW: two editions compared as models, each change classified for the client's users."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.model import Condition, Field, Kind, Spec
from kiwoom_codegen.model.load import load
from kiwoom_codegen.regen.diff import Change, DiffReport, diff_specs, next_version
from kiwoom_codegen.regen.diff_render import render_markdown, render_text

from tests.support.pipeline import (
    NESTED,
    SEED,
    described,
    edit_row,
    later_edition,
    run,
    write_edition,
)

CHANGE_KEYS = {"api_id", "kind", "location", "old", "new", "breaking", "wire"}
SUMMARY_KEYS = {"apis_added", "apis_removed", "breaking", "non_breaking", "total", "suggested_bump"}


def by(
    changes: list[dict[str, Any]], kind: str, location: str | None = None
) -> list[dict[str, Any]]:
    return [
        c for c in changes if c["kind"] == kind and (location is None or c["location"] == location)
    ]


def diff_json(
    capsys: pytest.CaptureFixture[str], old: Path, new: Path, *extra: str
) -> tuple[int, dict[str, Any]]:
    code, out, err = run(["diff", str(old), str(new), "--format", "json", *extra], capsys)
    assert "Traceback" not in err
    return code, json.loads(out)


# --- the documented later edition: descriptions only ---------------------------------------------


@pytest.mark.slow
def test_description_only_edition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write_edition(tmp_path / "old", SEED)
    new = write_edition(tmp_path / "new", described(SEED))

    code, doc = diff_json(capsys, old, new)
    assert code == 1  # default --fail-on any: like diff(1), 1 when anything changed
    changes = doc["changes"]
    assert {c["kind"] for c in changes} == {"description"}
    assert not any(c["breaking"] or c["wire"] for c in changes)
    locations = {(c["api_id"], c["location"]) for c in changes}
    assert locations == {
        ("kt10006", "request.body.ord_qty"),
        ("kt10006", "request.body.ord_uv"),
        ("kt10006", "response.body.ord_no"),
        ("kt10007", "request.body.ord_qty"),
        ("kt10007", "request.body.ord_uv"),
        ("kt10007", "response.body.ord_no"),
        ("kt10008", "response.body.ord_no"),
        ("kt10009", "response.body.ord_no"),
        ("kt10009", "request.body.orig_ord_no"),
    }
    qty = by(changes, "description", "request.body.ord_qty")[0]
    assert (qty["old"], qty["new"]) == ("", "단위: 1주")
    summary = doc["summary"]
    assert summary["breaking"] == 0 and summary["non_breaking"] == 9 == summary["total"]
    assert summary["suggested_bump"] == "patch"

    code, out, _ = run(["diff", str(old), str(new), "--fail-on", "breaking"], capsys)
    assert code == 0
    assert "BREAKING" not in out and "suggested bump: patch" in out.lower()

    code, _, _ = run(["diff", str(old), str(old)], capsys)
    assert code == 0


@pytest.mark.slow
def test_no_change_is_exit_0_and_bump_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write_edition(tmp_path / "old", SEED)
    new = write_edition(tmp_path / "new", SEED)
    code, doc = diff_json(capsys, old, new)
    assert code == 0
    assert doc == {
        "changes": [],
        "summary": {
            "apis_added": 0,
            "apis_removed": 0,
            "breaking": 0,
            "non_breaking": 0,
            "total": 0,
            "wire": 0,
            "suggested_bump": "none",
            "version": "0.1.0",
            "note": "no changes",
        },
    }


# --- an edition with every kind of structural change ---------------------------------------------


@pytest.fixture
def editions(tmp_path: Path) -> tuple[Path, Path]:
    return (
        write_edition(tmp_path / "old", [*SEED, NESTED]),
        write_edition(tmp_path / "new", later_edition()),
    )


def one(changes: list[dict[str, Any]], api_id: str, kind: str, location: str) -> dict[str, Any]:
    found = [
        c for c in changes if (c["api_id"], c["kind"], c["location"]) == (api_id, kind, location)
    ]
    assert len(found) == 1, (api_id, kind, location, changes)
    return found[0]


@pytest.mark.slow
def test_structural_changes(
    editions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = editions
    code, doc = diff_json(capsys, old, new)
    assert code == 1
    changes = doc["changes"]
    for c in changes:
        assert set(c) == CHANGE_KEYS
    assert SUMMARY_KEYS <= set(doc["summary"])

    added = one(changes, "kt10010", "api_added", "api")
    assert added["breaking"] is False and added["wire"] is True
    assert added["new"]["path"] == "/api/dostk/crdordr"
    removed = one(changes, "kt10008", "api_removed", "api")
    assert removed["breaking"] is True and removed["old"]["python"] == "credit_orders.modify"

    gone = one(changes, "kt10007", "field_removed", "request.body.cond_uv")
    assert gone["breaking"] and gone["wire"]
    required = one(changes, "kt10006", "required", "request.body.ord_uv")
    assert (required["old"], required["new"], required["breaking"]) == (False, True, True)
    length = one(changes, "kt10006", "max_length", "request.body.stk_cd")
    assert (length["old"], length["new"], length["breaking"], length["wire"]) == (
        12,
        6,
        True,
        False,
    )

    enum_gone = one(changes, "kt10006", "enum_value_removed", "request.body.trde_tp")
    assert enum_gone["old"] == {"value": "81", "label": "장마감후시간외"} and enum_gone["breaking"]
    enum_new = one(changes, "kt10006", "enum_value_added", "request.body.trde_tp")
    assert enum_new["new"] == {"value": "32", "label": "신규구분"} and not enum_new["breaking"]

    deep = one(changes, "ka90001", "field_added", "response.body.stk_list.daly.trde_qty")
    assert deep["breaking"] is False and deep["wire"] is True
    assert deep["new"]["type"] == "String" and deep["new"]["max_length"] == 20
    moved = one(changes, "ka90001", "field_moved", "response.body.stk_list.tot_cnt")
    assert (moved["old"], moved["new"]) == (
        "response.body.tot_cnt",
        "response.body.stk_list.tot_cnt",
    )
    assert moved["breaking"] and moved["wire"]
    assert not by(changes, "field_removed", "response.body.tot_cnt")

    summary = doc["summary"]
    assert summary["apis_added"] == 1 and summary["apis_removed"] == 1
    assert summary["breaking"] == sum(c["breaking"] for c in changes) >= 6
    assert summary["total"] == len(changes) == summary["breaking"] + summary["non_breaking"]
    # Breaking changes while the package is 0.x: a minor bump, and the note says why.
    assert summary["suggested_bump"] == "minor" and "below 1.0.0" in summary["note"]
    # Sorted and stable: the same run twice gives the same bytes.
    keys = [(c["api_id"].lower(), c["api_id"], c["location"], c["kind"]) for c in changes]
    assert keys == sorted(keys)
    code2, out2, _ = run(["diff", str(old), str(new), "--format", "json"], capsys)
    assert json.loads(out2) == doc

    code, _, _ = run(["diff", str(old), str(new), "--fail-on", "breaking"], capsys)
    assert code == 1
    code, _, _ = run(["diff", str(old), str(new), "--fail-on", "none"], capsys)
    assert code == 0


@pytest.mark.slow
def test_text_lists_breaking_first(
    editions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["diff", *map(str, editions)], capsys)
    assert code == 1
    lines = out.splitlines()
    flags = [line.startswith("BREAKING") for line in lines[:-1]]
    assert flags == sorted(flags, reverse=True) and flags[0] and not flags[-1]
    assert any("request.body.stk_cd  max_length: 12 -> 6" in line for line in lines)
    assert lines[-1].startswith(f"{len(lines) - 1} change(s):")
    assert "Suggested bump: minor" in lines[-1]


@pytest.mark.slow
def test_markdown_renders_tables(
    editions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["diff", *map(str, editions), "--format", "markdown"], capsys)
    assert code == 1
    assert out.startswith("## API changes\n")
    assert "### Breaking changes" in out and "### Other changes" in out
    assert out.index("### Breaking changes") < out.index("### Other changes")
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    header = "| API | Change | Location | Old | New | Wire |"
    assert rows.count(header) == 2
    for row in rows:
        assert row.count(" | ") == header.count(" | ")  # no unescaped | inside a cell
    assert "| kt10006 | `max_length` | `request.body.stk_cd` | 12 | 6 |  |" in out


@pytest.mark.slow
def test_bad_input_is_exit_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write_edition(tmp_path / "old", SEED)
    code, out, err = run(["diff", str(old), str(tmp_path / "missing")], capsys)
    assert code == 2 and out == ""
    assert "no such file or directory" in err and "new edition" in err and "Traceback" not in err
    bad = write_edition(tmp_path / "bad", edit_row(SEED, "kt10006", "stk_cd", required="X"))
    code, _, err = run(["diff", str(bad), str(old)], capsys)
    assert code == 2 and "Required must be Y or N" in err and "old edition" in err
    code, _, err = run(["diff", str(old), str(old), "--config", str(tmp_path / "nope")], capsys)
    assert code == 2 and "not a directory" in err


@pytest.mark.slow
def test_same_config_for_both_editions_leniently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """names.toml names kt10008, which the new edition lacks: a warning, not an error; and the
    config beside OLD names the APIs of NEW too (no spurious python_method change)."""
    old = write_edition(tmp_path / "old", SEED)
    new = write_edition(tmp_path / "new", [s for s in SEED if s.api_id != "kt10008"], config=False)
    code, doc = diff_json(capsys, old, new)
    err = capsys.readouterr().err
    assert code == 1
    assert [c["kind"] for c in doc["changes"]] == ["api_removed"]
    assert "Traceback" not in err


@pytest.mark.slow
def test_default_config_falls_back_to_specs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write_edition(tmp_path / "old", SEED, config=False)
    new = write_edition(tmp_path / "new", SEED, config=False)
    workdir = tmp_path / "project"
    write_edition(workdir / "specs", SEED)  # a specs/ with names.toml in the working directory
    monkeypatch.chdir(workdir)
    code, doc = diff_json(capsys, old, new)
    assert code == 0 and doc["changes"] == []
    # Without any config the fallback method names are the API ids: still no change.
    code, doc = diff_json(capsys, old, new, "--no-config")
    assert code == 0


# --- the model comparison itself (cases no workbook edition above covers) ------------------------


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    return load([write_edition(tmp_path_factory.mktemp("spec"), [*SEED, NESTED])]).spec


def replace_field(spec: Spec, api_id: str, direction: str, name: str, **changes: Any) -> Spec:
    def swap(fields: tuple[Field, ...]) -> tuple[Field, ...]:
        return tuple(
            dataclasses.replace(f, **changes)
            if f.name == name
            else dataclasses.replace(f, children=swap(f.children))
            for f in fields
        )

    apis = []
    for api in spec.apis:
        if api.id == api_id:
            message = getattr(api, direction)
            api = dataclasses.replace(
                api, **{direction: dataclasses.replace(message, body=swap(message.body))}
            )
        apis.append(api)
    return dataclasses.replace(spec, apis=tuple(apis))


def kinds(report: DiffReport) -> list[tuple[str, str, bool, bool]]:
    return [(c.kind, c.location, c.breaking, c.wire) for c in report.changes]


def _emptied_types(spec: Spec) -> Spec:
    """Every field's Type cell emptied, as the newest official edition has it (read the same)."""

    def empty(fields: tuple[Field, ...]) -> tuple[Field, ...]:
        return tuple(dataclasses.replace(f, type="", children=empty(f.children)) for f in fields)

    def message(m: Any) -> Any:
        return dataclasses.replace(m, body=empty(m.body))

    return dataclasses.replace(
        spec,
        apis=tuple(
            dataclasses.replace(a, request=message(a.request), response=message(a.response))
            for a in spec.apis
        ),
    )


def test_type_respellings_are_gathered_for_people_and_listed_in_json(spec: Spec) -> None:
    new = replace_field(_emptied_types(spec), "kt10006", "request", "stk_cd", max_length=6)
    report = diff_specs(spec, new)
    respelled = [c for c in report.changes if c.kind == "type"]
    assert len(respelled) > 20 and all(not c.breaking and not c.wire for c in respelled)
    assert len(report.to_json()["changes"]) == len(report.changes)  # JSON: every change
    pairs = {(c.old, c.new) for c in respelled}
    text = render_text(report).splitlines()
    # a line per spelling pair, and the summary
    assert len(text) == len(report.changes) - len(respelled) + len(pairs) + 1
    gathered = [line for line in text if "type:" in line]
    assert len(gathered) == len(pairs)
    strings = [c for c in respelled if c.old == "String"]
    apis = sorted({c.api_id for c in strings})
    assert f'type: "String" -> "" ({len(strings)} field(s) in {len(apis)} API(s)' in gathered[0]
    assert any("request.body.stk_cd  max_length: 12 -> 6" in line for line in text)
    assert text[-1].startswith(f"{len(report.changes)} change(s)")
    markdown = render_markdown(report)
    assert "### Type cells respelled" in markdown and "`type`" not in markdown
    assert f"{len(strings)} field(s) in {len(apis)} API(s)" in markdown


def test_a_change_made_alike_in_several_apis_is_one_entry_unless_it_breaks(spec: Spec) -> None:
    servers = dataclasses.replace(spec.apis[0].servers, mock_note="KRX만 지원가능 (바뀜)")
    new = dataclasses.replace(
        spec,
        apis=tuple(
            dataclasses.replace(a, servers=servers, path="/api/dostk/ordr") for a in spec.apis
        ),
    )
    report = diff_specs(spec, new)
    ids = [a.id for a in spec.apis]
    assert len(ids) > 3 and len(report.changes) == 2 * len(ids)  # a note and a path in each
    text = render_text(report).splitlines()
    breaking = [line for line in text if line.startswith("BREAKING")]
    assert [line.split()[1] for line in breaking] == ids  # each API on its own line
    [note] = [line for line in text if "server_note" in line]
    assert note.split("  servers.mock_note")[0].strip() == f"{', '.join(ids[:3])} +{len(ids) - 3}"
    assert len(text) == len(ids) + 1 + 1  # each breaking, one gathered, the summary
    markdown = render_markdown(report)
    assert f"| {', '.join(ids)} | `server_note` |" in markdown


def test_api_level_changes(spec: Spec) -> None:
    api = spec.api("kt10006")
    changed = dataclasses.replace(
        api, path="/api/dostk/ordr", group="credit", method_name="buy_on_credit", name="신용 매수"
    )
    new = dataclasses.replace(
        spec, apis=tuple(changed if a.id == "kt10006" else a for a in spec.apis)
    )
    assert kinds(diff_specs(spec, new)) == [
        ("api_name", "name", False, False),
        ("path", "path", True, True),
        ("python_group", "python.group", True, False),
        ("python_method", "python.method", True, False),
    ]


@pytest.mark.parametrize(
    ("direction", "name", "changes", "expected"),
    [
        ("request", "stk_cd", {"max_length": 20}, [("max_length", False)]),
        ("response", "ord_no", {"max_length": 3}, [("max_length", False)]),
        ("request", "stk_cd", {"kind": Kind.ARRAY, "type": "LIST"}, [("kind", True)]),
        ("request", "stk_cd", {"type": ""}, [("type", False)]),
        ("request", "stk_cd", {"python_name": "code"}, [("python_name", True)]),
        ("response", "ord_no", {"python_name": "order_no"}, [("python_name", True)]),
        ("request", "stk_cd", {"label": "종목"}, [("label", False)]),
        ("request", "ord_qty", {"required": False}, [("required", False)]),
        ("request", "cond_uv", {"format": "YYYYMMDD"}, [("format", True)]),
        ("request", "cond_uv", {"fixed_value": "0"}, [("fixed_value", False)]),
        (
            "request",
            "cond_uv",
            {"required_if": Condition("trde_tp", ("28",), "스톱지정가일 경우 필수")},
            [("required_if", True)],
        ),
    ],
)
def test_field_attribute_changes(
    spec: Spec, direction: str, name: str, changes: dict[str, Any], expected: list[tuple[str, bool]]
) -> None:
    report = diff_specs(spec, replace_field(spec, "kt10006", direction, name, **changes))
    assert [(c.kind, c.breaking) for c in report.changes] == expected
    assert all(c.location == f"{direction}.body.{name}" for c in report.changes)


def test_response_enum_and_condition_relaxed(spec: Spec) -> None:
    loan = spec.api("kt10007").request.body
    condition = next(f for f in loan if f.name == "crd_loan_dt").required_if
    assert condition is not None
    wider = dataclasses.replace(condition, when_values=("33", "99"))
    narrower = replace_field(spec, "kt10007", "request", "crd_loan_dt", required_if=None)
    assert [c.breaking for c in diff_specs(spec, narrower).changes] == [False]
    report = diff_specs(
        spec, replace_field(spec, "kt10007", "request", "crd_loan_dt", required_if=wider)
    )
    assert [(c.kind, c.breaking) for c in report.changes] == [("required_if", True)]
    dmst = next(f for f in spec.api("kt10006").request.body if f.name == "dmst_stex_tp")
    assert dmst.enum is not None
    fewer = replace_field(spec, "kt10006", "request", "dmst_stex_tp", enum=dmst.enum[:2])
    assert [(c.kind, c.breaking) for c in diff_specs(spec, fewer).changes] == [
        ("enum_value_removed", True)
    ]


def test_reordered_fields_are_one_patch_change(spec: Spec) -> None:
    api = spec.api("kt10006")
    body = api.request.body
    reordered = (body[-1], *body[:-1])  # cond_uv moved to the top
    new_api = dataclasses.replace(api, request=dataclasses.replace(api.request, body=reordered))
    new = dataclasses.replace(spec, apis=tuple(new_api if a.id == api.id else a for a in spec.apis))
    report = diff_specs(spec, new)
    assert kinds(report) == [("field_order", "request.body.cond_uv", False, False)]
    assert report.suggested_bump() == ("patch", report.suggested_bump()[1])


def test_error_codes(spec: Spec) -> None:
    codes = (*spec.error_codes[1:], dataclasses.replace(spec.error_codes[0], code=9999))
    report = diff_specs(spec, dataclasses.replace(spec, error_codes=codes))
    assert [(c.api_id, c.kind, c.location) for c in report.changes] == [
        (None, "error_code_removed", "error_codes.1501"),
        (None, "error_code_added", "error_codes.9999"),
    ]
    assert report.suggested_bump()[0] == "minor"


def test_bump_rules() -> None:
    def report(level: str, version: str) -> DiffReport:
        change = Change("kt1", "x", "y", None, None, level == "major", False, level)
        return DiffReport((change,), version)

    assert report("major", "1.4.2").suggested_bump()[0] == "major"
    assert report("major", "0.4.2").suggested_bump()[0] == "minor"
    assert report("minor", "1.0.0").suggested_bump()[0] == "minor"
    assert report("patch", "1.0.0").suggested_bump()[0] == "patch"
    assert DiffReport((), "1.0.0").suggested_bump()[0] == "none"
    assert next_version("0.1.0", "minor") == "0.2.0"
    assert next_version("1.2.3", "major") == "2.0.0"
    assert next_version("1.2.3", "patch") == "1.2.4"
    assert next_version("1.2.3", "none") == "1.2.3"


def test_text_and_markdown_of_no_changes(spec: Spec) -> None:
    empty = diff_specs(spec, spec)
    assert render_text(empty) == "no changes. Suggested bump: none\n"
    assert "No changes in the API surface." in render_markdown(empty)


def test_the_command_line_names_every_output_format() -> None:
    """The diff and review commands name their formats without importing the renderers (so
    that `generate` does not pay for them): the names must stay the renderers' own."""
    from kiwoom_codegen.cli import diff_cmd, review_cmd
    from kiwoom_codegen.model.review import FORMATS as REVIEW_FORMATS
    from kiwoom_codegen.regen.diff_render import FORMATS as DIFF_FORMATS

    assert sorted(diff_cmd.FORMAT_NAMES) == sorted(DIFF_FORMATS)
    assert sorted(review_cmd.FORMAT_NAMES) == sorted(REVIEW_FORMATS)
