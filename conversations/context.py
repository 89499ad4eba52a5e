"""The context of one step: the user's stored state, the texts, the clock, and what goes out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from conversations.events import Inbound, Option, Outbound
from conversations.i18n import Texts
from storage.dialog import StateRow, UserRow

if TYPE_CHECKING:
    from conversations.programme import Programme
    from conversations.registry import Registry

BACK_LIMIT = 50


def _nothing() -> None:
    """No sender to wake (tests of the core alone, the console)."""


@dataclass
class Services:
    """What the core needs from outside, passed in (never imported from bot/)."""

    programme: Programme
    texts: Texts
    clock: Callable[[], datetime]
    registry: Registry
    staff: frozenset[tuple[str, str]] = frozenset()
    # where uploaded materials and filled forms go (JAPANMALL_FILES_DIR); None: nowhere (tests)
    files_dir: Path | None = None
    # lays the filled application form out as .xlsx (bot/forms.py; the core knows no openpyxl):
    # (path, conversations.application.document.ApplicationSheet) -> None
    form_writer: Callable[[Path, Any], None] | None = None
    # channels whose replies go out through the outbox, written with the step (Telegram)
    outbox_channels: frozenset[str] = frozenset()
    # tells the sender that rows were written (handlers/sender.Sender.wake; safe from any thread)
    wake: Callable[[], None] = _nothing


class Context:
    """Everything a flow may touch while handling one inbound event."""

    def __init__(
        self,
        *,
        conn: Connection,
        user: UserRow,
        state: StateRow,
        services: Services,
        now: datetime,
        inbound: Inbound,
    ) -> None:
        self.conn = conn
        self.user = user
        self.state = state
        self.services = services
        self.now = now
        self.inbound = inbound
        self.out: list[Outbound] = []
        # work to do once this step's transaction has committed (never if it rolls back)
        self.after_commit: list[Callable[[], None]] = []
        self.woke_outbox = False  # the step wrote outbox rows: wake the sender after commit
        self.lang: str = user.language or "ja"
        self.language_known = user.language is not None

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.language_known = True

    # -- texts -------------------------------------------------------------------------
    @property
    def programme(self) -> Programme:
        return self.services.programme

    @property
    def answers(self) -> dict[str, Any]:
        return self.state.answers

    @property
    def is_staff(self) -> bool:
        return (self.user.channel, self.user.channel_user_id) in self.services.staff

    def t(self, key: str, /, **variables: Any) -> str:
        return self.services.texts.render(self.lang, key, **variables)

    def say(self, key: str, /, **variables: Any) -> None:
        self.out.append(Outbound(self.t(key, **variables)))

    def say_text(self, text: str, options: Sequence[Option] = (), step: str | None = None) -> None:
        self.out.append(Outbound(text, tuple(options), step))

    def options(self, values: Iterable[str], labels: str) -> list[Option]:
        return [Option(value, self.t(f"{labels}.{value}")) for value in values]

    def send(self, message: Outbound) -> None:
        self.out.append(message)

    def notify(
        self,
        user_id: int,
        messages: Sequence[Outbound],
        *,
        kind: str,
        dedup_key: str,
        application_id: int | None = None,
    ) -> None:
        """A message to another user (a staff command's notice), into the outbox with this step."""
        from storage import deliveries

        deliveries.enqueue(
            self.conn,
            user_id=user_id,
            kind=kind,
            messages=[m.to_json() for m in messages],
            now=self.now,
            dedup_key=dedup_key,
            application_id=application_id,
        )
        self.woke_outbox = True

    # -- where the user stands -----------------------------------------------------------
    @property
    def here(self) -> tuple[str, str]:
        return self.state.flow, self.state.step

    def move(self, flow: str, step: str, *, remember: bool = True) -> None:
        """Move to (flow, step), remembering where we were for /back."""
        if remember and (self.state.flow, self.state.step) != (flow, step):
            self.state.back_stack.append([self.state.flow, self.state.step])
            del self.state.back_stack[:-BACK_LIMIT]
        self.state.flow, self.state.step = flow, step
        self.state.context.pop("options", None)

    def go(self, flow: str, step: str | None = None, *, remember: bool = True) -> None:
        """Enter a flow (at its first step, or `step`) and ask the question there."""
        self.services.registry.flow(flow).enter(self, step, remember=remember)

    def ask_again(self) -> None:
        """Ask the current question again (after /lang, /help, an answer to a side question)."""
        self.services.registry.flow(self.state.flow).ask(self)

    def interrupt(self, flow: str, step: str | None = None) -> None:
        """Start a side flow; `resume()` brings the user back to the question they were on."""
        self.state.context["return"] = [self.state.flow, self.state.step]
        self.go(flow, step, remember=False)

    def resume(self) -> None:
        back = self.state.context.pop("return", None)
        if back:
            self.move(back[0], back[1], remember=False)
            self.ask_again()
        else:
            self.go("menu", remember=False)
