"""The proxy variables through the real CLI: a whole probe through a loopback forward proxy."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.forward_proxy import ForwardProxy

from .conftest import Emulator, probe


def test_a_probe_runs_through_the_proxy_the_environment_names(emulator: Emulator) -> None:
    with ForwardProxy() as proxy:
        result = probe(emulator, env={"HTTP_PROXY": proxy.url, "NO_PROXY": ""})
        seen = list(proxy.seen)
    assert result.code == 0, result.failing()
    paths = {(line.split()[0], urlsplit(line.split()[1]).path) for line in seen}
    pool = emulator.pool.pool_id
    for request in (
        ("GET", f"/{pool}/.well-known/openid-configuration"),
        ("GET", f"/{pool}/.well-known/jwks.json"),
        ("GET", "/oauth2/authorize"),
        ("POST", "/oauth2/token"),
        ("GET", "/oauth2/userInfo"),
    ):
        assert request in paths, (request, sorted(paths))
    assert all(line.split()[1].startswith(emulator.base_url) for line in seen)


def test_no_proxy_keeps_the_probe_direct(emulator: Emulator) -> None:
    with ForwardProxy() as proxy:
        result = probe(emulator, env={"HTTP_PROXY": proxy.url, "NO_PROXY": "127.0.0.1"})
        assert proxy.seen == []
    assert result.code == 0, result.failing()
