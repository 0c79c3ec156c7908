"""Acknowledged problems: a baseline file that ``--write-baseline`` writes and ``--baseline``
reads, so that ``--strict`` fails only on problems nobody has reviewed yet.

An entry is keyed by what the problem *is*, not where its row happens to sit: the kind, the API
id (or, for a problem outside any API sheet, its file name and sheet without the cell) and the
text with its cell references blanked (``(at B26)`` -> ``(at ?)``). Inserting a row above a
field, or renaming the workbook's folder, keeps every entry; changing what the problem says makes
it new. The same key may stand several times: each entry acknowledges one occurrence.

The file is JSON with one entry per line, sorted, so that a reviewed change is a readable diff.
Each entry also records where the problem was seen (``where``), for the reader; matching ignores
it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from .problems import Level, Problem

FORMAT = "kiwoom-codegen-baseline"
VERSION = 1

Key = tuple[str, str, str]

_CELL = re.compile(r"\b(at|first at|in) [A-Z]{1,3}[0-9]{1,7}\b")
_SEP = " › "


def _cellless(where: str) -> str:
    """``dir/book.xlsx › 'sheet' › B12`` -> ``book.xlsx › 'sheet'``."""
    parts = where.split(_SEP)
    if parts and parts[0]:
        parts[0] = PurePath(parts[0]).name or parts[0]
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,3}[0-9]{1,7}(:[A-Z]{1,3}[0-9]{1,7})?", parts[-1]):
        parts.pop()
    return _SEP.join(parts)


def key(problem: Problem) -> Key:
    """What identifies a problem across runs and unrelated edits of the workbook."""
    scope = problem.api_id or _cellless(problem.where)
    return (problem.kind, scope, _CELL.sub(r"\1 ?", problem.message))


@dataclass(frozen=True)
class Baseline:
    path: Path
    counts: Counter[Key]

    def split(self, problems: Iterable[Problem]) -> tuple[list[Problem], list[Problem]]:
        """(new, acknowledged): errors are never acknowledged; each entry covers one
        occurrence of its key."""
        left = Counter(self.counts)
        new: list[Problem] = []
        known: list[Problem] = []
        for p in problems:
            k = key(p)
            if p.level is not Level.ERROR and left[k] > 0:
                left[k] -= 1
                known.append(p)
            else:
                new.append(p)
        return new, known


class BaselineError(Exception):
    """The baseline file cannot be used: the message is one located line."""


def read_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a baseline file (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f'{path}: not a baseline file (no "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise BaselineError(f"{path}: baseline version {data.get('version')!r}, expected {VERSION}")
    entries = data.get("problems")
    counts: Counter[Key] = Counter()
    if not isinstance(entries, list):
        raise BaselineError(f'{path}: "problems" must be a list')
    for i, entry in enumerate(entries):
        fields = [entry.get(name) if isinstance(entry, dict) else None for name in _KEYED]
        if not all(isinstance(v, str) for v in fields):
            raise BaselineError(f"{path}: problems[{i}] needs the strings {', '.join(_KEYED)}")
        counts[(str(fields[0]), str(fields[1]), str(fields[2]))] += 1
    return Baseline(path, counts)


_KEYED = ("kind", "scope", "message")


def baseline_text(problems: Sequence[Problem]) -> str:
    """The baseline file for these problems (notes and errors are not acknowledged: notes never
    fail, errors always do)."""
    rows = sorted((key(p), p.where) for p in problems if p.level is Level.WARNING)
    lines = [
        json.dumps(
            {"kind": k[0], "scope": k[1], "message": k[2], "where": where},
            ensure_ascii=False,
        )
        for k, where in rows
    ]
    body = ",\n".join("  " + line for line in lines)
    head = f'{{"format": "{FORMAT}", "version": {VERSION}, "problems": ['
    return head + ("\n" + body + "\n" if lines else "") + "]}\n"
