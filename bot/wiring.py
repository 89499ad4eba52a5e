"""Build the running bot from settings: programme, texts, database, dialog core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.config import Settings, load_settings
from bot.forms import write_application_form
from bot.programme import Programme, load_programme
from conversations import Dialog, Registry, Services, Texts, build_registry
from storage.db import make_engine, upgrade


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    programme: Programme
    texts: Texts
    engine: Engine
    registry: Registry
    services: Services
    dialog: Dialog
    wechat_outbound: Any = None  # the one WeChatOutbound (handlers/wechat_out.outbound), made when asked


def build_texts(programme: Programme) -> Texts:
    return Texts({"programme": programme, "tz": programme.tz})


def build_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    engine: Engine | None = None,
    migrate: bool = True,
    programme: Programme | None = None,
) -> App:
    """Everything wired; `migrate` creates or upgrades the schema first (serve and chat do)."""
    settings = settings or load_settings()
    programme = programme or load_programme(settings.programme, today=clock().astimezone().date())
    texts = build_texts(programme)
    engine = engine or make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    registry = build_registry()
    services = Services(
        programme=programme,
        texts=texts,
        clock=clock,
        registry=registry,
        staff=settings.staff_accounts,
        # what the application form needs from outside the core: where files go, how .xlsx is laid out
        files_dir=Path(settings.files_dir),
        form_writer=write_application_form,
        outbox_channels=frozenset({"telegram"}),  # its replies go out through the outbox
    )
    return App(settings, programme, texts, engine, registry, services, Dialog(engine, services))
