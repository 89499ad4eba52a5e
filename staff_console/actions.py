"""Everything the console changes, in one place, through the same code as the CLI and the chat.

A status move and an enquiry's answer go through conversations/staff/actions.py, the code the
chat's `/staff` and `japanmall staff` use: the change, its audit row (who, what, when, on what)
and the company's message in the outbox are one transaction. Broadcasts, the export and the
intake switch call what the CLI calls (bot/broadcast.py, bot/staff_export.py, storage/intake.py).

Database work runs in the step runner (on SQLite the one writer thread). Nothing here calls a
platform: the server's sender is woken and the page waits up to WAIT seconds for the outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import broadcast as casting
from bot.broadcast import Segment
from bot.outbound import Sent, deliver
from bot.staff_commands import _with_settings
from bot.staff_export import export_file
from conversations.staff import actions as staff_actions
from conversations.staff import moves
from staff_console import accounts
from storage import applications as apps
from storage import broadcasts as broadcast_store
from storage import intake
from storage import staff as staff_store
from storage import staff_accounts as audit_store
from storage.deliveries import FINAL, OUTCOMES

if TYPE_CHECKING:
    from bot.wiring import App
    from handlers.sender import Sender
    from storage.runner import StepRunner

__all__ = ["NOTES", "Actions", "Preview", "Progress", "Segment"]
log = logging.getLogger(__name__)
NOTES = "staff_notes"  # applications.meta: the staff's notes, [{"at", "by", "text"}]
WAIT = 3.0  # seconds a page waits for its message's outcome (then shows "queued")


@dataclass(frozen=True)
class Preview:
    text: str
    language: str


@dataclass(frozen=True)
class Progress:
    row: broadcast_store.BroadcastRow
    done: int  # recipients whose message has its outcome
    counts: Counter[str]  # their outcomes (storage/deliveries.OUTCOMES)
    running: bool  # being sent by this process now

    @property
    def shown(self) -> list[str]:
        """The outcomes to show, in the outbox's order: sent and failed always, others when met."""
        return [name for name in OUTCOMES if self.counts.get(name) or name in ("sent", "failed")]

    @property
    def interrupted(self) -> bool:
        return not self.running and self.row.status == broadcast_store.SENDING


class Actions:
    """`app` is the bot's (bot/wiring.py); `sender` the server's outbox sender (None: a local one)."""

    def __init__(self, app: App, runner: StepRunner, sender: Sender | None = None) -> None:
        self.app = app
        self.runner = runner
        self.sender = sender
        self.running: dict[int, asyncio.Task[casting.Report]] = {}

    def _audit(self, conn: Any, actor: str, action: str, target: str | None, **detail: Any) -> None:
        audit_store.audit(
            conn, actor=actor, action=action, target=target, now=self.app.services.clock(), **detail
        )

    def _row(self, conn: Any, reference: str) -> apps.ApplicationRow:
        row = apps.application_by_reference(conn, reference.strip().upper())
        if row is None:
            raise moves.NotFound(reference)
        return row

    # -- moving an application ------------------------------------------------------------------
    def _preview(self, reference: str, wanted: str, note: str | None) -> Preview:
        """The notice the move would send, rendered by the function that renders the real one
        (conversations/staff/moves.notice) after the real move, which is then rolled back."""
        with self.app.engine.connect() as conn, conn.begin() as tx:
            row = self._row(conn, reference)
            moved = moves.make_move(
                conn,
                row,
                wanted,
                actor="staff",
                who="console:preview",
                now=self.app.services.clock(),
                note=note,
            )
            lang = staff_actions.language_of(conn, moved.user_id, moved.meta.get("language"))
            text = moves.notice(
                conn, self.app.texts, self.app.programme, moved, lang, from_status=row.status, note=note
            )
            tx.rollback()
        return Preview(text, lang)

    async def preview_move(self, reference: str, wanted: str, note: str | None) -> Preview:
        return await self.runner.run(self._preview, reference, wanted, note)

    def _move(self, actor: str, reference: str, wanted: str, note: str | None) -> staff_actions.Moved:
        with self.app.engine.begin() as conn:  # as `staff set-status` and `/staff set` do
            row = self._row(conn, reference)
            app = self.app
            done = staff_actions.move(
                conn, app.texts, app.programme, row, wanted, who=actor, now=app.services.clock(), note=note
            )
            moved = done.application
            self._audit(
                conn, actor, "move", moved.reference, before=row.status, after=moved.status, note=note
            )
        return done

    async def _outcome(self, delivery_id: int, outcome: str) -> Sent:
        if outcome not in ("queued", "sending"):
            return Sent(outcome, delivery_id)
        found = await deliver(self.app, [delivery_id], sender=self.sender, timeout=WAIT)
        return Sent(found.get(delivery_id, outcome), delivery_id)

    async def move(self, actor: str, reference: str, wanted: str, note: str | None) -> Sent:
        """Raises moves.NotFound, or MoveRefused (nothing changed)."""
        done = await self.runner.run(self._move, actor, reference, wanted, note)
        return await self._outcome(done.delivery_id, done.outcome)

    # -- the application's settings and notes ---------------------------------------------------
    def _details(self, actor: str, reference: str, values: dict[str, Any]) -> None:
        settings = {
            "sample_address": values.get("sample_address") or None,
            "samples_due": _midnight(values.get("samples_due")),
            "samples_units": values.get("samples_units"),
            "sales_data_due": _midnight(values.get("sales_data_due")),
        }
        with self.app.engine.begin() as conn:
            row = self._row(conn, reference)
            _with_settings(conn, row, settings)  # what `staff set-status --sample-address …` stores
            given = {key: str(value) for key, value in values.items() if value}
            self._audit(conn, actor, "sample_details", row.reference, **given)

    async def set_details(self, actor: str, reference: str, values: dict[str, Any]) -> None:
        await self.runner.run(self._details, actor, reference, values)

    def _note(self, actor: str, reference: str, text: str) -> None:
        with self.app.engine.begin() as conn:
            row = self._row(conn, reference)
            note = {"at": self.app.services.clock().isoformat(), "by": actor, "text": text}
            staff_store.set_meta(conn, row.id, {**row.meta, NOTES: [*row.meta.get(NOTES, []), note]})
            self._audit(conn, actor, "note", row.reference)

    async def add_note(self, actor: str, reference: str, text: str) -> None:
        await self.runner.run(self._note, actor, reference, text)

    # -- enquiries ------------------------------------------------------------------------------
    def _answer(self, actor: str, enquiry_id: int, text: str) -> staff_actions.Replied:
        with self.app.engine.begin() as conn:  # as `staff reply` and `/staff reply` do
            done = staff_actions.reply(
                conn, self.app.texts, enquiry_id, text, who=actor, now=self.app.services.clock()
            )
            self._audit(conn, actor, "reply", f"enquiry:{done.enquiry.id}")
        return done

    async def reply(self, actor: str, enquiry_id: int, text: str) -> Sent:
        done = await self.runner.run(self._answer, actor, enquiry_id, text)
        return await self._outcome(done.delivery_id, done.outcome)

    # -- broadcasts -----------------------------------------------------------------------------
    async def dry_run(self, segment: casting.Segment) -> dict[tuple[str, str], int]:
        """Counts per channel and language (`staff broadcast --dry-run`); sends nothing."""
        recipients = await self.runner.run(casting.select_recipients, self.app, segment)
        return casting.per_channel_and_language(recipients)

    def _prepare(self, actor: str, segment: casting.Segment, text_ja: str, text_zh: str) -> int:
        broadcast_id, recipients = casting.prepare(self.app, segment, text_ja, text_zh, actor)
        with self.app.engine.begin() as conn:
            self._audit(conn, actor, "broadcast", f"broadcast:{broadcast_id}", recipients=len(recipients))
        return broadcast_id

    async def start_broadcast(self, actor: str, segment: casting.Segment, text_ja: str, text_zh: str) -> int:
        broadcast_id = await self.runner.run(self._prepare, actor, segment, text_ja, text_zh)
        self._deliver(broadcast_id)
        return broadcast_id

    async def resume_broadcast(self, actor: str, broadcast_id: int) -> None:
        """Finish an interrupted broadcast (`staff broadcast --resume ID`): nobody gets it twice."""
        await self.runner.run(self._resumed, actor, broadcast_id)
        self._deliver(broadcast_id)

    def _resumed(self, actor: str, broadcast_id: int) -> None:
        with self.app.engine.begin() as conn:
            if broadcast_store.get(conn, broadcast_id) is None:
                raise LookupError(broadcast_id)
            self._audit(conn, actor, "broadcast_resume", f"broadcast:{broadcast_id}")

    def _deliver(self, broadcast_id: int) -> None:
        if broadcast_id in self.running:
            return
        task = asyncio.get_running_loop().create_task(
            casting.deliver(self.app, broadcast_id, sender=self.sender)
        )
        self.running[broadcast_id] = task

        def done(finished: asyncio.Task[casting.Report]) -> None:
            self.running.pop(broadcast_id, None)
            error = None if finished.cancelled() else finished.exception()
            if finished.cancelled() or error is not None:
                log.error("broadcast %s stopped; resume it from the console", broadcast_id, exc_info=error)
                return
            log.info("broadcast %s finished: %s", broadcast_id, finished.result().line())

        task.add_done_callback(done)

    def _progress(self, broadcast_id: int) -> Progress | None:
        with self.app.engine.connect() as conn:
            row = broadcast_store.get(conn, broadcast_id)
            outcomes = broadcast_store.outcomes(conn, broadcast_id) if row else {}
        if row is None:
            return None
        counts = Counter(outcomes.values())
        done = sum(count for name, count in counts.items() if name in FINAL)
        return Progress(row, done, counts, broadcast_id in self.running)

    async def progress(self, broadcast_id: int) -> Progress | None:
        """How far a broadcast has gone: its rows' outcomes (storage/deliveries.OUTCOMES)."""
        return await self.runner.run(self._progress, broadcast_id)

    # -- intake and export ----------------------------------------------------------------------
    def _intake(self, actor: str, closed: bool) -> None:
        with self.app.engine.begin() as conn:
            now = self.app.services.clock()
            intake.set_intake_closed(conn, self.app.programme.id, closed, by=actor, now=now)
            self._audit(conn, actor, "intake_close" if closed else "intake_open", self.app.programme.id)

    async def set_intake(self, actor: str, closed: bool) -> None:
        await self.runner.run(self._intake, actor, closed)

    async def export(self, actor: str, path: Path, lang: str) -> int:
        """The file `staff export --output FILE --lang LANG` writes, headers in `lang`."""
        count = await self.runner.io(partial(export_file, self.app, path, lang=lang))
        await self.runner.run(self._audit_alone, actor, "export", path.suffix.lstrip("."), count=count)
        return count

    def _audit_alone(self, actor: str, action: str, target: str | None, **detail: Any) -> None:
        with self.app.engine.begin() as conn:
            self._audit(conn, actor, action, target, **detail)

    # -- accounts and preferences ---------------------------------------------------------------
    def _add_account(self, actor: str, name: str, role: str, password: str, language: str) -> None:
        accounts.add(self.app.engine, self.app.services.clock, name, role, password, language)
        self._audit_alone(actor, "account_add", accounts.check_name(name), role=role)

    async def add_account(self, actor: str, name: str, role: str, password: str, language: str) -> None:
        """Raises accounts.AccountError (a name taken, a short password…)."""
        await self.runner.run(self._add_account, actor, name, role, password, language)

    def _disable_account(self, actor: str, name: str) -> None:
        ended = accounts.disable(self.app.engine, self.app.services.clock, name)
        self._audit_alone(actor, "account_disable", name, sessions_ended=ended)

    async def disable_account(self, actor: str, name: str) -> None:
        await self.runner.run(self._disable_account, actor, name)

    def _preferences(self, actor: str, account_id: int, language: str, timezone: str) -> None:
        with self.app.engine.begin() as conn:
            audit_store.set_preferences(conn, account_id, language=language, timezone=timezone)
            self._audit(conn, actor, "preferences", None, language=language, timezone=timezone)

    async def set_preferences(self, actor: str, account_id: int, language: str, timezone: str) -> None:
        await self.runner.run(self._preferences, actor, account_id, language, timezone)


def _midnight(value: Any) -> datetime | None:
    """A date from the form as the CLI's --samples-due gives it (a datetime at midnight)."""
    return datetime.combine(value, time()) if isinstance(value, date) else None
