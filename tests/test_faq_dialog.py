"""The FAQ in conversation: first message, menu, mid-form (and back), not sure → topics or staff."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from bot.wiring import App
from conversations import Form, Inbound, Invalid, Step, Texts, UserKey
from conversations.context import Context
from conversations.faq import CONFIDENT, default_index
from storage import dialog as store
from storage.models import Application, Enquiry
from tests.transcript import CoreChat, play

TINY = {
    "ja": """
company: 会社名を入力してください。
agree: 条件に同意しますか。
units: 出品予定の数量を数字で入力してください。
not_a_number: 数字でお答えください。
done: 入力ありがとうございました。
""",
    "zh": """
company: 请输入公司名称。
agree: 您同意条件吗。
units: 请用数字输入计划的数量。
not_a_number: 请用数字回答。
done: 感谢您的填写。
""",
}


def _units(_ctx: Context, text: str) -> int:
    if not text.isdigit():
        raise Invalid("tiny.not_a_number")
    return int(text)


def _done(ctx: Context) -> None:
    ctx.say("tiny.done")
    ctx.go("menu", remember=False)


TINY_FORM = Form(
    name="tiny",
    steps=[
        Step("company", "tiny.company"),
        Step("agree", "tiny.agree", options=("yes", "no")),
        Step("units", "tiny.units", parse=_units),
    ],
    on_finish=_done,
)


@pytest.fixture
def tiny(app: App, tmp_path: Path) -> App:
    """The app with a stand-in form (company name, yes/no, a number) entered by /tiny."""
    root = tmp_path / "locales"
    shutil.copytree(
        Path(str(resources.files("locales"))), root, ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    for lang, text in TINY.items():
        (root / lang / "tiny.yaml").write_text(text, encoding="utf-8")
    app.services.texts = Texts({"programme": app.programme, "tz": app.programme.tz}, root=root)
    app.registry.add_flow(TINY_FORM)
    app.registry.add_command("tiny", lambda ctx, _args: ctx.go("tiny"))
    return app


def _answers(app: App, user_id: int) -> dict:
    with app.engine.connect() as conn:
        state = store.load_state(conn, user_id)
    assert state is not None
    return state.answers


def _enquiries(app: App) -> list:
    with app.engine.connect() as conn:
        return conn.execute(select(Enquiry.__table__)).all()


def test_a_question_as_the_very_first_message_is_answered_then_the_welcome(app):
    play(
        CoreChat(app),
        """
        > 参加費はかかりますか？
        < 参加費は無料です
        < 応募締切は 2026年1月30日（金）
        < ご用件をお選びください
        > 3
        < ご質問を文章でお送りください
        """,
    )


def test_a_question_instead_of_the_language_choice_is_answered_then_the_menu(app):
    key = UserKey("console", "greeted")
    greeting = app.dialog.greet(key)
    assert "ご利用の言語をお選びください" in greeting.messages[0].text
    reply = app.dialog.handle(key, Inbound(text="KOLとKOCの違いは何ですか？"))
    text = "\n".join(m.text for m in reply.messages)
    assert "【KOLとKOCの違い】" in text and "ご用件をお選びください" in text
    assert "ご利用の言語" not in text


def test_a_first_question_in_chinese_is_answered_in_chinese(app):
    play(
        CoreChat(app, user="zh1"),
        """
        > 样品要寄到哪里？
        < 寄送地址：入选后由JETRO另行通知
        < 请选择您要办理的事项
        <! ご用件
        """,
    )


def test_a_question_at_the_menu_and_through_the_ask_entry(app):
    play(
        CoreChat(app),
        """
        > こんにちは
        < ご用件をお選びください
        > 快团团ではどうやって売るのですか
        < 【共同購入アプリ（快团团）の流れ】
        < ご用件をお選びください
        > 質問する
        < ご質問を文章でお送りください
        > 中小企業の基準
        < 製造業その他：資本金 3億円以下、または従業員 300人以下
        < ほかにもご質問があれば
        > 小红书のお店がなくても応募できる？
        < 【EC店舗の条件（KOL・KOCアフィリエイト）】
        > /start
        < ご用件をお選びください
        """,
    )


def test_a_question_mid_form_is_answered_and_the_same_question_asked_again(tiny):
    chat = CoreChat(tiny)
    play(
        chat,
        """
        > こんにちは
        > /tiny
        < 会社名を入力してください
        > 締め切りはいつですか？
        < 応募の締切は2026年1月30日（金）
        < 会社名を入力してください
        > 株式会社テスト
        < 条件に同意しますか
        > サンプルは何個必要？
        < 最大10個前後
        < 条件に同意しますか
        <! 選択肢の中から
        > はい
        < 出品予定の数量
        > 佣金是多少？
        < 【販売時のコミッション】
        < 出品予定の数量
        > 120
        < 入力ありがとうございました
        """,
    )
    assert chat.last is not None
    assert _answers(tiny, chat.last.user_id) == {"company": "株式会社テスト", "agree": "yes", "units": 120}


def test_ordinary_answers_are_not_taken_for_questions(tiny):
    chat = CoreChat(tiny, user="zh2")
    play(
        chat,
        """
        > 你好
        > /tiny
        < 请输入公司名称
        > 何氏食品有限公司
        < 您同意条件吗
        <! 【
        > 是？
        < 请用数字输入计划的数量
        <! 无法准确判断
        > 二十
        < 请用数字回答
        <! 【
        > 20
        < 感谢您的填写
        """,
    )
    assert chat.last is not None
    assert _answers(tiny, chat.last.user_id) == {"company": "何氏食品有限公司", "agree": "yes", "units": 20}


def test_not_sure_offers_two_topics_and_an_enquiry_which_is_stored(tiny, clock):
    question = "ラーメンのおすすめは？"
    assert default_index().match(question).confidence < CONFIDENT
    chat = CoreChat(tiny)
    play(
        chat,
        f"""
        > こんにちは
        > /tiny
        > 株式会社テスト
        < 条件に同意しますか
        > {question}
        < ご質問の内容を確実には判断できませんでした
        < 3. 担当者に質問を送る
        < 4. 言い方を変えて質問する
        < 5. 質問を終えて元の画面に戻る
        """,
    )
    assert chat.last is not None
    options = chat.last.messages[-1].options
    assert [o.value.startswith("entries.") for o in options] == [True, True, False, False, False]
    assert _enquiries(tiny) == []
    play(
        chat,
        """
        > 3
        < ご質問を担当者にお送りしました
        < 条件に同意しますか
        > はい
        < 出品予定の数量
        """,
    )
    rows = _enquiries(tiny)
    assert len(rows) == 1
    row = rows[0]
    assert (row.user_id, row.language, row.question, row.application_id) == (
        chat.last.user_id,
        "ja",
        question,
        None,
    )
    assert row.created_at == clock() and row.answer is None


def test_the_enquiry_carries_the_users_application(app, clock):
    chat = CoreChat(app, user="applicant")
    chat.send("你好")
    assert chat.last is not None
    with app.engine.begin() as conn:
        application_id = conn.execute(
            insert(Application.__table__).returning(Application.__table__.c.id),
            {
                "reference": "JM25-0001",
                "programme": app.programme.id,
                "user_id": chat.last.user_id,
                "status": "submitted",
                "data": {},
                "meta": {},
                "created_at": clock(),
                "updated_at": clock(),
            },
        ).scalar_one()
    play(
        chat,
        """
        > 3
        > 我想吃火锅
        < 转交工作人员
        > 转交工作人员
        < 您的问题已转交工作人员
        < 如还有其他问题
        """,
    )
    rows = _enquiries(app)
    assert [(r.application_id, r.language, r.question) for r in rows] == [
        (application_id, "zh", "我想吃火锅")
    ]


def test_not_sure_then_a_topic_or_a_new_wording_returns_to_the_form(tiny):
    chat = CoreChat(tiny)
    play(
        chat,
        """
        > こんにちは
        > /tiny
        < 会社名を入力してください
        > 猫を飼っていますか？
        < 確実には判断できませんでした
        """,
    )
    assert chat.last is not None
    first_topic = chat.last.messages[-1].options[0]
    reply = chat.reply(Inbound(option=first_topic.value, option_step="faq.unsure"))
    text = "\n".join(m.text for m in reply.messages)
    assert f"【{first_topic.label}】" in text and "会社名を入力してください" in text
    play(
        chat,
        """
        > 今日の天気は？
        < 確実には判断できませんでした
        > 4
        < ご質問を文章でお送りください
        > 出荷は注文から何日以内ですか
        < 7日以内
        < 会社名を入力してください
        > 今日の天気は？
        > 5
        < 会社名を入力してください
        > 株式会社テスト
        < 条件に同意しますか
        """,
    )
    assert _enquiries(tiny) == []


def test_a_new_question_typed_at_the_not_sure_options_is_matched(tiny):
    play(
        CoreChat(tiny),
        """
        > こんにちは
        > /tiny
        > 天気はどう？
        < 確実には判断できませんでした
        > 商標登録は必要ですか
        < 【中国での商標登録】
        < 会社名を入力してください
        """,
    )


def test_a_question_too_long_or_a_bare_number_at_the_ask_step_is_refused_politely(app):
    play(
        CoreChat(app),
        f"""
        > こんにちは
        > 3
        > {"長" * 600}
        < 500文字以内でお書きください
        < ご質問を文章でお送りください
        > ２
        < 番号ではなく、ご質問を文章でお書きください
        <! 確実には判断できませんでした
        """,
    )
