"""Problems found in the docs, reported as values with a location, never raised at the user."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .escape import terminal


class Level(StrEnum):
    NOTE = "note"  # nothing wrong with the docs: something for the maintainer to do (never fails)
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Problem:
    level: Level
    where: str  # "file › 'sheet' › cell", as far as known
    api_id: str | None
    message: str
    tag: str = ""  # the kind, when the reporter names it (else :func:`kind_of` reads it)

    @property
    def kind(self) -> str:
        """What sort of problem this is (``example-enum``, ``length-shorter``...): problems are
        grouped and counted by kind."""
        return self.tag or kind_of(self.where, self.message)

    def line(self) -> str:
        """The one line shown to the user, e.g.

        ``specs/credit.xlsx › '신용 매수주문(kt10006)' › E23 (kt10006): Required must be Y or N,
        got 'X'`` (on one line)
        """
        api = f" ({self.api_id})" if self.api_id else ""
        return terminal(f"{self.where}{api}: {self.message}")


class Problems:
    """A collector passed through the reader; emitters only run when it holds no error."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.error_count = 0

    def error(self, where: str, api_id: str | None, message: str, kind: str = "") -> None:
        self.items.append(Problem(Level.ERROR, where, api_id, message, kind))
        self.error_count += 1

    def warning(self, where: str, api_id: str | None, message: str, kind: str = "") -> None:
        self.items.append(Problem(Level.WARNING, where, api_id, message, kind))

    def note(self, where: str, api_id: str | None, message: str, kind: str = "") -> None:
        self.items.append(Problem(Level.NOTE, where, api_id, message, kind))

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.NOTE]

    def extend(self, other: Iterable[Problem]) -> None:
        for problem in other:
            self.items.append(problem)
            self.error_count += problem.level is Level.ERROR

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.WARNING]

    def has_errors(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))


class SpecError(Exception):
    """Raised by the loading entry points when the docs cannot be turned into a model."""

    def __init__(self, problems: list[Problem], notes: list[str] | None = None) -> None:
        self.problems = problems
        self.notes = notes or []  # lines to show after the problems (the self-check summary)
        super().__init__("\n".join(p.line() for p in problems))


# The kind of a problem the reporter did not name, read from its text: the first pattern that
# matches (the order matters: the specific before the general). docs/problems.md lists them.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("example-key-typo", r"^(request|response) example.*: key .* is not in the table \(the"),
        ("example-key-unknown", r"^(request|response) example.*: key .* is not in the table"),
        ("example-enum", r"^(request|response) example.*(is not one of|is not the fixed value)"),
        ("example-format", r"^(request|response) example.*does not match the format"),
        ("example-length", r"^(request|response) example.*is longer than its Length"),
        ("example-missing", r"^(request|response) example.*(is missing|is empty)"),
        ("example-type", r"^(request|response) example.*(the table says|the frame carries)"),
        ("example-other", r"^(request|response) example"),
        ("example-python-literal", r"Example\b.*not valid JSON.*read as a Python literal"),
        ("example-not-json", r"Example\b.*(not valid JSON|nests deeper|lone surrogate)"),
        ("length-shorter", r"Length \d+ is shorter than"),
        ("required-empty", r"^Required is empty|^Required of "),
        ("required-invalid", r"^Required must be"),
        ("length-invalid", r"^Length of "),
        ("type-read-as", r"Type |^members follow|has no members"),
        ("enum-contradiction", r"enumerations? (of|for) .* (contradict|differ)"),
        ("mining", r"^description of |mined|enumeration"),
        ("error-codes", r"^error code"),
        ("names", r"has no English name|is taken|namespace of group"),
        ("sheet-info", r"API 명|메뉴 위치|^Method|^URL|운영 도메인|모의투자 도메인"),
        ("index", r"listed in the index|appears twice \(first in|^API ID|API sheet has no"),
        (
            "table-structure",
            r"depth|starts with '-'|appears twice|has no name|heading |Body above|구분|"
            r"^row |no Element|Description without|table rows before|header lacks|^no \w+ table",
        ),
        (
            "workbook",
            r"workbook|sheet skipped|no API sheet|corrupt|inflates|cell holds|content beyond|"
            r"sheet spans|no such file|cannot read|directory holds",
        ),
    )
)


def kind_of(where: str, message: str) -> str:
    """The kind of a problem from its location and text (``config`` for the config files)."""
    if ".toml" in where.split(" › ", 1)[0] or message.startswith("config directory"):
        return "config"
    for kind, pattern in _KINDS:
        if pattern.search(message):
            return kind
    return "other"
