"""Readers of what the company reports after acceptance: the sample shipment and the sales data
of E9 (EC store PV and UU; per product buyers, orders and sales amount in CNY).

Each raises Invalid with a `staff.invalid.*` key, so the question is asked again with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from conversations.flow import Invalid

MAX_COUNT = 10**9
MAX_AMOUNT = Decimal("1000000000")


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def carrier(text: str) -> str:
    """The carrier's name (EMS, ヤマト運輸, 顺丰…): 2 to 60 characters."""
    value = " ".join(_clean(text).split())
    if not 2 <= len(value) <= 60:
        raise Invalid("staff.invalid.carrier")
    return value


def tracking_number(text: str) -> str:
    """Letters, digits and hyphens, 6 to 40 of them (EMS: EE123456789JP; Yamato: 1234-5678-9012)."""
    value = re.sub(r"\s", "", _clean(text)).upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{4,38}[A-Z0-9]", value) or not re.search(r"\d", value):
        raise Invalid("staff.invalid.tracking")
    return value


_DATE = re.compile(r"(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")


def shipping_date(text: str, *, today: date, earliest: date | None = None) -> date:
    """2026-01-30, 2026/1/30, 2026年1月30日, 1月30日 (this year): not in the future, not before `earliest`."""
    match = _DATE.fullmatch(_clean(text))
    if not match:
        raise Invalid("staff.invalid.date")
    year = int(match[1]) if match[1] else today.year
    try:
        value = date(year, int(match[2]), int(match[3]))
    except ValueError:
        raise Invalid("staff.invalid.date") from None
    if value > today:
        raise Invalid("staff.invalid.date_future")
    if earliest is not None and value < earliest:
        raise Invalid("staff.invalid.date_early", earliest=earliest)
    return value


def quantity(text: str, *, maximum: int = 100) -> int:
    """How many samples were shipped: 1 to `maximum`."""
    value = re.sub(r"(?:個|个|件|点|本|袋|箱|units?|pcs)$", "", _clean(text), flags=re.I).strip()
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise Invalid("staff.invalid.quantity", maximum=maximum)
    return int(value)


def count(text: str) -> int:
    """A whole number of page views, visitors, buyers or orders: 0 or more ("12,345", "1.2万")."""
    value = _clean(text).replace(",", "").replace(" ", "")
    value = re.sub(r"(?:人|件|回|次|个|個|PV|UU)$", "", value, flags=re.I)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(万|萬)?", value)
    if not match:
        raise Invalid("staff.invalid.count")
    number = Decimal(match[1]) * (10_000 if match[2] else 1)
    if number != number.to_integral_value() or number > MAX_COUNT:
        raise Invalid("staff.invalid.count")
    return int(number)


def amount_cny(text: str) -> float:
    """A sales amount in yuan: 0 or more, at most 2 decimals ("12800", "¥12,800.50", "1.28万元")."""
    value = _clean(text).replace(",", "").replace(" ", "")
    if re.search(r"(?i)円|日元|jpy|yen|\$|usd", value):
        raise Invalid("staff.invalid.amount_not_yuan")
    value = re.sub(r"(?i)^(?:¥|￥|rmb|cny)|(?:元|rmb|cny|人民币)$", "", value)
    match = re.fullmatch(r"(\d+(?:\.\d{1,2})?)(万|萬)?", value)
    if not match:
        raise Invalid("staff.invalid.amount")
    try:
        number = Decimal(match[1]) * (10_000 if match[2] else 1)
    except InvalidOperation:
        raise Invalid("staff.invalid.amount") from None
    if number > MAX_AMOUNT or number != number.quantize(Decimal("0.01")):
        raise Invalid("staff.invalid.amount")
    return float(number)


def check_sales(pv: int, uu: int, buyers: int, orders: int, amount: float) -> None:
    """Figures that cannot all be true: more visitors than views, more buyers than orders,
    orders without an amount or an amount without orders."""
    if uu > pv:
        raise Invalid("staff.invalid.uu_over_pv", pv=pv)
    if buyers > orders:
        raise Invalid("staff.invalid.buyers_over_orders", orders=orders)
    if (orders == 0) != (amount == 0):
        raise Invalid("staff.invalid.amount_vs_orders")
