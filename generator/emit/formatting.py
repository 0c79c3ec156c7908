"""Black on many modules at once: cached by exact input, the misses formatted in parallel.

Each module is formatted independently, by the pinned black, in one pass over the finished
module text; the result depends only on that text, so the output is byte-identical whatever
the number of worker processes (``KIWOOM_CODEGEN_JOBS``, default: every core this process may
use; ``1`` formats in this process). Results are cached under the same key as
:func:`kiwoom_codegen.emit.python_render.format_python`, so the two share entries.

:func:`run_tasks` is the general form: independent tasks (a group's models and methods, made
and formatted start to finish; one module to format) spread over the same worker processes,
biggest first, each returning ``{path: final text}``.
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import black

from ..cache import load_text, store_text

BLACK_MODE = black.Mode(target_versions={black.mode.TargetVersion.PY311}, line_length=88)

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
    once = getattr(black, "_format_str_once", None)
    if once is None:
        return black.format_str(source, mode=BLACK_MODE)
    return str(once(source, mode=BLACK_MODE))


@dataclass(frozen=True)
class Task:
    """``function(argument)`` -> {path: final text}; ``function`` is a module-level function
    (worker processes find it by name) and ``weight`` orders the tasks, biggest first."""

    function: Callable[[Any], dict[str, str]]
    argument: Any
    weight: int
    name: str


def _run(task: Task) -> dict[str, str]:
    return task.function(task.argument)


def run_tasks(
    tasks: Sequence[Task], *, workers: int | None = None, progress: Progress | None = None
) -> dict[str, str]:
    """Every task's {path: text}, merged; run in ``workers`` processes (default :func:`jobs`).

    Each task's result depends only on its argument, so the output is the same on any number
    of workers. Biggest first, so that no worker is left with a large task at the end.
    """
    return start_tasks(tasks, workers=workers, progress=progress).collect()


@dataclass
class Started:
    """Tasks handed to worker processes: ``collect()`` waits for their results (in the
    calling process when there is one worker, at that moment); ``cancel()`` drops them."""

    order: list[Task]
    pool: ProcessPoolExecutor | None
    results: Iterator[dict[str, str]]
    progress: Progress | None

    def collect(self) -> dict[str, str]:
        out: dict[str, str] = {}
        try:
            for done, result in enumerate(self.results, 1):
                for path, text in result.items():
                    if path in out:
                        raise ValueError(f"{path} is produced by two tasks")
                    out[path] = text
                if self.progress is not None:
                    self.progress(done, len(self.order))
        finally:
            self.cancel()
        return out

    def cancel(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def start_tasks(
    tasks: Sequence[Task], *, workers: int | None = None, progress: Progress | None = None
) -> Started:
    """:func:`run_tasks`, started: the worker processes begin at once and this process is free
    until ``collect()``."""
    order = sorted(tasks, key=lambda t: (-t.weight, t.name))
    if progress is not None:
        progress(0, len(order))
    count = min(workers or jobs(), len(order))
    pool = ProcessPoolExecutor(max_workers=count) if count > 1 else None
    results: Iterator[dict[str, str]] = pool.map(_run, order) if pool else map(_run, order)
    return Started(order, pool, results, progress)


def _format_one(item: tuple[str, str]) -> dict[str, str]:
    path, source = item
    return {path: format_source(source)}


def format_tasks(sources: Mapping[str, str]) -> tuple[dict[str, str], list[Task]]:
    """(the cached results, a task per module still to format) for {path: source}."""
    found: dict[str, str] = {}
    tasks: list[Task] = []
    for path, source in sources.items():
        text = load_text("black", black_key(source))
        if text is None:
            tasks.append(Task(_format_one, (path, source), len(source), path))
        else:
            found[path] = text
    return found, tasks


def store_formatted(sources: Mapping[str, str], formatted: Mapping[str, str]) -> None:
    """Remember black's result for every module of ``sources`` that was formatted now."""
    for path, source in sources.items():
        if path in formatted:
            store_text("black", black_key(source), formatted[path])


def format_modules(
    sources: Mapping[str, str], *, workers: int | None = None, progress: Progress | None = None
) -> dict[str, str]:
    """{path: black-formatted text} for {path: source}."""
    out, tasks = format_tasks(sources)
    formatted = run_tasks(tasks, workers=workers, progress=progress)
    store_formatted(sources, formatted)
    out.update(formatted)
    return {path: out[path] for path in sources}
