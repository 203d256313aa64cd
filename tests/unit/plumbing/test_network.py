"""The network under the real HTTP client: ``--connect-to`` moves the connection (the URL and
Host stay), and the proxy variables send requests through a proxy."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx2
import pytest

from oidc_probe.core.connect_to import ConnectRule
from oidc_probe.core.settings import RunSettings
from oidc_probe.plumbing.http import fetch, make_client
from oidc_probe.plumbing.network import wrap_backend
from tests.e2e.hostile_servers import HostileServer, Mode
from tests.forward_proxy import ForwardProxy


class _EchoHost(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"{self.headers['Host']} {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def echo_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHost)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()


def _get(url: str, *rules: str) -> str:
    settings = RunSettings(
        issuer="x", timeout=2.0, connect_to=tuple(ConnectRule.parse(r) for r in rules)
    )
    with make_client(settings) as client:
        exchange = fetch(client, "GET", url)
    assert exchange.error is None, exchange.error
    return exchange.text or ""


def test_the_connection_goes_where_the_rule_says_with_the_urls_host(echo_port: int) -> None:
    seen = _get(
        "http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12/.well-known/jwks.json",
        f"cognito-idp.eu-west-1.amazonaws.com:80:127.0.0.1:{echo_port}",
    )
    assert seen == "cognito-idp.eu-west-1.amazonaws.com /eu-west-1_Ab12/.well-known/jwks.json"


def test_a_url_with_a_port_keeps_it_in_host(echo_port: int) -> None:
    seen = _get("http://idp.example:8080/x", f"idp.example:8080:127.0.0.1:{echo_port}")
    assert seen == "idp.example:8080 /x"


def test_hosts_no_rule_names_are_not_steered(echo_port: int) -> None:
    settings = RunSettings(
        issuer="x",
        timeout=2.0,
        connect_to=(ConnectRule.parse(f"other.example:80:127.0.0.1:{echo_port}"),),
    )
    with make_client(settings) as client:
        exchange = fetch(client, "GET", "http://127.0.0.1:1/unsteered")
    assert exchange.status is None
    assert exchange.error == "connection refused"


def test_wrap_backend_refuses_a_transport_without_a_connection_pool() -> None:
    transport = httpx2.MockTransport(lambda request: httpx2.Response(204))
    assert not wrap_backend(transport, lambda inner: inner)  # type: ignore[arg-type]


def test_the_proxy_variables_send_requests_through_the_proxy(
    echo_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        seen = _get(f"http://127.0.0.1:{echo_port}/via-proxy")
        assert proxy.seen == [f"GET http://127.0.0.1:{echo_port}/via-proxy"]
    assert seen == f"127.0.0.1:{echo_port} /via-proxy"


def test_no_proxy_bypasses_the_proxy(echo_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        assert _get(f"http://127.0.0.1:{echo_port}/direct") == f"127.0.0.1:{echo_port} /direct"
        assert proxy.seen == []


def test_the_deadline_holds_through_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    with HostileServer() as hostile, ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        with make_client(RunSettings(issuer="x", timeout=0.5)) as client:
            exchange = fetch(client, "GET", hostile.url(Mode.TRICKLE))
    assert exchange.error == "timed out after 0.5s"
