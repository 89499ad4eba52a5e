"""A fake Telegram Bot API on 127.0.0.1: real HTTP, the methods our channel uses, and a record.

It answers getMe, getUpdates (long polling on updates the test queues), setWebhook,
deleteWebhook, setMyCommands, sendMessage, sendDocument, getFile and file download,
answerCallbackQuery and editMessageReplyMarkup; it refuses what Telegram refuses (text over
4,096 characters, callback data over 64 bytes), and it answers 429 with retry_after, or 403,
for the chats a test chooses. Every call is recorded with its time.

`limit_rate(n)` makes it behave like Telegram's overall flood limit: a token bucket of n sends a
second (burst n); a send beyond it is answered 429 with retry_after and counted in `too_many`.
`on_message` (if set) is called with the number of messages sent so far, before answering.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.telegram_http import UvicornThread

TOKEN = "123456:TEST-token"
BOT_ID = 123456
RAW = {"text", "caption", "url", "secret_token", "callback_query_id", "file_id", "language_code"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    status: int = 200
    result: Any = None


def _decode(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, value in pairs:
        if name in RAW:
            params[name] = value
            continue
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value
    return params


async def _parse(request: Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    body = await request.body()
    kind = request.headers.get("content-type", "")
    if not body:
        return dict(request.query_params), {}
    if kind.startswith("application/json"):
        return json.loads(body), {}
    if kind.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + kind.encode() + b"\r\n\r\n" + body)
        pairs, files = [], {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if filename is not None:
                files[name] = (filename, payload)
            else:
                pairs.append((name, payload.decode("utf-8")))
        return _decode(pairs), files
    return _decode(parse_qsl(body.decode("utf-8"), keep_blank_values=True)), {}


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeTelegram:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] | None = None
        self._updates: list[dict[str, Any]] = []
        self._files: dict[str, tuple[str, bytes]] = {}
        self._faults: dict[int, list[tuple[int, int]]] = {}  # chat -> [(status, retry_after)]
        self._blocked: set[int] = set()
        self._bucket: list[float] | None = None  # [rate, tokens, last refill]
        self.too_many = 0
        self.messages = 0
        self.on_message: Any = None
        self.delay = 0.0  # seconds every send waits before it is answered (a slow API)
        self._held: dict[int, threading.Event] = {}  # chat -> released: its next send hangs till then
        self._lock = threading.Lock()
        self._ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        routes = [
            Route("/bot{token}/{method}", self._method, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
        ]
        self._server = UvicornThread(Starlette(routes=routes))

    # -- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> FakeTelegram:
        self.url = self._server.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.stop()

    # -- what a test arranges -------------------------------------------------------------------
    def next_update_id(self) -> int:
        return next(self._ids)

    def queue(self, update: dict[str, Any]) -> None:
        """An update for getUpdates (polling mode)."""
        with self._lock:
            self._updates.append(update)

    def add_file(self, content: bytes, path: str = "documents/file.bin") -> str:
        file_id = f"file-{len(self._files) + 1}"
        with self._lock:
            self._files[file_id] = (path, content)
        return file_id

    def rate_limit(self, chat_id: int, retry_after: int, times: int = 1) -> None:
        """The next `times` sends to the chat get 429 with this retry_after."""
        with self._lock:
            self._faults.setdefault(chat_id, []).extend([(429, retry_after)] * times)

    def fail_with(self, chat_id: int, status: int, times: int = 1) -> None:
        """The next `times` sends to the chat get this HTTP status (a 5xx: the API is down)."""
        with self._lock:
            self._faults.setdefault(chat_id, []).extend([(status, 0)] * times)

    def hold_next(self, chat_id: int) -> threading.Event:
        """The next send to the chat hangs until the returned event is set, then fails with 503
        (the API never answered it: the message did not go out)."""
        released = threading.Event()
        with self._lock:
            self._held[chat_id] = released
        return released

    def limit_rate(self, per_second: float) -> None:
        """Every send beyond `per_second` a second (token bucket, burst `per_second`) gets 429."""
        with self._lock:
            self._bucket = [per_second, per_second, time.monotonic()]

    def _take_token(self) -> bool:
        if self._bucket is None:
            return True
        rate, tokens, last = self._bucket
        now = time.monotonic()
        tokens = min(rate, tokens + (now - last) * rate)
        ok = tokens >= 1
        self._bucket[1:] = [tokens - 1 if ok else tokens, now]
        return ok

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: every send to the chat gets 403."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.discard(chat_id)

    # -- what a test reads --------------------------------------------------------------------
    def calls_of(self, method: str, chat_id: int | None = None, since: int = 0) -> list[Call]:
        with self._lock:
            found = self.calls[since:]
        return [
            c for c in found if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def wait_for(self, check: Any, timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = check()
            if result:
                return result
            time.sleep(0.02)
        raise AssertionError("the fake Bot API did not see what the test waited for")

    # -- the API --------------------------------------------------------------------------------
    async def _method(self, request: Request) -> Response:
        if request.path_params["token"] != TOKEN:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        method = request.path_params["method"]
        params, files = await _parse(request)
        call = Call(method, params, time.monotonic(), files)
        with self._lock:
            self.calls.append(call)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return self._error(call, 404, "Not Found: method not found")
        return await handler(call)

    def _ok(self, result: Any) -> Response:
        return JSONResponse({"ok": True, "result": result})

    def _error(self, call: Call, code: int, description: str, **parameters: Any) -> Response:
        call.status = code
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return JSONResponse(body, status_code=code)

    def _fault(self, call: Call) -> Response | None:
        chat = call.params.get("chat_id")
        with self._lock:
            if chat in self._blocked:
                return self._error(call, 403, "Forbidden: bot was blocked by the user")
            if not self._take_token():
                self.too_many += 1
                return self._error(call, 429, "Too Many Requests: retry after 1", retry_after=1)
            pending = self._faults.get(chat)
            if pending:
                status, retry_after = pending.pop(0)
                if status != 429:
                    return self._error(call, status, "Bad Gateway")
                return self._error(
                    call, 429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
                )
        return None

    def _message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "JAPAN MALL"},
            **content,
        }

    async def _api_getMe(self, _call: Call) -> Response:
        return self._ok(
            {"id": BOT_ID, "is_bot": True, "first_name": "JAPAN MALL", "username": "japanmall_bot"}
        )

    async def _api_getUpdates(self, call: Call) -> Response:
        offset = int(call.params.get("offset") or 0)
        deadline = time.monotonic() + min(float(call.params.get("timeout") or 0), 1.0)
        while True:
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates)
            if ready or time.monotonic() >= deadline:
                return self._ok(ready[: int(call.params.get("limit") or 100)])
            await asyncio.sleep(0.02)

    async def _api_setWebhook(self, call: Call) -> Response:
        self.webhook = call.params
        return self._ok(True)

    async def _api_deleteWebhook(self, _call: Call) -> Response:
        self.webhook = None
        return self._ok(True)

    async def _api_setMyCommands(self, _call: Call) -> Response:
        return self._ok(True)

    async def _api_answerCallbackQuery(self, _call: Call) -> Response:
        return self._ok(True)

    async def _api_sendMessage(self, call: Call) -> Response:
        text = call.params.get("text", "")
        if not text or _utf16(text) > 4096:
            return self._error(call, 400, "Bad Request: message text is empty or too long")
        markup = call.params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    return self._error(call, 400, "Bad Request: BUTTON_DATA_INVALID")
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            held = self._held.pop(call.params.get("chat_id"), None)
        if held is not None:
            call.status = 0  # in flight, unanswered
            await asyncio.to_thread(held.wait)
            return self._error(call, 503, "Service Unavailable")
        fault = self._fault(call)
        if fault is not None:
            return fault
        content: dict[str, Any] = {"text": text}
        if markup:
            content["reply_markup"] = markup
        call.result = self._message(call.params["chat_id"], **content)
        with self._lock:
            self.messages += 1
            count = self.messages
        if self.on_message is not None:
            self.on_message(count)
        return self._ok(call.result)

    async def _api_sendDocument(self, call: Call) -> Response:
        fault = self._fault(call)
        if fault is not None:
            return fault
        name = call.files["document"][0] if "document" in call.files else str(call.params.get("document"))
        document = {"file_id": "sent-doc", "file_unique_id": "sent-doc-u", "file_name": name}
        call.result = self._message(call.params["chat_id"], document=document)
        return self._ok(call.result)

    async def _api_editMessageReplyMarkup(self, call: Call) -> Response:
        return self._ok(self._message(call.params["chat_id"], text="(edited)"))

    async def _api_getFile(self, call: Call) -> Response:
        file_id = call.params.get("file_id")
        if file_id not in self._files:
            return self._error(call, 400, "Bad Request: invalid file_id")
        path, content = self._files[file_id]
        return self._ok(
            {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_size": len(content),
                "file_path": path,
            }
        )

    async def _download(self, request: Request) -> Response:
        path = request.path_params["path"]
        with self._lock:
            self.calls.append(Call("download", {"path": path}, time.monotonic()))
            found = [content for stored, content in self._files.values() if stored == path]
        if request.path_params["token"] != TOKEN or not found:
            return Response(status_code=404)
        return Response(found[0], media_type="application/octet-stream")
