"""The generator's stages point one way and no module imports itself back.

The layers (reader -> model -> emit -> regen -> cli, over the floor of problems, cache, source
and escape) are import-linter contracts in pyproject.toml, run by ``lint-imports`` in .ci/run
and here; this module also finds import circles inside a layer, which the layers contract does
not see.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            for j in range(i, len(edges[node])):
                nxt = edges[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(name)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b"]]


def test_no_module_of_the_generator_is_part_of_an_import_circle() -> None:
    """Imports under ``if TYPE_CHECKING:`` are left out: they never run."""
    graph = grimp.build_graph("kiwoom_codegen", exclude_type_checking_imports=True)
    assert _cycles(graph) == []


def test_the_import_contracts_hold() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


@pytest.mark.slow
def test_no_test_module_imports_another() -> None:
    """Shared helpers live in tests/support/; a test module imports from there, never from a
    test module (whose tests would then run twice, or whose helpers drift)."""
    tests = Path(__file__).resolve().parent
    offenders = []
    for path in sorted(tests.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
                names += [f"{names[0]}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.rsplit(".", 1)[-1].startswith("test_") for n in names):
                offenders.append(f"{path.relative_to(tests)}:{node.lineno}")
    assert offenders == []


def test_the_readme_is_a_few_screens_with_a_first_call_early() -> None:
    """The README is the front door: at most 300 lines, a ``KiwoomClient(`` call in its first
    60, and every docs page it links exists (the details live there)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("\n")
    assert len(readme) <= 300, len(readme)
    assert any("KiwoomClient(" in line for line in readme[:60])
    linked = set(re.findall(r"\(docs/([\w.-]+\.md)\)", "\n".join(readme)))
    assert linked >= {"regenerating.md", "problems.md", "reading.md", "library.md", "wire.md"}
    assert all((ROOT / "docs" / page).is_file() for page in linked), linked
    assert {p.name for p in (ROOT / "docs").glob("*.md")} <= linked  # every page is reachable
