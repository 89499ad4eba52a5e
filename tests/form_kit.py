"""Helpers of the form tests: the blank form as /form sends it, filled in as a company would (by
the field names of its hidden column), and what a cell of a form is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.forms import KEY_COLUMN
from bot.wiring import App
from conversations.application.validators import gtin_check_digit
from tests.application_kit import corporate_number, seed
from tests.transcript import CoreChat


def jan(base: str) -> str:
    return base + str(gtin_check_digit(base))


# A company filling the blank form in Japanese: labels as the drop-down lists offer them.
FILLED_JA: dict[str, Any] = {
    "privacy_consent": "はい",
    "applicant_type": "日本法人",
    "company_name_ja": "株式会社うめ製菓",
    "corporate_number": corporate_number(77),
    "address": "大阪府大阪市北区梅田1-2-3",
    "contact_name": "佐藤一郎",
    "contact_title": "営業部 課長",
    "email": "ichiro@ume-seika.example.jp",
    "phone": "06-1234-5678",
    "maker_is_applicant": "はい",
    "manufacturer_industry": "製造業その他",
    "capital_jpy": "5000万円",
    "employees": 80,
    "wholly_owned_by_large_company": "いいえ",
    "product_name_ja": "うめ羊羹",
    "brand": "うめ",
    "product_category": "食品・酒類",
    "japanese_brand": "はい",
    "jan_code": jan("490123456789"),
    "price_cny": 68,
    "china_trademark": "出願中",
    "track": "KOL・KOCアフィリエイト",
    "ec_platforms": "RED（小红书）、Douyin（抖音）",
    "store_owner": "パートナーの店舗",
    "store_name": "うめ製菓旗艦店",
    "cross_border_direct": "いいえ",
    "materials": "https://ume-seika.example.jp/catalog.pdf\nhttps://ume-seika.example.jp/photo.jpg",
    "samples_count": "8個",
    "samples_more": "いいえ",
    **dict.fromkeys(
        (
            "samples_ok",
            "materials_ok",
            "ships_within_7_days",
            "shares_sales_data",
            "no_ip_infringement",
            "accepts_export_control",
            "cooperates_with_surveys",
            "agrees_to_publication",
            "accepts_jetro_decision",
        ),
        "はい",
    ),
    "in_other_china_promotion": "いいえ",
}
# What the application holds once FILLED_JA is imported (fields that do not apply are absent).
IMPORTED_JA: dict[str, Any] = {
    "privacy_consent": {"agreed": True, "version": "2025-1"},  # as tests' without_verdict shows it
    "applicant_type": "japanese_corporation",
    "company_name_ja": "株式会社うめ製菓",
    "company_name_en": None,
    "corporate_number": corporate_number(77),
    "address": "大阪府大阪市北区梅田1-2-3",
    "website": None,
    "contact_name": "佐藤一郎",
    "contact_title": "営業部 課長",
    "email": "ichiro@ume-seika.example.jp",
    "phone": "06-1234-5678",
    "wechat_id": None,
    "maker_is_applicant": True,
    "manufacturer_industry": "manufacturing",
    "capital_jpy": 50_000_000,
    "employees": 80,
    "wholly_owned_by_large_company": False,
    "product_name_ja": "うめ羊羹",
    "product_name_zh": None,
    "brand": "うめ",
    "product_category": "food_alcohol",
    "japanese_brand": True,
    "jan_code": jan("490123456789"),
    "price_cny": 68,
    "china_trademark": "pending",
    "trademark_number": None,
    "track": "kol_affiliate",
    "ec_platforms": ["red", "douyin"],
    "store_owner": "partner",
    "store_name": "うめ製菓旗艦店",
    "cross_border_direct": False,
    "materials": [
        {"url": "https://ume-seika.example.jp/catalog.pdf"},
        {"url": "https://ume-seika.example.jp/photo.jpg"},
    ],
    "samples_count": 8,
    "samples_more": False,
    **dict.fromkeys(
        (
            "samples_ok",
            "materials_ok",
            "ships_within_7_days",
            "shares_sales_data",
            "no_ip_infringement",
            "accepts_export_control",
            "cooperates_with_surveys",
            "agrees_to_publication",
            "accepts_jetro_decision",
        ),
        True,
    ),
    "in_other_china_promotion": False,
    "notes": None,
}


def blank_form(app: App, lang: str = "ja", user: str = "blank") -> Path:
    """The blank form a company receives with /form in the chat."""
    seed(app, user=user, lang=lang)
    chat = CoreChat(app, user=user)
    chat.send("/form")
    (document,) = [message.document for message in chat.last.messages if message.document]
    return Path(document.path)


def rows_by_key(path: Path) -> dict[str, int]:
    """Field name -> its row, from the hidden key column."""
    sheet = load_workbook(path)["応募用紙"]
    return {
        row[KEY_COLUMN - 1].value: row[0].row
        for row in sheet.iter_rows()
        if len(row) >= KEY_COLUMN and row[KEY_COLUMN - 1].value
    }


def fill(blank: Path, values: dict[str, Any], out: Path, **changed: Any) -> Path:
    """The blank form with `values` (and `changed`) typed into the answer cells, saved as `out`."""
    book = load_workbook(blank)
    sheet = book["応募用紙"]
    rows = rows_by_key(blank)
    for name, value in {**values, **changed}.items():
        sheet.cell(row=rows[name], column=KEY_COLUMN - 1, value=value)
    book.save(out)
    return out


def cell_of(path: Path, name: str) -> str:
    return f"C{rows_by_key(path)[name]}"
