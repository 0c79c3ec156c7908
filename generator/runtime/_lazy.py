"""A group's models module imports the module that defines a name on its first use.

Each API's models live in a module of their own (``models/_<group>/<api>.py``); the group's
public module (``models/<group>.py``) lists where each name is (``_WHERE``) and calls
:func:`attribute` from its module ``__getattr__`` (PEP 562), so importing it, or touching a
group of the client, builds no class: the first use of a name builds the classes of that one
API. The import system's module locks make a first use from two threads safe.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["attribute"]


def attribute(namespace: dict[str, Any], name: str) -> Any:
    """``name`` of the module whose globals are ``namespace``: imported from the module
    ``namespace["_WHERE"]`` names, and kept in ``namespace`` (the next use is a plain module
    attribute)."""
    where: dict[str, str] = namespace["_WHERE"]
    module = where.get(name)
    if module is None:
        raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, namespace["__package__"]), name)
    namespace[name] = value
    return value
