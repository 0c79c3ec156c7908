"""The library API: ``generate`` and ``check``, each returning an :class:`Outcome`.

Both run the whole pipeline in one place: the fast path that answers "up to date" from the
cache before reading (:mod:`.fastpath`), the recovery of a run killed earlier (:func:`settle`),
reading (problems are returned, never printed), rendering every emitter, and the atomic write
(``generate``) or the comparison with the output directory (``check``). The CLI only parses
arguments, calls these and prints the outcome::

    import kiwoom_codegen

    outcome = kiwoom_codegen.check(["specs"], out="generated", cache=False)
    if outcome.exit_code:
        print(outcome.stale, outcome.missing, outcome.unowned)

Bad specs, a clash in the output directory or an environment error (a full or read-only disk)
come back as ``status == "failed"`` with the problems or the one-line ``error``; nothing was
written. Anything else raised is a bug.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .. import cache
from ..emit import progress
from ..problems import Level, Problem, SpecError
from . import swap
from .fastpath import (
    Record,
    current_file_count,
    current_record,
    expected_manifest,
    input_key,
    inputs_key,
    remember,
    remember_record,
)
from .generate import CHANGELOG_PATH, render, source_names
from .writer import (
    MANIFEST_NAME,
    OutputError,
    compare_tree,
    settle,
    unowned_in_packages,
    write_tree,
)

if TYPE_CHECKING:
    from ..baseline import Baseline
    from ..model import Spec
    from ..model.load import Loaded

DIFF_EXCERPT_LINES = 40
Status = Literal["written", "up to date", "stale", "failed"]
# Called once the specs are read, with whether the run goes on to render: the CLI prints the
# problems there (before a long render), or not at all on a no-op run.
OnRead = Callable[["Loaded", bool], None]
# The lines the full reading printed, recorded with the cache (--verbose shows them again).
Diagnostics = Callable[["Loaded"], Sequence[str]]


@dataclass(frozen=True)
class Outcome:
    """What a ``generate`` or ``check`` run found and did."""

    status: Status
    out: Path
    files: int = 0  # the files the generator owns in ``out`` now (manifest included)
    written: tuple[str, ...] = ()  # generate: new or changed files
    removed: tuple[str, ...] = ()  # generate: owned files no longer produced
    stale: tuple[str, ...] = ()  # check: produced, on disk with other bytes
    missing: tuple[str, ...] = ()  # check: produced, not on disk
    extra: tuple[str, ...] = ()  # check: owned, no longer produced
    unowned: tuple[str, ...] = ()  # check: inside the generated package, not the generator's
    excerpt: tuple[str, ...] = ()  # check: the first lines of a unified diff
    problems: tuple[Problem, ...] = ()  # what reading found (empty when answered unread)
    warnings: int = 0  # how many problems are warnings (also when answered unread)
    recorded: tuple[str, ...] = ()  # answered unread: the problem lines the reading printed
    notes: tuple[str, ...] = ()  # warnings about the output directory (recovery, unowned)
    error: str | None = None  # failed: the one line saying why, when not the problems
    read_notes: tuple[str, ...] = ()  # failed reading: the lines after its problems
    apis: int = 0
    spec_hash: str = ""
    changelog_updated: bool = False
    read: bool = False  # the specs were read (not answered from the cache)
    rendered: bool = False  # every emitter ran (not answered from the manifest)
    seconds: float = 0.0
    loaded: Loaded | None = field(default=None, repr=False, compare=False)

    @property
    def exit_code(self) -> int:
        """The CLI's exit code: 0 written or up to date, 1 stale, 2 failed."""
        return {"written": 0, "up to date": 0, "stale": 1, "failed": 2}[self.status]


@dataclass(frozen=True)
class _Run:
    paths: list[Path]
    out: Path
    config: Path | None
    use_config: bool
    strict: bool
    baseline: Baseline | None
    write_baseline: bool
    on_read: OnRead | None
    diagnostics: Diagnostics | None
    started: float = field(default_factory=time.perf_counter)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(source_names(self.paths))

    def key(self) -> str | None:
        return input_key(
            self.paths, self.sources, config_dir=self.config, use_config=self.use_config
        )

    def answer(self, key: str | None) -> tuple[Record, int] | None:
        """The first tier of the fast path: the record and the number of owned files when the
        output is what these exact input bytes render and nothing of an interrupted run waits
        beside it. A run that reads or writes a baseline reads the specs."""
        if key is None or swap.pending(Path(os.path.realpath(self.out))):
            return None
        if self.baseline is not None or self.write_baseline:
            return None
        return current_record(key, self.out, strict=self.strict)

    def read(self) -> Loaded:
        from ..model.load import load  # reading imports openpyxl and jsonschema

        return load(
            self.paths,
            config_dir=self.config,
            use_config=self.use_config,
            strict=self.strict and not self.write_baseline,
            baseline=self.baseline,
        )

    def remember(self, key: str | None, loaded: Loaded, manifest: bytes | str | None) -> None:
        """After a run that read the specs: what they render, and what reading them printed
        (not when an input changed while it was read)."""
        if manifest is None or key is None or self.key() != key:
            return
        text = manifest if isinstance(manifest, str) else manifest.decode("utf-8")
        record = Record(
            manifest=text,
            diagnostics=tuple(self.diagnostics(loaded) if self.diagnostics else ()),
            warnings=_warnings(loaded.problems),
            apis=len(loaded.spec.apis),
            spec_hash=loaded.spec.content_hash(),
        )
        remember_record(key, record)

    def done(self, status: Status, **values: object) -> Outcome:
        return Outcome(status, self.out, seconds=time.perf_counter() - self.started, **values)  # type: ignore[arg-type]

    def by_model(
        self, key: str | None, loaded: Loaded, model_key: str, notes: Sequence[str]
    ) -> Outcome | None:
        """The second tier of the fast path: "up to date" when the manifest says the output is
        what this model renders (then what the reading found is remembered for the bytes)."""
        current = current_file_count(model_key, self.out)
        if current is None:
            return None
        self.remember(key, loaded, expected_manifest(model_key))
        if self.on_read is not None:
            self.on_read(loaded, False)
        return self.from_loaded("up to date", loaded, files=current, notes=tuple(notes))

    def failed(self, exc: SpecError) -> Outcome:
        return self.done(
            "failed",
            problems=tuple(exc.problems),
            warnings=_warnings(exc.problems),
            read_notes=tuple(exc.notes),
            read=True,
        )

    def answered(self, record: Record, count: int) -> Outcome:
        return self.done(
            "up to date",
            files=count,
            warnings=record.warnings,
            recorded=record.diagnostics,
            apis=record.apis,
            spec_hash=record.spec_hash,
        )

    def from_loaded(self, status: Status, loaded: Loaded, **values: object) -> Outcome:
        return self.done(
            status,
            problems=tuple(loaded.problems),
            warnings=_warnings(loaded.problems),
            apis=len(loaded.spec.apis),
            spec_hash=loaded.spec.content_hash(),
            read=True,
            loaded=loaded,
            **values,
        )


def _warnings(problems: Sequence[Problem]) -> int:
    return sum(1 for p in problems if p.level is Level.WARNING)


@contextlib.contextmanager
def _cache_off(off: bool) -> Iterator[None]:
    """``cache=False``: neither read nor write it, for this call and its worker processes."""
    if not off:
        yield
        return
    saved = os.environ.get(cache.DISABLE_ENV)
    cache.disable()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(cache.DISABLE_ENV, None)
        else:
            os.environ[cache.DISABLE_ENV] = saved


def _holds_cwd(out: Path) -> bool:
    """``write_tree`` refuses such an output directory: the full path reports it."""
    target = Path(os.path.realpath(out))
    here = Path(os.getcwd()).resolve()
    return target == here or target in here.parents


def _make_run(
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    config: str | os.PathLike[str] | None,
    use_config: bool,
    strict: bool,
    baseline: Baseline | None,
    write_baseline: bool,
    on_read: OnRead | None,
    diagnostics: Diagnostics | None,
) -> _Run:
    return _Run(
        paths=[Path(p) for p in (inputs or ["specs"])],
        out=Path(out),
        config=Path(config) if config is not None else None,
        use_config=use_config,
        strict=strict,
        baseline=baseline,
        write_baseline=write_baseline,
        on_read=on_read,
        diagnostics=diagnostics,
    )


def generate(
    inputs: Sequence[str | os.PathLike[str]] = ("specs",),
    *,
    out: str | os.PathLike[str] = "generated",
    config: str | os.PathLike[str] | None = None,
    use_config: bool = True,
    strict: bool = False,
    baseline: Baseline | None = None,
    adopt: bool = False,
    changelog: str | os.PathLike[str] | None = None,
    cache: bool = True,
    write_baseline: bool = False,
    on_read: OnRead | None = None,
    diagnostics: Diagnostics | None = None,
) -> Outcome:
    """Read the specs and make ``out`` what they render, in one atomic step.

    ``inputs``: workbooks and directories of them. ``config``: the directory of names.toml,
    overrides.toml and package.toml (default: the first directory input that has them;
    ``use_config=False`` ignores them). ``adopt``: write into a directory the generator did not
    write. ``changelog``: the previous edition, to add an entry to ``out/python/CHANGELOG.md``.
    ``cache=False``: render from the specs alone. Returns ``written``, ``up to date`` or
    ``failed`` (nothing written).
    """
    run = _make_run(
        inputs, out, config, use_config, strict, baseline, write_baseline, on_read, diagnostics
    )
    with _cache_off(not cache):
        try:
            return _generate(run, adopt=adopt, changelog=Path(changelog) if changelog else None)
        except SpecError as exc:
            return run.failed(exc)
        except OutputError as exc:
            return run.done("failed", error=f"{exc}; nothing written")


def _generate(run: _Run, *, adopt: bool, changelog: Path | None) -> Outcome:
    key = run.key()
    if not changelog and not adopt and not _holds_cwd(run.out):
        answer = run.answer(key)
        if answer is not None:  # the output is what these exact input bytes render
            return run.answered(*answer)
    loaded = run.read()
    spec = loaded.spec
    extra_files: dict[str, bytes] = {}
    if changelog is not None:
        text, error = _changelog(run, changelog, spec, loaded.config.directory)
        if text is None:
            if run.on_read is not None:
                run.on_read(loaded, False)
            return run.from_loaded("failed", loaded, error=f"{error}; nothing written")
        extra_files[CHANGELOG_PATH] = text
    model_key = inputs_key(spec, run.sources, loaded.config)
    notes: list[str] = []
    if not extra_files and not adopt:
        notes += settle(run.out)  # an interrupted run's leftovers first, as write_tree does
        answered = run.by_model(key, loaded, model_key, notes)
        if answered is not None:
            return answered
    if run.on_read is not None:
        run.on_read(loaded, True)
    files = render(spec, run.sources)
    remember(model_key, files)
    run.remember(key, loaded, files[MANIFEST_NAME])
    progress.stage(f"writing {run.out}")
    result = write_tree(run.out, files, unowned=extra_files, adopt=adopt)
    return run.from_loaded(
        "written" if result.changed else "up to date",
        loaded,
        files=result.unchanged + len(result.written),
        written=tuple(result.written),
        removed=tuple(result.removed),
        notes=tuple(notes + result.notes),
        changelog_updated=bool(extra_files),
        rendered=True,
    )


def _changelog(
    run: _Run, old_path: Path, spec: Spec, config_dir: Path | None
) -> tuple[bytes | None, str]:
    """(the new CHANGELOG.md text, "") or (None, why) when the old edition cannot be read or
    the version in package.toml does not fit the changes."""
    from ..model.config import edition_names, edition_version
    from ..model.load import load
    from .changelog import EntryId, add_entry, entry, released_version, version_problem
    from .diff import diff_specs

    try:
        old = load(
            [old_path], config_dir=config_dir, use_config=run.use_config, lenient_config=True
        )
    except SpecError as exc:
        n = sum(1 for p in exc.problems if p.level is Level.ERROR)
        raise SpecError(
            exc.problems, [*exc.notes, f"cannot read the old edition {old_path}: {n} error(s)"]
        ) from exc
    old_names = edition_names(old_path, config_dir) if run.use_config else {}
    report = diff_specs(old.spec, spec, old_names=old_names)
    ident = EntryId(spec.package_version, spec.content_hash(), old.spec.content_hash())
    path = run.out / CHANGELOG_PATH
    try:
        existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read {path}: {exc}"
    released = released_version(existing, ident.base_hash, edition_version(old_path, config_dir))
    problem = version_problem(report, ident, released)
    if problem is not None:
        return None, f"{path}: {problem}"
    return add_entry(existing, entry(report, ident), ident).encode("utf-8"), ""


def check(
    inputs: Sequence[str | os.PathLike[str]] = ("specs",),
    *,
    out: str | os.PathLike[str] = "generated",
    config: str | os.PathLike[str] | None = None,
    use_config: bool = True,
    strict: bool = False,
    baseline: Baseline | None = None,
    cache: bool = True,
    write_baseline: bool = False,
    on_read: OnRead | None = None,
    diagnostics: Diagnostics | None = None,
) -> Outcome:
    """Render in memory and compare with ``out``; nothing is written (but what a killed
    ``generate`` left beside ``out`` is settled first). Returns ``up to date``, ``stale``
    (with the stale, missing, extra and unowned files and a diff excerpt) or ``failed``."""
    run = _make_run(
        inputs, out, config, use_config, strict, baseline, write_baseline, on_read, diagnostics
    )
    with _cache_off(not cache):
        try:
            return _check(run)
        except SpecError as exc:
            return run.failed(exc)
        except OutputError as exc:
            return run.done("failed", error=str(exc))


def _check(run: _Run) -> Outcome:
    key = run.key()
    answer = run.answer(key)
    if answer is not None:  # the output is what these exact input bytes render
        return run.answered(*answer)
    loaded = run.read()
    model_key = inputs_key(loaded.spec, run.sources, loaded.config)
    notes = settle(run.out)
    answered = run.by_model(key, loaded, model_key, notes)
    if answered is not None:
        return answered
    if run.on_read is not None:
        run.on_read(loaded, True)
    files = render(loaded.spec, run.sources)
    remember(model_key, files)
    run.remember(key, loaded, files[MANIFEST_NAME])
    stale, missing, extra = compare_tree(run.out, files)
    unowned = unowned_in_packages(run.out, set(files))
    if not (stale or missing or extra or unowned):
        return run.from_loaded(
            "up to date", loaded, files=len(files), notes=tuple(notes), rendered=True
        )
    # Content first: the manifest's hash lines say less than the files they stand for.
    changed = sorted(stale + missing, key=lambda rel: (rel == MANIFEST_NAME, rel))
    return run.from_loaded(
        "stale",
        loaded,
        files=len(files),
        stale=tuple(stale),
        missing=tuple(missing),
        extra=tuple(extra),
        unowned=tuple(unowned),
        excerpt=tuple(_excerpt(run.out, changed, files, DIFF_EXCERPT_LINES)),
        notes=tuple(notes),
        rendered=True,
    )


def display(path: Path) -> str:
    """A directory as the user wrote it, with a trailing slash, for messages."""
    text = os.fspath(path)
    return text if text.endswith(("/", os.sep)) else text + "/"


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
