"""Which files the reader reads, and how paths are shown: no workbook library needed.

``expand_inputs`` is the reader's one discovery of the workbooks behind the spec arguments; the
fast path of ``generate``/``check`` (:mod:`kiwoom_codegen.regen.fastpath`) hashes exactly the files
it lists, so it must stay importable without openpyxl.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..problems import Problems


def display_path(path: Path) -> str:
    """The path as the user would write it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive
        return str(path)


def expand_inputs(paths: Iterable[Path], problems: Problems) -> list[Path]:
    """Files as given, directories as their .xlsx files (sorted, Excel lock files skipped).

    A file reached twice (given, and inside a given directory) is read once.
    """
    files: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$") and p.is_file()
            )
            if not found:
                problems.error(display_path(path), None, "directory holds no .xlsx spec workbook")
        elif path.is_file():
            found = [path]
        else:
            problems.error(display_path(path), None, "no such file or directory")
            continue
        for file in found:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                files.append(file)
    return files
