"""Product materials sent as documents and photos: fetched over the Bot API, stored, given to the core."""

from __future__ import annotations

from pathlib import Path

import pytest

from conversations import FINISH, Form, Step
from handlers.telegram_files import safe_name
from handlers.telegram_limits import ChatRateLimiter
from storage import dialog
from tests.fakes.telegram_chat import TelegramChat, message_update, serving

pytest_plugins = ["tests.telegram_fixtures"]

PDF = b"%PDF-1.4 product leaflet " + bytes(range(256)) * 40


def materials_form() -> Form:
    """A tiny form that takes a file, as the application's materials question does."""
    return Form(
        name="materials",
        steps=[Step("leaflet", "core.skip_hint", files=True, next=FINISH)],
    )


@pytest.fixture
def chat(app, fake):
    app.registry.add_flow(materials_form())
    app.registry.add_command("materials", lambda ctx, _args: ctx.go("materials"))
    with serving(app, fake, limiter=ChatRateLimiter(chat_rate=0), file_limit=64 * 1024) as served:
        chat = TelegramChat(app, fake, served.url)
        chat.send("/start")
        chat.send("/materials")
        yield chat


def answers(app, user_id: int) -> dict:
    with app.engine.begin() as conn:
        user = dialog.get_or_create_user(conn, "telegram", str(user_id), app.services.clock())
        state = dialog.load_state(conn, user.id)
    assert state is not None
    return state.answers


def document(file_id: str, name: str, size: int | None, mime: str = "application/pdf") -> dict:
    doc = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name, "mime_type": mime}
    if size is not None:
        doc["file_size"] = size
    return doc


def test_a_document_is_downloaded_stored_and_given_to_the_core(app, fake, chat):
    file_id = fake.add_file(PDF, "documents/file_7.pdf")
    update = message_update(fake, chat.user_id, "ja", document=document(file_id, "leaflet.pdf", len(PDF)))
    answer = chat.exchange(update)
    assert "ご用件をお選びください" in answer  # the form took the file and finished
    stored = answers(app, chat.user_id)["leaflet"]
    assert stored["name"] == "leaflet.pdf"
    assert stored["mime"] == "application/pdf"
    assert stored["size"] == len(PDF)
    path = Path(stored["path"])
    assert path.read_bytes() == PDF
    assert path.is_relative_to(Path(app.settings.files_dir) / "telegram" / str(chat.user_id))
    assert fake.calls_of("getFile")[0].params["file_id"] == file_id
    assert fake.calls_of("download")[0].params["path"] == "documents/file_7.pdf"


def test_a_photo_is_taken_at_its_largest_size(app, fake, chat):
    small = fake.add_file(b"small", "photos/small.jpg")
    large = fake.add_file(b"large" * 100, "photos/large.jpg")
    photo = [
        {"file_id": small, "file_unique_id": "us", "width": 90, "height": 90, "file_size": 5},
        {"file_id": large, "file_unique_id": "ul", "width": 1280, "height": 960, "file_size": 500},
    ]
    chat.exchange(message_update(fake, chat.user_id, "ja", photo=photo, caption="商品写真です"))
    stored = answers(app, chat.user_id)["leaflet"]
    assert Path(stored["path"]).read_bytes() == b"large" * 100
    assert stored["mime"] == "image/jpeg"
    assert [c.params["file_id"] for c in fake.calls_of("getFile")] == [large]


def test_a_file_over_the_limit_is_refused_politely_without_downloading(app, fake, chat):
    file_id = fake.add_file(b"x" * 10, "documents/huge.pdf")
    update = message_update(
        fake, chat.user_id, "ja", document=document(file_id, "huge.pdf", 30 * 1024 * 1024)
    )
    answer = chat.exchange(update)
    assert "大きすぎるため受け取れませんでした" in answer
    assert "（30.0 MB）" in answer
    assert not fake.calls_of("getFile")
    assert "leaflet" not in answers(app, chat.user_id)
    assert chat.exchange(update) == ""  # the same update again is not answered twice
    # The question is still open: a file within the limit is taken.
    small = fake.add_file(b"ok", "documents/ok.pdf")
    chat.exchange(message_update(fake, chat.user_id, "ja", document=document(small, "ok.pdf", 2)))
    assert answers(app, chat.user_id)["leaflet"]["name"] == "ok.pdf"


def test_a_file_whose_size_was_not_announced_is_checked_after_getfile(app, fake, chat):
    file_id = fake.add_file(b"y" * (65 * 1024), "documents/big.pdf")  # over this server's 64 KiB limit
    answer = chat.exchange(
        message_update(fake, chat.user_id, "zh", document=document(file_id, "big.pdf", None))
    )
    assert "大きすぎるため" in answer  # the user's stored language (ja), not the app's language_code
    assert not fake.calls_of("download")
    assert not any(Path(app.settings.files_dir).rglob("*big.pdf*"))


def test_other_kinds_of_message_get_a_polite_answer(app, fake, chat):
    sticker = {"file_id": "st", "file_unique_id": "ust", "width": 512, "height": 512, "is_animated": False,
               "is_video": False, "type": "regular"}  # fmt: skip
    answer = chat.exchange(message_update(fake, chat.user_id, "ja", sticker=sticker))
    assert "この種類のメッセージには対応していません" in answer


def test_file_names_cannot_leave_their_folder():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\boot.ini") == "boot.ini"
    assert safe_name("商品 カタログ.pdf") == "商品_カタログ.pdf"
    assert safe_name("...") == "file"
