"""The company's own steps after submission, in the chat: withdraw (/withdraw, with a confirm),
report the sample shipment (/shipment), and submit the sales data of E9 (/salesdata), which stays
editable until staff complete the application (completed = locked).

Each move goes through conversations.staff.moves (the status machine, a history row) and the
company reads the notice of it in its reply.
"""

from __future__ import annotations

from typing import Any

from conversations.application.common import actor, to_menu
from conversations.context import Context
from conversations.flow import HANDLED, Form, Invalid, Step
from conversations.registry import Registry
from conversations.staff import moves
from conversations.staff import validators as read
from conversations.statuses import EDITABLE_SALES_DATA, allowed_moves
from storage import applications as store
from storage.staff import set_meta

SHIPMENT = ("shipment_carrier", "shipment_tracking", "shipment_date", "shipment_quantity")
SALES = ("sales_pv", "sales_uu", "sales_buyers", "sales_orders", "sales_amount_cny")


def _application(ctx: Context) -> store.ApplicationRow | None:
    return store.submitted_for_user(ctx.conn, ctx.user.id, ctx.programme.id)


def _moved(ctx: Context, row: store.ApplicationRow, wanted: str) -> store.ApplicationRow:
    before = row.status
    moved = moves.make_move(ctx.conn, row, wanted, actor="company", who=actor(ctx), now=ctx.now)
    ctx.say_text(
        moves.notice(ctx.conn, ctx.services.texts, ctx.programme, moved, ctx.lang, from_status=before)
    )
    return moved


def _status_name(ctx: Context, row: store.ApplicationRow) -> str:
    return ctx.t(f"core.status_names.{row.status}")


# -- withdraw -------------------------------------------------------------------------------------
def _withdraw_enter(ctx: Context) -> str | None:
    row = _application(ctx)
    if row is None or "withdrawn" not in allowed_moves(row.status, "company"):
        ctx.say("staff.withdraw.not_possible", status=_status_name(ctx, row) if row else "")
        to_menu(ctx)
        return HANDLED
    return None


def _withdraw_confirm(ctx: Context, value: str) -> str:
    row = _application(ctx)
    if value == "yes" and row is not None and "withdrawn" in allowed_moves(row.status, "company"):
        _moved(ctx, row, "withdrawn")
    else:
        ctx.say("staff.withdraw.kept")
    to_menu(ctx)
    return HANDLED


def _withdraw_vars(ctx: Context) -> dict[str, Any]:
    row = _application(ctx)
    return {"reference": row.reference if row else ""}


withdraw = Form(
    name="withdraw",
    on_enter=_withdraw_enter,
    steps=[
        Step(
            "confirm",
            "staff.withdraw.confirm",
            options=("yes", "no"),
            field="",
            on_answer=_withdraw_confirm,
            question_vars=_withdraw_vars,
        )
    ],
)


# -- the sample shipment --------------------------------------------------------------------------
def _shipment_enter(ctx: Context) -> str | None:
    row = _application(ctx)
    if row is None or "samples_shipped" not in allowed_moves(row.status, "company"):
        ctx.say("staff.shipment.not_now", status=_status_name(ctx, row) if row else "")
        to_menu(ctx)
        return HANDLED
    for key in SHIPMENT:
        ctx.answers.pop(key, None)
    return None


def _date(ctx: Context, text: str) -> str:
    row = _application(ctx)
    accepted = store.reached_at(ctx.conn, row.id, "accepted") if row else None
    today = ctx.now.astimezone(ctx.programme.tz).date()
    earliest = accepted.astimezone(ctx.programme.tz).date() if accepted else None
    return read.shipping_date(text, today=today, earliest=earliest).isoformat()


def _shipment_finish(ctx: Context) -> None:
    row = _application(ctx)
    if row is None or "samples_shipped" not in allowed_moves(row.status, "company"):
        ctx.say("staff.shipment.not_now", status=_status_name(ctx, row) if row else "")
        to_menu(ctx)
        return
    shipment = {key.removeprefix("shipment_"): ctx.answers.pop(key) for key in SHIPMENT}
    shipment["reported_at"] = ctx.now.isoformat()
    set_meta(ctx.conn, row.id, {**row.meta, "shipment": shipment})
    _moved(ctx, row, "samples_shipped")
    to_menu(ctx)


shipment = Form(
    name="shipment",
    on_enter=_shipment_enter,
    on_finish=_shipment_finish,
    steps=[
        Step(
            "carrier", "staff.shipment.carrier", field="shipment_carrier", parse=lambda c, t: read.carrier(t)
        ),
        Step(
            "tracking",
            "staff.shipment.tracking",
            field="shipment_tracking",
            parse=lambda c, t: read.tracking_number(t),
        ),
        Step("date", "staff.shipment.date", field="shipment_date", parse=_date),
        Step(
            "quantity",
            "staff.shipment.quantity",
            field="shipment_quantity",
            parse=read.quantity,
        ),
    ],
)


# -- the sales data (E9) --------------------------------------------------------------------------
def _product(ctx: Context) -> dict[str, Any]:
    row = _application(ctx)
    data = row.data if row else {}
    return {"product": data.get("product_name_ja") or data.get("product_name_zh") or ""}


def _sales_enter(ctx: Context) -> str | None:
    row = _application(ctx)
    if row is not None and row.status == "completed" and row.meta.get("sales_data"):
        ctx.say("staff.sales.locked")
        to_menu(ctx)
        return HANDLED
    if row is None or row.status not in EDITABLE_SALES_DATA:
        ctx.say("staff.sales.not_now", status=_status_name(ctx, row) if row else "")
        to_menu(ctx)
        return HANDLED
    old = row.meta.get("sales_data")
    if old:  # editing: each question shows the answer given before
        product = old["products"][0]
        ctx.answers.update(
            sales_pv=old["pv"],
            sales_uu=old["uu"],
            sales_buyers=product["buyers"],
            sales_orders=product["orders"],
            sales_amount_cny=product["amount_cny"],
        )
        ctx.say("staff.sales.editing")
    else:
        for key in SALES:
            ctx.answers.pop(key, None)
    return None


def _sales_finish(ctx: Context) -> None:
    row = _application(ctx)
    if row is None or row.status not in EDITABLE_SALES_DATA:
        ctx.say(
            "staff.sales.locked" if row and row.status == "completed" else "staff.sales.not_now", status=""
        )
        to_menu(ctx)
        return
    pv, uu, buyers, orders, amount = (ctx.answers[key] for key in SALES)
    try:
        read.check_sales(pv, uu, buyers, orders, amount)
    except Invalid as problem:
        ctx.say(problem.key, **problem.variables)
        ctx.move("salesdata", "uu" if "uu" in problem.key else "buyers")
        ctx.ask_again()
        return
    product = {**_product(ctx), "buyers": buyers, "orders": orders, "amount_cny": amount}
    sales = {"pv": pv, "uu": uu, "products": [product], "submitted_at": ctx.now.isoformat()}
    for key in SALES:
        ctx.answers.pop(key, None)
    set_meta(ctx.conn, row.id, {**row.meta, "sales_data": sales})
    if row.status == "promotion_ended":
        _moved(ctx, row, "data_submitted")
    else:
        ctx.say("staff.sales.updated", reference=row.reference or "")
    to_menu(ctx)


def _uu(ctx: Context, text: str) -> int:
    uu = read.count(ctx, text)
    pv = ctx.answers.get("sales_pv")
    if isinstance(pv, int) and uu > pv:
        raise Invalid("staff.invalid.uu_over_pv", pv=pv)
    return uu


salesdata = Form(
    name="salesdata",
    on_enter=_sales_enter,
    on_finish=_sales_finish,
    steps=[
        Step("pv", "staff.sales.pv", field="sales_pv", parse=read.count),
        Step("uu", "staff.sales.uu", field="sales_uu", parse=_uu),
        Step("buyers", "staff.sales.buyers", field="sales_buyers", parse=read.count, question_vars=_product),
        Step("orders", "staff.sales.orders", field="sales_orders", parse=read.count, question_vars=_product),
        Step(
            "amount",
            "staff.sales.amount",
            field="sales_amount_cny",
            parse=read.amount_cny,
            question_vars=_product,
        ),
    ],
)


def register(registry: Registry) -> None:
    for form in (withdraw, shipment, salesdata):
        registry.add_flow(form)
        registry.add_command(form.name, lambda ctx, _args, name=form.name: ctx.go(name))
