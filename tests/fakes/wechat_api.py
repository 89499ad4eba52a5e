"""A small fake of the WeChat API on 127.0.0.1 (real HTTP), for wechatpy's WeChatClient.

It answers /cgi-bin/token, message/custom/send, message/template/send, menu/create,
menu/addconditional and media/get; checks the access_token on every call (a new token makes the
old one invalid, as WeChat does); records what it received; and can be told to answer an error
code (`fail("message/custom/send", 45015)`) or to be slow (`delay`).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

APP_ID = "wx0123456789abcdef"
APP_SECRET = "fake-app-secret"
ERRMSG = {
    40001: "invalid credential, access_token is invalid or not latest",
    40007: "invalid media_id",
    40013: "invalid appid",
    43004: "require subscribe",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
}


class FakeWeChatAPI:
    def __init__(self, appid: str = APP_ID, secret: str = APP_SECRET) -> None:
        self.appid, self.secret = appid, secret
        self.lock = threading.Lock()
        self.token: str | None = None
        self.token_fetches = 0
        self.failures: dict[str, deque[int]] = defaultdict(deque)
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.media: dict[str, tuple[bytes, str]] = {}
        self.delay = 0.0
        self._counter = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- control -----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeWeChatAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, endpoint: str, errcode: int, times: int = 1) -> None:
        """Answer the next `times` calls of `endpoint` with `errcode`."""
        with self.lock:
            self.failures[endpoint].extend([errcode] * times)

    def invalidate_token(self) -> None:
        """As if another party fetched a token: the current one stops working."""
        with self.lock:
            self.token = None

    def calls(self, endpoint: str) -> list[dict[str, Any]]:
        with self.lock:
            return [body for name, body in self.received if name == endpoint]

    def texts_to(self, openid: str) -> list[str]:
        """The customer-service texts sent to `openid`, in order."""
        return [
            body["text"]["content"]
            for body in self.calls("message/custom/send")
            if body.get("touser") == openid and body.get("msgtype") == "text"
        ]

    # -- the server ----------------------------------------------------------------------------------
    def _answer(
        self, method: str, endpoint: str, query: dict[str, str], body: bytes
    ) -> tuple[int, str, bytes]:
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            if endpoint == "token":
                if query.get("appid") != self.appid or query.get("secret") != self.secret:
                    return _error(40013)
                self.token_fetches += 1
                self.token = f"TOKEN-{self.token_fetches}-{next(self._counter)}"
                return _json({"access_token": self.token, "expires_in": 7200})
            if self.token is None or query.get("access_token") != self.token:
                return _error(40001)
            if self.failures[endpoint]:
                return _error(self.failures[endpoint].popleft())
            if endpoint == "media/get":
                media = self.media.get(query.get("media_id", ""))
                return (200, media[1], media[0]) if media else _error(40007)
            data = json.loads(body or b"{}")
            self.received.append((endpoint, data))
            if endpoint in ("message/custom/send", "menu/create"):
                return _json({"errcode": 0, "errmsg": "ok"})
            if endpoint == "message/template/send":
                return _json({"errcode": 0, "errmsg": "ok", "msgid": next(self._counter)})
            if endpoint == "menu/addconditional":
                return _json({"menuid": str(next(self._counter))})
        return 404, "text/plain", b"unknown endpoint"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                endpoint = parts.path.removeprefix("/cgi-bin/")
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, content_type, payload = fake._answer(method, endpoint, query, body)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


def _json(data: dict[str, Any]) -> tuple[int, str, bytes]:
    return 200, "application/json", json.dumps(data, ensure_ascii=False).encode("utf-8")


def _error(code: int) -> tuple[int, str, bytes]:
    return _json({"errcode": code, "errmsg": ERRMSG.get(code, "error")})
