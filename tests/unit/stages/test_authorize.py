from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx2

from oidc_probe.core.context import AuthorizationRequest, LoginResult
from oidc_probe.plumbing.http import make_client
from oidc_probe.stages import authorize
from oidc_probe.stages.authorize import build_request, pkce_challenge
from tests.factories import make_context
from tests.unit.stages.idp import BASE, REDIRECT_URI, make_config, make_settings


def _params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _bits(value: str) -> int:
    return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))) * 8


def test_request_as_access_sends_it() -> None:
    request = build_request(make_config(scopes=("openid", "email", "profile")), make_settings())
    parts = urlsplit(request.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{BASE}/oauth2/authorize"
    params = _params(request.url)
    assert params["response_type"] == ["code"]
    assert params["client_id"] == ["client-1"]
    assert params["redirect_uri"] == [REDIRECT_URI]
    assert params["scope"] == ["openid email profile"]
    assert params["state"] == [request.state]
    assert params["nonce"] == [request.nonce]
    assert params["code_challenge_method"] == ["S256"]
    assert request.scope == "openid email profile"
    assert request.redirect_uri == REDIRECT_URI


def test_state_and_nonce_have_at_least_128_bits_and_are_fresh() -> None:
    first = build_request(make_config(), make_settings())
    second = build_request(make_config(), make_settings())
    assert _bits(first.state) >= 128
    assert _bits(first.nonce) >= 128
    assert first.state != first.nonce
    assert first.state != second.state
    assert first.nonce != second.nonce


def test_pkce_challenge_matches_the_verifier() -> None:
    request = build_request(make_config(pkce_enabled=True), make_settings())
    assert request.code_verifier is not None
    assert 43 <= len(request.code_verifier) <= 128
    digest = hashlib.sha256(request.code_verifier.encode("ascii")).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert _params(request.url)["code_challenge"] == [expected]
    assert pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636 appendix B
    )


def test_no_pkce_when_disabled() -> None:
    request = build_request(make_config(pkce_enabled=False), make_settings())
    assert request.code_verifier is None
    assert "code_challenge" not in _params(request.url)
    assert "code_challenge_method" not in _params(request.url)


def test_auth_url_query_is_kept() -> None:
    config = make_config(auth_url=f"{BASE}/oauth2/authorize?identity_provider=COGNITO")
    params = _params(build_request(config, make_settings()).url)
    assert params["identity_provider"] == ["COGNITO"]
    assert params["response_type"] == ["code"]


class _Recorder:
    def __init__(self) -> None:
        self.requests: list[AuthorizationRequest] = []

    def login(self, client: httpx2.Client, request: AuthorizationRequest) -> LoginResult:
        self.requests.append(request)
        return LoginResult(login_error="recorded")


def _unused_client() -> httpx2.Client:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise AssertionError(f"unexpected request {request.url}")

    return make_client(make_settings(), transport=httpx2.MockTransport(refuse))


def test_run_calls_the_driver_with_the_request() -> None:
    ctx = make_context(make_config(), make_settings())
    driver = _Recorder()
    with _unused_client() as client:
        authorize.run(ctx, client, driver)
    assert driver.requests == [ctx.authorization]
    assert ctx.login == LoginResult(login_error="recorded")
    assert "authorize" not in ctx.stopped


def test_run_without_driver_builds_the_request_only() -> None:
    ctx = make_context(make_config(), make_settings())
    with _unused_client() as client:
        authorize.run(ctx, client, None)
    assert ctx.authorization is not None
    assert ctx.login is None
    assert ctx.stopped["authorize"] == "no login driver"


def test_placeholder_auth_url_is_skipped() -> None:
    ctx = make_context(make_config(auth_url="https://<your user pool domain>/oauth2/authorize"))
    driver = _Recorder()
    with _unused_client() as client:
        authorize.run(ctx, client, driver)
    assert ctx.authorization is None
    assert driver.requests == []
    assert ctx.stopped["authorize"] == "auth_url not usable"
