"""Where the real-time services are, and this package's registry of real-time types.

No ``websockets`` import here: ``import kiwoom_client`` must stay free of it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # annotations only: a client made without real-time use does not import them
    from ._realtime_types import ConditionService, RealtimeTypeInfo

__all__ = [
    "MOCK_REALTIME_URL",
    "PRODUCTION_REALTIME_URL",
    "condition_services",
    "realtime_url_for",
    "registry",
]

PRODUCTION_REALTIME_URL = "wss://api.kiwoom.com:10000"
MOCK_REALTIME_URL = "wss://mockapi.kiwoom.com:10000"


def realtime_url_for(env: Literal["production", "mock"], override: str | None) -> str:
    """The WebSocket base URL (the service path is added per market)."""
    if override is not None:
        if not override.startswith(("ws://", "wss://")):
            raise ValueError(f"realtime_url must start with ws:// or wss://, got {override!r}")
        return override.rstrip("/")
    return MOCK_REALTIME_URL if env == "mock" else PRODUCTION_REALTIME_URL


def registry(
    package: str, path: str
) -> tuple[Mapping[str, RealtimeTypeInfo], ConditionService | None]:
    """The generated ``_realtime_registry`` of ``package`` (empty when it has none)."""
    try:
        module = importlib.import_module("._realtime_registry", package)
    except ModuleNotFoundError:
        return {}, None
    types: Mapping[str, RealtimeTypeInfo] = getattr(module, "REALTIME_TYPES", {})
    conditions: Mapping[str, ConditionService] = getattr(module, "CONDITION_SERVICES", {})
    return types, conditions.get(path)


def condition_services(package: str) -> Mapping[str, ConditionService]:
    """Every path's condition services of ``package``'s registry (as the sheets name them)."""
    try:
        module = importlib.import_module("._realtime_registry", package)
    except ModuleNotFoundError:
        return {}
    services: Mapping[str, ConditionService] = getattr(module, "CONDITION_SERVICES", {})
    return services
