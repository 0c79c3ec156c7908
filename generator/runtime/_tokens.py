"""Where access tokens are kept: one token per app key and environment, shared (docs/wire.md).

Issuing a new token has been reported to end the previous one of that app key, so every client
of one key should use one token. A store holds it by ``key`` (a hash of the keys and the base URL:
never the keys themselves) and offers a lock, so that only one client issues while the others
wait and then use what it stored.

- :class:`MemoryTokenStore` (the default, one per process): the clients of one process share.
- :class:`FileTokenStore` (``FileTokenStore(directory)``): processes share too. One file per
  app key and environment, named by the hash, mode 0600, replaced atomically, and an ``fcntl``
  lock file beside it, so concurrent processes issue once.

A record is ``{"token", "token_type", "expires_at", "renew_at"}`` (Unix times, or None).
Stores never log, and their reprs show no token.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

__all__ = ["FileTokenStore", "MemoryTokenStore", "TokenStore"]


def store_key(appkey: str, secretkey: str, base_url: str) -> str:
    """The name of an app key's token at ``base_url``: a hash, so that it reveals nothing. The
    secret key is part of it: a client with a wrong secret never uses the right one's token."""
    text = f"kiwoom-token\0{appkey}\0{secretkey}\0{base_url}"
    return hashlib.sha256(text.encode()).hexdigest()[:40]


class TokenStore:
    """The interface of a token store; subclass it to keep tokens elsewhere (a database...).

    ``try_lock`` must not block: it returns a handle when it took ``key``'s lock, else None
    (the client polls until its deadline). ``load``/``save``/``delete`` are called under it.
    """

    def load(self, key: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def save(self, key: str, record: dict[str, Any]) -> None:
        raise NotImplementedError

    def delete(self, key: str, token: str) -> None:
        """Forget ``key``'s record if it holds ``token`` (a revoked token)."""
        raise NotImplementedError

    def try_lock(self, key: str) -> object | None:
        raise NotImplementedError

    def unlock(self, handle: object) -> None:
        raise NotImplementedError


class MemoryTokenStore(TokenStore):
    """Tokens in this process's memory; shared by the clients that use this store."""

    def __init__(self) -> None:
        self._records: dict[str, dict[str, Any]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryTokenStore({len(self._records)} tokens)"

    def load(self, key: str) -> dict[str, Any] | None:
        with self._guard:
            record = self._records.get(key)
            return None if record is None else dict(record)

    def save(self, key: str, record: dict[str, Any]) -> None:
        with self._guard:
            self._records[key] = dict(record)

    def delete(self, key: str, token: str) -> None:
        with self._guard:
            if self._records.get(key, {}).get("token") == token:
                del self._records[key]

    def try_lock(self, key: str) -> object | None:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        return lock if lock.acquire(blocking=False) else None

    def unlock(self, handle: object) -> None:
        assert isinstance(handle, type(threading.Lock()))
        handle.release()


class FileTokenStore(TokenStore):
    """Tokens in files under ``directory`` (made 0700 if missing): processes share them.

    Each app key and environment has ``kiwoom-token-<hash>.json`` (mode 0600, written to a
    temporary file and renamed over, so a reader never sees half a token) and a lock file
    ``kiwoom-token-<hash>.lock`` (``fcntl.flock``: POSIX systems only).
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.directory)!r})"

    def _path(self, key: str, suffix: str) -> Path:
        if not key.isalnum():
            raise ValueError("a token store key is a hash")
        return self.directory / f"kiwoom-token-{key}{suffix}"

    def _ensure_directory(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def load(self, key: str) -> dict[str, Any] | None:
        path = self._path(key, ".json")
        try:
            text = path.read_text(encoding="utf-8")
            record = json.loads(text)
        except (OSError, ValueError):  # missing or unreadable: issue a new one
            return None
        return record if isinstance(record, dict) and isinstance(record.get("token"), str) else None

    def save(self, key: str, record: dict[str, Any]) -> None:
        self._ensure_directory()
        target = self._path(key, ".json")
        fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".kiwoom-token-", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(record, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise

    def delete(self, key: str, token: str) -> None:
        record = self.load(key)
        if record is not None and record.get("token") == token:
            try:
                self._path(key, ".json").unlink()
            except FileNotFoundError:
                pass

    def try_lock(self, key: str) -> object | None:
        import fcntl

        self._ensure_directory()
        fd = os.open(self._path(key, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by another process or client
            os.close(fd)
            return None
        return fd

    def unlock(self, handle: object) -> None:
        import fcntl

        assert isinstance(handle, int)
        try:
            fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            os.close(handle)


DEFAULT_STORE = MemoryTokenStore()  # the clients of one process share their app keys' tokens


def record_of(
    token: str, token_type: str, expires_at: Any, renew_in: float | None
) -> dict[str, Any]:
    """The stored form of a token; ``renew_in``: seconds from now until it is renewed."""
    import time

    return {
        "token": token,
        "token_type": token_type,
        "expires_at": None if expires_at is None else expires_at.timestamp(),
        "renew_at": None if renew_in is None else time.time() + renew_in,
    }


def usable(record: dict[str, Any] | None, refused: Any) -> bool:
    """Whether a stored record holds a token to use: not refused here, not due for renewal."""
    import time

    if record is None or not isinstance(record.get("token"), str) or record["token"] in refused:
        return False
    renew_at, expires_at = record.get("renew_at"), record.get("expires_at")
    now = time.time()
    for moment in (renew_at, expires_at):
        if isinstance(moment, int | float) and not isinstance(moment, bool) and moment <= now:
            return False
    return True
