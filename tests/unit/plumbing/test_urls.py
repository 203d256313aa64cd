"""plumbing/urls.py: which hosts are loopback (plain http is accepted only to them)."""

from __future__ import annotations

import pytest

from oidc_probe.plumbing.urls import is_loopback


@pytest.mark.parametrize("host", ["localhost", "api.localhost", "127.0.0.1", "127.8.9.1", "::1"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host", [None, "", "api.cloudflare.com", "localhost.example.com", "10.0.0.1", "192.0.2.10"]
)
def test_other_hosts(host: str | None) -> None:
    assert not is_loopback(host)
