"""Issue 14, item 10 on the Excel path: the blank form (/form) opens with the personal-data section
(the notice and the consent rows), and `staff import` reads those rows through the chat's consent
code: a file without agreement is refused, reported on its own line. Japanese and Chinese."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tests.form_kit import FILLED_JA, blank_form, fill, rows_by_key
from tests.test_form_import import RECEIVED, lines, only_application


@pytest.fixture
def staff(app, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)
    monkeypatch.setenv("JAPANMALL_PROGRAMME", "japan-mall-2025")
    monkeypatch.setenv("JAPANMALL_FILES_DIR", str(app.settings.files_dir))

    def invoke(*args: str):
        from bot.cli import main

        return CliRunner().invoke(
            main, ["staff", "import", "--received", RECEIVED, *args], catch_exceptions=False
        )

    return invoke


@pytest.mark.parametrize(
    ("lang", "section", "notice"),
    [
        ("ja", "個人情報の取り扱い", "ジェトロ（日本貿易振興機構）が取得します"),
        ("zh", "个人信息的处理", "由日本贸易振兴机构（JETRO）收集"),
    ],
)
def test_the_blank_form_opens_with_the_notice_and_the_consent(app, lang, section, notice):
    path = blank_form(app, lang, user=f"blank-{lang}")
    rows = rows_by_key(path)
    assert rows["privacy_consent"] < min(
        row for key, row in rows.items() if not key.startswith(("_", "privacy"))
    )
    sheet = load_workbook(path)["応募用紙"]
    headings = [row[0].value for row in sheet.iter_rows() if row[0].value and " / " in str(row[0].value)]
    assert headings[1] == "個人情報の取り扱い / 个人信息的处理"  # the first section, after the title
    note = sheet.cell(row=rows["privacy_consent"], column=3).comment.text
    assert notice in note and section
    assert "privacy_transfer" in rows  # asked of companies in China


def test_an_import_without_agreement_is_refused_per_file_ja_zh(app, staff, tmp_path):
    blank = blank_form(app, "ja")
    none = fill(blank, {**FILLED_JA, "privacy_consent": None}, tmp_path / "none.xlsx")
    declined = fill(
        blank,
        {**FILLED_JA, "privacy_consent": "いいえ"},
        tmp_path / "declined.xlsx",
        corporate_number="2000012010019",
    )
    agreed = fill(blank, FILLED_JA, tmp_path / "agreed.xlsx")
    result = staff(str(none), str(declined), str(agreed))
    report = lines(result)
    assert report[0].startswith("none.xlsx：") and "declined.xlsx：" in "\n".join(report)
    text = "\n".join(report)
    assert text.count("個人情報の取り扱いに同意いただいていないため") == 2
    assert "agreed.xlsx：JM25-0001 として登録しました。" in report
    row = only_application(app)
    assert row.meta["consent"]["via"] == "form" and row.meta["consent"]["version"] == "2025-1"
    chinese = lines(staff("--dry-run", "--lang", "zh", str(none)))
    assert any("未同意个人信息的处理" in line for line in chinese)
