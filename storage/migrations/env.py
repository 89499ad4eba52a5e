"""Alembic environment: run against the engine handed over by storage.db.upgrade, or a URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

from storage.db import make_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()


def run_migrations_online() -> None:
    given: Connection | None = config.attributes.get("connection")  # holding the migration lock
    if given is not None:
        _run(given)
        return
    engine: Engine | None = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///japanmall.db")
    with engine.connect() as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `japanmall db upgrade`")
run_migrations_online()
