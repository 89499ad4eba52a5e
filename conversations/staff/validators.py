"""Readers of what the company reports after acceptance: the sample shipment and the sales data
of E9 (EC store PV and UU; per product buyers, orders and sales amount in CNY).

Each raises Invalid with a `staff.invalid.*` key, so the question is asked again with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal

from conversations.answers import amounts
from conversations.context import Context
from conversations.flow import Invalid

MAX_COUNT = 10**9
MAX_AMOUNT = Decimal("1000000000")


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


_SAID_AROUND = re.compile(
    r"^(?:我们用的是|用的是|我们用|通过|是|用|弊社は|うちは)"
    r"|(?:で送りました|で発送しました|で送ります|で発送します|で出しました|です|でした|寄的|发的|[。.])$"
)


def carrier(text: str) -> str:
    """The carrier's name (EMS, ヤマト運輸, 顺丰…), without what is said around it
    (「ヤマト運輸です」「EMSで送りました」「用的是EMS」): 2 to 60 characters."""
    value = " ".join(_SAID_AROUND.sub("", _clean(text)).split())
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


def quantity(ctx: Context, text: str, *, maximum: int = 100) -> int:
    """How many samples were shipped: 1 to `maximum` (「10個です」「十个」「5箱」)."""
    shipped = amounts.count(
        ctx, text, invalid="staff.invalid.quantity", units="application.units", maximum=maximum
    )
    if not 1 <= shipped <= maximum:
        raise Invalid("staff.invalid.quantity", maximum=maximum)
    return shipped


def count(ctx: Context, text: str) -> int:
    """Page views, visitors, buyers or orders: 0 or more (「12,345」「約1.2万」「一百二十人」)."""
    found = amounts.count(ctx, text, invalid="staff.invalid.count", units="application.units")
    if found > MAX_COUNT:
        raise Invalid("staff.invalid.count")
    return found


def amount_cny(ctx: Context, text: str) -> float:
    """A sales amount in yuan: 0 or more, at most 2 decimals (「12800」「¥12,800.50」「1.28万元」)."""
    amount = amounts.yuan(
        ctx,
        text,
        invalid="staff.invalid.amount",
        not_yuan="staff.invalid.amount_not_yuan",
        minimum=Decimal(0),
        maximum=MAX_AMOUNT + 1,
    )
    return float(amount)


def check_sales(pv: int, uu: int, buyers: int, orders: int, amount: float) -> None:
    """Figures that cannot all be true: more visitors than views, more buyers than orders,
    orders without an amount or an amount without orders."""
    if uu > pv:
        raise Invalid("staff.invalid.uu_over_pv", pv=pv)
    if buyers > orders:
        raise Invalid("staff.invalid.buyers_over_orders", orders=orders)
    if (orders == 0) != (amount == 0):
        raise Invalid("staff.invalid.amount_vs_orders")
