"""The console's routes under /staff (docs/interfaces.md: /staff/login, /staff/applications)."""

from __future__ import annotations

from importlib import resources

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from staff_console import desk, imports, pages, signin


def routes() -> list[BaseRoute]:
    static = StaticFiles(directory=str(resources.files("staff_console") / "static"))
    get, post = ["GET"], ["POST"]
    return [
        Route("/login", signin.login, methods=["GET", "POST"]),
        Route("/logout", signin.logout, methods=post),
        Route("/preferences", signin.preferences, methods=post),
        Route("/", pages.home, methods=get),
        Route("/applications", pages.applications, methods=get),
        Route("/applications/{reference}", pages.application, methods=get),
        Route("/applications/{reference}/move", pages.move_preview, methods=get),
        Route("/applications/{reference}/move", pages.move, methods=post),
        Route("/applications/{reference}/details", pages.details, methods=post),
        Route("/applications/{reference}/notes", pages.note, methods=post),
        Route("/files/{file_id:int}", pages.stored_file, methods=get),
        Route("/enquiries", desk.enquiries, methods=get),
        Route("/enquiries/{enquiry_id:int}/reply", desk.reply, methods=post),
        Route("/broadcasts", desk.broadcasts, methods=get),
        Route("/broadcasts/preview", desk.broadcast_preview, methods=post),
        Route("/broadcasts/send", desk.broadcast_send, methods=post),
        Route("/broadcasts/{broadcast_id:int}", desk.broadcast, methods=get),
        Route("/broadcasts/{broadcast_id:int}/resume", desk.broadcast_resume, methods=post),
        Route("/intake", desk.intake_page, methods=get),
        Route("/intake", desk.intake_switch, methods=post),
        Route("/export.{kind:str}", desk.export, methods=get),
        Route("/import", imports.import_page, methods=get),
        Route("/import/check", imports.limited(imports.check), methods=post),
        Route("/import/run", imports.run, methods=post),
        Route("/audit", desk.audit, methods=get),
        Route("/accounts", desk.staff_accounts, methods=get),
        Route("/accounts", desk.account_add, methods=post),
        Route("/accounts/{username}/disable", desk.account_disable, methods=post),
        Mount("/static", app=static, name="static"),
    ]
