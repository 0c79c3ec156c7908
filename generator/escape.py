"""Spec text made safe for every output language, in one place.

Spec text (names, labels, descriptions, examples, file names) is data. It reaches generated
files and the terminal only through these functions, one per language and place:

==========  ==========================================================================
Python      :func:`py_docstring` (between triple double quotes), :func:`py_comment`
            (after ``#``, one line), :func:`py_str` (a string literal; ``repr()`` is
            equivalent), :func:`indent` (re-indents escaped text)
Markdown    :func:`md_text` (inline prose), :func:`md_code` (a code span),
            :func:`md_fence` (a fence for a block), :func:`md_cell` (a table cell),
            :func:`html_comment`
TOML        :func:`toml_str`
JSON        :func:`json_text` (``json.dumps`` that also escapes lone surrogates, line and
            paragraph separators and format characters, so the bytes are valid UTF-8)
YAML        :func:`yaml_style` (the scalar style that carries a string exactly)
terminal    :func:`terminal` (one line; controls, bidi and format characters shown as escapes)
==========  ==========================================================================

**One definition of a line** (:func:`split_lines`): only ``"\\n"`` ends a line. The reader
turns CR and CRLF into ``"\\n"``; every other line break of Unicode (U+2028, U+2029, U+0085,
VT, FF, FS/GS/RS) is a character *inside* a line, and every escaping function below writes
such characters as escapes, so that ``str.splitlines()``, Python's tokenizer, Markdown and
terminals all see the same lines. Code that splits generated text uses :func:`split_lines`,
never ``str.splitlines()``.

Unsafe characters (:func:`is_unsafe`): Unicode categories Cc (controls, incl. U+0085), Cf
(format: bidi overrides and isolates, zero-width characters, BOM), Cs (lone surrogates),
Zl and Zp (U+2028, U+2029).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

# Every character that may be unsafe, found by the regex engine in C: all but printable ASCII and
# the Hangul and CJK blocks the docs are written in (none of which holds an unsafe character).
# A match is then asked `is_unsafe`; the text of a whole spec is scanned without a Python loop.
_MAYBE_UNSAFE = re.compile("[^\x20-\x7e\u3131-\u318e\u4e00-\u9fff\uac00-\ud7a3]")


def is_unsafe(ch: str) -> bool:
    """A character no generated file or terminal line shows raw (see the module docstring)."""
    return unicodedata.category(ch) in UNSAFE_CATEGORIES


def has_unsafe(text: str) -> bool:
    """Whether any character of ``text`` is unsafe (:func:`is_unsafe`)."""
    return any(is_unsafe(m.group()) for m in _MAYBE_UNSAFE.finditer(text))


def split_lines(text: str) -> list[str]:
    """The one definition of a line: ``text`` split at ``"\\n"`` only."""
    return text.split("\n")


def escape_char(ch: str) -> str:
    """A Python/JSON-style escape: ``\\x1b``, ``\\u2028``, ``\\U0001d173``."""
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


# --- Python ---------------------------------------------------------------------------------

# What makes a docstring need escaping besides unsafe characters ("\t" is unsafe too).
_DOCSTRING_SPECIAL = re.compile('["\\\\]')


def py_docstring(text: str) -> str:
    """``text`` ready to sit between triple double quotes; the docstring's value is ``text``.

    Backslashes are escaped (so ``\\N{...}`` and ``\\u`` stay text), every third double quote
    in a row and a final double quote are escaped (nothing can close the docstring early), tabs
    and every unsafe character become escapes (black re-indents raw tabs, and the tokenizer and
    ``str.splitlines()`` must agree on the lines). Only ``"\\n"`` stays a raw line break.
    """
    if not _DOCSTRING_SPECIAL.search(text) and not has_unsafe(text.replace("\n", "")):
        return text
    out: list[str] = []
    quotes = 0  # unescaped double quotes just written
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch == '"':
            if quotes == 2 or i == last:
                out.append('\\"')
                quotes = 0
            else:
                out.append(ch)
                quotes += 1
            continue
        quotes = 0
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append(ch)
        elif ch == "\t" or is_unsafe(ch):
            out.append(escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def py_comment(text: str) -> str:
    """``text`` on one line, for ``#`` comments and headers: line breaks, tabs and unsafe
    characters shown as escapes."""
    return terminal(text)


def py_str(text: str) -> str:
    """A double-quoted Python string literal of ``text`` (for examples shown in docs)."""
    return '"' + _escaped(text, quoted='\\"') + '"'


def _escaped(text: str, *, quoted: str = "") -> str:
    """``text`` with ``\\n``, ``\\t``, every unsafe character and each of ``quoted`` escaped."""
    if not any(q in text for q in quoted) and not has_unsafe(text):
        return text  # "\n" and "\t" are unsafe (Cc), so they are covered
    out: list[str] = []
    for ch in text:
        if ch in quoted:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif is_unsafe(ch):
            out.append(escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def indent(text: str, width: int | str = 4, first: bool = False) -> str:
    """Escaped text with every line after the first (and the first, if ``first``) prefixed;
    lines as :func:`split_lines` sees them, blank lines left blank."""
    prefix = " " * width if isinstance(width, int) else width
    lines = split_lines(text)
    out = [(prefix + line if line and (i or first) else line) for i, line in enumerate(lines)]
    return "\n".join(out)


def plain_json(value: Any) -> bool:
    """True when ``repr(value)`` is a Python literal equal to the JSON value.

    That holds for parsed JSON except NaN and infinities (which ``json.loads`` accepts).
    """
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain_json(v) for v in value)
    return value is None or isinstance(value, bool | int | str)


# --- Markdown and HTML ----------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
# A bare URL or www. address, which GitHub-flavoured Markdown would make a link by itself.
_BARE_URL = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:(?:https?|ftp)://|www\.)[^\s<>`|]*[^\s<>`|.,;:!?'\")\]]"
)


def md_text(text: str) -> str:
    """Spec text for Markdown prose: one line; what could start markup or HTML is escaped, and
    bare URLs are shown as code spans (exactly as written, never a link).

    Text never starts a line here, so only inline markup matters: code spans, emphasis, links,
    images, HTML tags and entities, table pipes, strikethrough, autolinks.
    """
    text = terminal(text)
    out: list[str] = []
    at = 0
    for m in _BARE_URL.finditer(text):
        out += [_md_plain(text[at : m.start()]), md_code(m.group(0))]
        at = m.end()
    out.append(_md_plain(text[at:]))
    return "".join(out)


def _md_plain(text: str) -> str:

    def esc(m: re.Match[str]) -> str:
        ch, i = m.group(0), m.start()
        if ch == "_" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            return ch  # intra-word: can neither open nor close emphasis (CommonMark)
        return "\\" + ch

    return _MD_SPECIAL.sub(esc, text)


# What could open raw HTML in Markdown: `<` before a tag name, `/`, `!` or `?`.
_HTML_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")


def md_no_html(text: str) -> str:
    """Markdown text (an OpenAPI ``description``) with raw HTML made inert, ``<`` written as
    ``&lt;`` outside code spans; line breaks and other Markdown are kept. Redocly's
    ``no-unsafe-markdown`` then finds nothing to sanitise."""
    out: list[str] = []
    at = 0
    for m in _CODE_SPAN.finditer(text):
        out += [_HTML_OPEN.sub("&lt;", text[at : m.start()]), m.group(0)]
        at = m.end()
    out.append(_HTML_OPEN.sub("&lt;", text[at:]))
    return "".join(out)


def md_cell(text: str) -> str:
    """Spec text for one cell of a Markdown table (pipes and markup escaped, one line)."""
    return md_text(text)


def md_code(text: str) -> str:
    """An inline code span holding ``text`` exactly (one line), whatever backticks it holds."""
    text = terminal(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def md_code_cell(text: str) -> str:
    """A code span inside a table cell: pipes would end the cell even inside backticks."""
    return md_code(text).replace("|", "\\|")


def md_fence(body: str) -> str:
    """A code fence longer than any run of backticks in ``body``."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def html_comment(text: str) -> str:
    """One line of text that cannot end an HTML comment."""
    return terminal(text).replace("--", "-\u2010")


# --- TOML, JSON, YAML -----------------------------------------------------------------------


def toml_str(text: str) -> str:
    """A TOML basic string of ``text``."""
    out: list[str] = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif is_unsafe(ch) or ch == "\x7f":
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def json_text(value: Any, *, indent: int | None = 2, sort_keys: bool = False) -> str:
    """``json.dumps`` with UTF-8 text kept readable, but every unsafe character escaped.

    ``json.dumps(ensure_ascii=False)`` writes lone surrogates raw (the result cannot be encoded
    as UTF-8), and U+2028/U+2029, C1 controls and bidi controls raw; here they become
    ``\\uXXXX`` escapes, which every JSON parser reads back as the same string.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys)
    if text.isascii():
        return text  # json.dumps escapes C0 controls in strings; "\n" is indentation
    # Outside strings JSON is ASCII, so every unsafe character found is inside a string; a raw
    # "\n" is indentation (json.dumps escapes it in strings).
    return _MAYBE_UNSAFE.sub(_json_sub, text)


def _json_sub(match: re.Match[str]) -> str:
    ch = match.group()
    return _json_escape(ch) if ch != "\n" and is_unsafe(ch) else ch


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


# Plain scalars that some YAML parser reads as something other than a string, although PyYAML
# would write them plain: `005930` is the number 5930 in YAML 1.2 (js-yaml, Go yaml.v3), `Y` and
# `n` are booleans in YAML 1.1 (Go yaml.v2). Such strings are single-quoted.
_NOT_PLAIN_STRING = re.compile(
    r"[-+]?[0-9._].*|0[box].*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|null|Null|NULL|~|"
    r"[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE|"
)
# Text that plain or single-quoted style can carry as is: printable, no line break of any kind.
_SINGLE_LINE_PRINTABLE = re.compile(
    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*"
)


def yaml_style(data: str) -> str | None:
    """The YAML scalar style that any YAML 1.1 or 1.2 parser reads back as exactly ``data``.

    Line breaks, control characters, U+2028/U+2029/U+0085, BOMs and characters beyond the BMP
    go double-quoted with escapes (``'"'``, the style that carries anything); strings some
    parser would read as numbers, booleans or null go single-quoted (``"'"``); ``None`` lets
    the emitter pick the style of the rest.
    """
    if not _SINGLE_LINE_PRINTABLE.fullmatch(data):
        return '"'
    if _NOT_PLAIN_STRING.fullmatch(data):
        return "'"
    return None


# --- terminal -------------------------------------------------------------------------------


def terminal(text: str) -> str:
    """``text`` as one line for a terminal or log: ``\\n`` shown as ``\\n``, tabs as ``\\t``,
    escape sequences, bidi controls and every other unsafe character as escapes."""
    return _escaped(text)
