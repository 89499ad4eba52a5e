"""How answers read: in a question ("your answer so far"), in the summary, and in the filled form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from conversations.application import consent
from conversations.application.fields import COMMITMENTS, KIND, SECTION, applicable
from conversations.context import Context
from conversations.i18n import Texts, format_yen, format_yuan


def display(texts: Texts, lang: str, name: str, value: Any) -> str:
    """One answer as words in `lang`: labels for choices, units for amounts, never a raw value."""
    if value is None:
        return texts.render(lang, "application.not_given")
    kind = KIND.get(name, "text")
    if kind == "consent":
        given = consent.given(value)
        at = datetime.fromisoformat(value["at"]) if given else None
        version = value.get("version") if given else None
        return texts.render(lang, "privacy.summary_line", given=given, version=version, at=at)
    if kind == "bool":
        return texts.render(lang, f"core.options.{'yes' if value else 'no'}")
    if kind == "choice":
        key = f"application.options.{name}.{value}"
        return texts.render(lang, key) if texts.has(key, lang) else str(value)
    if kind == "platforms":
        keys = {item: f"application.options.ec_platforms.{item}" for item in value}
        labels = [texts.render(lang, k) if texts.has(k, lang) else str(item) for item, k in keys.items()]
        return "、".join(labels)
    if kind == "yen":
        return format_yen(value, lang)
    if kind == "cny":
        return format_yuan(value, lang)
    if kind == "headcount":
        return texts.render(lang, "application.people", count=value)
    if kind == "count":
        return texts.render(lang, "application.units", count=value)
    if kind == "materials":
        files = sum(1 for item in value if item.get("path") or item.get("name"))
        return texts.render(lang, "application.materials.count", files=files, links=len(value) - files)
    return str(value)


def shown(ctx: Context, name: str, value: Any) -> str:
    return display(ctx.services.texts, ctx.lang, name, value)


def editable(answers: Mapping[str, Any]) -> list[str]:
    """The fields listed (and numbered) in the summary: all that apply but the commitments and the
    consents (each on a line of its own)."""
    return [name for name in applicable(answers) if name not in COMMITMENTS and name not in consent.KEYS]


def render(ctx: Context) -> str:
    """The summary: every field that applies, numbered by section, and the commitments on one line."""
    answers = ctx.answers
    names = editable(answers)
    lines: list[str] = [f"【{ctx.t('application.sections.privacy')}】"]
    for name in (key for key in consent.KEYS if key in applicable(answers)):
        lines.append(f"{ctx.t(f'application.fields.{name}')}：{shown(ctx, name, answers.get(name))}")
    section = None
    for number, name in enumerate(names, start=1):
        if SECTION[name] != section:
            section = SECTION[name]
            lines.append(f"【{ctx.t(f'application.sections.{section}')}】")
        label = ctx.t(f"application.fields.{name}")
        lines.append(f"{number}. {label}：{shown(ctx, name, answers.get(name))}")
    confirmed = all(answers.get(name) is True for name in COMMITMENTS)
    lines.append(f"【{ctx.t('application.sections.commitments')}】")
    lines.append(ctx.t("application.commitments_line", confirmed=confirmed))
    return "\n".join(lines)
