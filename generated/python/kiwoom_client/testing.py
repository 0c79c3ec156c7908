# Copied verbatim from generator/runtime/testing.py by kiwoom-codegen 0.1.0.
# Do not edit: change the original.
"""A fake Kiwoom REST server for tests: real HTTP on 127.0.0.1, built from the API registry.

    with FakeKiwoomServer() as server:
        client = KiwoomClient(appkey="k", secretkey="s", base_url=server.url)
        server.queue_rate_limit("kt10006")  # a rejection: even an order is sent again
        client.call("kt10006", {"dmst_stex_tp": "KRX", "stk_cd": "005930", "ord_qty": "1",
                                "trde_tp": "3"})
        assert len(server.requests_for("kt10006")) == 2

It checks what Kiwoom checks (api-id, URL, bearer token, the body against the request model) and
answers like Kiwoom: return-code errors come as HTTP 200 with ``{"return_code", "return_msg"}``,
the message taken from the package's error-code table (``ERROR_CODES``) unless a test gives one.
"""

from __future__ import annotations

import importlib
import json
import secrets
import threading
from collections import deque
from collections.abc import Mapping, Sequence
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
    status: int = 200
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
    ) -> None:
        self._operations = operations
        self._error_codes = error_codes
        self.appkey = appkey
        self.secretkey = secretkey
        self.token_lifetime = token_lifetime  # seconds until a new token's expires_dt
        self.requests: list[RecordedRequest] = []
        self.issued_tokens: list[str] = []
        self._tokens: dict[str, datetime] = {}
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

    def message_for(self, code: int) -> str:
        """The ``return_msg`` answered with ``code``: the table's, else a built-in one."""
        return self.error_codes.get(code) or MESSAGES.get(code) or f"오류 {code}"

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
        self, api_id: str, code: int, message: str | None = None, times: int = 1
    ) -> None:
        """The next ``times`` calls of ``api_id`` answer ``return_code`` ``code`` (HTTP 200)."""
        text = message if message is not None else self.message_for(code)
        self._queue(api_id, _Programmed("error", code=code, message=text), times)

    def queue_rate_limit(self, api_id: str, times: int = 1) -> None:
        self.queue_error(api_id, 1700, times=times)

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
            for table in (self._programmed, self._delays, self._pages, self._responses):
                table.clear()

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
        try:
            op.request_model.model_validate(body if isinstance(body, dict) else object())
        except ValidationError as exc:
            missing = any(e["type"] == "missing" for e in exc.errors())
            return self._error(api_id, 1511 if missing else 1517)
        return self._data(op, headers.get("next-key", ""))

    def _programmed_answer(self, api_id: str, item: _Programmed) -> _Answer:
        if item.kind == "disconnect":
            return None
        if item.kind == "error":
            return self._error(api_id, item.code, item.message)
        headers = {"api-id": api_id, **(item.headers or {})}
        if item.body is not None:
            return _json(item.status, headers, item.body)
        headers["content-type"] = "text/plain; charset=utf-8"
        return item.status, headers, f"HTTP {item.status}".encode()

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
        with self._lock:
            self._tokens[token] = expires
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
            return _json(200, headers, _ok(fixed or op.response_example or {}))
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

    def _error(self, api_id: str, code: int, message: str | None = None) -> _Answer:
        text = message if message is not None else self.message_for(code)
        return _json(200, {"api-id": api_id}, {"return_code": code, "return_msg": text})


def _ok(body: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(body)
    out.setdefault("return_code", 0)
    out.setdefault("return_msg", OK_MESSAGE)
    return out


def _json(status: int, headers: Mapping[str, str], body: Mapping[str, Any]) -> _Answer:
    out = {"content-type": "application/json;charset=UTF-8", **headers}
    return status, out, json.dumps(body, ensure_ascii=False).encode("utf-8")
