"""Random faults against the runtime: the engine of tests/runtime/test_fuzz_runtime.py (a fixed
set of seeds, part of pytest) and of ``python -m benchmarks.fuzz_runtime`` (as long as asked).

One scenario = one call (a read or an order) against :class:`HostileServer`, whose every answer
is drawn at random from what a broken server or network produces: error statuses with HTML or
JSON, every spelling of ``return_code``, wrong content types, invalid JSON, truncated, huge,
dripping and stalled bodies, resets and closed connections, continuation headers that never
end, loop or cannot be sent back. A successful read is then iterated. The invariants:

- the call returns or raises a ``KiwoomError``, nothing else;
- it ends by its deadline (async) or at most one read timeout later (sync);
- an order is sent again only after an answer that proved it was not accepted (a rate-limit
  rejection), so every fault that may have let it through is followed by no other request;
- an iteration of pages follows at most ``max_pages`` pages;
- the token never appears in an error's message or repr, nor in any log record.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.hostile import OK, Behaviour, HostileServer, Seen

TOKEN = "TOKEN-fuzz-3Kd8-SECRET"
TIMEOUT = 0.3
DEADLINE = 0.6
MAX_BYTES = 64 * 1024
MAX_PAGES = 5
SLACK = 0.5  # scheduling noise on a loaded 2-core machine
READ_BODY = {"mrkt_tp": "0"}
RATE_LIMIT = frozenset({1700, 1701, 1702})


@dataclass
class Drawn:
    behaviour: Behaviour
    rejection: bool  # a complete answer proving the request was not accepted
    what: str


@dataclass
class Stats:
    scenarios: int = 0
    requests: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str, requests: int) -> None:
        self.scenarios += 1
        self.requests += requests
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def _return_code(rng: random.Random) -> Any:
    return rng.choice(
        [0, 0, 0, 0.0, "0", " 0 ", "0.0", 1700, 1701, "1702", 1700.0, 8005, 1511, 1999, -1,
         "x", None, "", True, [0], {"a": 1}, 0.5, 1e308]
    )  # fmt: skip


def _headers(rng: random.Random, n: int) -> dict[str, str]:
    roll = rng.random()
    if roll < 0.35:
        return {"cont-yn": "Y", "next-key": f"k{n}-{rng.randrange(10**6)}"}  # endless
    if roll < 0.45:
        return {"cont-yn": "Y", "next-key": rng.choice(["k1", "k2"])}  # loops
    if roll < 0.5:
        return {"cont-yn": "Y", "next-key": rng.choice(["\x01bad", "é", "a b ", ""])}
    return {"cont-yn": rng.choice(["N", "", "y", "Y"]), "next-key": ""}


def draw(rng: random.Random, n: int) -> Drawn:
    """One answer, at random."""
    kind = rng.choices(
        ["json", "html", "invalid", "wrongtype", "truncated", "huge", "drip", "stall", "reset",
         "close", "empty"],
        weights=[40, 8, 6, 5, 6, 4, 4, 3, 6, 5, 3],
    )[0]  # fmt: skip
    status = rng.choice([200] * 6 + [400, 429, 500, 502, 503, 504])
    if kind == "json":
        code = _return_code(rng)
        body = {"return_code": code, "return_msg": rng.choice(["ok", "오류", "\r\n", "<b>x</b>"])}
        body.update(rng.choice([{}, {"ord_no": "0000024"}, {"stk_list": [{"code": "1"}]},
                                {"stk_list": "not a list"}, {"token": TOKEN}]))  # fmt: skip
        types = ["application/json;charset=UTF-8", "text/plain", "application/json", "text/html"]
        heads = {**_headers(rng, n), "content-type": rng.choice(types)}
        normal = _normal(code)
        rejection = normal in RATE_LIMIT or (status == 429 and normal == 0)
        return Drawn(
            Behaviour.json(body, status, headers=heads), rejection, f"json {status} {code!r}"
        )
    if kind == "html":
        page = b"<!DOCTYPE html><html><body><h1>" + str(status).encode() + b"</h1></body></html>"
        b = Behaviour(status=status, headers=(("content-type", "text/html"),), body=page)
        return Drawn(b, status == 429, f"html {status}")
    if kind == "invalid":
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80)))
        b = Behaviour(status=status, headers=(("content-type", "application/json"),), body=raw)
        return Drawn(b, status == 429, f"invalid {status}")
    if kind == "wrongtype":
        b = Behaviour(headers=(("content-type", "application/octet-stream"),), body=b"\x00" * 10)
        return Drawn(b, False, "wrong type")
    if kind == "truncated":
        body = json.dumps(OK).encode()
        cut = rng.randrange(len(body))
        return Drawn(Behaviour(body=body[:cut], declared=len(body)), False, f"truncated {cut}")
    if kind == "huge":
        size = rng.choice([MAX_BYTES + 1, 4 * MAX_BYTES, 64 * MAX_BYTES])
        return Drawn(Behaviour(kind="stream", size=size, filler=b"[1,"), False, f"huge {size}")
    if kind == "drip":
        body = json.dumps({**OK, "pad": "x" * rng.randrange(10, 60)}).encode()
        gap = rng.uniform(0.01, 0.05)
        return Drawn(Behaviour(body=body, drip=gap), False, f"drip {gap:.2f}")
    if kind == "stall":
        return Drawn(Behaviour(kind="stall", drip=rng.uniform(0.2, 1.5)), False, "stall")
    if kind == "empty":
        return Drawn(Behaviour(status=status), status == 429, f"empty {status}")
    return Drawn(Behaviour(kind=kind), False, kind)


def _normal(code: Any) -> int | None:
    """What the runtime must read ``return_code`` as (the contract of return_code_of)."""
    if code is None or code == "":
        return 0
    if isinstance(code, bool) or not isinstance(code, int | float | str):
        return None
    try:
        value = float(code)
    except ValueError:
        return None
    return (
        int(value) if value == value and abs(value) != float("inf") and value.is_integer() else None
    )


class Scenario:
    """The answers of one scenario, drawn as requests arrive; what each request got is kept."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.given: list[tuple[Seen, Drawn]] = []

    def __call__(self, req: Seen) -> Behaviour:
        drawn = draw(self.rng, len(self.given))
        self.given.append((req, drawn))
        return drawn.behaviour

    def describe(self) -> str:
        return f"seed {self.seed}: " + "; ".join(d.what for _, d in self.given)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.text = io.StringIO()

    def emit(self, record: logging.LogRecord) -> None:
        self.text.write(record.getMessage() + "\n")


def check(cond: bool, scenario: Scenario, message: str) -> None:
    if not cond:
        raise AssertionError(f"{message} ({scenario.describe()})")


def _check_after(
    kc: Any, scenario: Scenario, is_order: bool, error: BaseException | None, elapsed: float,
    exact: bool, log_text: str,
) -> str:  # fmt: skip
    if error is not None:
        check(isinstance(error, kc.errors.KiwoomError), scenario, f"raised {error!r}")
        check(TOKEN not in str(error) + repr(error), scenario, "token in an error")
    limit = DEADLINE + (0 if exact else TIMEOUT) + SLACK
    check(elapsed <= limit, scenario, f"took {elapsed:.2f}s, limit {limit:.2f}s")
    check(TOKEN not in log_text, scenario, "token in the logs")
    if is_order:
        requests = [d for r, d in scenario.given if r.api_id == "kt10006"]
        for before in requests[:-1]:
            check(before.rejection, scenario, "order re-sent after an answer that was no rejection")
        check(
            not any(r.headers.get("next-key") for r, _ in scenario.given),
            scenario,
            "an order was paged",
        )
    return "ok" if error is None else type(error).__name__


def _pages_checked(kc: Any, scenario: Scenario, before: int) -> None:
    followed = [r for r, _ in scenario.given[before:] if r.headers.get("next-key")]
    check(len(followed) <= MAX_PAGES - 1, scenario, f"{len(followed)} pages followed")


def run_sync(kc: Any, server: HostileServer, seed: int, stats: Stats) -> None:
    scenario = Scenario(seed)
    server.script = scenario
    is_order = scenario.rng.random() < 0.5
    api_id, body = ("kt10006", kc.BUY) if is_order else ("ka10099", READ_BODY)
    capture = _Capture()
    root = logging.getLogger()
    root.addHandler(capture)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    error: BaseException | None = None
    try:
        http = httpx.Client(verify=False)  # plain HTTP: skip loading CA certificates per client
        with http, kc.Client(**_settings(server.url), http_client=http) as client:
            started = time.monotonic()
            try:
                resp = client.call(api_id, body)
            except Exception as exc:  # the check says which are allowed
                error, resp = exc, None
            elapsed = time.monotonic() - started
            if resp is not None and not is_order:
                before = len(scenario.given)
                try:
                    for _ in resp:
                        pass
                except Exception as exc:
                    check(isinstance(exc, kc.errors.KiwoomError), scenario, f"paging {exc!r}")
                _pages_checked(kc, scenario, before)
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)
    outcome = _check_after(kc, scenario, is_order, error, elapsed, False, capture.text.getvalue())
    stats.add(outcome, len(scenario.given))


def run_async(kc: Any, server: HostileServer, seed: int, stats: Stats) -> None:
    scenario = Scenario(seed)
    server.script = scenario
    is_order = scenario.rng.random() < 0.5
    api_id, body = ("kt10006", kc.BUY) if is_order else ("ka10099", READ_BODY)
    capture = _Capture()
    root = logging.getLogger()
    root.addHandler(capture)
    old_level = root.level
    root.setLevel(logging.DEBUG)

    async def main(url: str) -> tuple[BaseException | None, float]:
        http = httpx.AsyncClient(verify=False)
        async with http, kc.AsyncClient(**_settings(url), http_client=http) as client:
            started = time.monotonic()
            try:
                resp = await client.call(api_id, body)
            except Exception as exc:
                return exc, time.monotonic() - started
            elapsed = time.monotonic() - started
            if not is_order:
                before = len(scenario.given)
                try:
                    async for _ in resp:
                        pass
                except Exception as exc:
                    check(isinstance(exc, kc.errors.KiwoomError), scenario, f"paging {exc!r}")
                _pages_checked(kc, scenario, before)
            return None, elapsed

    try:
        error, elapsed = asyncio.run(main(server.url))
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)
    outcome = _check_after(kc, scenario, is_order, error, elapsed, True, capture.text.getvalue())
    stats.add(outcome, len(scenario.given))


def _settings(url: str) -> dict[str, Any]:
    return {
        "base_url": url,
        "access_token": TOKEN,
        "timeout": TIMEOUT,
        "deadline": DEADLINE,
        "max_retries": 3,
        "max_response_bytes": MAX_BYTES,
        "max_pages": MAX_PAGES,
    }


RUNNERS: dict[str, Callable[[Any, HostileServer, int, Stats], None]] = {
    "sync": run_sync,
    "async": run_async,
}


def idle(req: Seen) -> Behaviour:
    """The script between scenarios (a late request of a finished scenario gets a reset)."""
    return Behaviour(kind="reset")
