"""The dialog core: one inbound event in, the new state and the outbound messages out.

Each event is one transaction: claim the message key (when the channel has one), read the
user's state, run the step, write the state, record what goes out, commit. A crash anywhere in
between leaves the previous state whole; a concurrent step for the same user is detected by
the state's version and the step is run again on the fresh state.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from conversations.commands import unknown
from conversations.context import Context, Services
from conversations.events import FileRef, Inbound, Outbound, Reply
from conversations.flow import Invalid, read_choice
from conversations.i18n import LANGUAGES, detect_language, normalise_language
from storage import Transactions, applications, deliveries, health, message_log, storable
from storage import dialog as store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


class Refused(Exception):
    """Raised by a channel's `admit` check to refuse an event before any effect (the step's
    transaction is rolled back); `Dialog.handle` passes it on to the channel instead of apologising."""


Admit = Callable[[Connection], None]


@dataclass(frozen=True, slots=True)
class UserKey:
    """The frozen key of all of a user's state: (channel, channel user id)."""

    channel: str
    user: str


def storable_inbound(inbound: Inbound) -> Inbound:
    """The event with every text made storable the same on SQLite and PostgreSQL (no NUL, bounded)."""
    text = storable.text(inbound.text)
    if (
        text == inbound.text
        and inbound.file is None
        and inbound.option is None
        and inbound.option_step is None
        and not inbound.language_hint
    ):
        return inbound  # a plain message, already storable (every message, on the hot path)
    file = inbound.file
    if file is not None:
        file = FileRef(
            storable.text(file.name, 256),
            storable.text(file.path) if file.path else file.path,
            storable.text(file.url) if file.url else file.url,
            storable.text(file.mime, 128) if file.mime else file.mime,
            file.size if file.size is None or 0 <= file.size < 2**62 else None,
            storable.text(file.platform_id, 256) if file.platform_id else file.platform_id,
        )
    return dataclasses.replace(
        inbound,
        text=text,
        option=storable.text(inbound.option, 256) if inbound.option is not None else None,
        option_step=storable.text(inbound.option_step, 128) if inbound.option_step is not None else None,
        file=file,
        language_hint=storable.text(inbound.language_hint, 16) if inbound.language_hint else None,
    )


def _logged(inbound: Inbound) -> dict[str, str]:
    """What the user sent, for the message log: a file by its name, a tap by its value."""
    if inbound.file is not None:
        return {"file": inbound.file.name, "text": inbound.text}
    if inbound.option is not None:
        return {"option": inbound.option}
    return {"text": inbound.text}


class Dialog:
    def __init__(self, engine: Engine, services: Services) -> None:
        self.engine = engine
        self.services = services
        self.transactions = Transactions(engine)  # on SQLite a connection kept per thread (storage/db.py)

    def handle(
        self, key: UserKey, inbound: Inbound, *, message_key: str | None = None, admit: Admit | None = None
    ) -> Reply:
        """Run one event; with `message_key`, a repeated message gets the stored reply and no effect.
        `admit` is a channel's own check run first in the step's transaction (one commit for both;
        WeChat's replay guard): it raises `Refused` to refuse the event, which nothing then changes.

        Ids and texts are made storable first (storage/storable.py): a user id no platform sends is
        refused (an empty reply), a long key hashed, NUL removed — the same on both databases."""
        try:
            key = UserKey(key.channel, storable.user_id(key.user))
        except storable.NotStorable:
            log.warning("event from a user id that cannot be stored: refused", extra={"channel": key.channel})
            return Reply((), "ja")
        inbound = storable_inbound(inbound)
        if message_key is not None:
            message_key = storable.key(message_key)
        for _attempt in range(MAX_ATTEMPTS):
            try:
                reply = self._once(key, inbound, message_key, admit=admit)
            except store.StaleState:
                time.sleep(random.uniform(0, 0.002 * (_attempt + 1)))
                continue
            except Refused:
                raise
            except Exception as exc:
                if not health.step_failed(exc):  # a database that cannot be written: said once there
                    log.exception("step failed", extra={"channel": key.channel, "user_ref": key.user})
                return self._apology(key)
            health.step_succeeded()
            return reply
        log.error("step gave up after %d concurrent retries", MAX_ATTEMPTS)
        return self._apology(key)

    def greet(self, key: UserKey, *, language: str | None = None) -> Reply:
        """Opening a session (the console): the welcome for a new user, else the current question."""
        for _attempt in range(MAX_ATTEMPTS):
            try:
                return self._once(key, Inbound(language_hint=language), None, greet=language or "")
            except store.StaleState:
                continue
        return self._apology(key)

    def _once(
        self,
        key: UserKey,
        inbound: Inbound,
        message_key: str | None,
        greet: str | None = None,
        admit: Admit | None = None,
    ) -> Reply:
        now = self.services.clock()
        with self.transactions.begin() as conn:
            if admit is not None:
                admit(conn)
            if message_key is not None:
                new, stored = store.claim_inbound(conn, key.channel, message_key, now)
                if not new:
                    return Reply.from_json(stored or {"messages": []}, duplicate=True)
            user, state = store.load_user_and_state(conn, key.channel, key.user, now)
            is_new = state is None
            state = self._known(state, user.id)
            ctx = Context(conn=conn, user=user, state=state, services=self.services, now=now, inbound=inbound)
            if greet is None:
                self._step(ctx, inbound, first=is_new)
            else:
                self._greet(ctx, greet, first=is_new)
            store.touch_user(conn, user.id, now, ctx.lang if ctx.language_known else None)
            store.save_state(conn, user.id, state, now, is_new=is_new)
            reply = Reply(tuple(ctx.out), ctx.lang, user_id=user.id)
            payload = reply.to_json()
            # The reply is kept once: with the platform's message key when there is one (a retry
            # gets it back from there), else as a delivery row (the console, a greeting).
            if message_key is not None:
                store.store_reply(conn, key.channel, message_key, payload)
                if key.channel in self.services.outbox_channels and reply.messages:
                    # The reply goes out through the outbox, written with the step (Telegram).
                    deliveries.enqueue_reply(
                        conn,
                        user_id=user.id,
                        channel=key.channel,
                        message_key=message_key,
                        messages=payload["messages"],
                        now=now,
                    )
            else:
                deliveries.record(
                    conn,
                    user_id=user.id,
                    channel=key.channel,
                    kind="reply",
                    payload=payload,
                    outcome=deliveries.SENT,
                    now=now,
                )
            if greet is None:  # the conversation as staff read it (the staff console)
                message_log.record(conn, user.id, now, _logged(inbound), payload)
        if ctx.woke_outbox:
            self.services.wake()  # a notice written by this step: the sender looks now
        for callback in ctx.after_commit:
            try:
                callback()
            except Exception:
                log.exception("after-commit work failed", extra={"user_id": user.id})
        return reply

    def _known(self, state: store.StateRow | None, user_id: int) -> store.StateRow:
        """The stored state, or the menu for a new user. A state whose question no longer exists
        (a flow or step renamed by a release) is said in the log and starts again at the menu,
        keeping the answers."""
        if state is None:
            return store.StateRow("menu", "choose", {}, [], {}, 0)
        if not self.services.registry.knows(state.flow, state.step):
            log.warning(
                "stored question %s.%s no longer exists: back to the menu",
                state.flow,
                state.step,
                extra={"user_id": user_id},
            )
            state.flow, state.step = "menu", "choose"
            state.back_stack.clear()
            state.context.clear()
        return state

    def _step(self, ctx: Context, inbound: Inbound, *, first: bool) -> None:
        registry = self.services.registry
        command = inbound.command
        if not ctx.language_known and command is not None and command[0] != "lang":
            # A command is never swallowed by the language question: it runs (in the language the
            # platform or its words tell, else the default) and the question waits for a message.
            detected = normalise_language(inbound.language_hint) or detect_language(inbound.text)
            if detected:
                ctx.set_language(detected)
        elif not ctx.language_known and command is None:
            outcome = self._settle_language(ctx, inbound, asking=ctx.state.flow == "language")
            if outcome == "asked":
                return
            if outcome == "detected" and ctx.state.flow == "language" and command is None:
                first = True  # they wrote in a language instead of choosing one: carry on in it
        if command is not None:
            name, args = command
            handler = registry.commands.get(name)
            if handler is None and ctx.is_staff:
                handler = registry.staff_commands.get(name)
            if handler is None:
                if name in registry.staff_commands:
                    log.warning(
                        "staff command refused", extra={"channel": ctx.user.channel, "user_id": ctx.user.id}
                    )
                unknown(ctx, name)
            else:
                handler(ctx, args)
            return
        if first:
            if inbound.text and any(hook(ctx, inbound) for hook in registry.question_hooks):
                return
            ctx.go("menu", remember=False)
            return
        if inbound.option is None and inbound.file is None:
            for hook in registry.question_hooks:
                if hook(ctx, inbound):
                    return
        registry.flow(ctx.state.flow).handle(ctx, inbound)

    def _settle_language(self, ctx: Context, inbound: Inbound, *, asking: bool) -> str:
        """Before the language is known: take it from the platform or the text, or ask for it.

        Returns "choice" (the event answers the language question), "detected" (known now), or
        "asked" (the bilingual question has been asked again).
        """
        if asking and inbound.command is None:
            try:
                read_choice(ctx, "language.choose", LANGUAGES, "core.language.names", inbound)
                return "choice"
            except Invalid:
                pass
        detected = normalise_language(inbound.language_hint) or detect_language(inbound.text)
        if detected:
            ctx.set_language(detected)
            return "detected"
        ctx.go("language", remember=False)
        return "asked"

    def _greet(self, ctx: Context, language: str, *, first: bool) -> None:
        if language:
            ctx.set_language(language)
        for held in deliveries.take_held(ctx.conn, ctx.user.id, ctx.now):
            ctx.send(Outbound.from_json(held))  # notices and reminders kept for this user (console)
        if not ctx.language_known:
            ctx.go("language", remember=False)
        elif first:
            ctx.go("menu", remember=False)
        elif self._has_draft(ctx):
            ctx.go("application", remember=False)  # it says "welcome back" and asks its open question
        else:
            ctx.say("core.welcome_back")
            ctx.ask_again()

    def _has_draft(self, ctx: Context) -> bool:
        """A returning user at the menu with an application in progress resumes it, not the menu."""
        if ctx.state.flow != "menu" or not self.services.registry.has_flow("application"):
            return False
        return applications.draft_for_user(ctx.conn, ctx.user.id, ctx.programme.id) is not None

    def _apology(self, key: UserKey) -> Reply:
        """Something broke: nothing was saved; say so and ask the same question again."""
        try:
            with self.engine.begin() as conn:
                user = store.get_or_create_user(conn, key.channel, key.user, self.services.clock())
                state = self._known(store.load_state(conn, user.id), user.id)
                ctx = Context(
                    conn=conn,
                    user=user,
                    state=state,
                    services=self.services,
                    now=self.services.clock(),
                    inbound=Inbound(),
                )
                ctx.say("core.error.internal")
                self.services.registry.flow(state.flow).ask(ctx)
                conn.rollback()
            return Reply(tuple(ctx.out), ctx.lang, user_id=user.id)
        except Exception as exc:
            if not health.step_failed(exc):
                log.exception("apology failed")
            # Nothing can be read either (the database is down): the apology in both languages.
            texts = self.services.texts
            return Reply(
                tuple(Outbound(texts.render(lang, "core.error.internal")) for lang in LANGUAGES), "ja"
            )
