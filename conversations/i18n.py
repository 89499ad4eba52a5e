"""Texts in Japanese and Chinese: Jinja2 templates loaded from locales/<lang>/*.yaml.

A file `locales/ja/core.yaml` holding `welcome: ...` gives the key `core.welcome`; nested
tables give dotted keys. Every template is compiled once at load.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined, Template, meta

from conversations import vocab

LANGUAGES = vocab.LANGUAGES
WEEKDAYS = {
    "ja": ("月", "火", "水", "木", "金", "土", "日"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")


class MissingText(KeyError):
    """A key that no locale file defines: a bug, caught by the locale tests."""


def simplified_only(char: str) -> bool:
    """A Chinese character that Japanese does not write: in GB 2312 but not in JIS X 0208 (这, 们, 请,
    报, 书…). 「書類不備」「会社」「有限公司」 are written in both and tell nothing."""
    if not _HAN.match(char):
        return False
    try:
        char.encode("shift_jis")
    except UnicodeEncodeError:
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            return False
        return True
    return False


def detect_language(text: str) -> str | None:
    """The language a text is unmistakably in: kana means Japanese; a character only simplified
    Chinese writes means Chinese; kanji shared by both (「書類不備」), Latin or digits: unknown."""
    if _KANA.search(text):
        return "ja"
    if any(simplified_only(char) for char in text):
        return "zh"
    return None


def normalise_language(code: str | None) -> str | None:
    """Map a platform language code (Telegram's `language_code`) to ja, zh or None."""
    if not code:
        return None
    code = code.lower()
    if code.startswith("ja"):
        return "ja"
    if code.startswith("zh"):
        return "zh"
    return None


def format_date(value: date | datetime, lang: str, tz: Any = None) -> str:
    if isinstance(value, datetime) and tz is not None:
        value = value.astimezone(tz)
    weekday = WEEKDAYS[lang][value.weekday()]
    return f"{value.year}年{value.month}月{value.day}日（{weekday}）"


def format_datetime(value: datetime, lang: str, tz: Any = None) -> str:
    if tz is not None:
        value = value.astimezone(tz)
    return f"{format_date(value, lang)} {value:%H:%M}"


def format_number(value: int | float | Decimal) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def format_yen(value: int | float | Decimal, lang: str) -> str:
    """Yen as people write them: 3億円, 5,000万円, 1億2,000万円 / 3亿日元, 5000万日元; an amount that
    is not a round number of 万 in plain digits (1,234,567円)."""
    unit = "日元" if lang == "zh" else "円"
    whole = int(value)
    if whole != value or whole < 10_000 or whole % 10_000:
        return f"{format_number(value)}{unit}"
    parts, rest = [], whole
    for name, size in (("兆", 10**12), ("亿" if lang == "zh" else "億", 10**8), ("万", 10**4)):
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{name}" if lang == "zh" else f"{count:,}{name}")
    return "".join(parts) + unit


def format_yuan(value: int | float | Decimal, lang: str) -> str:
    return f"{format_number(value)}元"


def _flatten(prefix: str, data: Mapping[str, Any], out: dict[str, str]) -> None:
    for key, value in data.items():
        full = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            _flatten(full, value, out)
        elif isinstance(value, str):
            out[full] = value.rstrip("\n")
        else:
            raise ValueError(f"{full}: a text must be a string, not {type(value).__name__}")


def load_sources(root: Path | None = None) -> dict[str, dict[str, str]]:
    """The raw template sources per language, keyed by dotted key."""
    base = Path(str(resources.files("locales"))) if root is None else root
    sources: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        flat: dict[str, str] = {}
        for path in sorted((base / lang).glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            _flatten(path.stem, data, flat)
        sources[lang] = flat
    return sources


class Texts:
    """Renders a key in a language with the programme's facts at hand."""

    def __init__(self, globals_: Mapping[str, Any] | None = None, root: Path | None = None) -> None:
        self.sources = load_sources(root)
        self._envs: dict[str, Environment] = {}
        self._templates: dict[str, dict[str, Template]] = {}
        self._constant: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
        tz = (globals_ or {}).get("tz")
        for lang in LANGUAGES:
            env = Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)
            env.filters["date"] = lambda v, _l=lang: format_date(v, _l, tz)
            env.filters["datetime"] = lambda v, _l=lang: format_datetime(v, _l, tz)
            env.filters["yen"] = lambda v, _l=lang: format_yen(v, _l)
            env.filters["yuan"] = lambda v, _l=lang: format_yuan(v, _l)
            env.filters["number"] = format_number
            env.filters["loc"] = lambda v, _l=lang: v.get(_l) if hasattr(v, "get") else v
            env.globals.update(globals_ or {})
            env.globals["lang"] = lang
            env.globals["t"] = lambda key, _l=lang, **kw: self.render(_l, key, **kw)
            self._envs[lang] = env
            self._templates[lang] = {key: env.from_string(src) for key, src in self.sources[lang].items()}

    def render(self, lang: str, key: str, /, **variables: Any) -> str:
        if not variables:
            cached = self._constant[lang].get(key)
            if cached is not None:
                return cached
        try:
            template = self._templates[lang][key]
        except KeyError:
            raise MissingText(f"{lang}:{key}") from None
        text = template.render(**variables)
        if not variables and not self.variables(lang, key):
            # A text of the programme's facts alone never changes: render it once.
            self._constant[lang][key] = text
        return text

    def has(self, key: str, lang: str = "ja") -> bool:
        return key in self._templates[lang]

    def keys(self, lang: str) -> set[str]:
        return set(self._templates[lang])

    def keys_under(self, prefix: str, lang: str = "ja") -> list[str]:
        return sorted(key for key in self._templates[lang] if key.startswith(prefix + "."))

    def variables(self, lang: str, key: str) -> set[str]:
        env = self._envs[lang]
        return meta.find_undeclared_variables(env.parse(self.sources[lang][key])) - set(env.globals)
