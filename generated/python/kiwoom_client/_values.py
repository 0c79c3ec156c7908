# Copied verbatim from generator/runtime/_values.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""Values: Kiwoom's strings read as numbers, dates and directions, and written back.

Kiwoom sends every value as a string. The generator mines what each field's string means
(its *kind*, see docs/values.md of kiwoom-codegen) and the generated models call the readers
below from ``.parsed()``; the wire strings stay on the models as they were received.

- ``direction``: a price whose sign is its direction against the previous close:
  ``"-20800"`` is 20800, :attr:`Direction.DOWN`; no sign is :attr:`Direction.FLAT`. ``"-0"``
  keeps the sign as sent (0, down).
- ``signed``: a signed number (a change, a rate): ``"-1.25"``.
- ``unsigned``: a count, quantity or amount that is never negative, possibly zero-padded.
- ``decimal``: a number with decimals, written or implied (``scale``: ``'000001500'`` with
  scale 3 is ``Decimal('1.500')``).
- ``date`` (``YYYYMMDD``; ``00000000`` is no date), ``time`` (``HHMMSS``, ``HH:mm:ss``, ``HHMM``),
  ``datetime`` (``YYYYMMDDHHMMSS``).
- ``code``: a string, with a mined prefix removed (``A005930`` -> ``005930``).

A blank (``""``, spaces, or a field left out) is None. A value that contradicts its kind raises
:class:`InvalidValueError` naming the field and the value, unless the caller asked to keep it
(``parsed(errors="keep")``): the field is then None and the wire string is kept in the
companion's ``invalid`` mapping.

This module imports nothing beyond the standard library; pandas is imported by
:func:`to_pandas` only, when it is called.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import importlib
import json
import keyword
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, Self

__all__ = [
    "Direction",
    "InvalidValueError",
    "ParsedModel",
    "records",
    "to_pandas",
]

Bad = dict[str, str] | None  # where invalid values are kept, or None: raise
NO_INVALID: Mapping[str, str] = MappingProxyType({})  # a companion's ``invalid`` when none


class Direction(StrEnum):
    """The direction a direction-signed price carries: ``+`` up, ``-`` down, no sign flat."""

    UP = "up"
    DOWN = "down"
    FLAT = "flat"


SIGNS: Mapping[str, Direction] = {"+": Direction.UP, "-": Direction.DOWN}  # a sign's direction
_SIGNS = SIGNS


class InvalidValueError(ValueError):
    """A value Kiwoom sent (or a caller passed) that contradicts the field's meaning."""

    def __init__(self, field: str, value: object, meaning: str) -> None:
        super().__init__(f"{field}: {value!r} is not {meaning}")
        self.field = field
        self.value = value
        self.meaning = meaning


def _fail(text: str, name: str, meaning: str, bad: Bad) -> None:
    """Raise, or keep the string in ``bad`` (the caller then gives None)."""
    if bad is None:
        raise InvalidValueError(name, text, meaning) from None
    bad[name] = text


# --- readers (hot: one call per field of every row) ------------------------------------------


def uint(text: str | None, name: str, bad: Bad) -> int | None:
    """An unsigned integer, possibly zero-padded (``"000123"``); a ``+`` sign is tolerated."""
    if not text:
        return None
    if text.isdecimal():  # int() reads every decimal digit isdecimal() accepts
        return int(text)
    stripped = text.strip()
    if not stripped:
        return None
    if stripped[0] == "+" and stripped[1:].isdecimal():
        return int(stripped[1:])
    _fail(text, name, "an unsigned whole number", bad)
    return None


def sint(text: str | None, name: str, bad: Bad) -> int | None:
    """A signed integer (``"-200"``, ``"+0"``)."""
    if not text:
        return None
    if text.isdecimal() or (text[0] in _SIGNS and text[1:].isdecimal()):
        return int(text)
    if not text.strip():
        return None
    _fail(text, name, "a signed whole number", bad)
    return None


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def dec(
    text: str | None, name: str, bad: Bad, scale: int = 0, signed: bool = True
) -> Decimal | None:
    """A decimal number; ``scale`` implied decimals are put back (``"1500"``, 2 -> 15.00)."""
    if not text:
        return None
    value = _decimal(text) if "_" not in text else None
    if value is None:
        if not text.strip():
            return None
        _fail(text, name, "a number" if signed else "an unsigned number", bad)
        return None
    if not signed and value.is_signed() and value:
        _fail(text, name, "an unsigned number", bad)
        return None
    return value.scaleb(-scale) if scale else value


def dir_int(text: str | None, name: str, bad: Bad) -> tuple[int | None, Direction | None]:
    """A direction-signed whole number: (absolute value, direction)."""
    if not text:
        return None, None
    if text.isdecimal():
        return int(text), Direction.FLAT
    direction = _SIGNS.get(text[0])
    if direction is not None and text[1:].isdecimal():
        return int(text[1:]), direction
    if not text.strip():
        return None, None
    _fail(text, name, "a direction-signed whole number", bad)
    return None, None


def dir_dec(
    text: str | None, name: str, bad: Bad, scale: int = 0
) -> tuple[Decimal | None, Direction | None]:
    """A direction-signed decimal: (absolute value, direction)."""
    if not text:
        return None, None
    direction = _SIGNS.get(text[0], Direction.FLAT)
    body = text if direction is Direction.FLAT else text[1:]
    value = _decimal(body) if body[:1].isdigit() and "_" not in body else None
    if value is None:
        if not text.strip():
            return None, None
        _fail(text, name, "a direction-signed number", bad)
        return None, None
    return (value.scaleb(-scale) if scale else value), direction


def date(text: str | None, name: str, bad: Bad) -> _dt.date | None:
    """``YYYYMMDD`` (also ``YYYY-MM-DD``); ``00000000`` means no date: None."""
    if not text:
        return None
    digits = text.replace("-", "") if len(text) == 10 else text
    if len(digits) == 8 and digits.isdecimal():
        if digits == "00000000":
            return None
        try:
            return _dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            pass
    elif not text.strip():
        return None
    _fail(text, name, "a date (YYYYMMDD)", bad)
    return None


def time(text: str | None, name: str, bad: Bad) -> _dt.time | None:
    """``HHMMSS``, ``HH:mm:ss``, ``HHMM`` or ``HH:mm``."""
    if not text:
        return None
    digits = text.replace(":", "") if ":" in text else text
    if len(digits) in (4, 6) and digits.isdigit() and digits.isascii():
        try:
            return _dt.time(int(digits[:2]), int(digits[2:4]), int(digits[4:6] or 0))
        except ValueError:
            pass
    elif not text.strip():
        return None
    _fail(text, name, "a time (HHMMSS)", bad)
    return None


def datetime(text: str | None, name: str, bad: Bad) -> _dt.datetime | None:
    """``YYYYMMDDHHMMSS``; all zeros is no date: None."""
    if not text:
        return None
    if len(text) == 14 and text.isdigit() and text.isascii():
        if not int(text):
            return None
        try:
            return _dt.datetime(
                int(text[:4]),
                int(text[4:6]),
                int(text[6:8]),
                int(text[8:10]),
                int(text[10:12]),
                int(text[12:]),
            )
        except ValueError:
            pass
    elif not text.strip():
        return None
    _fail(text, name, "a date and time (YYYYMMDDHHMMSS)", bad)
    return None


def code(text: str | None, name: str, bad: Bad, strip: str = "") -> str | None:
    """A code: the mined prefix removed where it is followed by six characters."""
    if not text or not text.strip():
        return None
    if strip and text.startswith(strip) and len(text) == len(strip) + 6:
        return text[len(strip) :]
    return text


def text(value: str | None, name: str, bad: Bad) -> str | None:
    """Text as sent; a blank is None."""
    if not value or not value.strip():
        return None
    return value


# --- requests: Python values -> Kiwoom's strings ---------------------------------------------

_NUMBERS = frozenset({"unsigned", "signed", "decimal", "direction"})  # digits are valid
_MEANING = {
    "unsigned": "an unsigned number",
    "signed": "a number",
    "decimal": "a number",
    "direction": "a number",
    "date": "a date (YYYYMMDD or datetime.date)",
    "datetime": "a date and time (YYYYMMDDHHMMSS or datetime.datetime)",
}


def _json_text(value: Any, name: str) -> Any:
    """A list of objects (mappings of strings) as the JSON text Kiwoom wants inside the string;
    a string is sent as given (already the JSON text), anything else is refused."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(
        isinstance(item, Mapping)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in item.items())
        for item in value
    ):
        return json.dumps([dict(item) for item in value], ensure_ascii=False)
    raise InvalidValueError(name, value, "a list of objects of strings (sent as JSON text)")


def to_wire(value: Any, kind: str, name: str, number: str = "int", scale: int = 0) -> Any:
    """A request argument in Kiwoom's string form; refused (ValueError) where the field's
    meaning forbids it: a negative or non-numeric value for a quantity, a float (inexact).

    Strings are checked, not rewritten; None and other types are left to the model.
    """
    if type(value) is str and kind in _NUMBERS and value.isdecimal() and value.isascii():
        return value  # the common case first (every call of an order): digits, a number
    if kind == "json":
        return _json_text(value, name)
    meaning = _MEANING.get(kind)
    if meaning is None or value is None:
        return value
    if kind in ("date", "datetime"):
        if isinstance(value, _dt.datetime):
            return value.strftime("%Y%m%d%H%M%S" if kind == "datetime" else "%Y%m%d")
        if isinstance(value, _dt.date):
            if kind == "datetime":
                raise InvalidValueError(name, value, meaning)
            return value.strftime("%Y%m%d")
        if isinstance(value, str) and value.strip():
            size = 8 if kind == "date" else 14
            if not (len(value) == size and value.isdigit() and value.isascii()):
                raise InvalidValueError(name, value, meaning)
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidValueError(name, value, f"{meaning} (give an int, a Decimal or a str)")
    if isinstance(value, int):
        number_value = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidValueError(name, value, meaning)
        number_value = value
    elif isinstance(value, str):
        if not value.strip():
            return value  # "not given": the model decides whether a blank is allowed
        parsed = _decimal(value) if "_" not in value and value.strip() == value else None
        if parsed is None or (number == "int" and not scale and "." in value):
            raise InvalidValueError(name, value, meaning)
        if kind == "unsigned" and value.startswith("-") and parsed:
            raise InvalidValueError(name, value, "an unsigned number (not negative)")
        return value
    else:
        return value
    if kind == "unsigned" and number_value < 0:
        raise InvalidValueError(name, value, "an unsigned number (not negative)")
    if scale:
        number_value = number_value.scaleb(scale)
    if number == "int" or scale:
        if number_value != number_value.to_integral_value():
            raise InvalidValueError(name, value, "a whole number")
        return str(int(number_value))
    return format(number_value, "f")


# --- tables ----------------------------------------------------------------------------------


_TWINS: dict[type, Any] = {}  # a companion class -> its mutable twin (ParsedModel._new)


class ParsedModel:
    """Base of the generated typed companions (frozen dataclasses with slots).

    ``_COLUMNS``: field -> kind of value (int, decimal, date, time, datetime, direction, text,
    rows, object), read by :func:`to_pandas` to type the columns; ``_ROWS``: list field -> the
    companion class of its rows.
    """

    __slots__ = ()
    _COLUMNS: ClassVar[Mapping[str, str]] = {}
    _ROWS: ClassVar[Mapping[str, type[ParsedModel]]] = {}
    # How each field is read from the model, in the order of the fields (JSON, see _reader).
    _READ: ClassVar[str] = "[]"

    @classmethod
    def _of(cls, model: Any, errors: str) -> Self:
        """The companion of ``model`` (its ``.parsed()``)."""
        read = _READERS.get(cls)
        if read is None:
            read = _READERS[cls] = _reader(cls)
        return read(model, errors)  # type: ignore[no-any-return]

    @classmethod
    def _new(cls, *args: Any, **kwargs: Any) -> Self:
        """The frozen instance, built without the frozen dataclass's ``__init__`` (which sets
        each field through ``object.__setattr__``, most of the cost of ``.parsed()``): a
        mutable twin with the same slots is built, then made this class. The result is the
        same instance ``cls(...)`` makes: equal, hashable, frozen (docs/values.md)."""
        twin = _TWINS.get(cls)
        if twin is None:
            twin = _TWINS[cls] = dataclasses.make_dataclass(
                cls.__name__,
                [(f.name, f.type) for f in dataclasses.fields(cls)],  # type: ignore[arg-type]
                bases=cls.__bases__,
                slots=True,
                eq=False,
                repr=False,
            )
        obj = twin(*args, **kwargs)
        obj.__class__ = cls
        return obj  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (nested rows stay companions)."""
        return {name: getattr(self, name) for name in self._COLUMNS}

    def _lists(self) -> list[str]:
        """The names of the fields that hold rows (the response's lists)."""
        return list(self._ROWS)

    def _rows(self, field: str | None = None) -> tuple[Any, ...]:
        """The rows of the list ``field`` (default: the only list; ``()`` when absent)."""
        name = _the_list(self, field)
        return tuple(getattr(self, name) or ())

    def records(self, field: str | None = None) -> list[dict[str, Any]]:
        """The rows of a list as plain dicts (see :meth:`_rows`)."""
        return records(self._rows(field))

    def to_pandas(self, field: str | None = None) -> Any:
        """The rows of a list as a ``pandas.DataFrame`` with typed columns (needs pandas)."""
        return to_pandas(self._rows(field), self._ROWS[_the_list(self, field)]._COLUMNS)


_READERS: dict[type, Callable[[Any, str], Any]] = {}  # a companion class -> its reader
# The readers a field may name, and the other ways to take a field: as received ("keep"), a
# list of rows ("rows"), an object ("object"), both read by their own ``.parsed()``.
_READER_NAMES = frozenset(
    {"uint", "sint", "dec", "dir_int", "dir_dec", "date", "time", "datetime", "code", "text"}
)


def _reader(cls: type[ParsedModel]) -> Callable[[Any, str], Any]:
    """The function that makes ``cls`` from a model: straight-line code, one expression per
    field, compiled once per class from its ``_READ`` table (as ``dataclasses`` makes an
    ``__init__``), so that a generated module holds a table instead of a method per class.

    ``_READ``: a JSON list of ``[attribute, how, *arguments]`` in the order of the companion's
    fields: ``how`` is a reader of this module (called with the arguments after the field's
    value, name and ``bad``; a ``dir_`` reader fills the field and its ``_direction``),
    ``keep``, ``rows`` or ``object``. Only identifiers, those names and JSON scalars are
    accepted, so the table cannot put code in the function.
    """
    entries = json.loads(cls._READ)
    before: list[str] = []
    args: list[str] = []
    for n, entry in enumerate(entries):
        attr, how, *extra = entry
        if not (isinstance(attr, str) and attr.isidentifier() and not keyword.iskeyword(attr)):
            raise TypeError(f"{cls.__name__}._READ: bad attribute {attr!r}")
        if not all(x is None or isinstance(x, (str, int, bool)) for x in extra):
            raise TypeError(f"{cls.__name__}._READ: bad argument of {attr}")
        value = f"self.{attr}"
        if how == "keep":
            args.append(value)
        elif how == "rows":
            args.append(
                f"None if {value} is None else tuple([r.parsed(errors=errors) for r in {value}])"
            )
        elif how == "object":
            args.append(f"None if {value} is None else {value}.parsed(errors=errors)")
        elif how in _READER_NAMES:
            more = "".join(f", {x!r}" for x in extra)
            slow = f"_v.{how}(_s, {attr!r}, bad{more})"
            if how == "uint":  # the common case inline: digits only (int() reads them all)
                call = f"int(_s) if (_s := {value}) and _s.isdecimal() else {slow}"
            elif how == "dir_int":  # inline too: a sign and digits
                call = (
                    f"(int(_s[1:]), _SIGNS[_s[0]]) if (_s := {value}) and _s[0] in _SIGNS "
                    f"and _s[1:].isdecimal() else {slow}"
                )
            else:
                call = f"_v.{how}({value}, {attr!r}, bad{more})"
            if how.startswith("dir_"):
                before.append(f"    _{n}, _{n}d = {call}")
                args += [f"_{n}", f"_{n}d"]
            else:
                args.append(call)
        else:
            raise TypeError(f"{cls.__name__}._READ: unknown reader {how!r} of {attr}")
    source = "\n".join(
        [
            "def read(self, errors):",
            '    bad = {} if errors == "keep" else None',
            *before,
            "    return new(",
            *(f"        {a}," for a in args),
            "        invalid=bad or NO_INVALID,",
            "    )",
        ]
    )
    namespace: dict[str, Any] = {
        "_v": sys.modules[__name__],
        "_SIGNS": SIGNS,
        "new": cls._new,
        "NO_INVALID": NO_INVALID,
    }
    exec(compile(source, f"<{cls.__name__}.parsed>", "exec"), namespace)  # noqa: S102
    read: Callable[[Any, str], Any] = namespace["read"]
    return read


def _the_list(model: ParsedModel, field: str | None) -> str:
    names = model._lists()
    if field is None:
        if len(names) != 1:
            raise ValueError(
                f"{type(model).__name__} has {len(names)} lists ({', '.join(names) or 'none'}): "
                "name one"
            )
        return names[0]
    if field not in names:
        raise ValueError(f"{type(model).__name__} has no list {field!r}; lists: {names}")
    return field


def records(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Companions (or anything with ``to_dict()``) as plain dicts."""
    return [row.to_dict() for row in rows]


_PANDAS_TYPES = {"int": "Int64", "decimal": "Float64", "direction": "string", "text": "string"}


def to_pandas(rows: Iterable[Any], columns: Mapping[str, str] | None = None) -> Any:
    """A DataFrame of companions: ints as ``Int64``, decimals as ``Float64`` (nullable;
    exact values stay in the records), dates and date-times as ``datetime64``, directions and
    text as ``string``."""
    pd = importlib.import_module("pandas")  # only here: the client never imports pandas

    rows = list(rows)
    data = records(rows)
    kinds = dict(columns or {})
    if not kinds and rows:
        kinds = dict(getattr(rows[0], "_COLUMNS", {}))
    frame = pd.DataFrame.from_records(data, columns=list(kinds) or None)
    for name, kind in kinds.items():
        if name not in frame.columns:
            continue
        if kind in _PANDAS_TYPES:
            column = frame[name]
            if kind == "decimal":
                column = column.map(lambda v: None if v is None else float(v))
            elif kind == "direction":
                column = column.map(lambda v: None if v is None else v.value)
            frame[name] = column.astype(_PANDAS_TYPES[kind])
        elif kind in ("date", "datetime"):
            frame[name] = pd.to_datetime(frame[name])
    return frame


class ItemStop:
    """When an iteration over the rows of several pages stops: ``until`` (a date: the first row
    dated before it, by the row's first date field; a predicate: the first row it accepts) or
    after ``max_items`` rows. The row that meets ``until`` is not yielded."""

    __slots__ = ("until", "max_items", "count", "stopped")

    def __init__(self, until: _dt.date | Callable[[Any], bool] | None, max_items: int | None):
        if max_items is not None and not (isinstance(max_items, int) and max_items >= 0):
            raise ValueError("max_items must be an int >= 0")
        self.until = until
        self.max_items = max_items
        self.count = 0
        self.stopped = False

    def done(self) -> bool:
        return self.stopped or (self.max_items is not None and self.count >= self.max_items)

    def rows(self, data: Any, field: str | None) -> Iterator[Any]:
        """The typed rows of one page's model, while the iteration goes on."""
        parsed = data.parsed()
        for row in parsed._rows(field):
            if self.done():
                return
            if self._reached(row):
                self.stopped = True
                return
            self.count += 1
            yield row

    def _reached(self, row: Any) -> bool:
        until = self.until
        if until is None:
            return False
        if isinstance(until, _dt.date):
            day = _first_date(row)
            if isinstance(until, _dt.datetime) and not isinstance(day, _dt.datetime):
                until = until.date()
            return day is not None and day < until
        return bool(until(row))


def _first_date(row: Any) -> Any:
    """The row's first date (or date-time) field's value: None when blank."""
    for name, kind in row._COLUMNS.items():
        if kind in ("date", "datetime"):
            return getattr(row, name)
    raise ValueError(f"{type(row).__name__} has no date to compare with until=")
