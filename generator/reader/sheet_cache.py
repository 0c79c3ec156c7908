"""The rows of a sheet whose content did not change, without openpyxl: a cache by exact content.

openpyxl's parse is most of the time of reading a full-size workbook. A sheet's rows are a pure
function of the sheet's XML part, the shared strings it uses, the styles (number formats turn
numbers into dates) and the workbook part (the 1904 date system); and of the reader's code. This
module computes that key for every worksheet straight from the ZIP (a regex pass in C over each
part, no XML tree) and keeps the rows of each sheet read without problems under it, in the cache
of :mod:`kiwoom_codegen.cache`. After a one-cell edit only the edited sheet misses: the
shared-string indexes that shift when a workbook is saved again are resolved to the strings'
own XML before hashing, so the other sheets keep their keys.

Anything unusual (a part missing, a sheet that is not a worksheet, a value of a type the cache
does not carry) means no key or no entry, and the sheet is read by openpyxl as always. Deleting
the cache or ``KIWOOM_CODEGEN_CACHE=off`` only costs time. The rows of one workbook file's sheets
are one cache entry (:class:`BookRows`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..cache import EntryWriter, code_fingerprint, load_text, reject

KIND = "sheet-rows"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

_SI = re.compile(rb"<(?:\w+:)?si\b.*?</(?:\w+:)?si>|<(?:\w+:)?si\s*/>", re.S)
# A shared-string cell's value: <c ... t="s" ...><v>12</v>; the index is group 2.
_SHARED_CELL = re.compile(rb'(<(?:\w+:)?c\b[^>]*\bt="s"[^>]*>\s*<(?:\w+:)?v>)\s*(\d+)\s*(<)')


@dataclass(frozen=True)
class SheetKey:
    title: str
    key: str


def sheet_keys(path: Path) -> list[SheetKey] | None:
    """Every sheet of the workbook in order, with the key of its content; None when the
    workbook is not of the plain shape this needs (then nothing is cached for it)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            workbook = zf.read("xl/workbook.xml")
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            targets = {
                r.get("Id"): (r.get("Type"), r.get("Target", ""))
                for r in rels.iter(f"{_PKG_REL}Relationship")
            }
            styles = zf.read("xl/styles.xml") if "xl/styles.xml" in names else b""
            shared: list[bytes] = (
                _SI.findall(zf.read("xl/sharedStrings.xml"))
                if "xl/sharedStrings.xml" in names
                else []
            )
            common = hashlib.sha256()
            for fixed in (code_fingerprint().encode(), workbook, styles):
                common.update(hashlib.sha256(fixed).digest())
            out: list[SheetKey] = []
            for sheet in ElementTree.fromstring(workbook).iter(f"{_MAIN}sheet"):
                kind, target = targets.get(sheet.get(f"{_REL}id"), (None, ""))
                title = sheet.get("name")
                if kind != _WORKSHEET or title is None:
                    return None
                part = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                if part not in names:
                    return None
                data = zf.read(part)

                def resolve(m: re.Match[bytes]) -> bytes:
                    index = int(m.group(2))
                    if index >= len(shared):
                        raise IndexError(index)
                    return bytes(m.group(1)) + shared[index] + bytes(m.group(3))

                digest = common.copy()
                digest.update(title.encode("utf-8") + b"\0")
                digest.update(_SHARED_CELL.sub(resolve, data))
                out.append(SheetKey(title, digest.hexdigest()))
            return out or None
    except (OSError, KeyError, ValueError, IndexError, zipfile.BadZipFile, ElementTree.ParseError):
        return None


# --- rows as text --------------------------------------------------------------------------


class _Unsupported(Exception):
    pass


def _encode(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return value  # json writes and reads NaN and infinities as they are
    if type(value) is dt.datetime:
        return {"datetime": value.isoformat()}
    if type(value) is dt.date:
        return {"date": value.isoformat()}
    if type(value) is dt.time:
        return {"time": value.isoformat()}
    if type(value) is dt.timedelta:
        return {"timedelta": [value.days, value.seconds, value.microseconds]}
    raise _Unsupported(type(value).__name__)


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    (tag, data), *_ = value.items()
    if tag == "datetime":
        return dt.datetime.fromisoformat(data)
    if tag == "date":
        return dt.date.fromisoformat(data)
    if tag == "time":
        return dt.time.fromisoformat(data)
    if tag == "timedelta":
        return dt.timedelta(days=data[0], seconds=data[1], microseconds=data[2])
    raise ValueError(tag)


class BookRows:
    """The rows of a workbook's sheets as read last time, by sheet key: one cache entry per
    workbook file (one read and one write per run, not one per sheet).

    The entry is a line per sheet, ``<key> <rows as JSON>`` (JSON text holds no raw line
    break). The lines of this read are written to a new entry as the sheets are read, so that
    rows are never held twice in memory; it replaces the old entry only if something changed.
    """

    def __init__(self, path: Path) -> None:
        self.entry = (code_fingerprint(), str(path.resolve()))
        self.known: dict[str, str] = {}
        for line in (load_text(KIND, self.entry) or "").split("\n"):
            key, _, data = line.partition(" ")
            if data:
                self.known[key] = data
            elif line:
                reject(KIND, self.entry, "holds a line that is not a sheet's rows")
                self.known = {}
                break
        self.used: list[str] = []
        self.changed = False
        self.writer = EntryWriter(KIND, self.entry)

    def rows(self, key: str) -> list[tuple[Any, ...]] | None:
        """The rows stored for ``key``, or None."""
        data = self.known.get(key)
        if data is None:
            return None
        try:
            rows = [tuple(_decode(v) for v in row) for row in json.loads(data)]
        except (ValueError, TypeError, AttributeError, IndexError):
            reject(KIND, self.entry, f"holds rows that cannot be read for sheet key {key[:12]}")
            return None
        self._keep(key, data)
        return rows

    def add(self, key: str, rows: Sequence[Sequence[Any]]) -> None:
        """Keep ``rows`` under ``key``, unless a value is of a type the cache does not carry."""
        try:
            data = json.dumps([[_encode(v) for v in row] for row in rows], ensure_ascii=False)
        except _Unsupported:
            return
        self.changed = True
        self._keep(key, data)

    def _keep(self, key: str, data: str) -> None:
        self.used.append(key)
        self.writer.write(f"{key} {data}\n")

    def save(self) -> None:
        """Store the sheets of this read (those of earlier editions are dropped)."""
        if self.changed or sorted(self.used) != sorted(self.known):
            self.writer.commit()
        else:
            self.writer.discard()
