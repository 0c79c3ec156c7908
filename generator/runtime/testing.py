"""A fake Kiwoom REST server for tests: real HTTP on 127.0.0.1, built from the API registry.

    with FakeKiwoomServer() as server:
        client = KiwoomClient(appkey="k", secretkey="s", base_url=server.url)
        server.queue_rate_limit("kt10006")  # a rejection: even an order is sent again
        client.call("kt10006", {"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1",
                                "trde_tp": "3"})
        assert len(server.requests_for("kt10006")) == 2

It checks what Kiwoom checks (api-id, URL, bearer token, the body against the request model) and
answers like Kiwoom does on the wire (docs/wire.md):

- an error comes in Kiwoom's envelope: a generic top-level ``return_code`` (3: authentication
  failed, 5: a limit, 2: any other refusal) and the specific code inside ``return_msg`` as
  ``"...[NNNN:message]"``, the message taken from the package's error-code table
  (``ERROR_CODES``) unless a test gives one. Rate refusals come as HTTP 429 (``rate_status``),
  the rest as HTTP 200. ``envelope="plain"`` answers the other form seen in the wild, the code
  itself at the top (``{"return_code": 1700, "return_msg": "..."}``);
- rate limits per API id (:meth:`set_rate_limit`, the ``유량``) and in total (``total_rate``),
  counted over the last second of ``clock``; a refusal is 1700 (``유량=N, API ID=...``) or
  1701, and is recorded in :attr:`refusals`;
- issuing a token ends the previous ones of that app key (8005 on their next use);
- every API answers data: its response example, else a body made from its response model.
"""

from __future__ import annotations

import importlib
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self, cast

from pydantic import ValidationError

from ._fake_realtime import FakeRealtimeServer
from ._operation import Operation

__all__ = ["FakeKiwoomServer", "FakeRealtimeServer", "RecordedRequest"]

KST = timezone(timedelta(hours=9), "KST")
OK_MESSAGE = "정상적으로 처리되었습니다"
MESSAGES = {  # used for codes the package's ERROR_CODES table does not have
    1501: "API ID가 Null이거나 값이 없습니다",
    1504: "해당 URI에서는 지원하는 API ID가 아닙니다",
    1505: "API ID가 존재하지 않습니다",
    1511: "필수 입력 값에 값이 존재하지 않습니다",
    1517: "입력 값 형식이 올바르지 않습니다",
    1700: "허용된 요청 개수를 초과하였습니다",
    8001: "App Key와 Secret Key 검증에 실패했습니다",
    8005: "Token이 유효하지 않습니다",
}
GENERIC = {  # the generic top-level return_code of Kiwoom's envelope, and its text
    3: "인증에 실패했습니다",
    5: "허용된 요청 개수를 초과하였습니다",
    2: "요청을 처리하지 못했습니다",
}
AUTH_CODES = frozenset({8001, 8002, 8005, 8010, 8030, 8031, 8103})
LIMIT_CODES = frozenset({1634, 1687, 1700, 1701, 1702})
RATE_CODES = frozenset({1700, 1701, 1702})
MAX_BODY = 1_000_000
_Answer = tuple[int, dict[str, str], bytes] | None  # None: drop the connection without answering


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lowercase names
    json: Any  # the parsed body, or None when it was not JSON
    raw: bytes

    @property
    def api_id(self) -> str | None:
        return self.headers.get("api-id")


@dataclass(frozen=True)
class _Programmed:
    kind: Literal["error", "status", "disconnect"]
    code: int = 0
    message: str = ""
    status: int | None = None
    headers: Mapping[str, str] | None = None
    body: Mapping[str, Any] | None = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeKiwoomServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    timeout = 5  # an idle keep-alive connection ends its thread after this

    def do_POST(self) -> None:
        length = min(int(self.headers.get("content-length") or 0), MAX_BODY)
        raw = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        answer = cast(_Server, self.server).fake._answer(self.command, self.path, headers, raw)
        if answer is None:
            self.close_connection = True
            return
        status, out_headers, body = answer
        try:
            self.send_response(status)
            for name, value in out_headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout) before the answer
            self.close_connection = True

    do_GET = do_PUT = do_DELETE = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FakeKiwoomServer:
    """See the module docstring. ``appkey``/``secretkey``: the only keys au10001 accepts."""

    def __init__(
        self,
        operations: Mapping[str, Operation] | None = None,
        *,
        appkey: str | None = None,
        secretkey: str | None = None,
        token_lifetime: float = 86400.0,
        error_codes: Mapping[int, str] | None = None,
        envelope: Literal["kiwoom", "plain"] = "kiwoom",
        rate_status: int = 429,
        rate_limits: Mapping[str, int] | None = None,
        total_rate: int | None = None,
        single_token: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if envelope not in ("kiwoom", "plain"):
            raise ValueError("envelope must be 'kiwoom' or 'plain'")
        self._operations = operations
        self._error_codes = error_codes
        self.appkey = appkey
        self.secretkey = secretkey
        self.token_lifetime = token_lifetime  # seconds until a new token's expires_dt
        self.envelope = envelope
        self.rate_status = rate_status  # HTTP status of a rate refusal: 429, or 200
        self.total_rate = total_rate  # calls per second over every API id (1701), None: none
        self.single_token = single_token  # a new token ends the app key's previous ones
        self.clock = clock
        self.requests: list[RecordedRequest] = []
        self.issued_tokens: list[str] = []
        self.refusals: list[tuple[str, int]] = []  # (api id, code) of every rate refusal
        self._rate_limits: dict[str, int] = dict(rate_limits or {})
        self._accepted: dict[str, deque[float]] = {}  # api id ("" = all): accepted call times
        self._tokens: dict[str, datetime] = {}
        self._token_keys: dict[str, str] = {}  # token -> the app key it was issued to
        self._programmed: dict[str, deque[_Programmed]] = {}
        self._delays: dict[str, deque[float]] = {}
        self._pages: dict[str, list[Mapping[str, Any]]] = {}
        self._responses: dict[str, Mapping[str, Any]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._realtime: FakeRealtimeServer | None = None

    @property
    def operations(self) -> Mapping[str, Operation]:
        if self._operations is None:
            module = importlib.import_module("._operations", __package__)
            self._operations = cast(Mapping[str, Operation], module.OPERATIONS)
        return self._operations

    @property
    def error_codes(self) -> Mapping[int, str]:
        """Kiwoom's error-code table: the package's ``ERROR_CODES`` unless one was given."""
        if self._error_codes is None:
            try:
                module = importlib.import_module("._error_codes", __package__)
                self._error_codes = cast(Mapping[int, str], module.ERROR_CODES)
            except ImportError:
                self._error_codes = {}
        return self._error_codes

    def message_for(self, code: int, api_id: str = "") -> str:
        """The specific message of ``code``: the table's, else a built-in one; a 1700 names
        the API's ``유량`` and id as Kiwoom's does."""
        text = self.error_codes.get(code) or MESSAGES.get(code) or f"오류 {code}"
        if code == 1700:
            allowance = self._rate_limits.get(api_id, 1)
            text = f"{text}. 유량={allowance}, API ID={api_id}"
        return text

    # -- lifecycle

    def start(self) -> Self:
        if self._httpd is None:
            self._stop.clear()
            self._httpd = _Server(self)
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        realtime, self._realtime = self._realtime, None
        if realtime is not None:
            realtime.stop()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            self._stop.set()  # wakes delayed answers
            httpd.shutdown()
            httpd.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the server is not running: use it in a with block or start() it")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def realtime(self) -> FakeRealtimeServer:
        """The WebSocket fake beside this one (same token store), started on first use."""
        if self._httpd is None:
            raise RuntimeError("the server is not running: use it in a with block or start() it")
        if self._realtime is None:
            from ._realtime_urls import condition_services, registry

            types, _ = registry(__package__ or "", "")
            conditions = condition_services(__package__ or "")
            self._realtime = FakeRealtimeServer(
                self.token_valid, types=types, conditions=conditions
            ).start()
        return self._realtime

    @property
    def realtime_url(self) -> str:
        """The ``realtime_url`` of a client talking to :attr:`realtime`."""
        return self.realtime.url

    def token_valid(self, token: str) -> bool:
        """Whether ``token`` was issued (or added), is not revoked and has not expired."""
        with self._lock:
            expires = self._tokens.get(token)
        return expires is not None and datetime.now(KST) < expires

    # -- programming from tests

    def requests_for(self, api_id: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.api_id == api_id]

    def queue_error(
        self,
        api_id: str,
        code: int,
        message: str | None = None,
        times: int = 1,
        *,
        status: int | None = None,
    ) -> None:
        """The next ``times`` calls of ``api_id`` answer the error ``code`` in the server's
        envelope (HTTP ``status``: by default 429 for a rate limit, else 200)."""
        text = message if message is not None else self.message_for(code, api_id)
        self._queue(api_id, _Programmed("error", code=code, message=text, status=status), times)

    def queue_rate_limit(self, api_id: str, times: int = 1, *, status: int | None = None) -> None:
        self.queue_error(api_id, 1700, times=times, status=status)

    def set_rate_limit(self, api_id: str, per_second: int | None) -> None:
        """Allow ``api_id`` ``per_second`` calls in any second (its ``유량``); None: no limit."""
        with self._lock:
            if per_second is None:
                self._rate_limits.pop(api_id, None)
            else:
                self._rate_limits[api_id] = per_second

    def queue_http_status(
        self,
        api_id: str,
        status: int,
        times: int = 1,
        *,
        headers: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        """The next ``times`` calls answer HTTP ``status`` (text body unless ``body`` is given)."""
        self._queue(api_id, _Programmed("status", status=status, headers=headers, body=body), times)

    def queue_disconnect(self, api_id: str, times: int = 1) -> None:
        """The next ``times`` calls are read, then the connection is closed without an answer."""
        self._queue(api_id, _Programmed("disconnect"), times)

    def delay(self, api_id: str, seconds: float, times: int = 1) -> None:
        """The next ``times`` calls are recorded, then answered after ``seconds``."""
        with self._lock:
            self._delays.setdefault(api_id, deque()).extend([seconds] * times)

    def set_response(self, api_id: str, body: Mapping[str, Any]) -> None:
        with self._lock:
            self._responses[api_id] = body

    def set_pages(self, api_id: str, pages: Sequence[Mapping[str, Any]]) -> None:
        """Serve ``pages`` in order, following ``next-key``; ``cont-yn: Y`` until the last."""
        if not pages:
            raise ValueError("set_pages needs at least one page")
        with self._lock:
            self._pages[api_id] = list(pages)

    def add_token(self, token: str, lifetime: float | None = None) -> None:
        """Accept ``token`` as if it had been issued."""
        expires = datetime.now(KST) + timedelta(seconds=lifetime or self.token_lifetime)
        with self._lock:
            self._tokens[token] = expires

    def expire_tokens(self) -> None:
        """Every token issued so far becomes invalid (8005)."""
        with self._lock:
            self._tokens.clear()

    def reset(self) -> None:
        """Forget recorded requests and everything programmed (issued tokens stay valid)."""
        with self._lock:
            self.requests.clear()
            self.refusals.clear()
            for table in (self._programmed, self._delays, self._pages, self._responses):
                table.clear()
            self._accepted.clear()

    def _queue(self, api_id: str, item: _Programmed, times: int) -> None:
        if not 1 <= times <= 1000:
            raise ValueError("times must be between 1 and 1000")
        with self._lock:
            self._programmed.setdefault(api_id, deque()).extend([item] * times)

    # -- answering (runs on the server's threads)

    def _answer(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> _Answer:
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        api_id = headers.get("api-id", "")
        with self._lock:
            self.requests.append(RecordedRequest(method, path, headers, body, raw))
            delays, programmed = self._delays.get(api_id), self._programmed.get(api_id)
            delay = delays.popleft() if delays else 0.0
            item = programmed.popleft() if programmed else None
        if delay:
            self._stop.wait(delay)
        if item is not None:
            return self._programmed_answer(api_id, item)
        path = path.split("?", 1)[0]
        if path == "/oauth2/token":
            return self._issue(body)
        if path == "/oauth2/revoke":
            return self._revoke(body)
        if not api_id:
            return self._error("", 1501)
        op = self.operations.get(api_id)
        if op is None:
            return self._error(api_id, 1505)
        if op.transport != "http" or op.path != path:
            return self._error(api_id, 1504)
        if not self._token_ok(headers.get("authorization", "")):
            return self._error(api_id, 8005)
        refused = self._over_rate(api_id)
        if refused:
            return self._error(api_id, refused)
        try:
            op.request_model.model_validate(body if isinstance(body, dict) else object())
        except ValidationError as exc:
            missing = any(e["type"] == "missing" for e in exc.errors())
            return self._error(api_id, 1511 if missing else 1517)
        return self._data(op, headers.get("next-key", ""))

    def _over_rate(self, api_id: str) -> int:
        """1700 or 1701 when this call exceeds a rate limit (it is then not counted), else 0."""
        now = self.clock()
        with self._lock:
            limits = ((api_id, self._rate_limits.get(api_id), 1700), ("", self.total_rate, 1701))
            for key, allowance, code in limits:
                if allowance is None:
                    continue
                times = self._accepted.setdefault(key, deque())
                while times and times[0] <= now - 1.0:
                    times.popleft()
                if len(times) >= allowance:
                    self.refusals.append((api_id, code))
                    return code
            for key, allowance, _ in limits:
                if allowance is not None:
                    self._accepted[key].append(now)
        return 0

    def _programmed_answer(self, api_id: str, item: _Programmed) -> _Answer:
        if item.kind == "disconnect":
            return None
        if item.kind == "error":
            if item.code in RATE_CODES:
                with self._lock:
                    self.refusals.append((api_id, item.code))
            return self._error(api_id, item.code, item.message, item.status)
        headers = {"api-id": api_id, **(item.headers or {})}
        status = 200 if item.status is None else item.status
        if item.body is not None:
            return _json(status, headers, item.body)
        headers["content-type"] = "text/plain; charset=utf-8"
        return status, headers, f"HTTP {status}".encode()

    def _keys_ok(self, body: Any) -> bool:
        if not isinstance(body, dict):
            return False
        appkey, secretkey = body.get("appkey"), body.get("secretkey")
        if self.appkey is not None or self.secretkey is not None:
            return appkey == self.appkey and secretkey == self.secretkey
        return bool(appkey) and bool(secretkey)

    def _issue(self, body: Any) -> _Answer:
        if not self._keys_ok(body):
            return self._error("au10001", 8001)
        if body.get("grant_type") != "client_credentials":
            return self._error("au10001", 1517)
        token = secrets.token_urlsafe(24)
        expires = datetime.now(KST) + timedelta(seconds=self.token_lifetime)
        appkey = str(body.get("appkey"))
        with self._lock:
            if self.single_token:  # a new token ends the app key's previous ones
                for old in [t for t, key in self._token_keys.items() if key == appkey]:
                    self._tokens.pop(old, None)
                    del self._token_keys[old]
            self._tokens[token] = expires
            self._token_keys[token] = appkey
            self.issued_tokens.append(token)
        answer = {
            "expires_dt": expires.strftime("%Y%m%d%H%M%S"),
            "token_type": "bearer",
            "token": token,
        }
        return _json(200, {"api-id": "au10001"}, _ok(answer))

    def _revoke(self, body: Any) -> _Answer:
        if not self._keys_ok(body):
            return self._error("au10002", 8001)
        with self._lock:
            self._tokens.pop(str(body.get("token")), None)
        return _json(200, {"api-id": "au10002"}, _ok({}))

    def _token_ok(self, authorization: str) -> bool:
        scheme, _, token = authorization.partition(" ")
        return scheme.lower() == "bearer" and self.token_valid(token.strip())

    def _data(self, op: Operation, next_key: str) -> _Answer:
        with self._lock:
            pages, fixed = self._pages.get(op.api_id), self._responses.get(op.api_id)
        headers = {"api-id": op.api_id, "cont-yn": "N", "next-key": ""}
        if pages is None:
            return _json(200, headers, _ok(fixed or op.response_example or example_of(op)))
        prefix = f"{op.api_id}-page-"
        index = 0
        if next_key:
            suffix = next_key.removeprefix(prefix)
            if suffix == next_key or not suffix.isdigit() or int(suffix) >= len(pages):
                return self._error(op.api_id, 1517, "연속조회키가 올바르지 않습니다")
            index = int(suffix)
        if index + 1 < len(pages):
            headers.update({"cont-yn": "Y", "next-key": f"{prefix}{index + 1}"})
        return _json(200, headers, _ok(pages[index]))

    def _error(
        self, api_id: str, code: int, message: str | None = None, status: int | None = None
    ) -> _Answer:
        text = message if message is not None else self.message_for(code, api_id)
        if status is None:
            status = self.rate_status if code in RATE_CODES else 200
        if self.envelope == "plain":
            return _json(status, {"api-id": api_id}, {"return_code": code, "return_msg": text})
        generic = 3 if code in AUTH_CODES else 5 if code in LIMIT_CODES else 2
        envelope = {"return_code": generic, "return_msg": f"{GENERIC[generic]}[{code}:{text}]"}
        return _json(status, {"api-id": api_id}, envelope)


def _ok(body: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(body)
    out.setdefault("return_code", 0)
    out.setdefault("return_msg", OK_MESSAGE)
    return out


def _json(status: int, headers: Mapping[str, str], body: Mapping[str, Any]) -> _Answer:
    out = {"content-type": "application/json;charset=UTF-8", **headers}
    return status, out, json.dumps(body, ensure_ascii=False).encode("utf-8")


def example_of(op: Operation) -> dict[str, Any]:
    """A response body made from ``op``'s response model, for an API whose sheet gives no usable
    example: every field present, strings ``"0"``, each list with two rows."""
    if not op.response_model_name:
        return {}
    try:
        model = op.response_model
    except (ImportError, AttributeError):
        return {}
    value = _synthesize(model, 0)
    return value if isinstance(value, dict) else {}


def _synthesize(annotation: Any, depth: int) -> Any:
    import typing

    from pydantic import BaseModel, RootModel

    if depth > 6:
        return None
    origin = typing.get_origin(annotation)
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _synthesize(options[0], depth) if options else None
    if origin is typing.Annotated:
        return _synthesize(typing.get_args(annotation)[0], depth)
    if origin is typing.Literal:
        return typing.get_args(annotation)[0]
    if origin in (list, Sequence):
        (item,) = typing.get_args(annotation) or (str,)
        return [_synthesize(item, depth + 1) for _ in range(2)]
    if origin in (dict, Mapping):
        return {}
    if isinstance(annotation, type) and issubclass(annotation, RootModel):
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out: dict[str, Any] = {}
        for name, info in annotation.model_fields.items():
            out[info.alias or name] = _synthesize(info.annotation, depth + 1)
        return {k: v for k, v in out.items() if v is not None}
    if annotation is int:
        return 0
    if annotation is bool:
        return False
    return "0"
