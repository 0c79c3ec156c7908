"""Every text output passes spec text through the one escaper for its format: review (text,
Markdown, JSON), the generated api.md and README (Markdown) and the OpenAPI descriptions
(CommonMark that Redocly's no-unsafe-markdown must not flag)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from kiwoom_codegen.cli import main
from kiwoom_codegen.escape import md_no_html, md_text

from tests.support.fixtures import api, f, write

BIDI = "\u202e"
HOSTILE = (
    f"1:매수{BIDI}, 2:<b>굵게</b> [x](http://evil.example) ![i](http://img.example/p.png) "
    "www.kiwoom.com"
)
NAME = "조회 https://evil.example/x <img src=x onerror=alert(1)>"


@pytest.fixture
def workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    sheet = api(
        "ka1",
        name=NAME,
        request=[f("a", description=HOSTILE)],
        response=[f("b", description="<script>alert(1)</script> 참고")],
    )
    return write(tmp_path, sheet)


def review(capsys: pytest.CaptureFixture[str], path: Path, fmt: str) -> str:
    assert main(["review", str(path), "--no-config", "--format", fmt]) == 0
    return capsys.readouterr().out


LIVE_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")  # [text]( not escaped: a link or image


def outside_code(markdown: str) -> str:
    return re.sub(r"(`+).*?\1", "", markdown)


def test_review_text_shows_bidi_controls_as_escapes(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = review(capsys, workbook, "text")
    assert BIDI not in out and "\\u202e" in out
    assert "values: 1=매수\\u202e, 2=" in out


def test_review_markdown_has_no_live_link_image_html_or_bidi(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = review(capsys, workbook, "markdown")
    assert BIDI not in out
    assert not LIVE_LINK.search(out)
    assert "<b>" not in out and "\\<b\\>" in out
    assert "http://" not in outside_code(out) and "www." not in outside_code(out)
    assert "`http://evil.example`" in out  # shown exactly, as code, never a link


@pytest.mark.slow
def test_review_json_escapes_bidi_and_reads_back(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = review(capsys, workbook, "json")
    assert BIDI not in out
    assert json.loads(out)["fields"][0]["text"] == HOSTILE


@pytest.mark.slow
def test_api_md_and_readme_link_nothing_and_hold_no_html(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", str(workbook), "--no-config", "--out", "out"]) == 0
    for name in ("api.md", "README.md"):
        text = Path("out/python", name).read_text(encoding="utf-8")
        plain = outside_code(text)
        assert "https://evil.example" not in plain, name  # a bare URL would be auto-linked
        assert not re.search(r"(?<!\\)<img", plain) and BIDI not in text, name
    assert "`https://evil.example/x`" in Path("out/python/api.md").read_text(encoding="utf-8")


def test_openapi_descriptions_hold_no_raw_html(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", str(workbook), "--no-config", "--out", "out"]) == 0
    doc = json.loads(Path("out/openapi.json").read_text(encoding="utf-8"))
    descriptions: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "description" and isinstance(v, str):
                    descriptions.append(v)
                elif k not in ("example", "examples"):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    texts = [outside_code(d) for d in descriptions]
    assert any("&lt;script>alert(1)&lt;/script> 참고" == t for t in texts)
    assert not any(re.search(r"<[A-Za-z/!?]", t) for t in texts)  # no tag Redocly would flag
    # The response example is data: kept as Kiwoom wrote it.
    assert "Bearer <token>" in json.dumps(doc, ensure_ascii=False)  # inside a code span: kept


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("see https://x.example/a?b=1.", "see `https://x.example/a?b=1`."),
        ("www.kiwoom.com 참고", "`www.kiwoom.com` 참고"),
        ("[a](b) ![c](d)", "\\[a\\](b) !\\[c\\](d)"),
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
        (f"a{BIDI}b", "a\\\\u202eb"),
    ],
)
def test_md_text(text: str, markdown: str) -> None:
    assert md_text(text) == markdown


def test_md_no_html_keeps_code_spans_and_line_breaks() -> None:
    assert md_no_html("a <b>\n`<token>` 1 < 2") == "a &lt;b>\n`<token>` 1 < 2"
