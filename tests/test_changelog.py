"""generate --changelog OLD: an entry on top of DIR/python/CHANGELOG.md that later runs keep."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kiwoom_codegen.model.load import load
from kiwoom_codegen.regen.changelog import INTRO, TITLE, EntryId, add_entry
from kiwoom_codegen.regen.generate import CHANGELOG_PATH
from kiwoom_codegen.regen.writer import MANIFEST_NAME

from tests.support.pipeline import (
    NESTED,
    SEED,
    described,
    later_edition,
    per_api_emitter,
    run,
    tree,
    write_edition,
)

MARKER = "<!-- kiwoom-codegen:"


@pytest.fixture
def editions(tmp_path: Path) -> tuple[Path, Path, Path]:
    old = write_edition(tmp_path / "old", [*SEED, NESTED])
    new = write_edition(tmp_path / "new", later_edition(), version="0.2.0")
    return old, new, tmp_path / "generated"


@pytest.mark.slow
def test_entry_names_version_bump_and_hash(
    editions: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new, out = editions
    code, stdout, _ = run(
        ["generate", str(new), "--out", str(out), "--changelog", str(old)], capsys
    )
    assert code == 0 and CHANGELOG_PATH in stdout
    text = (out / CHANGELOG_PATH).read_text(encoding="utf-8")
    spec_hash = load([new]).spec.content_hash()
    assert text.startswith(f"{TITLE}\n\n{INTRO}\n\n{MARKER}")
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    assert heading == f"## 0.2.0 (suggested bump: minor; spec {spec_hash[:12]})"
    # Both editions are read with the config of the new one (the one being generated).
    base_hash = load([old], config_dir=new, lenient_config=True).spec.content_hash()
    assert spec_hash in text and base_hash in text
    assert "below 1.0.0" in text
    assert text.index("### Breaking changes") < text.index("### Other changes")
    # The removed API is named as the old edition's own names table named it.
    assert (
        "| kt10008 | `api_removed` | `api` | 신용 정정주문: POST /api/dostk/crdordr "
        "(credit_orders.modify) |" in text
    )
    # The changelog is not owned: not in the manifest.
    assert CHANGELOG_PATH not in json.loads((out / MANIFEST_NAME).read_text())["files"]


@pytest.mark.slow
def test_entry_survives_generate_and_check_passes(
    editions: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new, out = editions
    assert run(["generate", str(new), "--out", str(out), "--changelog", str(old)], capsys)[0] == 0
    before = tree(out)
    code, stdout, _ = run(["generate", str(new), "--out", str(out)], capsys)
    assert code == 0 and "up to date" in stdout
    assert tree(out) == before
    assert run(["check", str(new), "--out", str(out)], capsys)[0] == 0
    # A regeneration from other specs rewrites the owned files and still keeps the changelog.
    assert run(["generate", str(old), "--out", str(out)], capsys)[0] == 0
    assert tree(out)[CHANGELOG_PATH] == before[CHANGELOG_PATH]
    assert run(["check", str(old), "--out", str(out)], capsys)[0] == 0


@pytest.mark.slow
def test_newest_entry_on_top_and_no_twins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("kiwoom_codegen.emit.emitters", lambda: [("per_api", per_api_emitter)])
    first = write_edition(tmp_path / "e1", SEED)
    second = write_edition(tmp_path / "e2", described(SEED), version="0.1.1")
    third = write_edition(tmp_path / "e3", [*described(SEED), NESTED], version="0.2.0")
    out = tmp_path / "generated"
    assert run(["generate", str(first), "--out", str(out)], capsys)[0] == 0
    assert (
        run(["generate", str(second), "--out", str(out), "--changelog", str(first)], capsys)[0] == 0
    )
    again = run(["generate", str(second), "--out", str(out), "--changelog", str(first)], capsys)
    assert again[0] == 0
    text = (out / CHANGELOG_PATH).read_text(encoding="utf-8")
    assert text.count(MARKER) == 1  # the same regeneration twice: one entry
    assert "## 0.1.1 (suggested bump: patch;" in text
    assert (
        run(["generate", str(third), "--out", str(out), "--changelog", str(second)], capsys)[0] == 0
    )
    text = (out / CHANGELOG_PATH).read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert [h.split(" (")[0] for h in headings] == ["## 0.2.0", "## 0.1.1"]
    assert "## 0.2.0 (suggested bump: minor;" in text
    assert text.count(f"\n{TITLE}\n") + text.startswith(TITLE) == 1


@pytest.mark.slow
def test_version_must_be_above_the_released_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("kiwoom_codegen.emit.emitters", lambda: [("per_api", per_api_emitter)])
    first = write_edition(tmp_path / "e1", SEED)  # released as 0.1.0 (its own package.toml)
    second = write_edition(tmp_path / "e2", described(SEED))  # forgot the bump
    out = tmp_path / "generated"
    code, _, err = run(
        ["generate", str(second), "--out", str(out), "--changelog", str(first)], capsys
    )
    assert code == 2 and not out.exists()
    assert "version 0.1.0 is not above 0.1.0, the version already released" in err
    assert 'set [package] version = "0.1.1"' in err and "Traceback" not in err
    second = write_edition(tmp_path / "e2", described(SEED), version="0.1.1")
    assert (
        run(["generate", str(second), "--out", str(out), "--changelog", str(first)], capsys)[0] == 0
    )
    before = tree(out)
    # The next edition is compared with e2, released as 0.1.1 (its changelog entry says so).
    third = write_edition(tmp_path / "e3", [*described(SEED), NESTED], version="0.1.1")
    code, _, err = run(
        ["generate", str(third), "--out", str(out), "--changelog", str(second)], capsys
    )
    assert code == 2 and "not above 0.1.1" in err and 'version = "0.2.0"' in err
    assert tree(out) == before  # nothing written


@pytest.mark.slow
def test_breaking_changes_need_a_minor_bump_below_one_and_a_major_above(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("kiwoom_codegen.emit.emitters", lambda: [("per_api", per_api_emitter)])
    gone = [s for s in SEED if s.api_id != "kt10009"]  # an API removed: breaking
    for released, patch, minor, major in (
        ("0.3.0", "0.3.1", "0.4.0", None),
        ("1.2.0", "1.2.1", "1.3.0", "2.0.0"),
    ):
        base = write_edition(tmp_path / released / "old", SEED, version=released)
        out = tmp_path / released / "generated"
        for version, ok in ((patch, False), (minor, major is None), (major, True)):
            if version is None:
                continue
            new = write_edition(tmp_path / released / version, gone, version=version)
            code, _, err = run(
                ["generate", str(new), "--out", str(out), "--changelog", str(base)], capsys
            )
            assert code == (0 if ok else 2), (released, version, err)
            if not ok:
                needed = "minor" if released < "1" else "major"
                assert f"breaking change(s) need a {needed} bump from {released}" in err
        text = (out / CHANGELOG_PATH).read_text(encoding="utf-8")
        assert text.count(MARKER) == 1


@pytest.mark.slow
def test_reruns_replace_their_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same regeneration run again, also after the specs were corrected before release:
    one entry, one heading."""
    monkeypatch.setattr("kiwoom_codegen.emit.emitters", lambda: [("per_api", per_api_emitter)])
    first = write_edition(tmp_path / "e1", SEED)
    second = write_edition(tmp_path / "e2", described(SEED), version="0.1.1")
    out = tmp_path / "generated"
    argv = ["generate", str(second), "--out", str(out), "--changelog", str(first)]
    assert run(argv, capsys)[0] == 0
    once = (out / CHANGELOG_PATH).read_text(encoding="utf-8")
    assert run(argv, capsys)[0] == 0
    assert (out / CHANGELOG_PATH).read_text(encoding="utf-8") == once
    write_edition(tmp_path / "e2", [*described(SEED), NESTED], version="0.1.1")
    assert run(argv, capsys)[0] == 0
    text = (out / CHANGELOG_PATH).read_text(encoding="utf-8")
    assert text != once and text.count(MARKER) == 1
    assert [ln for ln in text.splitlines() if ln.startswith("## ")] == [
        next(ln for ln in text.splitlines() if ln.startswith("## 0.1.1 (suggested bump: minor;"))
    ]


@pytest.mark.slow
def test_bad_old_edition_writes_nothing(
    editions: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, new, out = editions
    code, _, err = run(
        ["generate", str(new), "--out", str(out), "--changelog", str(out / "nope")], capsys
    )
    assert code == 2 and "old edition" in err and "Traceback" not in err
    assert not out.exists()


def test_add_entry_keeps_hand_written_text() -> None:
    ident = EntryId("1.0.0", "a" * 64, "b" * 64)
    entry = f"{ident.marker()}\n## 1.0.0 (suggested bump: major; spec aaaaaaaaaaaa)\n\nbody\n"
    existing = "# Changelog\n\nOur notes.\n\n## 0.9.0\n\n- hand-written entry\n"
    text = add_entry(existing, entry, ident)
    assert text == f"# Changelog\n\nOur notes.\n\n{entry}\n## 0.9.0\n\n- hand-written entry\n"
    assert add_entry(text, entry, ident) == text  # idempotent
    assert add_entry("- a list without title\n", entry, ident).startswith(f"{TITLE}\n\n- a list")
