"""Problems as the user sees them: grouped by kind, identical ones collapsed, one table of counts.

``--verbose`` prints every problem on its own located line instead (file › sheet › cell (api id)).
Errors are always printed in full: each one must be fixed where it stands.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..baseline import Baseline
from ..escape import terminal
from ..problems import Level, Problem

EXAMPLES_PER_KIND = 3
# Up to this many problems (errors aside) are listed one per line, as --verbose does: grouping
# pays only when there are more than a screen holds at a glance.
GROUP_ABOVE = 20
APIS_SHOWN = 6


def level_word(p: Problem, strict: bool) -> str:
    if p.level is Level.NOTE:  # never a failure, not even with --strict
        return "note"
    return "error" if p.level is Level.ERROR or strict else "warning"


def problem_lines(
    problems: Sequence[Problem], *, strict: bool = False, notes: Sequence[str] = ()
) -> list[str]:
    """Every problem on its own located line, then the notes (the self-check's summary)."""
    return [f"{level_word(p, strict)}: {p.line()}" for p in problems] + list(notes)


@dataclass(frozen=True)
class Report:
    """Options of the grouped report."""

    strict: bool = False
    verbose: bool = False
    baseline: Baseline | None = None


def collapsed(problems: Sequence[Problem]) -> list[str]:
    """One line per distinct text: alone it keeps its location; repeated across sheets it names
    the count and the API ids. Most frequent first, then in reading order."""
    groups: dict[str, list[Problem]] = {}
    for p in problems:
        groups.setdefault(p.message, []).append(p)
    order = sorted(groups.values(), key=lambda g: -len(g))
    lines = []
    for group in order:
        if len(group) == 1:
            lines.append(group[0].line())
            continue
        ids = list(dict.fromkeys(p.api_id or "-" for p in group))
        shown = ", ".join(ids[:APIS_SHOWN]) + (
            f" +{len(ids) - APIS_SHOWN}" if len(ids) > APIS_SHOWN else ""
        )
        lines.append(terminal(f"{len(group)}× in {shown}: {group[0].message}"))
    return lines


def report_lines(
    problems: Sequence[Problem], options: Report = Report(), notes: Sequence[str] = ()
) -> list[str]:
    """The report: errors in full, then the rest grouped by kind (a few collapsed examples
    each), one table of counts per kind, the acknowledged count and the notes."""
    known: list[Problem] = []
    if options.baseline is not None:
        problems, known = options.baseline.split(problems)
    if options.verbose or sum(p.level is not Level.ERROR for p in problems) <= GROUP_ABOVE:
        lines = problem_lines(problems, strict=options.strict)
        if known:
            lines.append(_acknowledged(known, options.baseline))
        return lines + list(notes)
    errors = [p for p in problems if p.level is Level.ERROR]
    lines = [f"error: {p.line()}" for p in errors]
    rest = [p for p in problems if p.level is not Level.ERROR]
    by_kind: dict[tuple[str, str], list[Problem]] = {}
    for p in rest:
        by_kind.setdefault((level_word(p, options.strict), p.kind), []).append(p)
    for (level, kind), group in by_kind.items():
        apis = len({p.api_id for p in group if p.api_id})
        where = f" in {apis} API{'s' if apis != 1 else ''}" if apis else ""
        # A note's lines all start with "note:", as the notes always did (tools filter them).
        indent = "note:   " if level == "note" else "  "
        lines.append(f"{level}: [{kind}] {len(group)}{where}:")
        texts = collapsed(group)
        lines += [f"{indent}{t}" for t in texts[:EXAMPLES_PER_KIND]]
        if len(texts) > EXAMPLES_PER_KIND:
            more = len(texts) - EXAMPLES_PER_KIND
            lines.append(f"{indent}... {more} more (--verbose lists each)")
    if len(problems) > 1 and (len(by_kind) > 1 or errors):
        lines += summary_table(problems, options.strict)
    if known:
        lines.append(_acknowledged(known, options.baseline))
    return lines + list(notes)


def summary_table(problems: Sequence[Problem], strict: bool) -> list[str]:
    counts = Counter((level_word(p, strict), p.kind) for p in problems)
    width = max(len(kind) for _, kind in counts)
    out = [f"problems by kind ({len(problems)}):"]
    for (level, kind), n in sorted(
        counts.items(), key=lambda kv: (_RANK[kv[0][0]], -kv[1], kv[0][1])
    ):
        out.append(f"  {kind:<{width}}  {n:>5}  {level}")
    return out


_RANK = {"error": 0, "warning": 1, "note": 2}


def _acknowledged(known: Sequence[Problem], baseline: Baseline | None) -> str:
    name = baseline.path if baseline is not None else "the baseline"
    return f"{len(known)} acknowledged problem(s) in {name} not shown"


def counts_text(problems: Sequence[Problem]) -> str:
    """``0 errors, 327 warnings, 3 notes``: the one line a no-op run prints of its problems."""
    c = Counter(p.level for p in problems)
    return (
        f"{c[Level.ERROR]} error{'s' * (c[Level.ERROR] != 1)}, "
        f"{c[Level.WARNING]} warning{'s' * (c[Level.WARNING] != 1)}"
        + (f", {c[Level.NOTE]} note{'s' * (c[Level.NOTE] != 1)}" if c[Level.NOTE] else "")
    )
