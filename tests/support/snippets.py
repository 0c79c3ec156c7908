"""Running a README's Python snippets exactly as written against the fake server."""

from __future__ import annotations

import contextlib
import io
import sys
from typing import Any

import pytest

from tests.support.client_helpers import (
    Generated,
)


def run_snippets(
    gen: Generated, snippets: list[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[str, list[Any]]:
    """Run the snippets exactly as written, in order, in one namespace (as a reader would), with
    ``kiwoom_client`` naming the package under test and Kiwoom's URLs pointing at a fake server.
    Functions named ``test_*`` that a snippet defines are called. Returns what they printed and
    the requests the fake server got."""
    client_module = sys.modules[f"{gen.name}._base_client"]
    out = io.StringIO()
    with gen.FakeKiwoomServer() as server:
        for name in ("MOCK_BASE_URL", "PRODUCTION_BASE_URL"):
            monkeypatch.setattr(client_module, name, server.url)
        monkeypatch.setitem(sys.modules, "kiwoom_client", gen.pkg)
        monkeypatch.setitem(sys.modules, "kiwoom_client.testing", gen.testing)
        for op in gen.OPERATIONS.values():  # paged reads page: three pages each
            if op.transport == "http" and not op.is_order and op.response_example is not None:
                server.set_pages(op.api_id, [op.response_example] * 3)
        namespace: dict[str, Any] = {"__name__": "readme"}
        with contextlib.redirect_stdout(out):
            for code in snippets:
                exec(compile(code, "README.md", "exec"), namespace)
                for name, value in list(namespace.items()):
                    if name.startswith("test_") and callable(value):
                        value()
                        del namespace[name]
        return out.getvalue(), list(server.requests)
