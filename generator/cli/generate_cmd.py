"""`kiwoom-codegen generate` and `kiwoom-codegen check`: arguments in, the outcome printed.

The work is :func:`kiwoom_codegen.generate` and :func:`kiwoom_codegen.check`
(:mod:`kiwoom_codegen.regen.pipeline`); this module only turns flags into their arguments and
their :class:`~kiwoom_codegen.regen.pipeline.Outcome` into lines and an exit code.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..emit import progress
from ..regen.generate import CHANGELOG_PATH
from ..regen.pipeline import Outcome, check, display, generate
from .common import (
    DEFAULT_OUT,
    baseline_of,
    config_dir_arg,
    print_failure,
    print_report,
    problem_lines,
    spec_paths,
)

if TYPE_CHECKING:
    from ..model.load import Loaded


def _warnings(n: int) -> str:
    """The counts a no-op run prints instead of the problems (``parse`` lists them)."""
    return f"{n} warning{'s' * (n != 1)}" + (": kiwoom-codegen parse lists them" if n else "")


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of generate/check that the common flags give."""

    def on_read(loaded: Loaded, rendering: bool) -> None:
        if rendering or args.verbose:
            print_report(args, loaded)
        if rendering and len(loaded.spec.apis) > progress.MIN_APIS and sys.stderr.isatty():
            progress.enable(sys.stderr)
            progress.stage(f"read {len(loaded.spec.apis)} APIs; rendering")

    return {
        "out": args.out,
        "config": config_dir_arg(args),
        "use_config": not args.no_config,
        "strict": args.strict,
        "baseline": baseline_of(args),
        "cache": not args.no_cache,
        "write_baseline": bool(args.write_baseline),
        "on_read": on_read,
        "diagnostics": lambda loaded: problem_lines(loaded.problems, notes=loaded.notes),
    }


def _write_baseline(args: argparse.Namespace, outcome: Outcome) -> None:
    if args.write_baseline and outcome.read:
        from ..baseline import baseline_text

        Path(args.write_baseline).write_text(baseline_text(outcome.problems), encoding="utf-8")
        print(
            f"kiwoom-codegen: wrote {args.write_baseline} ({len(outcome.problems)} problem(s))",
            file=sys.stderr,
        )


def _common(args: argparse.Namespace, outcome: Outcome) -> bool:
    """What both commands print first; False when the run failed (reported)."""
    _write_baseline(args, outcome)
    if outcome.recorded and args.verbose:  # answered from the cache: the lines it recorded
        for line in outcome.recorded:
            print(line, file=sys.stderr)
    for note in outcome.notes:
        print(f"warning: {note}", file=sys.stderr)
    if outcome.status != "failed":
        return True
    if outcome.error is not None:
        if outcome.loaded is not None:
            print_report(args, outcome.loaded)
        print(f"kiwoom-codegen: {outcome.error}", file=sys.stderr)
    else:
        print_failure(args, outcome.problems, outcome.read_notes)
    return False


def cmd_generate(args: argparse.Namespace) -> int:
    try:
        outcome = generate(
            spec_paths(args),
            adopt=args.adopt,
            changelog=args.changelog,
            **_options(args),
        )
    finally:
        progress.disable()
    if not _common(args, outcome):
        return outcome.exit_code
    if outcome.status == "written":
        state = f"{len(outcome.written)} written, {len(outcome.removed)} removed, "
        state += f"{outcome.files - len(outcome.written)} unchanged"
    else:
        state = f"up to date, {outcome.files} files"
    counts = "" if outcome.rendered else f", {_warnings(outcome.warnings)}"
    changelog = f"; {CHANGELOG_PATH} updated" if outcome.changelog_updated else ""
    print(
        f"{display(outcome.out)}: {state} ({outcome.apis} APIs, spec {outcome.spec_hash[:12]}"
        f"{counts}){changelog} in {outcome.seconds:.1f} s"
    )
    return outcome.exit_code


def _regenerate_command(args: argparse.Namespace) -> str:
    words = ["kiwoom-codegen", "generate", *(args.spec or [])]
    if args.out != str(DEFAULT_OUT):
        words += ["--out", args.out]
    if args.config:
        words += ["--config", args.config]
    if args.no_config:
        words.append("--no-config")
    return shlex.join(words)


def cmd_check(args: argparse.Namespace) -> int:
    outcome = check(spec_paths(args), **_options(args))
    if not _common(args, outcome):
        return outcome.exit_code
    out = display(outcome.out)
    if outcome.status == "up to date":
        counts = "" if outcome.rendered else f", {_warnings(outcome.warnings)}"
        print(f"{out} is up to date ({outcome.files} files{counts})")
        return outcome.exit_code
    unowned = outcome.unowned
    print(
        f"{out} is not what the specs produce: {len(outcome.stale)} stale, "
        f"{len(outcome.missing)} missing, {len(outcome.extra)} extra, {len(unowned)} unowned in "
        f"the package. Update it with: {_regenerate_command(args)}"
        + (" (and remove the unowned files)" if unowned else "")
    )
    groups = (
        ("stale", outcome.stale),
        ("missing", outcome.missing),
        ("extra", outcome.extra),
        ("unowned", unowned),
    )
    for label, paths in groups:
        for rel in paths[:20]:
            print(f"  {label + ':':<8} {out}{rel}")
        if len(paths) > 20:
            print(f"  ... and {len(paths) - 20} more {label}")
    if outcome.excerpt:
        print("\n".join(outcome.excerpt))
    return outcome.exit_code


def _add_out(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out",
        metavar="DIR",
        default=str(DEFAULT_OUT),
        help="output directory (default: generated/)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the cache: render from the specs alone (for CI)",
    )


def register(sub: Any, add_spec_args: Callable[..., None]) -> None:
    p = sub.add_parser(
        "generate",
        help="write the generated client, OpenAPI and AsyncAPI documents (atomically)",
        description=(
            "Read the specs and replace the generated files in one step. Files the generator "
            "does not own (not listed in DIR/.kiwoom-codegen.json) are never touched. "
            "Exit 0: written; 2: bad specs, a clash in DIR, a lock held by another run or an "
            "environment error such as a full or read-only disk (nothing written)."
        ),
    )
    add_spec_args(p)
    _add_out(p)
    p.add_argument(
        "--adopt",
        action="store_true",
        help="generate into a directory kiwoom-codegen did not write (no manifest), and let "
        "generated files replace files it does not own",
    )
    p.add_argument(
        "--changelog",
        metavar="OLD",
        help=f"previous edition (workbook or directory): add an entry to DIR/{CHANGELOG_PATH}",
    )
    p.set_defaults(func=cmd_generate, writes=True)

    p = sub.add_parser(
        "check",
        help="fail when the generated files are not what the specs produce",
        description=(
            "Render in memory and compare with DIR. Exit 0: up to date; 1: stale, missing, "
            "extra or unowned files (listed, with a diff excerpt); 2: bad specs."
        ),
    )
    add_spec_args(p)
    _add_out(p)
    p.set_defaults(func=cmd_check)
