"""A thin command line: flags -> a config -> one library call. Tests call main([...])."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .load import Loaded, load
from .problems import Level, Problem, SpecError

EXIT_OK, EXIT_CHANGES, EXIT_BAD_INPUT, EXIT_BUG = 0, 1, 2, 3
DEFAULT_SPECS = Path("specs")
DEFAULT_OUT = Path("generated")


def print_problems(problems: Sequence[Problem], *, strict: bool = False) -> None:
    for p in problems:
        if p.level is Level.NOTE:
            level = "note"
        else:
            level = "error" if p.level is Level.ERROR or strict else "warning"
        print(f"{level}: {p.line()}", file=sys.stderr)


def load_inputs(args: argparse.Namespace, *, quiet_warnings: bool = False) -> Loaded:
    paths = [Path(p) for p in (args.spec or [DEFAULT_SPECS])]
    config_dir = Path(args.config) if getattr(args, "config", None) else None
    loaded = load(
        paths,
        config_dir=config_dir,
        use_config=not getattr(args, "no_config", False),
        strict=getattr(args, "strict", False),
    )
    if not quiet_warnings:
        print_problems(loaded.problems)
    return loaded


def _add_spec_args(p: argparse.ArgumentParser, *, nargs: str = "*") -> None:
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


def cmd_parse(args: argparse.Namespace) -> int:
    loaded = load_inputs(args)
    if args.json:
        sys.stdout.write(loaded.spec.dumps())
    else:
        for api in loaded.spec.apis:
            print(f"{api.id}\t{api.transport.value}\t{api.path}\t{api.python_name}\t{api.name}")
        counts = f"{len(loaded.spec.apis)} APIs, {len(loaded.spec.error_codes)} error codes"
        print(counts, file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiwoom-codegen",
        description="Read Kiwoom REST API spec workbooks; generate a Python client and OpenAPI.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="read specs and print the model")
    _add_spec_args(p)
    p.add_argument("--json", action="store_true", help="print the model as JSON on stdout")
    p.set_defaults(func=cmd_parse)

    from .commands import register

    register(sub, _add_spec_args)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except SpecError as exc:
        print_problems(exc.problems, strict=getattr(args, "strict", False))
        n = len([p for p in exc.problems if p.level is Level.ERROR])
        if n:
            print(f"kiwoom-codegen: {n} error(s) in the specs; nothing written", file=sys.stderr)
        else:
            print(
                "kiwoom-codegen: warnings treated as errors (--strict); nothing written",
                file=sys.stderr,
            )
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("kiwoom-codegen: interrupted; nothing written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # a bug: show everything needed to report it
        traceback.print_exc()
        print(
            "kiwoom-codegen: internal error (a bug, not a problem in your specs); please report it "
            "with the traceback above",
            file=sys.stderr,
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
