"""The client against the fake server speaking Kiwoom's real envelope (docs/wire.md).

Kiwoom answers errors with a generic top-level ``return_code`` (3: authentication, 5: a limit)
and the specific code in ``return_msg`` as ``[NNNN:...]``; rate refusals come as HTTP 429 or
200, token refusals as HTTP 200 (KIWOOM_FORMAT.md, "On the wire"). Pacing is asserted with a
fake clock shared by the client's limiter and the server's rate window: no timed assertions.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest


class FakeClock:
    """A monotonic clock that moves only when a client waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def paced_client(kc: Any, server: Any, clock: FakeClock, **overrides: Any) -> Any:
    """A client whose pacing waits and backoff sleeps move ``clock`` instead of sleeping."""

    class Client(kc.Client):  # type: ignore[misc,name-defined]
        paced: list[float]

        def _sleep(self, seconds: float) -> None:
            self.sleeps.append(seconds)
            clock.advance(seconds)

        def _pace_sleep(self, seconds: float) -> None:
            self.paced.append(seconds)
            clock.advance(seconds)

    limiter = kc.ratelimit.RateLimiter(clock=clock, per_api={})  # learns every allowance
    client = Client(**kc.kwargs(server, rate_limit=limiter, **overrides))
    client.paced = []
    return client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wire(kc: Any, clock: FakeClock) -> Any:
    with kc.FakeKiwoomServer(clock=clock) as fake:
        yield fake


READ = {"mrkt_tp": "0"}
LIMIT_1700 = (
    "허용된 요청 개수를 초과하였습니다"
    "[1700:허용된 API 요청 개수를 초과하였습니다. 유량=1, API ID=ka10099]"
)


def test_effective_code(kc: Any) -> None:
    code = kc.errors.effective_code
    assert code(5, LIMIT_1700) == 1700
    assert code(3, "인증에 실패했습니다[8005:Token이 유효하지 않습니다]") == 8005
    assert code(5, "CODE=1700 ...") == 1700
    assert code(1700, "limit") == 1700 and code("1511", "") == 1511 and code(2.0, None) == 2
    assert code(True, "") is None and code("x", "no code") is None and code(None, "") is None


@pytest.mark.parametrize("status", [429, 200])
def test_read_under_a_1700_is_paced_and_succeeds(
    kc: Any, wire: Any, clock: FakeClock, status: int
) -> None:
    exact = {"return_code": 5, "return_msg": LIMIT_1700}  # the answer Kiwoom sends, verbatim
    wire.queue_http_status("ka10099", status, body=exact)
    with paced_client(kc, wire, clock) as client:
        assert client.call("ka10099", READ).data.stk_list[0].code == "005930"
        assert client._limiter.allowance("ka10099") == 1.0  # learned from 유량=1
    first, second = wire.requests_for("ka10099")
    assert client.sleeps == [0.0]  # no backoff of its own: the limiter spaces the retry
    assert client.paced and 1.0 <= client.paced[-1] <= 1.1  # one second for 유량=1
    assert wire.refusals == []  # a programmed answer, not counted by the window


def test_rate_refusal_error_names_its_allowance(kc: Any, wire: Any, clock: FakeClock) -> None:
    wire.set_rate_limit("ka10099", 2)
    wire.queue_rate_limit("ka10099", times=5)
    with paced_client(kc, wire, clock, max_retries=0) as client:
        with pytest.raises(kc.errors.RateLimitError) as info:
            client.call("ka10099", READ)
    err = info.value
    assert (err.code, err.return_code, err.status_code) == (1700, 5, 429)
    assert (err.allowance, err.limited_api_id) == (2, "ka10099")


def test_token_refusal_in_the_envelope_gets_one_new_token(kc: Any, wire: Any, clock: Any) -> None:
    with paced_client(kc, wire, clock) as client:
        client.call("ka10099", READ)
        wire.queue_error("ka10099", 8005)  # HTTP 200, return_code 3, [8005:...]
        assert client.call("ka10099", READ).body["return_code"] == 0
    assert len(wire.requests_for("au10001")) == 2
    assert len(wire.requests_for("ka10099")) == 3


def test_order_under_a_1700_is_sent_again_and_succeeds(kc: Any, wire: Any, clock: Any) -> None:
    wire.queue_rate_limit("kt10006", status=200)
    with paced_client(kc, wire, clock) as client:
        assert client.call("kt10006", kc.BUY).data.ord_no == "0000024"
    assert len(wire.requests_for("kt10006")) == 2


def test_order_under_return_code_429_alone_is_sent_once(kc: Any, server: Any) -> None:
    server.set_response("kt10006", {"return_code": 429, "return_msg": "too many"})
    with kc.Client(**kc.kwargs(server, max_retries=5)) as client:
        with pytest.raises(kc.errors.RateLimitError) as info:
            client.call("kt10006", kc.BUY)
    assert len(server.requests_for("kt10006")) == 1
    assert "may have been received and executed" in str(info.value)
    server.reset()
    server.set_response("ka10099", {"return_code": 429, "return_msg": "too many"})
    with kc.Client(**kc.kwargs(server, max_retries=2)) as client:  # a read may be retried
        with pytest.raises(kc.errors.RateLimitError):
            client.call("ka10099", READ)
    assert len(server.requests_for("ka10099")) == 3


def test_1634_is_raised_at_once(kc: Any, server: Any, client: Any) -> None:
    server.queue_error("ka10099", 1634, "종목코드는 100개까지 입력 가능합니다", times=3)
    with pytest.raises(kc.errors.InvalidInputError) as info:
        client.call("ka10099", READ)
    assert (info.value.code, info.value.return_code) == (1634, 5)
    assert len(server.requests_for("ka10099")) == 1 and client.sleeps == []


def test_plain_form_still_understood(kc: Any) -> None:
    with kc.FakeKiwoomServer(envelope="plain") as plain:
        plain.queue_rate_limit("kt10006")
        plain.queue_error("ka10099", 8005)
        with kc.Client(**kc.kwargs(plain)) as client:
            assert client.call("kt10006", kc.BUY).data.ord_no == "0000024"
            assert client.call("ka10099", READ).body["return_code"] == 0
        assert len(plain.requests_for("kt10006")) == 2
        assert len(plain.requests_for("au10001")) == 2


def test_50_calls_with_allowance_2_see_at_most_one_refusal(
    kc: Any, wire: Any, clock: FakeClock
) -> None:
    wire.set_rate_limit("ka10099", 2)
    with paced_client(kc, wire, clock) as client:
        for _ in range(50):
            assert client.call("ka10099", READ).body["return_code"] == 0
    assert len(wire.refusals) <= 1
    assert len(wire.requests_for("ka10099")) == 50 + len(wire.refusals)


def test_total_limit_answers_1701_and_the_class_waits(kc: Any, wire: Any, clock: Any) -> None:
    wire.total_rate = 1
    with paced_client(kc, wire, clock) as client:
        client.call("ka10099", READ)
        client.call("kt10006", kc.BUY)  # another API id: the total refuses it once
    assert wire.refusals == [("kt10006", 1701)]
    assert len(wire.requests_for("kt10006")) == 2


def test_pacing_never_waits_past_the_deadline(kc: Any, wire: Any, clock: FakeClock) -> None:
    limiter = kc.ratelimit.RateLimiter(per_api={"ka10099": 0.01}, clock=clock)  # 100 s apart
    with kc.Client(**kc.kwargs(wire, rate_limit=limiter, deadline=5)) as client:
        client.call("ka10099", READ)
        with pytest.raises(kc.errors.APITimeoutError, match="pacing"):
            client.call("ka10099", READ)
    assert len(wire.requests_for("ka10099")) == 1


def test_limiter_is_shared_by_clients_of_one_key(kc: Any, server: Any) -> None:
    a = kc.Client(**kc.kwargs(server, rate_limit=True))
    b = kc.Client(**kc.kwargs(server, rate_limit=True))
    other = kc.Client(**kc.kwargs(server, rate_limit=True, appkey="another-key"))
    off = kc.Client(**kc.kwargs(server, rate_limit=False))
    assert a._limiter is b._limiter is not None and other._limiter is not a._limiter
    assert off._limiter is None
    assert kc.APPKEY not in repr(a._limiter)
    with pytest.raises(ValueError):
        kc.Client(**kc.kwargs(server, rate_limit="fast"))


def test_limiter_spaces_threads_and_classes(kc: Any, clock: FakeClock) -> None:
    limiter = kc.ratelimit.RateLimiter(per_api={"ka10081": 5}, clock=clock)
    waits = [limiter.reserve("ka10081", False) for _ in range(3)]
    assert waits == pytest.approx([0.0, 0.21, 0.42])  # 5 a second, with a 5 % margin
    assert limiter.reserve("kt10000", True) == 0.0  # orders are a class of their own
    assert limiter.reserve("ka10081", False, max_wait=0.1) is None  # nothing taken
    assert limiter.reserve("ka10081", False) == pytest.approx(0.63)


def test_a_refusal_whose_pacing_passes_the_deadline_is_raised(
    kc: Any, wire: Any, clock: Any
) -> None:
    wire.queue_rate_limit("ka10099")  # 유량=1: the retry would wait a second
    with paced_client(kc, wire, clock, deadline=0.5) as client:
        with pytest.raises(kc.errors.RateLimitError):
            client.call("ka10099", READ)
    assert len(wire.requests_for("ka10099")) == 1


def test_pacing_starts_from_the_allowances_seen_on_the_wire(kc: Any, clock: FakeClock) -> None:
    limiter = kc.ratelimit.RateLimiter(clock=clock)
    assert limiter.allowance("ka10081") == 5.0 and limiter.allowance("ka10099") == 1.0
    assert limiter.allowance("kt10006") is None  # unknown: the class total applies


def test_an_api_without_example_answers_rows_made_from_its_model(kc: Any) -> None:
    import dataclasses

    bare = {k: dataclasses.replace(op, response_example=None) for k, op in kc.ops.items()}
    with kc.FakeKiwoomServer(bare) as fake:
        with kc.Client(**kc.kwargs(fake)) as client:
            rows = client.call("ka10099", READ).data.stk_list
    assert [(r.code, r.name) for r in rows] == [("0", "0"), ("0", "0")]


def test_async_twin_paces_and_keeps_orders_safe(kc: Any, wire: Any, clock: FakeClock) -> None:
    import asyncio

    class Client(kc.AsyncClient):  # type: ignore[misc,name-defined]
        async def _sleep(self, seconds: float) -> None:
            self.sleeps.append(seconds)
            clock.advance(seconds)

        async def _pace_sleep(self, seconds: float) -> None:
            clock.advance(seconds)

    limiter = kc.ratelimit.RateLimiter(clock=clock, per_api={})
    wire.set_rate_limit("ka10099", 2)
    wire.set_response("kt10006", {"return_code": 429, "return_msg": "too many"})

    async def main() -> None:
        async with Client(**kc.kwargs(wire, rate_limit=limiter, max_retries=5)) as client:
            for _ in range(10):
                assert (await client.call("ka10099", READ)).body["return_code"] == 0
            with pytest.raises(kc.errors.RateLimitError):
                await client.call("kt10006", kc.BUY)

    asyncio.run(main())
    assert len(wire.refusals) <= 1 and limiter.allowance("ka10099") == 2.0
    assert len(wire.requests_for("kt10006")) == 1
