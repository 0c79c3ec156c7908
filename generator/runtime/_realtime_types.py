"""Real-time messages, events and errors: plain classes, no I/O, no ``websockets`` import.

A pushed ``REAL`` frame holds entries ``{"type", "name", "item", "values": {"10": "-20800"}}``.
Each entry becomes one :class:`RealtimeMessage` (the generated ``_realtime_registry`` has one
subclass per real-time type whose ``values`` has a typed property per field id, e.g.
``msg.values.cur_prc`` for id ``"10"``). Decoding does no validation and no copying: the values
object reads the entry's own dict, every value stays the string Kiwoom sent, and ``msg.raw`` is
the entry as received. That keeps decoding close to the cost of ``json.loads`` itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar

from ._errors import KiwoomError

__all__ = [
    "ConditionEvent",
    "ConditionInfo",
    "ConditionService",
    "RealtimeClosedError",
    "RealtimeError",
    "RealtimeLoginError",
    "RealtimeMessage",
    "RealtimeRequestError",
    "RealtimeTypeInfo",
    "RealtimeValues",
    "SessionTakenOverError",
    "StatusEvent",
]


class RealtimeError(KiwoomError):
    """A real-time (WebSocket) session failed or a request on it was refused."""


class RealtimeRequestError(RealtimeError):
    """Kiwoom refused a REG/REMOVE/condition request, or did not answer it in time.

    ``code`` is the top-level ``return_code`` as sent (often generic), ``effective_code`` the
    specific one (``CODE=NNNN`` or ``[NNNN:`` in the message, else ``return_code``; None when
    there was no answer). The message has the session's secrets masked.
    """

    def __init__(
        self, trnm: str, code: object, message: str, effective_code: int | None = None
    ) -> None:
        super().__init__(f"{trnm} refused: return_code {code}: {message}")
        self.trnm = trnm
        self.code = code
        self.effective_code = effective_code
        self.return_msg = message


class RealtimeLoginError(RealtimeError):
    """LOGIN was refused, also after logging in once more with a freshly issued token."""


class SessionTakenOverError(RealtimeError):
    """SYSTEM R10001: the same app key connected elsewhere; this session was ended.

    Reconnecting would end the other session in turn, so the client stops instead.
    """


class RealtimeClosedError(RealtimeError):
    """The real-time session was closed (by you, or after a fatal error)."""


class RealtimeValues:
    """The ``values`` object of one entry, keyed by field id; typed subclasses add properties.

    ``values["10"]`` and ``values.get("10")`` read any id; ``FIELDS`` maps the ids the sheet
    documents to (python name, Korean label). Every value read is a string: Kiwoom sends
    strings, and a server that sends ``20800`` or ``1.5`` gives ``"20800"``, ``"1.5"`` (made
    on reading, so the common all-string entry costs nothing; ``null`` reads as missing).
    """

    __slots__ = ("_raw",)
    FIELDS: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def __init__(self, raw: dict[str, Any]) -> None:
        self._raw = raw

    @staticmethod
    def _text(value: object) -> str:
        """A value that is not a string, as the string Kiwoom would have sent."""
        if isinstance(value, str):
            return value
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if math.isfinite(value) and value.is_integer():
                return str(int(value))
            return str(value)
        return json.dumps(value, ensure_ascii=False)

    def __getitem__(self, field_id: str) -> str:
        value = self._raw[field_id]
        return value if type(value) is str else self._text(value)

    def get(self, field_id: str, default: str | None = None) -> str | None:
        value = self._raw.get(field_id)
        if value is None:
            return default
        return value if type(value) is str else self._text(value)

    def __contains__(self, field_id: object) -> bool:
        return field_id in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def to_dict(self) -> dict[str, str | None]:
        """{python name: value} for the documented ids; undocumented ids under their id."""
        out: dict[str, str | None] = {}
        for key, value in self._raw.items():
            named = self.FIELDS.get(key)
            out[named[0] if named else key] = value if type(value) is str else self._text(value)
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._raw!r})"


_V = TypeVar("_V", bound=RealtimeValues)


class RealtimeMessage(Generic[_V]):
    """One entry of a REAL frame. ``type``, ``name``, ``item``, typed ``values``, ``raw``."""

    __slots__ = ("raw", "values")
    VALUES: ClassVar[type[RealtimeValues]] = RealtimeValues
    TYPE: ClassVar[str] = ""  # the real-time type code of a typed subclass, e.g. "0B"
    raw: dict[str, Any]
    values: _V

    def __init__(self, entry: dict[str, Any]) -> None:
        self.raw = entry
        values = entry.get("values")
        self.values = self.VALUES(values if isinstance(values, dict) else {})  # type: ignore[assignment]

    @property
    def type(self) -> str:
        return str(self.raw.get("type", ""))

    @property
    def name(self) -> str:
        return str(self.raw.get("name", ""))

    @property
    def item(self) -> str:
        """The item code; a US item object's ``jmcode``."""
        item = self.raw.get("item", "")
        if isinstance(item, Mapping):
            return str(item.get("jmcode", ""))
        return str(item)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(type={self.type!r}, item={self.item!r}, {self.values!r})"


@dataclass(frozen=True)
class RealtimeTypeInfo:
    """A real-time type of the registry: its code, name, service path and message class."""

    code: str  # "0B"
    name: str  # 주식체결
    path: str  # "/api/dostk/websocket" or "/api/us/websocket"
    needs_item: bool  # False for account-wide types (00, 04, F4, F5)
    message_class: type[RealtimeMessage[Any]] = field(repr=False)
    api_id: str = ""  # the API that documents it (equal to code for subscription types)
    example_values: Mapping[str, str] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class ConditionInfo:
    """One saved condition of the CNSRLST answer: its ``seq`` and name."""

    seq: str
    name: str


@dataclass(frozen=True)
class ConditionEvent:
    """A live condition change: ``item`` entered (``"insert"``, I) or left (``"delete"``, D)."""

    seq: str
    item: str
    action: Literal["insert", "delete"]
    message: RealtimeMessage[Any] = field(repr=False)

    @property
    def raw(self) -> dict[str, Any]:
        return self.message.raw


@dataclass(frozen=True)
class StatusEvent:
    """A change of the session: ``connected``, ``disconnected``, ``reconnected``, ``gap``,
    ``closed``. A ``gap`` follows every reconnect: messages between ``since`` and ``until``
    (``time.time()`` seconds) were lost; registrations and live conditions were replayed.
    ``malformed``: a REAL entry the server sent was skipped (``detail`` says why); the session
    goes on and counts them (``AsyncRealtime.malformed``)."""

    kind: Literal["connected", "disconnected", "reconnected", "gap", "closed", "malformed"]
    detail: str = ""
    since: float | None = None
    until: float | None = None


@dataclass(frozen=True)
class ConditionService:
    """The condition-search services of one WebSocket path (domestic ``CNSR*``, US ``GCNSR*``)."""

    path: str
    list_trnm: str  # CNSRLST
    request_trnm: str  # CNSRREQ
    clear_trnm: str  # CNSRCLR
    live_type: str  # the REAL entry type of live results: "02" (domestic), "S2" (US)
    seq_id: str = "841"  # field id of the condition's seq in a live entry
    item_id: str = "9001"  # field id of the item code
    action_id: str = "843"  # field id of I (insert) / D (delete)
    stex_tp: bool = True  # the requests carry stex_tp (the domestic sheets; the US ones do not)
