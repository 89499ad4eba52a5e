"""Engines and transactions. SQLite: WAL, synchronous=NORMAL, BEGIN IMMEDIATE; PostgreSQL: a pool."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
# pg_advisory_lock's key for migrations: any fixed number; "japanmall" in ASCII, folded to 63 bits.
MIGRATION_LOCK = int.from_bytes(b"japanmal", "big") & 0x7FFF_FFFF_FFFF_FFFF


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for how we use it: short write transactions, one per inbound message."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _tune_sqlite(engine: Engine) -> None:
    # SQLAlchemy's documented recipe: let SQLAlchemy, not pysqlite, emit BEGIN, so that every
    # transaction takes the write lock up front (BEGIN IMMEDIATE) and two writers queue on
    # busy_timeout instead of failing halfway with SQLITE_BUSY.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    # The recipe emits it with exec_driver_sql; on the driver's connection directly it costs a
    # tenth as much, and it runs once per inbound message (the hot path).
    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE")


class Transactions:
    """Transactions for the hot path (one per inbound message: conversations/engine.py).

    On SQLite each thread keeps one connection open between its transactions: checking a pooled
    connection out and back in costs about 35 µs, more than the step's own SQL statements
    (`python benchmarks/wechat_webhook.py`; the one writer thread runs every step). An idle
    connection holds no snapshot, so WAL checkpoints are not held up. A transaction that fails
    closes its connection (the next one opens a fresh one). On PostgreSQL every transaction takes
    a pooled connection as usual (pre-ping after a server restart; the pool's cost is small beside
    a network round trip)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._keep = engine.dialect.name == "sqlite"
        self._local = threading.local()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        if not self._keep:
            with self.engine.begin() as conn:
                yield conn
            return
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self._local.conn = self.engine.connect()
        try:
            with conn.begin():
                yield conn
        except BaseException:
            self._local.conn = None
            conn.close()
            raise


def alembic_config(engine: Engine | None = None, url: str | None = None) -> Config:
    script_location = str(resources.files("storage") / "migrations")
    config = Config()
    config.set_main_option("script_location", script_location)
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest revision (`japanmall db upgrade`).

    On PostgreSQL the migration runs holding a session advisory lock, so several processes
    started at once (workers, replicas) take turns: the first migrates, the others then find the
    schema at head and do nothing. On SQLite a missing file is created, and the log says so: an
    operator whose database file vanished sees it instead of an empty database appearing silently."""
    path = _sqlite_file(engine)
    if path is not None and not path.exists():
        log.warning("the SQLite database file %s does not exist: creating a new, empty database", path)
    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), "head")
        return
    with engine.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
        conn.commit()
        try:
            config = alembic_config(engine)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        finally:
            conn.rollback()
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
            conn.commit()


def _sqlite_file(engine: Engine) -> Path | None:
    url = make_url(str(engine.url))
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database).expanduser().resolve()
