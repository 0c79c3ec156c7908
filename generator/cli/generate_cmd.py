"""`kiwoom-codegen generate` and `kiwoom-codegen check`."""

from __future__ import annotations

import argparse
import difflib
import os
import shlex
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import cache
from ..emit import progress
from ..problems import Level
from ..regen import swap
from ..regen.fastpath import (
    Record,
    current_file_count,
    current_record,
    expected_manifest,
    input_key,
    inputs_key,
    remember,
    remember_record,
)
from ..regen.generate import CHANGELOG_PATH, render, source_names
from ..regen.writer import (
    MANIFEST_NAME,
    OutputError,
    compare_tree,
    settle,
    unowned_in_packages,
    write_tree,
)
from .common import (
    DEFAULT_OUT,
    EXIT_BAD_INPUT,
    EXIT_CHANGES,
    EXIT_OK,
    config_dir_arg,
    load_inputs,
    print_report,
    problem_lines,
    spec_paths,
)

if TYPE_CHECKING:
    from ..model import Spec
    from ..model.load import Loaded

DIFF_EXCERPT_LINES = 40


def display(path: Path) -> str:
    """A directory as the user wrote it, with a trailing slash, for messages."""
    text = os.fspath(path)
    return text if text.endswith(("/", os.sep)) else text + "/"


class Inputs:
    """The first tier of the fast path (:mod:`kiwoom_codegen.regen.fastpath`) for one run: the
    key of its input bytes, taken before reading and again after (a file changed while it was
    read is not remembered)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.paths = spec_paths(args)
        self.sources = source_names(self.paths)
        self.key = self._key()

    def _key(self) -> str | None:
        return input_key(
            self.paths,
            self.sources,
            config_dir=config_dir_arg(self.args),
            use_config=not self.args.no_config,
        )

    def answer(self, out: Path) -> tuple[Record, int] | None:
        """The record and the number of owned files when ``out`` is current for these inputs
        and nothing of an interrupted run waits beside it (then the full path settles it and
        reports, as it always did). A run that reads or writes a baseline reads the specs.
        With ``--verbose`` prints every problem line reading the specs printed when recorded;
        else the caller prints one line with their counts."""
        if self.key is None or swap.pending(Path(os.path.realpath(out))):
            return None
        if getattr(self.args, "baseline", None) or getattr(self.args, "write_baseline", None):
            return None
        answer = current_record(self.key, out, strict=self.args.strict)
        if answer is not None and getattr(self.args, "verbose", False):
            for line in answer[0].diagnostics:
                print(line, file=sys.stderr)
        return answer

    def remember(self, loaded: Loaded, manifest: bytes | str | None) -> None:
        """After a run that read the specs: what they render, and what reading them printed."""
        if manifest is None or self.key is None or self._key() != self.key:
            return
        text = manifest if isinstance(manifest, str) else manifest.decode("utf-8")
        warnings = [p for p in loaded.problems if p.level is Level.WARNING]
        record = Record(
            manifest=text,
            diagnostics=tuple(problem_lines(loaded.problems, notes=loaded.notes)),
            warnings=len(warnings),
            apis=len(loaded.spec.apis),
            spec_hash=loaded.spec.content_hash(),
        )
        remember_record(self.key, record)


def _holds_cwd(out: Path) -> bool:
    """``write_tree`` refuses such an output directory: the full path reports it."""
    target = Path(os.path.realpath(out))
    here = Path(os.getcwd()).resolve()
    return target == here or target in here.parents


def _changelog(args: argparse.Namespace, spec: Spec, config_dir: Path | None) -> bytes | None:
    """The new CHANGELOG.md text, or None (reported) when the old edition cannot be read or the
    version in package.toml does not fit the changes."""
    from ..regen.changelog import EntryId, add_entry, entry, released_version, version_problem
    from ..regen.diff import diff_specs
    from .diff_cmd import load_edition, own_names, own_version

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
    started = time.perf_counter()
    if args.no_cache:
        cache.disable()
    try:
        return _generate(args, started)
    finally:
        progress.disable()


def _summary(
    out: Path,
    state: str,
    apis: int,
    spec_hash: str,
    started: float,
    changelog: str = "",
    counts: str = "",
) -> str:
    counts = f", {counts}" if counts else ""
    return (
        f"{display(out)}: {state} ({apis} APIs, spec {spec_hash[:12]}{counts})"
        f"{changelog} in {time.perf_counter() - started:.1f} s"
    )


def _warnings(n: int) -> str:
    """The counts a no-op run prints instead of the problems (``parse`` lists them)."""
    return f"{n} warning{'s' * (n != 1)}" + (": kiwoom-codegen parse lists them" if n else "")


def _generate(args: argparse.Namespace, started: float) -> int:
    out = Path(args.out)
    inputs = Inputs(args)
    if not args.changelog and not args.adopt and not _holds_cwd(out):
        answer = inputs.answer(out)
        if answer is not None:  # the output is what these exact input bytes render
            record, count = answer
            state = f"up to date, {count} files"
            counts = _warnings(record.warnings)
            print(_summary(out, state, record.apis, record.spec_hash, started, counts=counts))
            return EXIT_OK
    loaded = load_inputs(args, quiet_warnings=True)
    n_warnings = sum(1 for p in loaded.problems if p.level is Level.WARNING)
    spec = loaded.spec
    if len(spec.apis) > progress.MIN_APIS and sys.stderr.isatty():
        progress.enable(sys.stderr)
        progress.stage(f"read {len(spec.apis)} APIs; checking the output")
    unowned: dict[str, bytes] = {}
    if args.changelog:
        text = _changelog(args, spec, loaded.config.directory)
        if text is None:
            print("kiwoom-codegen: nothing written", file=sys.stderr)
            return EXIT_BAD_INPUT
        unowned[CHANGELOG_PATH] = text
    key = inputs_key(spec, inputs.sources, loaded.config)
    current = None
    if not unowned and not args.adopt:
        try:
            notes = settle(out)  # an interrupted run's leftovers first, as write_tree does
        except OutputError as exc:
            print(f"kiwoom-codegen: {exc}; nothing written", file=sys.stderr)
            return EXIT_BAD_INPUT
        for note in notes:
            print(f"warning: {note}", file=sys.stderr)
        current = current_file_count(key, out)
    if current is not None:  # the manifest says the output is what this model renders
        progress.disable()
        inputs.remember(loaded, expected_manifest(key))
        if args.verbose:
            print_report(args, loaded)
        state = f"up to date, {current} files"
        counts = _warnings(n_warnings)
        print(_summary(out, state, len(spec.apis), spec.content_hash(), started, counts=counts))
        return EXIT_OK
    print_report(args, loaded)
    files = render(spec, inputs.sources)
    remember(key, files)
    inputs.remember(loaded, files[MANIFEST_NAME])
    progress.stage(f"writing {display(out)}")
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
    progress.disable()
    print(_summary(out, state, len(spec.apis), spec.content_hash(), started, changelog))
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
    if args.no_cache:
        cache.disable()
    out = Path(args.out)
    inputs = Inputs(args)
    answer = inputs.answer(out)
    if answer is not None:  # the output is what these exact input bytes render
        print(f"{display(out)} is up to date ({answer[1]} files, {_warnings(answer[0].warnings)})")
        return EXIT_OK
    loaded = load_inputs(args, quiet_warnings=True)
    n_warnings = sum(1 for p in loaded.problems if p.level is Level.WARNING)
    key = inputs_key(loaded.spec, inputs.sources, loaded.config)
    try:
        notes = settle(out)
    except OutputError as exc:
        print(f"kiwoom-codegen: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    current = current_file_count(key, out)
    if current is not None:  # the manifest says the output is what this model renders
        inputs.remember(loaded, expected_manifest(key))
        if args.verbose:
            print_report(args, loaded)
        print(f"{display(out)} is up to date ({current} files, {_warnings(n_warnings)})")
        return EXIT_OK
    print_report(args, loaded)
    files = render(loaded.spec, inputs.sources)
    remember(key, files)
    inputs.remember(loaded, files[MANIFEST_NAME])
    stale, missing, extra = compare_tree(out, files)
    unowned = unowned_in_packages(out, set(files))
    if not (stale or missing or extra or unowned):
        print(f"{display(out)} is up to date ({len(files)} files)")
        return EXIT_OK
    print(
        f"{display(out)} is not what the specs produce: {len(stale)} stale, {len(missing)} "
        f"missing, {len(extra)} extra, {len(unowned)} unowned in the package. Update it with: "
        f"{_regenerate_command(args)}"
        + (" (and remove the unowned files)" if unowned else "")
    )
    groups = (("stale", stale), ("missing", missing), ("extra", extra), ("unowned", unowned))
    for label, paths in groups:
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
            "Render in memory and compare with DIR. Exit 0: up to date; 1: stale, missing or "
            "extra files (listed, with a diff excerpt); 2: bad specs."
        ),
    )
    add_spec_args(p)
    _add_out(p)
    p.set_defaults(func=cmd_check)
