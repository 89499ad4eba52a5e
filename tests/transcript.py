"""Conversation tests that read like transcripts.

    play(chat, '''
        > /lang zh
        < 接下来将使用中文
        > 9
        < 请从选项中选择
    ''')

`>` is what the user says; each `<` line that follows must appear in the bot's answer to it
(all of its messages, with their options, as the console shows them), in order: each after the
one before it in the same answer. `<!` must NOT appear anywhere in the answer.
The same transcript can be played through the core (`CoreChat`) or through a channel's real
HTTP path by any object with `send(text) -> str`.
"""

from __future__ import annotations

import textwrap
from typing import Protocol

from bot.wiring import App
from conversations import Inbound, Reply, UserKey
from handlers.console import render


class Chat(Protocol):
    def send(self, text: str) -> str: ...


class CoreChat:
    """Plays a user on a channel straight into the core (no network)."""

    def __init__(
        self, app: App, user: str = "u1", channel: str = "console", language_hint: str | None = None
    ):
        self.app = app
        self.key = UserKey(channel, user)
        self.language_hint = language_hint
        self.last: Reply | None = None

    def reply(self, inbound: Inbound) -> Reply:
        self.last = self.app.dialog.handle(self.key, inbound)
        return self.last

    def send(self, text: str) -> str:
        reply = self.reply(Inbound(text=text, language_hint=self.language_hint))
        return "\n".join(render(message) for message in reply.messages)

    def tap(self, value: str) -> str:
        """Choose an option as a button would (Telegram): by value, for the current question."""
        step = next((m.step for m in reversed(self.last.messages) if m.options), None) if self.last else None
        reply = self.reply(Inbound(option=value, option_step=step))
        return "\n".join(render(message) for message in reply.messages)


def play(chat: Chat, script: str) -> list[str]:
    """Play a transcript; fail with the whole exchange so far when an answer is not as written."""
    answers: list[str] = []
    log: list[str] = []
    answer = ""
    after = 0  # where in the answer the previous expected line ended
    for raw in textwrap.dedent(script).strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(">"):
            said = line[1:].strip()
            answer = chat.send(said)
            after = 0
            answers.append(answer)
            log.append(f"> {said}\n{answer}")
        elif line.startswith("<!"):
            unwanted = line[2:].strip()
            assert unwanted not in answer, f"bot said {unwanted!r}:\n\n" + "\n\n".join(log)
        elif line.startswith("<"):
            wanted = line[1:].strip()
            at = answer.find(wanted, after)
            if at < 0:
                where = "before the line expected ahead of it" if wanted in answer else ""
                raise AssertionError(f"bot did not say {wanted!r} {where}:\n\n" + "\n\n".join(log))
            after = at + len(wanted)
        else:
            raise ValueError(f"transcript line must start with > or <: {line!r}")
    return answers
