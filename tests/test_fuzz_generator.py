"""The generator fuzz suite, CI size: hostile text, names and numbers in synthetic workbooks.

benchmarks/fuzz_generator.py holds the cases and the checks (compiles, imports without side
effects, descriptions round-trip into docstrings/JSON/YAML/model JSON, deterministic output,
``mypy --strict``); its long form runs for minutes outside pytest (see README). Seeds are fixed
here, so a failure is reproducible with ``python -m benchmarks.fuzz_generator --seed N``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.fuzz_generator import UNSAFE_CHARS, run_case, unicode_case


@pytest.mark.slow
def test_every_line_format_and_control_character(tmp_path: Path) -> None:
    """Every character of Zl, Zp, Cc, Cf (incl. U+0085, VT, FF, FS/GS/RS, bidi controls) and
    code payloads in names, labels, descriptions, overviews and examples; names that shadow
    what generated code uses: the package compiles, imports without running anything, passes
    ``mypy --strict``, and every description comes back exactly."""
    assert {"\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\u202e"} <= set(
        UNSAFE_CHARS
    )
    unicode_case(tmp_path, mypy=True)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_workbooks(tmp_path: Path, seed: int) -> None:
    assert run_case(seed, tmp_path, apis=3) == "ok"
