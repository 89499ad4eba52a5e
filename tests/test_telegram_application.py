"""The whole application over Telegram (webhook, real PTB, the fake Bot API): by text and by
buttons, in Chinese and Japanese, with a product leaflet uploaded and the filled .xlsx sent back.

Per-chat pacing is off: these tests are about the dialog (tests/test_telegram_outbound.py
proves the pace).
"""

from __future__ import annotations

from pathlib import Path

from storage import applications as apps
from storage import dialog as store
from storage.application_files import MATERIAL, files_of
from tests.application_kit import application_of, prechecked
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_chat import TelegramChat, message_update
from tests.test_journey import JOURNEY_ZH
from tests.transcript import play

pytest_plugins = ["tests.telegram_fixtures"]

LEAFLET = b"%PDF-1.4 sakura green tea leaflet " + bytes(range(256)) * 8


def the_form_sent_back(app, fake: FakeTelegram, chat: TelegramChat, reference: str) -> apps.ApplicationRow:
    """The .xlsx went out as a document, and the application is submitted under `reference`."""
    [doc] = fake.calls_of("sendDocument", chat_id=chat.user_id)
    assert doc.files["document"][0] == f"{reference}.xlsx"
    assert doc.files["document"][1][:2] == b"PK"  # a real workbook (a zip)
    with app.engine.begin() as conn:
        user = store.get_or_create_user(conn, "telegram", str(chat.user_id), app.services.clock())
        (row,) = apps.applications_for_user(conn, user.id)
    assert (row.status, row.reference) == ("submitted", reference)
    return row


def test_chinese_journey_by_text_from_first_message_to_the_xlsx(app, fake, served):
    chat = TelegramChat(app, fake, served.url, user_id=5501, language_code=None)
    play(chat, JOURNEY_ZH)
    row = the_form_sent_back(app, fake, chat, "JM25-0001")
    assert row.track == "group_buying" and row.data["capital_jpy"] == 50_000_000
    assert chat.taps == 0


def test_chinese_journey_by_buttons(app, fake, served):
    chat = TelegramChat(app, fake, served.url, user_id=5502, language_code="zh-hans", buttons=True)
    play(chat, JOURNEY_ZH)
    row = the_form_sent_back(app, fake, chat, "JM25-0001")
    assert row.data["distributed_in_china"] is True
    assert chat.taps >= 20  # every choice on screen was a tap, not typed
    edits = fake.calls_of("editMessageReplyMarkup", chat_id=chat.user_id)
    assert len(edits) == chat.taps  # each tapped keyboard removed


def test_japanese_application_by_buttons_with_a_leaflet_uploaded(app, fake, served):
    user_id = prechecked(app, user="5503", channel="telegram")
    chat = TelegramChat(app, fake, served.url, user_id=5503, language_code="ja", buttons=True)
    play(
        chat,
        """
        > /apply
        < 会社名（日本語の正式名称）を入力してください
        > 株式会社さくら食品
        > スキップ
        < 法人番号（13桁）を入力してください
        > 7000012050002
        > 東京都千代田区丸の内1-1-1
        > スキップ
        < 【個人情報の取り扱いについて】
        > はい
        > 山田花子
        > 海外事業部 部長
        > hanako.yamada@sakura-foods.example.jp
        > 03-1234-5678
        > スキップ
        < 貴社が製造（メーカーとして販売）している商品ですか
        > はい
        < 応募する商品の名前（日本語）
        > さくら緑茶
        > スキップ
        > さくら
        > スキップ
        < 人民元
        > 88元
        > スキップ
        < EC 店舗の名前または URL
        > さくら食品旗艦店
        < 商品紹介資料（写真、取扱説明書など）
    """,
    )
    file_id = fake.add_file(LEAFLET, "documents/file_3.pdf")
    document = {"file_id": file_id, "file_unique_id": "uleaf", "file_name": "leaflet.pdf",
                "mime_type": "application/pdf", "file_size": len(LEAFLET)}  # fmt: skip
    answer = chat.exchange(message_update(fake, 5503, "ja", document=document))
    assert "受け取りました（これまでに 1 件）" in answer
    play(
        chat,
        """
        > 完了
        < サンプルの数を入力してください（1〜10 個）
        > 10個
        > いいえ
        > スキップ
        < 入力内容をご確認ください
        < 商品資料：ファイル 1 件
        > 提出へ進む
        < 提出すると、内容は変更できなくなります
        > 提出する
        < ご応募を受け付けました。受付番号は JM25-0001 です
        < [JM25-0001.xlsx]
    """,
    )
    assert chat.taps >= 3
    row = application_of(app, user_id)
    assert (row.status, row.reference) == ("submitted", "JM25-0001")
    [leaflet] = row.data["materials"]
    assert leaflet["name"] == "leaflet.pdf" and Path(leaflet["path"]).read_bytes() == LEAFLET
    with app.engine.connect() as conn:
        [stored] = files_of(conn, row.id, MATERIAL)
    assert stored.path == leaflet["path"] and stored.size == len(LEAFLET)
    the_form_sent_back(app, fake, chat, "JM25-0001")
