"""Third-party OpenID providers, started once per test session on ephemeral loopback ports.

A peer that cannot start makes its tests skip with the reason, or fail when
``OIDC_PROBE_REQUIRE_PEERS`` is set (CI), through :func:`tests.needs.unavailable`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.needs import unavailable
from tests.peers import glewlwyd, harness, lemonldap
from tests.peers.cognito_api import (
    CognitoApi,
    CognitoApiError,
    PoolSpec,
    ProvisionedPool,
    provision,
)

REDIRECT_URI = "http://localhost:8765/callback"
_ISSUER_LINE = re.compile(r'^\{"issuer":\s*"(?P<issuer>[^"]+)"\}$')
_COGNITO_LOCAL_READY = re.compile(r"Cognito Local running on (?P<url>http://[\d.]+:\d+)")
_MOTO_READY = re.compile(r"Running on (?P<url>http://127\.0\.0\.1:\d+)")


@dataclass(frozen=True)
class OidcProviderPeer:
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    conform_id_token_claims: bool
    refresh_tokens: bool = False


@dataclass(frozen=True)
class CognitoPeer:
    """cognito-local or moto with one provisioned pool."""

    base_url: str
    pool: ProvisionedPool


def _started(
    start: Callable[[], tuple[harness.PeerProcess, re.Match[str]]],
) -> tuple[harness.PeerProcess, re.Match[str]]:
    try:
        return start()
    except harness.PeerUnavailable as exc:
        unavailable(str(exc))
        raise  # unreachable: unavailable() skips or fails


def _oidc_provider(
    conform: bool,
    *,
    refresh_tokens: bool,
    mount: str = "",
    jwks_path: str = "",
    errors_as_200: bool = False,
) -> Iterator[OidcProviderPeer]:
    node = None
    try:
        node = harness.node()
        harness.npm_package("oidc-provider")
    except harness.PeerUnavailable as exc:
        unavailable(str(exc))
    assert node is not None
    client_id, client_secret = "access-probe", "peer-client-secret-0123456789"
    settings = {
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uris": [REDIRECT_URI],
        "conform_id_token_claims": conform,
        "refresh_tokens": refresh_tokens,
        **({"mount": mount} if mount else {}),
        **({"jwks_path": jwks_path} if jwks_path else {}),
        **({"errors_as_200": True} if errors_as_200 else {}),
    }
    process, ready = _started(
        lambda: harness.start(
            f"oidc-provider (conformIdTokenClaims {str(conform).lower()})",
            [node, "oidc_provider.mjs"],
            _ISSUER_LINE,
            cwd=harness.PEERS_DIR,
            env={"OIDC_PEER_CONFIG": json.dumps(settings)},
        )
    )
    try:
        yield OidcProviderPeer(ready["issuer"], client_id, client_secret, conform, refresh_tokens)
    finally:
        process.stop()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProviderPeer]:
    """oidc-provider with ``conformIdTokenClaims: false``: email and profile claims in the ID token.

    Like a Cognito app client, it returns a refresh token with every code exchange (TOK007).
    """
    yield from _oidc_provider(conform=False, refresh_tokens=True)


ISSUER_SHAPES = {
    # Auth0's style: the issuer ends in '/'.
    "trailing-slash": {"mount": "/"},
    # Keycloak's or Glewlwyd's style: the issuer has a path.
    "path": {"mount": "/tenant/op"},
    # The keys outside the issuer's path (as Google's or Entra ID's are).
    "jwks-elsewhere": {"mount": "/tenant/op", "jwks_path": "/keys/tenant-op.json"},
}


@pytest.fixture(scope="session", params=sorted(ISSUER_SHAPES))
def oidc_provider_shaped(request: pytest.FixtureRequest) -> Iterator[OidcProviderPeer]:
    """oidc-provider with the issuer shapes of :data:`ISSUER_SHAPES` (claims in the ID token)."""
    yield from _oidc_provider(conform=False, refresh_tokens=True, **ISSUER_SHAPES[request.param])


@pytest.fixture(scope="session")
def oidc_provider_errors_as_200() -> Iterator[OidcProviderPeer]:
    """oidc-provider serving its error pages with HTTP 200 (LemonLDAP::NG's habit)."""
    yield from _oidc_provider(conform=False, refresh_tokens=True, errors_as_200=True)


@pytest.fixture(scope="session")
def oidc_provider_conform() -> Iterator[OidcProviderPeer]:
    """oidc-provider with its default ``conformIdTokenClaims: true``: email only in userinfo.

    Its client may not use the refresh_token grant, so it gets no refresh token.
    """
    yield from _oidc_provider(conform=True, refresh_tokens=False)


def _provisioned(base_url: str, spec: PoolSpec) -> ProvisionedPool:
    try:
        return provision(CognitoApi(base_url + "/"), spec)
    except (CognitoApiError, OSError) as exc:
        unavailable(f"provisioning the pool at {base_url} failed: {exc}")
        raise


@pytest.fixture(scope="session")
def cognito_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CognitoPeer]:
    """cognito-local 5.3.0 in its own directory, its tokens' issuer on its real address."""
    node = None
    package = None
    try:
        node = harness.node()
        package = harness.npm_package("cognito-local")
    except harness.PeerUnavailable as exc:
        unavailable(str(exc))
    assert node is not None
    assert package is not None
    workdir = tmp_path_factory.mktemp("cognito-local")
    port = harness.free_port()
    config = {
        "TokenConfig": {"IssuerDomain": f"http://127.0.0.1:{port}"},
        "UserPoolDefaults": {"UsernameAttributes": []},
    }
    (workdir / ".cognito").mkdir()
    (workdir / ".cognito" / "config.json").write_text(json.dumps(config))
    process, ready = _started(
        lambda: harness.start(
            "cognito-local",
            [node, str(package / "lib" / "bin" / "start.js")],
            _COGNITO_LOCAL_READY,
            cwd=workdir,
            env={"HOST": "127.0.0.1", "PORT": str(port)},
        )
    )
    try:
        base_url = ready["url"]
        yield CognitoPeer(base_url, _provisioned(base_url, PoolSpec(callback_url=REDIRECT_URI)))
    finally:
        process.stop()


@pytest.fixture(scope="session")
def moto() -> Iterator[CognitoPeer]:
    """moto's server (``moto_server`` from the virtual environment) with one pool."""
    executable = Path(sys.executable).with_name("moto_server")
    if not executable.is_file():
        unavailable(f"moto_server is not installed next to {sys.executable} (run `make setup`)")
    process, ready = _started(
        lambda: harness.start(
            "moto_server",
            [str(executable), "-H", "127.0.0.1", "-p", "0"],
            _MOTO_READY,
            cwd=harness.PEERS_DIR,
        )
    )
    try:
        base_url = ready["url"]
        yield CognitoPeer(base_url, _provisioned(base_url, PoolSpec(callback_url=REDIRECT_URI)))
    finally:
        process.stop()


@dataclass(frozen=True)
class SsoPeer:
    """A real SSO server from Debian's packages, with one confidential client and a user."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    username: str = "dwho"
    password: str = field(default="dwho", repr=False)


def _lemonldap(
    tmp_path_factory: pytest.TempPathFactory, name: str, **changes: object
) -> Iterator[SsoPeer]:
    workdir = tmp_path_factory.mktemp(name)
    process, issuer = _started_sso(
        lambda: lemonldap.start(workdir, REDIRECT_URI, {**lemonldap.CORRECT_RP, **changes})
    )
    try:
        yield SsoPeer(issuer, lemonldap.CLIENT_ID, lemonldap.CLIENT_SECRET)
    finally:
        process.stop()


def _started_sso(
    start: Callable[[], tuple[harness.PeerProcess, str]],
) -> tuple[harness.PeerProcess, str]:
    try:
        return start()
    except harness.PeerUnavailable as exc:
        unavailable(str(exc))
        raise  # unreachable: unavailable() skips or fails


@pytest.fixture(scope="session")
def lemonldap_ng(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SsoPeer]:
    """LemonLDAP::NG configured correctly for Access (tests/peers/lemonldap.py CORRECT_RP)."""
    yield from _lemonldap(tmp_path_factory, "lemonldap")


@pytest.fixture(scope="session")
def lemonldap_ng_userinfo_claims(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SsoPeer]:
    """LemonLDAP::NG with its default of claims in userinfo only (no IDTokenForceClaims)."""
    yield from _lemonldap(
        tmp_path_factory, "lemonldap-userinfo", oidcRPMetaDataOptionsIDTokenForceClaims=0
    )


def _glewlwyd(
    tmp_path_factory: pytest.TempPathFactory, *, id_token_claims: bool, confidential: bool = True
) -> Iterator[SsoPeer]:
    workdir = tmp_path_factory.mktemp("glewlwyd")
    process, issuer = _started_sso(
        lambda: glewlwyd.start(
            workdir, REDIRECT_URI, id_token_claims=id_token_claims, confidential=confidential
        )
    )
    try:
        yield SsoPeer(
            issuer,
            glewlwyd.CLIENT_ID,
            glewlwyd.CLIENT_SECRET,
            username=glewlwyd.USERNAME,
            password=glewlwyd.PASSWORD,
        )
    finally:
        process.stop()


@pytest.fixture(scope="session")
def glewlwyd_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SsoPeer]:
    """Glewlwyd with name, email and groups in the ID token (tests/peers/glewlwyd.py)."""
    yield from _glewlwyd(tmp_path_factory, id_token_claims=True)


@pytest.fixture(scope="session")
def glewlwyd_userinfo_claims(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SsoPeer]:
    """Glewlwyd releasing name, email and groups only through userinfo."""
    yield from _glewlwyd(tmp_path_factory, id_token_claims=False)


@pytest.fixture(scope="session")
def lemonldap_ng_public_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SsoPeer]:
    """LemonLDAP::NG with the relying party made public: no client secret at all.

    ``oidcRPMetaDataOptionsPublic`` makes the token endpoint skip the secret check
    (Lib/OpenIDConnect.pm, checkEndPointAuthenticationCredentials: "Relying Party $rp is
    public, do not check client secret").
    """
    yield from _lemonldap(
        tmp_path_factory,
        "lemonldap-public",
        oidcRPMetaDataOptionsPublic=1,
        oidcRPMetaDataOptionsClientSecret=None,
    )


@pytest.fixture(scope="session")
def glewlwyd_public_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SsoPeer]:
    """Glewlwyd with the client made public: no secret (tests/peers/glewlwyd.py provision)."""
    yield from _glewlwyd(tmp_path_factory, id_token_claims=True, confidential=False)
