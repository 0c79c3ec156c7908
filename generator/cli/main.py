"""A thin command line: flags -> a config -> one library call. Tests call main([...])."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from .._version import __version__
from ..baseline import BaselineError
from ..escape import terminal
from ..problems import SpecError
from ..regen.swap import describe_os_error, is_environment_error
from . import diff_cmd, generate_cmd, review_cmd
from .common import (
    EXIT_BAD_INPUT,
    EXIT_BUG,
    EXIT_OK,
    add_spec_args,
    load_inputs,
    print_failure,
)


def cmd_parse(args: argparse.Namespace) -> int:
    loaded = load_inputs(args)
    if args.json:
        sys.stdout.write(loaded.spec.dumps())
    else:
        for api in loaded.spec.apis:
            cells = (api.id, api.transport.value, api.path, api.python_name, api.name)
            print("\t".join(terminal(c) for c in cells))
        counts = f"{len(loaded.spec.apis)} APIs, {len(loaded.spec.error_codes)} error codes"
        print(counts, file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiwoom-codegen",
        description="Read Kiwoom REST API spec workbooks; generate a typed Python client, an "
        "OpenAPI 3.1 document and an AsyncAPI 3.0 document (the WebSocket real-time services).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("parse", help="read specs and print the model")
    add_spec_args(p)
    p.add_argument("--json", action="store_true", help="print the model as JSON on stdout")
    p.set_defaults(func=cmd_parse)

    generate_cmd.register(sub, add_spec_args)
    diff_cmd.register(sub, add_spec_args)
    review_cmd.register(sub, add_spec_args)
    return parser


class _PipeSafe:
    """stdout that turns a closed pipe (``check | head -1``) into silence, not an exception, so
    the command still ends with its own exit code (1 for a stale tree)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.broken = False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._silence()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._silence()

    def _silence(self) -> None:
        self.broken = True
        try:  # the interpreter flushes stdout at exit: point the descriptor at /dev/null
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def _pipe_safe_stdout() -> Iterator[None]:
    original = sys.stdout
    sys.stdout = _PipeSafe(original)
    try:
        yield
        sys.stdout.flush()
    finally:
        sys.stdout = original


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    with _pipe_safe_stdout():
        return _run(func, args)


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return func(args)
    except SpecError as exc:
        print_failure(args, exc.problems, exc.notes)
        return EXIT_BAD_INPUT
    except BaselineError as exc:
        print(f"kiwoom-codegen: {terminal(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("kiwoom-codegen: interrupted; nothing written", file=sys.stderr)
        return 130
    except OSError as exc:
        if not is_environment_error(exc):
            return _bug()
        # The machine, not the specs: a permission, a full or read-only disk...
        print(f"kiwoom-codegen: {describe_os_error(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception:
        return _bug()


def _bug() -> int:
    """A bug: show everything needed to report it."""
    traceback.print_exc()
    print(
        "kiwoom-codegen: internal error (a bug, not a problem in your specs); please report it "
        "with the traceback above",
        file=sys.stderr,
    )
    return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
