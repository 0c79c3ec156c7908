"""A synthetic workbook calibrated to a real edition's shape (benchmarks/calibration.json).

    from benchmarks.synth_real import calibrated_workbook, write_calibrated
    write_calibrated(tmp_path / "kiwoom.xlsx")            # the 337 APIs, real-shaped tables
    write_calibrated(tmp_path / "small.xlsx", n=20)       # fewer APIs, the same distributions

The APIs are the catalog's (ids, URLs, menus, names, as in :mod:`benchmarks.synth`); the
tables are made up, drawn from the distributions that ``python -m benchmarks.calibrate``
measured on Kiwoom's newest edition: field rows per API and section, list containers and their
members, the real-time ``values`` counts; how often field names, descriptions and (name,
description) pairs repeat; description lengths, line breaks, what the miner makes of them
(enumerations of the measured sizes in the styles of KIWOOM_FORMAT.md, units, formats, fixed
values, conditions, prose), empty Type / Required / Length cells; overview lengths; the share
of response examples that are not valid JSON. Every word is made up (nothing is copied from
Kiwoom's files). Counts are drawn stratified (the quantile function at evenly spaced points,
shuffled), so totals follow the calibration closely at any size. Deterministic for a given
``n`` and ``seed``.

The special services keep :mod:`benchmarks.synth`'s shapes: the OAuth APIs, the
condition-search services (ka10173's two variants, two-document examples) and the real-time
subscriptions (with ``values`` of the measured sizes).
"""

from __future__ import annotations

import heapq
import json
import random
import sys
import tomllib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kiwoom_codegen.model.describe import (
    CLOSED_ENUM,
    CONDITION,
    FIXED,
    FORMAT,
    OPEN_ENUM,
    PROSE,
    understand,
)
from kiwoom_codegen.regen.layout import SheetData, TableRow, WorkbookData, save_workbook

from .synth import (
    ERROR_CODES,
    MOCK_WSS,
    MUST_HAVE,
    PROD_WSS,
    REALTIME_FIELDS,
    _condition,
    _oauth,
    catalog,
)

CALIBRATION = Path(__file__).resolve().parent / "calibration.json"
SEED = 20260704

# Made-up material: Hangul syllables for labels and prose, ASCII tokens for field names.
_SYLLABLES = (
    "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초코토포호"
    "구누두루무부수우주추쿠투푸후기니디리미비시이지치키티피히한강산들별빛물결솔잎바람구름"
)
_TOKENS = (
    "ab", "acc", "adj", "alt", "amt", "avg", "bal", "bas", "bid", "blk", "buy", "cap", "cd",
    "chg", "cls", "cnt", "cond", "cur", "day", "dep", "dif", "dlt", "dt", "end", "ent", "evl",
    "exp", "fee", "fix", "flo", "frg", "gap", "grd", "hgh", "hld", "idx", "inv", "itm", "lmt",
    "lo", "lst", "mgn", "mid", "min", "mkt", "mon", "net", "new", "nm", "nxt", "obj", "opn",
    "ord", "org", "pay", "pch", "pos", "pre", "prc", "prd", "prf", "qty", "rat", "rcv", "ref",
    "rem", "req", "rsv", "rt", "sel", "seq", "set", "sgn", "sht", "sig", "src", "stl", "stp",
    "sum", "tax", "tck", "tm", "tot", "tp", "trd", "tri", "unt", "upd", "val", "vol", "wgt",
    "yld", "zn",
)  # fmt: skip
_UNITS = ("원", "1주", "%", "USD", "백만원", "천주", "억원", "주", "천USD", "배")
_FORMATS = ("YYYYMMDD", "HHMMSS", "YYYYMMDDHHMMSS", "YYYYMM", "HH:mm:ss", "YYYY")
_LENGTHS: tuple[int | str, ...] = (1, 2, 3, 4, 6, 8, 10, 12, 15, 20, 40, "12", "20")
_LIST_NAMES = 40  # distinct list-container names (they repeat across APIs, as in the docs)


# --- distributions --------------------------------------------------------------------------


def load_calibration(path: Path = CALIBRATION) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def quantile(points: dict[str, float], u: float) -> float:
    """The quantile function through ``p0`` ... ``p100`` at ``u`` in [0, 1] (linear)."""
    steps = sorted((int(k[1:]), v) for k, v in points.items())
    x = u * 100
    for (p0, v0), (p1, v1) in zip(steps, steps[1:], strict=False):
        if x <= p1:
            return v0 + (v1 - v0) * ((x - p0) / (p1 - p0) if p1 > p0 else 0)
    return steps[-1][1]


def stratified(dist: dict[str, Any], n: int, rng: random.Random, low: int = 0) -> list[int]:
    """``n`` integers following ``dist`` (calibrate.distribution): the quantile function at
    (i + 0.5) / n, shuffled. The top twentieth (where 21 quantiles say least: between ``p95``
    and the maximum) is scaled so that the sum is ``mean * n``."""
    if n <= 0 or not dist.get("quantiles"):
        return [low] * max(n, 0)
    if "histogram" in dist:
        return from_histogram(dist["histogram"], n, rng, low)
    out = [max(low, round(quantile(dist["quantiles"], (i + 0.5) / n))) for i in range(n)]
    tail = max(1, -(-n // 20))
    body, top = out[:-tail], out[-tail:]
    floor = top[0]
    want = round(float(dist["mean"]) * n) - sum(body)
    have = sum(top)
    if have > 0 and want >= floor * tail:
        top = [max(floor, round(v * want / have)) for v in top]
    top[-1] = max(floor, top[-1] + want - sum(top))
    out = body + top
    rng.shuffle(out)
    return out


def from_histogram(hist: dict[str, int], n: int, rng: random.Random, low: int = 0) -> list[int]:
    """``n`` integers in the histogram's proportions (largest remainders), shuffled."""
    total = sum(hist.values())
    shares = [(int(k), c * n / total) for k, c in hist.items()]
    counts = {k: int(x) for k, x in shares}
    for k, _ in sorted(shares, key=lambda s: -(s[1] - int(s[1])))[: n - sum(counts.values())]:
        counts[k] += 1
    out = [max(low, k) for k, c in sorted(counts.items()) for _ in range(c)]
    rng.shuffle(out)
    return out


def multiplicities(hist: dict[str, int], scale: float) -> list[int]:
    """The multiplicities of a histogram (``{"3": 2}`` -> [3, 3]), scaled, at least 1 each."""
    out: list[int] = []
    for k, count in hist.items():
        out += [max(1, round(int(k) * scale))] * count
    return sorted(out, reverse=True)


def _pack(items: Sequence[float], bins: Sequence[float]) -> list[int]:
    """Each item (by size, biggest first) into the bin with the most room left: bin indices."""
    heap = [(-room, i) for i, room in enumerate(bins)]
    heapq.heapify(heap)
    out = [0] * len(items)
    for j in sorted(range(len(items)), key=lambda j: -items[j]):
        room, i = heapq.heappop(heap)
        out[j] = i
        heapq.heappush(heap, (room + items[j], i))
    return out


# --- made-up text ---------------------------------------------------------------------------


def _word(rng: random.Random, lo: int = 1, hi: int = 4) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(lo, hi)))


def _filler(rng: random.Random, chars: int) -> str:
    """Made-up Hangul prose of exactly ``chars`` characters (words and spaces, no codes)."""
    out = ""
    while len(out) < chars:
        out += ("" if not out else " ") + _word(rng, 1, 4)
    return out[:chars].rstrip() or _word(rng, 1, 1)


def _lines(text: str, lines: int) -> str:
    """``text`` with spaces near evenly spaced places turned into line breaks."""
    if lines <= 1:
        return text
    chars = list(text)
    for k in range(1, lines):
        at = len(chars) * k // lines
        for j in [*range(at, len(chars)), *range(at, 0, -1)]:
            if chars[j] == " ":
                chars[j] = "\n"
                break
    return "".join(chars)


@dataclass
class Text:
    """One distinct description: what it is, how often it occurs, its text once rendered."""

    kind: str  # closed enum, open enum, format, fixed, condition, unit, prose, "" (empty)
    weight: int
    size: int = 0  # enumeration values
    lines: int = 1
    text: str = ""


def _codes(rng: random.Random, size: int) -> list[str]:
    style = rng.random()
    if style < 0.55:
        start = rng.choice((0, 1))
        return [str(start + i) for i in range(size)]
    if style < 0.8:
        return [f"{i:02d}" if rng.random() < 0.8 else f"{i * 3:02d}" for i in range(size)]
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    picked = rng.sample(letters, min(size, len(letters)))
    return picked + [f"Z{i}" for i in range(size - len(picked))]


def _enum_text(rng: random.Random, size: int, chars: int, lines: int, closed: bool) -> str:
    codes = _codes(rng, size)
    sep = ":" if rng.random() < 0.85 else " : "
    style = ",\n" if lines > 1 else rng.choice((", ", ",", " , "))
    tail = "" if closed else ", ... 나머지 코드 참고"
    room = (chars - len(tail) - sum(len(c) + len(sep) + len(style) for c in codes)) / size
    labels = []
    for _ in range(size):  # label lengths spread around the room left, at least one syllable
        width = max(1, min(30, round(room * rng.uniform(0.6, 1.4))))
        labels.append("".join(rng.choice(_SYLLABLES) for _ in range(width)))
    bare = ", ".join(codes) + tail
    if all(c.isalpha() for c in codes) and len(bare) + 4 >= chars:  # `KRX, NXT, SOR`
        return bare
    return style.join(f"{c}{sep}{lab}" for c, lab in zip(codes, labels, strict=True)) + tail


def _render(rng: random.Random, t: Text, chars: int) -> str:
    """A description of ``t.kind`` about ``chars`` long, checked against the project's own
    miner (``understand``): a text the miner would read as something else is replaced by the
    plainest text of the kind."""
    kind = t.kind
    if kind in (CLOSED_ENUM, OPEN_ENUM):
        for _ in range(4):
            text = _enum_text(rng, t.size, chars, t.lines, kind == CLOSED_ENUM)
            m = understand(text)
            if m.decision == kind and m.enum is not None and len(m.enum) == t.size:
                return text
        codes = [str(i) for i in range(t.size)]
        text = ", ".join(f"{c}:{_word(rng, 2, 3)}" for c in codes)
        return text if kind == CLOSED_ENUM else text + ", ... 나머지 코드 참고"
    if kind == "unit":
        head = f"단위: {rng.choice(_UNITS)}"
        rest = chars - len(head) - 2
        text = head + (", " + _filler(rng, rest) if rest > 1 else "")
    elif kind == FORMAT:
        head = rng.choice(_FORMATS)
        rest = chars - len(head) - 1
        text = head + (" " + _filler(rng, rest) if rest > 1 else "")
    elif kind == FIXED:
        head = f"{rng.choice(('REG', 'CNSR', 'ALL', '0', 'N'))} 고정값"
        rest = chars - len(head) - 1
        text = (_filler(rng, rest) + " " if rest > 1 else "") + head
    elif kind == CONDITION:
        text = _filler(rng, max(2, chars - 8)) + "일 경우 필수"
    else:
        text = _filler(rng, chars)
    text = _lines(text, t.lines)
    m = understand(text)
    wanted = PROSE if kind == "unit" else kind
    if m.decision != wanted or (kind == "prose" and m.unit is not None):
        text = {"unit": "단위: 원", FORMAT: "YYYYMMDD", FIXED: "0 고정값"}.get(
            kind, _filler(rng, max(chars, 2))
        )
    return text


# --- the vocabulary: names, descriptions and their pairs ------------------------------------


@dataclass
class Vocabulary:
    """A queue of (name, 한글명, description) for the leaf fields, repeating as the docs do."""

    pairs: deque[tuple[str, str, str]] = field(default_factory=deque)
    fresh: int = 0

    def take(self, taken: set[str], rng: random.Random) -> tuple[str, str, str]:
        """The next pair whose name is not yet in this table (``taken``)."""
        for k in range(min(len(self.pairs), 64)):
            name, label, text = self.pairs[k]
            if name not in taken:
                del self.pairs[k]
                return name, label, text
        self.fresh += 1
        text = self.pairs.popleft()[2] if self.pairs else ""
        return f"xtr_{self.fresh}", f"추가{self.fresh}", text


def _names(rng: random.Random, count: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        name = "_".join(rng.choice(_TOKENS) for _ in range(rng.randint(2, 3)))
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _descriptions(rng: random.Random, vocab: dict[str, Any], scale: float) -> list[Text]:
    """The distinct non-empty descriptions with their weights, kinds, sizes, lines and texts."""
    weights = multiplicities(vocab["descriptions"]["multiplicity"], scale)
    texts = [Text("", w) for w in weights]
    order = texts[:]
    rng.shuffle(order)
    total = sum(weights)
    desc = vocab["description"]
    decisions = desc["decisions"]
    bands: list[tuple[str, float]] = [
        (CLOSED_ENUM, decisions.get(CLOSED_ENUM, 0)),
        (OPEN_ENUM, decisions.get(OPEN_ENUM, 0)),
        (FORMAT, decisions.get(FORMAT, 0)),
        (FIXED, decisions.get(FIXED, 0)),
        (CONDITION, decisions.get(CONDITION, 0)),
        ("unit", desc.get("share_unit_prose", 0)),
    ]
    # Kinds and enumeration sizes by quota: each text, heaviest first, takes the kind (then
    # the size) with the most of its share of the fields left, so that heavy texts do not
    # tilt the shares (a text's kind cannot be split between fields).
    quotas = [part * total for _, part in bands]
    quotas.append(max(0.0, total - sum(quotas)))  # prose
    kinds = [kind for kind, _ in bands] + [PROSE]
    for t, i in zip(order, _pack([t.weight for t in order], quotas), strict=True):
        t.kind = kinds[i]
    enums = [t for t in order if t.kind in (CLOSED_ENUM, OPEN_ENUM)]
    enum_total = sum(t.weight for t in enums)
    sizes = sorted((int(k), c) for k, c in vocab["enumerations"]["sizes"].items())
    size_total = sum(c for _, c in sizes) or 1
    size_quota = [c * enum_total / size_total for _, c in sizes]
    for t, i in zip(enums, _pack([t.weight for t in enums], size_quota), strict=True):
        t.size = sizes[i][0]
    # Line breaks: texts chosen at random (none heavier than 1% of the fields) until their
    # weight is the measured share; lines by the measured histogram.
    multi = [t for t in order if t.weight <= max(1, total // 100)]
    want = desc["share_multiline"] * total
    lines_hist = sorted((int(k), c) for k, c in desc["lines"].items() if int(k) > 1)
    lines_total = sum(c for _, c in lines_hist) or 1
    got = 0
    for t in multi:
        if got >= want:
            break
        u = rng.random() * lines_total
        acc = 0
        for lines, c in lines_hist:
            acc += c
            if u < acc:
                t.lines = lines
                break
        got += t.weight
    # Lengths: the texts that need the most room take the longest lengths (weighted quantiles).
    q = desc["chars"]["quantiles"]

    def need(t: Text) -> float:
        base = {CLOSED_ENUM: 4.5 * t.size, OPEN_ENUM: 4.5 * t.size + 12, FORMAT: 8}
        return base.get(t.kind, 4) + 3 * t.lines + rng.random()

    seen = 0
    for t in sorted(order, key=need):
        u = (seen + t.weight / 2) / total
        seen += t.weight
        t.text = _render(rng, t, max(2, round(quantile(q, u))))
    return texts


# Label endings that model/numeric.py reads as each value kind (its rules, not Kiwoom's text);
# "text" labels end in a word naming a kind or flag, or in nothing the rules know.
_KIND_ENDINGS = {
    "direction": ("현재가", "시가", "고가", "저가", "종가", "기준가", "호가"),
    "signed": ("대비", "등락률", "수익률", "금액", "대금", "손익", "증감"),
    "unsigned": ("수량", "잔량", "거래량", "건수", "주식수"),
    "code": ("코드", "번호"),
    "date": ("일자", "기준일", "체결일"),
    "time": ("시간", "시각"),
    "text": ("명", "구분", "여부", "유형", "상태", ""),
}


def _labels(
    rng: random.Random, names: list[int], kinds: dict[str, float], textual: list[bool]
) -> list[str]:
    """A 한글명 for each name (by its multiplicity), whose ending gives the value kinds the
    calibration measured. A name whose descriptions are mostly enumerations, fixed values or
    formats (``textual``) is read by them, not by its label: it takes a text label and counts
    against the text share; each other name, heaviest first, takes the kind with the most room
    left."""
    wanted = [(k, share) for k, share in sorted(kinds.items()) if k in _KIND_ENDINGS]
    total = sum(names)
    quotas = [share * total for _, share in wanted] or [float(total)]
    kinds_of = [k for k, _ in wanted] or ["text"]
    if "text" in kinds_of:
        quotas[kinds_of.index("text")] -= sum(w for w, t in zip(names, textual, strict=True) if t)
    free = [i for i, t in enumerate(textual) if not t]
    kind = ["text"] * len(names)
    for i, k in zip(free, _pack([names[i] for i in free], quotas), strict=True):
        kind[i] = kinds_of[k]
    return [_word(rng, 1, 3) + rng.choice(_KIND_ENDINGS[k]) for k in kind]


def vocabulary(rng: random.Random, cal: dict[str, Any], slots: int) -> Vocabulary:
    """(name, label, description) for ``slots`` leaf fields, repeating as the calibration says:
    the pairs' multiplicities, packed into names and descriptions of theirs."""
    vocab = cal["vocabulary"]
    scale = slots / max(1, vocab["fields"])
    pairs = multiplicities(vocab["pairs"]["multiplicity"], scale)
    texts = _descriptions(rng, vocab, scale)
    empty = max(0, round(vocab["empty_descriptions"] * scale))
    bins = [t.weight for t in texts] + [empty]
    of_text = _pack(pairs, bins)
    names = multiplicities(vocab["names"]["multiplicity"], scale)
    of_name = _pack(pairs, names)
    name_words = _names(rng, len(names))
    read_by_text = [0] * len(names)  # the weight of each name's enumerations, formats...
    for j, count in enumerate(pairs):
        i = of_text[j]
        if i < len(texts) and texts[i].kind in (CLOSED_ENUM, OPEN_ENUM, FIXED, FORMAT):
            read_by_text[of_name[j]] += count
    textual = [2 * w >= n for w, n in zip(read_by_text, names, strict=True)]
    labels = _labels(rng, names, vocab.get("value_kinds", {}), textual)
    queue: list[tuple[str, str, str]] = []
    for j, count in enumerate(pairs):
        i = of_text[j]
        text = texts[i].text if i < len(texts) else ""
        queue += [(name_words[of_name[j]], labels[of_name[j]], text)] * count
    rng.shuffle(queue)
    while len(queue) < slots:
        queue += queue[: slots - len(queue)]
    return Vocabulary(deque(queue))


# --- sheets ---------------------------------------------------------------------------------


@dataclass
class Plan:
    """How big one HTTP API's tables are."""

    request: int
    top: int
    lists: list[list[int]]  # per list container: [members, sub-list members...]


def _plans(rng: random.Random, cal: dict[str, Any], n: int) -> list[Plan]:
    req = cal["sections"]["request_body"]["http"]
    res = cal["sections"]["response_body"]["http"]
    requests = stratified(req["field_rows"], n, rng)
    lists = stratified(res["lists_per_api"], n, rng)
    tops = sorted(stratified(res["top_level_rows"], n, rng), reverse=True)
    # The APIs without a list are the wide ones: they take the most top-level rows.
    plain = [i for i in range(n) if lists[i] == 0]
    listed = [i for i in range(n) if lists[i] > 0]
    top_of = [0] * n
    for i, top in zip(plain + listed, tops[: len(plain)] + _shuffled(rng, tops[len(plain) :]),
                      strict=True):  # fmt: skip
        top_of[i] = max(0, top - lists[i])  # the list containers are top-level rows too
    members_1 = deque(stratified(res["members_per_list"].get("1", {}), sum(lists), rng, low=1))
    depth = res.get("lists_by_depth", {})
    subs = deque(
        stratified(res["members_per_list"].get("2", {}), int(depth.get("2", 0) * n / res["apis"]),
                   rng, low=1)
    )  # fmt: skip
    plans = []
    for i in range(n):
        containers = []
        for _ in range(lists[i]):
            shape = [members_1.popleft() if members_1 else 1]
            if subs and rng.random() < len(subs) / max(1, len(members_1) + 1):
                shape.append(subs.popleft())
            containers.append(shape)
        plans.append(Plan(requests[i], max(0, top_of[i]), containers))
    return plans


def _shuffled(rng: random.Random, items: list[int]) -> list[int]:
    out = items[:]
    rng.shuffle(out)
    return out


@dataclass
class Cells:
    """How the Required, Length and Type cells of a section are filled."""

    required: dict[str, float]
    length_empty: float

    def required_cell(self, rng: random.Random) -> str | None:
        u = rng.random()
        if u < self.required.get("Y", 0):
            return "Y"
        if u < self.required.get("Y", 0) + self.required.get("empty", 0):
            return None
        return "N"

    def length_cell(self, rng: random.Random) -> int | str | None:
        return None if rng.random() < self.length_empty else rng.choice(_LENGTHS)


def _leaf(
    rng: random.Random, vocab: Vocabulary, taken: set[str], cells: Cells, dashes: str
) -> TableRow:
    name, label, text = vocab.take(taken, rng)
    taken.add(name)
    return (dashes + name, label, "String", cells.required_cell(rng), cells.length_cell(rng), text)


def _list_name(rng: random.Random, taken: set[str]) -> str:
    for _ in range(8):
        name = f"{rng.choice(_TOKENS)}_{rng.randrange(_LIST_NAMES)}_list"
        if name not in taken:
            taken.add(name)
            return name
    name = f"lst_{len(taken)}_list"
    taken.add(name)
    return name


def _http(
    rng: random.Random, plan: Plan, vocab: Vocabulary, req: Cells, res: Cells
) -> tuple[list[TableRow], list[TableRow]]:
    taken: set[str] = set()
    request = [_leaf(rng, vocab, taken, req, "") for _ in range(plan.request)]
    taken = set()
    response = [_leaf(rng, vocab, taken, res, "") for _ in range(plan.top)]
    for shape in plan.lists:
        response.append((_list_name(rng, taken), _word(rng, 2, 4), "LIST", "N", None, ""))
        inner: set[str] = set()
        response += [_leaf(rng, vocab, inner, res, "- ") for _ in range(shape[0])]
        for sub in shape[1:]:
            response.append(
                ("- " + _list_name(rng, inner), _word(rng, 2, 4), "LIST", "N", None, "")
            )
            deeper: set[str] = set()
            response += [_leaf(rng, vocab, deeper, res, "- - ") for _ in range(sub)]
    return request, response


def _example_value(rows: Sequence[TableRow]) -> dict[str, Any]:
    """A JSON document for a table: strings for leaves, two entries for each list."""
    out: dict[str, Any] = {}
    stack: list[tuple[int, dict[str, Any]]] = [(-1, out)]
    for element, _, typ, *_rest in rows:
        depth = element.count("- ")
        name = element.replace("- ", "")
        while stack[-1][0] >= depth:
            stack.pop()
        target = stack[-1][1]
        if typ == "LIST":
            entry: dict[str, Any] = {}
            target[name] = [entry, entry]
            stack.append((depth, entry))
        else:
            target[name] = "000000012345" if depth else "+1500"
    return out


def _broken(text: str) -> str:
    """Not valid JSON, the ways the docs break it: a comma missing, text after the document."""
    return text.replace(",\n", "\n", 1) if ",\n" in text else text + "\n(예시)"


def _websocket(
    rng: random.Random, api_id: str, name: str, menu: str, url: str, values: int
) -> SheetData:
    """A real-time subscription: REG/REMOVE request, pushed ``values`` of ``values`` ids."""
    labels = dict(REALTIME_FIELDS)
    known = [(fid, labels.get(fid, f"실시간 {fid}")) for fid in _realtime_ids()]
    first = [p for p in known if p[0] in ("10", "20")]
    rest = [p for p in known if p[0] not in ("10", "20")]
    chosen = random.Random(f"realtime-{api_id}").sample(rest, min(max(0, values - 2), len(rest)))
    picked = first + sorted(chosen, key=lambda p: int(p[0]))
    response: list[TableRow] = [
        ("return_code", "결과코드", "String", "N", None, ""),
        ("return_msg", "결과메시지", "String", "N", None, ""),
        ("trnm", "서비스명", "String", "N", None, "REAL"),
        ("data", "실시간 데이터", "LIST", "N", None, ""),
        ("- type", "실시간항목", "String", "N", None, f"TR 명({api_id})"),
        ("- name", "실시간 항목명", "String", "N", None, ""),
        ("- item", "실시간 등록 요소", "String", "N", None, ""),
        ("- values", "실시간 값 리스트", "LIST", "N", None, ""),
        *((f"- - {fid}", label, "String", "N", None, "") for fid, label in picked[:values]),
    ]
    entry = {"type": api_id, "name": name, "item": "005930",
             "values": {fid: "+60000" for fid, _ in picked[:3]}}  # fmt: skip
    doc = {"trnm": "REAL", "data": [entry]}
    return SheetData(
        api_id=api_id, name=name, menu=menu, url=url, production=PROD_WSS, mock=MOCK_WSS,
        request_headers=(), response_headers=(),
        request_body=(
            ("trnm", "서비스명", "String", "Y", 10, "REG : 등록 , REMOVE : 해지"),
            ("grp_no", "그룹번호", "String", "Y", 4, ""),
            ("refresh", "기존등록유지여부", "String", "Y", 1, "0:기존유지안함, 1:기존유지"),
            ("data", "실시간 등록 리스트", "LIST", "N", None, ""),
            ("- item", "실시간 등록 요소", "String", "N", 100, "거래소별 종목코드, 업종코드"),
            ("- type", "실시간 항목", "String", "N", 2, f"TR 명({api_id})"),
        ),
        response_body=response,
        request_example=json.dumps({"trnm": "REG", "grp_no": "1", "refresh": "1",
                                    "data": [{"item": ["005930"], "type": [api_id]}]}, indent=4),
        response_example="#요청\n"
        + json.dumps({"trnm": "REG", "return_code": 0, "return_msg": ""}, indent=4)
        + "\n#실시간 수신\n" + json.dumps(doc, ensure_ascii=False, indent=4),
    )  # fmt: skip


@lru_cache(maxsize=1)
def _realtime_ids() -> tuple[str, ...]:
    """The real-time field ids the generator ships names for (generator/data/realtime.toml)."""
    text = resources.files("kiwoom_codegen").joinpath("data/realtime.toml").read_text("utf-8")
    return tuple(sorted(tomllib.loads(text)["fields"], key=int))


def _blank_types(sheet: SheetData, rng: random.Random, leaf: float, container: float) -> SheetData:
    """Type cells emptied at the measured rates (leaves and list containers apart)."""

    def blank(rows: Sequence[TableRow]) -> list[TableRow]:
        out = []
        for i, row in enumerate(rows):
            element, label, typ, required, length, text = row
            nxt = rows[i + 1][0] if i + 1 < len(rows) else ""
            is_container = nxt.startswith(element.split(" ")[0] + " ") or typ in ("LIST", "Object")
            if typ and rng.random() < (container if is_container else leaf):
                typ = ""
            out.append((element, label, typ, required, length, text))
        return out

    return replace(sheet, request_body=blank(sheet.request_body),
                   response_body=blank(sheet.response_body))  # fmt: skip


def _overviews(rng: random.Random, cal: dict[str, Any], n: int) -> list[tuple[str, ...]]:
    ov = cal["overview"]
    empty = round(ov["share_empty"] * n)
    lengths = sorted(stratified(ov["chars"], n - empty, rng, low=4), reverse=True)
    lines_hist = sorted(((int(k), c) for k, c in ov["lines"].items()), reverse=True)
    total = sum(c for _, c in lines_hist) or 1
    out: list[tuple[str, ...]] = []
    k = 0
    for lines, c in lines_hist:  # the longest overviews have the most lines
        for _ in range(round(c * (n - empty) / total)):
            if k < len(lengths):
                text = _lines(_filler(rng, lengths[k]), lines)
                out.append(tuple(text.split("\n")))
                k += 1
    out += [(_filler(rng, length),) for length in lengths[k:]]
    out += [()] * empty
    rng.shuffle(out)
    return out[:n]


def _choose(rows: list[tuple[str, str, str, str, str]], n: int) -> list[tuple[str, ...]]:
    if n >= len(rows):
        return list(rows)
    chosen = {r[0] for r in rows if r[0] in MUST_HAVE}
    step = len(rows) / max(1, n - len(chosen))
    k = 0.0
    while len(chosen) < n and k < len(rows):
        chosen.add(rows[int(k)][0])
        k += step
    return [r for r in rows if r[0] in chosen]


def calibrated_workbook(
    n: int = 337, seed: int = SEED, calibration: Path = CALIBRATION
) -> WorkbookData:
    """``n`` APIs of the catalog (all by default), tables drawn from ``calibration``."""
    cal = load_calibration(calibration)
    rng = random.Random(seed)
    rows = _choose(catalog(), n)
    http = [r for r in rows if r[1] != "websocket" and not r[0].startswith("au")]
    subs = [r for r in rows if r[1] == "websocket" and " > 조건검색 > " not in r[3]]
    plans = _plans(rng, cal, len(http))
    slots = sum(p.request + p.top + sum(sum(s) for s in p.lists) for p in plans)
    vocab = vocabulary(rng, cal, slots)
    req_shape = cal["sections"]["request_body"]["http"]
    res_shape = cal["sections"]["response_body"]["http"]
    req_cells = Cells(req_shape["required"], req_shape["length"]["share_empty"])
    res_cells = Cells(res_shape["required"], res_shape["length"]["share_empty"])
    values = stratified(cal["realtime"]["values_fields"], len(subs), rng, low=2)
    overviews = _overviews(rng, cal, len(rows))
    invalid = cal["examples"]["response"]["share_invalid"]
    # The share is of every API's example; only the HTTP ones are broken here.
    broken = set(rng.sample(range(len(http)), min(len(http), round(invalid * len(rows)))))
    kinds = cal["body"]["type"]
    leaf_empty = kinds["share_empty"]
    container_empty = kinds["containers_share_empty"]
    sheets: list[SheetData] = []
    h = s = 0
    for k, (api_id, transport, url, menu, name) in enumerate(rows):
        if api_id.startswith("au"):
            sheet = _oauth(api_id, name, menu)
        elif transport == "websocket" and " > 조건검색 > " in menu:
            sheet = _condition(rng, api_id, name, menu, url)
        elif transport == "websocket":
            sheet = _websocket(rng, api_id, name, menu, url, values[s])
            s += 1
        else:
            if k % 7 == 0 and not name.endswith("주문"):  # too long for a sheet name (Excel: 31)
                name += " 요청 (기간별 상세 내역 포함) 일별"
                menu = f"{menu.rsplit('>', 1)[0].strip()} > {name}({api_id})"
            request, response = _http(rng, plans[h], vocab, req_cells, res_cells)
            res_text = json.dumps(_example_value(response), ensure_ascii=False, indent=4)
            sheet = SheetData(
                api_id=api_id,
                name=name,
                menu=menu,
                url=url,
                request_body=request,
                response_body=response,
                request_example=json.dumps(_example_value(request), ensure_ascii=False, indent=4),
                response_example=_broken(res_text) if h in broken else res_text,
            )
            h += 1
        sheet = replace(sheet, overview=overviews[k])
        sheets.append(_blank_types(sheet, rng, leaf_empty, container_empty))
    return WorkbookData(sheets, index=True, error_codes=ERROR_CODES)


@lru_cache(maxsize=4)
def _cached(n: int, seed: int) -> WorkbookData:
    return calibrated_workbook(n, seed)


def write_calibrated(path: Path, n: int = 337, seed: int = SEED) -> Path:
    return save_workbook(_cached(n, seed), path)


if __name__ == "__main__":
    from .synth import count_field_rows

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("benchmarks/out/calibrated.xlsx")
    data = calibrated_workbook(int(sys.argv[2]) if len(sys.argv) > 2 else 337)
    save_workbook(data, out)
    print(f"wrote {out}: {len(data.sheets)} APIs, {count_field_rows(data)} field rows")
