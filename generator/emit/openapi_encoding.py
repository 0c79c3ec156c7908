"""How Kiwoom's "many APIs on one URL" is written down in OpenAPI: the one place that decides it.

Kiwoom tells APIs that share a URL apart only by the ``api-id`` request header
(kt10006-kt10009 are all ``POST /api/dostk/crdordr``). OpenAPI keys operations by path and
method, so one path item cannot hold four POSTs. An :class:`Encoding` decides the path key of each
API in the document, the ``api-id`` header parameter and the note that tells readers what goes on
the wire. Add another encoding here (and to :data:`ENCODINGS`); nothing else needs to change.

``fragment`` (the default): the key is ``<real path>#<api-id>`` for every API, also when it is
alone on its path, so keys never change when Kiwoom adds an API to a URL. HTTP clients never
send a URL fragment, so generated clients call the real path; the required ``api-id`` header
(an enum of the one id, with that id as default) selects the operation. See docs/openapi.md for
the generators that percent-encode ``#`` and how their users strip it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Api

JsonObject = dict[str, Any]

API_ID_HEADER = "api-id"


@dataclass(frozen=True)
class Encoding:
    name: str
    separator: str  # between the real path and the API id in the path key

    def path_key(self, api: Api) -> str:
        """The key of ``api``'s path item in ``paths``."""
        return f"{api.path}{self.separator}{api.id}"

    def wire_path(self, key: str) -> str:
        """The path a client must send for a path key: the key without the API id suffix."""
        return key.split(self.separator, 1)[0]

    def api_id_parameter(self, api: Api, description: str) -> JsonObject:
        """The required ``api-id`` request header that selects ``api`` on its URL."""
        return {
            "name": API_ID_HEADER,
            "in": "header",
            "required": True,
            "description": description,
            # An enum of one value with a default, not const: generators turn it into a one-value
            # enum or literal that they fill in themselves; several ignore const.
            "schema": {"type": "string", "enum": [api.id], "default": api.id},
        }

    def wire_note(self, api: Api, key: str) -> str:
        """Markdown for an operation's description: what a client really sends."""
        return (
            f"**On the wire:** `{api.method.upper()} {api.path}` with the header "
            f"`{API_ID_HEADER}: {api.id}`. The `{key[len(api.path) :]}` suffix of this document's "
            f"path key `{key}` only keeps the operations of a shared URL apart in the document: "
            "it is a URL fragment, which HTTP clients never send. The `api-id` header selects "
            "the operation."
        )

    def info_note(self) -> str:
        """Markdown for ``info.description``: the encoding in a few lines."""
        return (
            "Kiwoom serves several APIs on one URL and tells them apart only by the `api-id` "
            "request header. Every operation's path key here is `<path>#<api-id>` (for example "
            "`/api/dostk/crdordr#kt10006`): the `#...` part is a URL fragment, never sent by HTTP "
            "clients, so requests go to the real path; the required `api-id` header (a one-value "
            "enum with that value as default) selects the operation. `x-kiwoom-path` and "
            "`x-kiwoom-api-id` on each operation give both parts. Code generators that "
            "percent-encode `#` (OpenAPI Generator's Kotlin and C# clients, for example) need the "
            "path cut at `%23` or `#`: see docs/openapi.md of kiwoom-codegen."
        )


FRAGMENT = Encoding(name="fragment", separator="#")
ENCODINGS: dict[str, Encoding] = {FRAGMENT.name: FRAGMENT}
DEFAULT_ENCODING = FRAGMENT.name
