"""Several processes migrating one fresh database at once (issue 18): on PostgreSQL they take turns
under an advisory lock (storage/db.py); without it one died with UniqueViolation on alembic_version."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from storage.db import make_engine
from storage.health import expected_revision
from tests.conftest import BACKENDS, PG_URL, pg_url_with_schema

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = 4


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an EMPTY database: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    assert PG_URL
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield pg_url_with_schema(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_several_processes_migrate_a_fresh_database_at_once(fresh_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "JAPANMALL_DATABASE_URL": fresh_url, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "db", "upgrade"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    for code, out, err in results:
        assert code == 0, err[-2000:]
        assert "The database schema is up to date." in out
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
                expected_revision()
            ]
            assert {"users", "inbound_keys", "kv", "deliveries"} <= set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
