"""/form: the blank application form in the company's language (the filled form's layout, a
version stamp, each field's rules as a note, drop-down lists where a field has options), through
the core in both languages and through WeChat's menu and HTTP path, where it comes as a link."""

from __future__ import annotations

import io
import re

import httpx
from openpyxl import load_workbook

from conversations.application.document import layout_digest
from conversations.application.fields import NAMES
from storage.application_files import BLANK_FORM
from storage.models import StoredFile
from tests.application_kit import PROFILE, VERDICT, seed
from tests.fakes.telegram_chat import TelegramChat
from tests.form_kit import rows_by_key
from tests.transcript import CoreChat, play

pytest_plugins = ["tests.wechat_fixtures", "tests.telegram_fixtures"]


def lists_of(book, sheet) -> dict[str, list[str]]:
    """Answer cell -> the labels its drop-down list offers."""
    found = {}
    for check in sheet.data_validations.dataValidation:
        column = re.search(r"\$([A-Z]+)\$1:\$[A-Z]+\$(\d+)", check.formula1)
        labels = [
            cell.value for (cell,) in book["lists"][f"{column.group(1)}1:{column.group(1)}{column.group(2)}"]
        ]
        for ref in str(check.sqref).split():
            found[ref] = labels
    return found


def test_form_in_japanese_sends_the_blank_form_and_returns_to_the_question(app):
    seed(app, user="u1", lang="ja")
    chat = CoreChat(app, user="u1")
    play(
        chat,
        """
        > /form
        < 応募用紙（Excel）をお送りします。ご記入のうえ、
        < までメールでお送りください。このチャットから応募する場合は /apply と入力してください。
        < ご用件をお選びください。
        """,
    )
    (document,) = [message.document for message in chat.last.messages if message.document]
    assert document.name == "japan-mall-2025-form-ja.xlsx" and document.url.startswith("/files/")
    book = load_workbook(document.path)
    sheet = book["応募用紙"]
    assert book["lists"].sheet_state == "hidden" and sheet.column_dimensions["D"].hidden
    assert sheet["A1"].value == "応募用紙 / 报名表"
    assert "メールでお送りください" in sheet["A2"].value
    rows = rows_by_key(document.path)
    assert set(NAMES) <= set(rows)  # every field of the form, each on its row
    assert sheet[f"C{rows['_version']}"].value == f"japan-mall-2025/{layout_digest()}/ja"
    assert all(sheet[f"C{rows[name]}"].value is None for name in NAMES)  # blank
    note = sheet[f"C{rows['corporate_number']}"].comment.text
    assert "法人番号（13桁）を入力してください" in note and note.endswith("必須")
    assert "該当する場合のみご記入ください。" in sheet[f"C{rows['uscc']}"].comment.text
    assert sheet[f"C{rows['website']}"].comment.text.endswith("任意")
    assert sheet[f"C{rows['corporate_number']}"].number_format == "@"  # leading zeros stay
    assert sheet[f"C{rows['capital_jpy']}"].number_format == '#,##0"円"'
    lists = lists_of(book, sheet)
    assert lists[f"C{rows['applicant_type']}"] == ["日本法人", "日本法人の中国現地法人", "そのほか"]
    assert lists[f"C{rows['accepts_jetro_decision']}"] == ["はい", "いいえ"]
    assert lists[f"C{rows['track']}"] == ["KOL・KOCアフィリエイト", "共同購入アプリ（快团团）"]
    assert f"C{rows['ec_platforms']}" not in lists  # several may be chosen: written out, as its note says
    with app.engine.connect() as conn:
        kinds = conn.execute(StoredFile.__table__.select()).all()
    assert [(row.kind, row.name) for row in kinds] == [(BLANK_FORM, "japan-mall-2025-form-ja.xlsx")]


def test_form_in_chinese_in_the_middle_of_the_application_returns_to_the_question(app):
    answers = {**PROFILE, "eligibility_verdict": VERDICT}
    seed(app, user="u2", lang="zh", answers=answers, flow="application", step="company_name_ja")
    chat = CoreChat(app, user="u2")
    play(
        chat,
        """
        > /form
        < 现发送报名表（Excel）。请填写后通过邮件发送至
        < 如需在此对话中报名，请输入 /apply。
        < 请输入公司名称
        > 株式会社さくら食品
        < 如有公司的中文或英文名称
        """,
    )
    with app.engine.connect() as conn:
        (path,) = [row.path for row in conn.execute(StoredFile.__table__.select())]
    book = load_workbook(path)
    sheet = book["応募用紙"]
    rows = rows_by_key(path)
    assert sheet[f"C{rows['_version']}"].value.endswith("/zh")
    assert "请填写本报名表" in sheet["A2"].value
    assert sheet[f"C{rows['corporate_number']}"].comment.text.endswith("必填")
    assert lists_of(book, sheet)[f"C{rows['applicant_type']}"][:1] == ["日本法人"]
    assert lists_of(book, sheet)[f"C{rows['samples_more']}"] == ["是", "否"]


def test_the_wechat_menu_entry_sends_the_blank_form_as_a_link(wechat):
    chat = wechat.chat()
    chat.send("你好")
    answer = chat.event("CLICK", key="form")
    assert "现发送报名表（Excel）" in answer
    link = re.search(r"https://bot\.example\.com(/files/[A-Za-z0-9_\-]+)", answer)
    assert link, answer
    response = httpx.get(wechat.url + link.group(1), timeout=10)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["応募用紙"]
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value]
    assert f"japan-mall-2025/{layout_digest()}/zh" in values


def test_form_over_telegram_sends_the_workbook_as_a_document(app, fake, served):
    chat = TelegramChat(app, fake, served.url, user_id=5601, language_code="ja")
    play(
        chat,
        """
        > /form
        < 応募用紙（Excel）をお送りします。
        """,
    )
    [doc] = fake.calls_of("sendDocument", chat_id=chat.user_id)
    name, content = doc.files["document"][:2]
    assert name == "japan-mall-2025-form-ja.xlsx"
    sheet = load_workbook(io.BytesIO(content))["応募用紙"]
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value]
    assert f"japan-mall-2025/{layout_digest()}/ja" in values
