"""A group's models, one module per API, behind the group's module that imports them on use.

Importing a models module costs pydantic's work per class and per field (about 50 µs a field,
descriptions or not): the largest groups hold 70 classes and 700 fields. A program that calls
one API of a group should not build the classes of the other 30. So the group's models module
is made and formatted whole (one datamodel-code-generator run, one black run per group), then
taken apart here, along its top-level statements, into:

- ``models/_<module>/<api>.py``: the classes of one API (its request and response classes and
  their nested item classes), for every API of the group;
- ``models/_<module>/_shared.py``: what more than one API uses (the shared enumerations
  ``TrdeTp = Literal[...]``, a class two APIs share, the loader of the typed companions);
- ``models/<module>.py``: the group's public module. It lists every name (``__all__``, imports
  for type checkers under ``TYPE_CHECKING``) and imports the module that defines a name when
  the name is first asked for (PEP 562 ``__getattr__``, through the runtime's ``_lazy``).
  ``from kiwoom_client.models.account import AccountBalanceRequest`` works as before and
  builds the classes of that one API.

Nothing is formatted again: the statements keep black's text from the group module, and the
few lines written here (imports, the lists) are written as black writes them (one name per
line, with a trailing comma, inside brackets). tests/test_format_units.py checks that black
changes nothing in any of these modules.

Which module a statement goes to: each API's own classes are its roots; a statement belongs to
an API when that API's roots need it (directly or through another statement), and to
``_shared`` when more than one API does or none does.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..escape import py_str
from ..model.names_table import WINDOWS_RESERVED

SHARED = "_shared"
LINE_LENGTH = 88
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class ApiClasses:
    """One API of the group: its module's name (an identifier, unique ignoring case) and the
    names of its own classes (request, response, shapes, nested items)."""

    api_id: str
    module: str
    roots: frozenset[str]


@dataclass
class _Statement:
    text: str
    defines: set[str]
    uses: set[str]
    definition: bool  # a class or function: black puts two blank lines before it


def api_module_names(names: Sequence[str]) -> list[str]:
    """File names for the APIs' modules from their method names: lowercase identifiers, unique
    ignoring case, never a Windows device name, never private (``_shared``)."""
    out: list[str] = []
    taken: set[str] = {SHARED}
    for name in names:
        base = re.sub(r"[^a-z0-9_]", "_", name.lower()).strip("_") or "api"
        if base[0].isdigit() or base in WINDOWS_RESERVED:
            base = f"api_{base}"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        taken.add(candidate)
        out.append(candidate)
    return out


def _names_in(node: ast.AST) -> set[str]:
    """Names a statement uses: every ``Name``, and every string constant that is an
    identifier (a postponed annotation ``"XParsed"``; a description that happens to be a
    word costs at most an unneeded import)."""
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            names.add(sub.id)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            if _IDENT.match(sub.value):
                names.add(sub.value)
    return names


def _defines(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()


def from_import(module: str, names: Sequence[str], indent: str = "") -> str:
    """``from module import a, b`` as black writes it: on one line when it fits, else one
    name per line in brackets with a trailing comma."""
    one = f"{indent}from {module} import {', '.join(names)}"
    if len(one) <= LINE_LENGTH:
        return one
    listed = "".join(f"{indent}    {n},\n" for n in names)
    return f"{indent}from {module} import (\n{listed}{indent})"


def _exploded(head: str, items: Sequence[str], close: str) -> str:
    """``head`` + one item per line with a trailing comma + ``close`` (black keeps it so: the
    magic trailing comma)."""
    return head + "\n" + "".join(f"    {item},\n" for item in items) + close


def split_models(
    formatted: str, package: str, module: str, apis: Sequence[ApiClasses]
) -> dict[str, str]:
    """{path: text} of the group's public module and its per-API modules, from the group's
    formatted models module (``<package>/models/<module>.py``), whose relative imports are
    written for the per-API modules' place (one level deeper: ``from ... import _values``)."""
    tree = ast.parse(formatted)
    lines = formatted.split("\n")
    body = tree.body
    if not body or not (isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)):
        raise ValueError(f"models/{module}.py: no module docstring")
    doc = body[0]
    assert doc.end_lineno is not None
    header = "\n".join(lines[: doc.lineno - 1])
    docstring = "\n".join(lines[doc.lineno - 1 : doc.end_lineno])
    imported: dict[str, tuple[str, str]] = {}  # local name -> (module, "name" or "name as x")
    companions: dict[str, str] = {}  # companion class name -> the module it is imported from
    public: list[str] = []
    future = False
    statements: list[_Statement] = []
    for node in body[1:]:
        if isinstance(node, ast.ImportFrom):
            if node.module == "__future__":
                future = True
                continue
            source = "." * node.level + (node.module or "")
            for alias in node.names:
                local = alias.asname or alias.name
                text = alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"
                imported[local] = (source, text)
            continue
        if isinstance(node, ast.Assign) and _defines(node) == {"__all__"}:
            assert isinstance(node.value, ast.List)
            public = [str(ast.literal_eval(e)) for e in node.value.elts]
            continue
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            for inner in node.body:
                if not isinstance(inner, ast.ImportFrom):
                    raise ValueError(f"models/{module}.py: unexpected TYPE_CHECKING block")
                for alias in inner.names:
                    companions[alias.name] = "." * inner.level + (inner.module or "")
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise ValueError(f"models/{module}.py: unexpected import at line {node.lineno}")
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        assert node.end_lineno is not None
        text = "\n".join(lines[first - 1 : node.end_lineno])
        definition = isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        statements.append(_Statement(text, _defines(node), _names_in(node), definition))

    # Who needs each statement: the APIs whose roots reach it.
    defined_by: dict[str, int] = {}
    for i, st in enumerate(statements):
        for name in st.defines:
            defined_by[name] = i
    need: list[set[str]] = [set() for _ in statements]
    for api in apis:
        todo = [defined_by[r] for r in sorted(api.roots) if r in defined_by]
        while todo:
            i = todo.pop()
            if api.module in need[i]:
                continue
            need[i].add(api.module)
            todo += [defined_by[n] for n in statements[i].uses if n in defined_by]
    owner = [next(iter(n)) if len(n) == 1 else SHARED for n in need]
    where: dict[str, str] = {}  # public name -> module
    for st, mod in zip(statements, owner, strict=True):
        for name in st.defines:
            where[name] = mod
    missing = [name for name in public if name not in where]
    if missing:
        raise ValueError(f"models/{module}.py: {', '.join(missing)} listed but not defined")

    out: dict[str, str] = {}
    base = f"{package}/models/_{module}"
    package = package.rsplit("/", 1)[-1]  # the import name, for the docstrings
    modules = [SHARED, *(api.module for api in apis)]
    ids = {api.module: api.api_id for api in apis}
    for mod in modules:
        own = [st for st, o in zip(statements, owner, strict=True) if o == mod]
        if mod == SHARED and not own:
            continue
        what = (
            "what more than one of its APIs uses" if mod == SHARED else f"the models of {ids[mod]}"
        )
        doc_line = f"{package}.models.{module}: {what}."
        text = _module_text(header, doc_line, own, imported, companions, where, future, mod)
        out[f"{base}/{mod}.py"] = text
    out[f"{base}/__init__.py"] = (
        f'{header}\n"""The modules of {package}.models.{module}, one per API '
        '(import from that module)."""\n'
    )
    out[f"{base[: -len(module) - 2]}/{module}.py"] = _public_text(
        header, docstring, module, public, where
    )
    return out


def _module_text(
    header: str,
    doc_line: str,
    own: Sequence[_Statement],
    imported: Mapping[str, tuple[str, str]],
    companions: Mapping[str, str],
    where: Mapping[str, str],
    future: bool,
    mod: str,
) -> str:
    uses: set[str] = set().union(*(st.uses for st in own)) if own else set()
    defined: set[str] = set().union(*(st.defines for st in own)) if own else set()
    wanted = {n for n in uses if n not in defined}
    type_only = sorted(n for n in wanted if n in companions)
    by_module: dict[str, list[str]] = {}
    for local in sorted(wanted):
        if local in imported and local not in companions:
            source, text = imported[local]
            by_module.setdefault(source, []).append(text)
    if type_only:
        by_module.setdefault("typing", [])
        if "TYPE_CHECKING" not in by_module["typing"]:
            by_module["typing"].append("TYPE_CHECKING")
    from_shared = sorted(
        n for n in wanted if where.get(n) == SHARED and mod != SHARED and n not in imported
    )
    parts = [f'{header}\n"""{py_str(doc_line)[1:-1]}"""\n']
    if future:
        parts.append("from __future__ import annotations\n")
    sections: list[list[str]] = [[], [], []]  # standard library and pydantic, relative
    for source in sorted(by_module, key=lambda m: (m.startswith("."), m)):
        names = sorted(set(by_module[source]), key=lambda n: (not n.isupper(), n))
        sections[2 if source.startswith(".") else 0 if source == "typing" else 1].append(
            from_import(source, names)
        )
    if from_shared:
        sections[2].append(from_import(f".{SHARED}", from_shared))
    blocks = ["\n".join(s) for s in sections if s]
    if blocks:
        parts.append("\n\n".join(blocks) + "\n")
    if type_only:
        by_source: dict[str, list[str]] = {}
        for name in type_only:
            by_source.setdefault(companions[name], []).append(name)
        checking = "\n".join(
            from_import(source, names, "    ") for source, names in sorted(by_source.items())
        )
        parts.append(f"if TYPE_CHECKING:\n{checking}\n")
    text = "\n".join(parts)
    if own:  # black: two blank lines before a class or function after the imports, else one
        text += ("\n\n" if own[0].definition else "\n") + "\n\n\n".join(st.text for st in own)
        text += "\n"
    return text


def _public_text(
    header: str, docstring: str, module: str, public: Sequence[str], where: Mapping[str, str]
) -> str:
    by_module: dict[str, list[str]] = {}
    for name in public:
        by_module.setdefault(where[name], []).append(name)
    checking = "\n".join(
        from_import(f"._{module}.{mod}", names, "    ") for mod, names in sorted(by_module.items())
    )
    all_list = _exploded("__all__ = [", [py_str(n) for n in public], "]")
    where_dict = _exploded(
        "_WHERE = {",
        [f"{py_str(n)}: {py_str(f'._{module}.{where[n]}')}" for n in public],
        "}",
    )
    return (
        f"{header}\n{docstring}\n\n"
        "from typing import TYPE_CHECKING, Any\n\n"
        "from .. import _lazy\n\n"
        f"if TYPE_CHECKING:\n{checking}\n\n"
        f"{all_list}\n\n"
        "# Where each name is defined: that module is imported when the name is first used.\n"
        f"{where_dict}\n\n\n"
        "def __getattr__(name: str) -> Any:\n"
        "    return _lazy.attribute(globals(), name)\n\n\n"
        "def __dir__() -> list[str]:\n"
        "    return list(__all__)\n"
    )
