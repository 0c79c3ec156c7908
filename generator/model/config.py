"""The maintainer-owned files in specs/: names.toml, overrides.toml, package.toml.

They are read into plain typed records here; build.py applies them to the model and reports
entries that name an unknown API or field. names.toml overrides the names table shipped with the
generator (names_table.py), which applies also without any config.
"""

from __future__ import annotations

import keyword
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import Problems
from ..reader.paths import display_path
from .core import Condition, EnumValue, RealtimeTable
from .describe import FORMAT_PATTERNS
from .names import RESERVED_FIELD_NAMES
from .names_table import ApiName, NamesTable, default_names_table, read_names_table

NAMES_FILE = "names.toml"
OVERRIDES_FILE = "overrides.toml"
PACKAGE_FILE = "package.toml"
REALTIME_FILE = "realtime_fields.toml"
CONFIG_FILES = (NAMES_FILE, OVERRIDES_FILE, PACKAGE_FILE, REALTIME_FILE)
PARTS = ("request.headers", "request.body", "response.headers", "response.body")
# Every rule is a full match (``re.fullmatch``): ``$`` would let a trailing newline through.
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+([.-]?(a|b|rc|dev|post)[0-9]+)?")
_DIST_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")
# Distributions the generated package installs beside it (and their own dependencies): a package
# of the same name would replace one of them.
DEPENDENCIES = frozenset(
    {
        "httpx",
        "httpcore",
        "h11",
        "anyio",
        "sniffio",
        "idna",
        "certifi",
        "pydantic",
        "pydantic-core",
        "annotated-types",
        "typing-extensions",
        "typing-inspection",
        "websockets",
        "hatchling",
        "pip",
        "setuptools",
        "kiwoom-codegen",
    }
)


@dataclass(frozen=True, slots=True)
class FieldOverride:
    api: str
    part: str  # one of PARTS
    path: tuple[str, ...]  # wire names from the top of the table down into LIST members
    enum: tuple[EnumValue, ...] | None
    format: str | None
    fixed_value: str | None
    required_if: Condition | None
    python_name: str | None
    required: bool | None
    where: str
    enum_closed: bool | None = None  # close or open the (mined or given) enumeration
    add_enum: tuple[EnumValue, ...] | None = None  # values added to the mined enumeration
    enforce_length: bool | None = None  # false: keep Length in the model, do not enforce it
    value: str | None = None  # the value's kind (model/numeric.py KINDS), correcting the mined one
    scale: int | None = None  # implied decimals
    strip: str | None = None  # a code's prefix to strip ("" keeps it)


@dataclass(frozen=True, slots=True)
class ApiOverride:
    api: str
    is_order: bool | None
    where: str


@dataclass
class Config:
    # The shipped names table with the project's names.toml over it.
    names_table: NamesTable = field(default_factory=default_names_table)
    apis: list[ApiOverride] = field(default_factory=list)
    fields: list[FieldOverride] = field(default_factory=list)
    package_name: str = "kiwoom-client"
    package_version: str = "0.0.0"
    directory: Path | None = None
    realtime: RealtimeTable = field(default_factory=lambda: _shipped_realtime())

    @property
    def names(self) -> dict[str, ApiName]:
        return self.names_table.apis

    @property
    def menus(self) -> dict[str, str]:
        return self.names_table.menus


def find_config_dir(paths: Sequence[Path]) -> Path | None:
    """The first directory input holding names.toml, overrides.toml or package.toml."""
    for path in paths:
        if path.is_dir() and any((path / name).is_file() for name in CONFIG_FILES):
            return path
    return None


def _load_toml(path: Path, problems: Problems) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        problems.error(display_path(path), None, f"invalid TOML: {exc}")
    except OSError as exc:
        problems.error(display_path(path), None, f"cannot read: {exc.strerror or exc}")
    return None


def _check_keys(data: dict[str, Any], allowed: set[str], where: str, problems: Problems) -> bool:
    unknown = sorted(set(data) - allowed)
    if unknown:
        problems.error(
            where,
            None,
            f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}",
        )
        return False
    return True


def _ident(value: Any, what: str, where: str, problems: Problems) -> str | None:
    """A field's Python name: an identifier starting with a letter (``_x`` is private to
    pydantic, ``__x`` is name-mangled), not a keyword, not pydantic's ``model_`` namespace
    (``model_config``) nor an attribute of its models."""
    if (
        not isinstance(value, str)
        or not _IDENT.fullmatch(value)
        or keyword.iskeyword(value)
        or keyword.issoftkeyword(value)
        or value.startswith("model_")
        or value in RESERVED_FIELD_NAMES
    ):
        problems.error(
            where,
            None,
            f"{what} must be a Python identifier starting with a letter, not a keyword, not "
            f"model_* nor an attribute of a pydantic model, got {value!r}",
        )
        return None
    return value


def _table(data: dict[str, Any], name: str, where: str, problems: Problems) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        problems.error(f"{where} › {name}", None, f"[{name}] must be a table")
        return {}
    return value


def _tables(
    data: dict[str, Any], name: str, where: str, problems: Problems
) -> list[dict[str, Any]]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.error(f"{where} › {name}", None, f"write each entry as [[{name}]]")
        return []
    return value


def load_config(directory: Path | None, problems: Problems) -> Config:
    config = Config(directory=directory)
    if directory is None:
        return config
    if not directory.is_dir():
        what = "does not exist" if not directory.exists() else "is not a directory"
        problems.error(display_path(directory), None, f"config directory {what}")
        return config
    if not any((directory / name).is_file() for name in CONFIG_FILES):
        problems.error(
            display_path(directory),
            None,
            f"config directory holds none of {', '.join(CONFIG_FILES)}",
        )
        return config
    names_path = directory / NAMES_FILE
    if names_path.is_file():
        _read_names(names_path, config, problems)
    overrides_path = directory / OVERRIDES_FILE
    if overrides_path.is_file():
        _read_overrides(overrides_path, config, problems)
    package_path = directory / PACKAGE_FILE
    if package_path.is_file():
        _read_package(package_path, config, problems)
    from .realtime import load_realtime_table  # late: it imports the model

    config.realtime = load_realtime_table(directory, problems)
    return config


def _shipped_realtime() -> RealtimeTable:
    from .realtime import shipped_realtime_table  # late: it imports the model

    return shipped_realtime_table()


def _read_names(path: Path, config: Config, problems: Problems) -> None:
    project = read_names_table(path, problems, where=display_path(path))
    config.names_table = project.over(config.names_table)


def _read_overrides(path: Path, config: Config, problems: Problems) -> None:
    data = _load_toml(path, problems)
    where = display_path(path)
    if data is None or not _check_keys(data, {"api", "field"}, where, problems):
        return
    for n, entry in enumerate(_tables(data, "api", where, problems)):
        at = f"{where} › api[{n}]"
        if not _check_keys(entry, {"id", "is_order"}, at, problems):
            continue
        if not isinstance(entry.get("id"), str):
            problems.error(at, None, 'api override needs id = "<api id>"')
            continue
        is_order = entry.get("is_order")
        if is_order is not None and not isinstance(is_order, bool):
            problems.error(at, entry["id"], "is_order must be true or false")
            continue
        config.apis.append(ApiOverride(entry["id"], is_order, at))
    allowed = {
        "api",
        "part",
        "path",
        "enum",
        "format",
        "fixed_value",
        "required_if",
        "python_name",
        "required",
        "enum_closed",
        "add_enum",
        "enforce_length",
        "value",
        "scale",
        "strip",
    }
    for n, entry in enumerate(_tables(data, "field", where, problems)):
        at = f"{where} › field[{n}]"
        if not _check_keys(entry, allowed, at, problems):
            continue
        override = _field_override(entry, at, problems)
        if override is not None:
            config.fields.append(override)


def _field_override(entry: dict[str, Any], at: str, problems: Problems) -> FieldOverride | None:
    api = entry.get("api")
    part = entry.get("part", "request.body")
    path = entry.get("path")
    if not isinstance(api, str) or not isinstance(path, str) or not path:
        problems.error(
            at, None, 'field override needs api = "<id>" and path = "<field>[.<member>]"'
        )
        return None
    if part not in PARTS:
        problems.error(at, api, f"part must be one of {', '.join(PARTS)}, got {part!r}")
        return None
    enum = _enum_entry(entry, "enum", at, api, problems)
    add_enum = _enum_entry(entry, "add_enum", at, api, problems)
    if (enum is None and "enum" in entry) or (add_enum is None and "add_enum" in entry):
        return None
    for key in ("enum_closed", "enforce_length"):
        if key in entry and not isinstance(entry[key], bool):
            problems.error(at, api, f"{key} must be true or false")
            return None
    condition: Condition | None = None
    if "required_if" in entry:
        rule = entry["required_if"]
        ok = (
            isinstance(rule, dict)
            and isinstance(rule.get("field"), str)
            and isinstance(rule.get("in"), list)
            and all(isinstance(v, str) for v in rule["in"])
            and rule["in"]
        )
        if not ok:
            problems.error(
                at, api, 'required_if must be {field = "<sibling>", in = ["value", ...]}'
            )
            return None
        condition = Condition(
            rule["field"], tuple(rule["in"]), str(rule.get("text", "overrides.toml"))
        )
    required = entry.get("required")
    if required is not None and not isinstance(required, bool):
        problems.error(at, api, "required must be true or false")
        return None
    python_name = entry.get("python_name")
    if python_name is not None and _ident(python_name, "python_name", at, problems) is None:
        return None
    for key in ("format", "fixed_value", "strip"):
        if key in entry and not isinstance(entry[key], str):
            problems.error(at, api, f"{key} must be a string")
            return None
    if "format" in entry and entry["format"] not in FORMAT_PATTERNS:
        known = ", ".join(FORMAT_PATTERNS)
        problems.error(at, api, f"unknown format {entry['format']!r}; known: {known}")
        return None
    from .numeric import KINDS  # late: numeric imports the runtime's readers

    if "value" in entry and entry["value"] not in KINDS:
        problems.error(at, api, f"value must be one of {', '.join(KINDS)}, got {entry['value']!r}")
        return None
    scale = entry.get("scale")
    if scale is not None and not (isinstance(scale, int) and 0 <= scale <= 9):
        problems.error(at, api, "scale must be a whole number from 0 to 9")
        return None
    return FieldOverride(
        api=api,
        part=part,
        path=tuple(path.split(".")),
        enum=enum,
        format=entry.get("format"),
        fixed_value=entry.get("fixed_value"),
        required_if=condition,
        python_name=python_name,
        required=required,
        where=at,
        enum_closed=entry.get("enum_closed"),
        add_enum=add_enum,
        enforce_length=entry.get("enforce_length"),
        value=entry.get("value"),
        scale=scale,
        strip=entry.get("strip"),
    )


def _enum_entry(
    entry: dict[str, Any], key: str, at: str, api: str, problems: Problems
) -> tuple[EnumValue, ...] | None:
    """``enum = ["A", {value = "B", label = "..."}]``: None when absent or wrong (reported)."""
    if key not in entry:
        return None
    raw = entry[key]
    values: list[EnumValue] = []
    for item in raw if isinstance(raw, list) and raw else [None]:
        if isinstance(item, str):
            values.append(EnumValue(item))
        elif isinstance(item, dict) and isinstance(item.get("value"), str):
            label = item.get("label")
            values.append(EnumValue(item["value"], label if isinstance(label, str) else None))
        else:
            problems.error(
                at, api, f"{key} must be a non-empty list of strings or {{value, label}} tables"
            )
            return None
    return tuple(values)


def _read_package(path: Path, config: Config, problems: Problems) -> None:
    data = _load_toml(path, problems)
    where = display_path(path)
    if data is None or not _check_keys(data, {"package"}, where, problems):
        return
    package = _table(data, "package", where, problems)
    if not _check_keys(package, {"name", "version"}, f"{where} › package", problems):
        return
    version = package.get("version", config.package_version)
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        problems.error(
            f"{where} › package.version", None, f"version must look like 1.2.3, got {version!r}"
        )
    else:
        config.package_version = version
    name = package.get("name", config.package_name)
    if not isinstance(name, str) or not _DIST_NAME.fullmatch(name):
        problems.error(f"{where} › package.name", None, f"not a valid distribution name: {name!r}")
    elif re.sub(r"[-_.]+", "-", name).lower() in DEPENDENCIES:
        problems.error(
            f"{where} › package.name",
            None,
            f"{name!r} is the name of a package the client depends on (or of a tool that "
            "installs it): installing the client would replace it",
        )
    else:
        config.package_name = name


# --- the config beside an edition of the docs (diff, changelog) -----------------------------


def edition_names(edition: Path, shared: Path | None) -> dict[str, tuple[str | None, str | None]]:
    """The names table beside an edition (when it has its own config), for naming the APIs
    only that edition has."""
    directory = find_config_dir([edition] if edition.is_dir() else [edition.parent])
    if directory is None or (shared is not None and directory.resolve() == shared.resolve()):
        return {}
    config = load_config(directory, Problems())
    return {api_id: (n.group, n.method) for api_id, n in config.names.items()}


def edition_version(edition: Path, shared: Path | None) -> str | None:
    """The package version in the package.toml beside an edition (when it has its own config):
    the version that edition was released as."""
    directory = find_config_dir([edition] if edition.is_dir() else [edition.parent])
    if directory is None or (shared is not None and directory.resolve() == shared.resolve()):
        return None
    if not (directory / "package.toml").is_file():
        return None
    problems = Problems()
    config = load_config(directory, problems)
    return None if problems.errors else config.package_version
