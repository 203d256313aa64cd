"""A plain-HTTP forward proxy on a loopback port, for the tests of the proxy variables.

It takes absolute-form requests (``GET http://host:port/path``), forwards them to the
target with ``http.client`` (no proxy of its own), answers with the target's response
and records ``METHOD URL`` of each. Like a real proxy it resolves the names itself:
``hosts`` maps names only it knows (``pool.example.test``) to addresses. No CONNECT: the
tests' servers speak plain HTTP.
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding"}


class _Forward(BaseHTTPRequestHandler):
    server: ForwardProxy._Server

    def _forward(self) -> None:
        target = urlsplit(self.path)
        self.server.seen.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        address = self.server.hosts.get(target.hostname or "", target.hostname or "")
        upstream = http.client.HTTPConnection(address, target.port or 80, timeout=10)
        try:
            path = target.path + (f"?{target.query}" if target.query else "")
            upstream.request(self.command, path or "/", body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in _HOP_BY_HOP | {"content-length"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        finally:
            upstream.close()

    do_GET = do_POST = _forward

    def log_message(self, *args: object) -> None:
        pass


class ForwardProxy:
    """``with ForwardProxy() as proxy``: ``proxy.url`` to set as HTTP_PROXY, ``proxy.seen``."""

    class _Server(ThreadingHTTPServer):
        seen: list[str]
        hosts: dict[str, str]
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            """A client that gave up mid-answer (the deadline tests) is expected: no noise."""

    def __init__(self, hosts: dict[str, str] | None = None) -> None:
        self._server = self._Server(("127.0.0.1", 0), _Forward)
        self._server.seen = []
        self._server.hosts = dict(hosts or {})
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def seen(self) -> list[str]:
        return self._server.seen

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
