"""The loopback HTTP server behind the redirect URI, for ``--login browser``.

It listens only on loopback addresses (for ``localhost``: 127.0.0.1 and, where
available, ::1), accepts exactly one callback whose ``state`` matches the
running login, answers every other request to the callback path with an error
page, and afterwards serves the results page at an unguessable path on the same
origin. The browser is sent there with a 303 right after the callback, so the
authorization code leaves the address bar at once; the page waits briefly for
the report and otherwise shows "checking..." and refreshes itself (no script).
Starlette and uvicorn are imported when the server starts.
"""

from __future__ import annotations

import asyncio
import errno
import hmac
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from oidc_probe.core.errors import UsageError
from oidc_probe.plumbing.html_page import SECURITY_HEADERS, message_page

if TYPE_CHECKING:
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import Response

RESULTS_PREFIX = "/oidc-probe/results/"
READY_TIMEOUT = 10.0
# How long a request for the results page waits for the report before showing "checking...".
RESULTS_WAIT = 5.0
_LOOPBACK_NAMES = {"localhost": ("127.0.0.1", "::1"), "127.0.0.1": ("127.0.0.1",), "::1": ("::1",)}
_IN_USE = frozenset({errno.EADDRINUSE})
_NOT_ALLOWED = frozenset({errno.EACCES, errno.EPERM})
_NO_IPV6 = frozenset({errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT})


@dataclass(frozen=True)
class CallbackEndpoint:
    """Where the redirect URI points on this machine."""

    redirect_uri: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """``Host`` header values a browser sends for this endpoint (DNS-rebinding guard)."""
        names = {"localhost", "127.0.0.1", "[::1]"}
        hosts = {f"{name}:{self.port}" for name in names}
        if self.port == 80:
            hosts |= names
        return frozenset(hosts)


def parse_redirect_uri(redirect_uri: str) -> CallbackEndpoint:
    """The loopback endpoint of ``redirect_uri``, or a :class:`UsageError` saying what to use."""
    parts = urlsplit(redirect_uri)
    host = (parts.hostname or "").lower()
    if host not in _LOOPBACK_NAMES:
        raise UsageError(
            f"--redirect-uri {redirect_uri}: the browser login receives the callback on this "
            "machine, so the redirect URI must be http://localhost:PORT/PATH (or 127.0.0.1 or "
            "[::1]); for a callback on another host, such as Cloudflare's, use --login paste"
        )
    if parts.scheme != "http":
        raise UsageError(
            f"--redirect-uri {redirect_uri}: use http:// for a loopback redirect URI (the probe "
            "has no certificate for localhost; Cognito accepts http://localhost)"
        )
    try:
        port = 80 if parts.port is None else parts.port
    except ValueError:
        raise UsageError(f"--redirect-uri {redirect_uri}: invalid port") from None
    if port == 0:
        raise UsageError(f"--redirect-uri {redirect_uri}: give the registered port, not 0")
    return CallbackEndpoint(redirect_uri, host, port, parts.path or "/", _LOOPBACK_NAMES[host])


def bind_sockets(endpoint: CallbackEndpoint) -> list[socket.socket]:
    """Listening sockets on the endpoint's loopback addresses, or one clear :class:`UsageError`.

    For ``localhost`` IPv6 is optional: a machine without ::1 is served on 127.0.0.1
    alone, but ::1 held by another program is an error, since the browser may
    connect there first.
    """
    sockets: list[socket.socket] = []
    try:
        for address in endpoint.addresses:
            optional = address == "::1" and len(endpoint.addresses) > 1
            sock = _bind(address, endpoint, optional=optional)
            if sock is not None:
                sockets.append(sock)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _bind(address: str, endpoint: CallbackEndpoint, *, optional: bool) -> socket.socket | None:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError:
        if optional:
            return None
        raise UsageError(f"--redirect-uri {endpoint.redirect_uri}: no {address} here") from None
    try:
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, endpoint.port))
        sock.listen(16)
    except OSError as exc:
        sock.close()
        if optional and exc.errno in _NO_IPV6:
            return None
        raise UsageError(_bind_error(address, endpoint, exc)) from None
    sock.setblocking(False)
    return sock


def _bind_error(address: str, endpoint: CallbackEndpoint, exc: OSError) -> str:
    shown = f"[{address}]" if ":" in address else address
    where = f"--redirect-uri {endpoint.redirect_uri}: cannot listen on {shown}:{endpoint.port}"
    if exc.errno in _IN_USE:
        reason = "the port is already in use (another oidc-probe, or another program)"
    elif exc.errno in _NOT_ALLOWED:
        reason = "not allowed (ports below 1024 need privileges)"
    else:
        reason = exc.strerror or str(exc)
    return (
        f"{where}: {reason}; free the port, or register another loopback redirect URI "
        "with the provider and pass it as --redirect-uri"
    )


class CallbackServer:
    """Serves the redirect URI on loopback in a background thread.

    Use as a context manager (or :meth:`start` / :meth:`stop`). :meth:`expect` sets
    the state of the running login; :meth:`wait_for_callback` returns the accepted
    callback URL; :meth:`publish` hands over the results page.
    """

    def __init__(self, redirect_uri: str, *, results_wait: float = RESULTS_WAIT) -> None:
        self.endpoint = parse_redirect_uri(redirect_uri)
        self.results_wait = results_wait
        self.results_path = RESULTS_PREFIX + secrets.token_urlsafe(24)
        self.ignored: list[str] = []
        self._lock = threading.Lock()
        self._state: str | None = None
        self._callback: str | None = None
        self._received = threading.Event()
        self._results: str | None = None
        self._served = threading.Event()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sockets: list[socket.socket] = []

    @property
    def port(self) -> int:
        return self.endpoint.port

    @property
    def accepted(self) -> bool:
        return self._received.is_set()

    def start(self) -> CallbackServer:
        import uvicorn
        from starlette.applications import Starlette
        from starlette.routing import Route

        self._sockets = bind_sockets(self.endpoint)
        app = Starlette(
            routes=[
                Route(self.endpoint.path, self._on_callback, methods=["GET"]),
                Route(self.results_path, self._on_results, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(
            app,
            log_level="critical",
            lifespan="off",
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": self._sockets},
            name="oidc-probe-callback",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + READY_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise UsageError(
                    f"--redirect-uri {self.endpoint.redirect_uri}: the callback server did not start"
                )
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5.0)
        for sock in self._sockets:
            sock.close()
        self._sockets = []
        self._server = None
        self._thread = None

    def __enter__(self) -> CallbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def expect(self, state: str) -> None:
        """Accept a callback carrying ``state`` from now on."""
        with self._lock:
            self._state = state

    def wait_for_callback(self, timeout: float) -> str | None:
        """The accepted callback URL, or ``None`` when none arrived within ``timeout`` s."""
        if not self._received.wait(timeout):
            return None
        return self._callback

    def publish(self, html: str) -> None:
        """The results page, served from now on at :attr:`results_path`."""
        with self._lock:
            self._results = html

    def wait_served(self, timeout: float) -> bool:
        """Whether a browser fetched the published results page within ``timeout`` s."""
        return self._served.wait(timeout)

    def _host_ok(self, request: Request) -> bool:
        return request.headers.get("host", "").lower() in self.endpoint.allowed_hosts

    async def _on_callback(self, request: Request) -> Response:
        from starlette.responses import RedirectResponse

        if not self._host_ok(request):
            return _page(400, "Wrong host", "This server answers only on localhost.")
        returned = request.query_params.get("state")
        with self._lock:
            expected = self._state
            reason = _rejection(expected, returned, already=self._callback is not None)
            if reason is None:
                self._callback = _callback_url(self.endpoint.redirect_uri, request.url.query)
                self._received.set()
        if reason is not None:
            self.ignored.append(reason)
            return _page(
                400,
                "Not the login oidc-probe is waiting for",
                f"This callback was ignored: {reason}.",
                detail="oidc-probe accepts exactly one callback: the one for the login it "
                "started. Close this tab; the probe keeps waiting for that login.",
            )
        return RedirectResponse(self.results_path, status_code=303, headers=SECURITY_HEADERS)

    async def _on_results(self, request: Request) -> Response:
        from starlette.responses import HTMLResponse

        if not self._host_ok(request):
            return _page(400, "Wrong host", "This server answers only on localhost.")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.results_wait
        while self._results is None and loop.time() < deadline:
            await asyncio.sleep(0.05)
        html = self._results
        if html is None:
            return _page(
                200,
                "Checking...",
                "The login is done; oidc-probe is checking the tokens. This page refreshes itself.",
                refresh=1,
            )
        self._served.set()
        return HTMLResponse(html, headers=SECURITY_HEADERS)


def _rejection(expected: str | None, returned: str | None, *, already: bool) -> str | None:
    """Why a callback is ignored, or ``None`` to accept it."""
    if already:
        return "the login was already completed"
    if expected is None:
        return "the probe has not started a login yet"
    if returned is None:
        return "it carries no state parameter"
    if not hmac.compare_digest(returned.encode(), expected.encode()):
        return "its state does not match the login the probe started"
    return None


def _callback_url(redirect_uri: str, query: str) -> str:
    base = redirect_uri.split("?", 1)[0].split("#", 1)[0]
    return f"{base}?{query}" if query else base


def _page(
    status: int, title: str, message: str, *, detail: str = "", refresh: int | None = None
) -> Response:
    from starlette.responses import HTMLResponse

    return HTMLResponse(
        message_page(title, message, detail=detail, refresh=refresh),
        status_code=status,
        headers=SECURITY_HEADERS,
    )
