"""Progress of a long `generate` on a terminal: the stage, and modules formatted, on stderr.

Off unless a command turns it on (``kiwoom-codegen generate`` does on a terminal, for more
than :data:`MIN_APIS` APIs). One line, rewritten in place; cleared when done, so that what
stays on the terminal is the command's own output.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

MIN_APIS = 50


class Reporter:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.start = time.perf_counter()
        self.current = ""

    def show(self, text: str) -> None:
        self.current = text
        elapsed = time.perf_counter() - self.start
        self.stream.write(f"\r\x1b[K[{elapsed:5.1f}s] {text}")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()


_reporter: Reporter | None = None


def enable(stream: TextIO) -> None:
    global _reporter
    _reporter = Reporter(stream)


def disable() -> None:
    global _reporter
    if _reporter is not None:
        _reporter.clear()
    _reporter = None


def stage(text: str) -> None:
    if _reporter is not None:
        _reporter.show(text)


def formatting(total: int) -> Callable[[int, int], None] | None:
    """A callback for :func:`kiwoom_codegen.emit.formatting.format_modules`, or None."""
    reporter = _reporter
    if reporter is None:
        return None

    def report(done: int, total: int) -> None:
        reporter.show(f"black: {done}/{total} modules formatted")

    return report
