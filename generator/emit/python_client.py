"""Emitter: the installable, typed Python client ``python/`` (package ``kiwoom_client``).

Layout (``<pkg>`` is the import name of ``spec.package_name``)::

    python/pyproject.toml, README.md, api.md (the wheel installs both inside <pkg>/)
    python/<pkg>/__init__.py        exports, __version__, __spec_hash__, __generator_version__
    python/<pkg>/client.py          KiwoomClient / AsyncKiwoomClient, one lazy property per group
    python/<pkg>/_operations.py     OPERATIONS: api id -> Operation (names of models, no imports)
    python/<pkg>/_error_codes.py    ERROR_CODES
    python/<pkg>/models/<group>.py  pydantic models (datamodel-code-generator)
    python/<pkg>/resources/<group>.py  <Group> and Async<Group>, twins from one macro
    python/<pkg>/_*.py, testing.py, py.typed   the runtime, copied from generator/runtime

Every file is marked generated (the runtime files: copied) and is byte-identical from run to run.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..cache import code_fingerprint, load_json_map, store_json_map
from ..model import Api, Spec
from ..model.schema import ApiSchemas, spec_schemas
from . import progress
from .context import EmitContext, Pending
from .format_units import format_module
from .formatting import (
    Task,
    format_tasks,
    start_tasks,
    store_formatted,
)
from .python_models import (
    DCG_VERSION,
    ModelGenerationError,
    assemble,
    class_attributes,
    dcg_aliases,
    dcg_document,
    field_defaults,
    hide_descriptions,
    plan_group,
    restore_docstrings,
    run_datamodel_codegen,
    used_names,
    validators_of,
)
from .python_operations import columns, operation_rows
from .python_parsed import (
    COMPANION_FROM_IMPORTS,
    COMPANION_MODULES,
    METHOD_IMPORTS,
    companion_name,
    companion_order,
    companions_loader,
    request_validator,
    response_parts,
    union_parsed,
)
from .python_readme import readme_snippets
from .python_realtime import registry_source
from .python_render import header_lines, import_block, python_header, render
from .python_split import ApiClasses, api_module_names, split_models
from .python_view import ClientView, GroupView, api_index, build_view

RUNTIME = Path(__file__).resolve().parents[1] / "runtime"
OUT = "python"
# Written beside pyproject.toml and installed inside the package (the wheel maps them there).
PACKAGE_DOCS = ("README.md", "api.md")


def emit(spec: Spec, ctx: EmitContext) -> dict[str, bytes]:
    return start(spec, ctx).collect()


def start(spec: Spec, ctx: EmitContext) -> Pending:
    """The files of the client; the groups' modules are made in worker processes, which start
    now and are waited for by ``collect()`` (the other emitters run meanwhile)."""
    schemas = spec_schemas(spec)
    view = build_view(spec, schemas)
    pkg = f"{OUT}/{view.import_name}"
    header = python_header(ctx.generator_version, ctx.sources)
    files: dict[str, str | bytes] = {}

    files.update(runtime_files(pkg, ctx))
    # A group's models and methods are made and formatted start to finish in a worker process
    # (datamodel-code-generator, black), the groups in parallel with each other and with black
    # on the other modules. A group's modules are also cached whole, by exactly what they are
    # made from, so a group whose model did not change is neither rendered nor formatted again.
    # (Each module is cached and made on its own: the models and the methods of a group are
    # independent, and a changed group's two modules are made in parallel.)
    tasks: list[Task] = []
    group_keys: dict[str, tuple[str, ...]] = {}  # a job's first path -> its cache key
    group_files: dict[str, Callable[[str], bool]] = {}  # a job's first path -> its paths
    progress.stage("python client: finding the changed groups")
    for g in view.groups:
        made_from = repr([schemas[a.id] for a in g.apis])
        key: tuple[str, ...] = (code_fingerprint(), header, repr(g), made_from)
        paths = {"models": f"{pkg}/models/{g.module}.py"}
        if g.methods:
            paths["resources"] = f"{pkg}/resources/{g.module}.py"
        size = len(made_from)
        for kind, path in paths.items():
            # Every file of the job in one entry: a models job makes the group's module, a
            # module per API (models/_<module>/) and the companions (parsed/<module>.py).
            cached = load_json_map("group-files", (kind, *key))
            if cached and path in cached:
                files.update(cached)
                continue
            group_keys[path] = (kind, *key)
            group_files[path] = _job_paths(path, kind, pkg, g.module)
            job = GroupJob(g, {a.id: schemas[a.id] for a in g.apis}, header, kind, path)
            # The models (datamodel-code-generator and black) take about twice the methods.
            weight = size if kind == "models" else size // 2
            tasks.append(Task(run_group_job, job, weight, path))
    sources: dict[str, str] = {}
    sources[f"{pkg}/models/__init__.py"] = package_docstring_module(
        header,
        "Request and response models, one module per group of APIs:\n\n"
        + "\n".join(f"{g.module}: {g.label or g.group}" for g in view.groups),
    )
    sources[f"{pkg}/parsed/__init__.py"] = package_docstring_module(
        header,
        "Typed companions of the response models, one module per group (what .parsed()\n"
        "returns), imported on the first .parsed() of the group.",
    )
    sources[f"{pkg}/resources/__init__.py"] = package_docstring_module(
        header,
        "The groups of API methods of the clients, one module per group:\n\n"
        + "\n".join(f"{g.module}: {g.label or g.group}" for g in view.http_groups),
    )
    sources[f"{pkg}/client.py"] = client_module(view, header)
    sources[f"{pkg}/_operations.py"] = render(
        "operations.py.jinja",
        header=header,
        columns=columns(),
        rows=operation_rows(spec, view.operations),
    )
    sources[f"{pkg}/_error_codes.py"] = render(
        "error_codes.py.jinja", header=header, error_codes=spec.error_codes
    )
    sources[f"{pkg}/__init__.py"] = package_init(view, ctx, header)
    sources[f"{pkg}/_realtime_registry.py"] = registry_source(spec, header)
    found, format_jobs = format_tasks(sources)
    tasks += format_jobs
    progress.stage(f"python client: {len(tasks)} groups and modules to make and format")
    started = start_tasks(tasks, progress=progress.formatting(len(tasks)))
    try:
        files.update(package_files(spec, view, ctx))  # while the workers run
    except BaseException:
        started.cancel()
        raise

    def collect() -> dict[str, bytes]:
        made = started.collect()
        store_formatted(sources, made)
        for path, key in group_keys.items():
            owned = group_files[path]
            store_json_map("group-files", key, {p: t for p, t in made.items() if owned(p)})
        files.update(found)
        files.update(made)
        for path in [p for p, text in files.items() if "/parsed/" in p and text == ""]:
            del files[path]  # a group without response models has no companions
        return {
            path: content if isinstance(content, bytes) else content.encode("utf-8")
            for path, content in sorted(files.items())
        }

    return Pending(collect, started.cancel)


def package_files(spec: Spec, view: ClientView, ctx: EmitContext) -> dict[str, str]:
    """pyproject.toml, api.md and README.md of the package."""
    files: dict[str, str] = {}
    header_line = header_lines(ctx.generator_version, ctx.sources)[0]
    common = {
        "header_line": header_line,
        "package_name": view.package_name,
        "import_name": view.import_name,
        "version": view.version,
        "api_count": len(spec.apis),
        "realtime_count": len(view.realtime),
    }
    files[f"{OUT}/pyproject.toml"] = render(
        "pyproject.toml.jinja",
        package_docs=[(name, f"{view.import_name}/{name}") for name in PACKAGE_DOCS],
        **common,
    )
    files[f"{OUT}/api.md"] = render(
        "api.md.jinja",
        sections=api_index(spec, view),
        method_count=sum(len(g.methods) for g in view.groups) + len(view.client_apis),
        **common,
    )
    files[f"{OUT}/README.md"] = render(
        "README.md.jinja", errors=runtime_errors(), **readme_snippets(spec, view), **common
    )
    return files


# --- the runtime ---------------------------------------------------------------------------


def runtime_files(pkg: str, ctx: EmitContext) -> dict[str, str | bytes]:
    """Every generator/runtime/*.py except __init__.py, and py.typed, copied verbatim."""
    out: dict[str, str | bytes] = {}
    for path in sorted(RUNTIME.iterdir()):
        if path.name == "py.typed":
            out[f"{pkg}/py.typed"] = path.read_bytes()
        elif path.suffix == ".py" and path.name != "__init__.py":
            note = (
                f"# Copied verbatim from generator/runtime/{path.name} by kiwoom-codegen "
                f"{ctx.generator_version}.\n# Do not edit: change the original.\n"
            )
            out[f"{pkg}/{path.name}"] = note + path.read_text(encoding="utf-8")
    return out


def runtime_errors() -> list[tuple[str, str]]:
    """(class name, first docstring line) of the runtime's error classes, for the README.

    The runtime is the project's own code, not spec text: its docstrings go in as Markdown.
    """
    tree = ast.parse((RUNTIME / "_errors.py").read_text(encoding="utf-8"))
    out: list[tuple[str, str]] = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name not in ("KiwoomError", "KiwoomAPIError"):
            doc = (ast.get_docstring(node) or "").split("\n")[0]
            out.append((node.name, doc.replace("``", "`")))  # trusted text: rST code to Markdown
    return out


def runtime_exports(module: str) -> list[str]:
    """The ``__all__`` of a runtime module, read from its source."""
    tree = ast.parse((RUNTIME / f"{module}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            return [str(v) for v in value]
    raise ModelGenerationError(f"generator/runtime/{module}.py has no __all__")


# --- generated modules ---------------------------------------------------------------------


@dataclass(frozen=True)
class GroupJob:
    """What a worker needs to make one module of a group: its ``kind`` ("models", or
    "resources" for a group with methods) and its ``path`` in the output. The two modules of a
    group are independent, so they are made in parallel too."""

    group: GroupView
    schemas: dict[str, ApiSchemas]
    header: str
    kind: str
    path: str


def run_group_job(job: GroupJob) -> dict[str, str]:
    """The module, made and formatted (runs in a worker process); a group's models come with
    the module of their typed companions (``parsed/<module>.py``)."""
    if job.kind == "models":
        source, parsed = group_models(job.group, job.schemas, job.header)
        package = job.path.split("/models/", 1)[0]
        out = split_models(
            format_module(source, remember=job.path),
            package,
            job.group.module,
            api_classes(job.group, job.schemas),
        )
        path = parsed_path(job.path)
        out[path] = format_module(parsed, remember=path) if parsed is not None else ""
        return out
    source = resources_module(job.group, job.header)
    return {job.path: format_module(source, remember=job.path)}


def api_classes(g: GroupView, schemas: dict[str, ApiSchemas]) -> list[ApiClasses]:
    """Each API of the group with the name of its models module and its own classes."""
    modules = api_module_names([a.method_name or a.id for a in g.apis])
    out = []
    for api, module in zip(g.apis, modules, strict=True):
        s = schemas[api.id]
        roots = {s.request, s.response, *s.schemas}
        roots |= {name for name, _ in (*s.request_shapes, *s.response_shapes)}
        out.append(ApiClasses(api.id, module, frozenset(roots)))
    return out


def _job_paths(path: str, kind: str, pkg: str, module: str) -> Callable[[str], bool]:
    """Whether a path is one of the files of the group job whose first file is ``path``."""
    if kind != "models":
        return lambda p: p == path
    split, parsed = f"{pkg}/models/_{module}/", parsed_path(path)
    return lambda p: p in (path, parsed) or p.startswith(split)


def parsed_path(models_path: str) -> str:
    """``<pkg>/parsed/<module>.py`` of ``<pkg>/models/<module>.py``."""
    pkg, _, name = models_path.rsplit("/", 2)
    return f"{pkg}/parsed/{name}"


def models_module(g: GroupView, schemas: dict[str, ApiSchemas], header: str) -> str:
    """The group's models module (see :func:`group_models`)."""
    return group_models(g, schemas, header)[0]


def group_models(
    g: GroupView, schemas: dict[str, ApiSchemas], header: str
) -> tuple[str, str | None]:
    """The group's models module, and the module of their typed companions (None without
    response models): ``models/<module>.py`` and ``parsed/<module>.py``."""
    apis: Sequence[Api] = g.apis
    plans = plan_group(apis, schemas)
    document, texts = hide_descriptions(dcg_document(apis, schemas, plans))
    shared = {(field, values): name for name, field, values in g.enum_aliases}
    generated = field_defaults(
        restore_docstrings(run_datamodel_codegen(document, dcg_aliases(plans)), texts), shared
    )
    tree = ast.parse(generated)
    attrs = class_attributes(tree)
    validators = {
        name: textwrap.indent(
            render("model_validators.jinja", v=validators_of(plan, attrs[name])).strip("\n") + "\n",
            "    ",
        )
        for name, plan in plans.items()
        if plan.fixed or plan.conditions or plan.lengths
    }
    companions: list[str] = []  # the typed companions, rows before the classes holding them
    for name, plan in plans.items():
        wire = request_validator(plan, attrs[name]) if plan.strict else None
        if wire is not None:
            validators[name] = validators[name] + "\n" + wire if name in validators else wire
    for name in companion_order(plans):
        properties = document["$defs"][name].get("properties", {})
        companion, methods = response_parts(name, plans[name], attrs[name], plans, properties)
        companions.append(companion)
        validators[name] = validators[name] + "\n" + methods if name in validators else methods
    for api in apis:
        s = schemas[api.id]
        for union, shapes in ((s.request, s.request_shapes), (s.response, s.response_shapes)):
            if len(shapes) > 1:
                source = render("union_validator.jinja", shapes=[name for name, _ in shapes])
                validators[union] = textwrap.indent(source.strip("\n") + "\n", "    ")
                if union == s.response:  # .parsed() of the shape the answer has
                    validators[union] += "\n" + union_parsed([name for name, _ in shapes])
    module = assemble(
        generated,
        tree,
        attrs,
        plans,
        validators,
        {
            "model_validator": "pydantic",
            "Any": "typing",
            "Self": "typing",
            "choose_shape": ".._variants",
            **METHOD_IMPORTS,
        },
        g.enum_aliases,
    )
    imports = dict(module.imports)
    names = [companion_name(n) for n in companion_order(plans)]
    body = module.body
    if names:  # the companions' module is imported by the first .parsed(), not with this one
        imports.setdefault("typing", []).extend(["Any", "TYPE_CHECKING"])
        imports.update(COMPANION_FROM_IMPORTS)  # the readers (_values as _v)
        imports["typing"] = sorted(set(imports["typing"]))
        body = companions_loader(g.module, names, "...") + "\n\n" + body
    # Written for the place of the per-API modules it is split into (models/_<module>/):
    # relative imports reach one package further up.
    imports = {(f".{k}" if k.startswith(".") else k): v for k, v in imports.items()}
    ids = ", ".join(a.id for a in apis)
    docstring = (
        f"Request and response models of {g.label or g.group} ({g.group}): {ids}.\n\n"
        f"Generated with datamodel-code-generator {DCG_VERSION} from the JSON Schema of "
        "generator/schema.py;\nrequests are strict (unknown fields rejected), responses "
        "lenient (unknown fields kept)."
    )
    source = render(
        "models_group.py.jinja",
        header=header,
        docstring=docstring,
        imports=import_block(imports),
        class_names=sorted([*module.class_names, *(name for name, _, _ in g.enum_aliases)]),
        body=body,
    )
    parsed = None
    if companions:
        used = used_names(ast.parse("\n\n".join(companions)))
        parsed = render(
            "models_group.py.jinja",
            header=header,
            docstring=(
                f"Typed companions of the response models of {g.label or g.group} "
                f"({g.group}): what .parsed() returns (see models/{g.module}.py)."
            ),
            imports=import_block(
                COMPANION_FROM_IMPORTS,
                [f"{m} as {a}" for m, a in COMPANION_MODULES.items() if a in used],
            ),
            class_names=sorted(names),
            body="\n\n".join(companions),
        )
    return source, parsed


def resources_module(g: GroupView, header: str) -> str:
    docstring = f"{g.label or g.group}: the methods of client.{g.group}, sync and async."
    # The model classes are named for type checkers only: a method reaches its request class
    # through the group's models module (``_models.X``), which imports that API's models on
    # first use, so touching a group builds none of its classes.
    # Every enumeration alias is an argument's type; request classes are not in annotations.
    requests = {m.request_model for m in g.methods}
    named = {*g.model_names, *(name for name, _, _ in g.enum_aliases)} - requests
    checking = import_block({f"..models.{g.module}": named})
    source = render(
        "resources_group.py.jinja",
        header=header,
        docstring=docstring,
        imports=import_block(g.imports, g.module_imports),
        type_checking=textwrap.indent(checking, "    ") if checking else "",
        g=g,
    )
    return source


def client_module(view: ClientView, header: str) -> str:
    groups = view.http_groups
    imports: dict[str, list[str]] = {
        "._async_client": ["AsyncAPIClient"],
        "._sync_client": ["SyncAPIClient"],
        "._operations": ["OPERATIONS"],
    }
    if view.top:
        imports["functools"] = ["cached_property"]
    if groups:
        imports["typing"] = ["TYPE_CHECKING"]
    listing = [f"    {c.attr}: {c.summary}" for c in view.top]
    listing += [
        f"    {api.method_name}(): {api.summary}"
        for api in view.client_apis
        if api.method_name in ("issue_token", "revoke_token")
    ]
    sync_doc = (
        "The Kiwoom REST API client.\n\n"
        '    client = KiwoomClient(appkey=..., secretkey=..., env="mock")\n\n'
        "Groups:\n\n" + "\n".join(listing)
    ).rstrip()
    async_doc = (
        "The asynchronous twin of KiwoomClient: same groups and methods, awaited.\n\n"
        "Groups:\n\n" + "\n".join(listing)
    ).rstrip()
    source = render(
        "client.py.jinja",
        header=header,
        import_name=view.import_name,
        imports=import_block(imports),
        groups=groups,
        namespaces=view.namespaces,
        top=view.top,
        sync_doc=sync_doc,
        async_doc=async_doc,
    )
    return source


def package_docstring_module(header: str, docstring: str) -> str:
    return render("simple_module.py.jinja", header=header, docstring=docstring)


def package_init(view: ClientView, ctx: EmitContext, header: str) -> str:
    """The package ``__init__``: what an HTTP call needs is imported with the package; the
    real-time types are re-exported lazily (PEP 562 ``__getattr__``), imported on first use, and
    under ``TYPE_CHECKING`` for type checkers and editors. ``__all__`` names both."""
    errors = runtime_exports("_errors")
    imports: dict[str, list[str]] = {
        "._errors": errors,
        "._error_codes": ["ERROR_CODES"],
        "._operation": ["Operation"],
        "._operations": ["OPERATIONS"],
        "._ratelimit": ["RateLimiter"],
        "._tokens": ["FileTokenStore", "MemoryTokenStore", "TokenStore"],
        "._response": ["AsyncKiwoomResponse", "KiwoomResponse"],
        "._types": ["NOT_GIVEN", "NotGiven"],
        "._values": ["Direction", "InvalidValueError"],  # what .parsed() gives and raises
        ".client": ["AsyncKiwoomClient", "KiwoomClient"],
        "typing": ["TYPE_CHECKING"],
    }
    lazy: dict[str, list[str]] = {
        "._realtime": runtime_exports("_realtime"),  # Subscription, Realtime... (issue 20)
        "._realtime_types": runtime_exports("_realtime_types"),
    }
    public = [n for m, names in imports.items() if m.startswith(".") for n in names]
    exports = sorted({*public, *(name for names in lazy.values() for name in names)})
    lazy_names = sorted((name, module) for module, names in lazy.items() for name in names)
    docstring = (
        f"{view.package_name}: a typed client of the Kiwoom Securities REST API.\n\n"
        "    from " + view.import_name + " import KiwoomClient\n\n"
        '    client = KiwoomClient(appkey=..., secretkey=..., env="mock")\n\n'
        "README.md (how to use it) and api.md (every method with its API id and route) are\n"
        "installed inside this package:\n\n"
        f'    importlib.resources.files("{view.import_name}").joinpath("api.md").read_text()'
    )
    source = render(
        "package_init.py.jinja",
        header=header,
        docstring=docstring,
        imports=import_block(imports),
        lazy_imports=textwrap.indent(import_block(lazy), "    "),
        lazy_names=lazy_names,
        import_name=view.import_name,
        exports=exports,
        version=view.version,
        spec_hash=ctx.spec_hash,
        generator_version=ctx.generator_version,
    )
    return source
