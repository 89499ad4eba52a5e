"""`japanmall staff …` against the test database: list with its filters, show, set-status
(refused with the allowed list, exit 2; the company notified), stats, enquiries and reply, and
the progress bar of a long export (the export itself: test_staff_export.py)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import main
from conversations import Inbound, UserKey
from storage.enquiries import create_enquiry
from tests.staff_kit import history, reload, submitted


@pytest.fixture
def staff(app, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAPANMALL_DATABASE_URL", db_url)
    monkeypatch.setenv("JAPANMALL_PROGRAMME", "japan-mall-2025")
    monkeypatch.setenv("JAPANMALL_FILES_DIR", str(tmp_path / "files"))

    def invoke(*args: str):
        return CliRunner().invoke(main, ["staff", *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def three(app):
    a = submitted(app, user="a", lang="ja", status="under_review")
    b = submitted(
        app, user="b", lang="zh", status="accepted", track="group_buying", product_category="cosmetics"
    )
    c = submitted(app, user="c", lang="ja", status="promotion_ended", company_name_ja="株式会社もみじ")
    return a, b, c


def test_every_command_has_help(staff):
    for command in ("list", "show", "set-status", "export", "stats", "enquiries", "reply"):
        result = staff(command, "--help")
        assert result.exit_code == 0 and "Usage: " in result.output, command
    assert "--category" in staff("list", "--help").output


def test_list_filters(staff, three):
    a, b, c = three
    everything = json.loads(staff("list", "--json").output)
    assert [item["reference"] for item in everything] == [a.reference, b.reference, c.reference]

    def refs(*args: str) -> list[str]:
        result = staff("list", "--json", *args)
        assert result.exit_code == 0, result.output
        return [item["reference"] for item in json.loads(result.output)]

    assert refs("--status", "accepted") == [b.reference]
    assert refs("--track", "group_buying") == [b.reference]
    assert refs("--category", "cosmetics") == [b.reference]
    assert refs("--lang", "ja") == [a.reference, c.reference]
    assert refs("--channel", "console") == [a.reference, b.reference, c.reference]
    assert refs("--channel", "wechat") == []
    assert refs("--search", "もみじ") == [c.reference]
    assert refs("--size", "sme") == [a.reference, b.reference, c.reference]  # 120 employees, 3億円
    assert staff("list", "--status", "nonsense").exit_code == 2
    assert a.reference in staff("list").output


def test_show_every_field_history_and_deliveries(staff, three):
    a, _b, _c = three
    detail = json.loads(staff("show", a.reference, "--json").output)
    assert detail["fields"]["company_name_ja"] == "株式会社さくら食品"
    assert detail["fields"]["product_name_ja"] == "さくら緑茶"
    assert [h["to"] for h in detail["history"]] == ["draft", "submitted", "under_review"]
    assert detail["deliveries"] == []
    text = staff("show", a.reference.lower()).output
    card = text.splitlines()
    assert card[0] == f"{a.reference}  株式会社さくら食品"
    assert card[1] == (
        "状況：審査中（2026年1月10日（土） 09:00 から）　提出：2026年1月10日（土） 09:00"
        "　経路：コンソール　時刻：日本時間、UTC+09:00"
    )
    assert card[2] == "応募資格：適格　企業規模：中小企業（SME-1）　優先枠：はい（P1：はい、P2：はい）"
    sections = [line for line in card if line.startswith("【")]
    assert sections == [
        "【個人情報の取り扱い】",
        "【応募企業】",
        "【商品のメーカー】",
        "【商品】",
        "【参加コース】",
        "【商品資料とサンプル】",
        "【応募条件への同意】",
        "【その他】",
        "【履歴】",
        "【企業への通知】",
    ]
    assert "  応募者の種別：日本法人" in card and "  資本金：300,000,000円" in card
    assert "  2026年1月10日（土） 09:00  提出済み → 審査中  setup" in card
    assert "【报名企业】" in staff("show", a.reference, "--lang", "zh").output
    missing = staff("show", "JM25-9999")
    assert missing.exit_code == 2 and "no application JM25-9999" in missing.output


def test_set_status_moves_notifies_and_refuses_with_the_allowed_list(app, staff, three):
    a, _b, _c = three
    refused = staff("set-status", a.reference, "completed")
    assert refused.exit_code == 2
    assert "allowed: accepted, waitlisted, rejected, withdrawn" in refused.output
    assert reload(app, a).status == "under_review"
    done = staff("set-status", a.reference, "accepted", "--note", "常温で保管してください")
    assert done.exit_code == 0, done.output
    assert "under_review -> accepted; notice held" in done.output
    last = history(app, a)[-1]
    assert (last.to_status, last.note) == ("accepted", "常温で保管してください")
    assert last.actor.startswith("cli:")
    shown = json.loads(staff("show", a.reference, "--json").output)
    assert [(d["kind"], d["outcome"]) for d in shown["deliveries"]] == [("notice", "held")]
    greeting = app.dialog.greet(UserKey("console", "a"))
    said = "\n".join(message.text for message in greeting.messages)
    assert "「審査中」から「採択」に変わりました" in said
    assert "ジェトロからの連絡事項：常温で保管してください" in said
    assert staff("set-status", "JM25-9999", "accepted").exit_code == 2


def test_stats(staff, three):
    figures = json.loads(staff("stats", "--json").output)
    assert figures["total"] == 3
    assert figures["status"] == {"accepted": 1, "promotion_ended": 1, "under_review": 1}
    assert figures["track"] == {"group_buying": 1, "kol_affiliate": 2}
    assert figures["category"] == {"cosmetics": 1, "food_alcohol": 2}
    assert figures["language"] == {"ja": 2, "zh": 1}
    assert figures["channel"] == {"console": 3}
    assert figures["size"] == {"sme": 3}
    assert figures["per_day"] == {"2026-01-10": 3}
    assert "total: 3" in staff("stats").output


def test_enquiries_and_reply_reach_the_company(app, staff, three):
    _a, b, _c = three
    with app.engine.begin() as conn:
        enquiry = create_enquiry(
            conn,
            user_id=b.user_id,
            language="zh",
            question="可以寄到上海吗？",
            now=app.services.clock(),
            application_id=b.id,
        )
    listed = json.loads(staff("enquiries", "--json").output)
    assert [(e["id"], e["reference"], e["answer"]) for e in listed] == [(enquiry, b.reference, None)]
    result = staff("reply", str(enquiry), "可以，请寄到上海办事处。")
    assert result.exit_code == 0 and "reply held" in result.output
    assert json.loads(staff("enquiries", "--json").output)[0]["answer"] == "可以，请寄到上海办事处。"
    assert staff("enquiries", "--open").output.strip() == ""
    greeting = app.dialog.greet(UserKey("console", "b"))
    said = "\n".join(message.text for message in greeting.messages)
    assert "JETRO 对您问题的回复：\n可以，请寄到上海办事处。" in said
    assert staff("reply", "999", "x").exit_code == 2


def test_set_status_with_the_samples_address_date_and_units_of_this_company(app, staff, three):
    a, _b, _c = three
    result = staff(
        "set-status",
        a.reference,
        "accepted",
        "--sample-address",
        "東京都港区赤坂1-12-32",
        "--samples-due",
        "2026-02-02",
        "--samples-units",
        "8",
    )
    assert result.exit_code == 0, result.output
    assert reload(app, a).meta["sample_address"] == "東京都港区赤坂1-12-32"
    greeting = app.dialog.greet(UserKey("console", "a"))
    said = "\n".join(message.text for message in greeting.messages)
    assert "サンプル 8 個を 2026年2月2日（月） までに" in said
    assert "送付先：東京都港区赤坂1-12-32" in said
    status = app.dialog.handle(UserKey("console", "a"), Inbound(text="/status"))
    shown = "\n".join(message.text for message in status.messages)
    assert (
        "（期限：2026年2月2日（月））" in shown and "東京都港区赤坂1-12-32" in shown and "/shipment" in shown
    )
    bad = staff("set-status", a.reference, "samples_shipped", "--samples-due", "soon")
    assert bad.exit_code == 2


def test_a_long_export_shows_a_progress_bar(staff, three, tmp_path, monkeypatch):
    monkeypatch.setattr("bot.staff_export.PROGRESS_FROM", 2)  # three applications count as long here
    result = staff("export", "--output", str(tmp_path / "long.csv"))
    assert result.exit_code == 0
    assert "exporting" in result.output
    monkeypatch.setattr("bot.staff_export.PROGRESS_FROM", 3)
    assert "exporting" not in staff("export", "--output", str(tmp_path / "short.csv")).output


def test_the_json_of_list_and_show_is_the_machine_output_it_was(staff, three):
    """`--json` is for scripts: the readable table and card leave it exactly as before."""
    a, b, _c = three
    listed = json.loads(staff("list", "--json", "--status", "accepted").output)
    assert listed == [
        {
            "reference": b.reference,
            "status": "accepted",
            "track": "group_buying",
            "company": "株式会社さくら食品",
            "category": "cosmetics",
            "size": "sme",
            "channel": "console",
            "language": "zh",
            "submitted_at": "2026-01-10T00:00:00+00:00",
        }
    ]
    shown = json.loads(staff("show", a.reference, "--json").output)
    assert list(shown) == [
        "reference",
        "status",
        "track",
        "company",
        "corporate_number",
        "size",
        "submitted_at",
        "fields",
        "meta",
        "history",
        "deliveries",
    ]
    assert {key: shown[key] for key in list(shown)[:7]} == {
        "reference": a.reference,
        "status": "under_review",
        "track": "kol_affiliate",
        "company": "株式会社さくら食品",
        "corporate_number": a.corporate_number,
        "size": "sme",
        "submitted_at": "2026-01-10T00:00:00+00:00",
    }
    assert shown["fields"] == {name: value for name, value in a.data.items() if name in shown["fields"]}
    assert shown["fields"]["applicant_type"] == "japanese_corporation"  # codes, as scripts read them
    assert shown["meta"] == {"language": "ja", "channel": "console"}
    assert shown["history"] == [
        {"at": "2026-01-10T00:00:00+00:00", "actor": "setup", "from": None, "to": "draft", "note": None},
        {
            "at": "2026-01-10T00:00:00+00:00",
            "actor": "setup",
            "from": "draft",
            "to": "submitted",
            "note": None,
        },
        {
            "at": "2026-01-10T00:00:00+00:00",
            "actor": "setup",
            "from": "submitted",
            "to": "under_review",
            "note": None,
        },
    ]
    assert shown["deliveries"] == []


def test_list_prints_a_table_with_a_header_in_either_language(staff, three):
    a, b, c = three
    ja = staff("list").output.splitlines()
    assert ja[0].split() == [
        "受付番号",
        "状況",
        "参加コース",
        "商品カテゴリー",
        "企業規模",
        "優先枠",
        "経路/言語",
        "会社名",
    ]
    assert set(ja[1]) == {"-", " "}
    assert ja[2].split() == [
        a.reference,
        "審査中",
        "KOL・KOCアフィリエイト",
        "食品・酒類",
        "中小企業",
        "はい",
        "コンソール/日本語",
        "株式会社さくら食品",
    ]
    assert ja[3].split()[:3] == [b.reference, "採択", "共同購入アプリ（快团团）"]
    assert ja[-1] == "応募 3 件"
    zh = staff("list", "--labels", "zh").output.splitlines()
    assert zh[0].split()[:3] == ["受理编号", "状态", "参加项目"]
    assert zh[4].split()[:2] == [c.reference, "推广已结束"]
