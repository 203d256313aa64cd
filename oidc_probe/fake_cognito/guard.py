"""The emulator as a server people run: caps on what a request may bring, and its Host.

:class:`ServerGuard` answers before the app sees the request:

- **431** when the request's headers total more than :data:`MAX_HEADER_BYTES`;
- **413** when its body is larger than :data:`MAX_BODY_BYTES` (declared by
  ``Content-Length`` or streamed: the body is read up to the cap, then replayed to the app);
- **421** when ``hosts`` is given and the ``Host`` header names none of the emulator's
  names (loopback names, the pool's ``issuer_host`` and ``domain_host``, and ``hosts``),
  because the issuer and discovery URLs follow the Host of each request: no request can
  steer them to another name.

:func:`log_path` is how a path is written to a request log: percent-encoded, so a
control character or a newline in a request cannot forge or hide log lines.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = 256 * 1024
# uvicorn's own limit on an incomplete request head; above ours so the guard answers 431.
SERVER_HEAD_LIMIT = 64 * 1024
_LOG_SAFE = "/:@!$&'()*+,;=-._~"


def log_path(path: str) -> str:
    """``path`` as a request log shows it: everything but plain URL characters percent-encoded."""
    return quote(path, safe=_LOG_SAFE)


def is_loopback_name(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class ServerGuard:
    """ASGI middleware enforcing the caps and, with ``hosts``, the Host names (module doc)."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str] | None = None) -> None:
        self.app = app
        self.hosts = None if hosts is None else frozenset(h.lower() for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
        if sum(len(k) + len(v) + 4 for k, v in headers) > MAX_HEADER_BYTES:
            await _answer(send, 431, "Request Header Fields Too Large")
            return
        if self.hosts is not None and not self._known_host(headers):
            await _answer(send, 421, "Misdirected Request: this emulator does not serve that host")
            return
        declared = _content_length(headers)
        if declared is not None and declared > MAX_BODY_BYTES:
            await _answer(send, 413, "Content Too Large")
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = bool(message.get("more_body", False))
            if len(body) > MAX_BODY_BYTES:
                await _answer(send, 413, "Content Too Large")
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _known_host(self, headers: list[tuple[bytes, bytes]]) -> bool:
        value = next((v for k, v in headers if k.lower() == b"host"), b"").decode("latin-1")
        host = value.rsplit(":", 1)[0] if not value.endswith("]") else value
        if value.startswith("[") and "]" in value:
            host = value[: value.index("]") + 1]
        host = host.strip().lower()
        assert self.hosts is not None
        return bool(host) and (is_loopback_name(host) or host.strip("[]") in self.hosts)


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for key, value in headers:
        if key.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _answer(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
