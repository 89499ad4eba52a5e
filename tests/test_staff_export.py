"""`japanmall staff export`, opened back with openpyxl and csv: headers in the chosen language,
labels and never codes, Japan-time dates as real dates, number formats, frozen header, filter,
widths, hyperlinks, the eligibility engine's verdict for companies that pass, fail and are
unknown, the counts sheet, the filters of staff list, and the CSV with its BOM."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import main
from conversations import vocab
from conversations.staff.review import SIZES
from conversations.statuses import STATUSES
from storage import applications as apps
from storage.application_files import APPLICATION_FORM, files_of
from storage.staff import set_meta
from tests.application_kit import application_of, at_confirm
from tests.staff_kit import submitted
from tests.transcript import CoreChat

CODES = {
    *vocab.TRACKS,
    *vocab.APPLICANT_TYPES,
    *vocab.PRODUCT_CATEGORIES,
    *vocab.INDUSTRIES,
    *vocab.EC_PLATFORMS,
    *vocab.STORE_OWNERS,
    *vocab.TRADEMARK_STATES,
    *vocab.CHANNELS,
    *vocab.LANGUAGES,
    *STATUSES,
    *SIZES,
    "yes",
    "no",
    "True",
    "False",
}


@pytest.fixture
def staff(app, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)
    monkeypatch.setenv("JAPANMALL_PROGRAMME", "japan-mall-2025")
    monkeypatch.setenv("JAPANMALL_FILES_DIR", str(app.settings.files_dir))
    monkeypatch.setenv("JAPANMALL_PUBLIC_URL", "https://bot.example.com")

    def invoke(*args: str):
        return CliRunner().invoke(main, ["staff", *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def three(app, clock):
    """A company that passes every rule, one that fails one and is large, one whose verdict is open."""
    passing = submitted(app, user="pass", status="under_review")
    failing = submitted(
        app,
        user="fail",
        status="rejected",
        accepts_export_control=False,
        capital_jpy=2_000_000_000,
        employees=5_000,
        company_name_ja="株式会社おおきな商事",
    )
    clock.advance(days=2, hours=3)  # the open one arrives later, on a Chinese channel
    unknown = submitted(
        app,
        user="open",
        lang="zh",
        track="group_buying",
        distributed_in_china=None,
        in_other_china_promotion=None,
        product_category="cosmetics",
        status="submitted",
    )
    return passing, failing, unknown


def table(path, sheet: str | None = None) -> tuple[list[str], dict[str, dict[str, object]], object]:
    book = load_workbook(path)
    sheet_ = book[sheet] if sheet else book.worksheets[0]
    rows = list(sheet_.iter_rows())
    header = [cell.value for cell in rows[0]]
    by_reference = {row[0].value: dict(zip(header, row, strict=True)) for row in rows[1:]}
    return header, by_reference, sheet_


def test_headers_in_the_chosen_language_and_labels_never_codes(staff, three, tmp_path):
    passing, _failing, unknown = three
    assert staff("export", "--output", str(tmp_path / "ja.xlsx")).exit_code == 0
    header, rows, _ = table(tmp_path / "ja.xlsx")
    assert header[:4] == [
        "受付番号",
        "状況",
        "状況の日時（日本時間、UTC+09:00）",
        "提出日時（日本時間、UTC+09:00）",
    ]
    for title in (
        "応募資格",
        "企業規模",
        "優先枠",
        "満たさない条件",
        "会社名（日本語）",
        "資本金",
        "商品資料 1",
    ):
        assert title in header
    assert len(set(header)) == len(header)  # every column once
    assert rows[passing.reference]["参加コース"].value == "KOL・KOCアフィリエイト"
    assert rows[passing.reference]["応募者の種別"].value == "日本法人"
    platforms = rows[passing.reference]["EC 店舗のプラットフォーム"].value
    assert platforms == "RED（小红书）、微信小店（WeChatのEC）"
    assert rows[unknown.reference]["状況"].value == "提出済み"
    assert rows[unknown.reference]["応募の経路"].value == "コンソール"
    assert rows[unknown.reference]["言語"].value == "中文（简体）"
    for row in rows.values():
        for cell in row.values():
            if isinstance(cell.value, str):
                parts = {cell.value, *(part.strip() for part in cell.value.split(","))}
                assert not parts & CODES, (cell.coordinate, cell.value)

    assert staff("export", "--output", str(tmp_path / "zh.xlsx"), "--lang", "zh").exit_code == 0
    header, rows, _ = table(tmp_path / "zh.xlsx")
    assert header[:2] == ["受理编号", "状态"]
    assert "报名资格" in header and "优先名额" in header and "注册资本" in header
    assert rows[passing.reference]["推广方式"].value == "KOL/KOC 带货推广"
    assert rows[passing.reference]["报名资格"].value == "符合"


def test_eligibility_and_priority_for_pass_fail_and_unknown(staff, three, tmp_path):
    passing, failing, unknown = three
    staff("export", "--output", str(tmp_path / "out.xlsx"))
    _header, rows, _ = table(tmp_path / "out.xlsx")

    def verdict(application) -> list[object]:
        row = rows[application.reference]
        names = (
            "応募資格",
            "企業規模",
            "規模の判定基準",
            "優先 P1（中小・中堅）",
            "優先 P2（他の販促なし）",
            "優先枠",
        )
        return [row[name].value for name in (*names, "満たさない条件", "未確定の条件", "注意事項")]

    assert verdict(passing) == ["適格", "中小企業", "SME-1", "はい", "はい", "はい", None, None, "A2, A3"]
    assert verdict(failing) == [
        "不適格",
        "大企業",
        "SME-1, MID-1",
        "いいえ",
        "はい",
        "いいえ",
        "E11",
        None,
        "A2, A3",
    ]
    assert verdict(unknown) == ["未確定", "中小企業", "SME-1", "はい", "不明", "不明", None, "E5", "A2, A3"]
    assert rows[failing.reference]["応募条件 E6〜E14 への同意"].value == "未同意：E11"
    assert rows[passing.reference]["応募条件 E6〜E14 への同意"].value == "すべて同意"


def test_dates_are_datetimes_in_japan_time_and_numbers_have_formats(app, staff, three, tmp_path):
    passing, _failing, unknown = three
    accepted_at = datetime(2026, 1, 20, 6, 30, tzinfo=UTC)  # 15:30 in Tokyo
    with app.engine.begin() as conn:
        moved = apps.move(
            conn, passing.id, from_status="under_review", to_status="accepted", actor="staff", now=accepted_at
        )
    assert moved
    shipment = {"carrier": "EMS", "tracking": "EE123456789JP", "date": "2026-01-22", "quantity": 5}
    product = {"product": "さくら緑茶", "buyers": 9, "orders": 10, "amount_cny": 880.5}
    row = application_of(app, passing.user_id)
    with app.engine.begin() as conn:
        set_meta(
            conn,
            row.id,
            {
                **row.meta,
                "shipment": shipment,
                "sales_data": {"pv": 12000, "uu": 3400, "products": [product]},
            },
        )
    staff("export", "--output", str(tmp_path / "out.xlsx"))
    _header, rows, sheet = table(tmp_path / "out.xlsx")
    mine = rows[passing.reference]
    assert mine["状況"].value == "採択"
    assert mine["状況の日時（日本時間、UTC+09:00）"].value == datetime(2026, 1, 20, 15, 30)
    assert mine["状況の日時（日本時間、UTC+09:00）"].number_format == "yyyy-mm-dd hh:mm"
    assert mine["提出日時（日本時間、UTC+09:00）"].value == datetime(2026, 1, 10, 9, 0)  # 00:00 UTC
    later = rows[unknown.reference]["提出日時（日本時間、UTC+09:00）"].value
    assert later == datetime(2026, 1, 10, 9, 0) + timedelta(days=2, hours=3)
    assert mine["資本金"].value == 300_000_000 and mine["資本金"].number_format == '#,##0"円"'
    assert mine["常時使用する従業員数"].number_format == '#,##0"人"'
    assert mine["中国での小売価格"].value == 88 and mine["中国での小売価格"].number_format == '#,##0.00"元"'
    assert mine["サンプルの発送日"].value == datetime(2026, 1, 22)
    assert mine["サンプルの発送日"].number_format == "yyyy-mm-dd"
    assert (mine["サンプルの追跡番号"].value, mine["サンプルの発送個数"].value) == ("EE123456789JP", 5)
    assert mine["販売データ PV"].value == 12000 and mine["販売データ PV"].number_format == "#,##0"
    assert mine["販売データ 販売金額（元）"].value == 880.5
    assert mine["販売データ 商品"].value == "さくら緑茶"
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=sheet.max_column).column_letter}4"
    assert sheet.column_dimensions["A"].width == 12
    assert sheet.column_dimensions["C"].width == 17


def test_materials_and_the_form_file_are_hyperlinks(app, staff, tmp_path):
    user_id = at_confirm(
        app,
        "u1",
        1,
        materials=[{"url": "https://example.jp/catalog.pdf"}, {"name": "photo.jpg", "path": "/in/photo.jpg"}],
    )
    CoreChat(app, user="u1").send("提出する")
    application = application_of(app, user_id)
    with app.engine.connect() as conn:
        (form,) = files_of(conn, application.id, APPLICATION_FORM)
    staff("export", "--output", str(tmp_path / "out.xlsx"))
    _header, rows, _ = table(tmp_path / "out.xlsx")
    row = rows[application.reference]
    assert row["商品資料"].value == 2
    assert row["商品資料 1"].hyperlink.target == "https://example.jp/catalog.pdf"
    assert row["商品資料 1"].value == "https://example.jp/catalog.pdf"
    assert (row["商品資料 2"].value, row["商品資料 2"].hyperlink.target) == (
        "photo.jpg",
        "file:///in/photo.jpg",
    )
    assert row["商品資料 3"].value is None
    assert row["応募用紙ファイル"].value == "JM25-0001.xlsx"
    assert row["応募用紙ファイル"].hyperlink.target == f"https://bot.example.com/files/{form.token}"


def test_the_counts_sheet(staff, three, tmp_path):
    staff("export", "--output", str(tmp_path / "out.xlsx"))
    book = load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["応募一覧", "集計"]
    lines = [tuple(cell.value for cell in row) for row in book["集計"].iter_rows()]
    groups: dict[str, dict[str, int]] = {}
    heading = None
    for label, count in lines:
        if label is None:
            continue
        if count == "件数":
            heading = label
            groups[heading] = {}
        else:
            groups[heading][label] = count
    assert [list(counts) for counts in groups.values()] == [  # in the vocabulary's order
        ["提出済み", "審査中", "不採択"],
        ["KOL・KOCアフィリエイト", "共同購入アプリ（快团团）"],
        ["中小企業", "大企業"],
        ["はい", "いいえ", "不明"],
    ]
    assert groups == {
        "状況": {"審査中": 1, "不採択": 1, "提出済み": 1},
        "参加コース": {"KOL・KOCアフィリエイト": 2, "共同購入アプリ（快团团）": 1},
        "企業規模": {"中小企業": 2, "大企業": 1},
        "優先枠": {"はい": 1, "いいえ": 1, "不明": 1},
    }


def test_the_filters_of_staff_list(staff, three, tmp_path):
    passing, failing, unknown = three
    for args, expected in (
        (("--status", "rejected"), [failing.reference]),
        (("--track", "group_buying"), [unknown.reference]),
        (("--size", "large"), [failing.reference]),
        (("--company-lang", "zh"), [unknown.reference]),
        (("--category", "cosmetics"), [unknown.reference]),
        (("--search", "おおきな"), [failing.reference]),
    ):
        result = staff("export", "--output", str(tmp_path / "f.xlsx"), *args)
        assert result.exit_code == 0, result.output
        _header, rows, _ = table(tmp_path / "f.xlsx")
        assert list(rows) == expected, args
    assert passing.reference


def test_the_csv_has_a_bom_and_the_same_columns(staff, three, tmp_path):
    passing, _failing, _unknown = three
    staff("export", "--output", str(tmp_path / "out.xlsx"))
    header, rows, _ = table(tmp_path / "out.xlsx")
    assert staff("export", "--output", str(tmp_path / "out.csv")).exit_code == 0
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == header
    read = {line[0]: dict(zip(header, line, strict=True)) for line in lines[1:]}
    assert list(read) == list(rows)
    mine = read[passing.reference]
    assert mine["提出日時（日本時間、UTC+09:00）"] == "2026-01-10 09:00"
    assert (mine["状況"], mine["応募資格"], mine["資本金"]) == ("審査中", "適格", "300000000")
    bad = staff("export", "--output", str(tmp_path / "out.pdf"))
    assert bad.exit_code == 2 and ".xlsx or .csv" in bad.output


def test_what_a_company_wrote_is_never_a_formula(app, staff, tmp_path):
    sly = submitted(
        app, user="sly", company_name_ja='=HYPERLINK("https://evil.example","x")', brand="+cmd|calc"
    )
    staff("export", "--output", str(tmp_path / "out.xlsx"))
    _header, rows, _ = table(tmp_path / "out.xlsx")
    name = rows[sly.reference]["会社名（日本語）"]
    assert (name.value, name.data_type) == ('=HYPERLINK("https://evil.example","x")', "s")
    staff("export", "--output", str(tmp_path / "out.csv"))
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as handle:
        (line,) = list(csv.DictReader(handle))
    assert line["会社名（日本語）"] == '\'=HYPERLINK("https://evil.example","x")'
    assert line["ブランド名"] == "'+cmd|calc"
