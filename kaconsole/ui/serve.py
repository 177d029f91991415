"""`kaconsole serve`: the read-only follower in a browser, through textual-serve.

textual-serve starts one `kaconsole replay --follow FILE` per browser tab and has no access
control of its own, so an aiohttp middleware in front of every route (page, assets, websocket)
asks for the access token: in the URL the first time (`?token=...`), then in a cookie. Bound to
localhost unless told otherwise.
"""

from __future__ import annotations

import hmac
import shlex
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from textual_serve.server import Server

COOKIE = "kaconsole_token"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def follower_command(recording: str) -> str:
    return shlex.join([sys.executable, "-m", "kaconsole", "replay", "--follow", recording])


class TokenServer(Server):
    """textual-serve's server, every request refused without the token."""

    def __init__(self, command: str, token: str, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.token = token

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._check_token)
        return app

    @web.middleware
    async def _check_token(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        given = request.query.get("token") or request.cookies.get(COOKIE) or ""
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            raise web.HTTPForbidden(text="kaconsole serve: the URL's access token is needed\n")
        response = await handler(request)
        if request.query.get("token") and not response.prepared:
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
        return response

    async def on_startup(self, app: web.Application) -> None:
        """Quiet: the command printed the URL (with its token) on its first line already."""
