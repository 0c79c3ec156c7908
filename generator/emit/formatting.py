"""Black on many modules at once: cached by exact input, the misses formatted in parallel.

Each module is formatted independently, by the pinned black, in one pass over the finished
module text; the result depends only on that text, so the output is byte-identical whatever
the number of worker processes (``KIWOOM_CODEGEN_JOBS``, default: every core this process may
use; ``1`` formats in this process). Results are cached under the same key as
:func:`kiwoom_codegen.emit.python_render.format_python`, so the two share entries.
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor

from .cache import load_text, store_text

Progress = Callable[[int, int], None]  # (done, total)


def jobs() -> int:
    setting = os.environ.get("KIWOOM_CODEGEN_JOBS", "")
    if setting.isdigit() and int(setting) > 0:
        return int(setting)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def black_key(source: str) -> tuple[str, ...]:
    from .python_render import BLACK_MODE

    return (importlib.metadata.version("black"), repr(BLACK_MODE), source)


def format_source(source: str) -> str:
    """Black at the pinned version and mode, in one pass. Invalid code is a generator bug: it
    raises.

    ``black.format_str`` formats twice whenever its input was not already formatted (a second
    pass for the rare case where the first pass leaves something it would change again), which
    doubles the cost of every generated module. The pinned black's single pass gives the same
    text on this generator's modules (tests/test_speed.py checks that black has nothing left to
    change in them); with a black without it, ``format_str`` is used.
    """
    import black

    from .python_render import BLACK_MODE

    once = getattr(black, "_format_str_once", None)
    if once is None:
        return black.format_str(source, mode=BLACK_MODE)
    return str(once(source, mode=BLACK_MODE))


def format_modules(
    sources: Mapping[str, str], *, workers: int | None = None, progress: Progress | None = None
) -> dict[str, str]:
    """{path: black-formatted text} for {path: source}."""
    out: dict[str, str] = {}
    misses: dict[str, str] = {}
    for path, source in sources.items():
        found = load_text("black", black_key(source))
        if found is None:
            misses[path] = source
        else:
            out[path] = found
    total, done = len(sources), len(out)
    if progress is not None:
        progress(done, total)
    count = min(workers or jobs(), len(misses))
    # Biggest first, so that no worker is left with a large module at the end.
    order = sorted(misses, key=lambda p: (-len(misses[p]), p))
    pool = ProcessPoolExecutor(max_workers=count) if count > 1 else None
    try:
        texts = (misses[p] for p in order)
        results: Iterator[str] = (
            pool.map(format_source, texts) if pool else map(format_source, texts)
        )
        for path, text in zip(order, results, strict=True):
            out[path] = text
            store_text("black", black_key(misses[path]), text)
            done += 1
            if progress is not None:
                progress(done, total)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return {path: out[path] for path in sources}
