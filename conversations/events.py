"""What goes into the core and what comes out: plain values, no platform types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file the user sent (downloaded by the channel) or one the bot offers."""

    name: str
    path: str | None = None
    url: str | None = None
    mime: str | None = None
    size: int | None = None
    platform_id: str | None = None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One event from a user: text, a chosen option, or a file.

    `option` is the value of a tapped button; `option_step` names the question the button
    belonged to, so that a tap on an old keyboard can be told apart. Commands are text that
    starts with "/".
    """

    text: str = ""
    option: str | None = None
    option_step: str | None = None
    file: FileRef | None = None
    language_hint: str | None = None

    @property
    def command(self) -> tuple[str, str] | None:
        text = self.text.strip()
        if not text.startswith("/") or len(text) < 2:
            return None
        name, _, args = text[1:].partition(" ")
        name = name.split("@", 1)[0].lower()  # Telegram: /start@SomeBot
        return name, args.strip()


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Outbound:
    """A message to the user: text, optional choices, optional document.

    `step` names the question the options answer ("flow.step"); channels put it in their
    buttons so that a stale tap can be recognised.
    """

    text: str
    options: tuple[Option, ...] = ()
    step: str | None = None
    document: FileRef | None = None

    def to_json(self) -> dict[str, Any]:
        document = self.document
        return {
            "text": self.text,
            "options": [[o.value, o.label] for o in self.options],
            "step": self.step,
            "document": None
            if document is None
            else {
                "name": document.name,
                "path": document.path,
                "url": document.url,
                "mime": document.mime,
                "size": document.size,
                "platform_id": document.platform_id,
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outbound:
        document = FileRef(**data["document"]) if data.get("document") else None
        options = tuple(Option(value, label) for value, label in data.get("options", ()))
        return cls(text=data["text"], options=options, step=data.get("step"), document=document)


@dataclass(frozen=True, slots=True)
class Reply:
    """The outcome of one inbound event: messages in the user's language."""

    messages: tuple[Outbound, ...]
    language: str
    duplicate: bool = False
    user_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"language": self.language, "messages": [m.to_json() for m in self.messages]}

    @classmethod
    def from_json(cls, data: dict[str, Any], *, duplicate: bool = True) -> Reply:
        messages = tuple(Outbound.from_json(m) for m in data.get("messages", ()))
        return cls(messages=messages, language=data.get("language", "ja"), duplicate=duplicate)
