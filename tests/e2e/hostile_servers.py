"""Small hostile HTTP servers on loopback ports, for robustness tests.

One :class:`HostileServer` answers every request according to the first path
segment (a :class:`Mode`), so a test points a single URL of the probe at it,
e.g. ``{base}/html/us-east-1_X/.well-known/jwks.json``. Raw sockets, so the
server can misbehave in ways a framework would not allow (never answering,
trickling bytes, closing mid-body).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from types import TracebackType
from typing import Any

from oidc_probe.fake_cognito.server import base_url_of, bind_loopback

BIG_BODY_BYTES = 2 * 1024 * 1024
TRICKLE_INTERVAL = 0.25
_HEAD_LIMIT = 64 * 1024


class Mode(StrEnum):
    HANG = "hang"  # read the request, never answer
    SILENT = "silent"  # accept the connection, never read nor answer
    ERROR_500 = "500"
    ERROR_503 = "503"
    HTML = "html"  # an HTML page with HTTP 200 where JSON is expected
    BIG = "big"  # JSON body past 1 MiB, no Content-Length (streamed until closed)
    BIG_DECLARED = "big-declared"  # Content-Length past 1 MiB
    LOOP = "loop"  # 302 back to the same URL forever
    TRICKLE = "trickle"  # headers, then one body byte every TRICKLE_INTERVAL
    TRICKLE_HEADERS = "trickle-headers"  # the status line and headers one byte at a time
    RESET = "reset"  # close the connection without answering
    JSON = "json"  # the document registered with :meth:`HostileServer.serve_json`
    # HTTP 400 with an OAuth error whose error_description is ``echo_prefix`` and then the
    # whole request (head and body): a hostile token endpoint that writes to the terminal
    # and echoes the client's credentials back.
    ECHO = "echo"


class HostileServer:
    """A threaded loopback server; use as a context manager or call :meth:`stop`."""

    def __init__(self) -> None:
        self._sock = bind_loopback("127.0.0.1", 0)
        self._sock.settimeout(0.1)
        self.port: int = self._sock.getsockname()[1]
        self.base_url = base_url_of(self._sock)
        self.requests: list[tuple[str, str]] = []
        self.echo_prefix = ""
        self._raw: dict[int, str] = {}
        self._documents: dict[str, Any] = {}
        self._stopping = threading.Event()
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept_loop, name="hostile", daemon=True)
        self._thread.start()

    def url(self, mode: Mode | str, path: str = "") -> str:
        """``{base}/{mode}{path}``: a URL this server answers in ``mode``."""
        return f"{self.base_url}/{Mode(mode).value}{path}"

    def serve_json(self, path: str, document: Any) -> str:
        """Serve ``document`` as JSON at ``{base}/json{path}``; returns the URL."""
        self._documents[path] = document
        return self.url(Mode.JSON, path)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(2)
        with self._lock:
            for conn in self._connections:
                _close(conn)
        self._sock.close()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._connections.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            head = self._peek_mode(conn)
            if head is None:
                return
            method, path = head
            self.requests.append((method, path))
            mode_name, _, rest = path.lstrip("/").partition("/")
            self._respond(conn, Mode(mode_name), "/" + rest.split("?")[0], path)
        except (OSError, ValueError):
            pass
        finally:
            _close(conn)

    def _peek_mode(self, conn: socket.socket) -> tuple[str, str] | None:
        """Read the request (mode SILENT: never read it). ``None`` when there is none."""
        if b"/silent" in (conn.recv(64, socket.MSG_PEEK) or b""):
            self._stopping.wait()
            return None
        data = b""
        while b"\r\n\r\n" not in data and len(data) < _HEAD_LIMIT:
            chunk = conn.recv(4096)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        length = next(
            (
                int(v)
                for k, _, v in (x.partition(":") for x in lines[1:])
                if k.lower() == "content-length"
            ),
            0,
        )
        while len(body) < min(length, _HEAD_LIMIT):
            chunk = conn.recv(4096)
            if not chunk:
                break
            body += chunk
        self._raw[id(conn)] = (head + b"\r\n\r\n" + body).decode("latin-1")
        return method, target

    def _respond(self, conn: socket.socket, mode: Mode, rest: str, target: str) -> None:
        handlers: Mapping[Mode, Callable[[], None]] = {
            Mode.HANG: self._hang,
            Mode.ERROR_500: lambda: _send(conn, 500, "text/plain", b"Internal Server Error"),
            Mode.ERROR_503: lambda: _send(
                conn, 503, "text/html", b"<html><title>503 Service Unavailable</title></html>"
            ),
            Mode.HTML: lambda: _send(conn, 200, "text/html", _HTML_PAGE),
            Mode.BIG: lambda: self._big(conn, declared=False),
            Mode.BIG_DECLARED: lambda: self._big(conn, declared=True),
            Mode.LOOP: lambda: _send(conn, 302, "text/plain", b"", {"Location": target}),
            Mode.TRICKLE: lambda: self._trickle(conn, headers_too=False),
            Mode.TRICKLE_HEADERS: lambda: self._trickle(conn, headers_too=True),
            Mode.RESET: lambda: None,
            Mode.JSON: lambda: self._json(conn, rest),
            Mode.ECHO: lambda: self._echo(conn),
        }
        handlers[mode]()

    def _hang(self) -> None:
        self._stopping.wait()

    def _json(self, conn: socket.socket, path: str) -> None:
        if path not in self._documents:
            _send(conn, 404, "application/json", b'{"error": "not found"}')
            return
        _send(conn, 200, "application/json", json.dumps(self._documents[path]).encode())

    def _echo(self, conn: socket.socket) -> None:
        description = self.echo_prefix + self._raw.pop(id(conn), "")
        body = {"error": "invalid_request", "error_description": description}
        _send(conn, 400, "application/json", json.dumps(body).encode())

    def _big(self, conn: socket.socket, *, declared: bool) -> None:
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        if declared:
            head += f"Content-Length: {BIG_BODY_BYTES}\r\n"
        conn.sendall((head + "\r\n").encode())
        chunk = b'{"keys": [' + b" " * 65536
        sent = 0
        while sent < BIG_BODY_BYTES and not self._stopping.is_set():
            conn.sendall(chunk)
            sent += len(chunk)

    def _trickle(self, conn: socket.socket, *, headers_too: bool) -> None:
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        )
        if not headers_too:
            conn.sendall(head)
            head = b""
        payload = head + b" " * 100000
        for byte in payload:
            if self._stopping.wait(TRICKLE_INTERVAL):
                return
            conn.sendall(bytes([byte]))


_HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Maintenance</title></head>"
    b"<body><h1>We'll be back soon</h1></body></html>"
)
_REASONS = {200: "OK", 302: "Found", 404: "Not Found", 500: "Internal Server Error"}


def _send(
    conn: socket.socket,
    status: int,
    content_type: str,
    body: bytes,
    headers: Mapping[str, str] | None = None,
) -> None:
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


def _close(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.close()


def refused_url(path: str = "/") -> str:
    """A loopback URL on a port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
