"""Serving the emulator with uvicorn on a loopback port, in the foreground or a thread."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING

from oidc_probe.core.errors import UsageError
from oidc_probe.fake_cognito.guard import SERVER_HEAD_LIMIT

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp

READY_TIMEOUT = 10.0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_loopback(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (``0`` = any free port); loopback only.

    Raises :class:`UsageError` for a non-loopback host or a port that cannot be bound.
    """
    if not is_loopback(host):
        raise UsageError(
            f"refusing to serve the emulator on {host!r}: use a loopback address "
            "such as 127.0.0.1, ::1 or localhost"
        )
    address = "127.0.0.1" if host == "localhost" else host.strip("[]")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    # sockets whose proto says TCP, and accepted sockets inherit it. With proto 0 a
    # response's body waited for the client's delayed ACK of its head: about 40 ms on
    # every response with a body after a connection's first, which no real pool adds.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        reason = "already in use" if exc.errno in (98, 48, 10048) else exc.strerror
        raise UsageError(
            f"cannot listen on {address}:{port}: {reason}; "
            "choose another --port (0 picks a free one)"
        ) from None
    sock.setblocking(False)
    return sock


def base_url_of(sock: socket.socket, scheme: str = "http") -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"


def make_server(
    app: ASGIApp, *, ssl_certfile: str | None = None, ssl_keyfile: str | None = None
) -> uvicorn.Server:
    """A uvicorn server for ``app``; with ``ssl_certfile`` and ``ssl_keyfile`` it serves HTTPS."""
    import uvicorn

    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="off",
        access_log=False,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        h11_max_incomplete_event_size=SERVER_HEAD_LIMIT,
    )
    return uvicorn.Server(config)


class RunningServer:
    """A uvicorn server running in a background thread; stop it with :meth:`stop` or ``with``."""

    def __init__(
        self,
        server: uvicorn.Server,
        sock: socket.socket,
        thread: threading.Thread,
        scheme: str = "http",
    ) -> None:
        self._server = server
        self._sock = sock
        self._thread = thread
        self.base_url = base_url_of(sock, scheme)
        self.port: int = sock.getsockname()[1]

    def stop(self, timeout: float = 5.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"RunningServer(base_url={self.base_url!r})"


def start_in_thread(
    app: ASGIApp,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
) -> RunningServer:
    """Serve ``app`` on a loopback port in a daemon thread; return once it accepts connections.

    With ``ssl_certfile`` and ``ssl_keyfile`` (PEM) it serves HTTPS and ``base_url`` is https.
    """
    sock = bind_loopback(host, port)
    server = make_server(app, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="fake-cognito", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + READY_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the emulator did not start")
        time.sleep(0.005)
    return RunningServer(server, sock, thread, "https" if ssl_certfile else "http")
