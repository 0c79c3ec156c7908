"""Redaction with short placeholder keys (the README's ``appkey="key"``): messages stay readable,
while the keys still never appear by field name."""

from __future__ import annotations

from typing import Any

import pytest


def test_a_short_key_does_not_mangle_the_message(kc: Any) -> None:
    with kc.FakeKiwoomServer() as server:
        server.queue_error("au10001", 8001, "App key check failed[8001:앱키 검증에 실패했습니다]")
        with kc.Client(appkey="key", secretkey="secret", base_url=server.url) as client:
            with pytest.raises(kc.errors.KiwoomError) as info:
                client.call("kt10006", kc.BUY)
    assert "App key check failed" in str(info.value)
    assert "***" not in str(info.value)
    sent = server.requests_for("au10001")[0].json
    assert sent["appkey"] == "key"  # sent as given; only the messages are concerned


def test_a_long_key_is_still_redacted_from_the_message(kc: Any) -> None:
    key = "Ab3dE5gH7jK9mN1pQ3sT"
    with kc.FakeKiwoomServer() as server:
        server.queue_error("au10001", 8001, f"App key check failed: appkey={key}")
        with kc.Client(appkey=key, secretkey="s" * 20, base_url=server.url) as client:
            with pytest.raises(kc.errors.KiwoomError) as info:
                client.call("kt10006", kc.BUY)
    assert key not in str(info.value) and "appkey=***" in str(info.value)
