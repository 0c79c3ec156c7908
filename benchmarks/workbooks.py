"""The workbooks the benchmarks measure on, and the one-cell edit of a real file.

Every benchmark that reads a workbook takes ``--workbook {calibrated,synthetic}`` (default
``calibrated``: :mod:`benchmarks.synth_real`, drawn from the real edition's shape; ``synthetic``:
the older :mod:`benchmarks.synth`) and ``--edition PATH`` (default: ``$KIWOOM_EDITION`` when
set): with an edition, it measures on the real file as well and prints the figures of each,
labelled. Kiwoom's editions stay outside the repository (docs/benchmarks.md, "Calibration").
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from kiwoom_codegen.regen.layout import save_workbook

from benchmarks.synth import count_field_rows, synthetic_workbook
from benchmarks.synth_real import calibrated_workbook

KINDS = ("calibrated", "synthetic")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# A cell element with its attributes and its content (`<c r="G23" s="5" t="s"><v>17</v></c>`).
_CELL = re.compile(rb"<c ([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_ATTR = re.compile(rb'([A-Za-z:]+)="([^"]*)"')
_SHEET_PART = re.compile(r"^xl/worksheets/sheet(\d+)\.xml$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workbook",
        choices=KINDS,
        default="calibrated",
        help="the synthetic workbook: calibrated to the real edition (default) or the older one",
    )
    parser.add_argument(
        "--edition",
        type=Path,
        default=Path(os.environ["KIWOOM_EDITION"]) if os.environ.get("KIWOOM_EDITION") else None,
        metavar="PATH",
        help="a real edition of the workbook to measure on as well (default: $KIWOOM_EDITION)",
    )


@dataclass(frozen=True)
class Workbook:
    label: str  # "calibrated synthetic", "old synthetic", "edition kettledrum.xlsx"
    path: Path
    description: str  # one line: what it is, how big


def prepare(args: argparse.Namespace, apis: int, directory: Path) -> list[Workbook]:
    """The synthetic workbook of ``args.workbook`` written under ``directory``, then the
    edition of ``args.edition`` (as it is, not copied) when one is given."""
    data = calibrated_workbook(apis) if args.workbook == "calibrated" else synthetic_workbook(apis)
    path = save_workbook(data, directory / args.workbook / "kiwoom.xlsx")
    label = {"calibrated": "calibrated synthetic", "synthetic": "old synthetic"}[args.workbook]
    out = [
        Workbook(
            label,
            path,
            f"{label} workbook: {len(data.sheets)} APIs, {count_field_rows(data)} field rows",
        )
    ]
    if args.edition is not None:
        edition = Path(args.edition)
        if not edition.is_file():
            raise SystemExit(f"--edition / KIWOOM_EDITION: {edition} is not a file")
        digest = hashlib.sha256(edition.read_bytes()).hexdigest()[:12]
        out.append(
            Workbook(
                f"edition {edition.name}",
                edition,
                f"real edition {edition.name} ({edition.stat().st_size / 1e6:.1f} MB, "
                f"sha256 {digest}...)",
            )
        )
    return out


def cores() -> str:
    return f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))})"


# --- one description cell changed, at the XML level ---------------------------------------


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    try:
        root = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
    except KeyError:
        return []
    return ["".join(t.text or "" for t in si.iter(f"{_NS}t")) for si in root.iter(f"{_NS}si")]


def _cell_text(attrs: dict[bytes, bytes], body: bytes, strings: list[str]) -> str | None:
    kind = attrs.get(b"t", b"")
    if kind == b"s":
        m = re.search(rb"<v>(\d+)</v>", body)
        return strings[int(m.group(1))] if m and int(m.group(1)) < len(strings) else None
    if kind == b"inlineStr":
        root = ElementTree.fromstring(b"<is xmlns='" + _NS[1:-1].encode() + b"'>" + body + b"</is>")
        return "".join(t.text or "" for t in root.iter(f"{_NS}t"))
    return None


def description_cells(
    xml: bytes, strings: list[str]
) -> list[tuple[re.Match[bytes], dict[bytes, bytes], str]]:
    """The text cells of column G other than the table header `Description`: the tables'
    descriptions (column G holds nothing else in the official layout)."""
    out = []
    for m in _CELL.finditer(xml):
        attrs = dict(_ATTR.findall(m.group(1)))
        if not re.fullmatch(rb"G\d+", attrs.get(b"r", b"")):
            continue
        text = _cell_text(attrs, m.group(2) or b"", strings)
        if text and text.strip() != "Description":
            out.append((m, attrs, text))
    return out


def _has_api_id_key(xml: bytes, strings: list[str]) -> bool:
    """Column A holds the key `API ID` (an API sheet; the index has it in another column)."""
    for m in _CELL.finditer(xml):
        attrs = dict(_ATTR.findall(m.group(1)))
        if re.fullmatch(rb"A\d+", attrs.get(b"r", b"")):
            text = _cell_text(attrs, m.group(2) or b"", strings)
            if text is not None and text.strip() == "API ID":
                return True
    return False


def api_sheet_parts(path: Path) -> list[str]:
    """The API sheets' worksheet parts that hold a description, in order."""
    with zipfile.ZipFile(path) as z:
        strings = _shared_strings(z)
        names = sorted(
            (n for n in z.namelist() if _SHEET_PART.match(n)),
            key=lambda n: int(_SHEET_PART.match(n).group(1)),  # type: ignore[union-attr]
        )
        return [
            n
            for n in names
            if _has_api_id_key(xml := z.read(n), strings) and description_cells(xml, strings)
        ]


def edit_one_cell(source: Path, target: Path, n: int) -> str:
    """Copy ``source`` to ``target`` with one description cell changed: the last description
    of API sheet ``(len // 2 + 37 n) % len`` gets `` (변경 n)`` appended, written as an inline
    string in that sheet's XML; the shared strings and every other part stay byte-identical.
    Returns the part and cell changed."""
    parts = api_sheet_parts(source)
    part = parts[(len(parts) // 2 + 37 * n) % len(parts)]
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as src:
        strings = _shared_strings(src)
        xml = src.read(part)
        m, attrs, text = description_cells(xml, strings)[-1]
        keep = b" ".join(k + b'="' + v + b'"' for k, v in _ATTR.findall(m.group(1)) if k != b"t")
        new_text = escape(f"{text} (변경 {n})").encode("utf-8")
        cell = b"<c " + keep + b' t="inlineStr"><is><t xml:space="preserve">'
        cell += new_text + b"</t></is></c>"
        changed = xml[: m.start()] + cell + xml[m.end() :]
        with zipfile.ZipFile(target, "w") as dst:
            for info in src.infolist():
                body = changed if info.filename == part else src.read(info.filename)
                dst.writestr(info, body, compress_type=info.compress_type)
    return f"{part} {attrs[b'r'].decode()}"


def copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target
