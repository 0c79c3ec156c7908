"""Nothing to do, nothing done: answer `generate` and `check` from the manifest when it can.

Two tiers, both remembered in the cache after a run that read the specs without error:

1. **By the input bytes** (:func:`input_key`, :func:`current_record`), before anything is read
   into a model. The key is a hash of the exact bytes of every file the reading would read (the
   workbooks the reader's own :func:`~kiwoom_codegen.reader.paths.expand_inputs` finds from the
   spec arguments; the config files in the directory :func:`~kiwoom_codegen.model.config.
   find_config_dir` finds, or ``--config``, unless ``--no-config``; the names table shipped with
   the generator), the spec arguments and the working directory as given (they are in the
   messages), the "generated from" names, the set of emitters, the generator version, the hash
   of the generator's own code, templates and runtime (:func:`code_fingerprint`, which also
   holds the versions of black, datamodel-code-generator, Jinja and PyYAML), the versions of
   openpyxl and jsonschema and Python's. The record stored under it (:class:`Record`) holds the
   manifest that full run produced, every line the reading printed on stderr (warnings, notes,
   the self-check summary), how many of those were warnings, and the facts the summary line
   shows (API count, spec hash). A run with the same key whose output directory holds exactly
   that manifest and the files it lists prints the same lines and answers "up to date" without
   opening a workbook. ``--strict`` is not in the key: a record with warnings is not used by a
   ``--strict`` run (it reads the specs and fails as before), one without is (the lines are
   the same). The output directory is not in the key either: a record says what the inputs
   render, the directory is then compared with it.

2. **By the model** (:func:`inputs_key`, :func:`current_file_count`), after reading: the
   manifest the last full render produced for the same model (``repr`` of the frozen ``Spec``),
   config, sources and generator. It answers when the bytes changed but not what they say (a
   workbook saved again unchanged, a comment in a config file, another working directory), at
   the cost of reading the workbooks but not of rendering; such a run stores the first tier's
   record for its bytes, so the next one is answered before reading.

Whenever the key or the on-disk comparison differs (a changed byte in any input, an added or
removed workbook, a changed config file, another generator, a hand-edited, replaced or deleted
generated file), the run reads and renders as before. Without a cache
(``KIWOOM_CODEGEN_CACHE=off``) there is no fast path. The manifest in the output never holds the
generator's code hash, so a refactor that does not change the output does not make
``generated/`` stale.

This module is imported by every ``generate``/``check`` run before it knows whether it will
render: it must not import openpyxl, Jinja, black, datamodel-code-generator, YAML or the
emitters.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import emit as emit_package
from .._version import __version__
from ..cache import cache_dir, code_fingerprint, load_text, reject, store_text
from ..model import Spec
from ..model.config import CONFIG_FILES, find_config_dir
from ..model.names_table import shipped_table_text
from ..problems import Problems
from ..reader.paths import expand_inputs
from .writer import MANIFEST_NAME, check_relpath, linked_ancestor, sha256, unowned_in_packages

KIND = "current-manifest"  # tier 2: by the model
RECORD_KIND = "current-inputs"  # tier 1: by the input bytes
RECORD_FORMAT = 1
# Libraries that shape the model or the diagnostics without being part of code_fingerprint().
READING_TOOLS = ("openpyxl", "jsonschema")


def _digest(parts: Sequence[str | bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))  # unambiguous framing of the parts
        digest.update(data)
    return digest.hexdigest()


def _chooser() -> str:
    chooser = emit_package.emitters  # looked up now: tests may replace the set of emitters
    return f"{chooser.__module__}.{chooser.__qualname__}"


# --- tier 1: by the bytes of every input ----------------------------------------------------


@dataclass(frozen=True)
class Record:
    """What a full run that read these inputs without error knew: enough to answer again."""

    manifest: str  # the manifest text the inputs render
    diagnostics: tuple[str, ...]  # the reading's lines on stderr, as printed without --strict
    warnings: int  # how many of them --strict turns into errors
    apis: int
    spec_hash: str

    def dumps(self) -> str:
        return json.dumps({"format": RECORD_FORMAT, **asdict(self)}, ensure_ascii=False)

    @classmethod
    def loads(cls, text: str) -> Record | None:
        try:
            doc = json.loads(text)
            if doc.pop("format") != RECORD_FORMAT:
                return None
            record = cls(**doc)
            ok = (
                isinstance(record.manifest, str)
                and isinstance(record.diagnostics, list)
                and all(isinstance(line, str) for line in record.diagnostics)
                and isinstance(record.warnings, int)
                and isinstance(record.apis, int)
                and isinstance(record.spec_hash, str)
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if not ok:
            return None
        return cls(
            record.manifest,
            tuple(record.diagnostics),
            record.warnings,
            record.apis,
            record.spec_hash,
        )


def _tool_versions() -> list[str]:
    import importlib.metadata  # late: it costs the CLI's start-up ~30 ms

    versions = [f"python {sys.implementation.name} {sys.version_info[0]}.{sys.version_info[1]}"]
    for tool in READING_TOOLS:
        try:
            versions.append(f"{tool}=={importlib.metadata.version(tool)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{tool}==-")
    return versions


def input_key(
    paths: Sequence[Path],
    sources: Sequence[str],
    *,
    config_dir: Path | None,
    use_config: bool,
) -> str | None:
    """A hash of every byte and option reading and rendering depend on, or None when the inputs
    are not as a successful run found them (a missing path, an unreadable file) or there is no
    cache: then read."""
    if cache_dir() is None:
        return None  # nothing would be remembered: no need to hash
    problems = Problems()
    workbooks = expand_inputs(paths, problems)
    if problems.items:
        return None
    parts: list[str | bytes] = [
        f"record {RECORD_FORMAT}",
        _chooser(),
        __version__,
        code_fingerprint(),
        *_tool_versions(),
        os.getcwd(),  # messages show paths relative to it
        repr([os.fspath(p) for p in paths]),
        repr(tuple(sources)),
        shipped_table_text(),
    ]
    try:
        for workbook in workbooks:
            parts += [os.fspath(workbook), os.fspath(workbook.resolve())]
            parts.append(hashlib.sha256(workbook.read_bytes()).digest())
        directory = config_dir if config_dir is not None else find_config_dir(paths)
        if not use_config:
            parts.append("no config")
        elif directory is None:
            parts.append("no config directory")
        else:
            if not directory.is_dir():
                return None  # an error: read, and report it
            parts += [f"config {os.fspath(directory)}", os.fspath(directory.resolve())]
            for name in CONFIG_FILES:
                path = directory / name
                if path.is_file():
                    parts += [name, hashlib.sha256(path.read_bytes()).digest()]
                else:
                    parts += [name, "absent"]
    except OSError:
        return None
    return _digest(parts)


def remember_record(key: str, record: Record) -> None:
    store_text(RECORD_KIND, (key,), record.dumps())


def current_record(key: str, out_dir: Path, *, strict: bool) -> tuple[Record, int] | None:
    """The record of ``key`` and the number of owned files (manifest included) when ``out_dir``
    is exactly what those inputs render and the record can answer this run (``strict``: only
    without warnings), else None."""
    text = load_text(RECORD_KIND, (key,))
    record = Record.loads(text) if text is not None else None
    if text is not None and record is None:
        reject(RECORD_KIND, (key,), "is not a record of this generator")
    if record is None or (strict and record.warnings):
        return None
    count = matching_files(record.manifest, out_dir)
    return None if count is None else (record, count)


# --- tier 2: by the model ---------------------------------------------------------------------


def inputs_key(spec: Spec, sources: Sequence[str], config: object) -> str:
    """A hash of everything rendering reads. ``repr`` of the frozen model holds every field
    (sources and cells included), the package name, version and groups."""
    return _digest(
        [
            _chooser(),
            __version__,
            code_fingerprint(),
            repr(spec),
            repr(tuple(sources)),
            repr(config),
        ]
    )


def remember(key: str, files: Mapping[str, bytes]) -> None:
    """After a full render: its manifest is what the output holds when it is current."""
    if MANIFEST_NAME in files:
        store_text(KIND, (key,), files[MANIFEST_NAME].decode("utf-8"))


def expected_manifest(key: str) -> str | None:
    """The manifest the inputs of the model ``key`` render, when a run remembered it."""
    return load_text(KIND, (key,))


def current_file_count(key: str, out_dir: Path) -> int | None:
    """The number of owned files (manifest included) when ``out_dir`` is exactly what the
    inputs of ``key`` render, else None (then render as usual)."""
    expected = expected_manifest(key)
    return None if expected is None else matching_files(expected, out_dir)


def matching_files(expected: str, out_dir: Path) -> int | None:
    """The number of owned files (manifest included) when ``out_dir`` holds the manifest
    ``expected`` byte for byte and every file it lists with the listed sha256, else None.
    A file that is a symbolic link or lies below one does not count: writing refuses such a
    tree, and ``check`` sees those files as missing. A file inside a generated package that the
    manifest does not list makes it None too: the full path reports it."""
    try:
        manifest = out_dir / MANIFEST_NAME
        if manifest.is_symlink() or manifest.read_bytes() != expected.encode("utf-8"):
            return None
        listed = json.loads(expected)["files"]
        folders_checked: set[str] = set()  # each folder is looked at once, not once per file
        for rel, digest in listed.items():
            target = out_dir / check_relpath(rel)
            folder = rel.rpartition("/")[0]
            if folder and folder not in folders_checked:
                if linked_ancestor(out_dir, rel) is not None:
                    return None
                folders_checked.add(folder)
            if target.is_symlink() or sha256(target.read_bytes()) != digest:
                return None
        if unowned_in_packages(out_dir, {*listed, MANIFEST_NAME}):
            return None  # the full path reports them
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return len(listed) + 1
