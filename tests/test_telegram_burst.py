"""Twenty messages at once from one chat over the webhook: each HTTP response comes as soon as
its step has committed (p99 under a second, not at the Bot API's pace of one message a second
per chat), and the replies, sent by the outbox's sender at that pace, reach the chat in order."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import select

from storage.models import Delivery
from tests.fakes.telegram_chat import SECRET, message_update, serving, settled

pytest_plugins = ["tests.telegram_fixtures"]
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
CHAT = 5301


def test_twenty_messages_at_once_are_answered_fast_and_replied_to_in_order(app, fake):
    with serving(app, fake, mode="webhook") as served:  # the real per-chat pace: ~1 message a second
        client = httpx.Client(base_url=served.url, timeout=30)
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        client.post("/telegram", json=message_update(fake, CHAT, "ja", text="/start"), headers=headers)
        settled(app.engine, str(CHAT), timeout=30)
        mark = len(fake.calls)
        updates = [message_update(fake, CHAT, "ja", text=f"/x{n:02d}") for n in range(20)]

        def post(update: dict) -> float:
            started = time.perf_counter()
            response = client.post("/telegram", json=update, headers=headers)
            assert response.status_code == 200
            return time.perf_counter() - started

        with ThreadPoolExecutor(20) as pool:
            seconds = sorted(pool.map(post, updates))
        p99 = statistics.quantiles(seconds, n=100)[98]
        print(f"webhook response for 20 at once from one chat: p50 {seconds[9]:.3f} s, p99 {p99:.3f} s")
        assert p99 < 1.0
        settled(app.engine, str(CHAT), timeout=60)
        sent = [
            c.params["text"]
            for c in fake.calls_of("sendMessage", chat_id=CHAT, since=mark)
            if c.status == 200
        ]
        with app.engine.connect() as conn:  # the replies in the order their steps committed
            rows = conn.execute(
                select(Delivery.payload)
                .where(
                    Delivery.kind == "reply",
                    Delivery.dedup_key.in_([f"reply:telegram:update:{u['update_id']}" for u in updates]),
                )
                .order_by(Delivery.id)
            ).scalars()
            written = [m["text"] for payload in rows for m in payload["messages"]]
    assert len(sent) == 40 and sent == written  # two messages a reply, every one in its step's order
    answered = [text.split("」")[0].removeprefix("「") for text in sent[::2]]
    assert sorted(answered) == [f"/x{n:02d}" for n in range(20)]  # each once
    times = [c.at for c in fake.calls_of("sendMessage", chat_id=CHAT, since=mark) if c.status == 200]
    assert times[-1] - times[0] >= 15  # the chat's pace was kept: about one a second after a burst


def test_the_channels_own_answers_queue_behind_the_chats_earlier_replies(app, fake):
    """A sticker right after three messages: its answer (the channel's own, not the core's) goes
    through the outbox too, so it reaches the chat after the three replies, not before them."""
    with serving(app, fake, mode="webhook") as served:
        client = httpx.Client(base_url=served.url, timeout=30)
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        client.post("/telegram", json=message_update(fake, CHAT, "ja", text="/start"), headers=headers)
        settled(app.engine, str(CHAT), timeout=30)
        mark = len(fake.calls)
        sticker = {"file_id": "st", "file_unique_id": "ust", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
        updates = [message_update(fake, CHAT, "ja", text=f"/y{n}") for n in range(3)]
        updates.append(message_update(fake, CHAT, "ja", sticker=sticker))
        started = time.perf_counter()
        for update in updates:
            assert client.post("/telegram", json=update, headers=headers).status_code == 200
        answered_in = time.perf_counter() - started
        settled(app.engine, str(CHAT), timeout=60)
        sent = [
            c.params["text"]
            for c in fake.calls_of("sendMessage", chat_id=CHAT, since=mark)
            if c.status == 200
        ]
    assert answered_in < 3.0  # not at the chat's pace of one message a second: 7 messages go out
    assert len(sent) == 7
    assert [text.split("」")[0].removeprefix("「") for text in sent[0:6:2]] == ["/y0", "/y1", "/y2"]
    assert sent[6] == app.texts.render("ja", "telegram.unsupported")
