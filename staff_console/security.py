"""Security headers on every response of the console (pages, files, redirects, errors).

The Content-Security-Policy allows only the app's own scripts and styles (no inline script, no
inline style, no other origin), images from itself and inline SVG; no framing; forms post only
back to the console. Pages are not cached (they carry personal data).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/staff/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h for h in message.get("headers", ()) if h[0].lower() != b"cache-control" or static
                ]
                headers += HEADERS if static else [*HEADERS, NO_STORE]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
