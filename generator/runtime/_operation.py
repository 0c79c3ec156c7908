"""One API of the registry. The generated ``_operations.py`` holds ``OPERATIONS`` built from these.

Models are imported lazily: the registry names its model classes by module and class name and
imports them on first use, so ``import kiwoom_client`` stays cheap with hundreds of APIs.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

__all__ = ["Operation"]


@dataclass(frozen=True, kw_only=True)
class Operation:
    api_id: str  # "kt10006"; the identity, sent as the ``api-id`` header
    name: str  # API 명, e.g. "신용 매수주문"
    path: str  # "/api/dostk/crdordr"
    transport: Literal["http", "websocket"]
    group: str  # attribute path of the group: "credit_orders", "us.chart"; "" = the client
    method: str  # Python method name on the group, e.g. "buy"
    is_order: bool  # moves money: never re-sent once it may have reached Kiwoom
    # Absolute ("kiwoom_client.models.credit_orders") or relative to this package (".models.x").
    models_module: str
    request_model_name: str
    response_model_name: str
    request_example: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    response_example: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    http_method: str = "POST"
    _models: dict[str, type[BaseModel]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    @property
    def python_name(self) -> str:
        """The method from the client: ``chart.daily``, ``us.orders.buy``, ``issue_token``."""
        return f"{self.group}.{self.method}" if self.group else self.method

    @property
    def request_model(self) -> type[BaseModel]:
        """The pydantic class of the request body (imported on first access)."""
        return self._model(self.request_model_name)

    @property
    def response_model(self) -> type[BaseModel]:
        """The pydantic class of the response body (imported on first access)."""
        return self._model(self.response_model_name)

    def _model(self, class_name: str) -> type[BaseModel]:
        cached = self._models.get(class_name)
        if cached is not None:
            return cached
        module = importlib.import_module(self.models_module, __package__)
        cls = getattr(module, class_name, None)
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            raise TypeError(f"{self.models_module}.{class_name} is not a pydantic model")
        self._models[class_name] = cls  # a cache only: the dataclass stays logically frozen
        return cls
