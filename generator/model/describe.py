"""Structure mined from description text: enumerations, formats, fixed values, conditions, blanks.

The descriptions are written for people, in many styles (see KIWOOM_FORMAT.md). The miner finds
every ``code<sep>label`` pair anywhere in the text, then decides whether the list is *closed*
(the pairs are the whole list, nothing says it goes on) or *open* (known values, others possible).
When in doubt it is open: an open list documents its values but lets any string through, a wrong
closed one refuses values Kiwoom accepts. Every decision carries its reason, for ``review``.

Mining is linear in the text: each regular expression here is bounded (no nested unbounded
repetition), label ends are found in one left-to-right pass, and text longer than
:data:`MAX_MINED` characters is not mined at all (it stays prose, and the reader warns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .core import EnumValue

MAX_MINED = 4000  # longer descriptions stay prose (with a warning naming the cell)

# Decisions, as the model JSON and `review` spell them.
CLOSED_ENUM = "closed enum"
OPEN_ENUM = "open enum"
FORMAT = "format"
FIXED = "fixed"
CONDITION = "condition"
PROSE = "prose"

# A code: ASCII letters, digits, `%`, `_`, `+`, optionally dotted (`1.5`); at most 12 a part.
_CODE = r"[A-Za-z0-9%_+]{1,12}(?:\.[A-Za-z0-9%_+]{1,12}){0,2}"
# Where a code may start: the text's start, or after a space, comma, bracket, `;`, `/`, `|`.
_BOUNDARY = r"(?<![^\s,(\[;/|·、，])"
# `0:보통`, `1 : 매수`, `10;10일`, `3.통합`: a code, a separator, and a label right after it.
_PAIR_START = re.compile(
    _BOUNDARY
    + r"(?P<code>"
    + _CODE
    + r")(?:(?P<colon>[ \t]{0,3}[:：][ \t]{0,3})|(?P<semi>;)|(?P<dot>\.))(?=[^\s,;:：，])"
)
# Any `x:` at all: a closed list must account for every one of them.
_ANY_COLON = re.compile(r"[A-Za-z0-9%_+][ \t]{0,3}[:：]")
# `금액:0, 수량:1`: a Hangul label, a colon, a short code ending the item.
_REVERSED = re.compile(
    _BOUNDARY
    + r"(?P<label>[가-힣][가-힣A-Za-z0-9]{0,15})[ \t]{0,3}[:：][ \t]{0,3}"
    + r"(?P<code>[A-Za-z0-9]{1,4})(?=[ \t]{0,3}(?:[,;)\n，]|$))"
)
# `KRX`, `NXT`: a bare upper-case code (in lists wholly made of them).
_BARE = re.compile(r"^[A-Z0-9%][A-Z0-9_%+]{0,11}$")
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9%+][A-Za-z0-9%_+.]{0,40}")
_DEFAULT = re.compile(r"\s*\((?:default|기본값|기본|디폴트)\)\s*$", re.IGNORECASE)
_TIME_LABEL = re.compile(r"^[0-5][0-9](?![0-9])")
# `ex. `, `e.g. `, `예) `, `예시: ` right before a pair: what follows is an example value.
_EXAMPLE_BEFORE = re.compile(r"(?i)(?:\bex|\be\.g|예시|예)[.)]?[ \t]{0,2}[:：]?[ \t]{0,2}\Z")
_TIME_SPAN = re.compile(r"[ \t]{0,2}[0-9]{1,2}[:：][0-9]{2}")
# `0 or 1`, `Y 또는 N`: two (or more) short codes as alternatives, the whole line.
_ALTERNATIVES = re.compile(
    r"[ \t]*([A-Za-z0-9]{1,4})(?:[ \t]{0,3}(?:or|OR|또는|/)[ \t]{0,3}([A-Za-z0-9]{1,4})){1,5}"
    r"[ \t]*(?:입력)?[ \t]*\.?"
)
# `M04020000 금 99.99_1Kg`: a letter-and-digits code, a space, a label; items separated by commas.
_SPACED_CODE = re.compile(r"[ \t]*([A-Z]{1,3}[0-9]{4,11})[ \t]{1,3}([^\s,，][^,，\n]{0,40})")
# Words that say a list goes on beyond the values it shows.
_GOES_ON = re.compile(r"\.\.\.|…|나머지|그\s?외|참고|참조|코드표|(?<![가-힣])등(?![가-힣])")
_TRAILING_ETC = re.compile(r"\s+등\s*$")
_MORE = re.compile(r"이상")  # only outside labels: `50이상` is a fine label

_FORMATS = (
    "YYYYMMDDHHMMSS",
    "YYYYMMDDHHMM",
    "YYYYMMDD",
    "YYYMMDD",
    "YYYYMM",
    "YYYY",
    "HH:MM:SS",
    "HH:MM",
    "HHMMSS",
    "HHMM",
)
_FORMAT = re.compile(r"(?<![A-Za-z])(" + "|".join(_FORMATS) + r")(?![A-Za-z])", re.IGNORECASE)
_FORMAT_WORD = re.compile(r"^(?:Y{2,4}|MM|DD|HH|hh|mm|ss|SS)(?:[A-Za-z]{0,10})$")

# Canonical spellings for formats; patterns used by schemas.
FORMAT_PATTERNS = {
    "YYYYMMDDhhmmss": r"^[0-9]{14}$",
    "YYYYMMDDhhmm": r"^[0-9]{12}$",
    "YYYYMMDD": r"^[0-9]{8}$",
    "YYYYMM": r"^[0-9]{6}$",
    "YYYY": r"^[0-9]{4}$",
    "hhmmss": r"^[0-9]{6}$",
    "hhmm": r"^[0-9]{4}$",
    "hh:mm:ss": r"^[0-9]{2}:[0-9]{2}:[0-9]{2}$",
    "hh:mm": r"^[0-9]{2}:[0-9]{2}$",
}
_CANONICAL = {k.upper(): k for k in FORMAT_PATTERNS} | {"YYYMMDD": "YYYYMMDD"}

_FIXED = [
    re.compile(
        r"^'?([A-Za-z0-9_.\-]{1,40})'?\s{0,3}(?:값으로|으로|로)?\s{0,3}(?:고정값|고정)"
        r"(?:\s{0,3}입력)?\s{0,3}\.?$"
    ),
    # `시장거래구분 5값으로 고정`, `5값으로 고정(신용)`: a label before, a note after
    re.compile(
        r"^[가-힣]{1,12}\s{1,3}'?([A-Za-z0-9_.\-]{1,40})'?\s{0,3}(?:값으로|으로|로)\s{0,3}"
        r"(?:고정값|고정)(?:\s{0,3}입력)?\s{0,3}(?:\([^()]{0,30}\))?\s{0,3}\.?$"
    ),
    re.compile(
        r"^'?([A-Za-z0-9_.\-]{1,40})'?\s{0,3}(?:값으로|으로|로)\s{0,3}(?:고정값|고정)"
        r"(?:\s{0,3}입력)?\s{0,3}\([^()]{0,30}\)\s{0,3}\.?$"
    ),
    re.compile(r"^고정값\s{0,3}[:：]?\s{0,3}'?([A-Za-z0-9_.\-]{1,40})'?$"),
    re.compile(r"^'?([A-Za-z0-9_.\-]{1,40})'?\s{1,3}입력\s{0,3}$"),
]
_UNIT = re.compile(r"단위\s{0,3}[:：]\s{0,3}(\d{1,12}\s{0,3}[^\s,;()]{1,12}|[^\s,;()]{1,12})")
# `... 경우 필수`, `... 주문시 필수`, `... 일 경우 입력`: a condition clause ends here.
_CONDITION = re.compile(
    r"(경우|때|시)[ \t]{0,3}(?:에는|에|엔|는)?[ \t]{0,3}(?:반드시[ \t]{0,3})?(필수|입력)"
)
_CLAUSE_MAX = 200
_SENTENCE_END = re.compile(r"(?<!\.)\.(?!\.)[ \t]")
_BLANK = re.compile(r"미\s?입력|빈\s?값|빈\s?문자|공백\s?허용|공란|''|\"\"|blank", re.IGNORECASE)
# `039490_NX`, `_AL`: values (or suffixes of values) shown in the text, for Length checks.
_SHOWN = re.compile(
    r"(?<![A-Za-z0-9_])(\d{1,12}[A-Za-z0-9]{0,12}_[A-Za-z0-9]{1,12}|_[A-Z]{2,4})(?![A-Za-z0-9_])"
)

_SHOWN_CODE = re.compile(r"(?<![A-Za-z0-9_])\d{4,12}(?![A-Za-z0-9])")


@dataclass(frozen=True, slots=True)
class Meaning:
    enum: tuple[EnumValue, ...] | None
    enum_closed: bool | None  # None when there is no enum
    default: str | None  # the value marked `(Default)`
    format: str | None
    fixed_value: str | None
    unit: str | None
    conditions: tuple[str, ...]  # condition clauses, resolved against sibling fields later
    blank: bool  # the text documents that "" may be sent
    shown: tuple[str, ...]  # values shown in the text (`039490_NX`), for Length checks
    decision: str  # CLOSED_ENUM, OPEN_ENUM, FORMAT, FIXED, CONDITION or PROSE
    reason: str
    too_long: bool = False
    declined: bool = False  # the text looked like it held structure, and the miner declined


@dataclass(frozen=True, slots=True)
class Mined:
    """An enumeration found in a text, with the decision whether it is closed and why."""

    values: tuple[EnumValue, ...]
    closed: bool
    reason: str
    default: str | None


@dataclass(slots=True)
class _Pair:
    start: int  # where the code starts
    label_start: int
    code: str
    label: str = ""
    end: int = 0  # where the label ends


def _is_time(code: str, label: str) -> bool:
    """`09:00`, `9:30~15:30`: a clock time, not a code and its label."""
    if not code.isdigit() or len(code) > 2:
        return False
    if not _TIME_LABEL.match(label):
        return False
    rest = label[2:3]
    if rest and (rest.isalnum() or "가" <= rest <= "힣" or rest == "%"):
        return False  # `15:15분`, `10:10%`: a code and its label
    if rest == "~":  # `9:30~15:30` is a time span, `4:10~20` a range label
        return _TIME_SPAN.match(label, 3) is not None
    return len(code) == 2 or rest == ":" or label[:2] == "00"


def _candidates(text: str) -> tuple[list[_Pair], list[str]]:
    """Explicit pairs; and the text of candidates declined (times, addresses, examples)."""
    pairs: list[_Pair] = []
    declined: list[str] = []
    for m in _PAIR_START.finditer(text):
        code = m.group("code")
        label_start = m.end()
        head = text[label_start : label_start + 16]
        if (m.group("semi") or m.group("dot")) and not code.isdigit():
            continue
        if m.group("dot") and head[:1].isdigit():
            continue  # `1.5`: a number
        shown = text[m.start() : label_start + 12].split("\n")[0]
        if head.startswith("//"):
            declined.append(shown)  # https://...
            continue
        if m.group("colon") and _is_time(code, head):
            declined.append(shown)
            continue
        if _EXAMPLE_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            declined.append(shown)  # `(ex. 50: 50개)`: an example of a value, not a code
            continue
        token = _ASCII_TOKEN.match(head)
        if (
            code.isalpha()
            and token
            and any(c.isdigit() for c in token.group(0))
            and len(token.group(0)) >= 4
            and not re.match(r"[가-힣]", head[len(token.group(0)) : len(token.group(0)) + 1])
        ):
            declined.append(shown)  # `KRX:039490`: an example value for a market, not a code
            continue
        pairs.append(_Pair(m.start(), label_start, code))
    return pairs, declined


def _glued(text: str, pairs: list[_Pair]) -> list[_Pair]:
    """`00:지정가 03시장가`: codes written without a separator, in a list of same-width codes."""
    widths = {len(p.code) for p in pairs}
    if len(pairs) < 2 or len(widths) != 1 or not all(p.code.isdigit() for p in pairs):
        return []
    width = widths.pop()
    if width < 2:
        return []
    starts = {p.label_start for p in pairs}
    lo, hi = pairs[0].start, text.find("\n", pairs[-1].start)
    hi = len(text) if hi < 0 else hi
    glued = re.compile(_BOUNDARY + r"(\d{" + str(width) + r"})(?=[가-힣])")
    found = []
    for m in glued.finditer(text, lo, hi):
        if m.start() not in starts:
            found.append(_Pair(m.start(), m.end(), m.group(1)))
    return found


def _close_labels(text: str, pairs: list[_Pair]) -> None:
    """Each label runs to a comma, `;`, a line end, an unopened `)`, `...`/`※`, or the next pair."""
    for i, p in enumerate(pairs):
        limit = pairs[i + 1].start if i + 1 < len(pairs) else len(text)
        depth = 0
        j = p.label_start
        while j < limit:
            c = text[j]
            if c == "(" or c == "[":
                depth += 1
            elif c == ")" or c == "]":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (c in ",;\n，※…" or text.startswith("...", j)):
                break
            elif c == "\n":
                break
            j += 1
        label = text[p.label_start : j]
        etc = _TRAILING_ETC.search(label)
        if etc:  # `2:NXT 등`: the `등` belongs to the list, not to the label
            j = p.label_start + etc.start()
            label = label[: etc.start()]
        p.end = j
        p.label = label.strip().rstrip(",;/|·.，").strip()


def _notes_say_more(notes: str) -> str | None:
    m = _GOES_ON.search(notes) or _MORE.search(notes)
    return m.group(0) if m else None


def mine_enum(text: str) -> Mined | None:
    """Every `code<sep>label` pair of the text (else reversed pairs, else a bare code list)."""
    pairs, declined = _candidates(text)
    if pairs:
        pairs = sorted(pairs + _glued(text, pairs), key=lambda p: p.start)
        _close_labels(text, pairs)
        pairs = [p for p in pairs if p.label]
    if pairs:
        return _decide(text, pairs, declined)
    reversed_ = [m for m in _REVERSED.finditer(text)]
    if len(reversed_) >= 2:
        rpairs = [_Pair(m.start(), m.start("code"), m.group("code")) for m in reversed_]
        for p, m in zip(rpairs, reversed_, strict=True):
            p.label, p.end = m.group("label"), m.end()
        mined = _decide(text, rpairs, declined, reversed_pairs=True)
        return mined
    return _bare(text) or _alternatives(text) or _spaced_codes(text)


def _alternatives(text: str) -> Mined | None:
    """`0 or 1`, `Y 또는 N` on a line of its own: the codes it offers. Closed when that line is
    the whole text."""
    lines = [line for line in text.split("\n") if line.strip()]
    for line in lines:
        m = _ALTERNATIVES.fullmatch(line)
        if m is None:
            continue
        codes = re.findall(r"(?<![A-Za-z0-9])[A-Za-z0-9]{1,4}(?![A-Za-z0-9])", line)
        codes = [c for c in codes if c not in ("or", "OR")]
        if len(codes) < 2 or len(set(codes)) != len(codes):
            return None
        values = tuple(EnumValue(c) for c in codes)
        if len(lines) == 1:
            return Mined(values, True, f"{len(codes)} alternatives make up the whole text", None)
        return Mined(values, False, f"{len(codes)} alternatives; open: the text says more", None)
    return None


def _spaced_codes(text: str) -> Mined | None:
    """`M04020000 금, M04020100 미니금`: codes each followed by a space and its label. Open: such
    lists (of commodities, of products) are extracts."""
    items = [i for i in re.split(r"[,，\n]", text) if i.strip()]
    found: list[EnumValue] = []
    for item in items:
        m = _SPACED_CODE.fullmatch(item.rstrip(" .…"))
        if m is None:
            if found and _GOES_ON.search(item):
                continue
            return None
        found.append(EnumValue(m.group(1), m.group(2).strip()))
    if len(found) < 2 or len({v.value for v in found}) != len(found):
        return None
    return Mined(tuple(found), False, f"{len(found)} codes with labels; open: an extract", None)


def _decide(
    text: str, pairs: list[_Pair], declined: list[str], *, reversed_pairs: bool = False
) -> Mined | None:
    values: list[EnumValue] = []
    default: str | None = None
    seen: dict[str, str | None] = {}
    doubts: list[str] = []
    formats: list[str] = []
    for p in pairs:
        label = p.label
        if _DEFAULT.search(label):
            label = _DEFAULT.sub("", label)
            default = default or p.code
        if _FORMAT_WORD.match(p.code) or _FORMAT.fullmatch(p.code):
            formats.append(f"{p.code}:{label}")
            continue
        if p.code in seen:
            if seen[p.code] != label:
                doubts.append(f"value {p.code!r} is listed twice with different labels")
            continue
        seen[p.code] = label
        values.append(EnumValue(p.code, label or None))
    if not values:
        return None
    if len(pairs) == 1 and not formats:
        line_start = text.rfind("\n", 0, pairs[0].start) + 1
        line_end = text.find("\n", pairs[0].end)
        line = text[line_start : len(text) if line_end < 0 else line_end].strip()
        in_list = text[pairs[0].start - 1 : pairs[0].start] == "(" or _GOES_ON.match(
            text[pairs[0].end :].lstrip(" ,;")
        )
        if line != text[pairs[0].start : pairs[0].end].strip() and not in_list:
            return None  # one `x:y` inside a sentence: not a list
    # What is not a pair: before the first, between pairs, after the last.
    gaps = [text[a.end : b.start] for a, b in zip(pairs, pairs[1:], strict=False)]
    notes = text[: pairs[0].start] + "\n" + text[pairs[-1].end :]
    for gap in gaps:
        rest = gap.strip().strip(",;/|·，").strip()
        if rest:
            doubts.append(f"{rest[:30]!r} stands between the pairs")
            break
    labels = " ".join(p.label for p in pairs)
    more = _notes_say_more(notes) or _notes_say_more(" ".join(gaps))
    more = more or (m.group(0) if (m := _GOES_ON.search(labels)) else None)
    if more:
        doubts.append(f"{more!r} says the list goes on")
    if formats:
        doubts.append(f"{formats[0]!r} is a format: a value in it is accepted too")
    if declined:
        doubts.append(f"{declined[0]!r} is not a code and its label")
    colons = sum(1 for _ in _ANY_COLON.finditer(text))
    if not reversed_pairs and colons > sum(1 for p in pairs if _sep_is_colon(text, p)):
        doubts.append("another 'x:' in the text is not one of the pairs")
    stray = _stray_value(notes, {v.value for v in values})
    if stray:
        doubts.append(f"{stray!r} outside the pairs could be another value")
    closed = not doubts
    how = "reversed label:code pairs" if reversed_pairs else "code:label pairs"
    reason = (
        f"{len(values)} {how} account for the whole list"
        if closed
        else f"{len(values)} {how}; open: {doubts[0]}"
    )
    return Mined(tuple(values), closed, reason, default)


def _sep_is_colon(text: str, p: _Pair) -> bool:
    between = text[p.start : p.label_start]
    return ":" in between or "：" in between


def _stray_value(notes: str, values: set[str]) -> str | None:
    """An ASCII token in the notes around a list, not a format: possibly a value not listed."""
    blanked = _FORMAT.sub(" ", notes)
    for m in _ASCII_TOKEN.finditer(blanked):
        token = m.group(0).rstrip(".")
        if token and token not in values and not _FORMAT_WORD.match(token):
            return token
    return None


def _bare(text: str) -> Mined | None:
    """`KRX,NXT,SOR` on a line of its own."""
    found: list[EnumValue] = []
    lines = text.split("\n")
    used: list[int] = []
    for n, line in enumerate(lines):
        values = parse_bare_line(line)
        if values:
            found.extend(values)
            used.append(n)
    if not found or len({v.value for v in found}) != len(found):
        return None
    notes = "\n".join(line for n, line in enumerate(lines) if n not in used)
    more = _notes_say_more(notes)
    stray = _stray_value(notes, {v.value for v in found})
    if more or stray:
        why = f"{more!r} says the list goes on" if more else f"{stray!r} could be another value"
        return Mined(tuple(found), False, f"{len(found)} bare codes; open: {why}", None)
    return Mined(tuple(found), True, f"{len(found)} bare codes make up the whole line", None)


def parse_bare_line(line: str) -> tuple[EnumValue, ...] | None:
    items = [p for p in (part.strip() for part in re.split(r"[,，]", line)) if p]
    if len(items) >= 2 and all(_BARE.match(item) for item in items):
        if all(item.isdigit() for item in items):
            return None  # `10,000` is a number, not a choice
        values = tuple(EnumValue(item) for item in items)
        return values if len({v.value for v in values}) == len(values) else None
    return None


def parse_enum_line(line: str) -> tuple[EnumValue, ...] | None:
    """The enumeration when one line is wholly one (docstrings drop such lines)."""
    if len(line) > MAX_MINED:
        return None
    mined = mine_enum(line)
    if mined is None:
        return None
    if mined.closed or parse_bare_line(line):
        return mined.values
    return None


def parse_enum(description: str) -> tuple[EnumValue, ...] | None:
    mined = mine_enum(description) if len(description) <= MAX_MINED else None
    return mined.values if mined else None


def parse_format(description: str) -> str | None:
    m = _FORMAT.search(description)
    if not m:
        return None
    return _CANONICAL[m.group(1).upper()]


def parse_fixed(description: str) -> str | None:
    for line in description.split("\n"):
        line = line.strip()
        if line.startswith("(") and line.endswith(")"):
            line = line[1:-1].strip()
        for pattern in _FIXED:
            m = pattern.match(line)
            if m:
                return m.group(1)
    return None


def parse_unit(description: str) -> str | None:
    m = _UNIT.search(description)
    return m.group(1).strip() if m else None


def parse_conditions(description: str) -> tuple[str, ...]:
    """The clauses before `... 경우 필수`, `... 시 필수`, `... 경우 입력` (not `입력시 ...`)."""
    out: list[str] = []
    for m in _CONDITION.finditer(description):
        lo = max(0, m.start() - _CLAUSE_MAX)
        sentences = [e.end() for e in _SENTENCE_END.finditer(description, lo, m.start())]
        start = max(
            description.rfind("\n", lo, m.start()) + 1,
            description.rfind("※", lo, m.start()) + 1,
            sentences[-1] if sentences else 0,  # `. ` ends a sentence; `... ` goes on
            lo,
        )
        clause = description[start : m.start()]
        opened: list[int] = []
        for i, c in enumerate(clause):
            if c == "(":
                opened.append(i)
            elif c == ")" and opened:
                opened.pop()
        if opened:  # `YYYYMMDD(융자일경우필수)`: the clause is inside the parenthesis
            clause = clause[opened[-1] + 1 :]
        clause = clause.strip()
        if not clause or clause.endswith("입력") or clause.endswith("미입력"):
            continue  # `'0' 입력시 ...`: about this field's own value
        out.append(clause)
    return tuple(out)


def parse_shown(description: str) -> tuple[str, ...]:
    """Values the text shows (`039490_NX`), suffixes completed with a shown code (`_AL`)."""
    tokens = [m.group(1) for m in _SHOWN.finditer(description)]
    full = [t for t in tokens if not t.startswith("_")]
    code = _SHOWN_CODE.search(description)
    base = full[0].split("_")[0] if full else (code.group(0) if code else None)
    out: list[str] = []
    for t in tokens:
        shown = t if not t.startswith("_") else (base + t if base else t)
        if shown not in out:
            out.append(shown)
    return tuple(out)


@lru_cache(maxsize=8192)
def understand(description: str) -> Meaning:
    """Everything mined from one description (cached: descriptions repeat across sheets)."""
    if len(description) > MAX_MINED:
        return Meaning(
            enum=None,
            enum_closed=None,
            default=None,
            format=None,
            fixed_value=None,
            unit=None,
            conditions=(),
            blank=False,
            shown=(),
            decision=PROSE,
            reason=f"longer than {MAX_MINED} characters: not mined",
            too_long=True,
            declined=True,
        )
    fixed = parse_fixed(description)
    mined = None if fixed else mine_enum(description)
    fmt = parse_format(description)
    conditions = parse_conditions(description)
    _, declined = _candidates(description)
    if fixed:
        decision, reason = FIXED, f"the text fixes the value {fixed!r}"
    elif mined is not None:
        decision = CLOSED_ENUM if mined.closed else OPEN_ENUM
        reason = mined.reason
        if mined.default is not None:
            reason += f"; default {mined.default!r}"
    elif conditions:
        decision, reason = CONDITION, f"required when: {conditions[0]!r}"
    elif fmt:
        decision, reason = FORMAT, f"{fmt} is a format, not a list of codes"
    elif declined:
        decision, reason = PROSE, f"{declined[0]!r} is not a code and its label"
    elif _ANY_COLON.search(description):
        decision, reason = PROSE, "no list of codes"
    else:
        decision, reason = PROSE, ""
    return Meaning(
        enum=mined.values if mined else None,
        enum_closed=mined.closed if mined else None,
        default=mined.default if mined else None,
        format=fmt,
        fixed_value=fixed,
        unit=parse_unit(description),
        conditions=conditions,
        blank=bool(_BLANK.search(description)),
        shown=parse_shown(description),
        decision=decision,
        reason=reason,
        declined=decision == PROSE and bool(reason),
    )


def _named(clause: str, word: str) -> bool:
    if not word:
        return False
    pattern = r"(?<![A-Za-z0-9_])" + re.escape(word) + r"(?![A-Za-z0-9_])"
    return re.search(pattern, clause) is not None


@lru_cache(maxsize=4096)
def _code_in(value: str) -> re.Pattern[str]:
    after = r"(?![A-Za-z0-9가-힣])" if value.isdigit() else r"(?![A-Za-z0-9])"
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(value) + after)


def condition_values(clause: str, enum: tuple[EnumValue, ...]) -> tuple[str, ...]:
    """The values of a sibling's enum a condition clause names, by code or by label.

    `지정가(00) 주문`, `trde_tp가 00, 26 일`, `주문유형이 STOP LIMIT인`, `융자일`. A label counts
    where no longer label covers it (`지정가` is not `조건부지정가`); a digit code counts when no
    letter, digit or Hangul is glued to it (`1주` is a quantity, not code 1).
    """
    found: set[str] = set()
    for e in enum:
        if e.value in clause and _code_in(e.value).search(clause):
            found.add(e.value)
    covered: list[tuple[int, int]] = []
    for e in sorted(
        (e for e in enum if e.label and len(e.label) >= 2), key=lambda e: -len(e.label or "")
    ):
        label = e.label or ""
        start = 0
        while (i := clause.find(label, start)) >= 0:
            start = i + 1
            span = (i, i + len(label))
            if any(a <= span[0] and span[1] <= b for a, b in covered):
                continue
            before = clause[i - 1 : i]
            if before and (before.isalnum() or "가" <= before <= "힣"):
                continue
            covered.append(span)
            found.add(e.value)
    return tuple(v.value for v in enum if v.value in found)


def resolve_condition(
    clause: str, field_name: str, siblings: list[tuple[str, str, tuple[EnumValue, ...]]]
) -> tuple[str, tuple[str, ...]] | None:
    """The sibling (wire name) and values a clause makes this field required for, if clear.

    ``siblings``: (wire name, 한글명, enum) of the other fields at the same level that have an
    enumeration. A sibling the clause names (by wire name or label) is preferred; otherwise the
    one sibling whose values or labels the clause names. Ambiguity: no rule.
    """
    others = [s for s in siblings if s[0] != field_name]
    named = [s for s in others if _named(clause, s[0]) or (len(s[1]) >= 2 and s[1] in clause)]
    best: list[tuple[str, tuple[str, ...]]] = []
    for name, _, enum in named or others:
        values = condition_values(clause, enum)
        if values:
            best.append((name, values))
    if len(best) != 1:
        return None
    name, values = best[0]
    enum = next(e for n, _, e in named or others if n == name)
    return name, goes_on(clause, enum, values)


# Words that mean the same kind of order in a label: a limit order is `지정가` or `LIMIT`.
_SAME_KIND = {"지정가": ("지정가", "LIMIT")}


def _label_core(label: str | None) -> str:
    """A label without its parenthesised notes: `장마감지정가(LOC)` -> `장마감지정가`."""
    return re.sub(r"\([^()]*\)", "", label or "").strip()


def goes_on(clause: str, enum: tuple[EnumValue, ...], values: tuple[str, ...]) -> tuple[str, ...]:
    """The values a condition clause means when it lists some and says the list goes on
    (`지정가(00), 장마감지정가(30) ... 주문시 필수`): every value whose label names the kind the
    listed ones share (their common ending, `지정가`; `LIMIT` means the same), in enum order.
    A clause that does not go on, or whose values share no such word, means what it lists."""
    if not _GOES_ON.search(clause) or not values:
        return values
    labels = [_label_core(e.label) for e in enum if e.value in values]
    if not labels or not all(labels):
        return values
    word = labels[0]
    for label in labels[1:]:
        while word and not label.endswith(word):
            word = word[1:]
    if len(word) < 2:
        return values
    words = _SAME_KIND.get(word, (word,))
    return tuple(
        e.value
        for e in enum
        if e.value in values or any(w.lower() in _label_core(e.label).lower() for w in words)
    )
