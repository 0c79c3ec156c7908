# Copied verbatim from generator/runtime/_fake_realtime.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""A fake Kiwoom real-time (WebSocket) server for tests: real WebSocket on 127.0.0.1.

    with FakeKiwoomServer() as server:
        client = KiwoomClient(appkey="k", secretkey="s", base_url=server.url,
                              realtime_url=server.realtime_url)
        with client.realtime() as rt:
            trades = rt.subscribe("0B", ["005930"])
            server.realtime.push("0B", "005930", {"10": "-20800"})
            print(next(trades).values["10"])

It speaks Kiwoom's session protocol, every frame built and read by :mod:`._realtime_protocol`
(the client's own), with the facts of KIWOOM_FORMAT.md: LOGIN against the HTTP fake's token
store (good, bad and expired tokens; refusals as return_code 100013 with ``CODE=NNNN``), PING
every ``ping_interval`` seconds with a check of the echo (not echoed in ``ping_timeout``:
SYSTEM R10002 and close), REG/REMOVE with ``item``/``type`` arrays and group semantics
(``refresh`` "0" drops the group's earlier registrations), account feeds (00, 04, US F4, F5)
registered with ``"item": [""]``, US items as ``{"jmcode", "stex_tp"}`` objects (pushed back
as objects), REAL pushes programmed by the test or built from the sheets' examples, the
condition services named by the package's registry (domestic CNSR* with stex_tp, US GCNSR*
without; list, one-off with paging, live with I/D entries, clear; a request needs the list
first on that connection), SYSTEM frames, R10001, and drops without a close frame. It runs on
its own thread and event loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from . import _realtime_protocol as proto
from ._realtime_connection import SecretFilter
from ._realtime_types import ConditionService, RealtimeTypeInfo

__all__ = ["FakeRealtimeServer"]

DOMESTIC = proto.PATHS["domestic"]
US = proto.PATHS["us"]
TOKEN_ERRORS = {
    8005: "Token이 유효하지 않습니다",
    8031: "투자구분(실전/모의)이 달라 Token을 사용할 수 없습니다",
    8103: "Token이 만료되었습니다",
}
_T = TypeVar("_T")
_TAKEN_OVER = proto.system(proto.SESSION_TAKEN_OVER, "동일한 App key로 접속이 되었습니다")
wire_log = logging.getLogger("kiwoom_client.testing.realtime")
# websockets' debug log prints LOGIN frames with their tokens: the client's filter masks them
if not any(isinstance(f, SecretFilter) for f in wire_log.filters):
    wire_log.addFilter(SecretFilter())


@dataclass
class _Conn:
    id: int
    ws: ServerConnection
    path: str
    logged_in: bool = False
    groups: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    us_items: dict[str, dict[str, str]] = field(default_factory=dict)  # jmcode -> as registered
    listed: bool = False
    live: set[str] = field(default_factory=set)
    ping: dict[str, Any] | None = None  # the PING waiting for its echo
    ping_sent: float = 0.0

    def registered(self, code: str, item: str) -> bool:
        return any((code, item) in g or (code, "") in g for g in self.groups.values())


class FakeRealtimeServer:
    """See the module docstring. ``token_valid`` decides LOGIN (default: any non-empty token)."""

    def __init__(
        self,
        token_valid: Callable[[str], bool] | None = None,
        *,
        types: Mapping[str, RealtimeTypeInfo] | None = None,
        conditions: Mapping[str, ConditionService] | None = None,
        ping_interval: float | None = None,
        ping_timeout: float = 5.0,
    ) -> None:
        self._token_valid = token_valid or bool
        self.types = dict(types or {})
        # the condition services as the registry names them (from the sheets); the facts of
        # KIWOOM_FORMAT.md for a path the registry does not name
        self.services = {**proto.DEFAULT_CONDITION_SERVICES, **dict(conditions or {})}
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.real_before_ack = False  # push one REAL per registered pair before the REG answer
        self.noise_before_login = False  # a SYSTEM notice and a PING before the LOGIN answer
        # One session per app key and service: a second LOGIN ends the first with SYSTEM
        # R10001 (the fake's tokens all belong to one app key)
        self.one_session_per_key = True
        self.frames: list[tuple[int, dict[str, Any]]] = []  # (connection id, frame) received
        self.logins = 0
        self.connections = 0
        self.pings_sent = 0
        self.echoes = 0
        self._conns: list[_Conn] = []
        self._conditions: dict[str, list[tuple[str, str]]] = {DOMESTIC: [], US: []}
        self._results: dict[tuple[str, str], list[list[dict[str, str]]]] = {}
        self._members: dict[tuple[str, str], list[str]] = {}
        self._login_errors: list[int] = []
        self._lock = threading.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Server | None = None
        self._port = 0

    # -- lifecycle

    def start(self) -> Self:
        if self._loop is not None:
            return self
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, daemon=True, name="fake-rt")
        self._thread.start()

        async def open_server() -> Server:
            return await serve(
                self._handle,
                "127.0.0.1",
                0,
                ping_interval=None,
                compression=None,
                logger=wire_log,
            )

        self._server = self._run(open_server())
        self._port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is None:
            return
        if server is not None:

            async def close() -> None:
                server.close(close_connections=True)
                await server.wait_closed()

            try:
                self._run(close(), timeout=5)
            except Exception:  # noqa: BLE001 - stopping anyway
                pass
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        loop.close()
        self._loop = self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL to pass as ``realtime_url`` (the client adds the service path)."""
        if self._loop is None:
            raise RuntimeError("the real-time server is not running")
        return f"ws://127.0.0.1:{self._port}"

    def _run(self, coro: Coroutine[Any, Any, _T], timeout: float | None = 10) -> _T:
        if self._loop is None:
            raise RuntimeError("the real-time server is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    # -- what the tests program

    def set_conditions(self, conditions: Sequence[tuple[str, str]], *, us: bool = False) -> None:
        """The saved conditions (seq, name) the list service answers."""
        with self._lock:
            self._conditions[US if us else DOMESTIC] = list(conditions)

    def set_condition_pages(
        self, seq: str, pages: Sequence[Sequence[Mapping[str, str]]], *, us: bool = False
    ) -> None:
        """The rows a one-off search of ``seq`` answers, page by page (cont_yn/next_key)."""
        with self._lock:
            self._results[(US if us else DOMESTIC, seq)] = [[dict(r) for r in p] for p in pages]

    def set_condition_members(self, seq: str, items: Sequence[str], *, us: bool = False) -> None:
        """The items a live search of ``seq`` answers when it starts."""
        with self._lock:
            self._members[(US if us else DOMESTIC, seq)] = list(items)

    def reject_next_logins(self, times: int = 1, code: int = 8005) -> None:
        """The next ``times`` LOGINs are refused with ``code`` (8005, 8031, 8103, or any)."""
        with self._lock:
            self._login_errors.extend([code] * times)

    def push(
        self,
        code: str,
        item: str = "",
        values: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
    ) -> int:
        """Send one REAL entry to every connection registered for (code, item); returns how
        many received it. ``values`` default to the sheet's example of the type; ``item`` ""
        for an account feed; a US item is pushed as the object it was registered with.
        Raises LookupError when no connection is registered for it."""
        return self.push_entries([self.entry(code, item, values, name=name)])

    def push_entries(self, entries: Sequence[Mapping[str, Any]], *, check: bool = True) -> int:
        """One REAL frame holding ``entries`` to every connection registered for all of them.
        Raises LookupError when none is (``check=False``: returns 0)."""
        sent = self._run(self._push([dict(e) for e in entries]))
        if not sent and check:
            wanted = sorted({(str(e.get("type")), proto.item_key(e.get("item"))) for e in entries})
            raise LookupError(
                f"no logged-in connection is registered for {wanted}; registered: "
                f"{sorted(self.registrations())}"
            )
        return sent

    def push_raw(self, frame: Mapping[str, Any] | str) -> int:
        """Any frame (a malformed REAL, say) to every logged-in connection, as given."""
        text = frame if isinstance(frame, str) else proto.encode(frame)
        return self._run(self._broadcast_text(text))

    def entry(
        self,
        code: str,
        item: str,
        values: Mapping[str, str] | None = None,
        *,
        name: str | None = None,
    ) -> dict[str, Any]:
        info = self.types.get(code)
        if values is None:
            values = dict(info.example_values) if info and info.example_values else {"10": "0"}
        return {
            "type": code,
            "name": name if name is not None else (info.name if info else code),
            "item": item,
            "values": dict(values),
        }

    def push_condition(self, seq: str, item: str, action: str, *, us: bool = False) -> int:
        """A live condition entry (type 02, US S2): ``item`` entered (I) or left (D) ``seq``."""
        service = self.services[US if us else DOMESTIC]
        entry = {
            "type": service.live_type,
            "name": "조건검색",
            "item": item,
            "values": {
                service.seq_id: seq,
                service.item_id: item,
                service.action_id: action,
                "20": time.strftime("%H%M%S"),
            },
        }
        return self._run(self._push_condition(service.path, seq, entry))

    def send_system(self, code: str, message: str = "") -> None:
        """A SYSTEM frame to every logged-in connection."""
        self._run(self._broadcast(proto.system(code, message or f"SYSTEM {code}")))

    def kick(self) -> None:
        """SYSTEM R10001 (the app key connected elsewhere), then close every connection."""
        self._run(self._broadcast(_TAKEN_OVER, close=True))

    def drop(self) -> None:
        """Cut every connection without a close frame (a network failure)."""

        async def abort() -> None:
            for conn in list(self._conns):
                conn.ws.transport.abort()

        self._run(abort())

    # -- what the tests inspect

    def frames_of(self, trnm: str) -> list[dict[str, Any]]:
        with self._lock:
            return [f for _, f in self.frames if f.get("trnm") == trnm]

    def registrations(self) -> set[tuple[str, str, str]]:
        """(group, type, item) registered on the open connections."""
        with self._lock:
            return {
                (g, t, i) for c in self._conns for g, pairs in c.groups.items() for t, i in pairs
            }

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._conns)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Poll ``predicate`` until it is true or ``timeout`` passes; returns its last value."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    # -- the server side (on the server's loop)

    async def _handle(self, ws: ServerConnection) -> None:
        path = ws.request.path if ws.request is not None else ""
        if path not in self.services:
            await ws.close(1008, "unknown path")
            return
        with self._lock:
            self.connections += 1
            conn = _Conn(self.connections, ws, path)
            self._conns.append(conn)
        pinger = asyncio.create_task(self._pinger(conn)) if self.ping_interval else None
        try:
            async for text in ws:
                frame = proto.decode(text)
                if frame is None:
                    continue
                with self._lock:
                    self.frames.append((conn.id, frame))
                await self._on_frame(conn, frame)
        except ConnectionClosed:
            pass
        finally:
            if pinger is not None:
                pinger.cancel()
            with self._lock:
                if conn in self._conns:
                    self._conns.remove(conn)

    async def _send(self, conn: _Conn, frame: Mapping[str, Any]) -> None:
        try:
            await conn.ws.send(proto.encode(frame))
        except ConnectionClosed:
            pass

    async def _answer(
        self, conn: _Conn, trnm: str, code: int = 0, msg: str = "", **extra: Any
    ) -> None:
        await self._send(conn, proto.answer(trnm, code, msg, **extra))

    async def _on_frame(self, conn: _Conn, frame: dict[str, Any]) -> None:
        trnm = str(frame.get("trnm", ""))
        if trnm == "LOGIN":
            await self._login(conn, frame)
            return
        if trnm == "PING":
            if conn.ping is not None and frame == conn.ping:
                conn.ping = None
                with self._lock:
                    self.echoes += 1
            return
        if not conn.logged_in:
            await self._answer(conn, trnm, 100013, "로그인 후 이용해 주세요")
            await conn.ws.close()
            return
        service = self.services[conn.path]
        if trnm == "REG":
            await self._register(conn, frame)
        elif trnm == "REMOVE":
            await self._remove(conn, frame)
        elif trnm == service.list_trnm:
            conn.listed = True
            with self._lock:
                rows = [[s, n] for s, n in self._conditions[conn.path]]
            await self._answer(conn, trnm, data=rows)
        elif trnm == service.request_trnm:
            await self._condition_request(conn, frame, service)
        elif trnm == service.clear_trnm:
            conn.live.discard(str(frame.get("seq", "")))
            await self._answer(conn, trnm, seq=str(frame.get("seq", "")))
        else:
            await self._answer(conn, trnm, 1, f"알 수 없는 서비스명입니다: {trnm}")

    async def _login(self, conn: _Conn, frame: Mapping[str, Any]) -> None:
        token = frame.get("token")
        with self._lock:
            forced = self._login_errors.pop(0) if self._login_errors else None
        valid = isinstance(token, str) and not token.lower().startswith("bearer")
        valid = valid and self._token_valid(str(token))
        if self.noise_before_login:  # as production may: a notice and a heartbeat first
            await self._send(conn, proto.system("R10000", "공지"))
            conn.ping = proto.ping(0, time.strftime("%H%M%S"))
            conn.ping_sent = time.monotonic()
            await self._send(conn, conn.ping)
        if forced is None and valid:
            if self.one_session_per_key:  # KIWOOM_FORMAT.md: a second LOGIN ends the first
                for other in list(self._conns):
                    if other is not conn and other.logged_in and other.path == conn.path:
                        other.logged_in = False
                        await self._send(other, _TAKEN_OVER)
                        task = asyncio.create_task(other.ws.close())
                        self._tasks.add(task)
                        task.add_done_callback(self._tasks.discard)
            conn.logged_in = True
            with self._lock:
                self.logins += 1
            await self._answer(conn, "LOGIN", 0, "", sor_yn="Y")
            return
        code = forced if forced is not None else 8005
        text = TOKEN_ERRORS.get(code, f"오류 {code}")
        await self._answer(conn, "LOGIN", 100013, f"[{text}] 인증에 실패했습니다 (CODE={code})")
        await conn.ws.close()

    async def _register(self, conn: _Conn, frame: Mapping[str, Any]) -> None:
        pairs = proto.registration_pairs(frame)
        if pairs is None or not frame.get("grp_no"):
            await self._answer(conn, "REG", 1, "입력 값 형식이 올바르지 않습니다")
            return
        group = str(frame["grp_no"])
        for code, item in pairs:
            info = self.types.get(code)
            if info is not None and info.path != conn.path:
                await self._answer(conn, "REG", 1, f"이 URL에서 지원하지 않는 실시간 항목: {code}")
                return
            if not item and code not in proto.ACCOUNT_FEEDS and (info is None or info.needs_item):
                await self._answer(conn, "REG", 1, f"종목코드가 필요합니다: {code}")
                return
        bad = _us_item_error(frame) if conn.path == US else None
        if bad:
            await self._answer(conn, "REG", 1, bad)
            return
        for entry in frame.get("data") or ():
            for item in entry.get("item") or ():
                if isinstance(item, dict):
                    conn.us_items[str(item["jmcode"])] = dict(item)
        if frame.get("refresh") == "0":
            conn.groups[group] = set()
        conn.groups.setdefault(group, set()).update(pairs)
        if self.real_before_ack:
            entries = [self.entry(code, item or "") for code, item in pairs]
            await self._send(conn, proto.real(entries))
        await self._answer(conn, "REG")

    async def _remove(self, conn: _Conn, frame: Mapping[str, Any]) -> None:
        pairs = proto.registration_pairs(frame)
        group = conn.groups.get(str(frame.get("grp_no", "")))
        if pairs is None or group is None:
            await self._answer(conn, "REMOVE", 1, "등록되지 않은 그룹입니다")
            return
        group.difference_update(pairs)
        await self._answer(conn, "REMOVE")

    async def _condition_request(
        self, conn: _Conn, frame: Mapping[str, Any], service: ConditionService
    ) -> None:
        trnm, seq = service.request_trnm, str(frame.get("seq", ""))
        if ("stex_tp" in frame) != service.stex_tp:  # the sheets of the market decide
            await self._answer(conn, trnm, 1, "입력 값 형식이 올바르지 않습니다[1517:stex_tp]")
            return
        if not conn.listed:
            await self._answer(conn, trnm, 1, "조건검색 목록조회를 먼저 요청해 주세요")
            return
        with self._lock:
            known = any(s == seq for s, _ in self._conditions[conn.path])
            pages = self._results.get((conn.path, seq), [[]])
            members = self._members.get((conn.path, seq), [])
        if not known:
            await self._answer(conn, trnm, 1, f"조건식이 없습니다: {seq}")
            return
        if frame.get("search_type") == "1":
            conn.live.add(seq)
            rows = [{"jmcode": m} for m in members]
            await self._answer(conn, trnm, seq=seq, data=rows)
            return
        index = 0
        if frame.get("cont_yn") == "Y":
            key = str(frame.get("next_key", ""))
            if not key.isdigit() or int(key) >= len(pages):
                await self._answer(conn, trnm, 1, "연속조회키가 올바르지 않습니다")
                return
            index = int(key)
        more = index + 1 < len(pages)
        await self._answer(
            conn,
            trnm,
            seq=seq,
            cont_yn="Y" if more else "N",
            next_key=str(index + 1) if more else "",
            data=pages[index],
        )

    async def _push(self, entries: list[dict[str, Any]]) -> int:
        sent = 0
        for conn in list(self._conns):
            if conn.logged_in and all(
                conn.registered(str(e.get("type")), proto.item_key(e.get("item")) or "")
                for e in entries
            ):
                if conn.path == US:  # US items go out as the objects they were registered as
                    entries = [
                        {**e, "item": conn.us_items.get(str(e.get("item")), e.get("item"))}
                        for e in entries
                    ]
                await self._send(conn, proto.real(entries))
                sent += 1
        return sent

    async def _broadcast_text(self, text: str) -> int:
        sent = 0
        for conn in list(self._conns):
            if conn.logged_in:
                try:
                    await conn.ws.send(text)
                    sent += 1
                except ConnectionClosed:
                    pass
        return sent

    async def _push_condition(self, path: str, seq: str, entry: dict[str, Any]) -> int:
        sent = 0
        for conn in list(self._conns):
            if conn.logged_in and conn.path == path and seq in conn.live:
                await self._send(conn, proto.real([entry]))
                sent += 1
        return sent

    async def _broadcast(self, frame: Mapping[str, Any], close: bool = False) -> None:
        for conn in list(self._conns):
            if conn.logged_in:
                await self._send(conn, frame)
                if close:  # not awaited: the caller may be the client's (blocked) thread
                    task = asyncio.create_task(conn.ws.close())
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)

    async def _pinger(self, conn: _Conn) -> None:
        assert self.ping_interval is not None
        n = 0
        while True:
            await asyncio.sleep(self.ping_interval)
            if conn.ping is not None and time.monotonic() - conn.ping_sent > self.ping_timeout:
                await self._send(conn, proto.system("R10002", "PING 응답이 없습니다"))
                await conn.ws.close()
                return
            if conn.ping is None:
                n += 1
                conn.ping = proto.ping(n, time.strftime("%H%M%S"))
                conn.ping_sent = time.monotonic()
                with self._lock:
                    self.pings_sent += 1
                await self._send(conn, conn.ping)


def _us_item_error(frame: Mapping[str, Any]) -> str | None:
    """Why a US REG's items are refused: a bare code, no jmcode, an unknown exchange."""
    for entry in frame.get("data") or ():
        for item in entry.get("item") or ():
            if item == "":
                continue
            if not isinstance(item, dict) or not item.get("jmcode"):
                return f"미국주식 종목은 jmcode, stex_tp로 입력해 주세요: {item!r}"
            if item.get("stex_tp") not in proto.US_EXCHANGES:
                return f"거래소구분이 올바르지 않습니다: {item.get('stex_tp')!r}"
    return None
