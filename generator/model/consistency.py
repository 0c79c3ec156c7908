"""Checks across fields and sheets, on the built model (before the examples' self-check).

- **Examples open a closed list.** A request example is Kiwoom's own word too: when a sheet's
  example sends a value its description's closed enumeration does not list (usa24140 sends
  ``"0"`` for ``sort_tp``), the list is opened (other values pass, the known ones stay
  documented) and a warning names the cell. A list that overrides.toml closed stays closed.
  Only closed *enumerations* are opened: a fixed value
  or a format the example contradicts stays (the self-check reports it), since those are rules
  the text states, not lists that may be incomplete.
- **JSON inside a string.** A request field whose example value is a string holding a JSON
  list of objects (the US watchlist ``stk_cd``: ``"[{\"stex_tp\": \"ND\", ...}]"``) gets the
  meaning ``json`` with the objects' keys: the caller passes the list, the client serialises it.
- **Same-named enumerations that contradict.** The same wire name whose enumerations give one
  label different codes in different sheets (US ``stex_tp``: ``2`` is NASDAQ in some sheets,
  AMEX in others) is warned about once, naming the codes and the APIs on each side.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ..problems import Problems
from .core import Api, Field, Kind, Message, Spec, Value


def open_lists_examples_contradict(spec: Spec, problems: Problems) -> Spec:
    """The spec with each closed enumeration opened whose sheet's request example sends a value
    it does not list (a warning for each)."""
    apis = []
    for api in spec.apis:
        example = api.request_example
        if example is None or not example.valid or not isinstance(example.value, dict):
            apis.append(api)
            continue
        body = tuple(_open(f, example.value.get(f.name), api, problems) for f in api.request.body)
        if body == api.request.body:
            apis.append(api)
        else:
            apis.append(replace(api, request=replace(api.request, body=body)))
    return replace(spec, apis=tuple(apis))


def _open(f: Field, value: Any, api: Api, problems: Problems) -> Field:
    if (
        f.kind is not Kind.STRING
        or not f.enum
        or f.enum_closed is not True
        or f.fixed_value is not None
        or not isinstance(value, str)
        or value == ""
        or value in {e.value for e in f.enum}
        or "overrides.toml sets" in f.mining.reason  # the maintainer decided: kept
    ):
        return f
    where = f.mining.source or f.source
    listed = ", ".join(repr(e.value) for e in f.enum)
    problems.warning(
        str(where),
        api.id,
        f"{f.name}: the sheet's request example sends {value!r}, which the description does "
        f"not list ({listed}); the list is read as open",
        kind="enum-example-value",
    )
    reason = f"{f.mining.reason}; open: the request example sends {value!r}"
    return replace(
        f, enum_closed=False, mining=replace(f.mining, decision="open enum", reason=reason)
    )


def _fields(message: Message) -> Iterator[Field]:
    stack = [*message.body, *(f for v in message.variants for f in v.body)]
    while stack:
        f = stack.pop()
        yield f
        stack.extend(f.children)


def _norm(label: str | None) -> str:
    return re.sub(r"[\s()\[\]_\-.]+", "", label or "").casefold()


def warn_contradicting_enums(spec: Spec, problems: Problems) -> None:
    """One warning per wire name whose enumerations give one label different codes."""
    # name -> normalised label -> code -> [(api, field)]
    seen: dict[str, dict[str, dict[str, list[tuple[Api, Field]]]]] = {}
    for api in spec.apis:
        for message in (api.request, api.response):
            for f in _fields(message):
                for e in f.enum or ():
                    label = _norm(e.label)
                    if len(label) >= 2:
                        codes = seen.setdefault(f.name, {}).setdefault(label, {})
                        codes.setdefault(e.value, []).append((api, f))
    for name in sorted(seen):
        for label, codes in sorted(seen[name].items()):
            if len(codes) < 2:
                continue
            sides = sorted(codes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            parts = []
            for code, users in sides:
                ids = sorted({a.id for a, _ in users})
                shown = ", ".join(ids[:4]) + (f" +{len(ids) - 4}" if len(ids) > 4 else "")
                parts.append(f"{code!r} in {len(ids)} API(s) ({shown})")
            api, f = sides[1][1][0]  # located at the first field of the less common code
            original = next(e.label for e in f.enum or () if _norm(e.label) == label)
            problems.warning(
                str(f.mining.source or f.source),
                api.id,
                f"{name}: the enumerations disagree on the code of {original!r}: "
                + " vs ".join(parts),
                kind="enum-contradiction",
            )
            break  # one warning per name is enough to send the maintainer there


def type_json_in_strings(spec: Spec) -> Spec:
    """A request field whose sheet's example sends a JSON list of objects inside a string (the
    US watchlist ``stk_cd``) gets the meaning ``json`` with the objects' keys: the client takes
    the list and serialises it, the documents say so (``x-kiwoom-value``)."""
    apis = []
    for api in spec.apis:
        example = api.request_example
        if example is None or not example.valid or not isinstance(example.value, dict):
            apis.append(api)
            continue
        typed: dict[str, tuple[str, ...]] = {}
        for f in api.request.body:
            value = example.value.get(f.name)
            if f.kind is not Kind.STRING or not isinstance(value, str):
                continue
            text = value.strip()
            if not text.startswith("["):
                continue
            try:
                inner = json.loads(text)
            except ValueError:
                continue
            if not inner or not all(isinstance(i, dict) for i in inner):
                continue
            typed[f.name] = tuple(dict.fromkeys(str(k) for i in inner for k in i))
        if not typed:
            apis.append(api)
            continue
        body = tuple(
            replace(
                f,
                value=Value(
                    kind="json",
                    items=typed[f.name],
                    source="example",
                    reason="the request example sends a JSON list of objects "
                    f"({', '.join(typed[f.name])}) inside the string",
                ),
            )
            if f.name in typed
            else f
            for f in api.request.body
        )
        apis.append(replace(api, request=replace(api.request, body=body)))
    return replace(spec, apis=tuple(apis))
