"""Messages the bot sends first, against the fake WeChat API: window, template, waiting, each error code,
one shared access_token refreshed by one holder, bounded retries."""

from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from conversations import Inbound, UserKey
from handlers.wechat_client import TOKEN_KEY
from handlers.wechat_out import Template, WeChatOutbound, send_to_user
from storage import kv
from storage.models import Delivery, User
from tests.fakes.wechat_api import APP_SECRET
from tests.wechat_support import openid

pytest_plugins = ["tests.wechat_fixtures"]


@pytest.fixture
def user(wechat_app) -> str:
    """A WeChat user who wrote to the bot just now (the window is open)."""
    who = openid()
    wechat_app.dialog.handle(UserKey("wechat", who), Inbound(text="こんにちは"), message_key=f"{who}:1")
    return who


def row(engine, delivery_id: int):
    with engine.connect() as conn:
        return conn.execute(select(Delivery).where(Delivery.id == delivery_id)).one()


def test_within_the_window_a_customer_service_message_is_sent(wechat_app, wechat_api, user, engine):
    outcome = send_to_user(wechat_app, user, ["採択されました。"], kind="notice")
    assert (outcome.status, outcome.via, outcome.error) == ("sent", "cs", None)
    assert wechat_api.texts_to(user) == ["採択されました。"]
    stored = row(engine, outcome.delivery_id)
    assert (stored.outcome, stored.attempts, stored.kind, stored.channel) == ("sent", 1, "notice", "wechat")
    assert stored.sent_at is not None


def test_outside_the_window_a_template_goes_or_the_message_waits(wechat_app, wechat_api, user, clock, engine):
    clock.advance(hours=49)
    waiting = send_to_user(wechat_app, user, ["締切まであと3日です。"], kind="reminder")
    assert (waiting.status, waiting.via) == ("waiting", None)
    assert "48-hour window" in waiting.error
    template = Template({"first": "応募締切のお知らせ" * 5, "keyword1": "JM25-0042"}, template_id="TPL-1")
    sent = send_to_user(wechat_app, user, ["締切まであと3日です。"], kind="reminder", template=template)
    assert (sent.status, sent.via) == ("sent", "template")
    call = wechat_api.calls("message/template/send")[-1]
    assert call["template_id"] == "TPL-1" and call["touser"] == user
    assert call["data"]["first"]["value"] == ("応募締切のお知らせ" * 5)[:20]
    assert wechat_api.texts_to(user) == []


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        (45015, "waiting", "45015 out of the 48-hour window"),
        (45047, "waiting", "45047 customer-service message limit reached"),
        (43004, "unsubscribed", "43004 the user has unsubscribed"),
        (40013, "failed", "40013 invalid appid"),
    ],
)
def test_each_error_code_is_recorded_with_a_clear_outcome(
    wechat_app, wechat_api, user, engine, code, status, error
):
    wechat_api.fail("message/custom/send", code)
    outcome = send_to_user(wechat_app, user, ["お知らせ"], kind="notice")
    assert (outcome.status, outcome.error) == (status, error)
    stored = row(engine, outcome.delivery_id)
    assert (stored.outcome, stored.error, stored.attempts) == (status, error, 1)
    with engine.connect() as conn:
        subscribed = conn.execute(select(User.subscribed).where(User.channel_user_id == user)).scalar_one()
    assert subscribed is (code != 43004)
    again = send_to_user(wechat_app, user, ["次のお知らせ"], kind="notice")
    assert again.status == ("unsubscribed" if code == 43004 else "sent")  # no call for an unsubscribed user


def test_45015_falls_back_to_the_template_when_one_is_given(wechat_app, wechat_api, user):
    wechat_api.fail("message/custom/send", 45015)
    outcome = send_to_user(wechat_app, user, ["x"], kind="notice", template=Template({"k": "v"}, "TPL-2"))
    assert (outcome.status, outcome.via) == ("sent", "template")


def test_an_invalid_token_is_refreshed_once_and_the_call_tried_once_more(
    wechat_app, wechat_api, user, engine
):
    assert send_to_user(wechat_app, user, ["one"], kind="notice").status == "sent"
    assert wechat_api.token_fetches == 1
    wechat_api.invalidate_token()  # e.g. someone fetched a token by hand in the admin console
    outcome = send_to_user(wechat_app, user, ["two"], kind="notice")
    assert (outcome.status, row(engine, outcome.delivery_id).attempts) == ("sent", 2)
    assert wechat_api.token_fetches == 2
    wechat_api.fail("message/custom/send", 40001, times=5)
    outcome = send_to_user(wechat_app, user, ["three"], kind="notice")
    assert (outcome.status, outcome.error) == ("failed", "40001 invalid access_token (after one refresh)")
    assert row(engine, outcome.delivery_id).attempts == 2  # bounded: never a loop
    assert wechat_api.token_fetches == 3
    assert wechat_api.texts_to(user) == ["one", "two"]


def test_a_dedup_key_sends_once_however_often_it_is_asked(wechat_app, wechat_api, user):
    first = send_to_user(wechat_app, user, ["採択"], kind="notice", dedup_key="notice:JM25-0001:accepted")
    second = send_to_user(wechat_app, user, ["採択"], kind="notice", dedup_key="notice:JM25-0001:accepted")
    assert (first.duplicate, second.duplicate, second.delivery_id, second.status) == (
        False,
        True,
        first.delivery_id,
        "sent",
    )
    assert wechat_api.texts_to(user) == ["採択"]


def test_waiting_messages_go_out_when_the_user_writes_again(wechat_app, wechat_api, user, clock, engine):
    from bot.outbound import deliver_now

    wechat_api.fail("message/custom/send", 45047)
    waiting = send_to_user(wechat_app, user, ["サンプル発送のお願い"], kind="reminder")
    assert waiting.status == "waiting"
    out = WeChatOutbound(wechat_app)
    assert out.send_open() == 0  # the user has not written since
    clock.advance(minutes=10)
    wechat_app.dialog.handle(UserKey("wechat", user), Inbound(text="4"), message_key=f"{user}:2")
    assert out.send_open() == 1  # queued again for the sender
    assert deliver_now(wechat_app, [waiting.delivery_id]) == {waiting.delivery_id: "sent"}
    assert out.send_open() == 0
    assert wechat_api.texts_to(user) == ["サンプル発送のお願い"]


def test_a_send_left_half_done_by_a_dead_sender_is_finished_by_the_next(
    wechat_app, wechat_api, user, clock, engine
):
    from bot.outbound import deliver_now
    from storage import deliveries

    with engine.begin() as conn:
        found = conn.execute(select(User.id).where(User.channel_user_id == user)).scalar_one()
        left, _ = deliveries.enqueue(
            conn, user_id=found, kind="reply_cs", messages=[], now=clock(), dedup_key="wechat:reply:dead"
        )
        deliveries.set_payload(conn, left.id, {"parts": ["a", "b"], "sent_parts": 1})
        # a sender that died holding it: claimed by it, its lease on the channel run out
        assert deliveries.claim(conn, "wechat", "dead-sender", clock(), 10)[0].row.id == left.id
    assert deliver_now(wechat_app, [left.id]) == {left.id: "sent"}  # the next sender takes it back
    assert wechat_api.texts_to(user) == ["b"]  # the part already sent is not sent again
    assert row(engine, left.id).attempts == 1


def test_one_token_is_shared_and_refreshed_by_one_holder(wechat_app, wechat_api, user, clock, engine):
    processes = [WeChatOutbound(wechat_app) for _ in range(8)]  # as if eight processes
    barrier = threading.Barrier(len(processes))
    outcomes = []

    def send(out: WeChatOutbound) -> None:
        barrier.wait()
        outcomes.append(out.send_to_user(user, ["hello"], kind="notice").status)

    threads = [threading.Thread(target=send, args=(out,)) for out in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["sent"] * 8
    assert wechat_api.token_fetches == 1
    with engine.connect() as conn:
        entry = kv.get(conn, TOKEN_KEY)
    assert entry.value == {"value": wechat_api.token}
    clock.advance(hours=1, minutes=56)  # within five minutes of the token's end: renewed first
    assert processes[0].send_to_user(user, ["later"], kind="notice").status == "sent"
    assert wechat_api.token_fetches == 2


def test_timeouts_and_unknown_users_fail_cleanly(wechat_app, wechat_api, user):
    wechat_api.delay = 0.5
    slow = WeChatOutbound(wechat_app, timeout=0.2)
    outcome = slow.send_to_user(user, ["x"], kind="notice")
    # transient: queued to be tried again after the backoff
    assert (outcome.status, outcome.error) == ("queued", "network: token request failed: ReadTimeout")
    wechat_api.delay = 0
    assert send_to_user(wechat_app, "o-nobody", ["x"], kind="notice").status == "failed"
    misconfigured = WeChatOutbound(wechat_app.__class__(**{**wechat_app.__dict__}))
    misconfigured.app.settings = wechat_app.settings.model_copy(update={"wechat_app_secret": "wrong"})
    outcome = misconfigured.send_to_user(user, ["x"], kind="notice")
    assert (outcome.status, outcome.error) == ("failed", "40013 invalid appid")


def test_japanmall_wechat_menu_publishes_both_menus(wechat_app, wechat_api, monkeypatch, tmp_path):
    settings = wechat_app.settings
    for name, value in {
        "JAPANMALL_DATABASE_URL": settings.database_url,
        "JAPANMALL_WECHAT_TOKEN": "t",
        "JAPANMALL_WECHAT_APP_ID": settings.wechat_app_id,
        "JAPANMALL_WECHAT_APP_SECRET": APP_SECRET,
        "JAPANMALL_WECHAT_API_URL": wechat_api.url,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    dry = CliRunner().invoke(main, ["wechat", "menu", "--dry-run"])
    assert dry.exit_code == 0 and '"matchrule"' in dry.output and wechat_api.calls("menu/create") == []
    result = CliRunner().invoke(main, ["wechat", "menu"])
    assert result.exit_code == 0, result.output
    assert "Menu published" in result.output
    default = wechat_api.calls("menu/create")[0]
    japanese = wechat_api.calls("menu/addconditional")[0]
    assert [b["name"] for b in default["button"]] == ["报名", "咨询", "语言/言語"]
    assert japanese["matchrule"] == {"language": "ja"}
    assert [s["key"] for s in japanese["button"][0]["sub_button"]] == ["check", "apply", "form", "status"]
    wechat_api.fail("menu/create", 40013)
    refused = CliRunner().invoke(main, ["wechat", "menu"])
    assert refused.exit_code == 1 and "WeChat refused the menu: 40013" in refused.output
