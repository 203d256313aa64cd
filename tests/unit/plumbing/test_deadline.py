"""The overall per-request deadline: a server trickling bytes is cut off at --timeout."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx2
import pytest

from oidc_probe.core.settings import RunSettings
from oidc_probe.plumbing import deadline
from oidc_probe.plumbing.http import fetch, make_client
from tests.e2e.hostile_servers import HostileServer, Mode

TIMEOUT = 0.7


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


@pytest.mark.parametrize("mode", [Mode.TRICKLE, Mode.TRICKLE_HEADERS, Mode.HANG, Mode.SILENT])
def test_a_slow_server_is_cut_off_at_the_timeout(hostile: HostileServer, mode: Mode) -> None:
    with make_client(RunSettings(issuer="x", timeout=TIMEOUT)) as client:
        start = time.monotonic()
        exchange = fetch(client, "GET", hostile.url(mode, "/jwks.json"))
        took = time.monotonic() - start
    assert exchange.status is None
    assert exchange.error == f"timed out after {TIMEOUT:g}s"
    assert TIMEOUT * 0.9 <= took < TIMEOUT + 1.0


def test_the_deadline_is_per_request_not_per_client(hostile: HostileServer) -> None:
    with make_client(RunSettings(issuer="x", timeout=TIMEOUT)) as client:
        first = fetch(client, "GET", hostile.url(Mode.TRICKLE))
        second = fetch(client, "GET", hostile.url(Mode.HTML))
    assert first.error is not None
    assert second.ok
    assert second.error is None


def test_the_mock_transport_fallback_stops_at_the_next_chunk() -> None:
    def slow_body() -> Iterator[bytes]:
        for _ in range(50):
            time.sleep(0.05)
            yield b" "

    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, content=slow_body()))
    with make_client(RunSettings(issuer="x", timeout=0.5), transport=transport) as client:
        start = time.monotonic()
        exchange = fetch(client, "GET", "http://idp.test/slow")
        took = time.monotonic() - start
    assert exchange.error == "timed out after 0.5s"
    assert took < 1.0


def test_no_deadline_outside_fetch() -> None:
    assert deadline.remaining() is None
    with deadline.deadline(5):
        left = deadline.remaining()
        assert left is not None
        assert 4 < left <= 5
        with deadline.deadline(None):
            assert deadline.remaining() is None
    assert deadline.remaining() is None


def test_install_reaches_the_connection_pool() -> None:
    assert deadline.install(httpx2.HTTPTransport())


def test_invalid_tld_fails_locally_without_a_lookup() -> None:
    with make_client(RunSettings(issuer="x", timeout=TIMEOUT)) as client:
        exchange = fetch(client, "GET", "https://idp.example.invalid/.well-known/jwks.json")
    assert exchange.error is not None
    assert exchange.error.startswith("DNS lookup failed for host idp.example.invalid")
