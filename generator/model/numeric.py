"""What each field's string means as a value: mined from the sheet, recorded with its source.

Kiwoom sends every value as a string, by conventions that differ field by field (see
KIWOOM_FORMAT.md, "Values", and docs/values.md). For every String field of every request,
response and real-time table this module decides a :class:`~.core.Value`:

- ``direction``: a price whose sign is its direction (현재가, 시가, 고가, 저가, 호가, 기준가...);
- ``signed``: a change (대비, 전일대비), a rate (등락률/등락율, 수익률), a profit, a net figure;
- ``unsigned``: a count, quantity or volume (수량, 잔량, 거래량, 건수...);
- ``decimal``: a number whose decimals the description states (``소수점2자리``), written or
  implied;
- ``date``, ``time``, ``datetime``: from the mined format (``YYYYMMDD``...) or the label;
- ``code``: codes and numbers that must stay strings (``005930``, order numbers ``0000123``),
  with an ``A`` prefix stripped where the sheet's own examples show it (``A005930``);
- ``text``: everything else, and every field the rules are unsure of (the lenient choice).

The rules are read in this order, the first that applies wins: the description's own words
(sign convention, implied decimals, a format, an enumeration), the Korean label, then the wire
name (``*_dt``, ``*_qty``...). The examples decide only what the words leave open: decimals
(``"1.25"`` in a field of whole numbers) and a code's prefix. ``overrides.toml`` corrects any
decision (``value = "unsigned"``, ``scale = 2``); ``review`` lists them all with counts.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from ..problems import Problems
from ..runtime import _values
from .core import Api, Field, Kind, Message, Transport, Value, Variant

KINDS = ("direction", "signed", "unsigned", "decimal", "date", "time", "datetime", "code", "text")
NUMBERS = ("direction", "signed", "unsigned", "decimal")

_SIGN_WORDS = re.compile(r"부호\S*\s*(?:는|은)?\s*상승|상승\s*[,/]?\s*-?\s*(?:부호\S*\s*)?하락")
_SCALE = re.compile(r"소수점\s*(?:이하\s*)?(\d)\s*자리")
_POINT_REMOVED = re.compile(r"소수점\s*(?:제거|없이|미포함|생략)")
_DECIMAL_WORDS = re.compile(r"소수")

# (label pattern, kind, reason): the label with spaces removed; the first match wins.
_LABEL_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(p), k, r)
    for p, k, r in (
        (
            r"(?:기호|구분|여부|유형|종류|상태|사유|메시지|명|명칭|이름|부호|방향|조건)$",
            "text",
            "a label naming a kind, flag or name",
        ),
        (r"(?:코드|번호|계좌)$", "code", "a code or number: kept as a string"),
        (
            r"(?:일자|날짜|년월일|(?:매수|매도|체결|주문|대출|만기|결제|상장|기준|거래|영업|조회|"
            r"융자|신용|발생|입금|출금|약정)일)$",
            "date",
            "a date label",
        ),
        (r"(?:시간|시각)$", "time", "a time label"),
        (r"(?:률|율)$", "signed", "a rate (률/율): signed, with decimals"),
        (r"대비$", "signed", "a change (대비): signed"),
        (r"(?:손익|순매수|순매도|증감|변동|차이)", "signed", "a profit, net or change: signed"),
        (
            r"(?:현재가|시가|고가|저가|종가|기준가|상한가|하한가|체결가|호가|최우선호가|"
            r"예상체결가|전일종가)$",
            "direction",
            "a price: + up, - down against the previous close",
        ),
        (
            r"(?:단가|주문가|가격|평균가|매입가)$",
            "unsigned",
            "an order or book price: never negative",
        ),
        (
            r"(?:수량|잔량|거래량|체결량|건수|횟수|주식수|종목수|일수)$",
            "unsigned",
            "a count, quantity or volume",
        ),
        (
            r"(?:금액|대금|총액|예수금|증거금|평가액|잔고|한도|원금|이자|수수료|세금)$",
            "signed",
            "an amount: signed (some amounts go negative)",
        ),
    )
)
# (wire name pattern, kind, reason), read when the label says nothing.
_NAME_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(p), k, r)
    for p, k, r in (
        (r"(?:^|_)(?:stk_cd|cd|no)$", "code", "a code or number name (*_cd, *_no)"),
        (r"(?:^|_)dt$", "date", "a date name (*_dt)"),
        (r"(?:^|_)tm$", "time", "a time name (*_tm)"),
        (r"(?:^|_)(?:qty|cnt)$", "unsigned", "a quantity or count name (*_qty, *_cnt)"),
        (r"(?:^|_)rt$", "signed", "a rate name (*_rt)"),
        (r"(?:^|_)pred_pre$", "signed", "a change name (pred_pre)"),
        (r"(?:^|_)(?:pric|prc)$", "direction", "a price name (*_pric, *_prc)"),
        (r"(?:^|_)(?:amt|prica)$", "signed", "an amount name (*_amt, *_prica)"),
    )
)
_FORMATS = {
    "YYYYMMDD": ("date", ""),
    "YYYYMMDDhhmmss": ("datetime", ""),
    "hhmmss": ("time", "HHMMSS"),
    "hhmm": ("time", "HHMM"),
    "hh:mm:ss": ("time", "HH:mm:ss"),
    "hh:mm": ("time", "HH:mm"),
}
_A_CODE = re.compile(r"^A[0-9A-Z]{6}$")


def mine_values(apis: Iterable[Api]) -> list[Api]:
    """Every API with a mined :class:`Value` on each String field of its bodies."""
    return [_mine_api(api) for api in apis]


def _mine_api(api: Api) -> Api:
    us = api.path.startswith("/api/us") or api.id.startswith("us")
    realtime = api.transport is Transport.WEBSOCKET
    request = _mine_message(api.request, _example_values(api, "request"), us, False, realtime)
    response = _mine_message(api.response, _example_values(api, "response"), us, True, realtime)
    return dataclasses.replace(api, request=request, response=response)


def _example_values(api: Api, direction: str) -> dict[str, list[str]]:
    """wire name -> the strings the sheet's example gives it (anywhere in its documents)."""
    example = api.request_example if direction == "request" else api.response_example
    found: dict[str, list[str]] = {}
    if example is None:
        return found

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, str):
                    found.setdefault(str(k), []).append(v)
                else:
                    visit(v)
        elif isinstance(node, list):
            for v in node:
                visit(v)

    for _, value, _ in example.documents:
        visit(value)
    return found


def _mine_message(
    message: Message, examples: dict[str, list[str]], us: bool, response: bool, realtime: bool
) -> Message:
    def fields(level: tuple[Field, ...]) -> tuple[Field, ...]:
        out = []
        for f in level:
            if f.kind is not Kind.STRING:
                out.append(dataclasses.replace(f, children=fields(f.children)))
            else:
                value = mine_field(f, examples.get(f.name, []), us, response, realtime)
                out.append(dataclasses.replace(f, value=value))
        return tuple(out)

    variants = tuple(Variant(v.name, fields(v.body), v.source) for v in message.variants)
    return Message(message.headers, fields(message.body), variants)


def mine_field(
    f: Field, examples: list[str], us: bool = False, response: bool = True, realtime: bool = False
) -> Value:
    """The meaning of one String field (see the module docstring for the order of rules)."""
    value = _words(f) or _label(f) or _name(f) or Value(reason="no rule applies: kept as text")
    scale = _scale(f.description)
    if scale is not None and value.kind in ("text", *NUMBERS) and not f.enum:
        digits, why = scale
        kind = value.kind if value.kind in NUMBERS else "decimal"
        value = Value(kind, scale=digits, source="description", reason=f"{value.reason}; {why}")
    if value.kind in NUMBERS:
        value = _number(value, f, examples, us)
        if not response and value.kind == "direction":  # a price sent carries no direction
            value = dataclasses.replace(
                value, kind="unsigned", reason=value.reason + "; a request: never negative"
            )
        if realtime and value.kind == "unsigned":  # pushed volumes carry + buy / - sell
            value = dataclasses.replace(
                value, kind="signed", reason=value.reason + "; real-time values carry signs"
            )
    elif value.kind == "code" and response:
        if examples and any(_A_CODE.match(e) for e in examples):
            value = dataclasses.replace(
                value,
                strip="A",
                reason=value.reason + "; the example shows an A prefix: stripped",
            )
    return value


def _words(f: Field) -> Value | None:
    """What the description (and the miner's format and enumeration) says."""
    text = f.description
    if _SIGN_WORDS.search(text):
        return Value(
            "direction",
            source="description",
            reason="the description gives the sign's meaning (상승/하락)",
        )
    if f.enum is not None or f.fixed_value is not None:
        return Value(source="description", reason="an enumeration or fixed value: text")
    if f.format is not None:
        kind, time_format = _FORMATS.get(f.format, ("text", ""))
        reason = f"the format {f.format}"
        if kind == "text":
            reason += ": no date or time of its own (kept as text)"
        return Value(kind, time_format=time_format, source="description", reason=reason)
    return None


def _scale(text: str) -> tuple[int, str] | None:
    """Implied decimals the description states: ``소수점2자리``, or a removed decimal point."""
    m = _SCALE.search(text)
    if m:
        return int(m.group(1)), f"{m.group(0)!r}: {m.group(1)} decimals"
    if _POINT_REMOVED.search(text):
        return 2, "the decimal point is removed: 2 decimals assumed (check it in review)"
    return None


def _label(f: Field) -> Value | None:
    label = "".join(f.label.split())
    label = re.sub(r"\(.*?\)$", "", label)
    if not label:
        return None
    for pattern, kind, reason in _LABEL_RULES:
        if pattern.search(label):
            return Value(kind, source="label", reason=f"{reason} ({f.label!r})")
    return None


def _name(f: Field) -> Value | None:
    for pattern, kind, reason in _NAME_RULES:
        if pattern.search(f.name):
            return Value(kind, source="name", reason=f"{reason} ({f.name!r})")
    return None


def _number(value: Value, f: Field, examples: list[str], us: bool) -> Value:
    """int or decimal: decimals when stated, implied, a rate, a US API, or in the example."""
    if value.scale or value.kind == "decimal" or value.reason.startswith("a rate"):
        return dataclasses.replace(value, number="decimal")
    if _DECIMAL_WORDS.search(f.description):
        return dataclasses.replace(
            value, number="decimal", reason=value.reason + "; the description mentions 소수"
        )
    if us:
        return dataclasses.replace(
            value, number="decimal", reason=value.reason + "; a US market API: decimals"
        )
    if any("." in e for e in examples):
        return dataclasses.replace(
            value, number="decimal", reason=value.reason + "; the example has decimals"
        )
    return dataclasses.replace(value, number="int")


# --- overrides, review and the self-check -----------------------------------------------------


def overridden(value: Value, kind: str | None, scale: int | None, strip: str | None) -> Value:
    """``value`` as ``overrides.toml`` corrects it."""
    if kind is None and scale is None and strip is None:
        return value
    kind = kind or value.kind
    number = value.number
    if kind in NUMBERS:
        number = "decimal" if (scale or kind == "decimal") else (number or "int")
    else:
        number = ""
    time_format = value.time_format or ("HHMMSS" if kind == "time" else "")
    return Value(
        kind,
        number=number,
        scale=value.scale if scale is None else scale,
        strip=value.strip if strip is None else strip,
        time_format=time_format if kind == "time" else "",
        source="overrides.toml",
        reason=f"overrides.toml (mined: {value.kind}, {value.reason})",
    )


def extension(value: Value) -> dict[str, Any] | None:
    """The ``x-kiwoom-value`` of a field's schema in the OpenAPI/AsyncAPI documents (None for
    text): how another language reads the string as this client does."""
    if value.kind == "text":
        return None
    out: dict[str, Any] = {"kind": value.kind}
    if value.items:
        out["items"] = list(value.items)  # json: a JSON list of objects with these keys
    if value.number:
        out["number"] = value.number
    if value.scale:
        out["scale"] = value.scale
    if value.kind == "direction":
        out["direction"] = "sign"  # + up, - down, no sign flat; the value is the absolute
    if value.strip:
        out["strip-prefix"] = value.strip
    if value.time_format:
        out["format"] = value.time_format
    out["source"] = value.source
    return out


def string_fields(api: Api) -> Iterator[tuple[str, Field]]:
    """(part, field) of every String field of an API's bodies, members of lists included."""
    for part, message in (("request", api.request), ("response", api.response)):
        stack = list(message.body) + [f for v in message.variants for f in v.body]
        while stack:
            f = stack.pop(0)
            if f.kind is Kind.STRING:
                yield part, f
            stack[:0] = list(f.children)


def counts(apis: Iterable[Api]) -> dict[str, int]:
    """How many String fields each kind has (every kind listed, in KINDS order)."""
    tally = Counter(f.value.kind for api in apis for _, f in string_fields(api))
    return {k: tally.get(k, 0) for k in KINDS}


def reader(value: Value) -> tuple[str, tuple[Any, ...]]:
    """The runtime reader (a function of ``_values``) and its extra arguments for a Value."""
    k, n = value.kind, value.number
    if k == "direction":
        return ("dir_dec", (value.scale,)) if n == "decimal" else ("dir_int", ())
    if k in ("signed", "unsigned", "decimal"):
        if n == "decimal" or k == "decimal":
            return "dec", (value.scale, k != "unsigned")
        return ("sint" if k == "signed" else "uint"), ()
    if k in ("date", "time", "datetime"):
        return k, ()
    if k == "code":
        return "code", ((value.strip,) if value.strip else ())
    return "text", ()


def parse(value: Value, text: str, name: str) -> Any:
    """One string read as the runtime reads it (raises ``InvalidValueError``)."""
    function, args = reader(value)
    return getattr(_values, function)(text, name, None, *args)


def check_examples(api: Api, problems: Problems) -> int:
    """Warn where a value of the sheet's response example contradicts its field's meaning.

    Returns how many values contradict. These are the values ``.parsed()`` refuses: each is a
    contradiction in the docs (or a wrong mined meaning, corrected in overrides.toml).
    """
    example = api.response_example
    if example is None or api.transport is Transport.WEBSOCKET:
        return 0
    by_name: dict[str, Field] = {}
    for part, f in string_fields(api):
        if part == "response":
            by_name.setdefault(f.name, f)
    bad = 0
    for _, document, where in example.documents:
        for key, text in _strings(document):
            known = by_name.get(key)
            if known is None or known.value.kind == "text":
                continue
            f = known
            try:
                parse(f.value, text, f.python_name)
            except _values.InvalidValueError:
                bad += 1
                problems.warning(
                    where,
                    api.id,
                    f"example value {text!r} of {f.name!r} contradicts its meaning "
                    f"{f.value.kind} ({f.value.source}: {f.value.reason}); .parsed() refuses it "
                    "(correct the meaning in overrides.toml if the docs are right)",
                )
    return bad


def _strings(node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, str):
                yield str(k), v
            else:
                yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
