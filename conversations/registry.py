"""Which flows and commands exist. Later features register here; the core never imports a channel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from conversations.context import Context
from conversations.events import Inbound


class Flow(Protocol):
    name: str

    def enter(self, ctx: Context, step: str | None = None, *, remember: bool = True) -> None: ...

    def ask(self, ctx: Context) -> None: ...

    def handle(self, ctx: Context, inbound: Inbound) -> None: ...


Command = Callable[[Context, str], None]
QuestionHook = Callable[[Context, Inbound], bool]


@dataclass
class Registry:
    flows: dict[str, Flow] = field(default_factory=dict)
    commands: dict[str, Command] = field(default_factory=dict)
    staff_commands: dict[str, Command] = field(default_factory=dict)
    question_hooks: list[QuestionHook] = field(default_factory=list)

    def add_flow(self, flow: Flow) -> None:
        self.flows[flow.name] = flow

    def flow(self, name: str) -> Flow:
        return self.flows.get(name) or self.flows["menu"]

    def has_flow(self, name: str) -> bool:
        return name in self.flows

    def add_command(self, name: str, handler: Command, *, staff_only: bool = False) -> None:
        (self.staff_commands if staff_only else self.commands)[name] = handler
