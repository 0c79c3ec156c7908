"""The real-time session against a hostile or broken server: each test here failed before the fix.

A :class:`Scripted` server is a real WebSocket server on 127.0.0.1 that answers LOGIN as Kiwoom
does and everything else as the test scripts it (malformed REAL entries, no answer, a drop after
each login, no reading at all, a token echoed in a refusal). The others use the fake server of
the runtime. Waits are bounded generously; assertions are on counts and behaviour, never on time.
"""

from __future__ import annotations

import asyncio
import logging
import logging.config
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from tests.support.realtime_session import FAST, SAMSUNG, aclient, run, session, wait_until

OnFrame = Callable[["Scripted", ServerConnection, dict[str, Any]], Awaitable[None]]
BOUND = 30.0  # seconds: generous bounds on waits that must end (never asserted as durations)


class Scripted:
    """A WebSocket server on its own thread: LOGIN answered 0, the rest by ``on_frame``."""

    def __init__(self, on_frame: OnFrame, *, after_login: OnFrame | None = None) -> None:
        self.on_frame = on_frame
        self.after_login = after_login
        self.frames: list[dict[str, Any]] = []
        self.connections = 0
        self.logins = 0
        self.token = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: Any = None

    def __enter__(self) -> Scripted:
        self._thread.start()

        async def start() -> Any:
            return await serve(self._handle, "127.0.0.1", 0, ping_interval=None, max_size=None)

        self._server = asyncio.run_coroutine_threadsafe(start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            self._server.close(close_connections=False)
            for ws in list(self._server.connections):
                ws.transport.abort()
            current = asyncio.current_task()
            tasks = [t for t in asyncio.all_tasks() if t is not current]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def _handle(self, ws: ServerConnection) -> None:
        self.connections += 1
        try:
            async for text in ws:
                frame = __import__("json").loads(text)
                self.frames.append(frame)
                if frame.get("trnm") == "LOGIN":
                    self.token = str(frame.get("token"))
                    self.logins += 1
                    await answer(ws, "LOGIN")
                    if self.after_login is not None:
                        await self.after_login(self, ws, frame)
                elif frame.get("trnm") != "PING":
                    await self.on_frame(self, ws, frame)
        except ConnectionClosed:
            pass


async def answer(ws: ServerConnection, trnm: str, code: int = 0, msg: str = "") -> None:
    await ws.send(__import__("json").dumps({"trnm": trnm, "return_code": code, "return_msg": msg}))


async def silent(server: Scripted, ws: ServerConnection, frame: dict[str, Any]) -> None:
    """Never answers."""


def scripted_session(
    kc: Any, server: Any, scripted: Scripted, body: Callable[[Any], Awaitable[Any]], **options: Any
) -> Any:
    async def main() -> Any:
        async with kc.pkg.AsyncKiwoomClient(
            **kc.kwargs(server, realtime_url=scripted.url)
        ) as client:
            opts = {"backoff_initial": 0.01, "backoff_max": 0.05, **options}
            async with client.realtime(**opts) as rt:
                return await asyncio.wait_for(body(rt), BOUND)

    return run(main())


# ---- a malformed REAL entry -------------------------------------------------------------------


def test_malformed_entries_are_skipped_counted_reported_and_the_session_goes_on(
    kc: Any, server: Any
) -> None:
    async def on_frame(s: Scripted, ws: ServerConnection, frame: dict[str, Any]) -> None:
        await answer(ws, str(frame["trnm"]))
        if frame["trnm"] == "REG":
            import json

            bad = [
                ["0B", SAMSUNG],  # a list where an object is expected
                {"type": "0B", "item": {"x": 1}, "values": {"10": "1"}},  # a dict as item
                {"type": "0B", "item": SAMSUNG, "values": ["10", "1"]},  # values not an object
            ]
            good = {"type": "0B", "item": SAMSUNG, "values": {"10": "-20800"}}
            await ws.send(json.dumps({"trnm": "REAL", "data": [*bad, good]}))
            await ws.send(json.dumps({"trnm": "REAL", "data": [good]}))

    async def body(rt: Any) -> tuple[Any, ...]:
        events = rt.events()
        trades = await rt.subscribe("0B", [SAMSUNG])
        first, second = await trades.get(BOUND), await trades.get(BOUND)
        kinds = []
        while (e := events.get_nowait()) is not None:
            kinds.append((getattr(e, "kind", ""), getattr(e, "detail", "")))
        return first, second, kinds, rt.malformed, rt.connected

    with Scripted(on_frame) as scripted:
        first, second, kinds, malformed, connected = scripted_session(kc, server, scripted, body)
        assert scripted.connections == 1  # no reconnect, no end: the session went on
    assert first.values.cur_prc == second.values.cur_prc == "-20800"
    assert malformed == 3 and connected
    reported = [detail for kind, detail in kinds if kind == "malformed"]
    assert len(reported) == 3 and "item" in reported[1]


def test_values_are_always_strings(kc: Any, server: Any) -> None:
    fake = server.realtime

    async def body(rt: Any) -> Any:
        trades = await rt.subscribe("0B", [SAMSUNG])
        fake.push("0B", SAMSUNG, {"10": 20800, "20": None, "9": 1.5, "11": -0.0})
        return await trades.get(BOUND)

    msg = run(session(kc, server, body))
    assert msg.values["10"] == msg.values.cur_prc == "20800"
    assert msg.values["20"] == "" and msg.values["9"] == "1.5"
    assert all(isinstance(v, str) for v in msg.values.to_dict().values())


# ---- requests that are never answered ---------------------------------------------------------


@pytest.mark.slow
def test_an_unanswered_reg_raises_within_answer_timeout_without_reconnecting(
    kc: Any, server: Any
) -> None:
    async def body(rt: Any) -> Any:
        with pytest.raises(kc.pkg.RealtimeRequestError, match="no answer") as info:
            await rt.subscribe("0B", [SAMSUNG])
        return info.value, rt._subs, rt.reconnects

    with Scripted(silent) as scripted:
        error, subs, reconnects = scripted_session(kc, server, scripted, body, answer_timeout=0.3)
        assert scripted.connections == 1 and reconnects == 0
    assert error.trnm == "REG" and subs == []


@pytest.mark.slow
def test_an_unanswered_condition_request_never_spins_the_loop(kc: Any, server: Any) -> None:
    """The request is run on the sync twin's loop thread and awaited from here with a bound:
    a loop that spins without yielding would never answer."""

    async def on_frame(s: Scripted, ws: ServerConnection, frame: dict[str, Any]) -> None:
        if frame["trnm"] == "CNSRLST":
            import json

            await ws.send(json.dumps({"trnm": "CNSRLST", "return_code": 0, "data": [["1", "x"]]}))
        # CNSRREQ: never answered

    with Scripted(on_frame) as scripted:
        with (
            kc.Client(**kc.kwargs(server, realtime_url=scripted.url)) as client,
            client.realtime(answer_timeout=0.3, backoff_initial=0.01) as rt,
        ):
            runner = rt._runner
            future = asyncio.run_coroutine_threadsafe(rt.session.condition_search("1"), runner.loop)
            with pytest.raises(kc.pkg.RealtimeRequestError, match="no answer"):
                future.result(BOUND)
            assert rt.connected and scripted.connections == 1


# ---- reconnecting -----------------------------------------------------------------------------


def test_max_reconnects_counts_every_failed_connection(kc: Any, server: Any) -> None:
    """A server that logs in and drops each connection: the backoff does not reset at each
    login, and max_reconnects=3 stops the session after 1 + 3 connections."""

    async def drop(s: Scripted, ws: ServerConnection, frame: dict[str, Any]) -> None:
        ws.transport.abort()

    async def body(rt: Any) -> Any:
        events = rt.events()
        while True:  # bounded by scripted_session's wait_for
            event = await events.get(BOUND)
            if getattr(event, "kind", "") == "closed":
                return event, rt.failures

    with Scripted(silent, after_login=drop) as scripted:
        event, failures = scripted_session(
            kc, server, scripted, body, max_reconnects=3, healthy_after=60
        )
        assert scripted.logins == 4 and failures == 4
    assert "max_reconnects=3" in event.detail


# ---- a server that stops reading --------------------------------------------------------------


@pytest.mark.slow
def test_a_server_that_stops_reading_cannot_hang_subscribe_or_leaving_the_with_block(
    kc: Any, server: Any
) -> None:
    """subscribe() fails within its bounds and leaving the sync ``with`` block returns (no bare
    TimeoutError) and stops the loop thread. The REG frame is larger than the socket buffers."""

    async def stop_reading(s: Scripted, ws: ServerConnection, frame: dict[str, Any]) -> None:
        await asyncio.sleep(3600)  # reads nothing more on this connection

    outcome: dict[str, Any] = {}

    def program() -> None:
        items = [f"{n:06d}" + "0" * 400_000 for n in range(100)]  # a 40 MB REG frame
        try:
            with kc.Client(**kc.kwargs(server, realtime_url=scripted.url)) as client:
                with client.realtime(
                    send_timeout=0.5, close_timeout=0.5, backoff_initial=0.01, answer_timeout=1
                ) as rt:
                    outcome["loop"] = rt._runner._thread
                    try:
                        rt.subscribe("0B", items)
                    except Exception as exc:  # noqa: BLE001 - asserted below
                        outcome["subscribe"] = exc
            outcome["left"] = True
        except BaseException as exc:  # noqa: BLE001 - asserted below
            outcome["left"] = exc

    with Scripted(silent, after_login=stop_reading) as scripted:
        thread = threading.Thread(target=program, daemon=True)
        thread.start()
        thread.join(BOUND * 2)
        assert not thread.is_alive(), "subscribe() or leaving the with block hung"
    assert isinstance(outcome.get("subscribe"), kc.pkg.RealtimeError)
    assert outcome["left"] is True
    assert not outcome["loop"].is_alive()


# ---- secrets ----------------------------------------------------------------------------------


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def dict_configured() -> Iterator[_Records]:
    """The application configures the package's logger at DEBUG with dictConfig, which resets
    the level of every logger below it (the wire logger included)."""
    records = _Records()
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"mem": {"()": lambda: records}},
            "loggers": {"kiwoom_client": {"level": "DEBUG", "handlers": ["mem"]}},
        }
    )
    yield records
    root = logging.getLogger("kiwoom_client")
    root.removeHandler(records)
    root.setLevel(logging.NOTSET)


def test_dictconfig_cannot_make_the_wire_log_print_the_token(
    kc: Any, server: Any, dict_configured: _Records
) -> None:
    fake = server.realtime

    async def body(rt: Any) -> None:
        await rt.subscribe("0B", [SAMSUNG])

    run(session(kc, server, body))
    (login,) = fake.frames_of("LOGIN")
    token = login["token"]
    wire = [line for line in dict_configured.lines if "LOGIN" in line]
    assert wire, "the frames are logged (at DEBUG), so the filter is what protects the token"
    assert not [line for line in dict_configured.lines if token in line]


def test_a_reg_refusal_is_redacted_and_carries_the_effective_code(kc: Any, server: Any) -> None:
    async def refuse(s: Scripted, ws: ServerConnection, frame: dict[str, Any]) -> None:
        await answer(ws, "REG", 100013, f"입력 값 오류 token={s.token} (CODE=1517)")

    async def body(rt: Any) -> Any:
        with pytest.raises(kc.pkg.RealtimeRequestError) as info:
            await rt.subscribe("0B", [SAMSUNG])
        return info.value

    with Scripted(refuse) as scripted:
        error = scripted_session(kc, server, scripted, body)
        token = scripted.token
    assert token and token not in str(error) and token not in error.return_msg
    assert token not in repr(error.args)
    assert (error.code, error.effective_code) == (100013, 1517)


def test_a_login_refusal_is_read_by_its_effective_code(kc: Any, server: Any) -> None:
    """A generic return_code with CODE=8005 in the message: the token is re-issued once."""
    fake = server.realtime
    fake.reject_next_logins(1, 8005)

    async def body(rt: Any) -> int:
        return int(rt.logins)

    assert run(session(kc, server, body)) == 1
    tokens = [f["token"] for f in fake.frames_of("LOGIN")]
    assert len(tokens) == 2 and tokens[0] != tokens[1]


# ---- queues -----------------------------------------------------------------------------------


def test_queues_are_bounded_by_bytes_too(kc: Any, server: Any) -> None:
    fake = server.realtime

    async def body(rt: Any) -> Any:
        trades = await rt.subscribe("0B", [SAMSUNG], queue_bytes=50_000)
        for n in range(40):
            fake.push("0B", SAMSUNG, {"10": str(n), "99": "x" * 10_000})
        await wait_until(lambda: trades.dropped + len(trades) == 40, timeout=BOUND)
        return trades

    trades = run(session(kc, server, body))
    assert trades.queued_bytes <= 50_000 and len(trades) <= 5 and trades.dropped >= 35
    assert [m.values.cur_prc for m, _ in trades._queue][-1] == "39"  # the newest kept


# ---- items by market --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("market", "item", "message"),
    [
        ("us", "NVDA", "a US item is"),
        ("us", {"jmcode": "NVDA"}, "stex_tp must be one of"),
        ("us", {"jmcode": "NVDA", "stex_tp": "XX"}, "stex_tp must be one of"),
        ("us", {"stex_tp": "ND"}, "has no jmcode"),
        ("domestic", {"jmcode": "NVDA", "stex_tp": "ND"}, "domestic session takes codes"),
    ],
)
def test_items_are_checked_for_the_market(
    kc: Any, server: Any, market: str, item: Any, message: str
) -> None:
    fake = server.realtime
    code = "FE" if market == "us" else "0B"

    async def body(rt: Any) -> None:
        with pytest.raises(ValueError, match=message):
            await rt.subscribe(code, [item])

    run(session(kc, server, body, market=market))
    assert fake.frames_of("REG") == []


def test_account_feeds_and_us_items_against_the_fake(kc: Any, server: Any) -> None:
    fake = server.realtime
    nvda = {"jmcode": "NVDA", "stex_tp": "ND"}

    async def body(rt: Any) -> tuple[Any, Any]:
        fills = await rt.subscribe("F5")
        quotes = await rt.subscribe("FE", [nvda])
        fake.push("F5", "", {"9203": "0000123"})
        fake.push("FE", "NVDA", {"10": "+135.20"})
        return await fills.get(BOUND), await quotes.get(BOUND)

    fill, quote = run(session(kc, server, body, market="us"))
    assert [r["data"][0]["item"] for r in fake.frames_of("REG")] == [[""], [nvda]]
    assert fill.values["9203"] == "0000123"
    assert quote.raw["item"] == nvda and quote.item == "NVDA"  # pushed as the object registered


def test_a_system_frame_is_classified_by_its_effective_code(kc: Any, server: Any) -> None:
    """SYSTEM with CODE=8103 (token expired) in its message: log in again with a new token;
    a notice with another code is only logged; R10001 still ends the session (other tests)."""
    fake = server.realtime

    async def body(rt: Any) -> tuple[int, bool]:
        fake.send_system("R10000", "공지 (CODE=1999)")
        fake.send_system("R10005", "접근토큰이 만료되었습니다 (CODE=8103)")
        assert await wait_until(lambda: rt.logins == 2 and rt.connected, timeout=BOUND)
        return rt.logins, rt.connected

    assert run(session(kc, server, body)) == (2, True)
    tokens = [f["token"] for f in fake.frames_of("LOGIN")]
    assert len(tokens) == 2 and tokens[0] != tokens[1]


def test_a_second_login_ends_the_first_session_with_r10001(kc: Any, server: Any) -> None:
    """KIWOOM_FORMAT.md: one session per app key; the fake ends the first with SYSTEM R10001
    and the client stops it with SessionTakenOverError instead of reconnecting."""
    fake = server.realtime

    async def body(first: Any) -> Any:
        events = first.events()
        async with aclient(kc, server) as other, other.realtime(**FAST) as second:
            while (event := await events.get(BOUND)).kind != "closed":
                pass
            return event, second.connected, first.connected

    event, second_up, first_up = run(session(kc, server, body))
    assert "R10001" in event.detail and second_up and not first_up
    assert fake.logins == 2
