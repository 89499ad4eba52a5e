"""WeChat test kit: messages built as WeChat builds them, signed and encrypted with wechatpy, posted
over real HTTP to `japanmall serve`'s ASGI app running in uvicorn on a free port.

`WeChatChat(...).send(text) -> str` plays the transcripts of tests/transcript.py over WeChat: the
passive reply plus any customer-service parts the fake WeChat API received for that user.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
import xmltodict
from sqlalchemy import Engine
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from bot.config import Settings
from bot.programme import load_programme
from bot.server import create_asgi
from bot.wiring import App, build_app
from conversations import FileRef, Form, Outbound, Step
from handlers.wechat import WeChatChannel
from storage import kv
from storage.runner import StepRunner
from tests.fakes.wechat_api import APP_ID, APP_SECRET, FakeWeChatAPI

TOKEN = "wechat-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ACCOUNT = "gh_0123456789ab"
_ids = itertools.count(int(time.time() * 1000))
_seconds = itertools.count(int(time.time()))


def next_id() -> int:
    return next(_ids)


def openid() -> str:
    """A fresh 28-character openid."""
    return "o" + uuid.uuid4().hex[:27]


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def text_xml(user: str, content: str, msg_id: int | None = None, create_time: int | None = None) -> str:
    """A text message exactly as WeChat sends it: CDATA, nothing escaped (so `]]>` stays raw)."""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id or next_id()}</MsgId></xml>"
    )


def event_xml(user: str, event: str, create_time: int | None = None, key: str | None = None) -> str:
    key_xml = f"<EventKey><![CDATA[{key}]]></EventKey>" if key is not None else ""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>{key_xml}</xml>"
    )


def image_xml(user: str, media_id: str, pic_url: str, msg_id: int | None = None) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[{pic_url}]]></PicUrl>"
        f"<MediaId><![CDATA[{media_id}]]></MediaId><MsgId>{msg_id or next_id()}</MsgId></xml>"
    )


class WeChatHTTP:
    """Posts as WeChat does: signed query string; in safe mode an encrypted envelope."""

    def __init__(self, url: str, *, aes_key: str | None = None, app_id: str = APP_ID, token: str = TOKEN):
        self.url = url.rstrip("/")
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key else None
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def signed_query(self, timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or uuid.uuid4().hex[:10]
        return {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}

    def envelope(self, xml: str, query: dict[str, str]) -> str:
        """The safe-mode body for `xml`; adds msg_signature and encrypt_type to `query`."""
        assert self.crypto is not None
        sealed = xmltodict.parse(self.crypto.encrypt_message(xml, query["nonce"], query["timestamp"]))["xml"]
        query.update({"encrypt_type": "aes", "msg_signature": sealed["MsgSignature"]})
        return (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
        )

    def post(self, xml: str, **query_overrides: str) -> httpx.Response:
        query = self.signed_query()
        body = self.envelope(xml, query) if self.crypto else xml
        query.update(query_overrides)
        return self.client.post("/wechat", params=query, content=body.encode("utf-8"))

    def reply(self, response: httpx.Response) -> str | None:
        """The text of a passive reply (checked to be well-formed XML), or None for `success`."""
        assert response.status_code == 200, (response.status_code, response.text)
        if response.text == "success":
            return None
        if self.crypto is not None:
            sealed = xmltodict.parse(response.text)["xml"]
            inner = self.crypto.decrypt_message(
                response.text, sealed["MsgSignature"], sealed["TimeStamp"], sealed["Nonce"]
            )
            return xmltodict.parse(inner)["xml"]["Content"]
        return xmltodict.parse(response.text)["xml"]["Content"]


class WeChatChat:
    """One WeChat user talking over HTTP; the same transcripts as CoreChat."""

    def __init__(self, server: RunningServer, user: str | None = None) -> None:
        self.server = server
        self.user = user or openid()
        self._seen = 0

    def _collect(self, passive: str | None) -> str:
        self.server.wait_idle()
        texts = self.server.api.texts_to(self.user)
        new, self._seen = texts[self._seen :], len(texts)
        return "\n\n".join([*([passive] if passive else []), *new])

    def post(self, xml: str) -> str:
        return self._collect(self.server.http.reply(self.server.http.post(xml)))

    def send(self, text: str) -> str:
        return self.post(text_xml(self.user, text))

    def event(self, event: str, key: str | None = None) -> str:
        return self.post(event_xml(self.user, event, next(_seconds), key))


@dataclass
class RunningServer:
    url: str
    app: App
    channel: WeChatChannel
    api: FakeWeChatAPI
    http: WeChatHTTP

    def chat(self, user: str | None = None) -> WeChatChat:
        return WeChatChat(self, user)

    def wait_idle(self, timeout: float = 10) -> None:
        """The channel's background work done, and the outbox's WeChat rows sent (its sender runs
        beside the channel; a row waiting for a retry is not waited for)."""
        from sqlalchemy import and_, or_, select

        from storage.models import Delivery

        open_rows = (
            select(Delivery.id)
            .where(
                Delivery.channel == "wechat",
                or_(
                    Delivery.outcome == "sending", and_(Delivery.outcome == "queued", Delivery.attempts == 0)
                ),
            )
            .limit(1)
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.channel.sending:
                with self.app.engine.connect() as conn:
                    if conn.execute(open_rows).first() is None:
                        return
            time.sleep(0.01)
        raise AssertionError("background sends did not finish")


class ServerThread:
    """uvicorn serving an ASGI app on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, asgi: Any) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(asgi, lifespan="on", log_config=None, access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.server.started, "uvicorn did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def wechat_settings(settings: Settings, api: FakeWeChatAPI, **extra: Any) -> Settings:
    values = {
        "wechat_token": TOKEN,
        "wechat_app_id": APP_ID,
        "wechat_app_secret": APP_SECRET,
        "wechat_api_url": api.url,
        "public_url": "https://bot.example.com",
        **extra,
    }
    return settings.model_copy(update=values)


def make_app(settings: Settings, engine: Engine, clock: Any) -> App:
    programme = load_programme(settings.programme, today=clock().date())
    app = build_app(settings, clock=clock, engine=engine, migrate=False, programme=programme)
    add_test_features(app)
    return app


LONG_LINE = "長い説明の一行です。" * 10
RAN = "test:slow-ran:"  # kv keys the `/slow` step leaves, one per committed run  # 300 bytes a line


def add_test_features(app: App) -> None:
    """Features the real bot will get from other issues, in miniature: a slow step, a long answer,
    a document offered by link, and a question that takes a file. Registered like any feature."""

    def slow(ctx: Any, args: str) -> None:
        time.sleep(float(args or "1"))
        ctx.say_text(f"slept {args or '1'}")
        kv.put(ctx.conn, f"{RAN}{uuid.uuid4().hex}", f"slept {args or '1'}", ctx.now)  # counts its runs
        ctx.ask_again()

    def long(ctx: Any, args: str) -> None:
        ctx.say_text("\n".join(f"{i:03d} {LONG_LINE}" for i in range(int(args or "20"))))

    def document(ctx: Any, args: str) -> None:
        ctx.send(Outbound("申込書です。", document=FileRef("application.xlsx", url=f"/files/{args}")))

    def upload(ctx: Any, _args: str) -> None:
        ctx.go("upload_test")

    for name, handler in {"slow": slow, "long": long, "doc": document, "upload": upload}.items():
        app.registry.add_command(name, handler)
    app.registry.add_flow(
        Form("upload_test", steps=[Step("material", "core.menu_question", files=True)], on_finish=_received)
    )


def _received(ctx: Any) -> None:
    ctx.say_text(f"received {ctx.answers['material']['name']}")
    ctx.go("menu", remember=False)


@contextmanager
def serve(app: App, api: FakeWeChatAPI, *, budget: float = 4.0, aes: bool = False) -> Iterator[RunningServer]:
    runner = StepRunner(app.engine)
    channel = WeChatChannel(app, runner, budget=budget)
    asgi = create_asgi(app, channels=[channel], runner=runner)
    with ServerThread(asgi) as thread:
        http = WeChatHTTP(thread.url, aes_key=AES_KEY if aes else None)
        yield RunningServer(thread.url, app, channel, api, http)
        http.client.close()
