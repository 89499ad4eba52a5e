"""Crash safety: the server killed with SIGKILL while conversations run. After a restart every message
that had received a reply is in the database with that reply, and each conversation resumes at its
question: the unanswered message, retried as WeChat retries it, and the rest of the script behave as
if nothing had happened."""

from __future__ import annotations

import random
import threading
import time

import httpx
from sqlalchemy import select

from conversations import Reply
from handlers.wechat_render import reply_parts
from storage.models import InboundKey
from tests.wechat_processes import ServerProcess, process_env
from tests.wechat_support import WeChatHTTP, text_xml

pytest_plugins = ["tests.wechat_fixtures"]

ROUND = [
    ("4", "まだ応募はありません"),
    ("5", "ご利用の言語をお選びください"),
    ("2", "接下来将使用中文为您服务"),
    ("9", "请从选项中选择"),
    ("/lang ja", "以後、日本語でご案内します"),
    ("5", "ご利用の言語をお選びください"),
    ("1", "以後、日本語でご案内します"),
    ("/help", "/lang ja"),
]
SCRIPT = [("こんにちは", "ご用件をお選びください"), *ROUND * 4]
USERS = 10


class Conversation:
    def __init__(self, index: int) -> None:
        self.user = f"o{index:02d}" + "c" * 25
        self.msg_ids = [7_000_000 + index * 1000 + step for step in range(len(SCRIPT))]
        self.answered: dict[int, str] = {}  # step -> the reply received
        self.next_step = 0

    def run(self, http: WeChatHTTP, stop: threading.Event, pause: bool) -> None:
        rng = random.Random(self.user)
        while self.next_step < len(SCRIPT) and not stop.is_set():
            step = self.next_step
            text, expected = SCRIPT[step]
            try:
                reply = http.reply(
                    http.post(text_xml(self.user, text, self.msg_ids[step], 1767000000 + step))
                )
            except (httpx.HTTPError, AssertionError):
                return  # the server died under this request: WeChat would retry it later
            assert reply is not None and expected in reply, (self.user, step, text, reply)
            self.answered[step] = reply
            self.next_step += 1
            if pause:
                time.sleep(rng.uniform(0.01, 0.05))


def test_sigkill_mid_conversation_loses_no_answered_message_and_every_chat_resumes(
    db_url, wechat_api, engine, tmp_path
):
    env = process_env(db_url, wechat_api, str(tmp_path / "files"))
    log = str(tmp_path / "server.log")
    conversations = [Conversation(i) for i in range(USERS)]

    first = ServerProcess(env, str(tmp_path), log).start()
    http = WeChatHTTP(first.url)
    stop = threading.Event()
    threads = [threading.Thread(target=c.run, args=(http, stop, True)) for c in conversations]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while sum(len(c.answered) for c in conversations) < USERS * 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    first.kill()  # SIGKILL: no shutdown, no flush, mid-request for some
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    answered = sum(len(c.answered) for c in conversations)
    assert USERS * 5 <= answered < USERS * len(SCRIPT), "the kill must land mid-conversation"

    # Every message that received a reply is stored, with exactly that reply.
    with engine.connect() as conn:
        stored = {row.key: row.reply for row in conn.execute(select(InboundKey.key, InboundKey.reply))}
    for conversation in conversations:
        for step, received in conversation.answered.items():
            key = f"{conversation.user}:{conversation.msg_ids[step]}"
            assert key in stored, f"answered message lost: {key}"
            rendered = reply_parts(Reply.from_json(stored[key]).messages, "https://bot.example.com")
            assert rendered[0] == received

    with ServerProcess(env, str(tmp_path), log) as second:
        http = WeChatHTTP(second.url)
        for conversation in conversations:  # the unanswered message is retried, then the rest follows
            conversation.run(http, threading.Event(), False)
            assert conversation.next_step == len(SCRIPT), conversation.user
        assert wechat_api.calls("message/custom/send") == []
