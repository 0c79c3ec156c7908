"""Docstrings of the generated methods, as plain text (the templates escape them).

`trde_tp (매매구분, max 2): 0=보통, 3=시장가, ...`: the lines Kiwoom's labels, lengths and
enumerations make are wrapped by display width (Hangul takes two columns); the sheet's own words
(descriptions, overview) are kept line for line, never re-wrapped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ..escape import split_lines
from ..model import Api, Field, Kind
from ..model.describe import parse_enum_line

DOC_WIDTH = 80  # method docstrings sit 8 columns in: lines end by column 88


def _enum_text(f: Field) -> str:
    if f.enum is None:
        return ""
    return ", ".join(f"{e.value}={e.label}" if e.label else e.value for e in f.enum)


def _description_lines(f: Field) -> list[str]:
    """The description, without lines that are wholly an enumeration when the enum is shown."""
    lines = [line.strip() for line in split_lines(f.description)]
    if f.enum is not None:
        lines = [line for line in lines if parse_enum_line(line) is None]
    return [line for line in lines if line]


def field_doc(
    f: Field, name: str, when: str | None, indent: str = "", bullet: str = ""
) -> list[str]:
    """`trde_tp (매매구분, max 2): 0=보통, 3=시장가` wrapped, then the description's lines;
    the members of a list or object follow as ``- name (...)`` one level in."""
    facts: list[str] = [f.label] if f.label else []
    if f.max_length is not None:
        facts.append(f"max {f.max_length}")
    if f.format:
        facts.append(f.format)
    if f.kind is Kind.ARRAY:
        facts.append("list")
    if not f.required:
        facts.append("optional")
    if f.required_if is not None and when is not None:
        values = " or ".join(repr(v) for v in f.required_if.when_values)
        facts.append(f"required when {when} is {values}")
    head = f"{indent}{bullet}{name}"
    if facts:
        head += f" ({', '.join(facts)})"
    enum = _enum_text(f)
    first = f"{head}: {enum}" if enum else head
    more = _description_lines(f)
    sub = indent + " " * len(bullet) + "    "
    lines = _wrap(first, sub, DOC_WIDTH - 4)
    lines += [sub + line for line in more]  # the sheet's words as they are, never re-wrapped
    for child in f.children:
        lines += field_doc(child, child.python_name, sibling(f.children, child), sub, "- ")
    return lines


def sibling(level: Sequence[Field], f: Field) -> str | None:
    if f.required_if is None:
        return None
    for s in level:
        if s.name == f.required_if.when_field:
            return s.python_name
    return None


def display_width(text: str) -> int:
    """Columns on screen: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, indent: str, width: int = DOC_WIDTH) -> list[str]:
    """Word wrap by display width at single spaces (other whitespace is kept as it is);
    continuation lines start with ``indent``."""
    body = text.lstrip(" ")
    lines: list[str] = []
    line = text[: len(text) - len(body)]
    fresh = True  # nothing but indentation on the line yet
    for word in body.split(" "):
        candidate = line + word if fresh else f"{line} {word}"
        if not fresh and word and display_width(candidate) > width:
            lines.append(line)
            line, fresh = indent + word, False
        else:
            line, fresh = candidate, False
    lines.append(line)
    return lines


ORDER_NOTE = (
    "Order: this call moves money. It is never re-sent automatically once it may have reached "
    "Kiwoom (a timeout, the call's deadline, a reset connection, an HTTP 5xx): "
    "OrderStateUnknownError or "
    "APIConnectionError then means the order may have been executed. Check it with an order "
    "inquiry API before sending it again."
)


def method_docstring(api: Api, arg_docs: Sequence[str], paging: bool, response_model: str) -> str:
    parts: list[str] = [api.summary, "", " > ".join(api.menu)]
    parts.append(f"{api.method} {api.path} (api-id {api.id})")
    if api.is_order:
        parts += [""] + _wrap(ORDER_NOTE, "")
    overview = [line.rstrip() for line in split_lines(api.overview.strip("\n")) if line.strip()]
    if overview:
        parts += [""] + overview
    parts += ["", "Optional arguments left out or set to None are not sent.", "", "Args:"]
    for doc in arg_docs:
        parts += ["    " + line for line in split_lines(doc)]
    if paging:
        parts.append("    cont_yn: 연속조회여부: 'Y' to ask for the page after next_key;")
        parts.append("        iterating the response follows the pages for you.")
        parts.append("    next_key: 연속조회키: the next-key header of the previous page.")
    parts.append("    extra_headers: more HTTP headers for this call.")
    parts.append("    timeout: this call's timeout in seconds (default: the client's).")
    parts.append("    deadline: seconds the whole call may take, retries included")
    parts.append("        (default: the client's; None: no limit).")
    if paging:
        parts.append("    max_pages: pages that iterating the response follows at most")
        parts.append("        (default: the client's).")
    parts += [
        "",
        "Returns:",
        f"    The response: .data is a {response_model};",
        "    .body and .headers are the raw answer.",
        "",
        "Raises:",
        "    pydantic.ValidationError: an argument breaks the spec; nothing was sent.",
        "    KiwoomAPIError: Kiwoom answered with return_code != 0 (a subclass per code).",
    ]
    return "\n".join(parts)
