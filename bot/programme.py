"""The programme file: every fact of the call that code needs (RULES.md), as data.

Two programmes are built in (``japan-mall-2025`` and ``demo``); any other TOML or YAML file
with the same fields can be named by path. A malformed file stops start-up with
:class:`ProgrammeError`, naming the path and the field.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

BUILT_IN = ("japan-mall-2025", "demo")
INDUSTRIES = ("manufacturing", "wholesale", "retail", "services")
TRACKS = ("kol_affiliate", "group_buying")

_RELATIVE = re.compile(r"^today(?P<sign>[+-])(?P<days>\d+)d(?:\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?$")


class ProgrammeError(ValueError):
    """The programme file cannot be used; the message names the path and the field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Model):
    ja: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.ja


class Dates(_Model):
    intake_opens: datetime
    deadline: datetime
    promotion_start: datetime
    promotion_end: datetime
    samples_due_days: int = Field(ge=0)
    sales_data_due_days: int = Field(ge=0)

    @field_validator("intake_opens", "deadline", "promotion_start", "promotion_end")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must carry a time zone, e.g. 2026-01-30T23:59:59+09:00")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Dates:
        if not self.intake_opens < self.deadline:
            raise ValueError("intake_opens must come before deadline")
        if not self.promotion_start < self.promotion_end:
            raise ValueError("promotion_start must come before promotion_end")
        return self


class Contact(_Model):
    office: Bilingual
    phone: str
    email: str
    languages: Bilingual


class Samples(_Model):
    max_units: int = Field(ge=1)
    sample_address: Bilingual


class Shipping(_Model):
    max_days_after_order: int = Field(ge=1)


class Track(_Model):
    platforms: tuple[str, ...]
    store_platforms: tuple[str, ...] = ()


class SmeLine(_Model):
    id: str
    industry: str
    capital_jpy: int = Field(gt=0)
    employees: int = Field(gt=0)

    @field_validator("industry")
    @classmethod
    def _industry(cls, value: str) -> str:
        if value not in INDUSTRIES:
            raise ValueError(f"must be one of {', '.join(INDUSTRIES)}")
        return value


class MidTier(_Model):
    max_employees: int = Field(gt=0)
    large_parent_min_employees: int = Field(gt=0)


class Reminders(_Model):
    deadline: tuple[int, ...]
    samples: tuple[int, ...]
    sales_data: tuple[int, ...]
    quiet_start: time
    quiet_end: time


class Programme(_Model):
    id: str
    reference_prefix: str = Field(pattern=r"^[A-Z0-9]{2,8}$")
    timezone: str
    capacity: int = Field(gt=0)
    products_per_company: int = Field(ge=1)
    fiscal_year: str
    name: Bilingual
    dates: Dates
    contact: Contact
    samples: Samples
    shipping: Shipping
    tracks: dict[str, Track]
    sme: tuple[SmeLine, ...]
    mid_tier: MidTier
    reminders: Reminders

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("tracks")
    @classmethod
    def _tracks(cls, value: dict[str, Track]) -> dict[str, Track]:
        unknown = sorted(set(value) - set(TRACKS))
        if unknown or not value:
            raise ValueError(f"tracks must be among {', '.join(TRACKS)}")
        return value

    @field_validator("sme")
    @classmethod
    def _sme(cls, value: tuple[SmeLine, ...]) -> tuple[SmeLine, ...]:
        if sorted(line.industry for line in value) != sorted(INDUSTRIES):
            raise ValueError(f"needs exactly one line for each of {', '.join(INDUSTRIES)}")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def sme_line(self, industry: str) -> SmeLine:
        return next(line for line in self.sme if line.industry == industry)

    def intake_open(self, now: datetime) -> bool:
        return self.dates.intake_opens <= now <= self.dates.deadline


def _resolve_relative(data: Any, today: date, tz: ZoneInfo) -> Any:
    """Turn "today+30d 23:59:59" strings into aware datetimes (the demo programme)."""
    if isinstance(data, dict):
        return {key: _resolve_relative(value, today, tz) for key, value in data.items()}
    if isinstance(data, str):
        match = _RELATIVE.match(data.strip())
        if match:
            days = int(match["days"]) * (1 if match["sign"] == "+" else -1)
            at = time.fromisoformat(match["time"]) if match["time"] else time(0, 0)
            return datetime.combine(today + timedelta(days=days), at, tzinfo=tz)
    return data


def _read(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else tomllib.loads(text)
    if not isinstance(data, dict):
        raise ProgrammeError(f"{path}: the file must hold a table of fields")
    return data


def load_programme(name_or_path: str, *, today: date | None = None) -> Programme:
    """Load a built-in programme by name or a programme file by path."""
    if name_or_path in BUILT_IN:
        resource = resources.files("bot") / "programmes" / f"{name_or_path}.toml"
        path = Path(str(resource))
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise ProgrammeError(f"{name_or_path}: no such programme file (built in: {', '.join(BUILT_IN)})")
    try:
        data = _read(path)
    except (tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProgrammeError(f"{path}: not valid TOML/YAML: {exc}") from exc
    zone_name = data.get("timezone", "UTC")
    try:
        zone = ZoneInfo(str(zone_name))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    data = _resolve_relative(data, today or datetime.now(zone).date(), zone)
    try:
        return Programme.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(file)"
        raise ProgrammeError(f"{path}: field {field}: {first['msg']}") from None
