"""`GET /files/{token}`: a file the bot offers by link (the filled application form on WeChat).

The link names a `files` row by its random `token`; an unknown, malformed or expired token, or a
file outside `settings.files_dir`, is a 404 that says nothing more. Channels put
`url=file_link(token)` in the document's FileRef; WeChat shows it under JAPANMALL_PUBLIC_URL.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from storage import channel_users
from storage.application_files import file_link

__all__ = ["file_link", "file_routes"]

if TYPE_CHECKING:
    from handlers.app import App
    from storage.runner import StepRunner

TOKEN = re.compile(r"[A-Za-z0-9_\-]{16,64}")


def file_routes(app: App, runner: StepRunner) -> list[Route]:
    root = Path(app.settings.files_dir).resolve()

    def lookup(token: str) -> tuple[Path, channel_users.TokenFile] | None:
        with app.engine.begin() as conn:
            found = channel_users.file_for_token(conn, token, app.services.clock())
        if found is None or not found.path:
            return None
        path = Path(found.path)
        path = (path if path.is_absolute() else root / path).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        return path, found

    async def serve(request: Request) -> Response:
        token = request.path_params["token"]
        if not TOKEN.fullmatch(token):
            return PlainTextResponse("not found", status_code=404)
        hit = await runner.run(lookup, token)
        if hit is None:
            return PlainTextResponse("not found", status_code=404)
        path, found = hit
        return FileResponse(
            path, filename=found.name, media_type=found.mime, headers={"Cache-Control": "private, no-store"}
        )

    return [Route("/files/{token}", serve, methods=["GET"])]
