"""Reminders (issue 8): each rule fires at its moment and once, missed ones go out late but once,
never after the thing was done; quiet hours in the company's zone. Clock injected, never slept."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot import reminders
from storage.models import Delivery
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_chat import point_at
from tests.reminder_support import add_application, add_user, move, reminder_rows

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
ACCEPTED = ("submitted", "under_review", "accepted")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def run(app, when: str, dry_run: bool = False) -> list[tuple[int, str, int, str]]:
    app.services.clock.set(at(when))
    report = asyncio.run(reminders.run(app, dry_run=dry_run))
    return sorted((r["application_id"], r["rule"], r["offset"], r["outcome"]) for r in report)


def held_text(app, key: str) -> str:
    with app.engine.connect() as conn:
        payload = conn.execute(select(Delivery.payload).where(Delivery.dedup_key == key)).scalar_one()
    return payload["messages"][0]["text"]


def test_deadline_reminders_fire_7_3_1_days_before_and_once(app):
    draft = add_application(app, add_user(app))
    done = add_application(app, add_user(app), ("submitted",))
    assert run(app, "2026-01-23T14:00") == []  # 23:00 Tokyo on day -7: the moment has not come
    # The -7 moment is 23:59:59 Tokyo, in the quiet hours: it goes out at 09:00 the next morning.
    assert run(app, "2026-01-23T15:30") == [(draft, "deadline", -7, "held")]
    assert reminder_rows(app) == []  # quiet: nothing claimed yet
    assert run(app, "2026-01-24T00:00") == [(draft, "deadline", -7, "held")]  # console: held for the chat
    assert reminder_rows(app) == [(f"reminder:{draft}:deadline:-7", "held")]
    text = held_text(app, f"reminder:{draft}:deadline:-7")
    assert "2026年1月30日" in text and "/apply" in text and "あと 7 日" in text
    assert run(app, "2026-01-24T00:01") == []  # once
    assert run(app, "2026-01-28T00:00") == [(draft, "deadline", -3, "held")]
    assert run(app, "2026-01-30T00:00") == [(draft, "deadline", -1, "held")]
    assert run(app, "2026-01-31T00:00") == []  # the deadline has passed
    assert all(f":{done}:" not in key for key, _ in reminder_rows(app))  # submitted: never reminded


def test_missed_deadline_reminders_go_out_once_the_latest_only(app):
    draft = add_application(app, add_user(app))
    # The server was down from day -10 to day -2: on start only the -3 reminder, not -7.
    assert run(app, "2026-01-29T00:00") == [(draft, "deadline", -3, "held")]
    assert run(app, "2026-01-29T00:05") == []
    assert [key for key, _ in reminder_rows(app)] == [f"reminder:{draft}:deadline:-3"]


def test_samples_reminders_before_and_after_the_due_date_until_shipped(app):
    app.services.clock.set(at("2026-01-10T00:00"))  # accepted at 09:00 Tokyo: due 14 days later
    first = add_application(app, add_user(app), ACCEPTED)
    late = add_application(app, add_user(app), ACCEPTED)
    shipped = add_application(app, add_user(app), (*ACCEPTED, "samples_shipped"))
    given = add_application(
        app, add_user(app), ACCEPTED, meta={"samples_due_at": "2026-03-01T09:00:00+09:00"}
    )
    # `late` is only looked at from the 29th (as if the server had been down): +4 only.
    assert run(app, "2026-01-20T23:59") == []
    assert run(app, "2026-01-21T00:00") == [(first, "samples", -3, "held"), (late, "samples", -3, "held")]
    assert "/shipment" in held_text(app, f"reminder:{first}:samples:-3")
    assert run(app, "2026-01-22T00:00") == []
    assert run(app, "2026-01-25T01:00") == [(first, "samples", 1, "held"), (late, "samples", 1, "held")]
    move(app, late, "accepted", "samples_shipped")  # reported: nothing more for it
    assert run(app, "2026-01-29T01:00") == [(first, "samples", 4, "held")]
    assert run(app, "2026-02-10T01:00") == []
    text = held_text(app, f"reminder:{first}:samples:4")
    assert "/shipment" in text and "/withdraw" in text and "2026年1月24日" in text
    # Staff set another due date in meta: the rule follows it.
    assert run(app, "2026-02-26T00:00") == [(given, "samples", -3, "held")]
    assert all(f":{shipped}:" not in key for key, _ in reminder_rows(app))


def test_sales_data_reminders_go_through_telegram_in_the_company_language(app):
    with FakeTelegram() as fake:
        point_at(app, fake, "polling")
        user = add_user(app, "telegram", "zh", channel_user_id="7001", timezone="Asia/Tokyo")
        path = (*ACCEPTED, "samples_shipped", "samples_received", "promotion_live", "promotion_ended")
        ended = add_application(app, user, path)
        # promotion_end 27 Feb + 14 days = 13 Mar 23:59:59 Tokyo; -3 → 10 Mar 23:59:59 (quiet).
        assert run(app, "2026-03-10T14:59") == []
        assert run(app, "2026-03-10T15:00") == [(ended, "sales_data", -3, "held")]  # quiet in Tokyo
        assert fake.calls_of("sendMessage", chat_id=7001) == []
        assert run(app, "2026-03-11T00:00") == [(ended, "sales_data", -3, "sent")]
        texts = [call.params["text"] for call in fake.calls_of("sendMessage", chat_id=7001)]
        assert len(texts) == 1 and "/salesdata" in texts[0] and "销售数据" in texts[0]
        move(app, ended, "promotion_ended", "data_submitted")
        assert run(app, "2026-03-20T01:00") == []
    assert reminder_rows(app) == [(f"reminder:{ended}:sales_data:-3", "sent")]


def test_quiet_hours_follow_the_company_zone(app):
    app.services.clock.set(at("2026-01-10T00:00"))
    tokyo = add_application(app, add_user(app, "console", "ja"), ACCEPTED)
    shanghai = add_application(app, add_user(app, "console", "zh"), ACCEPTED)  # zh → Asia/Shanghai
    wechat = add_user(app, "wechat", "ja")  # WeChat → Asia/Shanghai even in Japanese
    on_wechat = add_application(app, wechat, ACCEPTED)
    # 09:00 Tokyo is 08:00 in Shanghai: Tokyo goes, Shanghai waits for its own morning.
    report = run(app, "2026-01-21T00:00")
    assert (tokyo, "samples", -3, "held") in report
    assert reminder_rows(app) == [(f"reminder:{tokyo}:samples:-3", "held")]
    assert {(aid, outcome) for aid, _, _, outcome in report} >= {(shanghai, "held"), (on_wechat, "held")}
    assert reminders.zone_of("wechat", "ja", None) == "Asia/Shanghai"
    assert reminders.zone_of("telegram", "ja", "Asia/Shanghai") == "Asia/Shanghai"
    assert run(app, "2026-01-21T01:00", dry_run=True) == [
        (shanghai, "samples", -3, "due"),
        (on_wechat, "samples", -3, "due"),
    ]
    assert run(app, "2026-01-21T01:00")[0] == (shanghai, "samples", -3, "held")
    assert (f"reminder:{shanghai}:samples:-3", "held") in reminder_rows(app)


def test_two_schedulers_on_one_database_send_each_reminder_once(app):
    """Two runners (each with its own sender, as two server processes have) at once: the channel's
    lease lets one of them send; each reports the rows it wrote."""
    import threading

    with FakeTelegram() as fake:
        point_at(app, fake, "polling")
        chats = [8000 + n for n in range(12)]
        drafts = [
            add_application(app, add_user(app, "telegram", "ja", channel_user_id=str(c))) for c in chats
        ]
        app.services.clock.set(at("2026-01-24T01:00"))
        reports: list[list[dict]] = []
        barrier = threading.Barrier(2)

        def runner() -> None:
            barrier.wait()
            reports.append(asyncio.run(reminders.run(app)))  # each with a sender of its own

        threads = [threading.Thread(target=runner) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        sent = sorted(r["application_id"] for report in reports for r in report if r["outcome"] == "sent")
        assert sent == sorted(drafts)  # each reported sent by exactly one of the two
        for chat in chats:
            assert len(fake.calls_of("sendMessage", chat_id=chat)) == 1
    assert sorted(key for key, outcome in reminder_rows(app) if outcome == "sent") == sorted(
        f"reminder:{aid}:deadline:-7" for aid in drafts
    )


def test_the_scheduler_memo_skips_settled_drafts_but_never_a_new_one(app):
    first = add_application(app, add_user(app))
    memo: dict[str, int] = {}
    app.services.clock.set(at("2026-01-24T01:00"))
    assert [r["application_id"] for r in asyncio.run(reminders.run(app, memo=memo))] == [first]
    assert asyncio.run(reminders.run(app, memo=memo)) == []
    assert memo == {"japan-mall-2025:deadline:-7": first}  # created long ago: settled
    later = add_application(app, add_user(app))  # a draft started now, above the mark
    assert [r["application_id"] for r in asyncio.run(reminders.run(app, memo=memo))] == [later]
    assert asyncio.run(reminders.run(app, memo=memo)) == []
    assert memo == {"japan-mall-2025:deadline:-7": first}  # `later` is too new to count as settled
