"""One token per app key: token stores shared by clients, threads and processes (docs/wire.md).

The fake server ends an app key's previous token when it issues a new one (as Kiwoom has been
reported to), and counts the tokens it issues.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

READ = {"mrkt_tp": "0"}

CHILD = """
import sys
from {pkg} import KiwoomClient
from {pkg}._tokens import FileTokenStore

url, directory = sys.argv[1], sys.argv[2]
store = FileTokenStore(directory)
with KiwoomClient(appkey={appkey!r}, secretkey={secretkey!r}, base_url=url, token_store=store,
                  rate_limit=False) as client:
    for _ in range(3):
        assert client.call("ka10099", {{"mrkt_tp": "0"}}).body["return_code"] == 0
print("ok")
"""


def run_children(kc: Any, server: Any, directory: Path, n: int) -> list[str]:
    root = str(Path(kc.pkg.__file__).parents[1])
    code = textwrap.dedent(CHILD.format(pkg=kc.name, appkey=kc.APPKEY, secretkey=kc.SECRETKEY))
    env = {**os.environ, "PYTHONPATH": root}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, server.url, str(directory)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(n)
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        outputs.append(out + err)
    return outputs


@pytest.mark.slow
def test_two_processes_sharing_a_file_store_issue_one_token(
    kc: Any, server: Any, tmp_path: Path
) -> None:
    server.delay("au10001", 0.5)  # the first issue is slow: the other process waits for it
    outputs = run_children(kc, server, tmp_path, 2)
    assert len(server.issued_tokens) == 1
    assert len(server.requests_for("ka10099")) == 6
    assert {r.headers["authorization"] for r in server.requests_for("ka10099")} == {
        f"Bearer {server.issued_tokens[0]}"
    }
    # a process started later with the same store issues no new token either
    run_children(kc, server, tmp_path, 1)
    assert len(server.issued_tokens) == 1
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len([f for f in files if f.endswith(".json")]) == 1
    token_file = next(p for p in tmp_path.iterdir() if p.suffix == ".json")
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    for secret in (kc.APPKEY, kc.SECRETKEY, server.issued_tokens[0]):
        assert all(secret not in name for name in files)  # the name is a hash
        assert all(secret not in text for text in outputs)  # nothing printed or logged


def test_a_refused_token_is_replaced_once_for_every_sharer(
    kc: Any, server: Any, tmp_path: Path
) -> None:
    store = kc.tokens.FileTokenStore(tmp_path)
    a = kc.Client(**kc.kwargs(server, token_store=store))
    b = kc.Client(**kc.kwargs(server, token_store=store))
    a.call("ka10099", READ)
    b.call("ka10099", READ)
    assert len(server.issued_tokens) == 1
    server.expire_tokens()  # both now hold a token Kiwoom refuses (8005)
    a.call("ka10099", READ)
    b.call("ka10099", READ)  # refused once, then takes a's new token from the store
    assert len(server.issued_tokens) == 2
    assert a.sleeps == b.sleeps == []
    for client in (a, b):
        shown = repr(client) + repr(store) + repr(client._token) + str(client._store_key)
        assert server.issued_tokens[1] not in shown and kc.APPKEY not in shown
        client.close()


def test_default_store_is_shared_by_the_clients_of_one_key(kc: Any, server: Any) -> None:
    first = kc.Client(**{**kc.kwargs(server), "token_store": None})
    second = kc.Client(**{**kc.kwargs(server), "token_store": None})
    first.call("ka10099", READ)
    second.call("ka10099", READ)
    assert len(server.issued_tokens) == 1
    assert first._store is second._store is kc.tokens.DEFAULT_STORE
    second.issue_token()  # ends the first token: the first client adopts the new one on 8005
    first.call("ka10099", READ)
    assert len(server.issued_tokens) == 2


def test_file_store_writes_atomically_and_ignores_garbage(kc: Any, tmp_path: Path) -> None:
    store = kc.tokens.FileTokenStore(tmp_path / "tokens")
    key = kc.tokens.store_key("appkey", "secret", "https://api.kiwoom.com")
    assert store.load(key) is None
    handle = store.try_lock(key)
    assert handle is not None and store.try_lock(key) is None  # held: even in this process
    store.save(key, {"token": "T", "token_type": "Bearer", "expires_at": None, "renew_at": None})
    store.unlock(handle)
    assert store.load(key)["token"] == "T"
    assert stat.S_IMODE((tmp_path / "tokens").stat().st_mode) == 0o700
    assert [p.name for p in (tmp_path / "tokens").iterdir() if ".tmp" in p.name] == []
    (tmp_path / "tokens" / f"kiwoom-token-{key}.json").write_text("{not json")
    assert store.load(key) is None
    with pytest.raises(ValueError):
        store.load("../escape")


@pytest.mark.slow
def test_sync_token_lock_keeps_each_threads_deadline(kc: Any, server: Any) -> None:
    """Thread A's token request stalls; thread B's own deadline still ends its call."""
    server.delay("au10001", 3.0)
    client = kc.Client(**kc.kwargs(server, timeout=5.0))
    errors: list[BaseException] = []
    a = threading.Thread(target=lambda: client.call("ka10099", READ), daemon=True)
    a.start()
    while not server.requests_for("au10001"):
        time.sleep(0.01)
    started = time.monotonic()
    try:
        client.call("ka10099", READ, deadline=0.5)
    except kc.errors.APITimeoutError as exc:
        errors.append(exc)
    took = time.monotonic() - started
    assert errors and "nothing was sent" in str(errors[0])
    assert took < 0.5 + 1.5  # its own deadline (0.5 s), not A's stalled 3 s
    a.join(timeout=10)
    client.close()


@pytest.mark.slow
def test_async_clients_sharing_a_store_issue_one_token(
    kc: Any, server: Any, tmp_path: Path
) -> None:
    import asyncio

    store = kc.tokens.FileTokenStore(tmp_path)
    server.delay("au10001", 0.3)  # the first issue is slow: the others wait on the store's lock

    async def main() -> None:
        clients = [kc.AsyncClient(**kc.kwargs(server, token_store=store)) for _ in range(3)]
        try:
            answers = await asyncio.gather(*(c.call("ka10099", READ) for c in clients))
            assert all(a.body["return_code"] == 0 for a in answers)
            server.expire_tokens()  # refused everywhere: replaced once, shared again
            await asyncio.gather(*(c.call("ka10099", READ) for c in clients))
        finally:
            for c in clients:
                await c.close()

    asyncio.run(main())
    assert len(server.issued_tokens) == 2
