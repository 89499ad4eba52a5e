"""Exactly once: WeChat's retries, concurrent copies, the 5-second budget, and two server processes.

Each test runs on SQLite and, when configured, on PostgreSQL (the `backend` fixture underneath).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from storage.models import ConversationState, InboundKey, KeyValue
from tests.wechat_processes import ServerProcess, process_env
from tests.wechat_support import RAN, WeChatHTTP, make_app, serve, text_xml, wechat_settings

pytest_plugins = ["tests.wechat_fixtures"]


def effects(engine, marker: str) -> int:
    """How many runs of the test's `/slow` step committed (each leaves a row of its own)."""
    with engine.connect() as conn:
        values = conn.execute(select(KeyValue.value).where(KeyValue.key.like(f"{RAN}%"))).scalars().all()
    return sum(value == marker for value in values)


def state_version(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.max(ConversationState.version))).scalar_one()


def post_together(http: WeChatHTTP, xml: str, copies: int) -> list:
    start = threading.Barrier(copies)

    def one(_index: int):
        start.wait()
        return http.post(xml)

    with ThreadPoolExecutor(copies) as pool:
        return list(pool.map(one, range(copies)))


def test_a_retried_message_gets_the_same_reply_and_acts_once(wechat, engine):
    chat = wechat.chat()
    chat.send("こんにちは")
    xml = text_xml(chat.user, "4", msg_id=900001, create_time=1767999000)
    first = wechat.http.post(xml)
    version = state_version(engine)
    retries = [wechat.http.post(xml) for _ in range(3)]
    assert all(r.text == first.text for r in retries)  # byte for byte, CreateTime included
    assert "まだ応募はありません" in wechat.http.reply(first)
    assert state_version(engine) == version
    with engine.connect() as conn:
        replies = conn.execute(select(InboundKey.reply)).scalars().all()
    assert len(replies) == 2 and sum("まだ応募はありません" in str(reply) for reply in replies) == 1


def test_concurrent_copies_of_one_message_get_identical_replies_and_act_once(wechat, engine):
    chat = wechat.chat()
    chat.send("こんにちは")
    xml = text_xml(chat.user, "/slow 0.5")
    responses = post_together(wechat.http, xml, 4)
    texts = {wechat.http.reply(r) for r in responses}
    assert len(texts) == 1 and "slept 0.5" in texts.pop()
    assert effects(engine, "slept 0.5") == 1


def test_over_budget_the_answer_is_success_then_customer_service_once(wechat_app, wechat_api, engine):
    with serve(wechat_app, wechat_api, budget=0.3) as running:
        chat = running.chat()
        chat.send("こんにちは")
        xml = text_xml(chat.user, "/slow 1")
        started = time.monotonic()
        response = running.http.post(xml)
        assert response.text == "success" and time.monotonic() - started < 0.9
        running.wait_idle()
        sent = wechat_api.texts_to(chat.user)  # the greeting too, when a loaded machine made it late
        assert sum("slept 1" in text for text in sent) == 1
        assert running.http.post(xml).text == "success"  # a late retry: already answered by customer service
        running.wait_idle()
        assert wechat_api.texts_to(chat.user) == sent
        assert effects(engine, "slept 1") == 1
        with engine.connect() as conn:
            marks = conn.execute(select(KeyValue.value).where(KeyValue.key.like("wechat:reply_mode:%"))).all()
        assert [m.value for m in marks] == ["cs"]


def test_a_retry_during_an_over_budget_step_also_says_success_and_nothing_goes_twice(
    wechat_app, wechat_api, engine
):
    with serve(wechat_app, wechat_api, budget=0.3) as running:
        chat = running.chat()
        chat.send("こんにちは")
        xml = text_xml(chat.user, "/slow 1")
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(running.http.post, xml)
            time.sleep(0.1)
            retry = pool.submit(running.http.post, xml)
            assert (first.result().text, retry.result().text) == ("success", "success")
        running.wait_idle()
        time.sleep(0.8)  # the retry's step finishes after the first's; let its follow-up run too
        running.wait_idle()
        # Only the slow step's answer counts: on a loaded machine the greeting may also have gone
        # the customer-service way (budget 0.3 s here).
        assert sum("slept 1" in text for text in wechat_api.texts_to(chat.user)) == 1
        assert effects(engine, "slept 1") == 1


def test_without_customer_service_a_late_answer_waits_for_wechats_retry(settings, engine, clock, wechat_api):
    no_secret = wechat_settings(settings, wechat_api, wechat_app_id=None, wechat_app_secret=None)
    with serve(make_app(no_secret, engine, clock), wechat_api, budget=0.3) as running:
        chat = running.chat()
        chat.send("こんにちは")
        xml = text_xml(chat.user, "/slow 1")
        assert running.http.post(xml).text == "success"
        time.sleep(1)  # WeChat retries after 5 s; by then the step is done and its reply stored
        assert "slept 1" in running.http.reply(running.http.post(xml))
        assert wechat_api.calls("message/custom/send") == [] and effects(engine, "slept 1") == 1


def test_two_server_processes_on_one_database_answer_alike_and_act_once(db_url, wechat_api, engine, tmp_path):
    env = process_env(db_url, wechat_api, str(tmp_path / "files"))
    log = str(tmp_path / "servers.log")
    with ServerProcess(env, str(tmp_path), log) as one, ServerProcess(env, str(tmp_path), log) as two:
        a, b = WeChatHTTP(one.url), WeChatHTTP(two.url)
        user = "o" + "p" * 27
        assert "ご用件をお選びください" in a.reply(a.post(text_xml(user, "こんにちは")))
        xml = text_xml(user, "/slow 1")
        barrier = threading.Barrier(4)

        def post(http: WeChatHTTP):
            barrier.wait()
            return http.reply(http.post(xml))

        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(post, [a, b, a, b]))
        assert len(set(replies)) == 1 and "slept 1" in replies[0]
        assert effects(engine, "slept 1") == 1
        assert wechat_api.texts_to(user) == []  # all passive: nothing by customer service


def test_two_processes_over_budget_send_the_answer_once(db_url, wechat_api, engine, tmp_path):
    env = process_env(db_url, wechat_api, str(tmp_path / "files"), JAPANMALL_TEST_BUDGET="0.5")
    log = str(tmp_path / "servers.log")
    with ServerProcess(env, str(tmp_path), log) as one, ServerProcess(env, str(tmp_path), log) as two:
        a, b = WeChatHTTP(one.url), WeChatHTTP(two.url)
        user = "o" + "q" * 27
        a.post(text_xml(user, "こんにちは"))
        xml = text_xml(user, "/slow 1.5")
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(a.post, xml)
            time.sleep(0.2)
            second = pool.submit(b.post, xml)
            assert (first.result().text, second.result().text) == ("success", "success")
        deadline = time.monotonic() + 10
        while not wechat_api.texts_to(user) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(2)  # the second process's step ends later; it must not send again
        assert ["slept 1.5" in text for text in wechat_api.texts_to(user)] == [True]
        assert effects(engine, "slept 1.5") == 1
