"""What every command shares: exit codes, default paths, problem printing, loading the specs.

The command modules import this one and nothing of each other's, so there is no import cycle:
``main`` imports the command modules, they import ``common``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..problems import Level, Problem

if TYPE_CHECKING:  # reading imports openpyxl and jsonschema: only when a command reads
    from ..model.load import Loaded

EXIT_OK, EXIT_CHANGES, EXIT_BAD_INPUT, EXIT_BUG = 0, 1, 2, 3
DEFAULT_SPECS = Path("specs")
DEFAULT_OUT = Path("generated")

AddSpecArgs = Callable[..., None]


def problem_lines(
    problems: Sequence[Problem], *, strict: bool = False, notes: Sequence[str] = ()
) -> list[str]:
    """Problems one per line, then the notes (the self-check's summary)."""
    lines = []
    for p in problems:
        if p.level is Level.NOTE:  # never a failure, not even with --strict
            level = "note"
        else:
            level = "error" if p.level is Level.ERROR or strict else "warning"
        lines.append(f"{level}: {p.line()}")
    return lines + list(notes)


def print_problems(
    problems: Sequence[Problem], *, strict: bool = False, notes: Sequence[str] = ()
) -> None:
    """:func:`problem_lines` on stderr."""
    for line in problem_lines(problems, strict=strict, notes=notes):
        print(line, file=sys.stderr)


def spec_paths(args: argparse.Namespace) -> list[Path]:
    return [Path(p) for p in (args.spec or [DEFAULT_SPECS])]


def config_dir_arg(args: argparse.Namespace) -> Path | None:
    return Path(args.config) if getattr(args, "config", None) else None


def load_inputs(args: argparse.Namespace, *, quiet_warnings: bool = False) -> Loaded:
    from ..model.load import load

    loaded = load(
        spec_paths(args),
        config_dir=config_dir_arg(args),
        use_config=not getattr(args, "no_config", False),
        strict=getattr(args, "strict", False),
    )
    if not quiet_warnings:
        print_problems(loaded.problems, notes=loaded.notes)
    return loaded


def add_spec_args(p: argparse.ArgumentParser, *, nargs: str = "*") -> None:
    p.add_argument(
        "spec",
        nargs=nargs,
        help="spec workbooks (.xlsx) or directories of them (default: specs/)",
    )
    p.add_argument(
        "--config",
        metavar="DIR",
        help="directory with names.toml, overrides.toml, package.toml "
        "(default: the first directory argument that has them)",
    )
    p.add_argument("--no-config", action="store_true", help="ignore names/overrides/package files")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
