"""Fuzz the generator with hostile spec text, names and numbers; check every package it makes.

Each case is a synthetic workbook in the official layout (``generator.layout``, as
tests/fixtures.py writes them) whose cells hold random and adversarial text: quotes, triple
quotes, backslashes, ``\\N{...}``, template syntax, HTML, Markdown, every Unicode line break,
format (bidi) and control character, numbers far beyond any real Length, names that collide
(``ord_list`` / ``ordList``, ``A`` / ``a``) or shadow what generated code uses (``body``,
``Annotated``, ``Literal``, ``self``, ``model_config``...). Characters openpyxl cannot write
into a cell are then put into the model's text directly (the emitters must hold anything the
reader can produce). For each case:

* ``kiwoom-codegen`` either generates, or reports located problems (one line each, nothing
  unsafe on the terminal); anything else (a traceback) is a failure;
* every generated ``.py`` compiles, the package and all its modules import in a fresh
  interpreter without side effects (payloads that would create a file must not run);
* each description comes back exactly: as the pydantic field's description (the
  ``Field(description=...)`` literal), in ``openapi.json`` and ``openapi.yaml`` (equal
  documents; raw HTML made inert there, as ``escape.md_no_html`` does), and in the model JSON
  of ``parse --json``;
* rendering twice gives the same bytes;
* ``mypy --strict`` passes on the package (``--mypy``; the long run always checks it).

Long run (not part of pytest)::

    python -m benchmarks.fuzz_generator --minutes 10          # random seeds until time is up
    python -m benchmarks.fuzz_generator --seed 7 --keep out/  # one case, keep its files

tests/test_fuzz_generator.py runs a few fixed seeds (one with mypy) in CI.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from kiwoom_codegen.escape import is_unsafe, md_no_html
from kiwoom_codegen.model import Api, EnumValue, Example, Field, Spec
from kiwoom_codegen.model.load import load
from kiwoom_codegen.model.schema import spec_schemas
from kiwoom_codegen.problems import SpecError
from kiwoom_codegen.reader.cells import text as cell_text
from kiwoom_codegen.regen.generate import render
from kiwoom_codegen.regen.layout import SheetData, WorkbookData, save_workbook

# Every character that ends a line somewhere, formats text or controls a terminal: categories
# Zl, Zp, Cc, Cf, and the line breaks of str.splitlines() (U+000B, U+000C, U+001C-U+001E, U+0085).
UNSAFE_CHARS = "".join(
    chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) in ("Zl", "Zp", "Cc", "Cf")
)
# What openpyxl refuses to write into a cell (XML 1.0 forbids these controls).
_OPENPYXL_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# If any of these ran on import, a file named PWNED would appear in the working directory.
PAYLOADS = (
    "\u2028import pathlib; pathlib.Path('PWNED').touch()\u2028",
    "\x85import pathlib; pathlib.Path('PWNED').touch()\x85",
    '"""\nimport pathlib; pathlib.Path("PWNED").touch()\n"""',
    "'''\nimport pathlib; pathlib.Path('PWNED').touch()\n'''",
    '\\\n"""; import pathlib; pathlib.Path(\'PWNED\').touch(); x = """',
    "\x0c\x0b\x1c\x1d\x1eimport pathlib; pathlib.Path('PWNED').touch()",
    "\u2029# comment\u2029import pathlib; pathlib.Path('PWNED').touch()",
    "\r\nimport pathlib; pathlib.Path('PWNED').touch()\r",
)
FRAGMENTS = (
    '"',
    '""',
    '"""',
    "'",
    "'''",
    "\\",
    "\\\\",
    "\\N{BULLET}",
    "\\u0041",
    "\\x00",
    "\\",
    "{",
    "}",
    "{{ x }}",
    "{% if x %}",
    "{#",
    "#",
    "`",
    "```",
    "|",
    "*",
    "_",
    "~",
    "<script>alert(1)",
    "</b>",
    "&amp;",
    "-->",
    "<!--",
    "[x](javascript:1)",
    "\t",
    "\n",
    "\n\n",
    "  ",
    "0",
    "-1",
    "NaN",
    "1e400",
    "Y",
    "N",
    "null",
    "~",
    "005930",
    "yes",
    "한글",
    "신용주문",
    "𝄞",
    "\x7f",
    "\x9b31m",
    "\x1b[31m",
    "$(id)",
    "%s",
    "%(x)s",
    "\u202eevil",
    "\u2066",
    "\ufeff",
    "\u200b",
    "\u00ad",
    "KCG",
    "0:보통 , 3:시장가",
    "KRX,NXT,SOR",
    "YYYYMMDD",
    "단위: 원",
    ":",
    ",",
)
NAMES = (
    "ord_list",
    "ordList",
    "OrdList",
    "body",
    "Body",
    "Annotated",
    "Literal",
    "Field",
    "Any",
    "BaseModel",
    "ConfigDict",
    "Self",
    "self",
    "cls",
    "data",
    "classmethod",
    "model_config",
    "model_validate",
    "json",
    "dict",
    "str",
    "list",
    "class",
    "def",
    "None",
    "True",
    "match",
    "_",
    "__",
    "__init__",
    "a b",
    "a-b",
    "a.b",
    "0",
    "1x",
    "한글명",
    "종목코드",
    "x\u2028y",
    "A",
    "a",
    "return_code",
    "return_msg",
    "timeout",
    "extra_headers",
    "cont_yn",
    "next_key",
    "httpx",
    "OPERATIONS",
    "NOT_GIVEN",
    "strip_not_given",
    "Mapping",
    "Sequence",
    "typing",
)
LENGTHS = (
    None,
    "",
    "0",
    "-1",
    "1",
    "3",
    "12",
    "12.0",
    "1e3",
    "1,000",
    " 7 ",
    "٣",
    "²",
    str(2**64),
    "9" * 400,
    "abc",
    20,
    1000,
    2**40,
)


# --- making cases ------------------------------------------------------------------------------


def random_text(rng: random.Random, size: int = 6) -> str:
    """Adversarial fragments, unsafe characters, payloads and ordinary text, mixed."""
    parts: list[str] = []
    for _ in range(rng.randint(0, size)):
        roll = rng.random()
        if roll < 0.35:
            parts.append(rng.choice(FRAGMENTS))
        elif roll < 0.6:
            parts.append(rng.choice(UNSAFE_CHARS))
        elif roll < 0.65:
            parts.append(rng.choice(PAYLOADS))
        elif roll < 0.8:
            parts.append(chr(rng.randint(0x20, 0x2FFF)))
        else:
            parts.append(rng.choice(("주문", "수량", "text", " ", "가격", "ok")))
    return "".join(parts)


def random_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.6:
        return rng.choice(NAMES)
    if roll < 0.8:
        return "".join(rng.choice("abcXYZ_-0 한") for _ in range(rng.randint(1, 6))).strip() or "x"
    return cell_text(random_text(rng, 3)).lstrip("-").strip() or "y"


def cell_safe(text: str) -> str:
    """What openpyxl can write: the illegal controls out (the model gets them later)."""
    return _OPENPYXL_ILLEGAL.sub("", text)


def _rows(rng: random.Random, depth: int = 0) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    used: set[str] = set()
    for _ in range(rng.randint(1, 5)):
        name = re.sub(r"^[-\s]+", "", cell_text(cell_safe(random_name(rng)))) or "z"
        while name in used:
            name += "x"
        used.add(name)
        prefix = "-" * depth
        if depth < 2 and rng.random() < 0.2:
            rows.append((prefix + name, cell_safe(random_text(rng)), "LIST", "N", None, ""))
            rows.extend(_rows(rng, depth + 1))
            continue
        rows.append(
            (
                prefix + name,
                cell_safe(random_text(rng, 3)),
                rng.choice(("String", "String", "")),
                rng.choice(("Y", "N", None)),
                rng.choice(LENGTHS),
                cell_safe(random_text(rng, 10)),
            )
        )
    return rows


def random_sheets(rng: random.Random, count: int) -> list[SheetData]:
    sheets: list[SheetData] = []
    ids: set[str] = set()
    for i in range(count):
        api_id = rng.choice(("ka", "kt", "0")) + str(rng.randint(0, 99999))
        if rng.random() < 0.15 and sheets:
            api_id = sheets[-1].api_id.swapcase()  # a case twin (0g / 0G)
        while api_id in ids:
            api_id += "x"
        ids.add(api_id)
        name = cell_safe(random_text(rng, 4)).strip() or f"API {i}"
        example = json.dumps({"a": random_text(rng, 3), "n": 1}, ensure_ascii=rng.random() < 0.5)
        if rng.random() < 0.2:
            example = '{"a": "\\ud800", "b": "\\u2028"}'
        sheets.append(
            SheetData(
                api_id=api_id,
                name=name,
                menu=f"국내주식 > {cell_safe(random_text(rng, 2))} > {name}",
                url=f"/api/dostk/t{i}",
                request_body=_rows(rng),
                response_body=_rows(rng),
                request_example=cell_safe(example),
                response_example=cell_safe(random_text(rng, 4)),
                overview=[cell_safe(random_text(rng, 8)) for _ in range(rng.randint(0, 2))],
                sheet_name=f"s{i}",
            )
        )
    return sheets


def map_text(spec: Spec, fn: Callable[[str], str]) -> Spec:
    """The spec with ``fn`` applied to its free text: names of APIs, menus, overviews, labels,
    descriptions, enumeration labels and example texts (not identities: ids, wire names)."""

    def field(f: Field) -> Field:
        return dataclasses.replace(
            f,
            label=fn(f.label),
            description=fn(f.description),
            enum=tuple(EnumValue(e.value, fn(e.label) if e.label else e.label) for e in f.enum)
            if f.enum
            else f.enum,
            children=tuple(field(c) for c in f.children),
        )

    def example(e: Example | None) -> Example | None:
        return None if e is None else dataclasses.replace(e, text=fn(e.text))

    def api(a: Api) -> Api:
        return dataclasses.replace(
            a,
            name=fn(a.name) or a.name,
            menu=tuple(fn(m) or m for m in a.menu),
            overview=fn(a.overview),
            request=dataclasses.replace(a.request, body=tuple(field(f) for f in a.request.body)),
            response=dataclasses.replace(a.response, body=tuple(field(f) for f in a.response.body)),
            request_example=example(a.request_example),
            response_example=example(a.response_example),
        )

    return dataclasses.replace(spec, apis=tuple(api(a) for a in spec.apis))


def inject_controls(rng: random.Random) -> Callable[[str], str]:
    """Puts back what openpyxl could not write: C0 controls, anywhere in the text, then
    normalises as the reader does (a model the reader could have produced)."""

    def fn(value: str) -> str:
        if not value or rng.random() < 0.5:
            return value
        i = rng.randint(0, len(value))
        extra = "".join(rng.choice(UNSAFE_CHARS[:32]) for _ in range(rng.randint(1, 3)))
        return cell_text(value[:i] + extra + value[i:])

    return fn


# --- checking a package ------------------------------------------------------------------------

_IMPORT_CHECK = r"""
import importlib, inspect, json, pkgutil, sys
import kiwoom_client
from pydantic import BaseModel
out = {}
for sub in ("models", "resources"):
    pkg = importlib.import_module("kiwoom_client." + sub)
    # every module, the models of each API (models/_<group>/<api>.py) included
    for m in pkgutil.walk_packages(pkg.__path__, f"kiwoom_client.{sub}."):
        mod = importlib.import_module(m.name)
        if sub == "models":
            for name, cls in vars(mod).items():
                if (inspect.isclass(cls) and issubclass(cls, BaseModel)
                        and cls.__module__ == mod.__name__):
                    out[name] = {
                        (f.alias or attr): f.description for attr, f in cls.model_fields.items()
                    }
json.dump(out, sys.stdout, ensure_ascii=True)
"""


class Failure(AssertionError):
    pass


def expected_description(text: str) -> str:
    """What pydantic reads for ``text``: the generator writes descriptions as
    ``Field(description=...)`` string literals (issue 12), so the text itself, exactly."""
    return text


def check_package(spec: Spec, files: dict[str, bytes], root: Path, mypy: bool) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if rel.endswith(".py"):
            try:
                compile(data, rel, "exec")
            except SyntaxError as exc:
                raise Failure(f"{rel} does not compile: {exc}") from None
    pkg_root = root / "python"
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_CHECK],
        cwd=pkg_root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(pkg_root), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if proc.returncode:
        raise Failure(f"importing the package failed:\n{proc.stderr[-3000:]}")
    if (pkg_root / "PWNED").exists():
        raise Failure("importing the package ran code from the spec")
    descriptions: dict[str, dict[str, str | None]] = json.loads(proc.stdout)
    for schemas in spec_schemas(spec).values():
        for name, schema in schemas.schemas.items():
            got = descriptions.get(name)
            if got is None:
                raise Failure(f"model class {name} is missing")
            for prop, sub in schema["properties"].items():
                want = sub.get("description")
                if want is not None and got.get(prop) != expected_description(want):
                    raise Failure(f"{name}.{prop}: description {got.get(prop)!r} != {want!r}")
    document = json.loads(files["openapi.json"])
    if yaml.safe_load(files["openapi.yaml"].decode("utf-8")) != document:
        raise Failure("openapi.yaml and openapi.json differ")
    components = document["components"]["schemas"]
    for schemas in spec_schemas(spec, "#/components/schemas/").values():
        for name, schema in schemas.schemas.items():
            for prop, sub in schema["properties"].items():
                if "description" in sub:
                    shown = components[name]["properties"][prop].get("description")
                    # OpenAPI descriptions are CommonMark: raw HTML is made inert (md_no_html)
                    if shown != md_no_html(sub["description"]):
                        raise Failure(f"openapi {name}.{prop}: {shown!r}")
    if json.loads(spec.dumps()) != spec.to_json():
        raise Failure("the model JSON does not round-trip")
    if mypy:
        proc = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "kiwoom_client"],
            cwd=pkg_root,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if proc.returncode:
            raise Failure(f"mypy --strict:\n{proc.stdout[-3000:]}")


def check_problems(exc: SpecError) -> None:
    for problem in exc.problems:
        line = problem.line()
        if "\n" in line or any(is_unsafe(ch) for ch in line):
            raise Failure(f"problem line not safe for a terminal: {line!r}")


# --- one case ----------------------------------------------------------------------------------


def random_spec(seed: int, work: Path, *, apis: int = 3) -> Spec | None:
    """The spec of :func:`run_case` for ``seed`` (controls put back), or None when the
    workbook is rejected."""
    rng = random.Random(seed)
    work.mkdir(parents=True, exist_ok=True)
    book = save_workbook(WorkbookData(random_sheets(rng, apis)), work / "spec.xlsx")
    try:
        loaded = load([book], use_config=False)
    except SpecError:
        return None
    return map_text(loaded.spec, inject_controls(rng))


def run_case(seed: int, work: Path, *, apis: int = 3, mypy: bool = False) -> str:
    """One seed: generate and check. Returns "ok" or "rejected" (located problems)."""
    rng = random.Random(seed)
    work.mkdir(parents=True, exist_ok=True)
    book = save_workbook(WorkbookData(random_sheets(rng, apis)), work / "spec.xlsx")
    try:
        loaded = load([book], use_config=False)
    except SpecError as exc:
        check_problems(exc)
        return "rejected: " + next(p.line() for p in exc.problems if p.level == "error")
    for problem in loaded.problems:
        check_problems(SpecError([problem]))
    spec = map_text(loaded.spec, inject_controls(rng))
    files = render(spec, ("spec.xlsx",))
    if render(spec, ("spec.xlsx",)) != files:
        raise Failure("rendering twice gave different bytes")
    check_package(spec, files, work / "out", mypy)
    return "ok"


def unicode_case(work: Path, *, mypy: bool = False) -> None:
    """Every character of UNSAFE_CHARS, and every payload, in names, labels, descriptions,
    overviews, enumeration labels and examples of one spec; and every name of NAMES as a
    required field with an enumeration, a LIST and a LIST member."""
    spec = unicode_spec(work)
    files = render(spec, ("spec.xlsx",))
    check_package(spec, files, work / "out", mypy)


def unicode_spec(work: Path) -> Spec:
    """The spec of :func:`unicode_case` (its workbook written in ``work``)."""
    chunks = [UNSAFE_CHARS[i : i + 64] for i in range(0, len(UNSAFE_CHARS), 64)]
    texts = [f"a{chunk}z" for chunk in chunks] + [f"b{p}z" for p in PAYLOADS]
    rows: list[tuple[Any, ...]] = [
        (f"f{i}", f"L{i}", "String", "N", 10, f"D{i}") for i in range(len(texts))
    ]
    for name in NAMES:
        rows.append((name, name, "String", "Y", 2, "0:a, 1:b"))
        rows.append((f"{name}_list", "", "LIST", "N", None, ""))
        rows.append((f"-{name}", "", "String", "Y", 3, ""))
    sheet = SheetData(
        api_id="ka90001",
        name="N0",
        menu="국내주식 > M1 > N0",
        url="/api/dostk/unicode",
        request_body=rows,
        response_body=rows,
        overview=["O2"],
        request_example='{"x": "E3"}',
        response_example="E4",
    )
    book = save_workbook(WorkbookData([sheet]), work / "spec.xlsx")
    spec = load([book], use_config=False).spec
    marks = {f"D{i}": t for i, t in enumerate(texts)}
    marks |= {f"L{i}": t[::-1] for i, t in enumerate(texts)}
    marks |= {"N0": texts[0] + texts[-1], "M1": texts[1], "O2": "\n".join(texts)}
    marks |= {"E3": texts[2], "E4": texts[3]}
    pattern = re.compile("|".join(sorted(map(re.escape, marks), key=len, reverse=True)))
    return map_text(spec, lambda s: cell_text(pattern.sub(lambda m: marks[m.group(0)], s)))


def seeds(start: int) -> Iterator[int]:
    n = start
    while True:
        yield n
        n += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="run until this much time")
    parser.add_argument("--seed", type=int, help="run this one seed only")
    parser.add_argument("--start", type=int, default=1000, help="first seed of a timed run")
    parser.add_argument("--apis", type=int, default=4, help="APIs per workbook")
    parser.add_argument("--no-mypy", action="store_true", help="skip mypy --strict")
    parser.add_argument("--keep", type=Path, help="keep the files of each case here")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.minutes * 60
    counts = {"ok": 0, "rejected": 0}
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        if args.seed is None:
            unicode_case(base / "unicode", mypy=not args.no_mypy)
            print("unicode case: ok", flush=True)
        for seed in [args.seed] if args.seed is not None else seeds(args.start):
            if args.seed is None and time.monotonic() > deadline:
                break
            try:
                result = run_case(
                    seed, base / f"case-{seed}", apis=args.apis, mypy=not args.no_mypy
                )
            except Failure as exc:
                print(f"seed {seed}: FAILED: {exc}", file=sys.stderr)
                print(f"reproduce: python -m benchmarks.fuzz_generator --seed {seed} --keep DIR")
                return 1
            counts[result.split(":")[0]] += 1
            print(f"seed {seed}: {result}", flush=True)
    print(
        f"{counts['ok']} generated and checked, {counts['rejected']} rejected with located problems"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
