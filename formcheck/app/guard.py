"""Who may talk to the app.

* Bound to this computer only (the default): requests must name it as their host (``127.0.0.1``,
  ``localhost``), so a web page elsewhere cannot reach the camera through a rebound DNS name.
* Bound to another address (``--host``): every request needs the access token printed at start,
  given once as ``?token=`` (then kept in a cookie).
* Every POST carries the page's own header, which another site's form or script cannot send
  without a preflight the app never answers.
"""

from __future__ import annotations

import hmac

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "formcheck_token"
ACTION_HEADER = "x-formcheck"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS


def _hostname(header: str) -> str:
    if header.startswith("["):
        return header[: header.find("]") + 1]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Guard:
    """ASGI middleware: refuses what the rules above do not allow (401 without the token, 403 else)."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        set_cookie = False
        if self.token is not None:
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given, self.token):
                set_cookie = True
            elif not hmac.compare_digest(request.cookies.get(COOKIE, ""), self.token):
                await PlainTextResponse("formcheck: this app needs the access token printed when it started "
                                        "(open the address it printed, with ?token=...)", 401)(scope, receive, send)
                return
        elif not is_local(_hostname(request.headers.get("host", ""))):
            await PlainTextResponse("formcheck: this app answers only on 127.0.0.1 or localhost", 403)(
                scope, receive, send)
            return
        if request.method == "POST" and request.headers.get(ACTION_HEADER) != "1":
            await PlainTextResponse("formcheck: actions come from the app's own pages", 403)(scope, receive, send)
            return
        if not set_cookie:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/")
            await send(message)

        await self.app(scope, receive, send_with_cookie)
