"""The filled application form: opened back with openpyxl and its values checked; its `files` row."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook

from bot.forms import write_application_form
from conversations.application.document import ApplicationSheet, SheetRow, SheetSection
from storage.application_files import APPLICATION_FORM, file_by_token, files_of
from tests.application_kit import application_of, at_confirm
from tests.transcript import CoreChat


def rows_of(path: str) -> tuple[str, dict[str, tuple]]:
    """The title, and each field row by its Japanese label: (Chinese label, value, number format)."""
    sheet = load_workbook(path).active
    found = {}
    for label_ja, label_zh, value in sheet.iter_rows(min_row=2, max_col=3):
        if label_ja.value and label_zh.value:
            found[label_ja.value] = (label_zh.value, value.value, value.number_format)
    return sheet["A1"].value, found


def submit(app, user: str, number: int, **extra):
    user_id = at_confirm(app, user, number, **extra)
    chat = CoreChat(app, user=user)
    chat.send("提出する")
    document = next(m.document for m in chat.last.messages if m.document)
    return user_id, document


def test_the_filled_form_holds_every_answer_with_both_labels(app):
    user_id, document = submit(
        app,
        "u1",
        1,
        jan_code="0012345678905",
        maker_is_applicant=False,
        manufacturer_name="株式会社さくら製茶",
        company_name_en="Sakura Foods Co., Ltd.",
        materials=[{"url": "https://example.jp/a.pdf"}, {"name": "photo.jpg", "path": "/in/photo.jpg"}],
    )
    assert Path(document.path).name == "JM25-0001.xlsx"
    assert document.mime == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    title, rows = rows_of(document.path)
    assert title == "応募用紙 / 报名表"
    assert rows["受付番号"] == ("受理编号", "JM25-0001", "@")
    assert rows["提出日時"][1] == "2026年1月10日（土） 09:00（日本時間、UTC+09:00）"
    assert rows["法人番号"] == ("日本法人编号", "8000000000001", "@")
    assert rows["会社名（日本語）"][1] == "株式会社さくら食品"
    assert rows["会社名（中国語または英語）"][1] == "Sakura Foods Co., Ltd."
    assert rows["JANコード"][1] == "0012345678905"  # leading zero kept: stored as text
    assert rows["資本金"] == ("注册资本", 300_000_000, '#,##0"円"')
    assert rows["常時使用する従業員数"][1] == 120
    assert rows["中国での小売価格"] == ("在中国的零售价", 88, '#,##0.00"元"')
    assert rows["参加コース"][1] == "KOL・KOCアフィリエイト / KOL/KOC 带货推广"
    platforms = "RED（小红书）、微信小店（WeChatのEC） / 小红书（RED）、微信小店"
    assert rows["EC 店舗のプラットフォーム"][1] == platforms
    assert rows["メーカー名"][1] == "株式会社さくら製茶"
    assert rows["応募企業がメーカーか"][1] == "いいえ / 否"
    assert rows["商品資料"][1] == "https://example.jp/a.pdf\nphoto.jpg"
    assert rows["ジェトロの最終判断への同意"] == ("同意由 JETRO 最终决定", "はい / 是", "@")
    assert rows["ウェブサイト"][1] is None
    assert "中国での流通経路" not in rows  # a group-buying field, not this track's
    assert application_of(app, user_id).reference == "JM25-0001"


def test_the_form_is_a_files_row_with_an_expiring_unguessable_token(app, clock):
    user_id, document = submit(app, "u1", 1)
    application = application_of(app, user_id)
    with app.engine.connect() as conn:
        (row,) = files_of(conn, application.id, APPLICATION_FORM)
        content = Path(document.path).read_bytes()
        assert (row.name, row.path, row.user_id) == ("JM25-0001.xlsx", document.path, user_id)
        assert (row.size, row.sha256) == (len(content), hashlib.sha256(content).hexdigest())
        assert len(row.token) >= 40 and row.token_expires_at == clock() + timedelta(days=30)
        assert file_by_token(conn, row.token, clock()).id == row.id
        assert file_by_token(conn, row.token, clock() + timedelta(days=31)) is None
        assert file_by_token(conn, row.token[:-1] + "x", clock()) is None
    assert Path(document.path).is_relative_to(app.settings.files_dir.resolve())


def test_the_maker_rows_follow_the_answers_and_the_file_is_written_whole(tmp_path):
    sheet = ApplicationSheet(
        title="応募用紙 / 报名表",
        header=(SheetRow("受付番号", "受理编号", "JM25-0042"),),
        sections=(
            SheetSection(
                "商品", "商品", (SheetRow("中国での小売価格", "在中国的零售价", 128.5, '#,##0.00"元"'),)
            ),
        ),
    )
    path = tmp_path / "deep" / "JM25-0042.xlsx"
    write_application_form(path, sheet)
    assert [p.name for p in path.parent.iterdir()] == ["JM25-0042.xlsx"]  # no partial file left behind
    loaded = load_workbook(path).active
    assert loaded.title == "応募用紙"
    assert [c.value for c in loaded[3]] == ["受付番号", "受理编号", "JM25-0042"]
    assert loaded["A5"].value == "商品"  # one heading when both languages say the same
    assert loaded["C6"].value == 128.5 and loaded["C6"].number_format == '#,##0.00"元"'
