"""CLM007: whether the provider granted the scopes Access asked for (they decide the claims)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oidc_probe.checks import hints
from oidc_probe.checks._support import is_cognito
from oidc_probe.checks.needs import Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Outcome, Stage, Status, info, passed, skipped, warned
from oidc_probe.core.settings import LoginMode
from oidc_probe.plumbing.jose import decode_jwt


def _token_response(ctx: RunContext) -> dict[str, Any] | str:
    if ctx.settings.login is LoginMode.INITIATE_AUTH:
        return "InitiateAuth tokens are not issued for OAuth scopes (see AUT002)"
    response = ctx.token_response
    return "no token response (see TOK001)" if response is None else response


# The token endpoint's response object (InitiateAuth's tokens answer no OAuth scopes).
TOKEN_RESPONSE: Need[dict[str, Any]] = need("token response", _token_response)


def _granted(response: dict[str, Any]) -> tuple[tuple[str, ...], str] | str:
    """The granted scopes and where they were read, or why they cannot be known."""
    scope = response.get("scope")
    if isinstance(scope, str):
        return tuple(scope.split()), "the token response's scope"
    access = response.get("access_token")
    if not isinstance(access, str) or not access:
        return "the token response has no access_token (see TOK002)"
    decoded = decode_jwt(access)
    claims = decoded.claims
    if claims is None or not isinstance(claims.get("scope"), str):
        return (
            "the token response has no scope and the access token is not a JWT with a scope "
            "claim, so the granted scopes are unknown"
        )
    return tuple(claims["scope"].split()), "the access token's scope claim"


@check(
    "CLM007",
    "scopes-granted",
    Stage.CLAIMS,
    refs=("RFC6749-3.3", "RFC6749-5.1", "COGNITO-authorize-endpoint", "COGNITO-app-client"),
    severity=Status.WARN,
    needs=(TOKEN_RESPONSE,),
    not_fed_by={
        "verify": "verify: the token was given on the command line (no login), so there is "
        "no token response to say which scopes were granted"
    },
)
def scopes_granted(ctx: RunContext, response: dict[str, Any]) -> Iterator[Outcome]:
    """Every configured scope was granted: it is in the token response or the access token.

    What it checks: the scopes granted, from the token response's ``scope`` (RFC 6749
    5.1 sends it when it differs from the request) or else from the access token's
    ``scope`` claim (Cognito's access tokens are JWTs that carry it), hold every scope of
    the Cloudflare config. Opaque access tokens without a ``scope`` in the response SKIP.

    Why it matters: the scopes decide which claims the ID token carries. A provider may
    drop a requested scope instead of refusing the request: AWS says scopes not associated
    with the app client are "ignored at runtime", and Cognito grants ``email``, ``phone``
    and ``profile`` only together with ``openid``. The login then works, but the claims
    of the dropped scope are missing, and nothing else says why.

    How to fix: allow every configured scope on the app client (Cognito: the app client's
    allowed OAuth scopes, in its login pages settings), request ``openid``, or remove the
    scope from the Cloudflare config.

    References: RFC 6749 sections 3.3 and 5.1; AWS: the authorize endpoint (scope); AWS:
    app client settings (scopes).
    """
    granted = _granted(response)
    if isinstance(granted, str):
        yield skipped(granted)
        return
    scopes, source = granted
    wanted = tuple(dict.fromkeys(ctx.config.scopes))
    missing = [s for s in wanted if s not in scopes]
    if not wanted:
        yield info(f"no scopes are configured; {source} is {' '.join(scopes) or 'empty'}")
        return
    if missing:
        yield warned(
            f"the provider did not grant {' '.join(missing)} ({source}: "
            f"{' '.join(scopes) or 'empty'})",
            hint=hints.with_cognito(
                "allow each configured scope for the client at the provider, or remove it from "
                "scopes in the Cloudflare config; the claims of a scope not granted are not "
                "released",
                "In Cognito: the app client's allowed OAuth scopes; email, phone and profile "
                "also need openid.",
                is_cognito(ctx),
            ),
            expected=list(wanted),
            actual=list(scopes),
        )
        return
    yield passed(f"every configured scope was granted ({source})", actual=list(scopes))
