"""What the Python client templates show, decided here: names, type hints, imports, docstrings.

Templates receive these records and only arrange them. Spec text stays plain text here; the
templates put it in code through the ``pyrepr`` and ``docstring`` filters, and every type hint
built here holds spec text only as ``repr()`` literals.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..escape import plain_json
from ..model import Api, EnumValue, Field, Kind, Spec, Transport
from ..model.names import ClassName, unique
from ..model.schema import RESERVED_SCHEMA_NAMES, ApiSchemas
from .python_docs import field_doc, method_docstring, sibling
from .python_parsed import type_hint as value_type_hint

# Public attributes of the runtime's SyncAPIClient / AsyncAPIClient: a group must not hide one.
# tests/test_python_client_models.py checks this list against the runtime.
CLIENT_ATTRIBUTES = frozenset(
    {
        "base_url",
        "call",
        "close",
        "deadline",
        "env",
        "initial_retry_delay",
        "issue_token",
        "max_pages",
        "max_response_bytes",
        "max_retries",
        "max_retry_delay",
        "realtime",
        "realtime_url",
        "request",
        "revoke_token",
        "timeout",
        "token_refresh_fraction",
        "token_refresh_margin",
    }
)
# Keyword arguments every method has besides the body fields, and its local variables.
CALL_ARGUMENTS = ("cont_yn", "next_key", "extra_headers", "timeout", "deadline", "max_pages")
METHOD_LOCALS = ("body",)
# Names bound in a resource module besides its model classes; arguments must not shadow them.
RESOURCE_MODULE_NAMES = frozenset(
    {
        "annotations",
        "Any",
        "AsyncAPIClient",
        "AsyncKiwoomResponse",
        "KiwoomResponse",
        "Literal",
        "Mapping",
        "NOT_GIVEN",
        "NotGiven",
        "OPERATIONS",
        "Sequence",
        "SyncAPIClient",
        "httpx",
        "self",
        "strip_not_given",
        "TYPE_CHECKING",
        "_models",
    }
)
# Top-level attributes kept free for other parts of the client (the real-time client).
RESERVED_GROUPS = frozenset({"realtime"})
CLIENT_MODULE_NAMES = frozenset(
    {
        "AsyncAPIClient",
        "AsyncKiwoomClient",
        "KiwoomClient",
        "OPERATIONS",
        "SyncAPIClient",
        "TYPE_CHECKING",
        "cached_property",
    }
)


def import_name(package_name: str) -> str:
    """The import name of the distribution: kiwoom-client -> kiwoom_client."""
    name = re.sub(r"[^0-9A-Za-z]+", "_", package_name).strip("_").lower()
    if not name or name[0].isdigit():
        name = "kiwoom_" + name
    return name


@dataclass(frozen=True)
class ArgView:
    name: str  # the keyword argument
    wire: str  # the body key
    type_hint: str  # without "| NotGiven"
    kind: Kind
    is_enum: bool
    required: bool
    doc: str  # its entry under "Args:", unescaped, lines after the first indented by 4


@dataclass(frozen=True)
class FixedView:
    wire: str
    value: str


@dataclass(frozen=True)
class MethodView:
    name: str
    api_id: str
    docstring: str  # unescaped
    request_model: str
    response_model: str
    args: tuple[ArgView, ...]  # required first, then optional, each in sheet order
    fixed: tuple[FixedView, ...]
    paging: bool  # cont_yn / next_key arguments (not for orders)
    summary: str  # one line: 신용 매수주문 (kt10006)
    title: str  # API 명: 신용 매수주문
    route: str  # POST /api/dostk/crdordr
    is_order: bool


@dataclass(frozen=True)
class GroupView:
    group: str  # its attribute path on the client ("us.chart"), and Operation.group
    module: str  # file name in models/ and resources/, lowercase and unique ignoring case
    label: str  # Korean menu name
    class_name: str  # sync resource class
    async_class_name: str
    methods: tuple[MethodView, ...]  # HTTP APIs only, in id order
    realtime: tuple[Api, ...]  # WebSocket APIs of the group: models only
    apis: tuple[Api, ...]
    model_names: tuple[str, ...]  # request/response classes the methods use
    imports: dict[str, list[str]]  # module -> names, for the resource module
    module_imports: tuple[str, ...]  # plain `import x`
    # Enumerations shared by name (``TrdeTp = Literal[...]``), defined in the models module,
    # used by its classes and by the methods: (name, field, values), in the order first met.
    enum_aliases: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    @property
    def attr(self) -> str:
        """Its attribute on the client or on its namespace (``chart`` of ``us.chart``)."""
        return self.group.rsplit(".", 1)[-1]

    @property
    def docstring(self) -> str:
        head = f"{self.label} ({self.group})" if self.label else self.group
        lines = [f"{head}: {len(self.methods)} API{'s' if len(self.methods) != 1 else ''}.", ""]
        lines += [f"{m.name}: {m.summary}" for m in self.methods]
        return "\n".join(lines)

    @property
    def property_docstring(self) -> str:
        names = ", ".join(f"{m.name} ({m.api_id})" for m in self.methods)
        return f"{self.label}: {names}" if self.label else names


@dataclass(frozen=True)
class ChildView:
    """An attribute of the client or of a namespace: a group, or a namespace of groups."""

    attr: str
    class_name: str
    async_class_name: str
    module: str | None  # resources/<module>.py of a group; None for a namespace (in client.py)
    doc: str  # the property's docstring
    summary: str  # one line for the client's docstring: the menu, or the market and its groups


@dataclass(frozen=True)
class NamespaceView:
    """``client.us``: an object whose attributes are the groups under it (``client.us.chart``)."""

    path: str
    class_name: str
    async_class_name: str
    label: str
    children: tuple[ChildView, ...]

    @property
    def docstring(self) -> str:
        head = f"{self.label} (client.{self.path})" if self.label else f"client.{self.path}"
        return f"{head}: " + ", ".join(c.attr for c in self.children) + "."


@dataclass(frozen=True)
class OperationView:
    api_id: str
    name: str
    path: str
    transport: str
    group: str
    method: str
    python_name: str  # "chart.daily", "us.orders.buy", "issue_token"
    is_order: bool
    models_module: str
    request_model: str
    response_model: str
    request_example: str  # a Python literal (repr of JSON data) or "None"
    response_example: str
    http_method: str


@dataclass
class ClientView:
    package_name: str
    import_name: str
    version: str
    groups: list[GroupView] = field(default_factory=list)  # every group, sorted
    operations: list[OperationView] = field(default_factory=list)  # in id order
    namespaces: list[NamespaceView] = field(default_factory=list)  # sorted by path
    top: tuple[ChildView, ...] = ()  # the client's own group and namespace attributes
    client_apis: tuple[Api, ...] = ()  # HTTP APIs that are the client's own methods (tokens)

    @property
    def http_groups(self) -> list[GroupView]:
        return [g for g in self.groups if g.methods]

    @property
    def realtime(self) -> list[tuple[GroupView, Api]]:
        return [(g, api) for g in self.groups for api in g.realtime]


# --- names ---------------------------------------------------------------------------------


def group_names(spec: Spec) -> dict[str, tuple[str, str]]:
    """api.group -> (attribute path on the client, module file name).

    Groups that are attributes (they have HTTP methods) keep clear of the client's own
    attributes at the top level (``close`` -> ``close_``); module names are unique also ignoring
    case. The client's own APIs (group ``""``) have their models in ``auth``.
    """
    http = {a.group for a in spec.apis if a.transport is Transport.HTTP and a.group}
    taken: set[str] = set(CLIENT_ATTRIBUTES) | RESERVED_GROUPS
    top: dict[str, str] = {}
    for first in sorted({g.split(".")[0] for g in http}):
        attr = first
        while attr in taken:
            attr += "_"
        taken.add(attr)
        top[first] = attr
    modules: set[str] = set()
    out: dict[str, tuple[str, str]] = {}
    for group in sorted({a.group for a in spec.apis}):
        parts = group.split(".")
        path = ".".join([top[parts[0]], *parts[1:]]) if group in http else group
        module = unique((path.replace(".", "_") or "auth").lower(), modules)
        out[group] = (path, module)
    return out


def namespace_views(
    groups: Sequence[GroupView], labels: dict[str, str], class_taken: set[str]
) -> tuple[list[NamespaceView], tuple[ChildView, ...]]:
    """The namespaces above dotted groups (``us`` above ``us.chart``) and the client's own
    attributes: every group and namespace as a child of its parent."""
    attached = [g for g in groups if g.methods]
    paths = sorted(
        {
            ".".join(g.group.split(".")[:n])
            for g in attached
            for n in range(1, g.group.count(".") + 1)
        }
    )
    names: dict[str, tuple[str, str]] = {}
    for path in paths:
        base = f"{ClassName(*path.split('.'))}Groups"
        names[path] = (unique(base, class_taken), unique(f"Async{base}", class_taken))
    children: dict[str, list[ChildView]] = {}
    for g in attached:
        parent = g.group.rsplit(".", 1)[0] if "." in g.group else ""
        doc = g.property_docstring
        children.setdefault(parent, []).append(
            ChildView(g.attr, g.class_name, g.async_class_name, g.module, doc, g.label or g.group)
        )
    for path in paths:
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        attr = path.rsplit(".", 1)[-1]
        subgroups = sorted(
            {
                g.group[len(path) + 1 :].split(".")[0]
                for g in attached
                if g.group.startswith(path + ".")
            }
        )
        label = labels.get(path, "")
        doc = (f"{label}: " if label else "") + ", ".join(subgroups)
        children.setdefault(parent, []).append(
            ChildView(attr, names[path][0], names[path][1], None, doc, doc)
        )
    namespaces = [
        NamespaceView(
            path,
            names[path][0],
            names[path][1],
            labels.get(path, ""),
            tuple(sorted(children.get(path, []), key=lambda c: c.attr)),
        )
        for path in paths
    ]
    return namespaces, tuple(sorted(children.get("", []), key=lambda c: c.attr))


def _example_literal(api: Api, which: str) -> str:
    value = example_value(api, which)
    return "None" if value is None else repr(value)


_COMMENT_LINE = re.compile(r"^\s*(?:#|//).*$", re.MULTILINE)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def example_value(api: Api, which: str) -> dict[str, Any] | None:
    """The example the registry keeps (the fake server answers the response one): the sheet's
    JSON object; for a response, one that is near-JSON is repaired (comment lines and trailing
    commas removed), else the first JSON object of several documents. None otherwise (the fake
    then makes one from the response model)."""
    example = api.request_example if which == "request" else api.response_example
    if example is None:
        return None
    value: Any = example.value if example.valid else None
    if value is None and which == "response":
        text = _TRAILING_COMMA.sub(r"\1", _COMMENT_LINE.sub("", example.text))
        try:
            value = json.loads(text)
        except ValueError:
            value = next((v for _, v, _ in example.documents if isinstance(v, dict)), None)
    if not isinstance(value, dict) or not plain_json(value):
        return None
    return value


# --- methods and groups --------------------------------------------------------------------


def enum_values(f: Field) -> tuple[str, ...] | None:
    """The values of the ``Literal[...]`` a request field is typed with, or None."""
    if f.enum is None or f.kind is not Kind.STRING or f.fixed_value is not None:
        return None
    values = [e.value for e in f.enum]
    if f.enum_closed and f.accepts_blank and "" not in values:
        values.append("")
    return tuple(values)


# (field's Python name, values) -> the shared name of its enumeration
Aliases = Mapping[tuple[str, tuple[str, ...]], str]


def _type_hint(f: Field, item_model: str | None, aliases: Aliases | None = None) -> str:
    if f.kind is Kind.ARRAY:
        return f"Sequence[{item_model} | dict[str, Any]]"
    if f.kind is Kind.OBJECT:
        return f"{item_model} | dict[str, Any]"
    values = enum_values(f)
    if values is not None:
        named = (aliases or {}).get((f.python_name, values))
        literal = named or "Literal[" + ", ".join(repr(v) for v in values) + "]"
        return literal + ("" if f.enum_closed else " | str")
    return value_type_hint(f) or "str"


# An enumeration of this many values or more, met in a group's methods, is shared by name.
MIN_SHARED_VALUES = 3


def enum_aliases(
    apis: Sequence[Api], schemas: Mapping[str, ApiSchemas], taken: set[str]
) -> dict[tuple[str, tuple[str, ...]], str]:
    """(field, values) -> name for the enumerations of a group's method arguments with at
    least :data:`MIN_SHARED_VALUES` values: each is written once, as ``Name = Literal[...]`` in
    the models module, and named by the methods and the models instead of repeated.

    The name is the field's Python name in CamelCase (``trde_tp`` -> ``TrdeTp``), made unique
    against ``taken`` (class names, what the modules import, builtins) and the other aliases
    (``TrdeTp2`` for another enumeration of a field of that name).
    """
    out: dict[tuple[str, tuple[str, ...]], str] = {}
    for api in apis:
        for f, _ in request_arguments(schemas[api.id]):
            values = enum_values(f)
            key = (f.python_name, values or ())
            if values is None or len(values) < MIN_SHARED_VALUES or key in out:
                continue
            out[key] = unique(str(ClassName(f.python_name)), taken, sep="")
    return out


def request_arguments(schemas: ApiSchemas) -> list[tuple[Field, str]]:
    """The request fields a method takes, with the schema that holds each.

    Without variants: the body. With variants: every field of every shape, once by wire name
    (the first shape's definition); the request model's union then picks the shape. A field is
    required only when every shape requires it.
    """
    seen: dict[str, int] = {}
    out: list[tuple[Field, str]] = []
    shapes = schemas.request_shapes
    for owner, fields in shapes:
        for f in fields:
            if f.name in seen:
                continue
            everywhere = all(
                any(g.name == f.name and g.required for g in other) for _, other in shapes
            )
            if f.required and not everywhere:
                f = dataclasses.replace(f, required=False)
            fixed = {g.fixed_value for _, other in shapes for g in other if g.name == f.name} | (
                {None} if any(all(g.name != f.name for g in o) for _, o in shapes) else set()
            )
            if f.fixed_value is not None and len(fixed) > 1:
                # Fixed per shape (trnm CNSRREQ / REAL): the caller chooses, among those values.
                values = sorted(v for v in fixed if v is not None)
                f = dataclasses.replace(
                    f,
                    fixed_value=None,
                    enum=tuple(EnumValue(v) for v in values),
                    enum_closed=True,
                )
            seen[f.name] = len(out)
            out.append((f, owner))
    return out


def _item_model(f: Field, owner: str, schemas: ApiSchemas) -> str | None:
    prop = schemas.schemas[owner]["properties"][f.name]
    if f.kind is Kind.ARRAY:
        return str(prop["items"]["$ref"]).rsplit("/", 1)[-1]
    if f.kind is Kind.OBJECT:
        return str(prop["$ref"]).rsplit("/", 1)[-1]
    return None


def method_view(
    api: Api,
    schemas: ApiSchemas,
    reserved: frozenset[str],
    aliases: Aliases | None = None,
) -> tuple[MethodView, set[str]]:
    """The method of one HTTP API, and the model classes its signature names."""
    taken = set(reserved) | set(CALL_ARGUMENTS) | set(METHOD_LOCALS)
    required: list[ArgView] = []
    optional: list[ArgView] = []
    fixed: list[FixedView] = []
    models = {schemas.request, schemas.response}
    arguments = request_arguments(schemas)
    fields = tuple(f for f, _ in arguments)
    for f, owner in arguments:
        if f.fixed_value is not None:
            fixed.append(FixedView(f.name, f.fixed_value))
            continue
        name = f.python_name
        while name in taken:
            name += "_"
        taken.add(name)
        item = _item_model(f, owner, schemas)
        if item is not None:
            models.add(item)
        doc = "\n".join(field_doc(f, name, sibling(fields, f)))
        arg = ArgView(
            name,
            f.name,
            _type_hint(f, item, aliases),
            f.kind,
            f.enum is not None,
            bool(f.required),
            doc,
        )
        (required if arg.required else optional).append(arg)
    args = tuple(required + optional)
    paging = not api.is_order
    view = MethodView(
        name=api.method_name,
        api_id=api.id,
        docstring=method_docstring(api, [a.doc for a in args], paging, schemas.response),
        request_model=schemas.request,
        response_model=schemas.response,
        args=args,
        fixed=tuple(fixed),
        paging=paging,
        summary=api.summary,
        title=api.name,
        route=f"{api.method} {api.path}",
        is_order=api.is_order,
    )
    return view, models


def build_view(spec: Spec, schemas: dict[str, ApiSchemas]) -> ClientView:
    names = group_names(spec)
    labels: dict[str, str] = {}
    for group, label in spec.groups:
        labels.setdefault(names[group][0] if group in names else group, label)
    for api in spec.apis:  # a namespace's label: the market word of its first API's menu
        if "." in api.group and len(api.menu) >= 3:
            labels.setdefault(names[api.group][0].split(".")[0], api.menu[0])
    view = ClientView(spec.package_name, import_name(spec.package_name), spec.package_version)
    class_taken: set[str] = set(CLIENT_MODULE_NAMES)
    all_models = {n for s in schemas.values() for n in s.schemas}
    for group in sorted(names, key=lambda g: names[g][0]):
        attr, module = names[group]
        apis = tuple(a for a in spec.apis if a.group == group)
        # The client's own APIs (group ""): the runtime's token methods, not a group's methods.
        http = [a for a in apis if a.transport is Transport.HTTP and group]
        reserved = RESOURCE_MODULE_NAMES | all_models
        # An alias is a name of the models module, as a class is: the same names are taken.
        alias_taken = set(reserved | RESERVED_SCHEMA_NAMES | set(dir(builtins)))
        aliases = enum_aliases(http, schemas, alias_taken)
        methods: list[MethodView] = []
        used_models: set[str] = set()
        for api in http:
            m, models = method_view(api, schemas[api.id], reserved | set(aliases.values()), aliases)
            methods.append(m)
            used_models |= models
        base = str(ClassName(attr))
        taken = class_taken | RESOURCE_MODULE_NAMES | all_models
        class_name = (
            base if base not in taken and f"Async{base}" not in taken else base + "Resource"
        )
        class_name = unique(class_name, class_taken)
        async_name = unique(f"Async{class_name}", class_taken)
        imports, module_imports = resource_imports(methods, module)
        view.groups.append(
            GroupView(
                group=attr,
                module=module,
                label=labels.get(attr, ""),
                class_name=class_name,
                async_class_name=async_name,
                methods=tuple(methods),
                realtime=tuple(a for a in apis if a.transport is Transport.WEBSOCKET),
                apis=apis,
                model_names=tuple(sorted(used_models)),
                imports=imports,
                module_imports=module_imports,
                enum_aliases=tuple(
                    (name, field, values) for (field, values), name in aliases.items()
                ),
            )
        )
        for api in apis:
            s = schemas[api.id]
            view.operations.append(
                OperationView(
                    api_id=api.id,
                    name=api.name,
                    path=api.path,
                    transport=api.transport.value,
                    group=attr,
                    method=api.method_name,
                    python_name=f"{attr}.{api.method_name}" if attr else api.method_name,
                    is_order=api.is_order,
                    models_module=f".models.{module}",
                    request_model=s.request,
                    response_model=s.response,
                    request_example=_example_literal(api, "request"),
                    response_example=_example_literal(api, "response"),
                    http_method=api.method,
                )
            )
    order = {a.id: i for i, a in enumerate(spec.apis)}
    view.operations.sort(key=lambda o: order[o.api_id])
    view.namespaces, view.top = namespace_views(view.groups, labels, class_taken)
    view.client_apis = tuple(a for a in spec.apis if not a.group and a.transport is Transport.HTTP)
    return view


def resource_imports(
    methods: Sequence[MethodView], module: str
) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    """Exactly the imports a resource module uses at run time (the model classes and
    enumerations its annotations name are imported for type checkers: resources_module)."""
    imports: dict[str, set[str]] = {}

    def add(mod: str, *names: str) -> None:
        imports.setdefault(mod, set()).update(names)

    if not methods:
        return {}, ()
    args = [a for m in methods for a in m.args]
    add("collections.abc", "Mapping")
    if any(a.kind is Kind.ARRAY for a in args):
        add("collections.abc", "Sequence")
    if any(a.kind is not Kind.STRING for a in args):
        add("typing", "Any")
    if any("Literal[" in a.type_hint for a in args):
        add("typing", "Literal")
    plain = tuple(
        m
        for m in ("collections.abc", "datetime", "decimal")
        if any(f"{m}." in a.type_hint for a in args)
    )
    add(".._async_client", "AsyncAPIClient")
    add(".._sync_client", "SyncAPIClient")
    add(".._operations", "OPERATIONS")
    add(".._response", "AsyncKiwoomResponse", "KiwoomResponse")
    add(".._types", "NOT_GIVEN", "NotGiven", "strip_not_given")
    add("..models", f"{module} as _models")  # the models are imported on first use
    add("typing", "TYPE_CHECKING")
    return {k: sorted(v) for k, v in imports.items()}, ("httpx", *plain)


# --- api.md: a table of contents by menu -----------------------------------------------------


@dataclass(frozen=True)
class IndexRow:
    api_id: str
    python: str  # what to type: client.chart.daily(...), client.issue_token(), realtime.stock_trade
    name: str  # the Korean name (spec text)
    route: str  # POST /api/dostk/chart (spec text)
    note: str  # "order", "WebSocket: models in kiwoom_client.models.realtime", ""


@dataclass(frozen=True)
class IndexSection:
    menu: str  # 국내주식 > 차트 (spec text)
    groups: tuple[str, ...]  # the Python groups its APIs are in
    rows: tuple[IndexRow, ...]


def api_index(spec: Spec, view: ClientView) -> list[IndexSection]:
    """Every API by menu: id, what to type in Python, Korean name, route."""
    modules = {o.api_id: o for o in view.operations}
    sections: dict[str, list[IndexRow]] = {}
    groups: dict[str, list[str]] = {}
    for api in spec.apis:
        op = modules[api.id]
        menu = " > ".join(api.menu[:-1]) if len(api.menu) >= 2 else ""
        if api.transport is Transport.WEBSOCKET:
            python = op.python_name
            note = f"WebSocket: models in {view.import_name}{op.models_module}"
        elif not op.group:
            python = f"client.{op.method}()"
            note = "the client's token method"
        else:
            python = f"client.{op.python_name}(...)"
            note = "order" if api.is_order else ""
        sections.setdefault(menu, []).append(
            IndexRow(api.id, python, api.name, f"{api.method} {api.path}", note)
        )
        if op.group and op.group not in groups.setdefault(menu, []):
            groups[menu].append(op.group)
    first: dict[str, tuple[bool, bool, str]] = {}  # menu -> (US, WebSocket, group) of its first
    for api in spec.apis:
        menu = " > ".join(api.menu[:-1]) if len(api.menu) >= 2 else ""
        op = modules[api.id]
        us = op.group.startswith("us.") or op.group == "us"
        first.setdefault(menu, (us, api.transport is Transport.WEBSOCKET, op.group))
    return [
        IndexSection(menu, tuple(sorted(groups.get(menu, []))), tuple(rows))
        for menu, rows in sorted(sections.items(), key=lambda kv: (first[kv[0]], kv[0]))
    ]
