"""Reading an answer safely: decompression bounded by size, JSON by depth, ``Retry-After`` by
sense, and sends (behind a transport the client cannot reach) by the deadline.

httpx decodes ``Content-Encoding`` itself, one whole network chunk at a time: ``gzip, gzip`` of
869 bytes becomes 845 MB in one step, before any size check can run. The client therefore reads
the raw bytes and decodes them here, each stage of the chain bounded by ``limit`` and fed at
most 64 KiB at a time. Only what Kiwoom sends is understood (``gzip``, ``deflate``,
``identity``); anything else is an undecodable answer.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_RETRY_AFTER",
    "BodyTooLarge",
    "Decoder",
    "Senders",
    "UndecodableBody",
    "decoder_for",
    "json_object",
    "retry_after_of",
]

MAX_RETRY_AFTER = 60.0

_from_json: Callable[[bytes], Any] | None = None  # pydantic_core.from_json, once imported

_STEP = 64 * 1024  # at most this much output per decompression call


class BodyTooLarge(Exception):
    """The answer's body is larger than the limit (raised while reading it)."""


class UndecodableBody(Exception):
    """The answer's ``Content-Encoding`` is unknown, or its compressed data is broken."""


class _Stage:
    """One ``gzip``/``deflate`` layer, its output bounded by ``limit`` in total."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.total = 0
        self.first = True
        wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self.inflater = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self.inflater.decompress(data, _STEP)
            except zlib.error:
                if self.encoding == "deflate" and self.first:  # raw deflate, as httpx allows
                    self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    self.first = False
                    continue
                raise UndecodableBody(self.encoding) from None
            self.first = False
            self.total += len(out)
            if self.total > self.limit:
                raise BodyTooLarge
            if out:
                yield out
            data = self.inflater.unconsumed_tail

    def flush(self) -> Iterator[bytes]:
        out = self.inflater.flush(_STEP)  # bounded too: unconsumed input was drained above
        self.total += len(out)
        if self.total > self.limit:
            raise BodyTooLarge
        if out:
            yield out


class Decoder:
    """The chain of an answer's ``Content-Encoding`` (the last listed is undone first)."""

    def __init__(self, stages: list[_Stage]) -> None:
        self.stages = stages

    def decode(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            yield from self.feed(chunk)
        yield from self.finish()

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        return self._through(0, chunk)

    def finish(self) -> Iterator[bytes]:
        return self._flush(0)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self.stages):
            yield data
            return
        for out in self.stages[index].feed(data):
            yield from self._through(index + 1, out)

    def _flush(self, index: int) -> Iterator[bytes]:
        if index == len(self.stages):
            return
        for out in self.stages[index].flush():
            yield from self._through(index + 1, out)
        yield from self._flush(index + 1)


def decoder_for(content_encoding: str | None, limit: int) -> Decoder:
    """The decoder of a ``Content-Encoding`` header value; raises :class:`UndecodableBody`."""
    names = [n.strip().lower() for n in (content_encoding or "").split(",")]
    names = [n for n in names if n and n != "identity"]
    if len(names) > 4:
        raise UndecodableBody("too many content encodings")
    for name in names:
        if name not in ("gzip", "x-gzip", "deflate"):
            raise UndecodableBody(name)
    return Decoder([_Stage(name, limit) for name in reversed(names)])


class Senders:
    """Daemon threads that run the sync client's blocking sends, so that the caller stops
    waiting at its deadline however slowly the answer's headers arrive (httpx's read timeout
    restarts with every byte). A send still running at the deadline is left to finish on its
    thread, and its answer is closed then; the threads are daemons: they never delay exit."""

    def __init__(self) -> None:
        import queue
        import threading

        self._jobs: queue.SimpleQueue[tuple[Any, Callable[[], Any]]] = queue.SimpleQueue()
        self._idle = 0
        self._lock = threading.Lock()

    def submit(self, run: Callable[[], Any]) -> Any:
        """Run ``run`` on a worker; returns its ``concurrent.futures.Future``."""
        import threading
        from concurrent.futures import Future

        future: Future[Any] = Future()
        with self._lock:
            start = self._idle == 0
            if not start:
                self._idle -= 1
        if start:
            threading.Thread(target=self._work, name="kiwoom-send", daemon=True).start()
        self._jobs.put((future, run))
        return future

    def _work(self) -> None:
        while True:
            future, run = self._jobs.get()
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(run())
                except BaseException as exc:  # handed to the caller, re-raised there
                    future.set_exception(exc)
            del future, run
            with self._lock:
                self._idle += 1


def json_object(content: bytes) -> dict[str, Any] | None:
    """The answer parsed as a JSON object, or None when it is not one (an HTML page, a list).

    pydantic-core's parser is the fast path; what it refuses (a BOM, UTF-16, lone surrogates) is
    given to :func:`json.loads`, so exactly the answers ``json.loads`` accepts are understood.
    """
    global _from_json
    if _from_json is None:  # pydantic-core: imported on the first answer, not with the client
        from pydantic_core import from_json

        _from_json = from_json
    try:
        parsed = _from_json(content)
    except ValueError as exc:
        if "recursion" in str(exc):  # nested deeper than pydantic-core allows: not Kiwoom's
            return None
        try:
            parsed = json.loads(content)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        if _depth(parsed) > MAX_JSON_DEPTH:
            return None
    return parsed if isinstance(parsed, dict) else None


MAX_JSON_DEPTH = 64  # Kiwoom's answers nest 3 deep; a deeper document is refused, unparsed


def _depth(value: Any) -> int:
    """How deep ``value`` nests (without recursion: the document may be hostile)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                children = item.values() if isinstance(item, dict) else item
                stack.extend((child, depth + 1) for child in children)
    return deepest


def retry_after_of(headers: httpx.Headers) -> float | None:
    """``Retry-After`` in seconds, capped at ``MAX_RETRY_AFTER``: delay-seconds (a number
    >= 0) or an HTTP-date (the seconds until then). None (the usual backoff applies) when
    absent or anything else: a negative number, NaN, infinity, text."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = max(0.0, (when - datetime.now(UTC)).total_seconds())
    if not (math.isfinite(seconds) and seconds >= 0):
        return None
    return min(seconds, MAX_RETRY_AFTER)
