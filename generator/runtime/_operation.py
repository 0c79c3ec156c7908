"""One API of the registry. The generated ``_operations.py`` holds ``OPERATIONS`` built from these.

Models are imported lazily: the registry names its model classes by module and class name and
imports them on first use, so ``import kiwoom_client`` stays cheap with hundreds of APIs.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pydantic's model machinery is imported with the first model, not here
    from pydantic import BaseModel

__all__ = ["Operation", "operations_from_json"]


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
        from pydantic import BaseModel

        module = importlib.import_module(self.models_module, __package__)
        cls = getattr(module, class_name, None)
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            raise TypeError(f"{self.models_module}.{class_name} is not a pydantic model")
        self._models[class_name] = cls  # a cache only: the dataclass stays logically frozen
        return cls


def operations_from_json(columns: Sequence[str], rows: Sequence[str]) -> dict[str, Operation]:
    """``{api_id: Operation}`` from the generated registry: one JSON array per API, its values
    in the order of ``columns`` (``api_id`` first).

    Each instance equals ``Operation(**dict(zip(columns, row, strict=True)))``; it is made
    without that call: the frozen dataclass ``__init__`` sets every field through
    ``object.__setattr__``, about two thirds of building the registry of hundreds of APIs at
    import. The instance dict is filled directly instead, the fields not given with their
    default (a new one from a ``default_factory``), as ``__init__`` does (it does nothing more:
    no ``__post_init__``); an unknown or missing column raises ``TypeError`` as it would.
    """
    known = {f.name for f in fields(Operation) if f.init}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise TypeError(f"Operation has no field {unknown[0]!r}")
    defaults: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    for f in fields(Operation):
        if f.name in columns:
            continue
        if f.default_factory is not MISSING:
            factories.append((f.name, f.default_factory))
        elif f.default is not MISSING:
            defaults[f.name] = f.default
        else:
            raise TypeError(f"the registry has no column {f.name!r}, a required field")
    new = object.__new__
    out: dict[str, Operation] = {}
    for row in json.loads("[" + ",".join(rows) + "]"):
        op = new(Operation)
        attrs = vars(op)
        attrs.update(zip(columns, row, strict=True))
        attrs.update(defaults)
        for name, factory in factories:
            attrs[name] = factory()
        out[row[0]] = op
    return out
