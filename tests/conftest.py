"""Fixtures: a database on SQLite and, when JAPANMALL_TEST_DATABASE_URL is set, on PostgreSQL.

Every test that asks for `engine` (or anything built on it) runs once per backend. SQLite gets a
fresh file copied from a migrated template; PostgreSQL gets a schema of its own per test session
(so that concurrent runs do not meet), migrated with Alembic once and truncated between tests.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.config import Settings
from bot.programme import load_programme
from bot.wiring import App, build_app
from storage.db import make_engine, upgrade
from storage.models import Base

PG_URL = os.environ.get("JAPANMALL_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


class FakeClock:
    """An injected clock: tests move time, never sleep."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        self.now = when

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str | None]:
    if not PG_URL:
        yield None
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = pg_engine(schema)
    upgrade(engine)
    engine.dispose()
    yield schema
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def pg_engine(schema: str) -> Engine:
    assert PG_URL
    url = (
        PG_URL
        if "+" in PG_URL.split("://")[0]
        else PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    )
    return make_engine(url, connect_args={"options": f"-csearch_path={schema}"})


def pg_url_with_schema(schema: str) -> str:
    """A URL that puts another process (a server under test) in the same schema."""
    assert PG_URL
    base = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path: Path, sqlite_template: Path, pg_schema: str | None) -> str:
    """A URL of a migrated, empty database for this test (SQLite file or PostgreSQL schema)."""
    if backend == "sqlite":
        path = tmp_path / "japanmall.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    assert pg_schema is not None
    engine = pg_engine(pg_schema)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return pg_url_with_schema(pg_schema)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    # 2026-01-10 09:00 in Tokyo: intake of japan-mall-2025 is open, the deadline 20 days away.
    return FakeClock(datetime(2026, 1, 10, 0, 0, tzinfo=UTC))


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db_url, programme="japan-mall-2025", files_dir=tmp_path / "files", _env_file=None
    )  # type: ignore[call-arg]


@pytest.fixture
def app(settings: Settings, engine: Engine, clock: FakeClock) -> App:
    programme = load_programme(settings.programme, today=clock().date())
    return build_app(settings, clock=clock, engine=engine, migrate=False, programme=programme)
