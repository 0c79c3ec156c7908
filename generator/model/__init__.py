"""The intermediate model (``core``) and how it is built from raw rows (``build``, ``describe``,
``names``, ``overrides``, ``config``, ``load``). Importing this package loads only ``core``."""

from .core import (
    Api,
    Condition,
    EnumValue,
    ErrorCode,
    Example,
    Field,
    Kind,
    Message,
    Servers,
    Source,
    Spec,
    Transport,
    walk,
)

__all__ = [
    "Api",
    "Condition",
    "EnumValue",
    "ErrorCode",
    "Example",
    "Field",
    "Kind",
    "Message",
    "Servers",
    "Source",
    "Spec",
    "Transport",
    "walk",
]
