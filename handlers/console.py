"""The terminal channel: the same core and database, options numbered, stdin line by line."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from conversations import Dialog, Inbound, Outbound, Reply, UserKey

CHANNEL = "console"


def render(message: Outbound) -> str:
    """Text, then the options numbered (the core accepts the number, the label or the value)."""
    lines = [message.text]
    lines += [f"  {number}. {option.label}" for number, option in enumerate(message.options, 1)]
    if message.document is not None:
        lines.append(f"  [{message.document.name}] {message.document.path or message.document.url}")
    return "\n".join(lines)


def print_reply(reply: Reply, out: TextIO) -> None:
    for message in reply.messages:
        out.write(render(message) + "\n\n")
    out.flush()


def run(
    dialog: Dialog,
    user: str,
    *,
    language: str | None = None,
    lines: Iterable[str] | None = None,
    out: TextIO | None = None,
    interactive: bool | None = None,
) -> int:
    """Talk until end of input. Returns the exit status (0)."""
    out = out or sys.stdout
    source = lines if lines is not None else sys.stdin
    if interactive is None:
        interactive = lines is None and sys.stdin.isatty()
    key = UserKey(CHANNEL, user)
    print_reply(dialog.greet(key, language=language), out)
    iterator = iter(source)
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        try:
            line = next(iterator)
        except (StopIteration, KeyboardInterrupt):
            break
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        print_reply(dialog.handle(key, Inbound(text=text)), out)
    if interactive:
        out.write("\n")
    return 0
