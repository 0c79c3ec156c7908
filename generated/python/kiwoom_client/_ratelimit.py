# Copied verbatim from generator/runtime/_ratelimit.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""Client-side pacing: calls are spaced so that Kiwoom's rate limits are not hit (docs/wire.md).

Kiwoom's terms allow about 5 queries and 5 orders per second per app key (less on the mock
server), and count refusals per API id: the ``유량=N`` of a 1700 answer is that API's
allowance in calls per second (1 has been seen for ka10001, ka10099 and usa20100, 5 for
ka10081). A :class:`RateLimiter` spaces the calls of each class (queries, orders) at most
``per_second`` a second, and the calls of each API id at most its allowance, learned from its
1700 answers or given in ``per_api``. Spacing, not bursts: one call per interval, with a margin
of ``margin`` (5 %) so that the jitter of the network does not put two calls into one of
Kiwoom's one-second windows.

A slot is reserved under a lock and waited for outside it, so one limiter serves every thread
and task of a client, and every client of the process that shares it: by default the clients of
one app key and base URL share one (:func:`shared_limiter`). The wait never passes a call's
deadline: :meth:`RateLimiter.reserve` takes no slot and returns None when it would.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Mapping

__all__ = ["DEFAULT_ORDERS_PER_SECOND", "DEFAULT_QUERIES_PER_SECOND", "RateLimiter"]

DEFAULT_QUERIES_PER_SECOND = 5.0  # Kiwoom's terms: about 5 queries a second per app key
DEFAULT_ORDERS_PER_SECOND = 5.0  # and about 5 orders a second
# 유량 seen in Kiwoom's 1700 answers: where pacing starts for these APIs (learned again anyway)
OBSERVED_ALLOWANCES = {"ka10001": 1.0, "ka10081": 5.0, "ka10099": 1.0, "usa20100": 1.0}
_REFUSED_PAUSE = 1.0  # a refusal: the calls that filled Kiwoom's one-second window leave it


class RateLimiter:
    """Paces calls per API id and per class (queries, orders); thread-safe, shareable.

    ``queries_per_second`` / ``orders_per_second``: the totals (None: no total for the class);
    ``per_api``: known allowances, calls a second by API id (default: those seen on the wire,
    ``OBSERVED_ALLOWANCES``; more are learned from 1700 answers); ``clock``: a monotonic clock
    in seconds (tests pass a fake one).
    """

    def __init__(
        self,
        *,
        queries_per_second: float | None = DEFAULT_QUERIES_PER_SECOND,
        orders_per_second: float | None = DEFAULT_ORDERS_PER_SECOND,
        per_api: Mapping[str, float] | None = None,
        margin: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        for rate in (queries_per_second, orders_per_second, *(per_api or {}).values()):
            if rate is not None and not rate > 0:
                raise ValueError("a rate must be a positive number of calls per second or None")
        if not 0 <= margin < 1:
            raise ValueError("margin must be in [0, 1)")
        self._class_rate = {False: queries_per_second, True: orders_per_second}
        self._api_rate: dict[str, float] = dict(OBSERVED_ALLOWANCES if per_api is None else per_api)
        self._margin = margin
        self._clock = clock
        self._next_class: dict[bool, float] = {False: 0.0, True: 0.0}
        self._next_api: dict[str, float] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        queries, orders = self._class_rate[False], self._class_rate[True]
        return f"RateLimiter(queries_per_second={queries}, orders_per_second={orders})"

    def allowance(self, api_id: str) -> float | None:
        """The calls a second ``api_id`` is paced at (given or learned), None when unknown."""
        with self._lock:
            return self._api_rate.get(api_id)

    def _interval(self, rate: float | None) -> float:
        return 0.0 if rate is None else (1.0 + self._margin) / rate

    def reserve(self, api_id: str, is_order: bool, max_wait: float | None = None) -> float | None:
        """Take the next free slot of ``api_id`` and return the seconds to wait for it; None
        (no slot taken) when the wait would be longer than ``max_wait``."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_class[is_order], self._next_api.get(api_id, 0.0))
            wait = slot - now
            if max_wait is not None and wait > max_wait:
                return None
            self._next_class[is_order] = slot + self._interval(self._class_rate[is_order])
            self._next_api[api_id] = slot + self._interval(self._api_rate.get(api_id))
            return wait

    def pending(self, api_id: str, is_order: bool) -> float:
        """The seconds until ``api_id``'s next free slot (nothing is reserved)."""
        with self._lock:
            slot = max(self._next_class[is_order], self._next_api.get(api_id, 0.0))
            return max(0.0, slot - self._clock())

    def refused(self, api_id: str, is_order: bool, code: int, allowance: int | None) -> None:
        """Kiwoom refused a call with ``code``: learn ``api_id``'s allowance (1700 with
        ``유량=N``) and hold the API id (1700) or the class (1701, 1702) back."""
        with self._lock:
            now = self._clock()
            if code == 1700 and allowance is not None and allowance > 0:
                rate = float(allowance)
                known = self._api_rate.get(api_id)
                self._api_rate[api_id] = rate if known is None else min(known, rate)
            pause = _REFUSED_PAUSE * (1.0 + self._margin)
            if code == 1700:
                self._next_api[api_id] = max(self._next_api.get(api_id, 0.0), now + pause)
            else:  # the total (1701) or a group (1702): the whole class waits
                self._next_class[is_order] = max(self._next_class[is_order], now + pause)


_SHARED: dict[str, RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(appkey: str | None, base_url: str) -> RateLimiter:
    """The process's limiter of one app key at one base URL (made with the defaults on first
    use): Kiwoom counts per app key, so the clients of one key pace together. The key is kept
    only as a hash."""
    name = hashlib.sha256(f"{appkey or ''}\0{base_url}".encode()).hexdigest()
    with _SHARED_LOCK:
        limiter = _SHARED.get(name)
        if limiter is None:
            limiter = _SHARED[name] = RateLimiter()
        return limiter
