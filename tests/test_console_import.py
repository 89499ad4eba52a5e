"""The console's upload of e-mailed forms over real HTTP: checked first (each file's line, each bad
cell with its reference and reason, in the staff member's language), then imported by the very
code of `japanmall staff import`; CSRF, roles, the size limit, a hostile workbook, the audit log.
An imported company has no chat account: its notices are undeliverable, its e-mail beside them."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from staff_console import imports
from storage import applications as apps
from storage import channel_users
from storage.models import Application, Base, StaffAudit
from tests.console_kit import account, browser_client, csrf_of, serving, signed_in
from tests.form_kit import FILLED_JA, blank_form, cell_of, fill
from tests.staff_kit import reload, submitted

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def served(app):
    with serving(app) as url:
        yield url


@pytest.fixture
def forms(app, tmp_path):
    """A good form, one with two bad cells, and a workbook that is no form, as files to upload."""
    blank = blank_form(app)
    good = fill(blank, FILLED_JA, tmp_path / "ume.xlsx")
    bad = fill(
        blank,
        FILLED_JA,
        tmp_path / "matsu.xlsx",
        corporate_number="1234567890123",
        email="ichiro@",
    )
    other = tmp_path / "budget.xlsx"
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "予算"
    book.save(other)
    return {"blank": blank, "good": good, "bad": bad, "other": other}


def counts(app) -> dict[str, int]:
    """Rows of every table but the console's own (the audit log, sessions, sign-in failures)."""
    with app.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
            if not t.name.startswith("staff_")
        }


def audit_rows(app, action: str) -> list:
    with app.engine.connect() as conn:
        table = StaffAudit.__table__
        return list(conn.execute(select(table).where(table.c.action == action)))


def upload(http, page, *paths, **fields):
    files = [("files", (path.name, path.read_bytes(), XLSX)) for path in paths]
    return http.post("/staff/import/check", data={"csrf": csrf_of(page), **fields}, files=files)


def texts_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_reviewer_checks_the_upload_then_imports_the_good_form(app, served, forms):
    account(app, "reviewer1", "reviewer")
    http = signed_in(served, "reviewer1")
    intake = http.get("/staff/intake")
    assert 'href="/staff/import"' in intake.text  # the import is offered beside the export
    page = http.get("/staff/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    before = counts(app)

    checked = upload(http, page, forms["good"], forms["bad"], forms["other"])
    assert checked.status_code == 200
    shown = texts_of(checked.text)
    t = app.texts
    assert "ume.xlsx：問題はありません（確認のみ。登録はしていません）。" in shown
    assert "matsu.xlsx：登録しませんでした（問題 2 件）。" in shown
    assert "budget.xlsx：登録しませんでした（問題 1 件）。" in shown
    for name, key in (
        ("corporate_number", "application.invalid.corporate_number_check"),
        ("email", "application.invalid.email"),
    ):
        row = (
            f'<td class="cell">{cell_of(forms["blank"], name)}</td>'
            f"<td>{t.render('ja', f'application.fields.{name}')}</td>"
            f"<td>{t.render('ja', key)}</td>"
        )
        assert row in checked.text.replace("\n", "").replace("      ", "")
    assert t.render("ja", "export.import.not_a_form") in shown
    assert "確認のみ：問題なし 1 件、問題あり 2 件（何も登録していません）" in shown
    assert counts(app) == before  # the check wrote nothing
    assert [row.detail for row in audit_rows(app, "import_check")] == [{"files": 3, "refused": 2}]

    token = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)
    done = http.post("/staff/import/run", data={"csrf": csrf_of(checked), "token": token})
    assert done.status_code == 200
    shown = texts_of(done.text)
    assert "ume.xlsx：JM25-0001 として登録しました。" in shown
    assert "matsu.xlsx：登録しませんでした（問題 2 件）。" in shown
    assert '<a href="/staff/applications/JM25-0001">' in done.text
    with app.engine.connect() as conn:
        (row,) = [apps.application_by_id(conn, i) for i in conn.execute(select(Application.id)).scalars()]
        user = channel_users.by_id(conn, row.user_id)
    assert row.reference == "JM25-0001" and row.status == "submitted"
    assert row.meta["source"] == "email" and row.meta["imported_by"] == "console:reviewer1"
    assert user.channel == "email"
    (imported,) = audit_rows(app, "import")
    assert imported.actor == "console:reviewer1" and imported.target == "JM25-0001"
    assert not any((app.settings.files_dir / imports.FOLDER).iterdir())  # the kept upload is gone
    # the same token again: nothing is left to import
    again = http.post("/staff/import/run", data={"csrf": csrf_of(done), "token": token})
    assert again.status_code == 410 and "有効期限が切れました" in again.text
    # and the same form uploaded again is the duplicate it is
    repeat = texts_of(upload(http, done, forms["good"]).text)
    assert "この法人番号の会社からは、すでに応募があります（受付番号 JM25-0001" in repeat


def test_a_chinese_staff_member_reads_the_report_in_chinese_and_the_time_in_china_time(app, served, forms):
    account(app, "wang", "admin", language="zh")
    http = signed_in(served, "wang")
    page = http.get("/staff/import")
    prefs = http.post(
        "/staff/preferences", data={"csrf": csrf_of(page), "language": "zh", "timezone": "Asia/Shanghai"}
    )
    assert prefs.status_code == 303
    page = http.get("/staff/import")
    assert "收到邮件的日期和时间（北京时间" in texts_of(page.text)
    checked = upload(http, page, forms["bad"], received_date="2026年1月20日", received_time="10:00")
    shown = texts_of(checked.text)
    t = app.texts
    assert "matsu.xlsx：未登记（2 个问题）。" in shown
    assert t.render("zh", "application.invalid.email") in shown
    assert t.render("zh", "application.fields.email") in shown
    assert "登録しませんでした" not in shown and "問題" not in shown  # no Japanese in the report
    assert 'name="token"' not in checked.text  # nothing to import
    good = upload(http, checked, forms["good"], received_date="2026年1月20日（周二）", received_time="10:00")
    token = re.search(r'name="token" value="([^"]+)"', good.text).group(1)
    done = http.post("/staff/import/run", data={"csrf": csrf_of(good), "token": token})
    assert "ume.xlsx：已登记为 JM25-0001。" in texts_of(done.text)
    with app.engine.connect() as conn:
        row = apps.application_by_reference(conn, "JM25-0001")
    assert row.submitted_at.astimezone(UTC) == datetime(2026, 1, 20, 2, 0, tzinfo=UTC)  # 10:00 in China

    late = upload(http, done, forms["bad"], received_date="2026/02/02", received_time="9:00")
    assert late.status_code == 200
    unreadable = upload(http, late, forms["good"], received_date="1月20日ごろ")
    assert unreadable.status_code == 400 and "无法识别收到的日期和时间" in texts_of(unreadable.text)


def test_a_form_received_after_the_deadline_is_refused_as_the_cli_refuses_it(app, served, forms):
    account(app, "reviewer1", "reviewer")
    http = signed_in(served, "reviewer1")
    page = http.get("/staff/import")
    before = counts(app)
    checked = upload(http, page, forms["good"], received_date="2026-01-31", received_time="08:00")
    shown = texts_of(checked.text)
    assert "ume.xlsx：登録しませんでした（問題 1 件）。" in shown
    assert 'name="token"' not in checked.text
    assert counts(app) == before


def test_without_the_csrf_token_or_as_a_viewer_nothing_is_checked_kept_or_written(app, served, forms):
    account(app, "viewer1", "viewer")
    account(app, "reviewer1", "reviewer")
    files = [("files", ("ume.xlsx", forms["good"].read_bytes(), XLSX))]
    before = counts(app)
    reviewer = signed_in(served, "reviewer1")
    for data in ({}, {"csrf": "forged"}):
        response = reviewer.post("/staff/import/check", data=data, files=files)
        assert response.status_code == 403
    assert reviewer.post("/staff/import/run", data={"token": "x" * 43}).status_code == 403
    viewer = signed_in(served, "viewer1")
    page = viewer.get("/staff/intake")
    assert 'href="/staff/import"' not in page.text
    assert viewer.get("/staff/import").status_code == 403
    refused = viewer.post("/staff/import/check", data={"csrf": csrf_of(page)}, files=files)
    assert refused.status_code == 403 and "この操作はできません" in refused.text
    stranger = browser_client(served)
    for response in (stranger.get("/staff/import"), stranger.post("/staff/import/check", files=files)):
        assert response.status_code == 303 and response.headers["location"] == "/staff/login"
        assert "ume" not in response.text
    assert counts(app) == before
    assert audit_rows(app, "import_check") == []
    folder = app.settings.files_dir / imports.FOLDER
    assert not folder.exists() or not any(folder.iterdir())


def test_an_upload_too_large_or_of_too_many_files_is_refused_before_it_is_read(app, served, forms):
    account(app, "reviewer1", "reviewer")
    http = signed_in(served, "reviewer1")
    page = http.get("/staff/import")
    from bot.server import LARGER_BODY

    assert LARGER_BODY["/staff/import/check"] > imports.MAX_REQUEST  # the server lets it reach the console
    huge = b"x" * (imports.MAX_REQUEST + 1)
    response = http.post(
        "/staff/import/check", data={"csrf": csrf_of(page)}, files=[("files", ("big.xlsx", huge, XLSX))]
    )
    assert response.status_code == 413 and "ファイルが大きすぎます" in response.text
    many = [("files", (f"f{n}.xlsx", b"PK", XLSX)) for n in range(imports.MAX_FILES + 1)]
    response = http.post("/staff/import/check", data={"csrf": csrf_of(page)}, files=many)
    assert response.status_code == 400 and "20件まで" in response.text
    response = http.post("/staff/import/check", data={"csrf": csrf_of(page)})
    assert response.status_code == 400 and "応募用紙（.xlsx）を選んでください" in response.text
    assert audit_rows(app, "import_check") == []


def test_a_hostile_workbook_is_refused_as_unreadable_not_expanded(app, served, forms, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    laughs = '<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(forms["good"]) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = laughs.encode() + content
            target.writestr(item, content)
    account(app, "reviewer1", "reviewer")
    http = signed_in(served, "reviewer1")
    before = counts(app)
    shown = texts_of(upload(http, http.get("/staff/import"), bomb).text)
    assert "bomb.xlsx：登録しませんでした（問題 1 件）。" in shown
    assert "Excel ファイル（.xlsx）として読み取れませんでした。" in shown and "ファイル全体" in shown
    assert counts(app) == before


def test_a_check_kept_for_one_reviewer_cannot_be_imported_by_another(app, served, forms):
    account(app, "reviewer1", "reviewer")
    account(app, "reviewer2", "reviewer")
    first = signed_in(served, "reviewer1")
    checked = upload(first, first.get("/staff/import"), forms["good"])
    token = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)
    second = signed_in(served, "reviewer2")
    page = second.get("/staff/import")
    for given in (token, "../" + token[3:], "x"):
        response = second.post("/staff/import/run", data={"csrf": csrf_of(page), "token": given})
        assert response.status_code == 410
    assert counts(app)["applications"] == 0


def test_an_imported_applications_notices_are_undeliverable_with_its_email_beside(app, served, forms):
    account(app, "reviewer1", "reviewer")
    http = signed_in(served, "reviewer1")
    checked = upload(http, http.get("/staff/import"), forms["good"])
    token = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)
    http.post("/staff/import/run", data={"csrf": csrf_of(checked), "token": token})
    page = http.get("/staff/applications/JM25-0001")
    assert "メール（応募用紙）" in page.text and "メールで届いた応募用紙：JM25-0001.xlsx" in page.text
    preview = http.get("/staff/applications/JM25-0001/move", params={"to": "under_review"})
    assert "チャットのアカウントがありません" in preview.text
    assert 'href="mailto:ichiro@ume-seika.example.jp"' in preview.text
    moved = http.post(
        "/staff/applications/JM25-0001/move", data={"to": "under_review", "csrf": csrf_of(page)}
    )
    assert moved.status_code == 303
    page = http.get(moved.headers["location"])
    assert "届けられません（チャットのアカウントなし）" in page.text  # the flash and the deliveries
    deliveries = page.text[page.text.index("企業への送信") :]
    assert '<a href="mailto:ichiro@ume-seika.example.jp">ichiro@ume-seika.example.jp</a>' in deliveries
    assert "no chat account" not in page.text  # the log's English reason is not shown to staff
    history = texts_of(page.text[page.text.index("ステータスの履歴") : page.text.index("企業への送信")])
    assert "企業" in history and "職員 reviewer1" in history and "email:" not in history
    with app.engine.connect() as conn:
        assert apps.application_by_reference(conn, "JM25-0001").status == "under_review"


def test_sample_dates_are_typed_and_shown_as_the_staff_member_reads_dates(app, served):
    row = submitted(app, status="accepted")
    account(app, "reviewer1", "reviewer")
    http = signed_in(served, "reviewer1")
    page = http.get(f"/staff/applications/{row.reference}")
    assert 'type="date"' not in page.text  # the browser's own date picker speaks its own language
    saved = http.post(
        f"/staff/applications/{row.reference}/details",
        data={"csrf": csrf_of(page), "samples_due": "2026年3月1日", "sales_data_due": "２０２６/４/３０"},
    )
    assert saved.status_code == 303
    assert reload(app, row).meta["samples_due"] == "2026-03-01"
    assert reload(app, row).meta["sales_data_due"] == "2026-04-30"
    page = http.get(f"/staff/applications/{row.reference}")
    assert 'value="2026年3月1日"' in page.text and 'value="2026年4月30日"' in page.text
