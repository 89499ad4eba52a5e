"""Storage on SQLite and PostgreSQL: schema, one transaction per message, no lost answers."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from conversations import Form, Inbound, Step, UserKey
from storage import dialog as store
from storage.models import Base, ConversationState, Delivery, InboundKey, User

ROOT = Path(__file__).resolve().parents[1]


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def _notes_flow(app) -> None:
    """A form whose one question keeps every text it gets: a lost update would lose a note."""

    def keep(ctx, value):
        ctx.answers.setdefault("notes", []).append(value)
        return "note"

    app.registry.add_flow(Form("notes", [Step("note", "core.menu_question", field="", on_answer=keep)]))


def test_concurrent_steps_for_one_user_lose_no_answer(app, backend):
    _notes_flow(app)
    key = UserKey("console", "busy")
    app.dialog.handle(key, Inbound(text="こんにちは"))
    with app.engine.begin() as conn:
        user = store.get_or_create_user(conn, key.channel, key.user, app.services.clock())
        state = store.load_state(conn, user.id)
        state.flow, state.step = "notes", "note"
        store.save_state(conn, user.id, state, app.services.clock(), is_new=False)

    count = 24
    barrier = threading.Barrier(8)

    def worker(offset: int) -> None:
        barrier.wait()
        for i in range(offset, count, 8):
            app.dialog.handle(key, Inbound(text=f"note {i}"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.engine.connect() as conn:
        state = store.load_state(conn, user.id)
    assert sorted(state.answers["notes"]) == sorted(f"note {i}" for i in range(count))
    assert state.version == 1 + 1 + count  # first message, the move, then one per note


def test_a_repeated_message_acts_once_and_gets_the_same_reply(app):
    _notes_flow(app)
    key = UserKey("wechat", "oRetry")
    app.dialog.handle(key, Inbound(text="こんにちは"))
    first = app.dialog.handle(key, Inbound(text="5"), message_key="oRetry:1001")
    again = app.dialog.handle(key, Inbound(text="5"), message_key="oRetry:1001")
    assert not first.duplicate and again.duplicate
    assert [m.text for m in again.messages] == [m.text for m in first.messages]
    assert [m.options for m in again.messages] == [m.options for m in first.messages]
    with app.engine.connect() as conn:
        (stored,) = conn.execute(select(InboundKey.reply)).scalars().all()
        replies = conn.execute(select(func.count()).select_from(Delivery).where(Delivery.kind == "reply"))
        # The reply to a platform message is kept once, with its key; only the greeting, which
        # had no key, has a delivery row.
        assert replies.scalar() == 1
    assert [m["text"] for m in stored["messages"]] == [m.text for m in first.messages]


def test_concurrent_retries_of_one_message_act_once(app):
    key = UserKey("wechat", "oRace")
    app.dialog.handle(key, Inbound(text="こんにちは"))
    barrier = threading.Barrier(6)
    replies = []

    def retry() -> None:
        barrier.wait()
        replies.append(app.dialog.handle(key, Inbound(text="4"), message_key="oRace:77"))

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(not r.duplicate for r in replies) == 1
    assert len({tuple(m.text for m in r.messages) for r in replies}) == 1


def test_user_row_records_language_and_last_inbound(app, clock):
    key = UserKey("telegram", "42")
    app.dialog.handle(key, Inbound(text="你好"))
    clock.advance(hours=5)
    app.dialog.handle(key, Inbound(text="1"))
    with app.engine.connect() as conn:
        row = conn.execute(select(User).where(User.channel_user_id == "42")).one()
    assert row.language == "zh"
    assert row.last_inbound_at == clock()


def test_the_hot_path_writes_rows_every_other_reader_reads_alike(app, clock):
    """On SQLite the per-message statements bypass SQLAlchemy's types: what they write must read
    back through SQLAlchemy exactly as if SQLAlchemy had written it (and on PostgreSQL it did)."""
    _notes_flow(app)
    key = UserKey("wechat", "oRoundTrip")
    app.dialog.handle(key, Inbound(text="こんにちは"), message_key="oRoundTrip:1")
    with app.engine.begin() as conn:
        user = store.get_or_create_user(conn, key.channel, key.user, clock())
        state = store.load_state(conn, user.id)
        state.flow, state.step = "notes", "note"
        store.save_state(conn, user.id, state, clock(), is_new=False)
    clock.now = clock.now.replace(microsecond=123456)
    text = '引用 "quotes" \\ back\nslash ]]> 😀'
    reply = app.dialog.handle(key, Inbound(text=text), message_key="oRoundTrip:2")
    with app.engine.connect() as conn:
        row = conn.execute(select(User).where(User.channel_user_id == "oRoundTrip")).one()
        state_row = conn.execute(select(ConversationState).where(ConversationState.user_id == row.id)).one()
        stored = conn.execute(select(InboundKey.reply).where(InboundKey.key == "oRoundTrip:2")).scalar_one()
        received = conn.execute(
            select(InboundKey.received_at).where(InboundKey.key == "oRoundTrip:2")
        ).scalar_one()
    assert row.last_inbound_at == clock() and row.last_inbound_at.tzinfo is not None
    assert received == clock()
    assert state_row.answers["notes"] == [text] and state_row.updated_at == clock()
    assert (state_row.flow, state_row.step, state_row.version) == ("notes", "note", 3)
    assert stored == reply.to_json()
    with app.engine.connect() as conn:  # and the hot path reads back what it wrote
        user, state = store.load_user_and_state(conn, key.channel, key.user, clock())
    assert user.last_inbound_at == clock() and state is not None and state.answers["notes"] == [text]


def _chat(db_url: str, tmp_path: Path, lines: str) -> str:
    env = {**os.environ, "JAPANMALL_DATABASE_URL": db_url, "JAPANMALL_PROGRAMME": "demo"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "same"],
        input=lines,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_state_survives_a_new_process(db_url, tmp_path):
    first = _chat(db_url, tmp_path, "/lang zh\n5\n")
    assert "请选择您使用的语言" in first
    second = _chat(db_url, tmp_path, "")
    assert "欢迎回来" in second
    assert "请选择您使用的语言" in second  # the same question, in the language chosen before
