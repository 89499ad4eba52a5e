"""`/healthz` tells the truth (storage/health.py), over real HTTP on both databases (issue 18).

A write probe, the schema revision, and on SQLite the identity of the open file; a database that
cannot be written is said once in the log and turns /healthz 503; the fault test locks the database
while the server answers and shows 503 within seconds, 200 after, and no answered message lost.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

from bot.config import Settings
from storage.db import make_engine
from storage.health import expected_revision
from storage.models import InboundKey, MessageLog, User
from tests.wechat_support import make_app, openid, serve, wechat_settings

pytest_plugins = ["tests.wechat_fixtures"]


def healthz(url: str) -> httpx.Response:
    return httpx.get(f"{url}/healthz", timeout=10)


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def wait_for(url: str, status: int, within: float) -> float:
    """Seconds until /healthz answers `status` (fails after `within`)."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        if healthz(url).status_code == status:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"/healthz did not answer {status} within {within} s: {healthz(url).text}")


def test_healthz_writes_and_checks_the_schema(wechat, engine):
    answer = healthz(wechat.url)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    head = expected_revision()  # the newest migration's id
    assert body["status"] == "ok" and body["database"] == {"write": "ok", "schema": head}
    assert body["channels"] == ["wechat"]
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))  # an older schema
    stale = healthz(wechat.url)
    assert stale.status_code == 503
    assert stale.json()["database"]["problem"] == f"schema revision 0004, this code expects {head}"
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    assert healthz(wechat.url).status_code == 200


def _locked(engine, backend: str, release: threading.Event, held: threading.Event) -> None:
    """Hold the database so that nobody else can write, until `release` is set."""
    if backend == "sqlite":
        conn = sqlite3.connect(engine.url.database, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        held.set()
        release.wait(60)
        conn.execute("ROLLBACK")
        conn.close()
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("LOCK TABLE kv, inbound_keys, users IN ACCESS EXCLUSIVE MODE")
        held.set()
        release.wait(60)
        conn.rollback()


def test_fault_a_database_that_cannot_be_written_turns_healthz_503_and_no_answered_message_is_lost(
    wechat, engine, backend, caplog
):
    before = [wechat.chat() for _ in range(3)]
    answered = [chat.send("こんにちは") for chat in before]
    assert all("応募締切" in answer for answer in answered)
    assert healthz(wechat.url).status_code == 200
    release, held = threading.Event(), threading.Event()
    locker = threading.Thread(target=_locked, args=(engine, backend, release, held))
    locker.start()
    during: list[str] = []
    late = wechat.chat()
    sender = threading.Thread(target=lambda: during.append(late.send("你好")))
    try:
        assert held.wait(10)
        sender.start()  # a message that arrives while the database cannot be written
        with caplog.at_level(logging.ERROR, logger="storage.health"):
            assert wait_for(wechat.url, 503, within=6) < 6
        problem = healthz(wechat.url).json()["database"]["problem"]
        assert problem.startswith("not writable"), problem
        assert [r.getMessage() for r in caplog.records if r.name == "storage.health"].count(
            f"health check: the database is not usable: {problem}"
        ) == 1  # said once, however often it is asked
    finally:
        release.set()
        locker.join(10)
    assert wait_for(wechat.url, 200, within=6) < 6
    sender.join(30)
    assert during and "报名截止日期" in during[0]  # answered once the database was back
    assert count(engine, User) == 4 and count(engine, InboundKey) == 4 and count(engine, MessageLog) == 4
    assert "応募資格の事前確認" in before[0].send("1")  # their state kept: they carry on


def _read_only_url(db_url: str, backend: str) -> str:
    if backend == "sqlite":
        path = db_url.removeprefix("sqlite:///")
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    return db_url + "%20-cdefault_transaction_read_only%3Don"


def test_on_a_read_only_database_every_user_gets_the_apology_logged_once_and_healthz_is_503(
    settings, db_url, engine, clock, backend, wechat_api, caplog
):
    known = openid()
    writable = make_app(wechat_settings(settings, wechat_api), engine, clock)
    with serve(writable, wechat_api) as running:
        assert "応募締切" in running.chat(known).send("こんにちは")
    read_only = make_engine(_read_only_url(db_url, backend))
    try:
        app = make_app(wechat_settings(settings, wechat_api), read_only, clock)
        with caplog.at_level(logging.INFO), serve(app, wechat_api) as running:
            answers = [running.chat(known).send("1"), running.chat().send("你好"), running.chat().send("hi")]
            assert healthz(running.url).status_code == 503
        for answer in answers:  # the known user and the new ones: an apology, never nothing
            assert "申し訳ありません" in answer or "抱歉" in answer, answer
        said = [r for r in caplog.records if r.getMessage().startswith("the database cannot be written")]
        assert len(said) == 1, [r.getMessage() for r in said]
        assert not [r for r in caplog.records if r.exc_info and r.name == "conversations.engine"]
    finally:
        read_only.dispose()
    assert count(engine, User) == 1


def test_sqlite_a_deleted_or_replaced_database_file_turns_healthz_503(
    clock, wechat_api, sqlite_template, tmp_path
):
    path = tmp_path / "own.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    own = Settings(
        database_url=url, programme="japan-mall-2025", files_dir=tmp_path / "files", _env_file=None
    )
    engine = make_engine(url)
    try:
        app = make_app(wechat_settings(own, wechat_api), engine, clock)
        with serve(app, wechat_api) as running:
            assert "応募締切" in running.chat().send("こんにちは")
            assert healthz(running.url).status_code == 200
            path.rename(tmp_path / "moved.db")
            missing = healthz(running.url)
            assert missing.status_code == 503
            assert missing.json()["database"]["problem"] == "the database file own.db is missing"
            shutil.copy(tmp_path / "moved.db", path)  # the same content, another file
            replaced = healthz(running.url)
            assert replaced.status_code == 503
            assert "was replaced while the server had it open" in replaced.json()["database"]["problem"]
            path.unlink()
            (tmp_path / "moved.db").rename(path)  # the very file back
            assert healthz(running.url).status_code == 200
    finally:
        engine.dispose()


def test_serve_on_a_missing_sqlite_file_creates_it_and_says_so(tmp_path):
    path = tmp_path / "new" / "japanmall.db"
    env = {
        **os.environ,
        "JAPANMALL_DATABASE_URL": f"sqlite:///{path}",
        "JAPANMALL_FILES_DIR": str(tmp_path / "files"),
    }
    for name in ("JAPANMALL_TELEGRAM_TOKEN", "JAPANMALL_WECHAT_TOKEN"):
        env.pop(name, None)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if healthz(url).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert healthz(url).status_code == 200
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    assert path.exists()
    assert f"the SQLite database file {path} does not exist: creating a new, empty database" in stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (expected_revision(),)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
