"""`kiwoom-codegen review PATH... [--format text|json|markdown]`: the miner's decisions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from .common import EXIT_OK, load_inputs

FORMAT_NAMES = ("text", "json", "markdown")  # model.review.FORMATS (a test keeps them equal)


def cmd_review(args: argparse.Namespace) -> int:
    loaded = load_inputs(args)
    from ..model.review import render  # the miner's review: only for this command

    sys.stdout.write(render(loaded.spec, args.format))
    return EXIT_OK


def register(sub: Any, add_spec_args: Callable[..., None]) -> None:
    p = sub.add_parser(
        "review",
        help="list what the description miner decided for each field, and why",
        description=(
            "Every field whose description the miner acted on or declined to: the cell, the "
            "text, the decision (closed enum, open enum, format, fixed, condition, prose) and "
            "why; for writing specs/overrides.toml."
        ),
    )
    add_spec_args(p)
    p.add_argument("--format", choices=FORMAT_NAMES, default="text", help="output (default: text)")
    p.set_defaults(func=cmd_review)
