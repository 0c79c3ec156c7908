"""A thin command line: flags -> a config -> one library call. Tests call main([...])."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence

from .. import __version__
from ..problems import Level, SpecError
from . import diff_cmd, generate_cmd
from .common import EXIT_BAD_INPUT, EXIT_BUG, EXIT_OK, add_spec_args, load_inputs, print_problems


def cmd_parse(args: argparse.Namespace) -> int:
    loaded = load_inputs(args)
    if args.json:
        sys.stdout.write(loaded.spec.dumps())
    else:
        for api in loaded.spec.apis:
            python = f"{api.group}.{api.method_name}"
            print(f"{api.id}\t{api.transport.value}\t{api.path}\t{python}\t{api.name}")
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
    add_spec_args(p)
    p.add_argument("--json", action="store_true", help="print the model as JSON on stdout")
    p.set_defaults(func=cmd_parse)

    generate_cmd.register(sub, add_spec_args)
    diff_cmd.register(sub, add_spec_args)
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
