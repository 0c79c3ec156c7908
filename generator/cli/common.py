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

from ..baseline import Baseline, baseline_text, read_baseline
from ..escape import terminal
from ..problems import Level, Problem
from ..reader.paths import display_path
from .report import Report, problem_lines, report_lines

__all__ = ["problem_lines"]  # re-exported: the fast path records the verbose lines

if TYPE_CHECKING:  # reading imports openpyxl and jsonschema: only when a command reads
    from ..model.load import Loaded

EXIT_OK, EXIT_CHANGES, EXIT_BAD_INPUT, EXIT_BUG = 0, 1, 2, 3
DEFAULT_SPECS = Path("specs")
DEFAULT_OUT = Path("generated")

AddSpecArgs = Callable[..., None]


def report_options(args: argparse.Namespace | None, *, strict: bool | None = None) -> Report:
    """The report the command's flags ask for (``--verbose``, ``--baseline``)."""
    if args is None:
        return Report(strict=bool(strict))
    return Report(
        strict=getattr(args, "strict", False) if strict is None else strict,
        verbose=getattr(args, "verbose", False),
        baseline=baseline_of(args),
    )


def baseline_of(args: argparse.Namespace) -> Baseline | None:
    """``--baseline FILE`` read once per run; a bad file is a located one-line error."""
    path = getattr(args, "baseline", None)
    if not path:
        return None
    cached = getattr(args, "_baseline", None)
    if cached is None:
        cached = read_baseline(Path(path))
        args._baseline = cached
    return cached


def print_problems(
    problems: Sequence[Problem],
    *,
    strict: bool = False,
    notes: Sequence[str] = (),
    args: argparse.Namespace | None = None,
) -> None:
    """The grouped report (:func:`report_lines`) on stderr; every line with ``--verbose``."""
    for line in report_lines(problems, report_options(args, strict=strict), notes):
        print(line, file=sys.stderr)


def print_failure(
    args: argparse.Namespace, problems: Sequence[Problem], notes: Sequence[str] = ()
) -> None:
    """Specs that cannot be turned into a model (or, with --strict, have warnings): their
    problems and one line saying why nothing was done."""
    strict = getattr(args, "strict", False)
    # With a baseline the failures are the few new problems: each one on its line.
    verbose = getattr(args, "verbose", False) or bool(getattr(args, "baseline", None))
    options = report_options(args, strict=strict)
    options = Report(options.strict, verbose, options.baseline)
    for line in report_lines(problems, options, notes):
        print(line, file=sys.stderr)
    n = len([p for p in problems if p.level is Level.ERROR])
    written = "; nothing written" if getattr(args, "writes", False) else ""
    if n:
        print(f"kiwoom-codegen: {n} error(s) in the specs{written}", file=sys.stderr)
    elif options.baseline is not None:
        fresh, known = options.baseline.split(problems)
        n_new = sum(1 for p in fresh if p.level is Level.WARNING)
        print(
            f"kiwoom-codegen: {n_new} new warning(s) treated as errors (--strict; "
            f"{len(known)} acknowledged in {options.baseline.path}){written}",
            file=sys.stderr,
        )
    else:
        print(f"kiwoom-codegen: warnings treated as errors (--strict){written}", file=sys.stderr)


def spec_paths(args: argparse.Namespace) -> list[Path]:
    return [Path(p) for p in (args.spec or [DEFAULT_SPECS])]


def config_dir_arg(args: argparse.Namespace) -> Path | None:
    return Path(args.config) if getattr(args, "config", None) else None


def load_inputs(args: argparse.Namespace, *, quiet_warnings: bool = False) -> Loaded:
    """Read the specs the arguments name. Prints the problems (unless ``quiet_warnings``: the
    caller prints them, or one line of counts), writes ``--write-baseline`` and names the config
    tables in use."""
    from ..model.load import load

    writing = getattr(args, "write_baseline", None)
    loaded = load(
        spec_paths(args),
        config_dir=config_dir_arg(args),
        use_config=not getattr(args, "no_config", False),
        strict=getattr(args, "strict", False) and not writing,
        baseline=baseline_of(args),
    )
    if writing:
        Path(writing).write_text(baseline_text(loaded.problems), encoding="utf-8")
        print(
            f"kiwoom-codegen: wrote {writing} ({len(loaded.problems)} problem(s))", file=sys.stderr
        )
    if not quiet_warnings:
        print_report(args, loaded)
    return loaded


def config_note(args: argparse.Namespace, loaded: Loaded) -> str:
    """The one line naming the config tables in use: the names table shipped with the generator
    always; the project's files (names.toml, overrides.toml...) when a config directory is used."""
    from ..model.config import CONFIG_FILES

    directory = loaded.config.directory
    package = f"the package is {loaded.config.package_name} {loaded.config.package_version}"
    if getattr(args, "no_config", False):
        return f"note: config: the shipped names table only (--no-config); {package}"
    if directory is None:
        return (
            "note: config: the shipped names table only; no project config (no directory "
            f"argument holds {', '.join(CONFIG_FILES)}; --config DIR names one); {package}"
        )
    files = [name for name in CONFIG_FILES if (directory / name).is_file()]
    shown = terminal(display_path(directory))
    return f"note: config: the shipped names table, then {shown}: {', '.join(files)}"


def print_report(args: argparse.Namespace, loaded: Loaded) -> None:
    """What reading the specs found: the problems (grouped), the config note, the self-check."""
    print_problems(loaded.problems, notes=[config_note(args, loaded), *loaded.notes], args=args)


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
    p.add_argument(
        "--baseline",
        metavar="FILE",
        help="acknowledged problems (written by --write-baseline): not shown, and not failed on "
        "by --strict",
    )
    p.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="write every warning to FILE, to acknowledge them (see docs/problems.md)",
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print every problem on its own located line (default: grouped by kind)",
    )
