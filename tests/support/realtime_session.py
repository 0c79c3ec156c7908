"""Running a real-time session of the generated client against the fake servers, for the
real-time tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

SAMSUNG, HYNIX = "005930", "000660_NX"


def run(coro: Awaitable[Any]) -> Any:
    return asyncio.run(coro)  # type: ignore[arg-type]


def aclient(kc: Any, server: Any, **overrides: Any) -> Any:
    return kc.pkg.AsyncKiwoomClient(
        **kc.kwargs(server, realtime_url=server.realtime_url, **overrides)
    )


FAST = {"backoff_initial": 0.02, "backoff_max": 0.1, "answer_timeout": 3.0}


async def session(
    kc: Any,
    server: Any,
    body: Callable[[Any], Awaitable[Any]],
    market: str = "domestic",
    **options: Any,
) -> Any:
    async with aclient(kc, server) as client:
        async with client.realtime(market, **{**FAST, **options}) as rt:
            return await body(rt)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> Awaitable[bool]:
    async def poll() -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    return poll()
