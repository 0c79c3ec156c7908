"""Problems that help: grouped by kind with a table of counts, identical ones collapsed, a
baseline of acknowledged ones for --strict, one line on a no-op run, new ones in `diff`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kiwoom_codegen.cli import main

from tests.support.fixtures import api, f, write

N = 25  # sheets, each with the same problem: more than the report lists one per line


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def sheets(extra: dict[str, list[tuple[str, str, str, str | None, int | str | None, str]]] = {}):  # noqa: B006
    """N WebSocket-like sheets whose `data` row has an empty Required (one identical warning
    each), plus any extra rows above it per API id."""
    return [
        api(
            f"ka9{i:03d}",
            request=[*extra.get(f"ka9{i:03d}", []), f("data", required=None)],
        )
        for i in range(N)
    ]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out.splitlines(), err.splitlines()


@pytest.mark.slow
def test_identical_problems_collapse_into_one_line_with_a_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(Path("."), *sheets())
    code, out, err = run(capsys, "parse", "spec.xlsx", "--no-config")
    assert code == 0 and len(out) == N
    assert err[:2] == [
        f"warning: [required-empty] {N} in {N} APIs:",
        f"  {N}× in ka9000, ka9001, ka9002, ka9003, ka9004, ka9005 +{N - 6}: "
        "Required is empty for 'data'; read as optional",
    ]
    assert not any(line.startswith("warning: spec.xlsx") for line in err)

    code, _, verbose = run(capsys, "parse", "spec.xlsx", "--no-config", "--verbose")
    located = [line for line in verbose if line.startswith("warning: spec.xlsx")]
    assert len(located) == N
    assert located[0] == (
        "warning: spec.xlsx › '테스트 ka9000(ka9000)' › E22 (ka9000): "
        "Required is empty for 'data'; read as optional"
    )


@pytest.mark.slow
def test_a_summary_table_counts_each_kind(capsys: pytest.CaptureFixture[str]) -> None:
    extra = {"ka9003": [f("a", type="")], "ka9007": [f("b", type="")]}
    write(Path("."), *sheets(extra))
    _, _, err = run(capsys, "parse", "spec.xlsx", "--no-config")
    # N + 2 warnings, and N notes naming the APIs no names table names (--no-config)
    table = err[err.index(f"problems by kind ({2 * N + 2}):") + 1 :]
    assert table[:3] == [
        f"  required-empty     {N}  warning",
        "  type-read-as        2  warning",
        f"  names              {N}  note",
    ]


def spec_problems(lines: list[str]) -> list[str]:
    """Without the notes (APIs that no names table names: --no-config)."""
    return [line for line in lines if not line.startswith("note:")]


@pytest.mark.slow
def test_baseline_acknowledges_reviewed_problems_and_strict_fails_only_on_new_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(Path("."), *sheets())
    code, _, err = run(capsys, "parse", "spec.xlsx", "--no-config", "--write-baseline", "b.json")
    assert code == 0
    text = Path("b.json").read_text(encoding="utf-8")
    entries = json.loads(text)["problems"]
    assert len(entries) == N and len(text.splitlines()) == N + 2  # one entry per line
    assert entries[0] == {
        "kind": "required-empty",
        "scope": "ka9000",
        "message": "Required is empty for 'data'; read as optional",
        "where": "spec.xlsx › '테스트 ka9000(ka9000)' › E22",
    }
    code, _, err = run(
        capsys, "parse", "spec.xlsx", "--no-config", "--strict", "--baseline", "b.json"
    )
    assert code == 0
    assert spec_problems(err) == [
        f"{N} acknowledged problem(s) in b.json not shown",
        f"{N} APIs, 0 error codes",
    ]

    # Unrelated rows inserted above every field: the baseline still holds (keyed without cells);
    # one new problem fails --strict, and it is the only one named.
    rows = {f"ka9{i:03d}": [f("pad")] for i in range(N)}
    rows["ka9004"] = [f("pad"), f("odd", type="")]
    write(Path("."), *sheets(rows))
    code, _, err = run(
        capsys, "parse", "spec.xlsx", "--no-config", "--strict", "--baseline", "b.json"
    )
    assert code == 2
    assert spec_problems(err) == [
        "error: spec.xlsx › '테스트 ka9004(ka9004)' › D23 (ka9004): Type is empty for 'odd'; "
        "read as String",
        f"{N} acknowledged problem(s) in b.json not shown",
        f"kiwoom-codegen: 1 new warning(s) treated as errors (--strict; {N} acknowledged in "
        "b.json)",
    ]


def test_a_bad_baseline_is_one_located_line(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("."), *sheets())
    Path("b.json").write_text("{not json", encoding="utf-8")
    code, out, err = run(capsys, "parse", "spec.xlsx", "--no-config", "--baseline", "b.json")
    assert code == 2 and out == [] and len(err) == 1
    assert err[0].startswith("kiwoom-codegen: b.json: not a baseline file (invalid JSON")


@pytest.mark.slow
def test_a_no_op_generate_and_check_print_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("."), *sheets())
    args = ("spec.xlsx", "--no-config", "--out", "out")
    assert run(capsys, "generate", *args)[0] == 0
    for command in ("generate", "check"):
        code, out, err = run(capsys, command, *args)
        assert code == 0 and err == [] and len(out) == 1, (out, err)
        assert f"{N} warnings" in out[0] and "up to date" in out[0]
    # Also when the fast path's record is gone and the specs are read again.
    Path("spec.xlsx").touch()
    write(Path("."), *sheets())
    code, out, err = run(capsys, "generate", *args)
    assert code == 0 and err == [] and len(out) == 1, (out, err)


@pytest.mark.slow
def test_diff_reports_the_problems_new_in_the_new_edition(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Path("old").mkdir()
    Path("new").mkdir()
    write(Path("old"), *sheets())
    write(Path("new"), *sheets({"ka9002": [f("odd", type="")]}))
    code, _, err = run(capsys, "diff", "old/spec.xlsx", "new/spec.xlsx", "--no-config")
    assert code == 1  # a field was added
    assert err == [
        f"problems new in the new edition: 1 ({N} also in the old edition)",
        "warning: new/spec.xlsx › '테스트 ka9002(ka9002)' › D22 (ka9002): Type is empty for "
        "'odd'; read as String",
    ]


@pytest.mark.slow
def test_default_parse_of_a_full_size_workbook_fits_on_two_screens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.synth import write_synthetic

    path = write_synthetic(tmp_path / "full.xlsx")  # 337 APIs in the official layout
    code, out, err = run(capsys, "parse", str(path), "--no-config")
    assert code == 0 and len(out) == 337
    assert len(err) <= 150, len(err)
    assert any(line.startswith("problems by kind (") for line in err)
    _, _, verbose = run(capsys, "parse", str(path), "--no-config", "--verbose")
    assert len(verbose) > 1000  # every problem, each on its own located line
