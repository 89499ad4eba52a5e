"""Helpers of the application tests: a pre-check already done (profile + verdict written into the
user's state, as the eligibility flow leaves them), and users placed at the final confirm."""

from __future__ import annotations

from typing import Any

from bot.wiring import App
from conversations.application.validators import corporate_check_digit
from storage import applications as apps
from storage import dialog as store

# The profile (docs/interfaces.md) of a company that passes every rule on the KOL/KOC track.
PROFILE: dict[str, Any] = {
    "applicant_type": "japanese_corporation",
    "track": "kol_affiliate",
    "product_category": "food_alcohol",
    "japanese_brand": True,
    "ec_platforms": ["red", "wechat_shop"],
    "store_owner": "own",
    "cross_border_direct": False,
    "samples_ok": True,
    "materials_ok": True,
    "ships_within_7_days": True,
    "shares_sales_data": True,
    "no_ip_infringement": True,
    "accepts_export_control": True,
    "cooperates_with_surveys": True,
    "agrees_to_publication": True,
    "accepts_jetro_decision": True,
    "manufacturer_industry": "manufacturing",
    "capital_jpy": 300_000_000,
    "employees": 120,
    "wholly_owned_by_large_company": False,
    "in_other_china_promotion": False,
    "china_trademark": "registered",
}
VERDICT: dict[str, Any] = {
    "eligible": True,
    "company_size": "sme",
    "priority": True,
    "failed": [],
    "unknown": [],
    "warnings": [],
}
# The personal-data consent as the form stores it (conversations/application/consent.py).
CONSENT: dict[str, Any] = {
    "agreed": True,
    "version": "2025-1",
    "at": "2026-01-05T10:00:00+09:00",
    "via": "chat",
}
# The application's own fields, all answered (for users placed straight at the confirm).
FIELDS: dict[str, Any] = {
    "company_name_ja": "株式会社さくら食品",
    "company_name_en": None,
    "address": "東京都千代田区丸の内1-1-1",
    "website": None,
    "privacy_consent": CONSENT,
    "contact_name": "山田花子",
    "contact_title": "海外事業部 部長",
    "email": "hanako@sakura-foods.example.jp",
    "phone": "03-1234-5678",
    "wechat_id": None,
    "maker_is_applicant": True,
    "product_name_ja": "さくら緑茶",
    "product_name_zh": None,
    "brand": "さくら",
    "jan_code": None,
    "price_cny": 88,
    "trademark_number": None,
    "store_name": "さくら食品旗艦店",
    "materials": [{"url": "https://www.sakura-foods.example.jp/catalog.pdf"}],
    "samples_count": 5,
    "samples_more": False,
    "notes": None,
}


def corporate_number(n: int) -> str:
    """A valid 法人番号 made from a serial number (check digit in front)."""
    base = f"{n:012d}"
    return f"{corporate_check_digit(base)}{base}"


def seed(
    app: App,
    *,
    user: str = "u1",
    channel: str = "console",
    lang: str = "ja",
    answers: dict[str, Any] | None = None,
    flow: str = "menu",
    step: str = "choose",
) -> int:
    """Write a user's language, answers and position, as earlier conversations would have left them."""
    now = app.services.clock()
    with app.engine.begin() as conn:
        row = store.get_or_create_user(conn, channel, user, now)
        store.set_language(conn, row.id, lang)
        state = store.load_state(conn, row.id)
        is_new = state is None
        state = state or store.StateRow("menu", "choose", {}, [], {}, 0)
        state.answers.update(answers or {})
        state.flow, state.step = flow, step
        store.save_state(conn, row.id, state, now, is_new=is_new)
    return row.id


def without_precheck(app: App) -> None:
    """Run the form as it runs where no eligibility flow is registered: it asks the profile itself."""
    app.registry.flows.pop("eligibility", None)


def prechecked(app: App, **kwargs: Any) -> int:
    """The eligibility pre-check done: its profile answers and its verdict in the user's state."""
    return seed(app, answers={**PROFILE, "eligibility_verdict": VERDICT}, **kwargs)


def at_confirm(app: App, user: str, number: int, **extra: Any) -> int:
    """A user whose draft is complete, standing at the final confirm of the form."""
    answers = {
        **PROFILE,
        **FIELDS,
        "corporate_number": corporate_number(number),
        "eligibility_verdict": VERDICT,
        **extra,
    }
    user_id = seed(app, user=user, answers=answers, flow="application", step="confirm")
    with app.engine.begin() as conn:
        draft_with(conn, app, user_id, answers, actor=f"console:{user}", now=app.services.clock())
    return user_id


def draft_with(conn: Any, app: App, user_id: int, answers: dict[str, Any], *, actor: str, now: Any) -> int:
    """A draft holding `answers`, created and saved as the form does it; its id."""
    draft = apps.create_draft(conn, user_id=user_id, programme=app.programme.id, actor=actor, now=now)
    apps.save_draft(
        conn,
        user_id=user_id,
        programme=app.programme.id,
        data=answers,
        track=answers["track"],
        corporate_number=answers["corporate_number"],
        company_name=answers["company_name_ja"],
        now=now,
    )
    return draft


def application_of(app: App, user_id: int) -> apps.ApplicationRow:
    with app.engine.connect() as conn:
        rows = apps.applications_for_user(conn, user_id)
    assert len(rows) == 1, rows
    return rows[0]
