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


def test_refuse_cleartext_names_the_url_without_its_secret_parts() -> None:
    from oidc_probe.core.errors import UsageError
    from oidc_probe.plumbing.urls import refuse_cleartext

    with pytest.raises(UsageError) as raised:
        refuse_cleartext(
            "http://u:pw@idp.example:8080/oauth2/token?code=abc#x", "the client secret"
        )
    assert str(raised.value) == (
        "refusing to send the client secret over plain http to "
        "http://idp.example:8080/oauth2/token: use https (plain http is accepted only for a "
        "loopback host)"
    )
    assert raised.value.exit_code == 2
    for fine in (
        "https://idp.example/t",
        "http://127.0.0.2:9/t",
        "http://[::1]/t",
        "http://a.localhost/",
    ):
        refuse_cleartext(fine, "x")


def test_loopback_requests_bypass_a_proxy_with_the_same_definition() -> None:
    """127.0.0.2 is loopback for the http rule, so it never goes through a proxy either."""
    import httpx2

    from oidc_probe.plumbing.http import LoopbackDirect

    direct: list[str] = []
    proxied: list[str] = []

    def record(into: list[str]) -> httpx2.MockTransport:
        return httpx2.MockTransport(lambda r: (into.append(r.url.host), httpx2.Response(204))[1])

    transport = LoopbackDirect(direct=record(direct), proxied=record(proxied))
    with httpx2.Client(transport=transport) as client:
        for url in (
            "http://127.0.0.2/",
            "http://api.localhost/",
            "http://[::1]/",
            "http://x.test/",
        ):
            client.get(url)
    assert direct == ["127.0.0.2", "api.localhost", "::1"]
    assert proxied == ["x.test"]
