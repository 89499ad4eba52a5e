"""The readers of the sample shipment and of the sales data (E9)."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.answers.problems import Ambiguous
from conversations.flow import Invalid
from conversations.staff import validators as read
from tests.answers_kit import context

TODAY = date(2026, 2, 10)


def reason(function, *args, **kwargs) -> str:
    with pytest.raises(Invalid) as caught:
        function(*args, **kwargs)
    return caught.value.key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EE123456789JP", "EE123456789JP"),
        ("ee 1234 5678 9jp", "EE123456789JP"),
        ("1234-5678-9012", "1234-5678-9012"),
        ("ＳＦ１２３４５６７８", "SF12345678"),
    ],
)
def test_tracking_numbers(text, expected):
    assert read.tracking_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "ABCDEFGH", "12 34", "-123456", "1234567890" * 5, "追跡123456"])
def test_bad_tracking_numbers(text):
    assert reason(read.tracking_number, text) == "staff.invalid.tracking"


def test_carrier():
    assert read.carrier("  ヤマト  運輸 ") == "ヤマト 運輸"
    assert reason(read.carrier, "x") == "staff.invalid.carrier"
    assert reason(read.carrier, "y" * 61) == "staff.invalid.carrier"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-03", date(2026, 2, 3)),
        ("2026/2/3", date(2026, 2, 3)),
        ("2026年2月3日", date(2026, 2, 3)),
        ("2月3日", date(2026, 2, 3)),
        ("2月3号", date(2026, 2, 3)),
    ],
)
def test_shipping_dates(text, expected):
    assert read.shipping_date(text, today=TODAY, earliest=date(2026, 1, 20)) == expected


def test_bad_shipping_dates():
    assert reason(read.shipping_date, "next week", today=TODAY) == "staff.invalid.date"
    assert reason(read.shipping_date, "2026-02-30", today=TODAY) == "staff.invalid.date"
    assert reason(read.shipping_date, "2026-02-11", today=TODAY) == "staff.invalid.date_future"
    assert (
        reason(read.shipping_date, "1月5日", today=TODAY, earliest=date(2026, 1, 20))
        == "staff.invalid.date_early"
    )


def test_quantity():
    ja, zh = context("ja"), context("zh")
    assert read.quantity(ja, "5個") == 5
    assert read.quantity(ja, "10 pcs") == 10
    assert read.quantity(ja, "十個です") == 10
    assert read.quantity(zh, "一共6个") == 6
    for bad in ("0", "-3", "2.5", "many", "101"):
        assert reason(read.quantity, ja, bad) == "staff.invalid.quantity"


def test_counts():
    ja, zh = context("ja"), context("zh")
    assert read.count(ja, "12,345") == 12345
    assert read.count(ja, "1.2万") == 12000
    assert read.count(ja, "0") == 0
    assert read.count(ja, "300人") == 300
    assert read.count(ja, "3万PVくらい") == 30000
    assert read.count(zh, "一百五十单") == 150
    for bad in ("-1", "1.5", "abc", "1.23456万"):
        assert reason(read.count, ja, bad) == "staff.invalid.count"


def test_amounts_in_yuan():
    ja, zh = context("ja"), context("zh")
    assert read.amount_cny(ja, "12800") == 12800
    assert read.amount_cny(zh, "¥12,800.50") == 12800.5
    assert read.amount_cny(ja, "1.28万元") == 12800
    assert read.amount_cny(ja, "RMB 99") == 99
    assert read.amount_cny(zh, "一万二千八百元") == 12800
    assert read.amount_cny(ja, "12,800元です") == 12800
    assert reason(read.amount_cny, ja, "12800円") == "staff.invalid.amount_not_yuan"
    assert reason(read.amount_cny, ja, "$100") == "staff.invalid.amount_not_yuan"
    assert reason(read.amount_cny, ja, "12.345") == "staff.invalid.amount"
    assert reason(read.amount_cny, ja, "-5") == "staff.invalid.amount"


def test_an_amount_after_a_yen_sign_is_asked_back_of_a_japanese_writer():
    with pytest.raises(Ambiguous) as caught:
        read.amount_cny(context("ja"), "￥12800")
    first, second = caught.value.readings
    assert (first.value, first.label, first.refusal) == (12800, "12,800元（人民元）", None)
    assert (second.label, second.refusal) == ("12,800円（日本円）", "staff.invalid.amount_not_yuan")
    assert read.amount_cny(context("zh"), "￥12800") == 12800


def test_figures_that_cannot_all_be_true():
    read.check_sales(1000, 400, 30, 35, 4200.0)
    read.check_sales(10, 5, 0, 0, 0.0)
    assert reason(read.check_sales, 100, 101, 1, 1, 1.0) == "staff.invalid.uu_over_pv"
    assert reason(read.check_sales, 100, 50, 9, 8, 1.0) == "staff.invalid.buyers_over_orders"
    assert reason(read.check_sales, 100, 50, 0, 0, 5.0) == "staff.invalid.amount_vs_orders"
    assert reason(read.check_sales, 100, 50, 1, 1, 0.0) == "staff.invalid.amount_vs_orders"
