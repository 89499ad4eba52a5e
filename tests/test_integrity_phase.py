"""Issue 14, item 6: the programme's phase (before intake, open, closed by the deadline, by staff
or when full, during the promotion, after it) in the greeting, the FAQ's deadline answers and
/apply; `japanmall staff intake close|open`. Japanese and Chinese."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from bot.wiring import build_app
from conversations import phase
from tests.application_kit import at_confirm, seed
from tests.transcript import CoreChat, play


@pytest.fixture
def staff(app, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)
    monkeypatch.setenv("JAPANMALL_PROGRAMME", "japan-mall-2025")

    def invoke(*args: str):
        from bot.cli import main

        return CliRunner().invoke(main, ["staff", *args], catch_exceptions=False)

    return invoke


def test_the_phase_follows_the_dates_the_switch_and_the_places(app, clock):
    def now() -> phase.Phase:
        with app.engine.connect() as conn:
            return phase.phase_at(conn, app.programme, clock())

    assert now() == phase.Phase(phase.OPEN)
    clock.set(datetime(2025, 5, 1, tzinfo=UTC))
    assert now() == phase.Phase(phase.BEFORE)
    clock.set(datetime(2026, 2, 2, tzinfo=UTC))
    assert now() == phase.Phase(phase.PROMOTION, phase.DEADLINE)
    clock.set(datetime(2026, 3, 2, tzinfo=UTC))
    assert now() == phase.Phase(phase.AFTER, phase.DEADLINE)


def test_before_intake_the_greeting_and_the_faq_say_when_it_opens_ja(app, clock):
    clock.set(datetime(2025, 5, 1, tzinfo=UTC))
    seed(app)
    play(
        CoreChat(app),
        """
        > /start
        < 応募の受付は 2025年6月1日（日） に始まります（締切は 2026年1月30日（金））
        <! お早めに
        > 締切はいつですか
        < 応募の受付は 2025年6月1日（日） に始まり、締切は 2026年1月30日（金） です
        > /apply
        < 応募の受付は 2025年6月1日（日） 00:00（日本時間、UTC+09:00）に始まります
    """,
    )


def test_while_intake_is_open_the_greeting_gives_the_deadline_zh(app):
    seed(app, lang="zh")
    play(
        CoreChat(app),
        """
        > /start
        < 报名截止日期为 2026年1月30日（周五）（如名额 150 家企业已满，可能提前截止）
        > 几号截止？
        < 请尽早报名
    """,
    )


def test_after_the_deadline_during_the_promotion_nobody_is_told_to_hurry_ja(app, clock):
    clock.set(datetime(2026, 2, 2, tzinfo=UTC))
    seed(app)
    play(
        CoreChat(app),
        """
        > /start
        < 応募の受付は 2026年1月30日（金） に締め切りました。
        < 現在はプロモーションの期間中です（2026年2月27日（金） まで）
        <! 応募締切は 2026年1月30日（金） です
        <! 早めに締め切ることがあります
        > 締切はいつですか
        < 新しい応募はお受けできません
        <! お早めにお申し込みください
        > /apply
        < 応募の締切（2026年1月30日（金） 23:59、日本時間、UTC+09:00）を過ぎたため
    """,
    )


def test_after_the_promotion_the_greeting_says_it_ended_zh(app, clock):
    clock.set(datetime(2026, 3, 2, tzinfo=UTC))
    seed(app, lang="zh")
    play(
        CoreChat(app),
        """
        > /start
        < 本次推广已于 2026年2月27日（周五） 结束
        <! 请尽早报名
        > 截止日期是哪天
        < 本次报名受理和推广均已结束
        <! 请尽早报名
    """,
    )


def test_staff_close_and_reopen_intake_from_the_command_line_ja_zh(app, staff):
    seed(app, user="ja")
    seed(app, user="zh", lang="zh")
    result = staff("intake", "close")
    assert result.exit_code == 0 and "intake closed by staff" in result.output
    play(
        CoreChat(app, user="ja"),
        """
        > /start
        < 応募の受付は締め切りました。現在はプロモーションの期間中です
        > /apply
        < 応募の受付はジェトロにより締め切られました
    """,
    )
    play(CoreChat(app, user="zh"), "> /start\n< 报名受理已结束\n> 截止日期是什么时候\n< 无法受理新的报名")
    assert "not closed by staff" in staff("intake", "open").output
    play(CoreChat(app, user="ja"), "> /start\n< 応募締切は 2026年1月30日（金） です")
    assert "not closed by staff" in staff("intake", "status").output


def test_when_the_places_are_taken_the_greeting_says_so_ja(settings, engine, clock):
    full = build_app(settings, clock=clock, engine=engine, migrate=False)
    app = build_app(
        settings,
        clock=clock,
        engine=engine,
        migrate=False,
        programme=full.programme.model_copy(update={"capacity": 1}),
    )
    at_confirm(app, "u1", 1)
    play(CoreChat(app, user="u1"), "> 提出する\n< JM25-0001")
    seed(app, user="u2")
    play(CoreChat(app, user="u2"), "> /start\n< 定員に達したため、応募の受付は終了しました")
