"""The README's examples, computed from the spec: which call to show and with what values."""

from __future__ import annotations

from dataclasses import dataclass

from ..escape import md_fence, py_str
from ..model import Api, Kind, Spec
from ..model.realtime import realtime_spec
from .python_view import ClientView, MethodView


@dataclass(frozen=True)
class Snippet:
    code: str

    @property
    def fence(self) -> str:
        return md_fence(self.code)


def example_arguments(api: Api, m: MethodView) -> list[tuple[str, str]]:
    """(argument, Python literal) for the required arguments of an example call.

    Values come from the sheet's request example; an enumeration offers its market-order value
    (시장가) first, so that an example order needs no price.
    """
    example = api.request_example
    values = example.value if example is not None and isinstance(example.value, dict) else {}
    fields = {f.name: f for f in api.request.body}
    for variant in api.request.variants:  # the method takes every shape's fields
        for f in variant.body:
            fields.setdefault(f.name, f)
    out: list[tuple[str, str]] = []
    for a in m.args:
        if not a.required:
            continue
        f = fields[a.wire]
        value = values.get(a.wire)
        if a.kind is Kind.ARRAY:
            out.append((a.name, "[]"))
        elif a.kind is Kind.OBJECT:
            out.append((a.name, "{}"))
        elif f.enum is not None:
            market = [e.value for e in f.enum if e.label == "시장가"]
            allowed = [e.value for e in f.enum]
            choice = market[0] if market else value if value in allowed else allowed[0]
            out.append((a.name, py_str(str(choice))))
        else:
            out.append((a.name, py_str(value) if isinstance(value, str) else '"..."'))
    return out


def _call(group: str, m: MethodView, args: list[tuple[str, str]]) -> str:
    return f"client.{group}.{m.name}(" + ", ".join(f"{k}={v}" for k, v in args) + ")"


def readme_snippets(spec: Spec, view: ClientView) -> dict[str, Snippet | None]:
    methods = [(g, m) for g in view.http_groups for m in g.methods]
    orders = [(g, m) for g, m in methods if m.is_order]
    reads = [(g, m) for g, m in methods if not m.is_order]
    pkg = view.import_name
    first = (orders or methods)[0] if methods else None
    if first is not None:
        g, m = first
        args = example_arguments(spec.api(m.api_id), m)
        call = _call(g.group, m, args)
        # The raw answer, never a bare None: a field of .data is None whenever Kiwoom (or a
        # FakeKiwoomServer with no answer set) leaves it out.
        shown = "resp.body"
        wire = {a.name: a.wire for a in m.args}
        checked = [(wire[k], v) for k, v in args if v.startswith('"') and v != '"..."']
        if checked:
            key, value = max(checked, key=lambda kv: len(kv[1]))
            sent = f"server.requests_for({py_str(m.api_id)})[0].json[{py_str(key)}]"
            assert_line = f"        assert {sent} == {value}"
        else:
            assert_line = f"        assert len(server.requests_for({py_str(m.api_id)})) == 1"
    else:
        call, shown, assert_line = 'client.call("api-id", {})', "resp.body", ""
    quick = "\n".join(
        [
            f"from {pkg} import KiwoomClient",
            "",
            'client = KiwoomClient(appkey="...", secretkey="...", env="mock")',
            f"resp = {call}",
            f"print({shown})",
        ]
    )
    if reads:
        g, m = reads[0]
        read_call = _call(g.group, m, example_arguments(spec.api(m.api_id), m))
        paging = "\n".join(
            [
                f"for page in {read_call}:",
                "    print(page.data)",
                "",
                f"first = {read_call}",
                "if first.has_next_page():",
                "    second = first.next_page()",
            ]
        )
    else:
        paging = None  # every API is an order: the README says that none pages
    if first is not None:
        g, m = first
        api = spec.api(m.api_id)
        body = dict(example_arguments(api, m))
        wire = {a.name: a.wire for a in m.args}
        items = ", ".join(f"{py_str(wire[k])}: {v}" for k, v in body.items())
        by_id = f"resp = client.call({py_str(m.api_id)}, {{{items}}})"
    else:
        by_id = 'resp = client.call("<api-id>", {...})'
    fake = "\n".join(
        [
            f"from {pkg} import KiwoomClient",
            f"from {pkg}.testing import FakeKiwoomServer",
            "",
            "",
            "def test_order() -> None:",
            "    with FakeKiwoomServer() as server:",
            '        client = KiwoomClient(appkey="test", secretkey="test", base_url=server.url)',
            f"        resp = {call}",
            assert_line,
        ]
    ).rstrip()
    return {
        "realtime": realtime_snippet(spec, pkg),
        "quick_start": Snippet(quick),
        "paging": Snippet(paging) if paging is not None else None,
        "call": Snippet(by_id),
        "fake_server": Snippet(fake),
    }


def realtime_snippet(spec: Spec, pkg: str) -> Snippet:
    """A ten-line real-time program against the fake servers that runs as written.

    It subscribes to 주식체결 (0B); when the workbook documents 0B, its typed property of id
    ``"10"`` is shown, else the value by id (every message has both).
    """
    typed = {t.code: t for t in realtime_spec(spec).types}
    field = next((f for f in typed["0B"].fields if f.id == "10"), None) if "0B" in typed else None
    value = f"msg.values.{field.python_name}" if field is not None else 'msg.values["10"]'
    return Snippet(
        "\n".join(
            [
                f"from {pkg} import KiwoomClient",
                f"from {pkg}.testing import FakeKiwoomServer",
                "",
                "with FakeKiwoomServer() as server:",
                '    client = KiwoomClient(appkey="key", secretkey="secret", base_url=server.url,',
                "                          realtime_url=server.realtime_url)",
                "    with client.realtime() as rt:",
                '        trades = rt.subscribe("0B", ["005930", "000660_NX"])  # REG, answered',
                '        server.realtime.push("0B", "005930", {"10": "-20800", "20": "152530"})',
                "        msg = trades.get(timeout=5)  # TimeoutError, never a wait forever",
                f"        print(msg.type, msg.item, {value}, msg.raw)",
            ]
        )
    )
