"""Black on a generated module, each distinct class-body statement formatted once.

Black formats each statement of a class body on its own: a field's or a method's lines depend
only on its own text and depth; the blank lines around it are set by what is around it. The
generated modules repeat themselves: a models module has the same fields in many classes
(``return_code``, ``stk_cd``, a list's items...), and a methods module has each method twice,
as the sync method and its async twin (``async def``, ``await``, ``AsyncKiwoomResponse``; the
same macro makes both). So :func:`format_module`:

1. formats a *skeleton* of the module (each run of fields and each method replaced by a
   placeholder statement, class headers, docstrings and everything else left as they are);
2. formats each distinct field or method once, all of them together in one class of their own,
   split back into statements by ``ast``'s line numbers; a plain field
   (``name: T = Field(k=v, ...)``) is written as black writes it without black
   (:func:`plain_field`); results are kept for the rest of the process (a worker reuses what it
   formatted for earlier groups) and, per module, in the cache directory (the next run after a
   one-cell change formats only the statements that changed);
3. makes an async twin's text from its sync method's result, changing the same three lines
   (``def``, the return annotation, ``return ... request(``), where each still fits the line
   length; otherwise the twin is formatted like any other method;
4. puts the results in place of the placeholders.

Placeholders are ``KCG<hash>...`` names whose hash is of the whole source, so no text of the
module can contain one. A source that does not fit the plan (does not parse, a placeholder not
found back) is formatted whole. tests/test_format_units.py checks the result is black's on
every module generated from specs/ and the synthetic workbooks.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass

from black.strings import str_width

from .formatting import format_source

LINE_LENGTH = 88  # formatting.BLACK_MODE's

# Statement text -> black's result for it, at four spaces in a class body (pure function of the
# text: kept for the life of the process).
_FORMATTED: dict[str, str] = {}


@dataclass(frozen=True)
class Unit:
    first: int  # 1-based, the first decorator's line for a method
    last: int  # inclusive
    method: bool


def units_of(source: str) -> list[Unit] | None:
    """Each assignment and each method directly in the body of a top-level class, at four
    spaces and alone on its lines; None when the source does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    lines = source.split("\n")
    units: list[Unit] = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        body = node.body
        for i, stmt in enumerate(body):
            method = isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
            if not (method or isinstance(stmt, (ast.AnnAssign, ast.Assign))):
                continue
            first = _first_line(stmt)
            end = stmt.end_lineno
            assert end is not None and stmt.end_col_offset is not None
            if stmt.col_offset != 4 or lines[first - 1][:4] != "    ":
                continue
            # Nothing but a comment after it on its last line, its neighbours on other lines.
            rest = lines[end - 1].encode("utf-8")[stmt.end_col_offset :].decode("utf-8").strip()
            if rest and not rest.startswith("#"):
                continue
            if i > 0 and (body[i - 1].end_lineno or 0) >= first:
                continue
            if i + 1 < len(body) and _first_line(body[i + 1]) <= end:
                continue
            units.append(Unit(first, end, method))
    return units


def _first_line(stmt: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(stmt, "decorator_list", [])
    return min([stmt.lineno] + [d.lineno for d in decorators])


# --- async twins ----------------------------------------------------------------------------

_ASYNC_DEF, _DEF = "    async def ", "    def "
_ASYNC_RETURNS, _RETURNS = "    ) -> AsyncKiwoomResponse[", "    ) -> KiwoomResponse["
_AWAIT, _CALL = "        return await self._client.", "        return self._client."


def _swap(text: str, pairs: tuple[tuple[str, str], ...]) -> str | None:
    """``text`` with its first line starting ``pairs[0][0]``, and every line starting
    ``pairs[1][0]`` or ``pairs[2][0]``, changed to the other prefix; None when the first line
    does not start so or another line does (a text that is not a twin)."""
    lines = text.split("\n")
    (def_from, def_to), *rest = pairs
    if not lines[0].startswith(def_from):
        return None
    out = [def_to + lines[0][len(def_from) :]]
    for line in lines[1:]:
        if line.startswith(def_from):
            return None
        for old, new in rest:
            if line.startswith(old):
                line = new + line[len(old) :]
                break
        out.append(line)
    return "\n".join(out)


_TO_SYNC = ((_ASYNC_DEF, _DEF), (_ASYNC_RETURNS, _RETURNS), (_AWAIT, _CALL))
_TO_ASYNC = ((_DEF, _ASYNC_DEF), (_RETURNS, _ASYNC_RETURNS), (_CALL, _AWAIT))


def sync_twin(text: str) -> str | None:
    """The sync method's source this async method's source is the twin of, or None."""
    return _swap(text, _TO_SYNC)


def async_result(sync_formatted: str, twin_source: str) -> str | None:
    """Black's result for the async twin, made from its sync method's result: the def line,
    the return annotation's line and the ``return ... request(`` line change, and only when
    each is a line of its own in the sync result (the signature and the call are split: their
    arguments end with a trailing comma) that still fits the line length; else None."""
    made = _swap(sync_formatted, _TO_ASYNC)
    if made is None:
        return None
    lines = made.split("\n")
    returns = [line for line in lines if line.startswith(_ASYNC_RETURNS)]
    calls = [line for line in lines if line.startswith(_AWAIT)]
    source_lines = twin_source.split("\n")
    if (
        not lines[0].endswith("(")
        or len(returns) != 1
        or not returns[0].endswith("]:")
        or len(calls) != sum(line.startswith(_AWAIT) for line in source_lines)
        or not all(line.endswith("(") for line in calls)
        or sum(line.startswith(_ASYNC_RETURNS) for line in source_lines) != 1
    ):
        return None
    if any(str_width(line) > LINE_LENGTH for line in (lines[0], *returns, *calls)):
        return None
    return made


# --- plain fields, without black --------------------------------------------------------------

_SPACED = {"|": " | ", "=": "=", ",": ", ", ".": ".", "(": "(", ")": ")", "[": "[", "]": "]"}
_QUOTES = ("'", '"')


def _string(text: str) -> str | None:
    """A string literal as black writes it (prefix, quotes, escapes), or None for one that
    black treats otherwise (a prefix, triple quotes, spanning lines)."""
    from black.strings import (
        normalize_string_prefix,
        normalize_string_quotes,
        normalize_unicode_escape_sequences,
    )
    from blib2to3.pgen2 import token  # type: ignore[import-untyped]  # black's own parser
    from blib2to3.pytree import Leaf  # type: ignore[import-untyped]

    from .formatting import BLACK_MODE

    if "\n" in text or text[:1] not in _QUOTES or text[:3] in ('"' * 3, "'" * 3):
        return None
    leaf = Leaf(token.STRING, text)
    normalize_unicode_escape_sequences(leaf)
    return str(normalize_string_quotes(normalize_string_prefix(leaf.value, BLACK_MODE)))


def plain_field(text: str) -> str | None:
    """Black's result for a class field of the plain form ``name: T = Field(k=v, ...)`` at four
    spaces, made without black; None for anything else (black formats it).

    The plain form: names, strings, integers, ``.``, ``|`` and ``[...]`` in the type,
    ``Field(...)`` with keyword arguments whose values are one name, string or integer; no
    comment, no trailing comma, no implicit string concatenation. Black keeps such a line when
    it fits; else it splits inside ``Field(``: the arguments on one line when they fit, else one
    per line with a trailing comma (an argument too long stays so: it holds no bracket to split
    at). A type too long to fit ``    name: T = Field(``, or a single argument too long, is left
    to black.
    """
    import io
    import tokenize

    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text.strip() + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    words: list[str] = []
    for t in tokens:
        if t.type in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER):
            continue
        if t.type == tokenize.NAME or (t.type == tokenize.NUMBER and t.string.isdigit()):
            words.append(t.string)
        elif t.type == tokenize.STRING:
            literal = _string(t.string)
            if literal is None or (words and words[-1][:1] in _QUOTES):
                return None
            words.append(literal)
        elif t.type == tokenize.OP and (t.string in _SPACED or t.string == ":"):
            words.append(t.string)
        else:
            return None
    # name : type... = Field ( args ): the only parentheses are Field's, closing the line.
    if len(words) < 7 or not words[0].isidentifier() or words[1] != ":" or words[-1] != ")":
        return None
    if words.count("(") != 1 or words.count(")") != 1 or words.count(":") != 1:
        return None
    call = words.index("(")
    if words[call - 1] != "Field" or words[call - 2] != "=":
        return None
    kind, args = words[2 : call - 2], words[call + 1 : -1]
    if not kind or "=" in kind or "[" in args or "]" in args:
        return None
    depth = 0
    for i, w in enumerate(kind):
        depth += 1 if w == "[" else -1 if w == "]" else 0
        if depth < 0 or (w == "," and kind[i + 1 : i + 2] == ["]"]):
            return None  # unbalanced, or a trailing comma (black would explode the brackets)
    parts: list[list[str]] = [[]]
    for w in args:
        if w == ",":
            parts.append([])
        else:
            parts[-1].append(w)
    if depth or any(len(p) != 3 or p[1] != "=" or not p[0].isidentifier() for p in parts):
        return None
    if any(not (p[2].isidentifier() or p[2].isdigit() or p[2][:1] in _QUOTES) for p in parts):
        return None
    kind_text = "".join(_SPACED.get(w, w) for w in kind)
    arg_texts = [f"{p[0]}={p[2]}" for p in parts]
    head = f"    {words[0]}: {kind_text} = Field("
    one = head + ", ".join(arg_texts) + ")"
    if str_width(one) <= LINE_LENGTH:
        return one
    if str_width(head) > LINE_LENGTH:
        return None
    body = "        " + ", ".join(arg_texts)
    if str_width(body) <= LINE_LENGTH:
        return f"{head}\n{body}\n    )"
    if len(arg_texts) < 2:
        return None
    return head + "\n" + "".join(f"        {a},\n" for a in arg_texts) + "    )"


# --- the module -----------------------------------------------------------------------------


def format_module(source: str, remember: str | None = None) -> str:
    """Black's result for ``source`` (see the module docstring).

    ``remember``: a name for the module (its path). Its statements' results are then also kept
    in the cache directory under that name, and the next run that formats a module of that
    name starts from them: when one cell of a group changed, only what changed in its modules
    goes to black. (A result depends only on its statement's text; the entry is keyed by the
    generator's code and tools, so an entry of another version is never read.)
    """
    if remember is not None:
        from ..cache import code_fingerprint, load_json_map, store_json_map

        key = (code_fingerprint(), remember)
        for text, made in load_json_map("format-units", key).items():
            _FORMATTED.setdefault(text, made)
        used: dict[str, str] = {}
        result = _format_module(source, used)
        store_json_map("format-units", key, used)
        return result
    return _format_module(source, None)


def _format_module(source: str, used: dict[str, str] | None) -> str:
    units = units_of(source)
    if not units:
        return format_source(source)
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:20]
    lines = source.split("\n")
    distinct: dict[str, int] = {}
    runs: list[list[int]] = []  # each run: the distinct indexes of its statements, in order
    skeleton: list[str] = []
    at = 0
    after_method = False
    for unit in units:
        text = "\n".join(lines[unit.first - 1 : unit.last])
        index = distinct.setdefault(text, len(distinct))
        # A field right after the previous field joins its run; a method is a run of its own
        # (the blank lines around it stay the source's).
        if runs and unit.first == at + 1 and not unit.method and not after_method:
            runs[-1].append(index)
        else:
            skeleton += lines[at : unit.first - 1]
            skeleton.append(f"    KCG{digest}R{len(runs)}")
            runs.append([index])
        at = unit.last
        after_method = unit.method
    skeleton += lines[at:]

    twins: dict[str, str] = {}  # async method -> its sync method, both in this module
    for text in distinct:
        sync = sync_twin(text) if text not in _FORMATTED else None
        if sync is not None and sync in distinct:
            twins[text] = sync
    for text in distinct:
        if text not in _FORMATTED and text not in twins and "\n" not in text:
            plain = plain_field(text)
            if plain is not None:
                _FORMATTED[text] = plain
    todo = [text for text in distinct if text not in _FORMATTED and text not in twins]
    if todo and not _format_statements(todo, digest):
        return format_source(source)
    late = []
    for text, sync in twins.items():
        made = async_result(_FORMATTED[sync], text)
        if made is None:
            late.append(text)
        else:
            _FORMATTED[text] = made
    if late and not _format_statements(late, digest):
        return format_source(source)
    by_index = [_FORMATTED[text] for text in distinct]
    if used is not None:
        used.update((text, _FORMATTED[text]) for text in distinct)

    out: list[str] = []
    placed = 0
    prefix = f"    KCG{digest}R"
    for line in format_source("\n".join(skeleton)).split("\n"):
        if line.startswith(prefix) and line[len(prefix) :].isdigit():
            out.extend(by_index[i] for i in runs[int(line[len(prefix) :])])
            placed += 1
        else:
            out.append(line)
    if placed != len(runs):
        return format_source(source)
    return "\n".join(out)


def _format_statements(texts: list[str], digest: str) -> bool:
    """Black's result for each statement of ``texts`` (class-body statements at four spaces)
    into the cache; False when the result cannot be split back into as many statements."""
    formatted = format_source(f"class KCG{digest}C:\n" + "\n".join(texts) + "\n")
    body = ast.parse(formatted).body
    if len(body) != 1 or not isinstance(body[0], ast.ClassDef):
        return False
    stmts = body[0].body
    if len(stmts) != len(texts):
        return False
    out_lines = formatted.split("\n")
    for text, stmt in zip(texts, stmts, strict=True):
        _FORMATTED[text] = "\n".join(out_lines[_first_line(stmt) - 1 : stmt.end_lineno])
    return True
