"""``fake-cognito --request-log FILE``: one ``METHOD PATH`` line per request, for benchmarks.

Off by default. Only the method and the path are written (never the query string,
headers or body), so no code, token or password reaches the file, and both are
percent-encoded (:func:`~oidc_probe.fake_cognito.guard.log_path`): a request cannot
write a control character or a line of its own into the file. Each line is
flushed at once, so another process can count the requests while the emulator runs.
"""

from __future__ import annotations

from typing import TextIO

from starlette.types import ASGIApp, Receive, Scope, Send

from oidc_probe.core.errors import UsageError
from oidc_probe.fake_cognito.guard import log_path


class RequestLogFile:
    """ASGI middleware appending ``METHOD PATH`` of every HTTP request to an open file."""

    def __init__(self, app: ASGIApp, out: TextIO) -> None:
        self.app = app
        self.out = out

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.out.write(f"{log_path(scope['method'])} {log_path(scope['path'])}\n")
            self.out.flush()
        await self.app(scope, receive, send)


def open_request_log(path: str) -> TextIO:
    """``path`` opened for appending, or :class:`UsageError` naming it."""
    try:
        return open(path, "a", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--request-log {path}: cannot open ({exc.strerror})") from None
