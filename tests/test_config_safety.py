"""Config that cannot hurt: every value of names.toml, overrides.toml and package.toml is checked
with full-match rules, and a bad one is one located error line (exit 2), never a traceback or a
file written with it. And one note names the config tables in use."""

from __future__ import annotations

from pathlib import Path

import pytest
from kiwoom_codegen.cli import main

from tests.support.fixtures import api, f, write


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("specs").mkdir()
    write(Path("specs"), api("ka1", request=[f("a"), f("b")]))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if not line.startswith("note: ")]


def bad(capsys: pytest.CaptureFixture[str], file: str, text: str) -> str:
    """The one error line reading specs/ with this config file gives (exit 2)."""
    Path("specs", file).write_text(text, encoding="utf-8")
    code, err = run(capsys, "parse", "specs")
    errors = [line for line in err if line.startswith("error: ")]
    assert code == 2 and len(errors) == 1, err
    assert errors[0].startswith(f"error: specs/{file} › "), errors[0]
    return errors[0]


NEWLINE = "\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("file", "text", "says"),
    [
        # A trailing newline, which a regex ending in `$` accepts.
        (
            "names.toml",
            '[apis]\nka1 = { group = "misc", method = "get_it\\n" }\n',
            "method must be a Python identifier",
        ),
        (
            "names.toml",
            '[apis]\nka1 = { group = "misc\\n", method = "get_it" }\n',
            "group must be a dotted path",
        ),
        ("package.toml", '[package]\nversion = "1.2.3\\n"\n', "version must look like 1.2.3"),
        ("package.toml", '[package]\nname = "kiwoom-x\\n"\n', "not a valid distribution name"),
        (
            "overrides.toml",
            '[[field]]\napi = "ka1"\npath = "a"\npython_name = "aa\\n"\n',
            "python_name must be",
        ),
        (
            "realtime_fields.toml",
            '[fields]\n"10" = "price\\n"\n',
            "name must be a lower-case identifier",
        ),
        # Reserved and mangled names.
        (
            "overrides.toml",
            '[[field]]\napi = "ka1"\npath = "a"\npython_name = "model_config"\n',
            "python_name must be",
        ),
        (
            "overrides.toml",
            '[[field]]\napi = "ka1"\npath = "a"\npython_name = "__secret"\n',
            "python_name must be",
        ),
        (
            "overrides.toml",
            '[[field]]\napi = "ka1"\npath = "a"\npython_name = "_private"\n',
            "python_name must be",
        ),
        (
            "overrides.toml",
            '[[field]]\napi = "ka1"\npath = "a"\npython_name = "schema"\n',
            "python_name must be",
        ),
        ("names.toml", '[apis]\nka1 = { group = "misc", method = "__x" }\n', "method must be"),
        # An unknown format, which nothing would enforce.
        (
            "overrides.toml",
            '[[field]]\napi = "ka1"\npath = "a"\nformat = "YYYYDDMM"\n',
            "unknown format 'YYYYDDMM'",
        ),
        # A package that shadows a dependency.
        ("package.toml", '[package]\nname = "httpx"\n', "'httpx' is the name of a package"),
        ("package.toml", '[package]\nname = "Pydantic_Core"\n', "is the name of a package"),
        ("package.toml", '[package]\nname = "websockets"\n', "is the name of a package"),
        # File names Windows cannot hold.
        ("names.toml", '[apis]\nka1 = { group = "aux", method = "get_it" }\n', "Windows"),
        ("names.toml", '[apis]\nka1 = { group = "con", method = "get_it" }\n', "Windows"),
        ("names.toml", '[apis]\nka1 = { group = "us.NUL", method = "get_it" }\n', "Windows"),
        ("names.toml", '[apis]\nka1 = { group = "com1", method = "get_it" }\n', "Windows"),
        ("names.toml", '[apis]\nka1 = { group = "lpt9", method = "get_it" }\n', "Windows"),
        ("names.toml", '[menus]\n"국내주식 > 테스트" = "prn"\n', "Windows"),
    ],
)
def test_bad_config_values_are_one_located_error(
    capsys: pytest.CaptureFixture[str], file: str, text: str, says: str
) -> None:
    assert says in bad(capsys, file, text)


def test_good_config_values_pass(capsys: pytest.CaptureFixture[str]) -> None:
    Path("specs/names.toml").write_text(
        '[apis]\nka1 = { group = "auxiliary.com10", method = "get_it" }\n', encoding="utf-8"
    )
    Path("specs/package.toml").write_text(
        '[package]\nname = "my-httpx-client"\nversion = "1.2.3rc1"\n', encoding="utf-8"
    )
    Path("specs/overrides.toml").write_text(
        '[[field]]\napi = "ka1"\npath = "a"\npython_name = "config_a"\nformat = "YYYYMMDD"\n',
        encoding="utf-8",
    )
    code, err = run(capsys, "parse", "specs")
    assert code == 0 and not [line for line in err if line.startswith("error")], err


def test_a_bad_version_is_never_written(capsys: pytest.CaptureFixture[str]) -> None:
    Path("specs/package.toml").write_text('[package]\nversion = "1.2.3\\n"\n', encoding="utf-8")
    code, _ = run(capsys, "generate", "specs", "--out", "out")
    assert code == 2 and not Path("out").exists()


@pytest.mark.slow
def test_one_note_names_the_config_tables_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    def note() -> list[str]:
        _, err = capsys.readouterr()
        return [line for line in err.splitlines() if line.startswith("note: config: ")]

    Path("specs/package.toml").write_text('[package]\nversion = "1.2.3"\n', encoding="utf-8")
    assert main(["parse", "specs"]) == 0
    assert note() == ["note: config: the shipped names table, then specs: package.toml"]
    assert main(["parse", "specs/spec.xlsx"]) == 0  # outside the project: said, not silent
    assert note() == [
        "note: config: the shipped names table only; no project config (no directory argument "
        "holds names.toml, overrides.toml, package.toml, realtime_fields.toml; --config DIR "
        "names one); the package is kiwoom-client 0.0.0"
    ]
    assert main(["generate", "specs/spec.xlsx", "--config", "specs", "--out", "out"]) == 0
    assert note() == ["note: config: the shipped names table, then specs: package.toml"]
    assert main(["check", "specs", "--no-config", "--out", "out"]) == 1
    assert note() == [
        "note: config: the shipped names table only (--no-config); the package is "
        "kiwoom-client 0.0.0"
    ]
