"""Spec cells that used to break the generator: each case is what a user met in real life.

Numbers beyond any real Length, names that meet (``ord_list``/``ordList``), names that shadow
what generated code uses, cells that feed the wire (Method, URL), lone surrogates in examples,
bidi and control characters on the terminal, HTML in diff and changelog Markdown.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from kiwoom_codegen.cli import main
from kiwoom_codegen.emit import EmitContext
from kiwoom_codegen.emit.python_client import emit
from kiwoom_codegen.escape import (
    is_unsafe,
    json_text,
    md_text,
    py_docstring,
    split_lines,
    terminal,
    yaml_style,
)
from kiwoom_codegen.model.schema import spec_schemas
from kiwoom_codegen.reader import limits
from kiwoom_codegen.reader.cells import text as cell_text
from kiwoom_codegen.regen.diff import diff_specs
from kiwoom_codegen.regen.diff_render import render_markdown, render_text
from kiwoom_codegen.regen.layout import TableRow

from tests.support.fixtures import api, f, field, messages, read, write


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _models_text(root: Path) -> str:
    """Every models module of the package: the group's and its APIs' (models/_<group>/)."""
    paths = sorted((root / "kiwoom_client" / "models").rglob("*.py"))
    return "".join(p.read_text(encoding="utf-8") for p in paths)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err.splitlines()


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [str(2**64), "9" * 400, "1" + "0" * 4400])
def test_length_beyond_the_limit_is_ignored_with_a_warning(length: str) -> None:
    path = write(Path("."), api("ka1", request=[f("a"), f("b", length=length)]))
    loaded = read(path)
    assert field(loaded.spec.api("ka1").request.body, "b").max_length is None
    (line,) = [m for m in messages(loaded) if "'b'" in m]
    assert line.startswith("spec.xlsx › '테스트 ka1(ka1)' › F23 (ka1): Length of 'b' is ")
    assert line.endswith(f"above the limit of {limits.MAX_LENGTH}; ignored")
    assert len(line) < 200


def test_lengths_up_to_the_limit_are_kept() -> None:
    path = write(Path("."), api("ka1", request=[f("a", length=str(limits.MAX_LENGTH))]))
    assert read(path).spec.api("ka1").request.body[0].max_length == limits.MAX_LENGTH


def test_huge_error_code_is_a_warning() -> None:
    path = write(Path("."), api("ka1"), error_codes=[("9" * 5000, "x"), (1501, "ok")])
    loaded = read(path)
    assert [e.code for e in loaded.spec.error_codes] == [1501]
    assert any("error code must be a whole number" in m for m in messages(loaded))


# --- names that meet or shadow ------------------------------------------------------------------


def _package(tmp: Path, *rows: TableRow) -> Path:
    path = write(tmp, api("ka1", request=list(rows), response=[f("r")]))
    spec = read(path).spec
    out = tmp / "out"
    for rel, data in emit(spec, EmitContext("0", spec.content_hash(), ("spec.xlsx",))).items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return out / "python"


@pytest.mark.slow
def test_list_names_that_make_the_same_class_name(tmp_path: Path) -> None:
    rows = (
        f("ord_list", type="LIST", length=None),
        f("-a"),
        f("ordList", type="LIST", length=None),
        f("-b"),
    )
    schemas = spec_schemas(read(write(tmp_path, api("ka1", request=list(rows)))).spec)
    items = sorted(n for n in schemas["ka1"].schemas if "OrdListItem" in n)
    assert len(items) == 2 and items[1] == items[0] + "2"
    root = _package(tmp_path, *rows)
    for path in root.rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec")
    models = _models_text(root)
    assert all(f"class {name}(BaseModel)" in models for name in items)


@pytest.mark.slow
def test_names_that_shadow_what_generated_code_uses(tmp_path: Path) -> None:
    """``body`` (the method's local), ``Annotated``/``Literal``/``Field`` (the models'
    annotations), ``classmethod`` (a decorator in the class body) take a trailing ``_``; the
    wire names stay. (tests/test_fuzz_generator.py runs mypy --strict over all such names.)"""
    root = _package(
        tmp_path,
        f("body", required="Y"),
        f("Annotated", required="Y"),
        f("Literal", required="Y", length=1, description="0:a, 1:b"),
        f("Field", required="Y"),
        f("classmethod"),
    )
    (resources,) = [p for p in root.glob("kiwoom_client/resources/*.py") if p.name != "__init__.py"]
    model_text = _models_text(root)
    for name in ("Annotated", "Literal", "Field", "classmethod"):
        assert f"    {name}_: " in model_text and f'alias="{name}"' in model_text
    assert "        body_: str,\n" in resources.read_text(encoding="utf-8")


# --- cells that feed the wire ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (
            {"method": "P O S T"},
            "C8 (ka1): Method must be one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, "
            "TRACE, got 'P O S T'",
        ),
        (
            {"url": "/api/{x}/test"},
            "C11 (ka1): URL must be a path like /api/dostk/crdordr (letters, digits, - . _ ~ "
            "between slashes), got '/api/{x}/test'",
        ),
        (
            {"url": "/api/a?b=1#c"},
            "C11 (ka1): URL must be a path like /api/dostk/crdordr (letters, digits, - . _ ~ "
            "between slashes), got '/api/a?b=1#c'",
        ),
        (
            {"production": "https://api.kiwoom.com/<x>"},
            "C9 (ka1): 운영 도메인 is not a URL like https://api.kiwoom.com: "
            "'https://api.kiwoom.com/<x>'",
        ),
    ],
)
def test_wire_cells_are_validated(
    capsys: pytest.CaptureFixture[str], kw: dict[str, Any], message: str
) -> None:
    write(Path("."), api("ka1", request=[f("a")], **kw))
    code, out, err = cli(capsys, "generate", "spec.xlsx", "--out", "out", "--no-config")
    assert code == 2 and not Path("out").exists()
    assert err == [
        f"error: spec.xlsx › '테스트 ka1(ka1)' › {message}",
        "kiwoom-codegen: 1 error(s) in the specs; nothing written",
    ]


def test_lower_case_method_is_accepted() -> None:
    path = write(Path("."), api("ka1", request=[f("a")], method="post"))
    assert read(path).spec.api("ka1").method == "POST"


# --- surrogates, bidi and controls ------------------------------------------------------------


@pytest.mark.slow
def test_lone_surrogate_in_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    write(Path("."), api("ka1", request=[f("a")], request_example='{"a": "\\ud800"}'))
    code, out, err = cli(capsys, "parse", "spec.xlsx", "--json")
    assert code == 0
    example = json.loads(out)["apis"][0]["examples"]["request"]
    assert example == {
        "text": '{"a": "\\ud800"}',
        "json": None,
        "valid": False,
        "parts": [],
        "source": "spec.xlsx › '테스트 ka1(ka1)' › A29",
    }
    assert err[0].endswith(
        "Request Example holds a lone surrogate escape (such as \\ud800), "
        "which is not Unicode text; kept as text"
    )
    code, _, err = cli(capsys, "generate", "spec.xlsx", "--out", "out", "--no-config")
    assert code == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("example", "why"),
    [
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": -Infinity}', "-Infinity is not a JSON number"),
        ('{"a": 1e400}', "1e400 is beyond a double"),
        ('{"a": ' + "9" * 5000 + "}", "Exceeds the limit (4300 digits)"),
        ("[" * 40 + "]" * 40, "nests deeper than 32 levels"),
        ("[" * 15_000 + "]" * 15_000, "maximum recursion depth"),
    ],
)
def test_examples_that_other_json_parsers_reject_are_kept_as_text(
    capsys: pytest.CaptureFixture[str], example: str, why: str
) -> None:
    """json.loads accepts NaN and 1e400 (as infinity); JSON does not, and the OpenAPI document
    would not be JSON. Huge numbers and deep nesting raise other errors than JSONDecodeError."""
    write(Path("."), api("ka1", request=[f("a")], request_example=example))
    code, out, err = cli(capsys, "parse", "spec.xlsx", "--json")
    assert code == 0
    assert json.loads(out)["apis"][0]["examples"]["request"]["valid"] is False
    err = [line for line in err if line.startswith(("warning:", "error:"))]  # problems only
    assert len(err) == 1 and why in err[0] and err[0].endswith("kept as text")
    code, _, err = cli(capsys, "generate", "spec.xlsx", "--out", "out", "--no-config")
    assert code == 0
    json.loads(Path("out/openapi.json").read_text(encoding="utf-8"), parse_constant=_reject)


def _reject(name: str) -> None:
    raise AssertionError(f"{name} in openapi.json")


def test_cell_text_never_holds_a_lone_surrogate() -> None:
    assert cell_text("a\ud800b\udfff") == "a\ufffdb\ufffd"


def test_bidi_and_controls_never_reach_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    """An API name and a file name with a bidi override, an isolate, a C1 CSI and U+2028."""
    name = "evil\u202e\u2066\x9b31mred\u2028x"
    shown = "evil\\u202e\\u2066\\x9b31mred\\u2028x"
    write(Path("."), api("ka1", name, request=[f("a", required="X")]), name="sp\u202eec.xlsx")
    code, out, err = cli(capsys, "parse", "sp\u202eec.xlsx")
    assert code == 2
    assert err[0].startswith(f"error: sp\\u202eec.xlsx › '{shown}")
    assert err[0].endswith("› E22 (ka1): Required must be Y or N, got 'X'")
    assert all(not any(is_unsafe(ch) for ch in line) for line in err)
    write(Path("."), api("ka1", name, request=[f("a")]), name="ok.xlsx")
    code, out, err = cli(capsys, "parse", "ok.xlsx")
    assert code == 0 and shown in out
    assert not any(is_unsafe(ch) for ch in out.replace("\n", "").replace("\t", ""))


def test_html_in_names_is_escaped_in_diff_markdown_and_text() -> None:
    old = read(write(Path("."), api("ka1", request=[f("a")]), name="old.xlsx")).spec
    new_api = api("ka2", "<script>alert(1)</script>", request=[f("<img src=x onerror=alert(1)>|`")])
    new = read(write(Path("."), api("ka1", request=[f("a")]), new_api, name="new.xlsx")).spec
    report = diff_specs(old, new)
    markdown = render_markdown(report)
    assert "<script>" not in markdown and "<img" not in markdown
    assert "\\<script\\>alert(1)\\</script\\>" in markdown
    for line in markdown.splitlines():
        if line.startswith("| ka2"):
            assert line.count(" | ") == 5  # the pipe in the name does not add a column
    assert all(not any(is_unsafe(ch) for ch in line) for line in render_text(report).split("\n"))


# --- the escaping functions -------------------------------------------------------------------


def test_one_definition_of_a_line() -> None:
    text = "a\u2028b\x85c\x0bd\x0ce\x1cf\nz"
    assert split_lines(text) == ["a\u2028b\x85c\x0bd\x0ce\x1cf", "z"]
    escaped = py_docstring(text)
    assert (
        escaped.splitlines() == split_lines(escaped) == ["a\\u2028b\\x85c\\x0bd\\x0ce\\x1cf", "z"]
    )


@pytest.mark.parametrize(
    "text",
    ['"', 'a"', '""""""', "\\", "\\N{BULLET}", "\\u0041", "x\ud800y", "\t\x00\x1b\u202e", "'''"],
)
def test_docstring_escape_round_trips(text: str) -> None:
    import ast

    assert ast.literal_eval('"""' + py_docstring(text) + '"""') == text


def test_json_escape_keeps_utf8_and_escapes_what_breaks_it() -> None:
    value = {"k": "한글\u2028\ud800\u202e\x85"}
    out = json_text(value)
    out.encode("utf-8")  # a raw lone surrogate could not be encoded
    assert "한글" in out and json.loads(out) == value
    assert not any(is_unsafe(ch) for ch in out.replace("\n", ""))


def test_markdown_and_terminal_and_yaml() -> None:
    assert md_text("a<b>|c") == "a\\<b\\>\\|c"
    assert md_text("credit_orders") == "credit_orders"
    assert terminal("a\nb\t\x1b[0m\u202e") == "a\\nb\\t\\x1b[0m\\u202e"
    assert yaml_style("a\u2028b") == '"' and yaml_style("005930") == "'"
    assert yaml_style("한글") is None
