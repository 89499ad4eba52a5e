"""The console's pages: Jinja2 templates (autoescaped) with the staff member's language and clock.

Every word on a page comes from locales/<lang>/console.yaml (and the bot's own texts for
statuses, tracks, fields and rules, so that staff read the same terms as the companies). Dates
are shown in Japan or China time, as the staff member chose, with the zone named.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from conversations.i18n import Texts, format_date, format_datetime, format_number
from staff_console.accounts import TIMEZONES, may
from storage.staff_accounts import Account

_env = Environment(
    loader=PackageLoader("staff_console", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _from_iso(value: object) -> datetime | None:
    """A moment kept as ISO text (a staff note's `at`), for `Words.when`."""
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


_env.filters["fromiso"] = _from_iso


class Words:
    """The texts in one language, for one staff member's clock."""

    def __init__(self, texts: Texts, lang: str, timezone: str) -> None:
        self.texts = texts
        self.lang = lang
        self.tz = ZoneInfo(timezone)
        self.zone = texts.render(lang, f"console.zone.{TIMEZONES.get(timezone, 'jst')}")

    def __call__(self, key: str, /, **variables: Any) -> str:
        return self.texts.render(self.lang, key, **variables)

    def has(self, key: str) -> bool:
        return self.texts.has(key, self.lang)

    def label(self, prefix: str, value: Any, fallback: str | None = None) -> str:
        """The name of a code (status, track, category…) in this language; the code itself if none."""
        if value is None or value == "":
            return self("console.none")
        key = f"{prefix}.{value}"
        return self(key) if self.has(key) else (fallback if fallback is not None else str(value))

    def status(self, value: str | None) -> str:
        return self.label("core.status_names", value)

    def when(self, value: datetime | None) -> str:
        return "" if value is None else format_datetime(value, self.lang, self.tz)

    def day(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        return format_date(value, self.lang, self.tz if isinstance(value, datetime) else None)

    def number(self, value: int | float) -> str:
        return format_number(value)

    def actor(self, value: str | None) -> str:
        """Who did something, as a staff member reads it: a console or CLI account by its name."""
        kind, _, name = (value or "").partition(":")
        if kind in ("console", "cli") and name:
            return name
        if value == "staff":
            return self("console.app.actor.staff")
        return value or ""

    def audit_detail(self, key: str, value: Any) -> str:
        """One detail of an audit row: its label, and its value as a label where it is a code."""
        label = self.label("console.audit.details", key)
        if key in ("before", "after"):
            shown = self.status(value)
        elif key == "role":
            shown = self.label("console.roles", value)
        elif key == "language":
            shown = self.label("console.prefs.languages", value)
        elif key == "timezone":
            shown = self.label("console.zone", TIMEZONES.get(str(value), ""), str(value))
        elif key in ("samples_due", "sales_data_due"):
            shown = self.day_value(str(value))
        elif isinstance(value, bool):
            shown = self("console.yes" if value else "console.no")
        elif isinstance(value, int):
            shown = self.number(value)
        else:
            shown = str(value)
        return f"{label}：{shown}"

    def day_value(self, value: date | datetime | str | None) -> str:
        """A date as a date field of the console's forms shows it (2026年3月1日), for `parse_day`."""
        if isinstance(value, str):
            value = parse_day(value)
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(self.tz)
        return f"{value.year}年{value.month}月{value.day}日"


_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[(（][^)）]*[)）])?")
_TIME = re.compile(r"(\d{1,2})\s*[:：時]\s*(\d{2})\s*分?")


def parse_day(text: str) -> date | None:
    """A date as staff type it in either language: 2026年3月1日, 2026年3月1日（日）, 2026/3/1,
    2026-03-01 (full-width digits too); None when it is none of these or not a real day."""
    found = _DAY.fullmatch(unicodedata.normalize("NFKC", text or "").strip())
    if not found:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def parse_time(text: str) -> time | None:
    """A time of day: 14:30, 14時30分; None when not one."""
    found = _TIME.fullmatch(unicodedata.normalize("NFKC", text or "").strip())
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        return None
    return time(int(found.group(1)), int(found.group(2)))


def render(
    name: str,
    words: Words,
    *,
    account: Account | None,
    csrf: str = "",
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    template = _env.get_template(name)
    context = {"flash": None, "outcome": None, "here": "", **context}
    html = template.render(
        t=words,
        account=account,
        csrf=csrf,
        may=lambda needed: account is not None and may(account.role, needed),
        link=_query,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


def _query(base: Mapping[str, Any], **changes: Any) -> str:
    """The current query string with some parameters changed (sorting, paging links)."""
    merged = {**{k: v for k, v in base.items() if v not in (None, "")}, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")}, doseq=True)
