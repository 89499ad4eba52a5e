"""Intake rules (deadline with its time zone, staff closing intake, capacity, one application per
company), resuming a draft in a new process, and the hand-over contract with the eligibility flow."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

from bot.wiring import build_app
from conversations import Context, Inbound
from storage.intake import set_intake_closed
from tests.application_kit import PROFILE, VERDICT, application_of, at_confirm, prechecked, seed
from tests.transcript import CoreChat, play

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_a_submission_after_the_deadline_is_refused(app, clock):
    user_id = at_confirm(app, "u1", 1)
    clock.set(datetime(2026, 1, 30, 15, 0, 1, tzinfo=UTC))  # 2026-01-31 00:00:01 in Tokyo
    play(
        CoreChat(app),
        """
        > 提出する
        < 応募の締切（2026年1月30日（金） 23:59、日本時間、UTC+09:00）を過ぎたため、応募をお受けできません
        < ご用件をお選びください
        <! 受付番号は
    """,
    )
    row = application_of(app, user_id)
    assert (row.status, row.reference, row.submitted_at) == ("draft", None, None)


def test_a_submission_in_the_last_minute_is_taken(app, clock):
    user_id = at_confirm(app, "u1", 1)
    clock.set(datetime(2026, 1, 30, 14, 59, 30, tzinfo=UTC))  # 23:59:30 in Tokyo
    play(CoreChat(app), "> 提出する\n< 受付番号は JM25-0001 です")
    assert application_of(app, user_id).status == "submitted"


def test_starting_after_the_deadline_or_before_intake_opens_is_refused(app, clock):
    seed(app, lang="zh")
    clock.set(datetime(2026, 2, 2, tzinfo=UTC))
    play(
        CoreChat(app),
        """
        > /apply
        < 抱歉，报名已于 2026年1月30日（周五） 23:59（日本时间，UTC+09:00）截止
        < 请选择您要办理的事项
    """,
    )
    clock.set(datetime(2025, 5, 1, tzinfo=UTC))
    play(CoreChat(app), "> /apply\n< 报名将于 2025年6月1日（周日） 00:00（日本时间，UTC+09:00）开始受理")


def test_intake_closed_by_staff_refuses_starting_and_submitting(app):
    at_confirm(app, "u1", 1)
    prechecked(app, user="u2")
    now = app.services.clock()
    with app.engine.begin() as conn:
        set_intake_closed(conn, app.programme.id, True, by="telegram:1", now=now)
    play(CoreChat(app, user="u2"), "> /apply\n< 応募の受付はジェトロにより締め切られました")
    play(CoreChat(app, user="u1"), "> 提出する\n< 応募の受付はジェトロにより締め切られました\n<! 受付番号は")
    with app.engine.begin() as conn:
        set_intake_closed(conn, app.programme.id, False, by="telegram:1", now=now)
    play(CoreChat(app, user="u2"), "> /apply\n< 会社名（日本語の正式名称）")


def test_capacity_reached_refuses_the_next_company(settings, engine, clock):
    full = build_app(settings, clock=clock, engine=engine, migrate=False)
    small = full.programme.model_copy(update={"capacity": 2})
    app = build_app(settings, clock=clock, engine=engine, migrate=False, programme=small)
    for n in (1, 2, 3):
        at_confirm(app, f"u{n}", n)
    play(CoreChat(app, user="u1"), "> 提出する\n< JM25-0001")
    play(CoreChat(app, user="u2"), "> 提出する\n< JM25-0002")
    play(
        CoreChat(app, user="u3"),
        "> 提出する\n< 定員（2 社）に達したため、応募の受付を終了しました\n<! JM25-0003",
    )
    prechecked(app, user="u4")
    play(CoreChat(app, user="u4"), "> /apply\n< 定員（2 社）に達したため")


def test_a_second_application_by_the_same_company_is_told_the_state_of_the_first(app):
    """Its own account hears the state; another account only that the company applied (issue 14)."""
    first = at_confirm(app, "u1", 7)
    at_confirm(app, "u2", 7)  # a colleague filled a draft with the same corporate number
    play(CoreChat(app, user="u1"), "> 提出する\n< 受付番号は JM25-0001 です")
    play(
        CoreChat(app, user="u2"),
        """
        > 提出する
        < この法人番号の会社からは、すでに応募をいただいています
        <! JM25-0001
        <! 提出済み
        <! JM25-0002
    """,
    )
    prechecked(app, user="u3", lang="zh")
    play(
        CoreChat(app, user="u3"),
        f"""
        > /apply
        > 樱花食品株式会社
        > 跳过
        > {application_of(app, first).corporate_number}
        < 该法人编号的企业已经提交过报名
        <! JM25-0001
        <! 已提交
        < 请选择您要办理的事项
    """,
    )
    play(
        CoreChat(app, user="u1"),
        """
        > /apply
        < すでにご応募いただいています（受付番号 JM25-0001、状況：提出済み
        < ご用件をお選びください
    """,
    )


def test_a_draft_resumes_on_a_later_day_in_a_fresh_app(app, settings, clock):
    prechecked(app)
    play(CoreChat(app), "> /apply\n> 株式会社さくら食品\n> Sakura Foods\n< 法人番号")
    clock.advance(days=5)
    later = build_app(settings, clock=clock, migrate=False)  # its own engine, as a new process has
    try:
        play(
            CoreChat(later),
            """
            > /apply
            < おかえりなさい。保存されている入力内容の続きから再開します
            < 法人番号（13桁）を入力してください
            > 7000012050002
            < 本社の所在地
        """,
        )
    finally:
        later.engine.dispose()


def test_a_draft_resumes_in_japanmall_chat_run_as_a_new_process(app, settings, tmp_path):
    user_id = prechecked(app, user="console-user")
    play(CoreChat(app, user="console-user"), "> /apply\n> 株式会社さくら食品\n> スキップ\n< 法人番号")
    env = {
        **os.environ,
        "JAPANMALL_DATABASE_URL": settings.database_url,
        "JAPANMALL_PROGRAMME": "japan-mall-2025",
        "JAPANMALL_FILES_DIR": str(tmp_path / "files"),
        "PYTHONPATH": ROOT,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "console-user"],
        input="7000012050002\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "おかえりなさい。前回の続きからご案内します" in result.stdout
    assert "法人番号（13桁）を入力してください" in result.stdout
    assert "本社の所在地を入力してください" in result.stdout
    assert application_of(app, user_id).data["corporate_number"] == "7000012050002"


class FakeEligibility:
    """Stands in for the eligibility flow of issue 3 and keeps its side of the contract only."""

    name = "eligibility"

    def __init__(self, profile: dict, verdict: dict) -> None:
        self.profile, self.verdict = profile, verdict

    def enter(self, ctx: Context, step: str | None = None, *, remember: bool = True) -> None:
        ctx.move(self.name, "check", remember=remember)
        self.ask(ctx)

    def ask(self, ctx: Context) -> None:
        ctx.say_text("PRE-CHECK QUESTION")

    def handle(self, ctx: Context, inbound: Inbound) -> None:
        ctx.answers.update(self.profile)
        ctx.answers["eligibility_verdict"] = self.verdict
        if ctx.state.context.pop("then", None) == "application" and self.verdict["eligible"] is not False:
            ctx.go("application")
        else:
            ctx.say_text("PRE-CHECK DONE")
            ctx.go("menu", remember=False)


def test_apply_runs_the_pre_check_first_then_continues_without_asking_twice(app):
    app.registry.replace_flow(FakeEligibility(PROFILE, VERDICT))
    seed(app)
    play(
        CoreChat(app),
        """
        > /apply
        < 応募の前に、まず応募資格を確認します
        < PRE-CHECK QUESTION
        > done
        < 応募の入力を始めます
        < 会社名（日本語の正式名称）を入力してください
        <! 応募される会社の種別
    """,
    )


def test_a_failed_pre_check_is_explained_with_its_rule_ids(app):
    """The stored verdict (E3 and E4) is not trusted: the answers are judged again (only E4 fails,
    the company has a store), and the pre-check opens to change that answer."""
    verdict = {**VERDICT, "eligible": False, "failed": ["E3", "E4"], "company_size": None, "priority": None}
    app.registry.replace_flow(FakeEligibility({**PROFILE, "cross_border_direct": True}, verdict))
    seed(app, lang="zh")
    play(
        CoreChat(app),
        """
        > /apply
        < PRE-CHECK QUESTION
        > done
        < PRE-CHECK DONE
        > /apply
        < 根据预审结果，您目前不满足以下报名条件
        < ・E4：该商品不是通过直邮型跨境电商销售的商品
        <! ・E3
        < 最终由日本贸易振兴机构（JETRO）决定（E14）
        < PRE-CHECK QUESTION
        <! 请输入公司名称
    """,
    )
