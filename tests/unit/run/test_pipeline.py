from __future__ import annotations

import pytest

from oidc_probe.core.model import Stage
from oidc_probe.core.settings import ClientAuth
from oidc_probe.login import FormLogin
from oidc_probe.run.pipeline import run_discovery_only, run_probe
from tests.unit.stages.idp import PASSWORD, USERNAME, FakeIdp, make_config, make_settings

ALL_STAGES = {"discovery", "jwks", "authorize", "token", "id_token", "userinfo"}


@pytest.mark.parametrize("client_auth", [ClientAuth.BASIC, ClientAuth.POST])
@pytest.mark.parametrize("pkce", [True, False])
def test_full_run_against_a_cognito_shaped_idp(client_auth: ClientAuth, pkce: bool) -> None:
    idp = FakeIdp()
    ctx = run_probe(
        make_config(pkce_enabled=pkce),
        make_settings(client_auth=client_auth),
        driver=FormLogin(USERNAME, PASSWORD),
        transport=idp.transport(),
        now=lambda: 42.0,
    )
    assert ctx.stopped == {}
    assert ctx.now() == 42.0
    assert ctx.login is not None
    assert ctx.login.login_error is None
    assert ctx.token_response is not None
    assert ctx.signature is not None
    assert ctx.signature.valid is True
    assert ctx.id_token_claims is not None
    assert ctx.authorization is not None
    assert ctx.id_token_claims["nonce"] == ctx.authorization.nonce
    assert ctx.userinfo == {"sub": "sub-1", "email": "alice@example.com"}
    assert set(ctx.timings_ms) == ALL_STAGES
    assert {s.key for s in Stage} >= ALL_STAGES
    paths = idp.paths()
    # discovery and the JWKS run alongside the login: in any order with its requests
    assert sorted(paths) == sorted(
        [
            "GET /us-east-1_Test12345/.well-known/openid-configuration",
            "GET /us-east-1_Test12345/.well-known/jwks.json",
            "GET /oauth2/authorize",
            "GET /login",
            "POST /login",
            "POST /oauth2/token",
            "GET /oauth2/userInfo",
        ]
    )
    assert [p for p in paths if "well-known" not in p] == [
        "GET /oauth2/authorize",
        "GET /login",
        "POST /login",
        "POST /oauth2/token",
        "GET /oauth2/userInfo",
    ]
    assert set(ctx.timeline_ms) == ALL_STAGES
    token_request = idp.requests[paths.index("POST /oauth2/token")]
    assert ("code_verifier=" in token_request.content.decode()) is pkce


def test_rotated_key_is_found_by_the_refetch() -> None:
    idp = FakeIdp(signing_kid="key-3", jwks_after_first=["key-1", "key-2", "key-3"])
    ctx = run_probe(
        make_config(),
        make_settings(),
        driver=FormLogin(USERNAME, PASSWORD),
        transport=idp.transport(),
    )
    assert idp.jwks_fetches == 2
    assert ctx.signature is not None
    assert (ctx.signature.refetched, ctx.signature.valid) == (True, True)


def test_state_mismatch_stops_before_the_token_exchange() -> None:
    idp = FakeIdp(echo_state=False)
    ctx = run_probe(
        make_config(),
        make_settings(),
        driver=FormLogin(USERNAME, PASSWORD),
        transport=idp.transport(),
    )
    assert ctx.stopped["token"] == "state mismatch"
    assert ctx.token_fetch is None
    assert "POST /oauth2/token" not in idp.paths()
    assert ctx.stopped["id_token"] == "no ID token in the token response"


def test_wrong_password_stops_after_login() -> None:
    idp = FakeIdp()
    ctx = run_probe(
        make_config(),
        make_settings(),
        driver=FormLogin(USERNAME, "nope"),
        transport=idp.transport(),
    )
    assert ctx.login is not None
    assert ctx.login.login_error is not None
    assert "Incorrect username or password." in ctx.login.login_error
    assert set(ctx.stopped) == {"token", "id_token", "userinfo"}


def test_without_driver_only_discovery_and_jwks_talk_to_the_idp() -> None:
    idp = FakeIdp()
    ctx = run_probe(make_config(), make_settings(), driver=None, transport=idp.transport())
    assert ctx.stopped["authorize"] == "no login driver"
    assert ctx.authorization is not None
    assert len(idp.requests) == 2
    assert ctx.discovery is not None
    assert ctx.jwks is not None


def test_discovery_only() -> None:
    idp = FakeIdp()
    ctx = run_discovery_only(make_config(), make_settings(), transport=idp.transport())
    assert ctx.discovery is not None
    assert ctx.jwks is not None
    assert set(ctx.timings_ms) == {"discovery", "jwks"}
    assert ctx.authorization is None
