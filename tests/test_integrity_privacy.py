"""Issue 14, items 1 and 10, and erasure: a chat account sees only its own applications; another
account typing a corporate number that applied hears nothing of that application and staff see
the attempt; `staff link`; the personal-data notice and consent; `staff erase`. Japanese and Chinese,
on both databases."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from storage.models import Base, Delivery, Enquiry
from tests.application_kit import FIELDS, PROFILE, VERDICT, application_of, at_confirm, prechecked, seed
from tests.staff_kit import submitted
from tests.transcript import CoreChat, play


@pytest.fixture
def staff(app, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)
    monkeypatch.setenv("JAPANMALL_PROGRAMME", "japan-mall-2025")
    monkeypatch.setenv("JAPANMALL_FILES_DIR", str(app.settings.files_dir))

    def invoke(*args: str):
        from bot.cli import main

        return CliRunner().invoke(main, ["staff", *args], catch_exceptions=False)

    return invoke


def enquiries(app) -> list:
    with app.engine.connect() as conn:
        return list(conn.execute(select(Enquiry.__table__)))


# -- item 1: another company's application is never shown --------------------------------------
def test_another_account_typing_an_applied_corporate_number_hears_nothing_of_it_ja(app):
    first = at_confirm(app, "u1", 7)
    play(CoreChat(app, user="u1"), "> 提出する\n< 受付番号は JM25-0001 です")
    number = application_of(app, first).corporate_number
    prechecked(app, user="u2")
    play(
        CoreChat(app, user="u2"),
        f"""
        > /apply
        > 株式会社さくら食品
        > スキップ
        > {number}
        < この法人番号の会社からは、すでに応募をいただいています
        < ジェトロ上海事務所（pcs@jetro.go.jp、+86-(0)21-6270-0489）までお問い合わせください
        <! JM25-0001
        <! 提出済み
        <! KOL・KOCアフィリエイト、
        <! 2026年1月10日
        <! 受付番号
        < ご用件をお選びください
    """,
    )
    (attempt,) = enquiries(app)
    assert attempt.application_id == application_of(app, first).id
    assert "console:u2" in attempt.question and "JM25-0001" in attempt.question


def test_another_account_typing_an_applied_corporate_number_hears_nothing_of_it_zh(app):
    first = at_confirm(app, "u1", 8)
    play(CoreChat(app, user="u1"), "> 提出する\n< JM25-0001")
    at_confirm(app, "u2", 8)  # a draft with the same number, submitted after
    seed(app, user="u2", lang="zh", flow="application", step="confirm")
    play(
        CoreChat(app, user="u2"),
        """
        > 提交
        < 该法人编号的企业已经提交过报名
        < 日本贸易振兴机构（JETRO）上海代表处（pcs@jetro.go.jp，+86-(0)21-6270-0489）
        <! JM25-0001
        <! 已提交
        <! KOL/KOC 带货推广，
        <! JM25-0002
    """,
    )
    assert [e.application_id for e in enquiries(app)] == [application_of(app, first).id]


def test_a_linked_account_sees_the_application_as_its_own_ja_zh(app, staff):
    first = at_confirm(app, "u1", 9)
    play(CoreChat(app, user="u1"), "> 提出する\n< JM25-0001")
    seed(app, user="wx1", channel="wechat", lang="zh")
    play(CoreChat(app, user="wx1", channel="wechat"), "> /status\n< 您还没有报名\n<! JM25-0001")
    result = staff("link", "jm25-0001", "wechat:wx1")
    assert result.exit_code == 0 and "JM25-0001: wechat:wx1 linked" in result.output
    play(
        CoreChat(app, user="wx1", channel="wechat"),
        """
        > /status
        < JM25-0001
        < 已提交
        > /apply
        < 您已提交过报名（受理编号 JM25-0001
    """,
    )
    # A status move tells the linked account too, in its own language, once.
    assert staff("set-status", "JM25-0001", "under_review").exit_code == 0
    with app.engine.connect() as conn:
        notices = conn.execute(
            select(Delivery.user_id, Delivery.channel, Delivery.payload, Delivery.dedup_key)
            .where(Delivery.kind == "notice")
            .order_by(Delivery.id)
        ).all()
    assert [n.channel for n in notices] == ["console", "wechat"]
    own, linked = (n.payload["messages"][0]["text"] for n in notices)
    assert "審査中" in own and "审核中" in linked and "JM25-0001" in linked
    assert notices[1].dedup_key == f"{notices[0].dedup_key}:linked:{notices[1].user_id}"
    assert staff("link", "JM25-0001", "wechat:wx1").output.strip().endswith("was linked already")
    assert staff("link", "JM25-0001", "nochannel").exit_code == 2
    assert staff("link", "JM25-9999", "wechat:wx1").exit_code == 2
    assert application_of(app, first).user_id != 0


def test_no_reply_to_one_account_carries_another_accounts_application(app):
    """Over /apply (with the other's corporate number), /status, /check and the FAQ."""
    other = submitted(app, user="u1", status="accepted", company_name_ja="株式会社ひみつ商事", brand="ひみつ")
    secrets = [other.reference, "株式会社ひみつ商事", "ひみつ", "山田花子", FIELDS["email"], "採択", "已入选"]
    replies: list[str] = []
    for lang, said in (
        ("ja", ["/status", "/check", "以前の回答を使う", "/apply", "株式会社うめ製菓", "スキップ"]),
        ("zh", ["/status", "/check", "1", "/apply", "梅制果株式会社", "跳过"]),
    ):
        user = f"me_{lang}"
        prechecked(app, user=user, lang=lang)
        chat = CoreChat(app, user=user)
        script = [*said, other.corporate_number, "/status"]
        script += (
            ["締切はいつですか", "応募状況を教えて"]
            if lang == "ja"
            else ["截止日期是什么时候", "我的报名状态"]
        )
        replies += [chat.send(text) for text in script]
    for reply in replies:
        for secret in secrets:
            assert secret not in reply, (secret, reply)
        assert "状況：" not in reply and "状态：" not in reply


# -- item 10: the notice and consent --------------------------------------------------------------
def test_without_consent_the_form_stops_before_any_personal_field_ja(app):
    prechecked(app)
    chat = CoreChat(app)
    play(
        chat,
        """
        > /apply
        > 株式会社さくら食品
        > スキップ
        > 7000012050002
        > 東京都千代田区丸の内1-1-1
        > スキップ
        < 【個人情報の取り扱いについて】
        < 本事業のプレスリリースやジェトロのウェブサイトで、企業情報や商品の情報を公開することがあります
        <! 国外への提供
        > いいえ、同意しません
        < 同意をいただけない場合、担当者の情報をお預かりできないため、ここで応募の入力を止めます
        < ご用件をお選びください
        <! ご担当者のお名前
        > /apply
        < おかえりなさい
        < 【個人情報の取り扱いについて】
        <! ご担当者のお名前
    """,
    )


def test_a_company_in_china_consents_to_the_transfer_separately_zh(app):
    seed(
        app,
        lang="zh",
        answers={
            **PROFILE,
            "applicant_type": "china_subsidiary_of_japanese_corporation",
            "eligibility_verdict": VERDICT,
        },
    )
    play(
        CoreChat(app),
        """
        > /apply
        > 樱花食品（上海）有限公司
        > 跳过
        > 7000012050002
        > 91350100M000100Y43
        > 上海市长宁区延安西路2201号
        > 跳过
        < 【关于个人信息的处理】
        <! 【关于向境外提供个人信息】
        > 同意
        < 【关于向境外提供个人信息】
        < 接收方：日本贸易振兴机构（JETRO
        > 不同意
        < 报名填写将在此暂停
        <! 联系人姓名
    """,
    )


def test_the_consent_is_stored_with_the_application_and_shown_to_staff(app, staff):
    user_id = at_confirm(app, "u1", 11)
    play(CoreChat(app, user="u1"), "> 提出する\n< JM25-0001")
    row = application_of(app, user_id)
    assert row.meta["consent"] == {"version": "2025-1", "at": "2026-01-05T10:00:00+09:00", "via": "chat"}
    card = staff("show", "JM25-0001").output
    assert (
        "【個人情報の取り扱い】" in card
        and "個人情報の取り扱いへの同意：同意済み（2025-1 版、2026年1月5日（月））" in card
    )
    assert (
        "同意个人信息的处理：已同意（2025-1 版，2026年1月5日（周一））"
        in staff("show", "JM25-0001", "--lang", "zh").output
    )
    out = Path("export.csv")
    assert staff("export", "--output", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "個人情報の取り扱いへの同意" in text and "同意済み（2025-1 版" in text


# -- erasure ------------------------------------------------------------------------------------
def _everything(app) -> str:
    parts = []
    with app.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                parts.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(parts)


def _files_text(folder: Path) -> str:
    parts = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        if zipfile.is_zipfile(path):  # a workbook: its cells
            book = load_workbook(path, read_only=True)
            parts += [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row]
            book.close()
        else:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def test_staff_erase_leaves_no_personal_value_in_the_database_or_the_files(app, staff):
    other = {
        "contact_name": "佐藤次郎",
        "contact_title": "営業部 課長",
        "email": "jiro@ume-seika.example.jp",
        "phone": "06-1111-2222",
        "address": "大阪府大阪市北区梅田1-2-3",
    }
    keeper = at_confirm(app, "u2", 13, **other)  # another company: untouched
    user_id = at_confirm(app, "u1", 12)
    chat = CoreChat(app, user="u1")
    play(chat, "> 提出する\n< JM25-0001\n< [JM25-0001.xlsx]")
    play(chat, "> 山田花子の電話番号を 03-1234-5678 から変えたいのですが、誰に連絡すればいいですか")
    play(CoreChat(app, user="u2"), "> 提出する\n< JM25-0002")
    personal = [FIELDS[k] for k in ("contact_name", "contact_title", "email", "phone", "address")]
    files = Path(app.settings.files_dir)
    assert all(value in _everything(app) for value in personal)
    assert "山田花子" in _files_text(files)
    result = staff("erase", "JM25-0001", "--yes")
    assert result.exit_code == 0, result.output
    everything, in_files = _everything(app), _files_text(files)
    for value in personal:
        assert value not in everything, value
        assert value not in in_files, value
    row = application_of(app, user_id)
    assert (row.reference, row.status, row.track) == ("JM25-0001", "submitted", "kol_affiliate")
    assert row.meta["erased"]["by"].startswith("cli:") and row.data["samples_ok"] is True
    with app.engine.connect() as conn:
        from storage.applications import history

        assert [h.to_status for h in history(conn, row.id)] == ["draft", "submitted"]
    assert "佐藤次郎" in everything and application_of(app, keeper).data["contact_name"] == "佐藤次郎"
    assert staff("erase", "JM25-9999", "--yes").exit_code == 2
    # staff show says so, in staff's words and Japan time; the other company's card does not.
    shown = staff("show", "JM25-0001").output
    assert "個人データは 20" in shown and "に削除済み" in shown, shown
    assert "削除済み" not in staff("show", "JM25-0002").output


def test_a_draft_without_consent_is_not_submitted_and_the_consent_is_one_tap_away_ja_zh(app):
    """A draft from before the notice (no consent stored): the whole check lists it first."""
    for user, lang, said in (
        ("u1", "ja", ("提出する", "個人情報の取り扱いへの同意", "はい")),
        ("u2", "zh", ("提交", "1", "同意")),
    ):
        user_id = at_confirm(app, user, 30 + len(user) + (lang == "zh"), privacy_consent=None)
        seed(app, user=user, lang=lang, flow="application", step="confirm")
        chat = CoreChat(app, user=user)
        listed = chat.send(said[0])
        assert ("個人情報の取り扱いへの同意：まだご回答いただいていません" in listed) or (
            "同意个人信息的处理：尚未回答" in listed
        ), listed
        assert application_of(app, user_id).status == "draft"
        assert "【" in chat.send(said[1])  # the notice, with its title
        summary = chat.send(said[2])
        assert "入力内容をご確認ください" in summary or "请确认您填写的内容" in summary, summary
