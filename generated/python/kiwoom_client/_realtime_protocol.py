# Copied verbatim from generator/runtime/_realtime_protocol.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""Kiwoom's real-time session protocol as data: every frame built and parsed here, no I/O.

The client (:mod:`._realtime`) and the fake server (:mod:`._fake_realtime`) both build and read
their frames with these functions, as websockets separates its protocol from its connections:
the two sides cannot disagree on a frame's shape.

The frames (KIWOOM_FORMAT.md "On the wire"; most of it is not in the workbook):

- ``LOGIN`` with the access token (no ``Bearer``), answered with ``return_code``/``return_msg``;
- ``PING`` from the server, sent back unchanged; ``SYSTEM`` notices, never echoed (``R10001``:
  the app key connected elsewhere);
- ``REG``/``REMOVE`` with a group (``grp_no``), ``refresh`` (REG only) and ``data`` entries of
  ``item`` and ``type`` arrays; account feeds (00, 04, US F4, F5) are registered with
  ``"item": [""]``; US items are objects ``{"jmcode": "NVDA", "stex_tp": "ND"}``;
- ``REAL`` pushes whose ``data`` holds entries ``{"type", "name", "item", "values"}``;
- the condition services of each market (list, request with ``search_type`` 0 or 1, clear),
  named by the sheets (domestic ``CNSR*`` with ``stex_tp``, US ``GCNSR*`` without).

Refusals carry a generic ``return_code`` and the specific code in the message (``CODE=8005``
or ``[8005:``): :func:`effective_code` reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ._errors import effective_code
from ._realtime_types import ConditionService, RealtimeValues

__all__ = [
    "ACCOUNT_FEEDS",
    "DEFAULT_CONDITION_SERVICES",
    "PATHS",
    "SESSION_TAKEN_OVER",
    "STRINGS",
    "TOKEN_CODES",
    "US_EXCHANGES",
    "Entry",
    "Item",
    "Registration",
    "answer",
    "answer_code",
    "condition_clear",
    "condition_list",
    "condition_request",
    "decode",
    "encode",
    "item_key",
    "login",
    "login_outcome",
    "normalize_items",
    "parse_real",
    "ping",
    "real",
    "redact",
    "registration_data",
    "registration_pairs",
    "reg",
    "remove",
    "replay_plan",
    "system",
    "system_outcome",
]

PATHS = {"domestic": "/api/dostk/websocket", "us": "/api/us/websocket"}
TOKEN_CODES = frozenset({8005, 8031, 8103})  # token invalid / real-mock mismatch / expired
SESSION_TAKEN_OVER = "R10001"
# KIWOOM_FORMAT.md: the account feeds are registered without items ("item": [""]).
ACCOUNT_FEEDS = frozenset({"00", "04", "F4", "F5"})
# The US exchanges a US item names (the US sheets' stex_tp list: AMEX, NASDAQ, NYSE).
US_EXCHANGES = ("NA", "ND", "NY")
DEFAULT_CONDITION_SERVICES = {
    PATHS["domestic"]: ConditionService(PATHS["domestic"], "CNSRLST", "CNSRREQ", "CNSRCLR", "02"),
    PATHS["us"]: ConditionService(
        PATHS["us"], "GCNSRLST", "GCNSRREQ", "GCNSRCLR", "S2", stex_tp=False
    ),
}
MASK = "**********"

Item = str | Mapping[str, str]  # "005930", "005930_NX", or {"jmcode": "NVDA", "stex_tp": "ND"}


# ---- encoding ------------------------------------------------------------------------------


def encode(frame: Mapping[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False)


def decode(text: str | bytes) -> dict[str, Any] | None:
    """A frame as a dict; None for what is not a JSON object (ignored by both sides)."""
    try:
        frame = json.loads(text)
    except ValueError:
        return None
    return frame if isinstance(frame, dict) else None


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


# ---- the client's requests -----------------------------------------------------------------


def login(token: str) -> dict[str, Any]:
    return {"trnm": "LOGIN", "token": token}


def item_key(item: object) -> str | None:
    """How a REAL entry names an item: the code itself, or a US item's ``jmcode``; None when
    ``item`` is neither."""
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        code = item.get("jmcode")
        return code if isinstance(code, str) else None
    return None


def normalize_items(items: Sequence[Item], market: Literal["domestic", "us"]) -> tuple[Item, ...]:
    """The items checked for ``market``; ValueError names the first that does not fit.

    Domestic items are codes (``"005930"``, ``"005930_NX"``). A US item is an object with a
    ``jmcode`` and a ``stex_tp`` of :data:`US_EXCHANGES`; a bare code is refused on the US
    session (it would be sent as a domestic code), an object on the domestic one.
    """
    out: list[Item] = []
    for item in items:
        if market == "domestic":
            if not isinstance(item, str):
                raise ValueError(
                    f"item {item!r}: the domestic session takes codes such as '005930'; US "
                    "items ({'jmcode': ..., 'stex_tp': ...}) go to client.realtime(market='us')"
                )
            out.append(item)
            continue
        if isinstance(item, str):
            raise ValueError(
                f"item {item!r}: a US item is {{'jmcode': {item!r}, 'stex_tp': one of "
                f"{', '.join(US_EXCHANGES)}}}; domestic codes go to the domestic session"
            )
        if not isinstance(item, Mapping):
            raise ValueError(f"item {item!r}: expected {{'jmcode': ..., 'stex_tp': ...}}")
        code, exchange = item.get("jmcode"), item.get("stex_tp")
        if not isinstance(code, str) or not code.strip():
            raise ValueError(f"US item {dict(item)!r} has no jmcode")
        if exchange not in US_EXCHANGES:
            raise ValueError(
                f"US item {dict(item)!r}: stex_tp must be one of {', '.join(US_EXCHANGES)} "
                "(NA: AMEX, ND: NASDAQ, NY: NYSE)"
            )
        out.append({"jmcode": code, "stex_tp": str(exchange)})
    return tuple(out)


def registration_data(types: Sequence[str], items: Sequence[Item]) -> list[dict[str, Any]]:
    """REG/REMOVE ``data``: one entry of ``item`` and ``type`` arrays; no items -> ``[""]``."""
    listed: list[Any] = [i if isinstance(i, str) else dict(i) for i in items] or [""]
    return [{"item": listed, "type": list(types)}]


def reg(group: str, refresh: bool, data: list[dict[str, Any]]) -> dict[str, Any]:
    return {"trnm": "REG", "grp_no": group, "refresh": "1" if refresh else "0", "data": data}


def remove(group: str, data: list[dict[str, Any]]) -> dict[str, Any]:
    return {"trnm": "REMOVE", "grp_no": group, "data": data}


def condition_list(service: ConditionService) -> dict[str, Any]:
    return {"trnm": service.list_trnm}


def condition_request(
    service: ConditionService,
    seq: str,
    *,
    live: bool,
    exchange: str = "K",
    cont: str = "N",
    key: str = "",
) -> dict[str, Any]:
    """A one-off (``search_type`` 0, with paging) or live (1) condition request; ``stex_tp``
    only where the market's sheets have it (domestic; the US frames have none)."""
    frame: dict[str, Any] = {
        "trnm": service.request_trnm,
        "seq": seq,
        "search_type": "1" if live else "0",
    }
    if service.stex_tp:
        frame["stex_tp"] = exchange
    if not live:
        frame["cont_yn"], frame["next_key"] = cont, key
    return frame


def condition_clear(service: ConditionService, seq: str) -> dict[str, Any]:
    return {"trnm": service.clear_trnm, "seq": seq}


# ---- the server's frames -------------------------------------------------------------------


def answer(trnm: str, code: int = 0, message: str = "", **extra: Any) -> dict[str, Any]:
    return {"trnm": trnm, "return_code": code, "return_msg": message, **extra}


def ping(seq: int, time: str) -> dict[str, Any]:
    return {"trnm": "PING", "seq": seq, "time": time}


def system(code: str, message: str) -> dict[str, Any]:
    return {"trnm": "SYSTEM", "code": code, "message": message}


def real(entries: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"trnm": "REAL", "data": [dict(e) for e in entries]}


def registration_pairs(frame: Mapping[str, Any]) -> set[tuple[str, str]] | None:
    """(type, item key) pairs of a REG/REMOVE ``data``: arrays of items and types; None when
    the frame does not have that shape."""
    data = frame.get("data")
    if not isinstance(data, list) or not data:
        return None
    pairs: set[tuple[str, str]] = set()
    for entry in data:
        if not isinstance(entry, dict):
            return None
        items, types = entry.get("item", [""]), entry.get("type")
        if not isinstance(items, list) or not isinstance(types, list) or not types:
            return None
        for code in types:
            for item in items or [""]:
                key = item_key(item)
                if not isinstance(code, str) or key is None:
                    return None
                pairs.add((code, key))
    return pairs


# ---- reading answers -----------------------------------------------------------------------


def answer_code(frame: Mapping[str, Any]) -> int | None:
    """The effective code of an answer: the one in the message, else ``return_code``
    (0: accepted; None: no whole number)."""
    return effective_code(frame.get("return_code", 0), frame.get("return_msg"))


def login_outcome(frame: Mapping[str, Any]) -> Literal["ok", "token", "refused"]:
    """``ok``; ``token`` when the token was refused (8005, 8031, 8103: a new token may do);
    ``refused`` for any other refusal."""
    code = answer_code(frame)
    if code == 0:
        return "ok"
    return "token" if code in TOKEN_CODES else "refused"


def system_outcome(frame: Mapping[str, Any]) -> Literal["taken_over", "token", "notice"]:
    """``taken_over`` (R10001: end the session), ``token`` (the token was refused while
    connected: log in again with a new one), else a ``notice``."""
    code = str(frame.get("code", ""))
    message = frame.get("message", frame.get("return_msg", ""))
    if code == SESSION_TAKEN_OVER or (isinstance(message, str) and SESSION_TAKEN_OVER in message):
        return "taken_over"
    if effective_code(frame.get("return_code"), message) in TOKEN_CODES:
        return "token"
    return "notice"


# One well-formed REAL entry: (type, item key, the entry with every value a string, about how
# many bytes it holds). A plain tuple: the reader makes one per entry, at json.loads speed.
Entry = tuple[str, str, dict[str, Any], int]


_text = RealtimeValues._text


STRINGS = frozenset({str})  # the types a well-formed entry's values have


def parse_real(data: object, size: int = 0) -> tuple[list[Entry], list[str]]:
    """The well-formed entries of a REAL ``data`` and a reason for each one skipped.

    An entry is an object with a string ``type``, an ``item`` that is a code or a US item
    object (``jmcode``), and ``values`` as an object (missing: none). Every value is made a
    string (a server that sends ``20800`` gives ``"20800"``); the entry is copied only then.
    ``size`` is the frame's length: each entry counts its share against the queues' byte bound.
    """
    if not isinstance(data, list):
        return [], [f"REAL data is {type(data).__name__}, not a list"]
    share = 64 + size // max(1, len(data))
    entries: list[Entry] = []
    bad: list[str] = []
    for n, entry in enumerate(data):
        if not isinstance(entry, dict):
            bad.append(f"entry {n} is {type(entry).__name__}, not an object")
            continue
        code = entry.get("type")
        if not isinstance(code, str):
            bad.append(f"entry {n}: type is {type(code).__name__}, not a string")
            continue
        item = entry.get("item", "")
        key = item if type(item) is str else item_key(item)
        if key is None:
            bad.append(f"entry {n} ({code}): item is neither a code nor a US item object")
            continue
        values = entry.get("values", {})
        if not isinstance(values, dict):
            bad.append(f"entry {n} ({code}): values is {type(values).__name__}, not an object")
            continue
        if not STRINGS.issuperset(map(type, values.values())):
            entry = {**entry, "values": {str(k): _text(v) for k, v in values.items()}}
        entries.append((code, key, entry, share))
    return entries, bad


# ---- replay ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Registration:
    """What a subscription registered: its group, types and items."""

    group: str
    types: tuple[str, ...]
    items: tuple[Item, ...]


def replay_plan(
    registrations: Sequence[Registration],
    watches: Sequence[str],
    service: ConditionService,
    exchange: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The frames that restore a session after a reconnect, in order, each once: a REG
    (``refresh`` 1) per registration, then, when conditions are watched, the condition list
    (Kiwoom answers a condition request only after it) and a live request per watch."""
    frames = [reg(r.group, True, registration_data(r.types, r.items)) for r in registrations]
    if watches:
        frames.append(condition_list(service))
        frames += [
            condition_request(service, seq, live=True, exchange=exchange.get(seq, "K"))
            for seq in watches
        ]
    return frames
