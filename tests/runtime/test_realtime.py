"""The real-time client end to end over real WebSockets against the fake real-time server.

Each test runs its own event loop (asyncio.run); the fake servers run on their own threads, so
programming them (push, drop, kick) from inside a test's coroutine is safe.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.support.realtime_session import FAST, HYNIX, SAMSUNG, aclient, run, session, wait_until


class _AnyTime(str):
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and len(other) == 6 and other.isdigit()

    __hash__ = str.__hash__


ANY_TIME = _AnyTime()


@pytest.fixture
def fake(server: Any) -> Any:
    return server.realtime


# ---- session basics ---------------------------------------------------------------------------


def test_login_sends_the_issued_token_without_bearer(kc: Any, server: Any, fake: Any) -> None:
    async def body(rt: Any) -> None:
        assert rt.connected

    run(session(kc, server, body))
    (login,) = fake.frames_of("LOGIN")
    (token,) = server.issued_tokens
    assert login == {"trnm": "LOGIN", "token": token}
    assert fake.logins == 1


def test_realtime_url_defaults_follow_env(kc: Any) -> None:
    prod = kc.pkg.KiwoomClient(appkey="a", secretkey="b")
    mock = kc.pkg.KiwoomClient(appkey="a", secretkey="b", env="mock")
    assert prod.realtime_url == "wss://api.kiwoom.com:10000"
    assert mock.realtime_url == "wss://mockapi.kiwoom.com:10000"
    with pytest.raises(ValueError, match="ws://"):
        kc.pkg.KiwoomClient(appkey="a", secretkey="b", realtime_url="http://x")


def test_pings_are_echoed_unchanged(kc: Any, server: Any, fake: Any) -> None:
    fake.ping_interval = 0.05

    async def body(rt: Any) -> None:
        assert await wait_until(lambda: fake.echoes >= 3)
        assert rt.connected

    run(session(kc, server, body))
    assert fake.pings_sent >= 3
    echoed = fake.frames_of("PING")
    assert echoed and all(set(f) == {"trnm", "seq", "time"} for f in echoed)  # unchanged
    assert fake.connections == 1


def test_server_closes_with_r10002_when_the_echo_stops(server: Any, fake: Any) -> None:
    """What the fake (like Kiwoom) does to a client that does not answer PING."""
    fake.ping_interval, fake.ping_timeout = 0.05, 0.1
    token = server.issued_tokens and server.issued_tokens[0]
    server.add_token("RAW-TOKEN")

    async def main() -> list[dict[str, Any]]:
        frames = []
        async with connect(fake.url + "/api/dostk/websocket") as ws:
            await ws.send(json.dumps({"trnm": "LOGIN", "token": "RAW-TOKEN"}))
            async for text in ws:  # never echoes
                frames.append(json.loads(text))
        return frames

    frames = run(main())
    assert token == []
    assert frames[0]["trnm"] == "LOGIN" and frames[0]["return_code"] == 0
    assert frames[1]["trnm"] == "PING"
    assert frames[-1] == {"trnm": "SYSTEM", "code": "R10002", "message": frames[-1]["message"]}


def test_system_and_ping_before_the_login_answer(kc: Any, server: Any, fake: Any) -> None:
    fake.noise_before_login = True

    async def body(rt: Any) -> None:
        assert rt.connected
        assert await wait_until(lambda: fake.echoes == 1)

    run(session(kc, server, body))
    assert fake.frames_of("PING") == [{"trnm": "PING", "seq": 0, "time": ANY_TIME}]
    assert fake.frames_of("SYSTEM") == []


def test_token_not_issued_without_keys_stops_clearly(kc: Any, server: Any, fake: Any) -> None:
    async def main() -> None:
        async with kc.pkg.AsyncKiwoomClient(
            access_token="NOT-ISSUED-TOKEN-77", base_url=server.url,
            realtime_url=server.realtime_url,
        ) as client:  # fmt: skip
            with pytest.raises(kc.errors.KiwoomError, match="appkey and secretkey") as info:
                async with client.realtime(**FAST):
                    pass
            assert "NOT-ISSUED-TOKEN-77" not in str(info.value)

    run(main())
    assert [f["token"] for f in fake.frames_of("LOGIN")] == ["NOT-ISSUED-TOKEN-77"]


def test_system_frames_are_not_echoed(kc: Any, server: Any, fake: Any) -> None:
    async def body(rt: Any) -> None:
        fake.send_system("R10003", "공지")
        await asyncio.sleep(0.1)
        assert rt.connected

    run(session(kc, server, body))
    assert fake.frames_of("SYSTEM") == []


# ---- subscriptions ----------------------------------------------------------------------------


def test_subscribe_receive_unsubscribe_domestic(kc: Any, server: Any, fake: Any) -> None:
    async def body(rt: Any) -> Any:
        trades = await rt.subscribe("0B", [SAMSUNG, HYNIX])
        assert fake.push("0B", SAMSUNG, {"10": "-20800", "20": "152530", "9999": "x"}) == 1
        msg = await trades.get(2)
        await trades.unsubscribe()
        with pytest.raises(LookupError, match="no logged-in connection is registered"):
            fake.push("0B", SAMSUNG)  # the fake says so instead of a silent 0
        with pytest.raises(StopAsyncIteration):
            await trades.get(1)
        return msg

    msg = run(session(kc, server, body))
    assert type(msg).__name__ == "StockTrade"
    assert (msg.type, msg.item, msg.name) == ("0B", SAMSUNG, "주식체결")
    assert msg.values.cur_prc == "-20800" and msg.values.cntr_tm == "152530"
    assert msg.values["9999"] == "x"  # undocumented ids stay reachable by id
    assert msg.raw["values"] == {"10": "-20800", "20": "152530", "9999": "x"}
    assert msg.values.to_dict() == {"cur_prc": "-20800", "cntr_tm": "152530", "9999": "x"}
    (reg,) = fake.frames_of("REG")
    assert reg == {
        "trnm": "REG",
        "grp_no": "1",
        "refresh": "1",
        "data": [{"item": [SAMSUNG, HYNIX], "type": ["0B"]}],
    }
    (remove,) = fake.frames_of("REMOVE")
    assert remove == {
        "trnm": "REMOVE",
        "grp_no": "1",
        "data": [{"item": [SAMSUNG, HYNIX], "type": ["0B"]}],
    }


def test_unsubscribe_keeps_what_the_group_still_needs(kc: Any, server: Any, fake: Any) -> None:
    async def body(rt: Any) -> Any:
        both = await rt.subscribe("0B", [SAMSUNG, HYNIX], group="9")
        one = await rt.subscribe("0B", [SAMSUNG], group="9")
        await both.unsubscribe()
        assert fake.registrations() == {("9", "0B", SAMSUNG)}
        fake.push("0B", SAMSUNG, {"10": "1"})
        return await one.get(2)

    assert run(session(kc, server, body)).values.cur_prc == "1"
    (remove,) = fake.frames_of("REMOVE")
    assert remove["data"] == [{"item": [HYNIX], "type": ["0B"]}]


def test_subscribe_us_type_with_object_items(kc: Any, server: Any, fake: Any) -> None:
    nvda = {"jmcode": "NVDA", "stex_tp": "ND"}

    async def body(rt: Any) -> Any:
        quotes = await rt.subscribe("FE", [nvda])
        fills = await rt.subscribe("F5")  # account-wide: no item
        fake.push("FE", "NVDA", {"10": "+181.25"})
        fake.push("F5", "", {"9203": "0000001"})
        return await quotes.get(2), await fills.get(2)

    quote, fill = run(session(kc, server, body, market="us"))
    assert (quote.type, quote.item, quote.values["10"]) == ("FE", "NVDA", "+181.25")
    assert fill.values["9203"] == "0000001"
    regs = fake.frames_of("REG")
    assert regs[0]["data"] == [{"item": [nvda], "type": ["FE"]}]
    assert regs[1]["data"] == [{"item": [""], "type": ["F5"]}]
    assert {f["grp_no"] for f in regs} == {"1", "2"}


def test_types_are_checked_against_the_registry(kc: Any, server: Any) -> None:
    async def body(rt: Any) -> None:
        with pytest.raises(ValueError, match="/api/us/websocket"):
            await rt.subscribe("F5")
        with pytest.raises(ValueError, match="needs items"):
            await rt.subscribe("0B")
        with pytest.raises(ValueError, match="at most 100"):
            await rt.subscribe("0B", [f"{i:06d}" for i in range(101)])

    run(session(kc, server, body))


def test_several_entries_in_one_frame_reach_their_subscriptions(
    kc: Any, server: Any, fake: Any
) -> None:
    async def body(rt: Any) -> tuple[list[Any], list[Any], list[Any]]:
        samsung = await rt.subscribe("0B", [SAMSUNG])
        hynix = await rt.subscribe("0B", [HYNIX])
        both = await rt.subscribe("0B", [SAMSUNG, HYNIX])
        entries = [
            fake.entry("0B", SAMSUNG, {"10": "1"}),
            fake.entry("0B", HYNIX, {"10": "2"}),
            fake.entry("0B", SAMSUNG, {"10": "3"}),
        ]
        assert fake.push_entries(entries) == 1
        await wait_until(lambda: len(both) == 3)
        return (
            [samsung.get_nowait(), samsung.get_nowait()],
            [hynix.get_nowait()],
            [both.get_nowait() for _ in range(3)],
        )

    samsung, hynix, both = run(session(kc, server, body))
    assert [m.values.cur_prc for m in samsung] == ["1", "3"]
    assert [m.values.cur_prc for m in hynix] == ["2"]
    assert [m.values.cur_prc for m in both] == ["1", "2", "3"]


def test_real_before_the_reg_answer_is_kept(kc: Any, server: Any, fake: Any) -> None:
    fake.real_before_ack = True

    async def body(rt: Any) -> Any:
        trades = await rt.subscribe("0B", [SAMSUNG])
        return trades.get_nowait()  # already queued when subscribe returned

    msg = run(session(kc, server, body))
    assert msg is not None and msg.item == SAMSUNG and msg.values.cur_prc == "-20800"


def test_refresh_0_replaces_the_group(kc: Any, server: Any, fake: Any) -> None:
    async def body(rt: Any) -> tuple[Any, Any]:
        first = await rt.subscribe("0B", [SAMSUNG], group="7")
        second = await rt.subscribe("0B", [HYNIX], group="7", refresh=False)
        return first, second

    first, second = run(session(kc, server, body))
    assert first.closed and [f["refresh"] for f in fake.frames_of("REG")] == ["1", "0"]


def test_auto_groups_skip_the_ones_given(kc: Any, server: Any, fake: Any) -> None:
    async def body(rt: Any) -> list[str]:
        given = await rt.subscribe("0B", [SAMSUNG], group="2")
        first = await rt.subscribe("0B", [HYNIX])
        second = await rt.subscribe("00")
        return [given.group, first.group, second.group]

    assert run(session(kc, server, body)) == ["2", "1", "3"]


def test_a_session_that_is_not_connected_says_so(kc: Any, server: Any) -> None:
    async def main() -> None:
        async with aclient(kc, server) as client:
            rt = client.realtime()
            with pytest.raises(kc.pkg.RealtimeClosedError, match="async with"):
                await rt.subscribe("0B", [SAMSUNG])

    run(main())


def test_refused_registration_raises(kc: Any, server: Any, fake: Any) -> None:
    async def body(rt: Any) -> None:
        with pytest.raises(kc.pkg.RealtimeRequestError, match="REG refused"):
            await rt.subscribe("ZZ")  # a type the registry does not know, without items
        assert rt._subs == []
        with pytest.raises(ValueError, match="domestic session takes codes"):
            await rt.subscribe("0B", [{"jmcode": 5}])  # type: ignore[list-item]

    run(session(kc, server, body))


def test_overflow_drops_oldest_and_counts(kc: Any, server: Any, fake: Any) -> None:
    async def body(rt: Any) -> tuple[Any, Any]:
        oldest = await rt.subscribe("0B", [SAMSUNG], queue_size=3)
        newest = await rt.subscribe("0B", [SAMSUNG], queue_size=3, overflow="drop_newest")
        for i in range(10):
            fake.push("0B", SAMSUNG, {"10": str(i)})
        await wait_until(lambda: oldest.dropped + len(oldest) == 10)
        return oldest, newest

    oldest, newest = run(session(kc, server, body))
    assert oldest.dropped == 7 and [m.values.cur_prc for m, _ in oldest._queue] == ["7", "8", "9"]
    assert newest.dropped == 7 and [m.values.cur_prc for m, _ in newest._queue] == ["0", "1", "2"]


# ---- staying connected ------------------------------------------------------------------------


def test_rejected_token_is_reissued_once(kc: Any, server: Any, fake: Any) -> None:
    fake.reject_next_logins(1, 8005)
    run(session(kc, server, lambda rt: asyncio.sleep(0)))
    first, second = fake.frames_of("LOGIN")
    assert first["token"] != second["token"]
    assert [first["token"], second["token"]] == server.issued_tokens
    assert fake.logins == 1


@pytest.mark.slow
@pytest.mark.parametrize("code", [8005, 8031, 8103])
def test_login_refused_twice_stops_without_leaking_the_token(
    kc: Any, server: Any, fake: Any, code: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.reject_next_logins(2, code)
    with pytest.raises(kc.pkg.RealtimeLoginError) as info:
        run(session(kc, server, lambda rt: asyncio.sleep(0)))
    assert f"CODE={code}" in str(info.value)
    assert len(server.issued_tokens) == 2
    for secret in [*server.issued_tokens, kc.APPKEY, kc.SECRETKEY]:
        assert secret not in str(info.value) and secret not in caplog.text


def test_expired_token_on_reconnect_is_reissued(kc: Any, server: Any, fake: Any) -> None:
    async def body(rt: Any) -> Any:
        trades = await rt.subscribe("0B", [SAMSUNG])
        server.expire_tokens()
        fake.drop()
        assert await wait_until(lambda: rt.reconnects == 1)
        # The registration is replayed after the new LOGIN, a moment after the reconnect is
        # counted: push once a logged-in connection holds it (the push is sent exactly once).
        entry = fake.entry("0B", SAMSUNG, {"10": "5"})
        assert await wait_until(lambda: fake.push_entries([entry], check=False) == 1)
        return await trades.get(2)

    msg = run(session(kc, server, body))
    assert msg.values.cur_prc == "5"
    assert len(server.issued_tokens) == 2 and fake.logins == 2


def test_drop_reconnects_replays_each_registration_once_and_reports_a_gap(
    kc: Any, server: Any, fake: Any
) -> None:
    fake.set_conditions([("0", "돌파"), ("1", "급등")])
    fake.set_condition_members("1", ["005930"])

    async def body(rt: Any) -> tuple[Any, ...]:
        events = rt.events()
        trades = await rt.subscribe("0B", [SAMSUNG])
        orders = await rt.subscribe("00")
        watch = await rt.watch_condition("1")
        fake.set_condition_members("1", ["005930", "035720"])  # changes while down
        fake.drop()
        assert await wait_until(lambda: rt.reconnects == 1 and rt.connected)
        assert fake.registrations() == {("1", "0B", SAMSUNG), ("2", "00", "")}
        fake.push("0B", SAMSUNG, {"10": "after"})
        msg = await trades.get(2)
        change = await watch.get(2)
        kinds = []
        while (e := events.get_nowait()) is not None:
            kinds.append(getattr(e, "kind", type(e).__name__))
        return msg, trades, orders, watch, change, kinds

    msg, trades, orders, watch, change, kinds = run(session(kc, server, body))
    assert msg.values.cur_prc == "after"
    regs = fake.frames_of("REG")
    assert [r["grp_no"] for r in regs] == ["1", "2", "1", "2"]  # each replayed exactly once
    assert [f["trnm"] for f in fake.frames_of("CNSRLST")] == ["CNSRLST", "CNSRLST"]
    assert [f["search_type"] for f in fake.frames_of("CNSRREQ")] == ["1", "1"]
    assert trades.gaps == orders.gaps == watch.gaps == 1
    assert kinds[:4] == ["connected", "disconnected", "reconnected", "gap"]
    assert (change.action, change.item) == ("insert", "035720")


@pytest.mark.slow
def test_idle_connection_is_reconnected(kc: Any, server: Any, fake: Any) -> None:
    async def body(rt: Any) -> None:
        assert await wait_until(lambda: rt.reconnects >= 1, timeout=5)

    run(session(kc, server, body, idle_timeout=0.2))
    assert fake.connections >= 2


@pytest.mark.slow
def test_r10001_stops_with_a_clear_error(kc: Any, server: Any, fake: Any) -> None:
    async def body(rt: Any) -> None:
        trades = await rt.subscribe("0B", [SAMSUNG])
        fake.kick()
        with pytest.raises(kc.pkg.SessionTakenOverError, match="R10001"):
            await trades.get(2)
        with pytest.raises(kc.pkg.SessionTakenOverError):
            await rt.subscribe("0B", [HYNIX])
        await asyncio.sleep(0.2)

    run(session(kc, server, body))
    assert fake.connections == 1  # never reconnected


def test_unreachable_server_fails_the_first_connect(kc: Any, server: Any, dead_url: str) -> None:
    async def main() -> None:
        async with kc.pkg.AsyncKiwoomClient(
            **kc.kwargs(server, realtime_url=dead_url.replace("http", "ws"))
        ) as client:
            with pytest.raises(kc.pkg.RealtimeError, match="cannot connect"):
                async with client.realtime(connect_timeout=2):
                    pass

    run(main())


# ---- condition search -------------------------------------------------------------------------


def test_condition_list_one_off_with_pages_and_live_watch(kc: Any, server: Any, fake: Any) -> None:
    fake.set_conditions([("0", "돌파"), ("3", "거래량 급증")])
    fake.set_condition_pages(
        "3",
        [[{"9001": "A005930", "302": "삼성전자"}], [{"9001": "A000660", "302": "SK하이닉스"}]],
    )
    fake.set_condition_members("3", ["A005930"])

    async def body(rt: Any) -> tuple[Any, ...]:
        rows = await rt.condition_search("3")  # lists first by itself on this connection
        conditions = await rt.conditions()
        watch = await rt.watch_condition("3")
        fake.push_condition("3", "A000660", "I")
        fake.push_condition("3", "A005930", "D")
        inserted, deleted = await watch.get(2), await watch.get(2)
        await watch.close()
        assert fake.push_condition("3", "A035720", "I") == 0
        return rows, conditions, watch, inserted, deleted

    rows, conditions, watch, inserted, deleted = run(session(kc, server, body))
    assert [r["9001"] for r in rows] == ["A005930", "A000660"]
    assert [(c.seq, c.name) for c in conditions] == [("0", "돌파"), ("3", "거래량 급증")]
    assert watch.initial == ["A005930"] and watch.members == {"A000660"}
    assert (inserted.action, inserted.item, inserted.seq) == ("insert", "A000660", "3")
    assert (deleted.action, deleted.item) == ("delete", "A005930")
    trnms = [f["trnm"] for _, f in fake.frames if f["trnm"] != "LOGIN"]
    assert trnms == ["CNSRLST", "CNSRREQ", "CNSRREQ", "CNSRLST", "CNSRREQ", "CNSRCLR"]
    first, second = fake.frames_of("CNSRREQ")[:2]
    assert (first["cont_yn"], first["next_key"]) == ("N", "")
    assert (second["cont_yn"], second["next_key"]) == ("Y", "1")


def test_us_conditions_use_the_g_services(kc: Any, server: Any, fake: Any) -> None:
    fake.set_conditions([("5", "US momentum")], us=True)

    fake.set_condition_pages("5", [[{"jmcode": "NVDA"}], [{"jmcode": "AAPL"}]], us=True)

    async def body(rt: Any) -> Any:
        rows = await rt.condition_search("5")
        watch = await rt.watch_condition("5", exchange="ND")
        fake.push_condition("5", "NVDA", "I", us=True)
        return rows, await watch.get(2)

    rows, event = run(session(kc, server, body, market="us"))
    assert rows == [{"jmcode": "NVDA"}, {"jmcode": "AAPL"}]
    assert (event.action, event.item, event.message.type) == ("insert", "NVDA", "S2")
    trnms = [f["trnm"] for _, f in fake.frames][1:]
    assert trnms == ["GCNSRLST", "GCNSRREQ", "GCNSRREQ", "GCNSRREQ"]
    # the US sheets have no stex_tp: the fake (reading the registry) refuses a frame with one
    assert all("stex_tp" not in f for f in fake.frames_of("GCNSRREQ"))


# ---- the sync twin ----------------------------------------------------------------------------


def test_sync_twin_runs_on_its_own_thread(kc: Any, server: Any, fake: Any) -> None:
    fake.set_conditions([("0", "돌파")])
    fake.set_condition_pages("0", [[{"9001": "A005930"}]])
    client = kc.pkg.KiwoomClient(**kc.kwargs(server, realtime_url=server.realtime_url))
    threads: list[str] = []

    async def inside_a_running_loop() -> Any:  # the caller's loop is never used or blocked
        with client.realtime(**FAST) as rt:
            trades = rt.subscribe("0B", [SAMSUNG])
            fake.push("0B", SAMSUNG, {"10": "+1"})
            msg = next(iter(trades))
            threads.append(threading.current_thread().name)
            assert rt.conditions()[0].name == "돌파"
            assert rt.condition_search("0") == [{"9001": "A005930"}]
            trades.unsubscribe()
            with pytest.raises(StopIteration):
                next(trades)
            with pytest.raises(TimeoutError):
                rt.subscribe("0B", [HYNIX]).get(timeout=0.05)
            return msg

    msg = asyncio.run(inside_a_running_loop())
    client.close()
    assert msg.values.cur_prc == "+1"
    assert threads == ["MainThread"]
    assert not any(t.name == "kiwoom-realtime-loop" for t in threading.enumerate())


# ---- secrets and imports ----------------------------------------------------------------------


def test_no_token_in_logs_reprs_or_errors(
    kc: Any, server: Any, fake: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.ping_interval = 0.05
    seen: list[str] = []

    async def body(rt: Any) -> None:
        trades = await rt.subscribe("0B", [SAMSUNG])
        seen.extend([repr(rt), repr(trades), str(rt.__dict__.get("_token") is not None)])
        await wait_until(lambda: fake.echoes >= 2)
        fake.drop()
        await wait_until(lambda: rt.reconnects == 1)
        fake.send_system("R10009", f"token {server.issued_tokens[0]} expired")

    run(session(kc, server, body))
    text = caplog.text + "".join(seen)
    assert "LOGIN ok" in caplog.text
    for secret in [*server.issued_tokens, kc.APPKEY, kc.SECRETKEY]:
        assert secret not in text


@pytest.mark.slow
def test_importing_the_package_does_not_import_websockets(kc: Any) -> None:
    code = (
        f"import sys, {kc.name}, {kc.name}._realtime_registry; "
        f"c = {kc.name}.KiwoomClient(appkey='a', secretkey='b'); "
        "assert 'websockets' not in sys.modules, 'websockets imported'; "
        "c.realtime(); assert 'websockets' in sys.modules"
    )
    root = str(sys.modules[kc.name].__file__).rsplit("/", 2)[0]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(autouse=True)
def _no_thread_leak() -> Iterator[None]:
    before = {t.ident for t in threading.enumerate()}
    yield
    leaked = [
        t for t in threading.enumerate() if t.ident not in before and t.name.startswith("kiwoom")
    ]
    for t in leaked:
        t.join(timeout=2)
    assert not [t for t in leaked if t.is_alive()]
