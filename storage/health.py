"""Is the database really usable? `/healthz`'s probe, and one clear log line when steps cannot write.

The probe (`Probe.check`) answers what an operator needs, not merely "a SELECT worked":

- on SQLite, that the file the server opened is still the configured file (same device and inode):
  a deleted or replaced file keeps answering on the open handle while nothing reaches the real one;
- that the database accepts a write now (a row in `kv`, in a transaction of its own, with a short
  timeout: a locked, read-only or full database says so within seconds instead of hanging);
- that the schema is at the revision this code expects (alembic's head).

Steps report their failures here (`step_failed`): a failure of the database itself (read-only, disk
full, file gone, connection lost) is logged ONCE, clearly, when it starts, and once when writes work
again; the steps in between fail without a traceback each. A passing probe also clears the mark.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, exc, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

PROBE_KEY = "health:probe"
PROBE_TIMEOUT = 2.0  # seconds a write may wait for a lock before the probe calls it a failure

_lock = threading.Lock()
_failing: str | None = None  # the reason steps fail, while they do


def _database_fault(error: BaseException) -> str | None:
    """A short reason when `error` is the database failing (not a bug in a step), else None."""
    # Operational: read-only, disk full, locked, I/O, connection lost; Internal: PostgreSQL's
    # read-only transaction. A ProgrammingError or IntegrityError is a bug: it keeps its traceback.
    if isinstance(error, exc.OperationalError | exc.InternalError | sqlite3.OperationalError):
        original = getattr(error, "orig", None) or error
        return f"{type(original).__name__}: {str(original).splitlines()[0][:160] if str(original) else ''}"
    return None


def step_failed(error: BaseException) -> bool:
    """A step failed with `error`. True when it is the database failing (already logged, once)."""
    global _failing
    reason = _database_fault(error)
    if reason is None:
        return False
    with _lock:
        first, _failing = _failing is None, reason
    if first:
        log.error("the database cannot be written; steps fail until it can: %s", reason)
    return True


def step_succeeded() -> None:
    """A step (or the probe) wrote: if steps were failing, say once that they work again."""
    global _failing
    if _failing is None:  # the hot path: no lock
        return
    with _lock:
        was, _failing = _failing, None
    if was is not None:
        log.warning("the database accepts writes again")


def failing() -> str | None:
    return _failing


def expected_revision() -> str:
    """The schema revision this code is written for (alembic's head)."""
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return ",".join(sorted(heads))


def sqlite_path(engine: Engine) -> Path | None:
    url = make_url(str(engine.url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None  # a URI database (read-only opening and the like): no identity check
    return Path(url.database).expanduser().resolve()


def file_identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


@dataclass
class Result:
    ok: bool
    checks: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.ok else "error", "database": self.checks}


class Probe:
    """Made when the server starts: remembers the SQLite file's identity and the expected schema."""

    def __init__(self, engine: Engine, *, timeout: float = PROBE_TIMEOUT) -> None:
        self.engine = engine
        self.timeout = timeout
        self.path = sqlite_path(engine)
        self.identity = file_identity(self.path) if self.path is not None else None
        self.revision = expected_revision()
        self._reported: str | None = None

    def check(self) -> Result:
        """Blocking (seconds at most): run it in a thread."""
        result = Result(True)
        try:
            problem = self._file() or self._write_and_schema(result)
        except Exception as error:  # whatever breaks, /healthz answers
            problem = f"not writable ({_database_fault(error) or type(error).__name__})"
        if problem:
            result.ok = False
            result.checks["problem"] = problem
            if problem != self._reported:
                log.error("health check: the database is not usable: %s", problem)
        else:
            result.checks["write"] = "ok"
            step_succeeded()
            if self._reported:
                log.warning("health check: the database is usable again")
        self._reported = problem or None
        return result

    def _file(self) -> str | None:
        if self.path is None:
            return None
        now = file_identity(self.path)
        if now is None:
            return f"the database file {self.path.name} is missing"
        if self.identity is not None and now != self.identity:
            return f"the database file {self.path.name} was replaced while the server had it open"
        return None

    def _write_and_schema(self, result: Result) -> str | None:
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        if self.path is not None:
            return self._sqlite(now, result)
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                ms = int(self.timeout * 1000)
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {ms}")
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}")
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            conn.execute(
                text(
                    "INSERT INTO kv (key, value, expires_at, updated_at) VALUES (:k, '{}', NULL, :now)"
                    " ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at"
                ),
                {"k": PROBE_KEY, "now": now},
            )
            conn.commit()
        return self._schema(revision, result)

    def _sqlite(self, now: str, result: Result) -> str | None:
        assert self.path is not None
        # A connection of its own, opened read-write but never creating (mode=rw): a short wait
        # for the lock, not the 30 s the steps allow; and not in the step runner's queue.
        uri = f"{self.path.as_uri()}?mode=rw"
        conn = sqlite3.connect(uri, uri=True, timeout=self.timeout, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            conn.execute(
                "INSERT INTO kv (key, value, expires_at, updated_at) VALUES (?, '{}', NULL, ?)"
                " ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at",
                (PROBE_KEY, now),
            )
            conn.execute("COMMIT")
        finally:
            conn.close()
        return self._schema(revision[0] if revision else None, result)

    def _schema(self, revision: str | None, result: Result) -> str | None:
        result.checks["schema"] = str(revision)
        if revision != self.revision:
            return f"schema revision {revision}, this code expects {self.revision}"
        return None
