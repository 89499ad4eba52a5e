"""Documents and photos a company sends as product materials: fetched from the Bot API and stored.

The limit is the Bot API's own: getFile serves files up to 20 MB. A larger file is refused
before anything is downloaded, with a polite answer (handlers/telegram.py).
Files land in `<files_dir>/telegram/<telegram user id>/<file_unique_id>-<name>`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot, Message

from conversations import FileRef

MAX_FILE_BYTES = 20 * 1024 * 1024  # the Bot API's getFile limit
_UNSAFE = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True, slots=True)
class Incoming:
    """A file announced in a message, not yet downloaded."""

    file_id: str
    unique_id: str
    name: str
    mime: str | None
    size: int | None


def incoming(message: Message) -> Incoming | None:
    """The document, or the largest size of the photo, that a message carries."""
    if message.document is not None:
        doc = message.document
        name = doc.file_name or f"{doc.file_unique_id}.bin"
        return Incoming(doc.file_id, doc.file_unique_id, name, doc.mime_type, doc.file_size)
    if message.photo:
        photo = max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))
        name = f"photo-{photo.file_unique_id}.jpg"
        return Incoming(photo.file_id, photo.file_unique_id, name, "image/jpeg", photo.file_size)
    return None


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder or confuse a shell, keeping its suffix."""
    base = os.path.basename(name.replace("\\", "/")).strip() or "file"
    cleaned = _UNSAFE.sub("_", base).strip("._") or "file"
    return cleaned[-120:]


class FileTooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def check_size(size: int | None, limit: int = MAX_FILE_BYTES) -> None:
    if size is not None and size > limit:
        raise FileTooLarge(size)


async def download(bot: Bot, item: Incoming, folder: Path, limit: int = MAX_FILE_BYTES) -> FileRef:
    """Fetch the file into `folder`; FileTooLarge when it is (or turns out to be) over the limit."""
    check_size(item.size, limit)
    remote = await bot.get_file(item.file_id)
    check_size(remote.file_size, limit)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{safe_name(item.unique_id)}-{safe_name(item.name)}"
    partial = target.with_name(target.name + ".part")
    await remote.download_to_drive(partial)
    written = partial.stat().st_size
    if written > limit:
        partial.unlink(missing_ok=True)
        raise FileTooLarge(written)
    partial.replace(target)
    return FileRef(
        name=item.name,
        path=str(target),
        mime=item.mime,
        size=written,
        platform_id=item.file_id,
    )
