"""Pacing against Kiwoom's rate limits: N calls in a row to an API whose allowance (유량) is 2.

    python -m benchmarks.bench_pacing [--calls 50] [--allowance 2] [--quick]

The fake server (``kiwoom_client.testing.FakeKiwoomServer``, real HTTP on 127.0.0.1) refuses a
call of an API id beyond its allowance in any one second with Kiwoom's answer: HTTP 429,
``return_code`` 5 and ``[1700:... 유량=2, API ID=...]``. The client generated from specs/ starts
without knowing the API's allowance (the observed ones are ka10001/ka10081/ka10099/usa20100,
not kt10006), learns it from the first refusal and paces from then on. Reported: refusals, calls
that failed, wall time, and the calls a second achieved against the allowance. Real time: the
run takes about ``calls / allowance`` seconds (``--quick``: 12 calls).

Exits 1 when a call fails or there is more than one refusal.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUY = {"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1", "trde_tp": "3"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--allowance", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    calls = 12 if args.quick else args.calls
    sys.path.insert(0, str(ROOT / "generated" / "python"))
    from kiwoom_client import KiwoomClient, RateLimiter
    from kiwoom_client.testing import FakeKiwoomServer

    api_id = "kt10006"  # an order: its class allows 5 a second, the API itself 2
    failed = 0
    with FakeKiwoomServer(appkey="k", secretkey="s") as server:
        server.set_rate_limit(api_id, args.allowance)
        limiter = RateLimiter()  # the defaults: 5 queries and 5 orders a second
        with KiwoomClient(
            appkey="k", secretkey="s", base_url=server.url, rate_limit=limiter, max_retries=2
        ) as client:
            client.issue_token()
            started = time.monotonic()
            for _ in range(calls):
                try:
                    client.credit_orders.buy(**BUY)
                except Exception as exc:  # counted, reported
                    failed += 1
                    print(f"failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            wall = time.monotonic() - started
        refusals = len(server.refusals)
        sent = len(server.requests_for(api_id))
    rate = calls / wall if wall else float("inf")
    print("| calls | allowance (유량) | refusals | failed | requests sent | wall | calls/s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {calls} | {args.allowance}/s | {refusals} | {failed} | {sent} | {wall:.1f} s "
        f"| {rate:.2f} |"
    )
    return 0 if failed == 0 and refusals <= 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
