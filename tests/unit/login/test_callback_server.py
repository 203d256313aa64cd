from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx2
import pytest

from oidc_probe.core.errors import UsageError
from oidc_probe.login.callback_server import CallbackServer, parse_redirect_uri
from tests.e2e.interactive import free_port


@pytest.fixture
def server() -> Iterator[CallbackServer]:
    with CallbackServer(f"http://localhost:{free_port()}/callback", results_wait=0.2) as running:
        yield running


def get(server: CallbackServer, path: str, **kwargs: object) -> httpx2.Response:
    return httpx2.get(f"http://127.0.0.1:{server.port}{path}", follow_redirects=False, **kwargs)  # type: ignore[arg-type]


def test_localhost_means_both_loopback_addresses() -> None:
    endpoint = parse_redirect_uri("http://localhost:8765/callback")
    assert endpoint.addresses == ("127.0.0.1", "::1")
    assert (endpoint.port, endpoint.path) == (8765, "/callback")
    assert parse_redirect_uri("http://[::1]:9000/cb").addresses == ("::1",)
    assert parse_redirect_uri("http://127.0.0.1/cb").port == 80


@pytest.mark.parametrize(
    ("uri", "says"),
    [
        ("https://team.cloudflareaccess.com/cdn-cgi/access/callback", "--login paste"),
        ("http://192.168.1.5:8765/callback", "--login paste"),
        ("https://localhost:8765/callback", "use http://"),
        ("http://localhost:0/callback", "not 0"),
    ],
)
def test_redirect_uris_it_cannot_serve_are_refused(uri: str, says: str) -> None:
    with pytest.raises(UsageError, match="--redirect-uri") as raised:
        parse_redirect_uri(uri)
    assert says in str(raised.value)


def test_a_busy_port_is_one_clear_error() -> None:
    port = free_port()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen(1)
        with pytest.raises(UsageError, match="already in use") as raised:
            CallbackServer(f"http://localhost:{port}/callback").start()
    assert f"--redirect-uri http://localhost:{port}/callback" in str(raised.value)


def test_callbacks_before_the_login_starts_are_ignored(server: CallbackServer) -> None:
    response = get(server, "/callback?code=c&state=s")
    assert response.status_code == 400
    assert "not started a login yet" in response.text
    assert not server.accepted


def test_exactly_one_callback_with_the_right_state_is_accepted(server: CallbackServer) -> None:
    server.expect("the-state")
    assert get(server, "/callback?code=c&state=other").status_code == 400
    assert get(server, "/callback?code=c").status_code == 400
    accepted = get(server, "/callback?code=c1&state=the-state")
    assert accepted.status_code == 303
    assert accepted.headers["location"] == server.results_path
    again = get(server, "/callback?code=c2&state=the-state")
    assert again.status_code == 400
    assert "already completed" in again.text
    assert server.wait_for_callback(1) == f"{server.endpoint.redirect_uri}?code=c1&state=the-state"
    assert len(server.ignored) == 3


def test_only_loopback_host_headers_are_served(server: CallbackServer) -> None:
    server.expect("s")
    rebound = get(
        server, "/callback?code=c&state=s", headers={"Host": f"evil.example:{server.port}"}
    )
    assert rebound.status_code == 400
    assert not server.accepted


def test_results_page_waits_then_is_served_with_a_strict_policy(server: CallbackServer) -> None:
    waiting = get(server, server.results_path)
    assert waiting.status_code == 200
    assert 'http-equiv="refresh"' in waiting.text
    assert not server.wait_served(0)
    server.publish("<!DOCTYPE html><p>results</p>")
    served = get(server, server.results_path)
    assert served.text == "<!DOCTYPE html><p>results</p>"
    assert served.headers["content-security-policy"].startswith("default-src 'none'")
    assert served.headers["cache-control"] == "no-store"
    assert server.wait_served(0)
    assert get(server, "/oidc-probe/results/guessed").status_code == 404


def test_stop_releases_the_port() -> None:
    port = free_port()
    CallbackServer(f"http://localhost:{port}/callback").start().stop()
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
