"""Settings from the environment and a `.env` file (docs/interfaces.md), validated at start."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from conversations.vocab import CHANNELS


class ConfigError(ValueError):
    """One clear line per problem in the configuration."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JAPANMALL_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite:///japanmall.db"
    programme: str = "japan-mall-2025"
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_secret: str | None = None
    telegram_webhook_url: str | None = None
    wechat_token: str | None = None
    wechat_app_id: str | None = None
    wechat_app_secret: str | None = None
    wechat_aes_key: str | None = None
    wechat_api_url: str = "https://api.weixin.qq.com"
    wechat_template_id: str | None = None
    public_url: str | None = None
    staff: str = ""
    files_dir: Path = Field(default=Path("var/files"))

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError(
                "must be an SQLAlchemy URL for SQLite or PostgreSQL, e.g. sqlite:///japanmall.db"
            )
        if value.startswith(("postgresql://", "postgres://")):
            # psycopg 3 is the driver we install; plain postgresql:// would mean psycopg2.
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @field_validator("staff")
    @classmethod
    def _staff(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            channel, _, user = item.partition(":")
            if channel not in CHANNELS or not user:
                raise ValueError(f"{item!r} is not channel:id (channel telegram, wechat or console)")
        return value

    @field_validator("wechat_aes_key")
    @classmethod
    def _aes_key(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 43:
            raise ValueError("the EncodingAESKey has 43 characters")
        return value

    @field_validator("public_url", "wechat_api_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL, e.g. https://bot.example.com")
        return value

    @property
    def staff_accounts(self) -> frozenset[tuple[str, str]]:
        pairs = (part.strip().partition(":") for part in self.staff.split(",") if part.strip())
        return frozenset((channel, user) for channel, _, user in pairs)

    def problems(self) -> list[str]:
        """Cross-field checks that a single field validator cannot make."""
        found = []
        if self.telegram_token and self.telegram_mode == "webhook":
            if not self.telegram_webhook_secret:
                found.append(
                    "JAPANMALL_TELEGRAM_WEBHOOK_SECRET: required when JAPANMALL_TELEGRAM_MODE=webhook"
                )
            if not self.telegram_webhook_url:
                found.append("JAPANMALL_TELEGRAM_WEBHOOK_URL: required when JAPANMALL_TELEGRAM_MODE=webhook")
        if self.wechat_aes_key and not self.wechat_app_id:
            found.append(
                "JAPANMALL_WECHAT_APP_ID: required with JAPANMALL_WECHAT_AES_KEY (safe mode checks it)"
            )
        if self.wechat_app_id and not self.wechat_app_secret:
            found.append("JAPANMALL_WECHAT_APP_SECRET: required with JAPANMALL_WECHAT_APP_ID")
        return found


def load_settings(**overrides: object) -> Settings:
    """Read and check the settings; raise ConfigError with one line per problem."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "JAPANMALL_" + "_".join(str(part) for part in error["loc"]).upper()
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{name}: {message}")
        raise ConfigError("\n".join(lines)) from None
    problems = settings.problems()
    if problems:
        raise ConfigError("\n".join(problems))
    return settings
