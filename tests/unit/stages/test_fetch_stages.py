"""discover, jwks and userinfo: one GET each, skipped when their inputs are missing."""

from __future__ import annotations

import httpx2

from oidc_probe.core.context import RunContext
from oidc_probe.plumbing.http import make_client
from oidc_probe.stages import discover, jwks, userinfo
from oidc_probe.stages.discover import discovery_url
from tests.factories import json_exchange, make_context
from tests.unit.stages.idp import BASE, ISSUER, FakeIdp, make_config, make_settings


def _client(ctx: RunContext, idp: FakeIdp) -> httpx2.Client:
    return make_client(ctx.settings, transport=idp.transport())


def test_discovery_url_drops_a_trailing_slash() -> None:
    assert (
        discovery_url("https://a.test/pool/")
        == "https://a.test/pool/.well-known/openid-configuration"
    )


def test_discover_and_jwks_fetch() -> None:
    idp = FakeIdp()
    ctx = make_context(make_config(), make_settings())
    with _client(ctx, idp) as client:
        discover.run(ctx, client)
        jwks.run(ctx, client)
    assert ctx.discovery_fetch is not None
    assert ctx.discovery_fetch.url == f"{ISSUER}/.well-known/openid-configuration"
    assert ctx.discovery is not None
    assert ctx.discovery["issuer"] == ISSUER
    assert ctx.jwks is not None
    assert [k["kid"] for k in ctx.jwks["keys"]] == ["key-1", "key-2"]
    assert ctx.stopped == {}


def test_placeholders_are_not_requested() -> None:
    idp = FakeIdp()
    certs = "https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json"
    ctx = make_context(
        make_config(certs_url=certs), make_settings(issuer=certs.rsplit("/.well-known", 1)[0])
    )
    with _client(ctx, idp) as client:
        discover.run(ctx, client)
        jwks.run(ctx, client)
    assert idp.requests == []
    assert ctx.discovery_fetch is None
    assert ctx.jwks_fetch is None
    assert set(ctx.stopped) == {"discovery", "jwks"}


def test_userinfo_with_bearer_token() -> None:
    idp = FakeIdp()
    ctx = make_context(make_config(), make_settings())
    ctx.discovery_fetch = json_exchange(
        f"{ISSUER}/.well-known/openid-configuration",
        {"userinfo_endpoint": f"{BASE}/oauth2/userInfo"},
    )
    ctx.token_fetch = json_exchange(f"{BASE}/oauth2/token", {"access_token": "access-abc"})
    with _client(ctx, idp) as client:
        userinfo.run(ctx, client)
    assert idp.requests[0].headers["authorization"] == "Bearer access-abc"
    assert ctx.userinfo == {"sub": "sub-1", "email": "alice@example.com"}


def test_userinfo_skipped_without_endpoint_or_token() -> None:
    idp = FakeIdp()
    ctx = make_context(make_config(), make_settings())
    ctx.discovery_fetch = json_exchange(f"{ISSUER}/.well-known/openid-configuration", {})
    ctx.token_fetch = json_exchange(f"{BASE}/oauth2/token", {"access_token": "access-abc"})
    with _client(ctx, idp) as client:
        userinfo.run(ctx, client)
        assert "userinfo_endpoint" in ctx.stopped["userinfo"]
        ctx.discovery_fetch = json_exchange(
            f"{ISSUER}/x", {"userinfo_endpoint": f"{BASE}/oauth2/userInfo"}
        )
        ctx.token_fetch = json_exchange(f"{BASE}/oauth2/token", {"id_token": "x"})
        userinfo.run(ctx, client)
    assert ctx.stopped["userinfo"] == "no access token"
    assert idp.requests == []
    assert ctx.userinfo_fetch is None


def test_userinfo_on_plain_http_to_a_remote_host_stops_before_sending() -> None:
    import pytest

    from oidc_probe.core.errors import UsageError

    idp = FakeIdp()
    ctx = make_context(make_config(), make_settings())
    ctx.discovery_fetch = json_exchange(
        f"{ISSUER}/.well-known/openid-configuration",
        {"userinfo_endpoint": "http://idp.test/oauth2/userInfo"},
    )
    ctx.token_fetch = json_exchange(f"{BASE}/oauth2/token", {"access_token": "access-abc"})
    with _client(ctx, idp) as client, pytest.raises(UsageError, match="the access token"):
        userinfo.run(ctx, client)
    assert idp.requests == []
