"""Problems found in the docs, reported as values with a location, never raised at the user."""

from __future__ import annotations

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

    def error(self, where: str, api_id: str | None, message: str) -> None:
        self.items.append(Problem(Level.ERROR, where, api_id, message))
        self.error_count += 1

    def warning(self, where: str, api_id: str | None, message: str) -> None:
        self.items.append(Problem(Level.WARNING, where, api_id, message))

    def note(self, where: str, api_id: str | None, message: str) -> None:
        self.items.append(Problem(Level.NOTE, where, api_id, message))

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
