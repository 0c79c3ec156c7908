"""Raw records read from sheets: cell text with its location, before any interpretation."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..source import Source
from .cells import coord


@dataclass(frozen=True, slots=True)
class RawCell:
    value: str  # stripped text; numbers rendered without a trailing ".0"
    source: Source
    number: bool = False  # the workbook stored a number


@dataclass(slots=True)
class RawRow:
    """One row of a Request/Response table: the text of each column and where it sits.

    Locations are made on demand (most rows never need one beyond their Element cell).
    """

    group: str  # "Header" or "Body": the last 구분 seen above (or on) this row
    element: str
    label: str
    type: str
    required: str
    length: str
    description: str
    file: str
    sheet: str
    row: int  # 1-based row number
    columns: dict[str, int]  # column name -> 0-based column index, shared by a table's rows

    def at(self, column: str) -> Source:
        """Where one column of this row is: ``at("required")`` -> ``... › E23``."""
        return Source(self.file, self.sheet, coord(self.row, self.columns[column]))

    @property
    def source(self) -> Source:
        return self.at("element")


@dataclass(frozen=True, slots=True)
class RawTable:
    rows: tuple[RawRow, ...]
    header_source: Source
    unreadable: bool = False  # the header row was wrong (already reported): no rows were read


@dataclass
class RawApi:
    file: str
    sheet: str
    info: dict[str, RawCell] = field(default_factory=dict)  # normalised key -> value cell
    overview: list[str] = field(default_factory=list)
    request: RawTable | None = None
    response: RawTable | None = None
    request_example: RawCell | None = None
    response_example: RawCell | None = None

    @property
    def api_id(self) -> str | None:
        cell = self.info.get("apiid")
        return cell.value if cell and cell.value else None

    @property
    def where(self) -> str:
        return str(Source(self.file, self.sheet))


@dataclass(frozen=True, slots=True)
class RawIndexEntry:
    api_id: str
    name: str
    category: str
    subcategory: str
    url: str
    source: Source


@dataclass(frozen=True, slots=True)
class RawErrorCode:
    code: RawCell
    message: RawCell


@dataclass
class RawBook:
    """Everything read from the inputs, in reading order."""

    apis: list[RawApi] = field(default_factory=list)
    index: list[RawIndexEntry] = field(default_factory=list)
    error_codes: list[RawErrorCode] = field(default_factory=list)
