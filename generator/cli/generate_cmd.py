"""`kiwoom-codegen generate` and `kiwoom-codegen check`."""

from __future__ import annotations

import argparse
import difflib
import os
import shlex
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..model import Spec
from ..regen.changelog import EntryId, add_entry, entry, released_version, version_problem
from ..regen.diff import diff_specs
from ..regen.generate import CHANGELOG_PATH, render, source_names
from ..regen.writer import MANIFEST_NAME, OutputError, compare_tree, settle, write_tree
from .common import DEFAULT_OUT, DEFAULT_SPECS, EXIT_BAD_INPUT, EXIT_CHANGES, EXIT_OK, load_inputs
from .diff_cmd import load_edition, own_names, own_version

DIFF_EXCERPT_LINES = 40


def display(path: Path) -> str:
    """A directory as the user wrote it, with a trailing slash, for messages."""
    text = os.fspath(path)
    return text if text.endswith(("/", os.sep)) else text + "/"


def _spec_paths(args: argparse.Namespace) -> list[Path]:
    return [Path(p) for p in (args.spec or [DEFAULT_SPECS])]


def _changelog(args: argparse.Namespace, spec: Spec, config_dir: Path | None) -> bytes | None:
    """The new CHANGELOG.md text, or None (reported) when the old edition cannot be read or the
    version in package.toml does not fit the changes."""
    old = load_edition(
        Path(args.changelog), "old", config_dir=config_dir, use_config=not args.no_config
    )
    if old is None:
        return None
    old_names = own_names(Path(args.changelog), config_dir) if not args.no_config else {}
    report = diff_specs(old.spec, spec, old_names=old_names)
    ident = EntryId(spec.package_version, spec.content_hash(), old.spec.content_hash())
    path = Path(args.out) / CHANGELOG_PATH
    try:
        existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError) as exc:
        print(f"kiwoom-codegen: cannot read {path}: {exc}", file=sys.stderr)
        return None
    released = released_version(
        existing, ident.base_hash, own_version(Path(args.changelog), config_dir)
    )
    problem = version_problem(report, ident, released)
    if problem is not None:
        print(f"kiwoom-codegen: {path}: {problem}", file=sys.stderr)
        return None
    return add_entry(existing, entry(report, ident), ident).encode("utf-8")


def cmd_generate(args: argparse.Namespace) -> int:
    loaded = load_inputs(args)
    spec = loaded.spec
    unowned: dict[str, bytes] = {}
    if args.changelog:
        text = _changelog(args, spec, loaded.config.directory)
        if text is None:
            print("kiwoom-codegen: nothing written", file=sys.stderr)
            return EXIT_BAD_INPUT
        unowned[CHANGELOG_PATH] = text
    files = render(spec, source_names(_spec_paths(args)))
    out = Path(args.out)
    try:
        result = write_tree(out, files, unowned=unowned, adopt=args.adopt)
    except OutputError as exc:
        print(f"kiwoom-codegen: {exc}; nothing written", file=sys.stderr)
        return EXIT_BAD_INPUT
    for note in result.notes:
        print(f"warning: {note}", file=sys.stderr)
    state = f"up to date, {result.unchanged} files"
    if result.changed:
        state = f"{len(result.written)} written, {len(result.removed)} removed, "
        state += f"{result.unchanged} unchanged"
    changelog = f"; {CHANGELOG_PATH} updated" if unowned else ""
    print(
        f"{display(out)}: {state} ({len(spec.apis)} APIs, spec {spec.content_hash()[:12]})"
        f"{changelog}"
    )
    return EXIT_OK


def _excerpt(out: Path, paths: list[str], files: Mapping[str, bytes], limit: int) -> list[str]:
    lines: list[str] = []
    for rel in paths:
        if len(lines) >= limit:
            break
        try:
            before = (out / rel).read_bytes()
        except OSError:
            before = b""
        after = files.get(rel, b"")
        try:
            a = before.decode("utf-8").splitlines(keepends=True)
            b = after.decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            lines.append(f"binary file {rel} differs")
            continue
        for line in difflib.unified_diff(
            a, b, f"{display(out)}{rel} (on disk)", f"{display(out)}{rel} (from the specs)", n=2
        ):
            lines.append(line.rstrip("\n"))
    if len(lines) > limit:
        lines = lines[:limit] + ["..."]
    return lines


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
    loaded = load_inputs(args)
    files = render(loaded.spec, source_names(_spec_paths(args)))
    out = Path(args.out)
    try:
        notes = settle(out)
    except OutputError as exc:
        print(f"kiwoom-codegen: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    stale, missing, extra = compare_tree(out, files)
    if not (stale or missing or extra):
        print(f"{display(out)} is up to date ({len(files)} files)")
        return EXIT_OK
    print(
        f"{display(out)} is not what the specs produce: {len(stale)} stale, {len(missing)} "
        f"missing, {len(extra)} extra. Update it with: {_regenerate_command(args)}"
    )
    for label, paths in (("stale", stale), ("missing", missing), ("extra", extra)):
        for rel in paths[:20]:
            print(f"  {label + ':':<8} {display(out)}{rel}")
        if len(paths) > 20:
            print(f"  ... and {len(paths) - 20} more {label}")
    # Content first: the manifest's hash lines say less than the files they stand for.
    changed = sorted(stale + missing, key=lambda rel: (rel == MANIFEST_NAME, rel))
    excerpt = _excerpt(out, changed, files, DIFF_EXCERPT_LINES)
    if excerpt:
        print("\n".join(excerpt))
    return EXIT_CHANGES


def _add_out(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out",
        metavar="DIR",
        default=str(DEFAULT_OUT),
        help="output directory (default: generated/)",
    )


def register(sub: Any, add_spec_args: Callable[..., None]) -> None:
    p = sub.add_parser(
        "generate",
        help="write the generated client and OpenAPI document (atomically)",
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
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser(
        "check",
        help="fail when the generated files are not what the specs produce",
        description=(
            "Render in memory and compare with DIR. Exit 0: up to date; 1: stale, missing or "
            "extra files (listed, with a diff excerpt); 2: bad specs."
        ),
    )
    add_spec_args(p)
    _add_out(p)
    p.set_defaults(func=cmd_check)
