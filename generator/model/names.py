"""One place makes names: Python identifiers, class names, group and method fallbacks."""

from __future__ import annotations

import keyword
import re
from functools import lru_cache

# What a generated models module imports: neither a field nor a schema may take these names.
MODEL_MODULE_IMPORTS = (
    "Annotated",
    "Any",
    "BaseModel",
    "ConfigDict",
    "Field",
    "Literal",
    "RootModel",
    "Self",
)

# Attributes of pydantic.BaseModel (and Python builtins of a class) that a field must not shadow.
_RESERVED = frozenset(
    {
        "copy",
        "dict",
        "json",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "schema",
        "schema_json",
        "construct",
        "validate",
        "fields",
        "update_forward_refs",
        "from_orm",
        "self",
        "cls",
        "mro",
        "register",
        # Names the generated annotations use: a field must not shadow them in its class body
        # (datamodel-code-generator would rename these itself; deciding here keeps
        # python_name equal to the attribute users see).
        "str",
        "int",
        "float",
        "bool",
        "list",
        "set",
        "tuple",
        "bytes",
        "type",
        "object",
        # Names the generated model classes use in their bodies: annotations and decorators are
        # looked up in the class body first, so a field must not take them.
        *MODEL_MODULE_IMPORTS,
        "classmethod",
        "staticmethod",
        "property",
        # The methods of the response models and of their typed companions (docs/values.md),
        # and the companions' own attribute.
        "parsed",
        "to_pandas",
        "records",
        "to_dict",
        "invalid",
    }
)

_INITIALS = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_MEDIALS = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_FINALS = [""] + "k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()


def romanize(text: str) -> str:
    """Hangul syllables in a simplified Revised Romanization (`신용주문` -> `sinyongjumun`)."""
    out: list[str] = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            initial, rest = divmod(code, 588)
            medial, final = divmod(rest, 28)
            out.append(_INITIALS[initial].replace("-", "") + _MEDIALS[medial] + _FINALS[final])
        else:
            out.append(ch)
    return "".join(out)


class PythonIdentifier(str):
    """A valid, non-keyword, ASCII snake-ish identifier made from any text.

    `cont-yn` -> `cont_yn`, `10` -> `field_10`, `from` -> `from_`, `종목` -> `jongmok`.
    """

    def __new__(cls, value: str, prefix: str = "field") -> PythonIdentifier:
        name = romanize(value.strip())
        name = re.sub(r"[^0-9A-Za-z_]+", "_", name).strip("_") or prefix
        if name[0].isdigit():
            name = f"{prefix}_{name}"
        if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _RESERVED:
            name += "_"
        if name.startswith("model_"):
            name = "f_" + name  # pydantic reserves the model_ namespace
        return super().__new__(cls, name)


# What an override's python_name must not be (config.py): the names PythonIdentifier steers clear
# of, and the names every generated model module imports.
RESERVED_FIELD_NAMES = _RESERVED


@lru_cache(maxsize=8192)
def identifier(value: str, prefix: str = "field") -> str:
    """``PythonIdentifier(value, prefix)`` as a plain str, cached: field names repeat a lot."""
    return str(PythonIdentifier(value, prefix))


class ClassName(str):
    """CamelCase from snake_case parts: ("credit_orders", "buy") -> CreditOrdersBuy."""

    def __new__(cls, *parts: str) -> ClassName:
        words: list[str] = []
        for part in parts:
            for word in re.split(r"[^0-9A-Za-z]+", romanize(part)):
                if word:
                    words.append(word[0].upper() + word[1:])
        name = "".join(words) or "Api"
        if name[0].isdigit():
            name = "Api" + name
        return super().__new__(cls, name)


def snake(text: str) -> str:
    name = re.sub(r"[^0-9A-Za-z]+", "_", romanize(text)).strip("_").lower()
    return name


def fallback_method(api_id: str) -> str:
    """A method name from an API id alone (never from which other APIs exist): the id in lower
    case, each upper-case letter marked by a `_` before it, so ids equal but for case stay
    apart, also on disk: `ka10099` -> `ka10099`, `0g` -> `api_0g`, `0G` -> `api_0_g`."""
    base = re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), api_id)
    return str(PythonIdentifier(base, prefix="api"))


def unique(name: str, taken: set[str], *, sep: str = "_", fold: bool = False) -> str:
    """`name`, or `name_2`, `name_3`... whichever is free; records the choice in `taken`.

    ``sep=""`` keeps class names CamelCase (`Item`, `Item2`); ``fold=True`` also keeps names
    apart that differ only by case (file names on case-insensitive file systems): ``taken``
    then holds case-folded names.
    """
    candidate, n = name, 2
    while (candidate.casefold() if fold else candidate) in taken:
        candidate = f"{name}{sep}{n}"
        n += 1
    taken.add(candidate.casefold() if fold else candidate)
    return candidate
