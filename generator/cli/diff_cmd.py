"""`kiwoom-codegen diff OLD NEW`: what changed between two editions of the docs, for the client."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..problems import Level, SpecError
from .common import DEFAULT_SPECS, EXIT_BAD_INPUT, EXIT_CHANGES, EXIT_OK, print_problems

if TYPE_CHECKING:  # reading imports openpyxl and jsonschema: only when a command reads
    from ..model.load import Loaded
    from ..regen.diff import DiffReport

# The outputs of regen.diff_render.FORMATS (a test keeps them equal): named here so that the
# command line is built without importing the diff and the config (what `generate` pays for).
FORMAT_NAMES = ("json", "markdown", "text")

FAIL_ON = ("any", "breaking", "wire", "none")


def default_config_dir(old: Path) -> Path | None:
    """The config beside OLD (OLD itself when a directory, else its folder), else specs/."""
    from ..model.config import CONFIG_FILES, find_config_dir

    candidates = [old] if old.is_dir() else [old.parent]
    found = find_config_dir(candidates)
    if found is None and any((DEFAULT_SPECS / name).is_file() for name in CONFIG_FILES):
        found = DEFAULT_SPECS
    return found


def load_edition(
    path: Path, what: str, *, config_dir: Path | None, use_config: bool, quiet: bool = False
) -> Loaded | None:
    """Read one edition leniently (config entries for APIs it lacks are warnings).

    Prints its problems (not with ``quiet``: the caller reports them); on errors prints them
    and one line naming the edition, and returns None.
    """
    from ..model.load import load

    try:
        loaded = load([path], config_dir=config_dir, use_config=use_config, lenient_config=True)
    except SpecError as exc:
        print_problems(exc.problems, notes=exc.notes)
        n = sum(1 for p in exc.problems if p.level is Level.ERROR)
        print(
            f"kiwoom-codegen: cannot read the {what} edition {path}: {n} error(s)", file=sys.stderr
        )
        return None
    if not quiet:
        print_problems(loaded.problems, notes=[f"{what} edition {n}" for n in loaded.notes])
    return loaded


def report_new_problems(old: Loaded, new: Loaded, old_path: Path, verbose: bool) -> None:
    """The new edition's problems that the old edition did not have (matched as a baseline
    matches: by kind, API id and text, not by row), grouped; and how many were carried over.
    Notes (nothing wrong with the docs) are left out."""
    from collections import Counter

    from ..baseline import Baseline, key
    from .report import Report, report_lines

    carried = Baseline(old_path, Counter(key(p) for p in old.problems))
    fresh, known = carried.split([p for p in new.problems if p.level is not Level.NOTE])
    print(
        f"problems new in the new edition: {len(fresh)} ({len(known)} also in the old edition)",
        file=sys.stderr,
    )
    for line in report_lines(fresh, Report(verbose=verbose)):
        print(line, file=sys.stderr)


def compare_editions(
    old: Path,
    new: Path,
    *,
    config_dir: Path | None,
    use_config: bool = True,
    verbose: bool = False,
) -> DiffReport | None:
    """Both editions read with the same config and diffed; None (reported) on bad input.
    Reports the problems new in the new edition."""
    from ..model.config import edition_names
    from ..regen.diff import diff_specs

    loaded_old = load_edition(old, "old", config_dir=config_dir, use_config=use_config, quiet=True)
    loaded_new = load_edition(new, "new", config_dir=config_dir, use_config=use_config, quiet=True)
    if loaded_old is None or loaded_new is None:
        return None
    report_new_problems(loaded_old, loaded_new, old, verbose)
    if not use_config:
        return diff_specs(loaded_old.spec, loaded_new.spec)
    return diff_specs(
        loaded_old.spec,
        loaded_new.spec,
        old_names=edition_names(old, config_dir),
        new_names=edition_names(new, config_dir),
    )


def exit_code(report: DiffReport, fail_on: str) -> int:
    failing = {
        "any": report.changes,
        "breaking": report.breaking,
        "wire": [c for c in report.changes if c.wire],
        "none": (),
    }[fail_on]
    return EXIT_CHANGES if failing else EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    old, new = Path(args.old), Path(args.new)
    if args.config and not Path(args.config).is_dir():
        print(f"kiwoom-codegen: --config {args.config}: not a directory", file=sys.stderr)
        return EXIT_BAD_INPUT
    config_dir = Path(args.config) if args.config else default_config_dir(old)
    report = compare_editions(
        old, new, config_dir=config_dir, use_config=not args.no_config, verbose=args.verbose
    )
    if report is None:
        return EXIT_BAD_INPUT
    from ..regen.diff_render import FORMATS

    sys.stdout.write(FORMATS[args.format](report))
    return exit_code(report, args.fail_on)


def register(sub: Any, add_spec_args: Callable[..., None]) -> None:
    p = sub.add_parser(
        "diff",
        help="compare two editions of the docs and classify the changes",
        description=(
            "Compare two editions of the spec workbooks as models (not files) and say what "
            "changed for code using the generated client. Both editions are read with the same "
            "names/overrides config. Exit 0: no change at the --fail-on level; 1: changes; "
            "2: bad input."
        ),
    )
    p.add_argument("old", metavar="OLD", help="the previous edition: a workbook or a directory")
    p.add_argument("new", metavar="NEW", help="the new edition: a workbook or a directory")
    p.add_argument("--format", choices=FORMAT_NAMES, default="text", help="output (default: text)")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="any",
        help="exit 1 when there are changes at this level: any (default, like diff(1)), "
        "breaking, wire (the HTTP traffic changes) or none (always 0)",
    )
    p.add_argument(
        "--config",
        metavar="DIR",
        help="names/overrides/package config for both editions "
        "(default: the one beside OLD, else specs/)",
    )
    p.add_argument("--no-config", action="store_true", help="read both editions without config")
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list each new problem on its own located line (default: grouped by kind)",
    )
    p.set_defaults(func=cmd_diff)
