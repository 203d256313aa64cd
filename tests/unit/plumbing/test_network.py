"""The network under the real HTTP client: ``--connect-to`` moves the connection (the URL and
Host stay), and the proxy variables send requests through a proxy."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx2
import pytest

from oidc_probe.core.connect_to import ConnectRule
from oidc_probe.core.errors import UsageError
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


PROXIED = "pool.example.test"  # a name only the proxy resolves (to 127.0.0.1)


def _proxy_env(monkeypatch: pytest.MonkeyPatch, url: str, no_proxy: str = "") -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.setenv("NO_PROXY", no_proxy)


def test_the_proxy_variables_send_requests_through_the_proxy(
    echo_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ForwardProxy({PROXIED: "127.0.0.1"}) as proxy:
        _proxy_env(monkeypatch, proxy.url)
        seen = _get(f"http://{PROXIED}:{echo_port}/via-proxy")
        assert proxy.seen == [f"GET http://{PROXIED}:{echo_port}/via-proxy"]
    assert seen == f"{PROXIED}:{echo_port} /via-proxy"


def test_no_proxy_bypasses_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    with ForwardProxy({PROXIED: "127.0.0.1"}) as proxy:
        _proxy_env(monkeypatch, proxy.url, no_proxy=PROXIED)
        settings = RunSettings(issuer="x", timeout=2.0)
        with make_client(settings) as client:
            exchange = fetch(client, "GET", f"http://{PROXIED}:1/direct")
        assert proxy.seen == []
    assert exchange.error is not None
    assert exchange.error.startswith(f"DNS lookup failed for host {PROXIED}")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_loopback_hosts_never_go_through_the_proxy(
    host: str, echo_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ForwardProxy() as proxy:
        _proxy_env(monkeypatch, proxy.url)
        settings = RunSettings(issuer="x", timeout=2.0)
        with make_client(settings) as client:
            exchange = fetch(client, "GET", f"http://{host}:{echo_port}/direct")
        assert proxy.seen == []
    assert exchange.error is None or host == "[::1]"  # the echo server listens on IPv4


def test_a_connect_to_host_goes_direct_to_the_rules_target(
    echo_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ForwardProxy({PROXIED: "127.0.0.1"}) as proxy:
        _proxy_env(monkeypatch, proxy.url)
        seen = _get("http://idp.example/x", f"idp.example:80:127.0.0.1:{echo_port}")
        assert proxy.seen == []
    assert seen == "idp.example /x"


def test_an_unreachable_proxy_is_named_as_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    _proxy_env(monkeypatch, "http://127.0.0.1:1")
    with make_client(RunSettings(issuer="x", timeout=2.0)) as client:
        exchange = fetch(client, "GET", f"http://{PROXIED}/x")
    assert exchange.error == "connection refused by 127.0.0.1:1 (the proxy from HTTP_PROXY)"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("http://alice:S3cr#et@proxy.example:3128", "HTTP_PROXY is not a usable proxy URL"),
        ("ftp://proxy.example:21", "HTTP_PROXY is not a usable proxy URL"),
        ("socks5://proxy.example:1080", "HTTP_PROXY names a SOCKS proxy"),
    ],
)
def test_a_proxy_url_httpx_cannot_use_is_one_usage_line_without_its_value(
    value: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _proxy_env(monkeypatch, value)
    with pytest.raises(UsageError) as raised:
        make_client(RunSettings(issuer="x"))
    assert says in str(raised.value)
    assert "S3cr" not in str(raised.value)
    assert "proxy.example" not in str(raised.value)


def test_connection_errors_name_the_connect_to_target() -> None:
    settings = RunSettings(
        issuer="x", timeout=2.0, connect_to=(ConnectRule.parse("::127.0.0.1:1"),)
    )
    with make_client(settings) as client:
        exchange = fetch(client, "GET", "http://idp.example:8080/x")
    assert exchange.error == "connection refused by 127.0.0.1:1 (--connect-to)"


def test_the_deadline_holds_through_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    with HostileServer() as hostile, ForwardProxy({PROXIED: "127.0.0.1"}) as proxy:
        _proxy_env(monkeypatch, proxy.url)
        trickle = hostile.url(Mode.TRICKLE).replace("127.0.0.1", PROXIED)
        with make_client(RunSettings(issuer="x", timeout=0.5)) as client:
            exchange = fetch(client, "GET", trickle)
        assert proxy.seen == [f"GET {trickle}"]
    assert exchange.error == "timed out after 0.5s"
