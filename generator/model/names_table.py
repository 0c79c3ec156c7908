"""Names tables: the default one shipped with the generator, and a project's ``names.toml``.

A table has three sections (docs/names.md):

- ``[menus]``: menu path (메뉴 위치 without the API, words joined by `` > ``) -> group, for APIs no
  table names; a one-word path is a market (``"미국주식" = "us"``).
- ``[apis]``: HTTP APIs, ``id = { group = "chart", method = "daily" }``.
- ``[realtime]``: WebSocket services, the same form; the method is the real-time name
  (``0B`` -> ``stock_trade``).

A group is a dotted path: ``us.chart`` is ``client.us.chart``. The group ``""`` is the client
itself and holds only its token methods (:data:`CLIENT_METHODS`).

The shipped table is package data (``generator/data/names.toml``); the project's table overrides
it entry by entry. Entries of the shipped table for APIs a workbook lacks are not reported.
"""

from __future__ import annotations

import keyword
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..problems import Problems

SECTIONS = ("menus", "apis", "realtime")
# The client's own methods an API may be named as (group ""): the runtime implements them.
CLIENT_METHODS = {"au10001": "issue_token", "au10002": "revoke_token"}
DEFAULT_TABLE = "data/names.toml"
# Full-match rules (``re.fullmatch``: ``$`` would let a trailing newline through).
_SEGMENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# File names Windows cannot hold, whatever the extension: a group becomes a module file.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in range(1, 10)}
)


@dataclass(frozen=True, slots=True)
class ApiName:
    group: str | None  # dotted path; "" = the client itself; None = from the menu
    method: str | None
    where: str  # "file › apis.kt10006", for messages
    shipped: bool = False  # from the default table shipped with the generator
    realtime: bool = False  # from the [realtime] section


@dataclass
class NamesTable:
    menus: dict[str, str] = field(default_factory=dict)  # "국내주식 > 차트" -> "chart"
    apis: dict[str, ApiName] = field(default_factory=dict)  # HTTP and WebSocket entries

    def over(self, base: NamesTable) -> NamesTable:
        """This table's entries over ``base``'s (a project's table over the shipped one)."""
        return NamesTable({**base.menus, **self.menus}, {**base.apis, **self.apis})

    def realtime_names(self) -> dict[str, str]:
        """WebSocket service id -> its real-time name (``"0B"`` -> ``"stock_trade"``)."""
        return {
            api_id: n.method
            for api_id, n in sorted(self.apis.items())
            if n.realtime and n.method is not None
        }


def menu_key(words: tuple[str, ...] | list[str]) -> str:
    return " > ".join(words)


def valid_group(value: str) -> bool:
    """A dotted path of identifiers that are not keywords (``us.chart``), or "". No segment is
    a file name Windows reserves (``aux``, ``con``, ``nul``, ``com1``...)."""
    if value == "":
        return True
    return all(
        _SEGMENT.fullmatch(part)
        and not keyword.iskeyword(part)
        and part.lower() not in WINDOWS_RESERVED
        for part in value.split(".")
    )


def valid_method(value: str) -> bool:
    """An identifier, not a keyword; it starts with a letter, so it is never name-mangled
    (``__x``) nor private."""
    return bool(_SEGMENT.fullmatch(value)) and not keyword.iskeyword(value)


def read_names_table(
    path: Path, problems: Problems, *, where: str, shipped: bool = False
) -> NamesTable:
    """A names table from ``path``; bad entries are reported and left out."""
    table = NamesTable()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        problems.error(where, None, f"invalid TOML: {exc}")
        return table
    except OSError as exc:
        problems.error(where, None, f"cannot read: {exc.strerror or exc}")
        return table
    return parse_names_table(data, problems, where=where, shipped=shipped)


def parse_names_table(
    data: dict[str, Any], problems: Problems, *, where: str, shipped: bool = False
) -> NamesTable:
    table = NamesTable()
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        problems.error(
            where,
            None,
            f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(SECTIONS)}",
        )
        return table
    for path, group in _section(data, "menus", where, problems).items():
        at = f"{where} › menus.{path}"
        if not isinstance(group, str) or not valid_group(group):
            problems.error(
                at,
                None,
                f'group must be a dotted identifier (no file name Windows reserves) or "", '
                f"got {group!r}",
            )
            continue
        words = [w.strip() for w in str(path).split(">") if w.strip()]
        table.menus[menu_key(words)] = group
    for section in ("apis", "realtime"):
        for api_id, entry in _section(data, section, where, problems).items():
            name = _entry(api_id, entry, f"{where} › {section}.{api_id}", problems)
            if name is None:
                continue
            if api_id in table.apis:
                problems.error(name.where, api_id, "named in both [apis] and [realtime]")
                continue
            table.apis[api_id] = ApiName(
                name.group, name.method, name.where, shipped, section == "realtime"
            )
    return table


def _section(data: dict[str, Any], name: str, where: str, problems: Problems) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        problems.error(f"{where} › {name}", None, f"[{name}] must be a table")
        return {}
    return value


def _entry(api_id: str, entry: Any, at: str, problems: Problems) -> ApiName | None:
    if not isinstance(entry, dict):
        problems.error(at, api_id, "entry must be a table {group = ..., method = ...}")
        return None
    unknown = sorted(set(entry) - {"group", "method"})
    if unknown:
        problems.error(at, None, f"unknown key(s) {', '.join(unknown)}; allowed: group, method")
        return None
    group = entry.get("group")
    method = entry.get("method")
    if group is not None and (not isinstance(group, str) or not valid_group(group)):
        problems.error(
            at,
            api_id,
            "group must be a dotted path of Python identifiers (not keywords, no file name "
            f"Windows reserves such as aux, con, nul), got {group!r}",
        )
        return None
    if method is not None and (not isinstance(method, str) or not valid_method(method)):
        problems.error(
            at,
            api_id,
            f"method must be a Python identifier starting with a letter (not a keyword), "
            f"got {method!r}",
        )
        return None
    if group == "" and CLIENT_METHODS.get(api_id) != method:
        allowed = ", ".join(f"{i} = {m}" for i, m in CLIENT_METHODS.items())
        problems.error(
            at, api_id, f'group "" is the client itself: only its token methods ({allowed})'
        )
        return None
    return ApiName(group, method, at)


_PACKAGE = __name__.split(".")[0]


@lru_cache(maxsize=1)
def _default_text() -> str:
    return resources.files(_PACKAGE).joinpath(DEFAULT_TABLE).read_text(encoding="utf-8")


def shipped_table_text() -> str:
    """The text of the table shipped with the generator (``generator/data/names.toml``)."""
    return _default_text()


def default_names_table() -> NamesTable:
    """The table shipped with the generator (a fresh copy: callers may change it)."""
    problems = Problems()
    table = parse_names_table(
        tomllib.loads(_default_text()), problems, where=f"{_PACKAGE}/{DEFAULT_TABLE}", shipped=True
    )
    if problems.errors:  # the shipped table is tested; this is a broken installation
        raise RuntimeError("; ".join(p.line() for p in problems.errors))
    return NamesTable(dict(table.menus), dict(table.apis))
