"""How Kiwoom's REST API answers on the wire, for the documents other languages generate from.

The facts are KIWOOM_FORMAT.md's "On the wire"; the Python runtime acts on the same ones
(``runtime/_errors.py``: ``NOT_PROCESSED_CODES``; ``runtime/_ratelimit.py``: the pacing
defaults), and tests/test_openapi.py checks that both say the same. docs/wire.md explains them.
"""

from __future__ import annotations

from typing import Any

# The generic top-level return_code of Kiwoom's error envelope.
GENERIC_CODES = {3: "authentication failed", 5: "a limit"}
RATE_LIMIT_CODES = (1700, 1701, 1702)
# Effective codes that prove Kiwoom did not process the request, and why (the 오류코드 sheet's
# meaning): after one of these, even an order may be sent again.
NOT_PROCESSED = {
    1700: "per-API request rate exceeded: refused before processing; re-send after pacing",
    1701: "total request rate exceeded: refused before processing; re-send after pacing",
    1702: "group request rate exceeded: refused before processing; re-send after pacing",
    8005: "token invalid: the request was not authenticated; re-send once with a new token",
    8031: "token of the other environment (real/mock): not authenticated; once with a new token",
    8103: "token authentication failed (seen on the wire): once with a new token",
}
QUERIES_PER_SECOND = 5  # Kiwoom's terms: about 5 queries and 5 orders a second per app key
ORDERS_PER_SECOND = 5
# 유량 (calls a second) seen in 1700 answers: a starting point, learned again from each 1700.
OBSERVED_ALLOWANCES = {"ka10001": 1, "ka10081": 5, "ka10099": 1, "usa20100": 1}

ENVELOPE_NOTE = (
    "Errors: `return_code` 0 means success; any other value is an error. Kiwoom often puts a "
    "generic code at the top (3: authentication failed, 5: a limit) and the specific one inside "
    "`return_msg` as `[NNNN:...]`, e.g. `허용된 요청 개수를 초과하였습니다[1700:허용된 API 요청 "
    "개수를 초과하였습니다. 유량=1, API ID=ka10081]`. The effective code is the embedded one "
    "(`\\[(\\d{3,5}):`) when present, else `return_code`; classify errors by it (its meaning is "
    "in `x-kiwoom-error-codes`). Rate refusals come as HTTP 429 or 200, token refusals as "
    "HTTP 200. Only the effective codes of `x-kiwoom-not-processed-codes` prove that Kiwoom did "
    "not process a request: nothing else (a `return_code` 429 in an HTTP 200, a timeout, a 5xx) "
    "allows re-sending an order."
)


def not_processed_codes() -> list[dict[str, Any]]:
    return [{"code": code, "reason": reason} for code, reason in NOT_PROCESSED.items()]


def pacing(api_id: str, is_order: bool) -> dict[str, Any]:
    """The ``x-kiwoom-pacing`` of one operation."""
    out: dict[str, Any] = {
        "class": "order" if is_order else "query",
        "class-calls-per-second": ORDERS_PER_SECOND if is_order else QUERIES_PER_SECOND,
        "refusal-codes": list(RATE_LIMIT_CODES),
        "allowance-source": "유량=N in the return_msg of a 1700 answer (calls a second)",
    }
    if api_id in OBSERVED_ALLOWANCES:
        out["observed-calls-per-second"] = OBSERVED_ALLOWANCES[api_id]
    return out
