"""The programme a round of JAPAN MALL runs under: every fact of the call the core needs, as a typed model.

The model belongs to the core; bot/programme.py only reads it from a file (TOML or YAML) and
validates it with this model. The rules these facts serve are docs/programme-rules.md.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from conversations.vocab import INDUSTRIES, TRACKS

__all__ = [
    "Bilingual",
    "Contact",
    "Dates",
    "MidTier",
    "Privacy",
    "Programme",
    "Reminders",
    "Samples",
    "Shipping",
    "SmeLine",
    "Track",
]


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


class Privacy(_Model):
    """The personal-data notice of the call (who collects, for what, where it is kept, whom to ask
    for correction or deletion) and the separate consent to transfer abroad (PIPL, companies in
    China). `version` is stored with each consent; a new text needs a new version."""

    version: str = Field(min_length=1)
    notice: Bilingual
    transfer: Bilingual


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
    privacy: Privacy

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
