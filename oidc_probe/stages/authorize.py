"""Build the authorization request as Access would, then let a login driver complete it.

The URL and the PKCE challenge come from authlib's OAuth 2 client helpers.
"""

from __future__ import annotations

import secrets

import httpx2
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.context import AuthorizationRequest, RunContext
from oidc_probe.core.model import Stage
from oidc_probe.core.settings import RunSettings
from oidc_probe.login.base import LoginDriver
from oidc_probe.plumbing.http import is_usable_url

KEY = Stage.AUTHORIZE.key
# 32 random bytes: 256 bits, twice the 128 bits Access's state and nonce need at least.
RANDOM_BYTES = 32
# 64 random bytes give an 86-character verifier, inside RFC 7636's 43..128.
VERIFIER_BYTES = 64


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 4.2 S256: BASE64URL(SHA256(ASCII(code_verifier)))."""
    return str(create_s256_code_challenge(verifier))


def build_request(config: ProbeConfig, settings: RunSettings) -> AuthorizationRequest:
    """A fresh authorization request: new state, nonce and (when enabled) PKCE verifier."""
    state = secrets.token_urlsafe(RANDOM_BYTES)
    nonce = secrets.token_urlsafe(RANDOM_BYTES)
    verifier = secrets.token_urlsafe(VERIFIER_BYTES) if config.pkce_enabled else None
    scope = " ".join(config.scopes)
    extra: dict[str, str] = {"nonce": nonce}
    if verifier is not None:
        extra["code_challenge"] = pkce_challenge(verifier)
        extra["code_challenge_method"] = "S256"
    url = prepare_grant_uri(
        config.auth_url,
        config.client_id,
        "code",
        redirect_uri=settings.redirect_uri,
        scope=scope,
        state=state,
        **extra,
    )
    return AuthorizationRequest(
        url=str(url),
        state=state,
        nonce=nonce,
        redirect_uri=settings.redirect_uri,
        scope=scope,
        code_verifier=verifier,
    )


def run(ctx: RunContext, client: httpx2.Client, driver: LoginDriver | None) -> None:
    config = ctx.config
    unusable = [name for name in ("client_id", "auth_url") if not config.usable(name)]
    if unusable or not is_usable_url(config.auth_url):
        ctx.stopped[KEY] = f"{' and '.join(unusable) or 'auth_url'} not usable"
        return
    request = build_request(config, ctx.settings)
    ctx.authorization = request
    if driver is None:
        ctx.stopped[KEY] = "no login driver"
        return
    ctx.login = driver.login(client, request)
