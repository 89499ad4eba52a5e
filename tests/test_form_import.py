"""`japanmall staff import`: the filled form the bot sends imports back to the same application;
a blank form filled in Japanese or Chinese becomes an application from the channel "email"; each
kind of bad cell is reported with its cell and reason; a company that applied is refused;
--dry-run writes nothing; an imported company's notices are undeliverable, its e-mail beside."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bot.form_import import import_forms
from conversations.application.document import VERSION_KEY
from conversations.eligibility import evaluate
from storage import applications as apps
from storage import channel_users
from storage.models import Application, Base
from tests.application_kit import FIELDS, PROFILE, VERDICT, corporate_number, draft_with, seed
from tests.form_kit import FILLED_JA, IMPORTED_JA, blank_form, cell_of, fill, jan, rows_by_key
from tests.transcript import CoreChat


@pytest.fixture
def staff(app, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)
    monkeypatch.setenv("JAPANMALL_PROGRAMME", "japan-mall-2025")
    monkeypatch.setenv("JAPANMALL_FILES_DIR", str(app.settings.files_dir))

    def invoke(*args: str):
        if args[0] == "import":  # forms received while intake was open (the CLI's clock is today's)
            args = ("import", "--received", RECEIVED, *args[1:])
        return CliRunner().invoke(main_cli(), ["staff", *args], catch_exceptions=False)

    return invoke


RECEIVED = "2026-01-20T10:00"


def main_cli():
    from bot.cli import main

    return main


def lines(result) -> list[str]:
    return result.output.strip().splitlines()


def counts(app) -> dict[str, int]:
    with app.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def empty_the_database(app) -> None:
    with app.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def only_application(app) -> apps.ApplicationRow:
    with app.engine.connect() as conn:
        ids = conn.execute(select(Application.id)).scalars().all()
        assert len(ids) == 1, ids
        return apps.application_by_id(conn, ids[0])


def without_verdict(data: dict) -> dict:
    """The data but the verdict; a consent by what was agreed to (an import records its own time)."""
    out = {key: value for key, value in data.items() if key != "eligibility_verdict"}
    for key in ("privacy_consent", "privacy_transfer"):
        if isinstance(out.get(key), dict):
            out[key] = {"agreed": out[key]["agreed"], "version": out[key]["version"]}
    return out


GROUP_BUYING_ZH = {
    **{
        key: value
        for key, value in PROFILE.items()
        if key not in ("ec_platforms", "store_owner", "cross_border_direct")
    },
    **{key: value for key, value in FIELDS.items() if key not in ("store_name", "trademark_number")},
    "track": "group_buying",
    "product_category": "cosmetics",
    "distributed_in_china": True,
    "distribution": "上海の輸入代理店を通じて天猫国際で販売",
    "maker_is_applicant": False,
    "manufacturer_name": "株式会社さくら化粧品",
    "manufacturer_industry": "wholesale",
    "company_name_en": "Sakura Trading / China",
    "jan_code": jan("490000000001"),
    "china_trademark": "none",
    "in_other_china_promotion": True,
    "other_promotions": "天猫双11",
    "notes": "样品可以从上海发出",
}


@pytest.mark.parametrize(
    ("lang", "answers"),
    [("ja", {**PROFILE, **FIELDS}), ("zh", GROUP_BUYING_ZH)],
    ids=["ja-kol", "zh-group-buying"],
)
def test_the_filled_form_the_bot_sends_imports_into_an_empty_database_as_the_same_application(
    app, lang, answers
):
    answers = {**answers, "corporate_number": corporate_number(1), "eligibility_verdict": VERDICT}
    user_id = seed(app, user="u1", lang=lang, answers=answers, flow="application", step="confirm")
    with app.engine.begin() as conn:
        draft_with(conn, app, user_id, answers, actor="console:u1", now=app.services.clock())
    chat = CoreChat(app, user="u1")
    chat.send("提出する" if lang == "ja" else "提交")
    (document,) = [message.document for message in chat.last.messages if message.document]
    original = only_application(app)
    form = Path(document.path).read_bytes()
    empty_the_database(app)

    report = import_forms(app, [("JM25-0001.xlsx", form)], who="cli:tester")
    assert [item.problems for item in report.files] == [[]], report.lines(app.texts, "ja")
    imported = only_application(app)
    assert without_verdict(imported.data) == without_verdict(original.data)
    assert imported.data["eligibility_verdict"] == evaluate(original.data, app.programme)
    assert (imported.reference, imported.status, imported.track) == (
        original.reference,
        "submitted",
        original.track,
    )
    assert (imported.corporate_number, imported.company_name) == (
        original.corporate_number,
        original.company_name,
    )
    assert (imported.meta["source"], imported.meta["channel"], imported.meta["language"]) == (
        "email",
        "email",
        lang,
    )


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_a_blank_form_filled_in_becomes_an_application_from_the_email_channel(app, staff, tmp_path, lang):
    values = dict(FILLED_JA)
    if lang == "zh":  # the labels of the Chinese form's lists
        values.update(
            applicant_type="日本法人",
            maker_is_applicant="是",
            manufacturer_industry="制造业及其他",
            wholly_owned_by_large_company="否",
            product_category="食品、酒类",
            japanese_brand="是",
            china_trademark="申请中",
            track="KOL/KOC 带货推广",
            ec_platforms="小红书（RED）、抖音（Douyin）",
            store_owner="合作伙伴的店铺",
            cross_border_direct="否",
            samples_more="否",
            in_other_china_promotion="否",
            **{
                name: "是"
                for name in FILLED_JA
                if FILLED_JA[name] == "はい" and name not in ("maker_is_applicant", "japanese_brand")
            },
        )
    path = fill(blank_form(app, lang), values, tmp_path / "うめ製菓.xlsx")
    result = staff("import", str(path))
    assert lines(result) == ["うめ製菓.xlsx：JM25-0001 として登録しました。", "登録 1 件、問題あり 0 件"]
    assert result.exit_code == 0
    row = only_application(app)
    assert without_verdict(row.data) == IMPORTED_JA
    assert row.data["eligibility_verdict"]["eligible"] is True
    assert (row.status, row.meta["source"], row.meta["language"]) == ("submitted", "email", lang)
    with app.engine.connect() as conn:
        user = channel_users.by_id(conn, row.user_id)
        history = [(h.from_status, h.to_status, h.actor) for h in apps.history(conn, row.id)]
    assert (user.channel, user.channel_user_id, user.language) == (
        "email",
        IMPORTED_JA["corporate_number"],
        lang,
    )
    actor = f"email:{IMPORTED_JA['corporate_number']}"
    assert history == [(None, "draft", actor), ("draft", "submitted", actor)]
    kept = app.settings.files_dir.resolve() / "imports" / "JM25-0001.xlsx"
    assert kept.read_bytes() == path.read_bytes()


def test_a_cell_in_the_words_a_company_uses_reads_as_the_chat_reads_it(app, staff, tmp_path):
    """A typed cell instead of the list's label: the chat's declared words name the option."""
    values = {**FILLED_JA, "applicant_type": "日本法人です", "product_category": "食品です"}
    path = fill(blank_form(app), values, tmp_path / "words.xlsx")
    result = staff("import", str(path))
    assert result.exit_code == 0, lines(result)
    row = only_application(app)
    read = (row.data["applicant_type"], row.data["product_category"])
    assert read == ("japanese_corporation", "food_alcohol")


def test_each_kind_of_bad_cell_is_reported_with_its_cell_and_reason(app, staff, tmp_path):
    blank = blank_form(app)
    bad = {
        "company_name_ja": "あ" * 201,
        "corporate_number": "1234567890123",
        "address": None,
        "website": "ume seika",
        "email": "ichiro@",
        "phone": "12345",
        "capital_jpy": "たくさん",
        "employees": "多い",
        "product_category": "スマートフォン",
        "japanese_brand": "いいえ",
        "jan_code": "4901234567890",
        "price_cny": "100円",
        "ec_platforms": "Amazon",
        "materials": "資料はメールに添付しました",
        "samples_count": 50,
        "accepts_jetro_decision": "わからない",
    }
    path = fill(blank, FILLED_JA, tmp_path / "bad.xlsx", **bad)
    result = staff("import", "--dry-run", str(path))
    assert result.exit_code == 2
    t = app.texts

    def line(name: str, key: str, **variables) -> str:
        reason = t.render("ja", key, **variables)
        return f"  {cell_of(blank, name)} {t.render('ja', f'application.fields.{name}')}：{reason}"

    categories = "、".join(
        t.render("ja", f"application.options.product_category.{c}")
        for c in ("food_alcohol", "daily_goods", "cosmetics", "stationery", "ip_goods", "other")
    )
    assert lines(result) == [
        "bad.xlsx：登録しませんでした（問題 16 件）。",
        line("company_name_ja", "application.invalid.too_long", limit=200, length=201),
        line("corporate_number", "application.invalid.corporate_number_check"),
        line("address", "application.invalid.required"),
        line("website", "application.invalid.url"),
        line("email", "application.invalid.email"),
        line("phone", "application.invalid.phone"),
        line("capital_jpy", "application.invalid.yen"),
        line("employees", "application.invalid.headcount"),
        line("product_category", "export.import.not_an_option", options=categories),
        line(
            "japanese_brand",
            "export.import.rule_not_met",
            rule="E2",
            condition=t.render("ja", "application.rules.E2"),
        ),
        line("jan_code", "application.invalid.jan_check"),
        line("price_cny", "application.invalid.price_not_yuan"),
        line("ec_platforms", "application.invalid.platforms", count=3),
        line("materials", "application.invalid.materials_none"),
        line("samples_count", "application.invalid.samples_range", maximum=10),
        line("accepts_jetro_decision", "export.import.not_an_option", options="はい、いいえ"),
        "確認のみ：問題なし 0 件、問題あり 1 件（何も登録していません）",
    ]
    chinese = lines(staff("import", "--dry-run", "--lang", "zh", str(path)))
    assert chinese[0] == "bad.xlsx：未登记（16 个问题）。"
    zh_label = t.render("zh", "application.fields.email")
    assert f"  {cell_of(blank, 'email')} {zh_label}：{t.render('zh', 'application.invalid.email')}" in chinese


def test_a_company_that_applied_already_is_refused(app, staff, tmp_path):
    blank = blank_form(app)
    path = fill(blank, FILLED_JA, tmp_path / "first.xlsx")
    assert staff("import", str(path)).exit_code == 0
    again = staff("import", str(path))
    assert again.exit_code == 2
    assert lines(again) == [
        "first.xlsx：登録しませんでした（問題 1 件）。",
        f"  {cell_of(blank, 'corporate_number')} 法人番号：この法人番号の会社からは、すでに応募があります"
        "（受付番号 JM25-0001、状況：提出済み）。応募は1社につき1回です。",
        "登録 0 件、問題あり 1 件",
    ]
    other = fill(blank, FILLED_JA, tmp_path / "second.xlsx", corporate_number=corporate_number(78))
    twice = staff("import", "--dry-run", str(other), str(other))
    assert lines(twice)[:3] == [
        "second.xlsx：問題はありません（確認のみ。登録はしていません）。",
        "second.xlsx：登録しませんでした（問題 1 件）。",
        f"  {cell_of(blank, 'corporate_number')} 法人番号："
        "同じ法人番号の応募用紙が、この取り込みの中にすでにあります。",
    ]


def test_dry_run_writes_nothing(app, staff, tmp_path):
    blank = blank_form(app)
    good = fill(blank, FILLED_JA, tmp_path / "good.xlsx")
    bad = fill(blank, FILLED_JA, tmp_path / "bad.xlsx", email="nobody")
    before = counts(app)
    assert before["files"] == 1  # the blank form sent
    result = staff("import", "--dry-run", str(good), str(bad))
    assert lines(result)[0] == "good.xlsx：問題はありません（確認のみ。登録はしていません）。"
    assert lines(result)[-1] == "確認のみ：問題なし 1 件、問題あり 1 件（何も登録していません）"
    assert counts(app) == before
    assert not (app.settings.files_dir / "imports").exists()
    assert staff("import", str(good), str(bad)).exit_code == 2
    after = counts(app)
    assert (after["applications"], after["users"], after["files"]) == (1, before["users"] + 1, 2)


def test_a_form_received_after_the_deadline_is_refused(app, tmp_path, monkeypatch, db_url):
    path = fill(blank_form(app), FILLED_JA, tmp_path / "late.xlsx")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)
    monkeypatch.setenv("JAPANMALL_FILES_DIR", str(app.settings.files_dir))
    late = CliRunner().invoke(main_cli(), ["staff", "import", "--received", "2026-01-31", str(path)])
    deadline = app.texts.render(
        "ja",
        "application.intake.deadline_passed",
        deadline=app.programme.dates.deadline,
        zone="日本時間、UTC+09:00",
    )
    assert late.exit_code == 2
    assert lines(late) == [
        "late.xlsx：登録しませんでした（問題 1 件）。",
        f"  {deadline}",
        "登録 0 件、問題あり 1 件",
    ]


def test_files_that_are_not_forms_of_this_programme(app, staff, tmp_path):
    (tmp_path / "notes.xlsx").write_text("not a spreadsheet")
    Workbook().save(tmp_path / "empty.xlsx")
    blank = blank_form(app)
    other = fill(blank, FILLED_JA, tmp_path / "other.xlsx")
    book = load_workbook(other)
    book["応募用紙"].cell(row=rows_by_key(other)[VERSION_KEY], column=3, value="japan-mall-2024/00000000/ja")
    book.save(other)
    result = staff("import", str(tmp_path / "notes.xlsx"), str(tmp_path / "empty.xlsx"), str(other))
    assert result.exit_code == 2
    assert lines(result) == [
        "notes.xlsx：登録しませんでした（問題 1 件）。",
        "  Excel ファイル（.xlsx）として読み取れませんでした。",
        "empty.xlsx：登録しませんでした（問題 1 件）。",
        "  JAPAN MALL の応募用紙ではありません（項目の欄が見つかりません）。",
        "other.xlsx：登録しませんでした（問題 1 件）。",
        "  ほかの事業（japan-mall-2024）の応募用紙です。",
        "登録 0 件、問題あり 3 件",
    ]


def test_an_imported_company_gets_no_chat_notice_and_staff_see_its_email(app, staff, tmp_path):
    path = fill(blank_form(app), FILLED_JA, tmp_path / "form.xlsx")
    assert staff("import", str(path)).exit_code == 0
    moved = staff("set-status", "JM25-0001", "under_review")
    assert moved.exit_code == 0 and "submitted -> under_review; notice undeliverable" in moved.output
    card = staff("show", "JM25-0001").output
    assert "経路：メール" in card
    (notice,) = [line for line in card.splitlines() if "状況のお知らせ" in line]
    assert (
        "メール  届けられません  チャットのアカウントがありません。連絡先メール：ichiro@ume-seika.example.jp"
        in notice
    )
    listed = staff("list", "--channel", "email").output
    assert "JM25-0001" in listed and "メール/日本語" in listed


def test_a_hostile_workbook_is_refused_as_unreadable(app, tmp_path):
    """An .xlsx whose sheet declares XML entities (a "billion laughs") is not expanded, only refused."""
    import zipfile

    path = fill(blank_form(app), FILLED_JA, tmp_path / "form.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    laughs = '<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # the entity in the company's name
                name = "".join(f"&#{ord(char)};" for char in "株式会社うめ製菓").encode()
                assert name in content
                content = laughs.encode() + content.replace(name, b"&b;", 1)
            target.writestr(item, content)
    report = import_forms(app, [("bomb.xlsx", bomb)], dry_run=True)
    assert report.lines(app.texts, "ja")[:2] == [
        "bomb.xlsx：登録しませんでした（問題 1 件）。",
        "  Excel ファイル（.xlsx）として読み取れませんでした。",
    ]
