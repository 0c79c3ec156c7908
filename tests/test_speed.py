"""Nothing to do, nothing done; only what changed is rendered; formatting is the same on any
number of cores; progress only on a terminal. (Speed itself is measured in benchmarks/.)"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import black
import pytest
from kiwoom_codegen.emit import formatting, progress
from kiwoom_codegen.emit.formatting import BLACK_MODE
from kiwoom_codegen.model import load as load_module
from kiwoom_codegen.regen import fastpath, pipeline
from kiwoom_codegen.regen import generate as generate_module
from kiwoom_codegen.regen.layout import WorkbookData, save_workbook

from tests.support.pipeline import NESTED, SEED, edit_description, edit_row, run, write_edition


class RenderSpy:
    """Counts the renders of the commands, and still renders."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> dict[str, bytes]:
        self.calls += 1
        return generate_module.render(*args, **kwargs)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> RenderSpy:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    spy = RenderSpy()
    monkeypatch.setattr(pipeline, "render", spy)
    return spy


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    return write_edition(tmp_path / "specs", [*SEED, NESTED])


def tree(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_a_run_with_nothing_changed_renders_nothing(
    spy: RenderSpy, edition: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    assert run(["generate", str(edition), "--out", str(out)], capsys)[0] == 0
    assert spy.calls == 1
    before = tree(out)
    code, stdout, _ = run(["generate", str(edition), "--out", str(out)], capsys)
    assert code == 0 and "up to date" in stdout and spy.calls == 1
    code, stdout, _ = run(["check", str(edition), "--out", str(out)], capsys)
    assert code == 0 and "is up to date" in stdout and spy.calls == 1
    assert tree(out) == before


@pytest.mark.slow  # several generate runs
def test_a_one_cell_edit_is_rendered(
    spy: RenderSpy, edition: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    assert run(["generate", str(edition), "--out", str(out)], capsys)[0] == 0
    edit_description(edition / "spec.xlsx", "kt10006", "cond_uv", "조건단가 (바뀐 설명)")
    code, stdout, _ = run(["check", str(edition), "--out", str(out)], capsys)
    assert code == 1 and spy.calls == 2 and "stale" in stdout
    code, stdout, _ = run(["generate", str(edition), "--out", str(out)], capsys)
    assert code == 0 and "written" in stdout and spy.calls == 3
    models = (out / "python/kiwoom_client/models/_credit_orders/buy.py").read_text("utf-8")
    assert "조건단가 (바뀐 설명)" in models  # kt10006's models module
    assert run(["check", str(edition), "--out", str(out)], capsys)[0] == 0
    assert spy.calls == 3  # answered from the manifest


@pytest.mark.slow  # several generate runs
@pytest.mark.parametrize("damage", ["edit", "delete"])
def test_a_hand_edited_or_deleted_generated_file_is_detected(
    damage: str, spy: RenderSpy, edition: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    assert run(["generate", str(edition), "--out", str(out)], capsys)[0] == 0
    target = out / "python/kiwoom_client/client.py"
    original = target.read_bytes()
    if damage == "edit":
        target.write_bytes(original.replace(b"class KiwoomClient", b"class KiwoomClient2"))
    else:
        target.unlink()
    code, stdout, _ = run(["check", str(edition), "--out", str(out)], capsys)
    assert code == 1 and "python/kiwoom_client/client.py" in stdout and spy.calls == 2
    assert run(["generate", str(edition), "--out", str(out)], capsys)[0] == 0
    assert target.read_bytes() == original and spy.calls == 3


@pytest.mark.slow  # several generate runs
def test_without_a_cache_every_run_renders(
    spy: RenderSpy,
    edition: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", "off")
    out = tmp_path / "generated"
    for expected in (1, 2):
        assert run(["generate", str(edition), "--out", str(out)], capsys)[0] == 0
        assert spy.calls == expected


@pytest.mark.slow
def test_output_is_the_same_on_one_or_two_workers(
    edition: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", "off")
    trees = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("KIWOOM_CODEGEN_JOBS", jobs)
        assert formatting.jobs() == int(jobs)
        out = tmp_path / f"out-{jobs}"
        assert run(["generate", str(edition), "--out", str(out)], capsys)[0] == 0
        trees.append(tree(out))
    assert trees[0] == trees[1]
    # Each module is formatted once, and black has nothing left to change in it.
    for path, data in trees[0].items():
        if path.endswith(".py") and "/models/" in path:
            text = data.decode("utf-8")
            assert black.format_str(text, mode=BLACK_MODE) == text, path


def test_format_modules_orders_results_by_input_on_any_worker_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", "off")
    sources = {f"m{i}.py": f"x{i} = [ {', '.join(['1'] * (i * 15))} ]\n" for i in range(6)}
    seen: list[tuple[int, int]] = []
    one = formatting.format_modules(sources, workers=1)
    two = formatting.format_modules(sources, workers=2, progress=lambda d, t: seen.append((d, t)))
    assert one == two and list(two) == list(sources)
    assert seen[-1] == (6, 6)
    with pytest.raises(Exception):  # noqa: B017 - black's own error type
        formatting.format_modules({"bad.py": "def (:\n"}, workers=2)


class Terminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.slow
@pytest.mark.parametrize("tty", [True, False])
def test_progress_on_a_terminal_only(
    tty: bool,
    edition: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(progress, "MIN_APIS", 2)  # the edition has 5 APIs
    stderr = Terminal(tty)
    monkeypatch.setattr("sys.stderr", stderr)
    code, stdout, _ = run(["generate", str(edition), "--out", str(tmp_path / "out")], capsys)
    assert code == 0
    assert " in " in stdout and stdout.rstrip().endswith(" s")  # the summary, with the time
    shown = stderr.getvalue()
    if tty:
        assert "emitting python_client" in shown and "modules formatted" in shown
        assert shown.endswith("\r\x1b[K")  # the line is cleared at the end
    else:
        assert "\x1b[K" not in shown and "emitting" not in shown


@pytest.mark.slow
def test_small_workbooks_show_no_progress(
    edition: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    stderr = Terminal(True)
    monkeypatch.setattr("sys.stderr", stderr)
    assert run(["generate", str(edition), "--out", str(tmp_path / "out")], capsys)[0] == 0
    assert "\x1b[K" not in stderr.getvalue()


HOSTILE = [
    "line\nbreak",
    "'quoted' \"double\" \\ back",
    "\u2028 \u2029 \x85 \ufeff \U0001f600",
    "005930",
    "Y",
    "",
    "key: value # not a comment",
    "- dash",
    "{braces} [brackets]",
    "x" * 300,
]


def hostile_document() -> dict[str, Any]:
    """An OpenAPI-shaped document of hostile text in keys and values, nested, with empty
    containers, a long key and 40 paths and schemas (so that it is written in pieces)."""

    def item(i: int) -> dict[str, Any]:
        text = HOSTILE[i % len(HOSTILE)]
        return {
            "summary": text,
            "list": [text, {"nested": [text, i, None, True]}, []],
            "empty": {},
            text[:50] or "k": {"deep": {"deeper": text}},
        }

    return {
        "openapi": "3.1.0",
        "paths": {f"/p/{i}#{HOSTILE[i % len(HOSTILE)][:20]}": item(i) for i in range(40)},
        "components": {
            "schemas": {f"S{i}": item(i) for i in range(40)},
            "small": {"a": item(1)},
            "x" * 200: {"long key": "complex key form"},
        },
        "empty": {},
        "list": [item(2)],
    }


def test_yaml_in_pieces_is_the_whole_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    from kiwoom_codegen.emit import openapi

    document = hostile_document()
    whole = openapi.dumps_yaml(document)
    assert openapi.dumps_yaml_cached(document) == whole  # cold
    assert openapi.dumps_yaml_cached(document) == whole  # from the cache
    document["paths"]["/p/3#" + HOSTILE[3][:20]]["summary"] = "changed"
    assert openapi.dumps_yaml_cached(document) == openapi.dumps_yaml(document)


def test_json_in_pieces_is_the_whole_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    from kiwoom_codegen.emit import openapi

    document = hostile_document()
    whole = openapi.dumps_json(document)
    assert openapi.dumps_json_cached(document) == whole  # cold
    assert openapi.dumps_json_cached(document) == whole  # from the cache
    document["paths"]["/p/3#" + HOSTILE[3][:20]]["summary"] = "changed"
    assert openapi.dumps_json_cached(document) == openapi.dumps_json(document)
    document["components"]["schemas"]["S7"] = {1: "a key that is not a string", "k": []}
    assert openapi.dumps_json_cached(document) == openapi.dumps_json(document)


@pytest.mark.slow
def test_operations_table_carries_any_text_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registry is data: names and examples with quotes, backslashes, line separators and
    triple quotes come back from the generated module exactly."""
    import json

    from kiwoom_codegen.emit import EmitContext, python_client

    from tests.support.fixtures import api, f, read, write

    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", "off")
    hostile = "'''\"\"\" \\ \u2028 {x} ]\" , ['"
    example = json.dumps({"stk_cd": hostile, "n": 1.5, "nested": [{"a": None}]}, ensure_ascii=False)
    sheet = api(
        "ka99001",
        f"이름 {hostile}",
        request=[f("stk_cd", "종목코드", required="Y")],
        response=[f("out", "결과")],
        request_example=example,
    )
    spec = read(write(tmp_path, sheet)).spec
    files = python_client.emit(spec, EmitContext("0", spec.content_hash(), ("x.xlsx",)))
    source = files["python/kiwoom_client/_operations.py"].decode("utf-8")
    source = source.replace(
        "from ._operation import", "from kiwoom_codegen.runtime._operation import"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "_operations.py", "exec"), namespace)
    op = namespace["OPERATIONS"]["ka99001"]
    assert op.name == f"이름 {hostile}"
    assert op.request_example == json.loads(example)
    assert op.response_example is None and op.is_order is False
    assert len(source.splitlines()) < 60  # one line per API, not one call per API


# --- the fast path by input bytes: answered before reading ------------------------------------


class LoadSpy:
    """Counts the readings of the specs (``model.load.load``), and still reads."""

    def __init__(self) -> None:
        self.calls = 0
        self.real = load_module.load

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real(*args, **kwargs)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch, spy: RenderSpy) -> LoadSpy:
    reads = LoadSpy()
    monkeypatch.setattr(load_module, "load", reads)
    return reads


def forbid_reading_and_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the fast path read or rendered")

    monkeypatch.setattr(load_module, "load", refuse)
    monkeypatch.setattr(pipeline, "render", refuse)


def untimed(stdout: str) -> str:
    return re.sub(r" in \d+\.\d s$", "", stdout.rstrip("\n"))


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    """An edition whose reading warns: the self-check finds a request example that does not
    match a mined format."""
    sheets = edit_row([*SEED, NESTED], "kt10006", "stk_cd", description="HH:mm")
    return write_edition(tmp_path / "warned", sheets)


@pytest.mark.slow
def test_nothing_changed_prints_what_a_full_run_prints_without_reading(
    warned: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "generated"
    gen = ["generate", str(warned), "--out", str(out)]
    chk = ["check", str(warned), "--out", str(out)]
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    first = run(gen, capsys)
    assert first[0] == 0 and "written" in first[1]
    assert "warning: " in first[2] and "does not match the format hh:mm" in first[2]
    assert "self-check: request examples accepted 3/4" in first[2]
    # What full runs print when they find nothing to do (no cache: they read and render).
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", "off")
    full_generate, full_check = run(gen, capsys), run(chk, capsys)
    assert full_generate[0] == 0 and "up to date" in full_generate[1]
    assert full_check[0] == 0 and full_generate[2] == first[2] == full_check[2]
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    forbid_reading_and_rendering(monkeypatch)
    before = tree(out)
    # Answered without reading: one line, the full run's summary with the count of its
    # warnings instead of the problems themselves (issue 20); --verbose prints them again.
    warnings = sum(line.startswith("warning: ") for line in full_generate[2].splitlines())
    counts = f", {warnings} warning{'s' * (warnings != 1)}: kiwoom-codegen parse lists them)"
    code, stdout, stderr = run(gen, capsys)
    assert (code, stderr) == (0, "")
    assert untimed(stdout) == untimed(full_generate[1]).replace(")", counts, 1)
    code, stdout, stderr = run(chk, capsys)
    assert (code, stderr) == (0, "")
    assert stdout == full_check[1].replace(" files)", f" files{counts}", 1)
    code, stdout, stderr = run([*gen, "--verbose"], capsys)
    assert code == 0 and "does not match the format hh:mm" in stderr
    assert tree(out) == before


@pytest.mark.slow
def test_strict_fails_as_a_full_run_and_passes_from_the_record_without_warnings(
    warned: Path,
    edition: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "generated"
    strict = ["generate", str(warned), "--out", str(out), "--strict"]
    strict_check = ["check", str(warned), "--out", str(out), "--strict"]
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", "off")
    expected, expected_check = run(strict, capsys), run(strict_check, capsys)
    assert expected[0] == 2 and "error: " in expected[2] and "(--strict)" in expected[2]
    assert expected_check[0] == 2
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    assert run(strict[:-1], capsys)[0] == 0  # recorded, with its warning
    assert run(strict, capsys) == expected
    assert run(strict_check, capsys) == expected_check
    # A record without warnings answers --strict: the lines are the same as without it.
    clean = tmp_path / "clean"
    plain = run(["generate", str(edition), "--out", str(clean)], capsys)
    assert plain[0] == 0 and "warning" not in plain[2]
    forbid_reading_and_rendering(monkeypatch)
    code, stdout, stderr = run(["generate", str(edition), "--out", str(clean), "--strict"], capsys)
    assert (code, stderr) == (0, "") and "up to date" in stdout and "0 warnings" in stdout


def _zip_comment(edition: Path) -> None:
    with zipfile.ZipFile(edition / "spec.xlsx", "a") as z:  # other bytes, the same cells
        z.comment = b"saved again"


def _add_workbook(edition: Path) -> None:
    more = dataclasses.replace(
        NESTED,
        api_id="ka90002",
        name="종목 월별 리스트",
        menu="국내주식 > 종목정보 > 종목 월별 리스트(ka90002)",
    )
    save_workbook(WorkbookData([more]), edition / "more.xlsx")


def _bump_version(edition: Path) -> None:
    path = edition / "package.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'version = "[^"]*"', 'version = "9.9.9"', text), encoding="utf-8")


# name -> (change, read again, render again)
INVALIDATIONS: dict[str, tuple[Callable[[Path, pytest.MonkeyPatch], None], bool, bool]] = {
    "a cell": (
        lambda e, m: edit_description(e / "spec.xlsx", "kt10006", "cond_uv", "바뀐 설명"),
        True,
        True,
    ),
    "a workbook added": (lambda e, m: _add_workbook(e), True, True),
    "a workbook removed": (lambda e, m: (e / "more.xlsx").unlink(), True, True),
    "the workbook saved again, same cells": (lambda e, m: _zip_comment(e), True, False),
    "a config value": (lambda e, m: _bump_version(e), True, True),
    "a comment in a config file": (
        lambda e, m: (e / "names.toml").write_text(
            (e / "names.toml").read_text(encoding="utf-8") + "# note\n", encoding="utf-8"
        ),
        True,
        False,
    ),
    "a config file added": (
        lambda e, m: (e / "realtime_fields.toml").write_text("", encoding="utf-8"),
        True,
        False,
    ),
    "the generator's code": (
        lambda e, m: m.setattr(fastpath, "code_fingerprint", lambda: "another generator"),
        True,
        True,
    ),
    "the generator version": (lambda e, m: m.setattr(fastpath, "__version__", "9.9"), True, True),
    "another working directory": (
        lambda e, m: m.chdir((e.parent / "elsewhere").resolve()),
        True,
        False,
    ),
    "an Excel lock file (not read)": (
        lambda e, m: (e / "~$spec.xlsx").write_bytes(b"locked by Excel"),
        False,
        False,
    ),
    "a file the generator does not own": (
        lambda e, m: (e.parent / "generated" / "NOTES.md").write_text("mine\n"),
        False,
        False,
    ),
}


@pytest.mark.slow  # a fresh generate per input, ~25 s in all
@pytest.mark.parametrize("change", list(INVALIDATIONS))
def test_every_changed_input_reads_again(
    change: str,
    reads: LoadSpy,
    spy: RenderSpy,
    edition: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    apply, read_again, render_again = INVALIDATIONS[change]
    (tmp_path / "elsewhere").mkdir()
    if change == "a workbook removed":
        _add_workbook(edition)
    out = tmp_path / "generated"
    argv = ["generate", str(edition.resolve()), "--out", str(out.resolve())]
    assert run(argv, capsys)[0] == 0
    assert run(argv, capsys)[0] == 0 and (reads.calls, spy.calls) == (1, 1)  # answered
    apply(edition, monkeypatch)
    code, stdout, stderr = run(argv, capsys)
    assert code == 0, stderr
    assert (reads.calls, spy.calls) == (1 + read_again, 1 + render_again), stdout
    if render_again:
        assert "written" in stdout or change.startswith("the generator")
    # What that run read is remembered: the next one is answered before reading.
    code, stdout, _ = run(argv, capsys)
    assert code == 0 and "up to date" in stdout and reads.calls == 1 + read_again
    assert run(["check", *argv[1:]], capsys)[0] == 0 and reads.calls == 1 + read_again


@pytest.mark.slow  # several generate runs
def test_options_that_change_the_reading_read_again(
    reads: LoadSpy, edition: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    argv = ["generate", str(edition), "--out", str(out)]
    assert run(argv, capsys)[0] == 0 and reads.calls == 1
    assert run([*argv, "--no-config"], capsys)[0] == 0 and reads.calls == 2
    config = tmp_path / "config"
    shutil.copytree(edition, config, ignore=shutil.ignore_patterns("*.xlsx"))
    _bump_version(config)
    assert run([*argv, "--config", str(config)], capsys)[0] == 0 and reads.calls == 3
    assert manifest_of(out)["package"]["version"] == "9.9.9"
    assert run([*argv, "--config", str(config)], capsys)[0] == 0 and reads.calls == 3
    assert run([*argv, "--adopt"], capsys)[0] == 0 and reads.calls == 4  # always reads


def manifest_of(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / ".kiwoom-codegen.json").read_text(encoding="utf-8"))
    return data


def test_one_record_answers_for_any_output_directory_holding_it(
    reads: LoadSpy,
    spy: RenderSpy,
    edition: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert run(["generate", str(edition), "--out", str(first)], capsys)[0] == 0
    assert run(["generate", str(edition), "--out", str(second)], capsys)[0] == 0
    assert (reads.calls, spy.calls) == (2, 2)  # the second directory was empty
    for out in (first, second, first):
        assert run(["check", str(edition), "--out", str(out)], capsys)[0] == 0
        assert run(["generate", str(edition), "--out", str(out)], capsys)[0] == 0
    assert (reads.calls, spy.calls) == (2, 2)


HEAVY = (
    "openpyxl",
    "jinja2",
    "black",
    "datamodel_code_generator",
    "yaml",
    "jsonschema",
    "kiwoom_codegen.emit.python_client",
    "kiwoom_codegen.emit.openapi",
    "kiwoom_codegen.emit.asyncapi",
    "kiwoom_codegen.model.build",
)


@pytest.mark.slow
def test_the_fast_path_imports_no_heavy_module(
    edition: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "generated"
    assert run(["generate", str(edition), "--out", str(out)], capsys)[0] == 0
    program = (
        "import sys\n"
        "from kiwoom_codegen.cli import main\n"
        "code = main(sys.argv[1:])\n"
        f"print('heavy:', sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
        "sys.exit(code)\n"
    )
    for command in ("generate", "check"):
        done = subprocess.run(
            [sys.executable, "-c", program, command, str(edition), "--out", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "up to date" in done.stdout and "heavy: []" in done.stdout, done.stdout
    help_program = (
        "import sys\n"
        "from kiwoom_codegen.cli.main import build_parser\n"
        "build_parser()\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", help_program], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.slow  # several generate runs
def test_a_generated_directory_replaced_by_a_link_is_not_current(
    reads: LoadSpy, edition: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same bytes, reached through a symbolic link: the full path decides (writing refuses to
    go through links; check sees the files as missing), as it did before the fast path."""
    out = tmp_path / "generated"
    argv = [str(edition), "--out", str(out)]
    assert run(["generate", *argv], capsys)[0] == 0 and reads.calls == 1
    models = out / "python/kiwoom_client/models"
    models.rename(tmp_path / "models")
    models.symlink_to(tmp_path / "models", target_is_directory=True)
    code, _, stderr = run(["generate", *argv], capsys)
    assert code == 2 and "is a symbolic link" in stderr and reads.calls == 2
    code, stdout, _ = run(["check", *argv], capsys)
    assert code == 1 and "missing:" in stdout and reads.calls == 3


@pytest.mark.slow
def test_the_other_emitters_run_while_the_client_is_made_and_a_failure_stops_the_workers(
    edition: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """python_client starts its worker processes and returns a Pending; the next emitters run
    meanwhile; the files are the same as made in one go; an emitter that fails meanwhile
    stops the workers (no process is left behind) and its error is raised."""
    import multiprocessing

    from kiwoom_codegen.emit import Pending, python_client
    from kiwoom_codegen.emit import emitters as all_emitters

    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", "off")
    monkeypatch.setenv("KIWOOM_CODEGEN_JOBS", "2")
    spec = load_module.load([edition]).spec
    order: list[str] = []

    def meanwhile(spec: Any, ctx: Any) -> dict[str, bytes]:
        order.append("meanwhile")
        return {}

    started = python_client.start

    def start(spec: Any, ctx: Any) -> Pending:
        pending = started(spec, ctx)
        order.append("started")

        def collect() -> dict[str, bytes]:
            order.append("collected")
            return pending.collect()

        return Pending(collect, pending.cancel)

    files = generate_module.render(
        spec, ("s",), emitters=[("python_client", start), ("other", meanwhile)]
    )
    assert order == ["started", "meanwhile", "collected"]
    whole = generate_module.render(spec, ("s",), emitters=[("python_client", python_client.emit)])
    manifest = ".kiwoom-codegen.json"  # names the emitters
    assert {k: v for k, v in files.items() if k != manifest} == {
        k: v for k, v in whole.items() if k != manifest
    }
    assert dict(all_emitters())["python_client"] is python_client.start

    def boom(spec: Any, ctx: Any) -> dict[str, bytes]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        generate_module.render(spec, ("s",), emitters=[("python_client", start), ("b", boom)])
    assert multiprocessing.active_children() == []
