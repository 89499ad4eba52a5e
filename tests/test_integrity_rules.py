"""Issue 14, items 2-5: the form asks the eligibility engine (tracks offered, fields required), the
whole check before submission with the verdict recomputed and stored, a verdict that never
contradicts itself, and a failed pre-check whose one answer can be changed. Japanese and Chinese."""

from __future__ import annotations

from typing import Any

from conversations.application.check import whole_check
from conversations.application.fields import offered_tracks
from conversations.eligibility.rules import allowed_tracks, failing_keys, judged
from tests.application_kit import FIELDS, PROFILE, VERDICT, application_of, at_confirm, corporate_number, seed
from tests.transcript import CoreChat, play

# The company: no store on RED/Douyin/微信小店, no track chosen, everything else met.
NO_STORE: dict[str, Any] = {
    **{k: v for k, v in PROFILE.items() if k != "track"},
    "ec_platforms": [],
    "distributed_in_china": True,
}


def test_the_engine_judges_each_answer_and_the_tracks(app):
    programme = app.programme
    assert allowed_tracks(NO_STORE, programme) == ["group_buying"]
    kol = {**NO_STORE, "track": "kol_affiliate"}
    assert failing_keys(kol, programme) == {"ec_platforms": "E3"}
    assert judged("ec_platforms", kol, programme) is False
    assert judged("track", kol, programme) is False
    assert judged("ec_platforms", {**kol, "ec_platforms": ["red"]}, programme) is True
    assert failing_keys({**NO_STORE, "japanese_brand": False}, programme) == {"japanese_brand": "E2"}
    assert judged("company_name_ja", {}, programme) is None


def test_a_track_the_pre_check_ruled_out_is_not_offered_and_a_failing_answer_is_not_taken_ja(app):
    seed(app, answers={**NO_STORE, "eligibility_verdict": VERDICT})
    play(
        CoreChat(app),
        """
        > /apply
        < 会社名（日本語の正式名称）
        > 株式会社さくら食品
        > スキップ
        > 7000012050002
        > 東京都千代田区丸の内1-1-1
        > スキップ
        < 【個人情報の取り扱いについて】
        > はい
        > 山田花子
        > 部長
        > hanako@sakura-foods.example.jp
        > 03-1234-5678
        > スキップ
        > はい
        > 製造業その他
        > 3億円
        > 120人
        > いいえ
        > さくら緑茶
        > スキップ
        > さくら
        > 食品・酒類
        > スキップ
        > 88
        > 登録済み
        > スキップ
        < 参加するコースをお選びください
        < 1. 共同購入アプリ（快团团）
        <! KOL・KOCアフィリエイト
        > KOL・KOCアフィリエイトでお願いします
        < 選択肢の中からお選びください
        <! EC 店舗のプラットフォーム
    """,
    )


def test_a_draft_on_a_ruled_out_track_is_listed_by_the_whole_check_and_fixed_in_one_tap_zh(app):
    """A draft holding the ruled-out track (the issue's KOL/KOC with no store): the check lists the
    track and the platforms, each one tap away; nothing is submitted."""
    answers = {**NO_STORE, **FIELDS, "track": "kol_affiliate", "corporate_number": corporate_number(3)}
    assert {item.field for item in whole_check(answers, app.programme).items} == {"track", "ec_platforms"}
    user_id = at_confirm(app, "u1", 3, **{**NO_STORE, "track": "kol_affiliate"})
    seed(app, user="u1", lang="zh", flow="application", step="confirm")
    chat = CoreChat(app)
    play(
        chat,
        """
        > 提交
        < 提交之前，我们再次检查了全部报名内容
        < 参加项目：该回答不符合报名条件
        < 电商店铺所在平台：该回答不符合报名条件
        <! 受理编号
    """,
    )
    assert application_of(app, user_id).status == "draft"
    play(
        chat,
        """
        > 参加项目
        < 1. 团购小程序（快团团）
        <! 1. KOL
        > 团购
        < 请介绍该商品在中国的流通渠道
    """,
    )


def test_submission_re_judges_the_draft_and_stores_the_recomputed_verdict_ja(app):
    """The pre-check left P2 unknown (priority null); the form answered it: staff see priority."""
    stale = {**VERDICT, "priority": None}
    user_id = at_confirm(app, "u1", 5, eligibility_verdict=stale)
    play(CoreChat(app), "> 提出する\n< 受付番号は JM25-0001 です")
    row = application_of(app, user_id)
    verdict = row.meta["eligibility_verdict"]
    assert (verdict["eligible"], verdict["priority"], verdict["company_size"]) == (True, True, "sme")
    assert verdict["warnings"] == ["A2", "A3"] and row.meta["consent"]["version"] == "2025-1"


def test_a_draft_changed_after_the_pre_check_is_judged_again_not_trusted_ja(app):
    """The pre-check passed, then the draft's answer to E4 changed: the confirm does not submit."""
    user_id = at_confirm(app, "u1", 6, cross_border_direct=True)
    play(
        CoreChat(app),
        """
        > 提出する
        < 提出の前に、応募内容全体をもう一度確認しました
        < ・直送型の越境 EC か：このご回答では応募の条件を満たしません（直送型の越境 EC で販売する
        < 2. 直送型の越境 EC か
        <! 受付番号
        > 直送型の越境 EC か
        < 直送型の越境 EC
        > いいえ
        < 入力内容をご確認ください
    """,
    )
    assert application_of(app, user_id).status == "draft"


def test_the_verdict_never_says_all_met_beside_a_cross_ja(app):
    seed(app, answers=NO_STORE)
    play(
        CoreChat(app),
        """
        > /check
        > 以前の回答を使います
        > まだ決めていない
        < 【事前確認の結果】ご回答の範囲では、応募条件をすべて満たしています。
        < ○ E5
        <! × E3
        <! ？ E4
        <! ？
        < 「KOL・KOCアフィリエイト」は
        < おすすめは「共同購入アプリ（快团团）」
    """,
    )


def test_the_verdict_never_says_all_met_beside_a_cross_zh(app):
    seed(app, lang="zh", answers=NO_STORE)
    play(
        CoreChat(app),
        """
        > /check
        > 1
        > 还没决定
        < 【预审结果】根据您的回答，已满足全部报名条件。
        <! ✗
        <! × E3
        <! ？ E4
    """,
    )


def test_after_a_failed_pre_check_one_answer_is_changed_and_the_verdict_follows_ja(app):
    seed(app, answers={**PROFILE, "cross_border_direct": True})
    play(
        CoreChat(app),
        """
        > /check
        < 前回の確認では、応募の条件を満たさない回答がありました
        < 1. 「直送型の越境ECでの販売」を変更する
        < 2. 「応募するコース」を変更する
        < 3. 最初から答え直す
        <! 次の応募条件を満たしていないため
        > 直送型の越境ECでの販売
        < 直送型の越境EC
        > いいえ、直送ではありません
        < 【事前確認の結果】ご回答の範囲では、応募条件をすべて満たしています。
    """,
    )


def test_after_a_failed_pre_check_one_answer_is_changed_and_the_verdict_follows_zh(app):
    seed(app, lang="zh", answers={**PROFILE, "accepts_jetro_decision": False})
    play(
        CoreChat(app),
        """
        > /check
        < 上次确认时，有回答不符合报名条件
        < 修改“同意由JETRO最终决定”
        > 1
        < 同意由 JETRO 最终决定
        > 同意
        < 【预审结果】根据您的回答，已满足全部报名条件。
    """,
    )


def test_offered_tracks_follow_the_engine(app):
    from conversations.application.blank import empty_context
    from storage.dialog import UserRow

    with app.engine.connect() as conn:
        ctx = empty_context(
            conn, app.services, UserRow(0, "console", "x", "ja", None, None), "ja", app.services.clock()
        )
        ctx.answers.update(NO_STORE)
        assert offered_tracks(ctx) == ("group_buying",)
        ctx.answers["ec_platforms"] = ["douyin"]
        assert offered_tracks(ctx) == ("kol_affiliate", "group_buying")


def test_submission_re_judges_the_draft_and_stores_the_recomputed_verdict_zh(app):
    """The pre-check left the size unknown; the form answered capital and staff: the verdict says it."""
    stale = {**VERDICT, "company_size": None, "priority": None}
    user_id = at_confirm(app, "u1", 15, eligibility_verdict=stale, capital_jpy=5_000_000_000, employees=3000)
    seed(app, user="u1", lang="zh", flow="application", step="confirm")
    play(CoreChat(app), "> 提交\n< JM25-0001")
    verdict = application_of(app, user_id).meta["eligibility_verdict"]
    assert (verdict["company_size"], verdict["p1"], verdict["priority"]) == ("large", False, False)
