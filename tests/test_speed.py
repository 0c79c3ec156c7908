"""Nothing to do, nothing done; only what changed is rendered; formatting is the same on any
number of cores; progress only on a terminal. (Speed itself is measured in benchmarks/.)"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import black
import pytest
from kiwoom_codegen.cli import generate_cmd
from kiwoom_codegen.emit import formatting, progress
from kiwoom_codegen.emit.python_render import BLACK_MODE
from kiwoom_codegen.regen import generate as generate_module

from tests.test_check import edit_description
from tests.test_generate_pipeline import NESTED, SEED, run, write_edition


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
    monkeypatch.setattr(generate_cmd, "render", spy)
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
    models = (out / "python/kiwoom_client/models/credit_orders.py").read_text(encoding="utf-8")
    assert "조건단가 (바뀐 설명)" in models
    assert run(["check", str(edition), "--out", str(out)], capsys)[0] == 0
    assert spy.calls == 3  # answered from the manifest


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


def test_yaml_in_pieces_is_the_whole_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    from kiwoom_codegen.emit import openapi

    def item(i: int) -> dict[str, Any]:
        text = HOSTILE[i % len(HOSTILE)]
        return {
            "summary": text,
            "list": [text, {"nested": [text, i, None, True]}, []],
            "empty": {},
            text[:50] or "k": {"deep": {"deeper": text}},
        }

    document: dict[str, Any] = {
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
    whole = openapi.dumps_yaml(document)
    assert openapi.dumps_yaml_cached(document) == whole  # cold
    assert openapi.dumps_yaml_cached(document) == whole  # from the cache
    document["paths"]["/p/3#" + HOSTILE[3][:20]]["summary"] = "changed"
    assert openapi.dumps_yaml_cached(document) == openapi.dumps_yaml(document)


def test_json_in_pieces_is_the_whole_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIWOOM_CODEGEN_CACHE", str(tmp_path / "cache"))
    from kiwoom_codegen.emit import openapi

    def item(i: int) -> dict[str, Any]:
        text = HOSTILE[i % len(HOSTILE)]
        return {
            "summary": text,
            "list": [text, {"nested": [text, i, None, True]}, []],
            "empty": {},
            text[:50] or "k": {"deep": {"deeper": text}},
        }

    document: dict[str, Any] = {
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
    whole = openapi.dumps_json(document)
    assert openapi.dumps_json_cached(document) == whole  # cold
    assert openapi.dumps_json_cached(document) == whole  # from the cache
    document["paths"]["/p/3#" + HOSTILE[3][:20]]["summary"] = "changed"
    assert openapi.dumps_json_cached(document) == openapi.dumps_json(document)
    document["components"]["schemas"]["S7"] = {1: "a key that is not a string", "k": []}
    assert openapi.dumps_json_cached(document) == openapi.dumps_json(document)


def test_operations_table_carries_any_text_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registry is data: names and examples with quotes, backslashes, line separators and
    triple quotes come back from the generated module exactly."""
    import json

    from kiwoom_codegen.emit import EmitContext, python_client

    from tests.fixtures import api, f, read, write

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
