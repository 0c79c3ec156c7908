"""What a maintainer does with the miner's decisions: overrides.toml and `kiwoom-codegen review`;
and the miner's property: a closed enumeration is exactly the pairs its text holds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kiwoom_codegen.cli import main
from kiwoom_codegen.model.describe import mine_enum, understand
from kiwoom_codegen.problems import SpecError
from kiwoom_codegen.reader.workbook import display_path

from tests.support.fixtures import api, cell_of, f, field, messages, read, write

SHEET = "테스트 ka90010(ka90010)"
ROWS = [
    ("inds_cd", "업종코드", "String", "N", 3, "001:종합(KOSPI), 002:대형주 ※ 업종코드 참고"),
    ("stex_tp", "거래소구분", "String", "Y", 1, "1:KRX, 2:NXT 3.통합"),
    ("mrkt_tp", "시장구분", "String", "Y", 1, "0:코스피, 1:코스닥"),
    ("stk_cd", "종목코드", "String", "Y", 6, ""),
    ("trde_tp", "매매구분", "String", "Y", 2, "00:지정가, 03:시장가"),
    ("ord_uv", "주문단가", "String", "N", 12, ""),
    ("rows", "목록", "LIST", "N", None, ""),
    ("- kind", "종류", "String", "N", 2, ""),
]


def sheet_dir(tmp_path: Path, overrides: str) -> tuple[Path, Path]:
    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "overrides.toml").write_text(overrides, encoding="utf-8")
    return write(tmp_path, api("ka90010", request=ROWS)), cfg


def test_overrides_close_open_add_condition_and_length(tmp_path: Path) -> None:
    path, cfg = sheet_dir(
        tmp_path,
        """
[[field]]
api = "ka90010"
path = "inds_cd"
enum_closed = true

[[field]]
api = "ka90010"
path = "stex_tp"
enum_closed = false

[[field]]
api = "ka90010"
path = "mrkt_tp"
add_enum = [{ value = "3", label = "코넥스" }, "0"]

[[field]]
api = "ka90010"
path = "stk_cd"
enforce_length = false

[[field]]
api = "ka90010"
path = "ord_uv"
required_if = { field = "trde_tp", in = ["00"] }

[[field]]
api = "ka90010"
path = "rows.kind"
add_enum = ["A", "B"]
""",
    )
    loaded = read(path, config_dir=cfg)
    assert messages(loaded) == []
    body = loaded.spec.api("ka90010").request.body
    inds = field(body, "inds_cd")
    assert inds.enum_closed is True and inds.mining.decision == "closed enum"
    assert "overrides.toml sets enum_closed" in inds.mining.reason
    assert "참고" in inds.mining.reason  # the miner's own reason is kept
    stex = field(body, "stex_tp")
    assert stex.enum_closed is False and stex.mining.decision == "open enum"
    mrkt = field(body, "mrkt_tp")
    assert [(e.value, e.label) for e in mrkt.enum or ()] == [
        ("0", "코스피"),
        ("1", "코스닥"),
        ("3", "코넥스"),
    ]
    assert mrkt.enum_closed is True
    stk = field(body, "stk_cd")
    assert stk.max_length == 6 and stk.to_json()["length_enforced"] is False
    ord_uv = field(body, "ord_uv")
    assert ord_uv.required_if is not None
    assert (ord_uv.required_if.when_field, ord_uv.required_if.when_values) == ("trde_tp", ("00",))
    kind = field(field(body, "rows").children, "kind")
    assert [e.value for e in kind.enum or ()] == ["A", "B"] and kind.enum_closed is False


@pytest.mark.slow
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            '[[field]]\napi = "ka90010"\npath = "stk_cd"\nenum_closed = true\n',
            "enum_closed for 'stk_cd', which has no enumeration (give enum or add_enum)",
        ),
        (
            '[[field]]\napi = "ka90010"\npath = "ord_uv"\nenum_closed = "yes"\n',
            "enum_closed must be true or false",
        ),
        (
            '[[field]]\napi = "ka90010"\npath = "rows"\nenforce_length = false\n',
            "enforce_length for 'rows', which has no Length",
        ),
        (
            '[[field]]\napi = "ka90010"\npath = "rows"\nadd_enum = ["A"]\n',
            "'rows' is a LIST: it takes no enumeration",
        ),
        (
            '[[field]]\napi = "ka90010"\npath = "ord_uv"\nadd_enum = []\n',
            "add_enum must be a non-empty list of strings or {value, label} tables",
        ),
        (
            '[[field]]\napi = "ka90010"\npath = "nope"\nadd_enum = ["A"]\n',
            "override names unknown field 'nope' in request.body",
        ),
        (
            '[[field]]\napi = "ka99999"\npath = "stk_cd"\nenforce_length = false\n',
            "override names an unknown API",
        ),
    ],
)
def test_bad_mining_overrides_are_located_errors(
    tmp_path: Path, overrides: str, message: str
) -> None:
    path, cfg = sheet_dir(tmp_path, overrides)
    with pytest.raises(SpecError) as info:
        read(path, config_dir=cfg)
    lines = [p.line() for p in info.value.problems]
    assert len(lines) == 1
    assert lines[0].startswith(f"{display_path(cfg / 'overrides.toml')} › field[0]")
    assert lines[0].endswith(message)


# --- review -----------------------------------------------------------------------------------


def review(path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["review", str(path), "--no-config", "--format", fmt]) == 0
    return capsys.readouterr().out


def test_review_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, api("ka90010", request=ROWS))
    out, values = review(path, "text", capsys).split("\nvalue meanings:\n")  # docs/values.md
    assert "ka90010 request stk_cd: code [label]" in values  # every field has a value meaning
    cell = cell_of(path, SHEET, "1:KRX, 2:NXT 3.통합", column=7)
    assert (
        "ka90010 request.body stex_tp: closed enum\n"
        f"    at:   {display_path(path)} › '{SHEET}' › {cell}\n"
        "    text: '1:KRX, 2:NXT 3.통합'\n"
        "    values: 1=KRX, 2=NXT, 3=통합\n"
        "    why:  3 code:label pairs account for the whole list\n"
    ) in out
    assert "ka90010 request.body inds_cd: open enum" in out
    assert "stk_cd" not in out and "ord_uv" not in out  # nothing to decide
    assert out.endswith("4 fields reviewed: 3 closed enum, 1 open enum\n")


def test_review_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, api("ka90010", request=ROWS))
    doc = json.loads(review(path, "json", capsys))
    assert doc["counts"] == {"closed enum": 3, "open enum": 1}
    inds = next(e for e in doc["fields"] if e["path"] == "inds_cd")
    assert inds["decision"] == "open enum" and inds["enum_closed"] is False
    assert [v["value"] for v in inds["enum"]] == ["001", "002"]
    assert inds["cell"].endswith(cell_of(path, SHEET, ROWS[0][5], column=7))
    assert "참고" in inds["reason"] and inds["text"] == ROWS[0][5]
    assert inds["length_enforced"] is True and inds["api"] == "ka90010"


def test_review_markdown_escapes_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        ("a", "A", "String", "N", 2, "1:x|y, 2:<b>z</b>"),
        ("b", "B", "String", "N", 8, "YYYYMMDD\n`code`"),
    ]
    path = write(tmp_path, api("ka90011", request=rows))
    out = review(path, "markdown", capsys)
    lines = out.splitlines()
    assert lines[0] == "# Description mining review"
    assert lines[2] == "2 fields reviewed: 1 closed enum, 1 format"
    assert lines[4] == "| API | Field | Cell | Decision | Values | Why | Text |"
    row = next(line for line in lines if "request.body a " in line)
    assert "1:x\\|y" in row and "\\<b\\>" in row and "<b>" not in row
    assert row.count(" | ") == 6  # seven cells: no pipe leaked from the text
    fmt = next(line for line in lines if "request.body b " in line)
    assert "\\`code\\`" in fmt and "YYYYMMDD ⏎ " in fmt


# --- the property -----------------------------------------------------------------------------

_CODE_LIKE_PAIR = re.compile(r"(?<![A-Za-z0-9%_+.])[A-Za-z0-9%_+]{1,12}[ \t]*[:：][ \t]*\S")

codes = st.one_of(
    st.from_regex(r"\A[0-9]{1,3}\Z"),
    st.from_regex(r"\A[A-Z]{1,4}\Z"),
    st.sampled_from(["%", "_AL", "A+", "1.5"]),
)
labels = st.one_of(
    st.sampled_from(["매수", "매도", "전체", "5미만", "5~10", "종합(KOSPI)", "STOP LIMIT", "1분"]),
    st.text(alphabet="가나다라 ()~", min_size=1, max_size=8).filter(lambda s: s.strip()),
)
seps = st.sampled_from([":", "：", " : ", ";", "."])
joins = st.sampled_from([", ", ",", " ", "\n", " , ", ",\n", "; "])
noise = st.sampled_from(
    [
        "",
        "...",
        "등",
        "나머지",
        "※ 코드 참고",
        "HH:mm",
        "YYYY:년도",
        "09:00",
        "단위: 원",
        "또는 X",
        "이상",
    ]
)


@st.composite
def descriptions(draw: st.DrawFn) -> str:
    n = draw(st.integers(min_value=0, max_value=6))
    parts = [draw(codes) + draw(seps) + draw(labels) for _ in range(n)]
    text = ""
    for part in parts:
        text += (draw(joins) if text else "") + part
        if draw(st.booleans()) and draw(st.integers(0, 5)) == 0:
            text += " " + draw(noise) + " "
    return draw(st.sampled_from(["", "구분\n", "(", "x "])) + text + draw(noise)


def _check_closed(text: str) -> None:
    mined = mine_enum(text)
    if mined is None or not mined.closed:
        return
    rest = text
    for e in sorted(mined.values, key=lambda e: -len(e.value)):
        assert e.value in text
        # remove the value wherever it stands as a code (a pair may repeat), with its separator;
        # longest first, and never the head of a longer code ('1' of '1.5')
        rest = re.sub(
            r"(?<![A-Za-z0-9%_+.])"
            + re.escape(e.value)
            + r"(?![A-Za-z0-9%_+]|\.[0-9])[ \t]*[:：;.]?",
            " ",
            rest,
        )
    assert _CODE_LIKE_PAIR.search(rest) is None, (text, mined, rest)
    assert understand(text).enum_closed is True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(descriptions())
def test_closed_enum_is_exactly_the_pairs_of_its_text(text: str) -> None:
    _check_closed(text)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("01AZ%:：;.,( )~가나\n등…")), max_size=60))
def test_closed_enum_property_on_arbitrary_text(text: str) -> None:
    _check_closed(text)


def test_property_examples() -> None:
    texts = ["1:KRX, 2:NXT 3.통합", "KRX,NXT,SOR", "0:기존유지안함 1:기존유지(Default)"]
    for text in [*texts, "1:매수, 1.5:매수"]:  # the last once failed the check's own regex
        assert mine_enum(text) is not None and mine_enum(text).closed  # type: ignore[union-attr]
        _check_closed(text)


def test_field_rows_keep_their_mining_source(tmp_path: Path) -> None:
    path = write(tmp_path, api("ka90012", request=[f("x", description="1:가, 2:나")]))
    x = field(read(path).spec.api("ka90012").request.body, "x")
    assert x.mining.source is not None
    assert x.mining.source.cell == cell_of(path, "테스트 ka90012(ka90012)", "1:가, 2:나", column=7)


# --- diff between editions: an enumeration that closes or opens -----------------------------


def test_diff_reports_an_enumeration_closing_as_breaking(tmp_path: Path) -> None:
    from kiwoom_codegen.regen.diff import diff_specs

    def edition(name: str, text: str) -> Path:
        d = tmp_path / name
        d.mkdir()
        rows = [("stex_tp", "거래소구분", "String", "Y", 1, text)]
        return write(d, api("ka90013", request=rows))

    open_ = read(edition("old", "1:KRX, 2:NXT 등")).spec
    closed = read(edition("new", "1:KRX, 2:NXT, 3:통합")).spec
    closing = [c for c in diff_specs(open_, closed).changes if c.kind == "enum_closed"]
    assert [(c.old, c.new, c.breaking, c.location) for c in closing] == [
        (False, True, True, "request.body.stex_tp")
    ]
    opening = diff_specs(closed, open_).changes
    kinds = {c.kind: c for c in opening}
    assert kinds["enum_closed"].breaking is False
    # a value dropped from a list that is now open refuses nothing
    assert kinds["enum_value_removed"].breaking is False
