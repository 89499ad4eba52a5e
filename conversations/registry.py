"""Which flows and commands exist. Features register here; the core never imports a channel.

The registry fails loudly: a flow or command registered twice, an unknown flow asked for, or a
name that a feature declared it needs but nobody registered is an error when the app is built
(`Registry.check`), never a silent fallback at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


class RegistryError(LookupError):
    """A flow or command that is missing or registered twice: a bug, raised when the app is built."""


@dataclass
class Registry:
    flows: dict[str, Flow] = field(default_factory=dict)
    commands: dict[str, Command] = field(default_factory=dict)
    staff_commands: dict[str, Command] = field(default_factory=dict)
    question_hooks: list[QuestionHook] = field(default_factory=list)
    # names features said they rely on, checked by `check()`: (what, name, who needs it)
    _needed: list[tuple[str, str, str]] = field(default_factory=list)

    # -- flows -----------------------------------------------------------------------------
    def add_flow(self, flow: Flow) -> None:
        if flow.name in self.flows:
            raise RegistryError(f"flow {flow.name!r} is registered twice")
        self.flows[flow.name] = flow

    def replace_flow(self, flow: Flow) -> None:
        """Put another flow in the place of a registered one (tests that stand in for a feature)."""
        if flow.name not in self.flows:
            raise RegistryError(f"flow {flow.name!r} is not registered, so it cannot be replaced")
        self.flows[flow.name] = flow

    def flow(self, name: str) -> Flow:
        try:
            return self.flows[name]
        except KeyError:
            raise RegistryError(f"no flow named {name!r}") from None

    def has_flow(self, name: str) -> bool:
        return name in self.flows

    def knows(self, flow: str, step: str) -> bool:
        """Whether (flow, step) names a question that exists (a stored state may predate a release)."""
        found = self.flows.get(flow)
        if found is None:
            return False
        steps = getattr(found, "step_names", None)
        return steps is None or step in steps

    # -- commands ------------------------------------------------------------------------------
    def add_command(self, name: str, handler: Command, *, staff_only: bool = False) -> None:
        if name in self.commands or name in self.staff_commands:
            raise RegistryError(f"command /{name} is registered twice")
        (self.staff_commands if staff_only else self.commands)[name] = handler

    def replace_command(self, name: str, handler: Command) -> None:
        if name not in self.commands:
            raise RegistryError(f"command /{name} is not registered, so it cannot be replaced")
        self.commands[name] = handler

    def command(self, name: str) -> Command:
        try:
            return self.commands[name]
        except KeyError:
            raise RegistryError(f"no command /{name}") from None

    # -- what features rely on ---------------------------------------------------------------
    def needs_flows(self, who: str, names: Iterable[str]) -> None:
        """Declare flows that `who` sends users to; `check()` fails when one is not registered."""
        self._needed.extend(("flow", name, who) for name in names)

    def needs_commands(self, who: str, names: Iterable[str]) -> None:
        """Declare commands that `who` relies on (a menu key, a WeChat button)."""
        self._needed.extend(("command", name, who) for name in names)

    def check(self) -> None:
        """Every declared need is met; raise RegistryError naming each one that is not."""
        missing = [
            f"{who} needs the {what} {name!r}, which nobody registers"
            for what, name, who in self._needed
            if (name not in self.flows if what == "flow" else name not in self.commands)
        ]
        if missing:
            raise RegistryError("; ".join(missing))
