"""The staff console in a real browser: Debian's Chromium driven by pytest-playwright, against
`japanmall serve`'s app with the Telegram channel pointed at the fake Bot API.

Screenshots of the dashboard and of one application, in Japanese and in Chinese, are saved to
test-artifacts/screenshots/ (not committed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from bot import broadcast as casting
from storage import staff as staff_store
from tests.console_kit import PASSWORD, account, populate
from tests.staff_kit import reload

pytest_plugins = ["tests.telegram_fixtures"]
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS, "headless": True}


# pytest-playwright keeps one Playwright for the whole session, and its sync API leaves an event
# loop running in the main thread, where later tests' asyncio.run() then fails. Here Playwright
# lives as long as this module, and stops (taking its loop with it) when the module is done.
@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="module")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="module")
def launch_browser(browser_type_launch_args, browser_type):
    return lambda **options: browser_type.launch(**{**browser_type_launch_args, **options})


@pytest.fixture(scope="module")
def browser(launch_browser):
    launched = launch_browser()
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def browser_context_args():
    return {"locale": "ja-JP", "timezone_id": "Asia/Tokyo"}


@pytest.fixture
def console(app, served):
    """The console of a populated programme; a reviewer, a viewer and an admin."""
    made = populate(app)
    account(app, "reviewer1", "reviewer")
    account(app, "viewer1", "viewer")
    account(app, "admin1", "admin", language="zh")
    return served.url, made


def sign_in(page: Page, url: str, name: str) -> None:
    page.goto(f"{url}/staff/applications")
    expect(page).to_have_url(re.compile(r"/staff/login$"))  # sent to the sign-in page first
    page.get_by_label(re.compile("アカウント名|账号名")).fill(name)
    page.get_by_label(re.compile("パスワード|密码")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("ログイン|登录")).click()
    expect(page.get_by_role("link", name=re.compile("ダッシュボード|概览"))).to_be_visible()


def texts_to(fake, chat_id: int) -> list[str]:
    return [call.params["text"] for call in fake.calls_of("sendMessage", chat_id=chat_id)]


def test_a_reviewer_filters_opens_and_moves_an_application_and_the_company_is_told_in_chinese(
    page: Page, console, fake, app
):
    url, made = console
    sign_in(page, url, "reviewer1")
    page.goto(f"{url}/staff/applications")
    page.get_by_label("ステータス").select_option("under_review")
    page.get_by_label("チャネル").select_option("telegram")
    page.get_by_role("button", name="絞り込む").click()
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("上海桜商事有限公司")
    rows.first.get_by_role("link").click()
    reference = made["7101"].reference
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.get_by_text("東京都千代田区丸の内1-1-1")).to_be_visible()  # a field with its label
    expect(page.get_by_text("企業とボットのやり取り")).to_be_visible()
    expect(page.locator("ol.chat li.said").first).to_contain_text("你好")  # the company's own words

    page.get_by_label("変更後のステータス").select_option("accepted")
    page.get_by_label("企業へのお知らせに添えるメモ（任意）").fill("请附上成分表")
    page.get_by_role("button", name="お知らせを確認する").click()
    preview = page.locator("pre.notice")
    expect(preview).to_contain_text(f"报名 {reference} 的状态已由“审核中”变为“已入选”")
    expect(preview).to_contain_text("请附上成分表")
    assert reload(app, made["7101"]).status == "under_review"  # nothing moved yet, nothing sent
    assert not [t for t in texts_to(fake, 7101) if "已入选" in t]

    page.get_by_role("button", name="変更してお知らせを送る").click()
    expect(page.locator(".flash")).to_contain_text("送信済み")
    assert reload(app, made["7101"]).status == "accepted"
    sent = fake.wait_for(lambda: [t for t in texts_to(fake, 7101) if "已入选" in t])
    assert sent[-1] == preview_text(app, made["7101"])
    expect(page.locator("table.compact").nth(1)).to_contain_text("お知らせ")  # the delivery, with its outcome


def preview_text(app, row) -> str:
    """What the notice says, read back from the delivery the console's move recorded."""
    with app.engine.connect() as conn:
        deliveries = staff_store.deliveries_for(conn, row.id)
    assert deliveries[-1].outcome == "sent"
    from sqlalchemy import select

    from storage.models import Delivery

    with app.engine.connect() as conn:
        payload = conn.execute(select(Delivery.payload).where(Delivery.id == deliveries[-1].id)).scalar_one()
    return payload["messages"][0]["text"]


def test_a_reviewer_answers_an_enquiry_and_the_company_gets_it_in_its_languages_frame(
    page: Page, console, fake
):
    url, made = console
    sign_in(page, url, "reviewer1")
    page.get_by_role("link", name="問い合わせ").click()
    enquiry = page.locator(f"#enquiry-{made['enquiry']}")
    expect(enquiry).to_contain_text("样品可以寄到上海吗")
    expect(enquiry.locator("ol.chat li.said")).to_contain_text("我们在上海有仓库")  # the chat around it
    enquiry.get_by_role("textbox").fill("可以，请寄到上海办公室。")
    enquiry.get_by_role("button", name="回答を送る").click()
    expect(page.locator(".flash")).to_contain_text("送信済み")
    got = fake.wait_for(lambda: [t for t in texts_to(fake, 7101) if "可以，请寄到上海办公室。" in t])
    assert got[-1].startswith("JETRO 对您问题的回复")
    page.get_by_role("link", name="すべて").click()
    expect(page.locator(f"#enquiry-{made['enquiry']}")).to_contain_text("回答済み")


def test_an_admin_broadcasts_from_dry_run_to_report_each_company_in_its_language(page: Page, console, fake):
    url, _made = console
    sign_in(page, url, "admin1")  # an admin who reads the console in Chinese
    page.get_by_role("link", name="群发").click()
    page.get_by_label("审核中").check()
    page.get_by_label("已入选").check()
    page.get_by_label("Telegram").check()
    page.get_by_label("日语正文").fill("【JETRO】説明会のご案内です。")
    page.get_by_label("中文正文").fill("【JETRO】说明会通知。")
    page.get_by_role("button", name="确认发送对象和预览").click()
    expect(page.get_by_role("heading", name=re.compile("发送对象 2 个"))).to_be_visible()
    expect(page.locator("table.counts")).to_contain_text("日语")
    expect(page.locator("table.counts")).to_contain_text("中文")
    assert not fake.calls_of("sendMessage", chat_id=7102)  # the dry run sent nothing
    page.get_by_role("button", name="发送给 2 个对象").click()
    expect(page.get_by_role("heading", name="结果")).to_be_visible(timeout=15000)
    expect(page.locator("#report")).to_contain_text(re.compile(r"已发送\s*2"))
    assert texts_to(fake, 7102)[-1] == "【JETRO】説明会のご案内です。"
    assert texts_to(fake, 7101)[-1] == "【JETRO】说明会通知。"


def test_an_interrupted_broadcast_resumes_and_reaches_nobody_twice(page: Page, console, fake, app):
    url, made = console
    segment = casting.Segment(references=(made["7102"].reference, made["7103"].reference))
    broadcast_id, _ = casting.prepare(
        app, segment, "再開のテスト", "继续测试", "cli:test"
    )  # the process died here
    sign_in(page, url, "admin1")
    page.goto(f"{url}/staff/broadcasts/{broadcast_id}")
    expect(page.get_by_text("此群发中途停止")).to_be_visible()
    page.get_by_role("button", name="继续发送").click()
    expect(page.locator("#report")).to_contain_text(re.compile(r"已发送\s*2"), timeout=15000)
    page.goto(f"{url}/staff/broadcasts/{broadcast_id}")
    expect(page.get_by_role("button", name="继续发送")).to_have_count(0)
    assert texts_to(fake, 7102).count("再開のテスト") == 1 and texts_to(fake, 7103).count("再開のテスト") == 1


def test_a_viewer_reads_but_is_refused_an_action(page: Page, console, app):
    url, made = console
    row = made["7101"]
    sign_in(page, url, "viewer1")
    page.goto(f"{url}/staff/applications/{row.reference}")
    expect(page.get_by_role("button", name="お知らせを確認する")).to_have_count(0)  # no action offered
    page.goto(f"{url}/staff/applications/{row.reference}/move?to=accepted")  # and none taken by URL
    expect(page.get_by_role("heading", name="この操作はできません")).to_be_visible()
    page.goto(f"{url}/staff/intake")
    expect(page.get_by_role("button", name="受付を締め切る")).to_have_count(0)
    assert reload(app, row).status == "under_review"


def test_sign_out_revokes_the_session(page: Page, console, browser):
    url, _made = console
    sign_in(page, url, "reviewer1")
    cookies = page.context.cookies()
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/staff/login$"))
    thief = browser.new_context()
    thief.add_cookies(cookies)  # the cookie as it was before signing out
    other = thief.new_page()
    other.goto(f"{url}/staff/")
    expect(other).to_have_url(re.compile(r"/staff/login$"))
    thief.close()


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_screenshots_of_the_dashboard_and_one_application(page: Page, console, lang, backend):
    url, made = console
    sign_in(page, url, "admin1" if lang == "zh" else "reviewer1")  # admin1 reads Chinese
    page.set_viewport_size({"width": 1366, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{url}/staff/")
    expect(page.locator("svg.chart").first).to_be_visible()
    page.screenshot(path=str(SHOTS / f"dashboard-{lang}-{backend}.png"), full_page=True)
    page.goto(f"{url}/staff/applications/{made['7101'].reference}")
    expect(page.locator("ol.chat")).to_be_visible()
    page.screenshot(path=str(SHOTS / f"application-{lang}-{backend}.png"), full_page=True)
    assert (SHOTS / f"dashboard-{lang}-{backend}.png").stat().st_size > 10_000


def test_a_reviewer_uploads_e_mailed_forms_checks_them_and_imports_the_good_one(
    page: Page, console, app, tmp_path, backend
):
    from tests.form_kit import FILLED_JA, blank_form, cell_of, fill

    url, _made = console
    blank = blank_form(app)
    good = fill(blank, FILLED_JA, tmp_path / "ume.xlsx")
    bad = fill(blank, FILLED_JA, tmp_path / "matsu.xlsx", email="ichiro@", corporate_number="1234567890123")
    before = application_count(app)
    sign_in(page, url, "reviewer1")
    page.get_by_role("link", name="エクスポートと受付").click()
    page.get_by_role("link", name="応募用紙を取り込む").click()
    page.get_by_label("応募用紙（.xlsx、複数可）").set_input_files([good, bad])
    page.get_by_label("日付（例：2026年1月20日）").fill("2026年1月9日")
    page.get_by_label("時刻（例：10:00）").fill("15:30")
    page.get_by_role("button", name="確認する（まだ登録しません）").click()
    report = page.locator("section.report")
    expect(report).to_contain_text("ume.xlsx：問題はありません（確認のみ。登録はしていません）。")
    expect(report).to_contain_text("matsu.xlsx：登録しませんでした（問題 2 件）。")
    bad_email = report.locator("tr", has_text=cell_of(blank, "email"))
    expect(bad_email).to_contain_text("メールアドレス")
    expect(bad_email).to_contain_text(app.texts.render("ja", "application.invalid.email"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(SHOTS / f"import-check-ja-{backend}.png"), full_page=True)
    assert application_count(app) == before  # the check wrote nothing
    page.get_by_role("button", name="問題のない 1 件を登録する").click()
    expect(report).to_contain_text(re.compile(r"ume\.xlsx：JM25-\d{4} として登録しました。"))
    report.get_by_role("link", name=re.compile("ume.xlsx")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("株式会社うめ製菓")
    expect(page.locator("dl.facts")).to_contain_text("メール（応募用紙）")
    expect(page.locator("dl.facts")).to_contain_text("2026年1月9日（金） 15:30")  # received, Japan time


def application_count(app) -> int:
    from sqlalchemy import func, select

    from storage.models import Application

    with app.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Application)).scalar_one()


def _tour(page: Page, url: str, lang: str, backend: str, references: dict[str, str]) -> list[str]:
    """Every page of the console, a screenshot each; the text of each, for the checks."""
    texts = []

    def visit(name: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(f"{url}{path}")
        page.screenshot(path=str(SHOTS / f"tour-{name}-{lang}-{backend}.png"), full_page=True)
        texts.append(page.locator("body").inner_text())

    visit("dashboard", "/staff/")
    visit("applications", "/staff/applications")
    page.goto(f"{url}/staff/applications/{references['chat']}")
    page.locator("input[name=samples_due]").fill("2026年3月1日")
    page.locator("form[action$='/details'] button[type=submit]").click()
    page.locator("form[action$='/notes'] textarea").fill("成分表を依頼済み")
    page.locator("form[action$='/notes'] button[type=submit]").click()
    expect(page.locator("input[name=samples_due]")).to_have_value("2026年3月1日")
    visit("application")
    visit("email-move-preview", f"/staff/applications/{references['email']}/move?to=under_review")
    page.locator("form.confirm button[type=submit]").click()
    expect(page.locator(".flash")).to_be_visible()
    visit("email-application")
    deliveries = page.locator("section.box", has=page.locator("a[href^='mailto:']")).last
    expect(deliveries).to_contain_text("ichiro@ume-seika.example.jp")
    expect(deliveries).to_contain_text("届けられません" if lang == "ja" else "无法送达")
    visit("erased-application", f"/staff/applications/{references['erased']}")
    expect(page.locator("p.erased")).to_be_visible()
    visit("move-preview", f"/staff/applications/{references['chat']}/move?to=accepted")
    visit("enquiries", "/staff/enquiries?show=all")
    visit("broadcasts", "/staff/broadcasts")
    page.locator("fieldset").first.get_by_role("checkbox").first.check()
    page.locator("textarea[name=text_ja]").fill("【JETRO】ご案内")
    page.locator("textarea[name=text_zh]").fill("【JETRO】通知")
    page.locator("form[action='/staff/broadcasts/preview'] button[type=submit]").click()
    visit("broadcast-preview")
    visit("broadcast", f"/staff/broadcasts/{references['broadcast']}")
    visit("intake", "/staff/intake")
    visit("import", "/staff/import")
    visit("audit", "/staff/audit")
    visit("accounts", "/staff/accounts")
    visit("not-found", "/staff/applications/JM25-9999")
    return texts


CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # a snake_case code (under_review, kol_affiliate…)
UTC_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\+00:00|UTC")


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_every_page_in_either_language_shows_labels_and_local_times_not_codes(
    page: Page, console, app, lang, backend
):
    from bot.form_import import import_forms
    from tests.form_kit import FILLED_JA, blank_form, fill

    url, made = console
    form = fill(blank_form(app), FILLED_JA, app.settings.files_dir / "ume.xlsx")
    (imported,) = import_forms(app, [("ume.xlsx", form)], who="cli:setup").files
    segment = casting.Segment(references=(made["7102"].reference,))
    broadcast_id, _ = casting.prepare(app, segment, "ご案内", "通知", "cli:test")
    casting_done = {"chat": made["7101"].reference, "email": imported.reference, "broadcast": broadcast_id}
    casting_done["erased"] = made["7102"].reference  # marked as `staff erase` marks it
    with app.engine.begin() as conn:
        from sqlalchemy import update

        from storage.models import Application

        mark = {"at": "2026-01-12T03:00:00+00:00", "by": "cli:setup"}
        meta = {**made["7102"].meta, "erased": mark}
        conn.execute(update(Application).where(Application.id == made["7102"].id).values(meta=meta))
    account(app, "kanri", "admin")
    name = "admin1" if lang == "zh" else "kanri"
    sign_in(page, url, name)
    if lang == "zh":  # and in China time
        page.locator("select[name=timezone]").select_option("Asia/Shanghai")
        expect(page.locator("footer")).to_contain_text("北京时间")
    page.set_viewport_size({"width": 1366, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    texts = _tour(page, url, lang, backend, casting_done)
    for shown in texts:
        assert not CODE.findall(shown), CODE.findall(shown)
        assert not UTC_TEXT.search(shown), UTC_TEXT.search(shown)
        assert not re.search(r"\b(?:console|cli|email|telegram):", shown)  # who, by name
        assert "=" not in shown  # an audit row's details by their labels
    hour = "08:00" if lang == "zh" else "09:00"  # the clock is 00:00 UTC: China time, Japan time
    audit = texts[-3]
    assert f"2026年1月10日（{'周六' if lang == 'zh' else '土'}） {hour}" in audit
    assert ("样品期限：2026年3月1日" if lang == "zh" else "サンプルの期日：2026年3月1日") in audit


def test_every_page_reads_without_javascript(console, browser, backend):
    url, made = console
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    try:
        sign_in(page, url, "admin1")
        expect(page.locator("svg.chart").first).to_be_visible()  # the charts are server-drawn SVG
        expect(page.locator("form.prefs button")).to_be_visible()  # the script would hide it
        page.goto(f"{url}/staff/applications?status=under_review")
        expect(page.locator("table.list tbody tr")).to_have_count(2)
        page.goto(f"{url}/staff/applications/{made['7101'].reference}")
        expect(page.locator("ol.chat li.said").first).to_contain_text("你好")
        page.goto(f"{url}/staff/enquiries")
        expect(page.locator(f"#enquiry-{made['enquiry']}")).to_contain_text("样品可以寄到上海吗")
        page.goto(f"{url}/staff/import")
        expect(page.get_by_role("button", name="检查（暂不登记）")).to_be_visible()
    finally:
        context.close()
