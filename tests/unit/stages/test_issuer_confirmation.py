"""The expected issuer is established, not guessed: the published shapes of real providers.

Each provider below publishes its issuer, authorization endpoint and JWKS URL in its own
documentation (cited per case); a mock provider serves only the discovery document at
the issuer, and the test asserts which issuer the probe confirms, and from what.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx2
import pytest

from oidc_probe.core.artefacts import DecodedJwt, LoginResult, SignatureResult
from oidc_probe.core.config import ProbeConfig, derive_issuer
from oidc_probe.core.context import RunContext
from oidc_probe.core.issuer import (
    IssuerSource,
    initial_basis,
    is_cognito_pool_certs_url,
    url_candidates,
)
from oidc_probe.core.settings import RunSettings
from oidc_probe.plumbing.http import make_client
from oidc_probe.stages import discover
from oidc_probe.stages import issuer as issuer_stage


@dataclass(frozen=True)
class Shape:
    name: str
    issuer: str
    auth_url: str
    certs_url: str
    # Where the issuer can only come from the ID token's iss (auth_url is elsewhere).
    from_token: bool = False


SHAPES = [
    # developer.okta.com, "OpenID Connect & OAuth 2.0 API" (custom authorization server)
    Shape(
        "okta",
        "https://dev-1.okta.com/oauth2/default",
        "https://dev-1.okta.com/oauth2/default/v1/authorize",
        "https://dev-1.okta.com/oauth2/default/v1/keys",
    ),
    # Okta org authorization server
    Shape(
        "okta-org",
        "https://dev-1.okta.com",
        "https://dev-1.okta.com/oauth2/v1/authorize",
        "https://dev-1.okta.com/oauth2/v1/keys",
    ),
    # Keycloak server administration guide: realm endpoints under /realms/<realm>
    Shape(
        "keycloak",
        "https://sso.example.org/realms/acme",
        "https://sso.example.org/realms/acme/protocol/openid-connect/auth",
        "https://sso.example.org/realms/acme/protocol/openid-connect/certs",
    ),
    # Microsoft identity platform: v2.0 issuer is <tenant>/v2.0, keys under discovery/
    Shape(
        "entra-id",
        "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
        "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/oauth2/v2.0/authorize",
        "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/discovery/v2.0/keys",
        from_token=True,
    ),
    # Google: accounts.google.com issuer, keys on www.googleapis.com
    Shape(
        "google",
        "https://accounts.google.com",
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://www.googleapis.com/oauth2/v3/certs",
    ),
    # authentik: per-application issuer with a trailing slash, shared authorize endpoint
    Shape(
        "authentik",
        "https://auth.example.org/application/o/access/",
        "https://auth.example.org/application/o/authorize/",
        "https://auth.example.org/application/o/access/jwks/",
        from_token=True,
    ),
    # Zitadel: instance issuer, endpoints under /oauth/v2
    Shape(
        "zitadel",
        "https://acme-xyz.zitadel.cloud",
        "https://acme-xyz.zitadel.cloud/oauth/v2/authorize",
        "https://acme-xyz.zitadel.cloud/oauth/v2/keys",
    ),
    # GitLab: instance issuer, keys at /oauth/discovery/keys
    Shape(
        "gitlab",
        "https://gitlab.com",
        "https://gitlab.com/oauth/authorize",
        "https://gitlab.com/oauth/discovery/keys",
    ),
    # LemonLDAP::NG: the portal URL with its trailing slash, keys at /oauth2/jwks
    Shape(
        "lemonldap-ng",
        "https://auth.example.org/",
        "https://auth.example.org/oauth2/authorize",
        "https://auth.example.org/oauth2/jwks",
    ),
    # Auth0: the tenant issuer ends in '/'
    Shape(
        "auth0",
        "https://acme.eu.auth0.com/",
        "https://acme.eu.auth0.com/authorize",
        "https://acme.eu.auth0.com/.well-known/jwks.json",
    ),
]


class DiscoveryOnly:
    """Serves the discovery document of ``issuer`` and nothing else; records the requests."""

    def __init__(self, issuer: str, jwks_uri: str) -> None:
        self.issuer = issuer
        self.jwks_uri = jwks_uri
        self.requests: list[str] = []

    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self._handle)

    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        url = str(request.url)
        self.requests.append(url)
        if url == self.issuer.rstrip("/") + "/.well-known/openid-configuration":
            body = {"issuer": self.issuer, "jwks_uri": self.jwks_uri}
            return httpx2.Response(
                200, content=json.dumps(body), headers={"content-type": "application/json"}
            )
        return httpx2.Response(404, content=b"not found")


def _context(shape: Shape) -> RunContext:
    config = ProbeConfig(
        client_id="c",
        auth_url=shape.auth_url,
        token_url=shape.auth_url.rsplit("/", 1)[0] + "/token",
        certs_url=shape.certs_url,
    )
    settings = RunSettings(issuer=derive_issuer(shape.certs_url), issuer_guessed=True)
    return RunContext(config=config, settings=settings)


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_the_published_issuer_is_confirmed(shape: Shape) -> None:
    idp = DiscoveryOnly(shape.issuer, shape.certs_url)
    ctx = _context(shape)
    assert ctx.issuer.source is IssuerSource.UNCONFIRMED
    with make_client(ctx.settings, transport=idp.transport()) as client:
        discover.run(ctx, client)
        if shape.from_token:
            # auth_url lies outside the issuer: only the verified ID token names it.
            assert not ctx.issuer.established
            assert "discovery" not in ctx.stopped or ctx.discovery_fetch is None
            ctx.signature = _valid_signature()
            ctx.id_token = _token_with_iss(shape.issuer)
            issuer_stage.confirm_id_token_iss(ctx, client)
    assert ctx.issuer.source is IssuerSource.DISCOVERY
    assert ctx.issuer.issuer == shape.issuer
    expected_url = shape.issuer.rstrip("/") + "/.well-known/openid-configuration"
    assert ctx.issuer.discovery_url == expected_url
    assert ctx.discovery_fetch is not None
    assert ctx.discovery_fetch.url == expected_url
    assert ctx.issuer.describe() == f"confirmed by discovery at {expected_url}"
    # No document is fetched twice.
    assert len(idp.requests) == len(set(idp.requests))


def test_an_unverified_token_confirms_nothing() -> None:
    shape = next(s for s in SHAPES if s.name == "entra-id")
    idp = DiscoveryOnly(shape.issuer, shape.certs_url)
    ctx = _context(shape)
    with make_client(ctx.settings, transport=idp.transport()) as client:
        discover.run(ctx, client)
        ctx.id_token = _token_with_iss(shape.issuer)
        ctx.signature = _valid_signature(valid=False)
        issuer_stage.confirm_id_token_iss(ctx, client)
    assert ctx.issuer.source is IssuerSource.UNCONFIRMED
    assert "not confirmed" in ctx.issuer.unconfirmed_reason()


def test_a_document_with_another_jwks_uri_does_not_confirm() -> None:
    shape = next(s for s in SHAPES if s.name == "auth0")
    idp = DiscoveryOnly(shape.issuer, "https://elsewhere.example/jwks")
    ctx = _context(shape)
    with make_client(ctx.settings, transport=idp.transport()) as client:
        discover.run(ctx, client)
    assert not ctx.issuer.established
    assert ctx.issuer.issuer == "https://acme.eu.auth0.com"  # the guess, kept but unconfirmed
    assert any("jwks_uri is not certs_url" in line for line in ctx.issuer.tried)
    # The self-consistent document is kept so DSC003 can show the jwks_uri mismatch.
    assert ctx.discovery is not None
    assert ctx.discovery["jwks_uri"] == "https://elsewhere.example/jwks"


def test_a_callback_iss_is_a_candidate() -> None:
    issuer = "https://idp.example/tenants/t1"
    shape = Shape("x", issuer, "https://login.example/authorize", "https://keys.example/k")
    idp = DiscoveryOnly(issuer, shape.certs_url)
    ctx = _context(shape)
    with make_client(ctx.settings, transport=idp.transport()) as client:
        discover.run(ctx, client)
        assert not ctx.issuer.established
        ctx.login = LoginResult(callback_params={"code": "c", "state": "s", "iss": issuer})
        issuer_stage.confirm_callback_iss(ctx, client)
    assert ctx.issuer.source is IssuerSource.DISCOVERY
    assert ctx.issuer.issuer == issuer


def test_given_and_cognito_need_no_request() -> None:
    cognito = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json"
    assert is_cognito_pool_certs_url(cognito)
    assert is_cognito_pool_certs_url(cognito.replace("cognito-idp", "issuer-cognito-idp"))
    assert is_cognito_pool_certs_url("http://127.0.0.1:9229/us-east-1_x1/.well-known/jwks.json")
    assert not is_cognito_pool_certs_url("https://auth.example.org/oauth2/jwks")
    basis = initial_basis(derive_issuer(cognito), guessed=True, certs_url=cognito)
    assert basis.source is IssuerSource.COGNITO_POOL
    assert basis.established
    assert basis.describe() == "Cognito pool URL"
    given = initial_basis("https://x.example/", guessed=False, certs_url="https://y/k")
    assert given.source is IssuerSource.GIVEN
    assert given.issuer == "https://x.example/"


def test_url_candidates_are_origin_and_path_prefixes() -> None:
    assert url_candidates("https://h.example/a/b/authorize?x=1") == [
        "https://h.example",
        "https://h.example/",
        "https://h.example/a",
        "https://h.example/a/",
        "https://h.example/a/b",
        "https://h.example/a/b/",
    ]
    assert url_candidates("ftp://h.example/a") == []


def _valid_signature(*, valid: bool = True) -> SignatureResult:
    return SignatureResult("RS256", "k1", True, valid, "ok" if valid else "bad signature")


def _token_with_iss(iss: str) -> DecodedJwt:
    return DecodedJwt(raw="x.y.z", header={"alg": "RS256"}, claims={"iss": iss})
