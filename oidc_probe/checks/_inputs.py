"""Why a check's inputs are missing: SKIP reasons shared by the ID-token, claim and userinfo checks.

Each function returns ``None`` when the input is there, or one line naming the
check whose finding explains its absence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oidc_probe.core.context import RunContext
from oidc_probe.core.settings import LoginMode

# Why --login initiate-auth cannot judge the checks that read userinfo.
NO_USERINFO = (
    "initiate-auth does not call userinfo (its access token lacks the openid scope it needs)"
)


def no_id_token_reason(ctx: RunContext) -> str | None:
    """Why there is no ID token at all, or ``None`` when the verify stage decoded one."""
    if ctx.id_token is not None:
        return None
    if ctx.token_fetch is None:
        login = ctx.login
        if ctx.settings.login is LoginMode.INITIATE_AUTH:
            return "no ID token: InitiateAuth returned no tokens (see AUT002)"
        if login is None or login.callback_params is None:
            return "no ID token: the login did not reach the redirect URI (see AUT001, AUT002)"
        return "no ID token: the token exchange did not run (see TOK001)"
    response = ctx.token_response
    if response is None and ctx.token_fetch.ok:
        return "no ID token: the token response is not a JSON object (see TOK002)"
    if response is None:
        return "no ID token: the token exchange failed (see TOK001)"
    if not isinstance(response.get("id_token"), str) or not response.get("id_token"):
        return "no ID token: the token response has no id_token (see TOK002)"
    return "no ID token: the verify stage did not run"


def no_claims_reason(ctx: RunContext) -> str | None:
    """Why there are no decoded ID-token claims, or ``None`` when there are."""
    reason = no_id_token_reason(ctx)
    if reason is not None:
        return reason
    if ctx.id_token_claims is None:
        return "the ID token could not be decoded (see IDT001)"
    return None


def claims_or_reason(ctx: RunContext) -> Mapping[str, Any] | str:
    """The decoded ID-token claims, or why there are none (for a SKIP)."""
    claims = ctx.id_token_claims
    if claims is not None:  # a decoded ID token (most of the checks of every token ask)
        return claims
    return no_claims_reason(ctx) or "no ID token claims"


def no_header_reason(ctx: RunContext) -> str | None:
    """Why there is no decoded ID-token header, or ``None`` when there is one."""
    reason = no_id_token_reason(ctx)
    if reason is not None:
        return reason
    if ctx.id_token is None or ctx.id_token.header is None:
        return "the ID token header could not be decoded (see IDT001)"
    return None


def no_userinfo_reason(ctx: RunContext) -> str | None:
    """Why there is no userinfo response object, or ``None`` when there is one."""
    fetch = ctx.userinfo_fetch
    if fetch is None:
        discovery = ctx.discovery
        if discovery is not None and not discovery.get("userinfo_endpoint"):
            return "the discovery document names no userinfo_endpoint (see USR001)"
        return "userinfo was not fetched (see USR001)"
    if ctx.userinfo is None:
        return "userinfo could not be read (see USR001)"
    return None


def header_alg(ctx: RunContext) -> Any:
    """The header's ``alg`` as decoded (any JSON type), else the verify stage's, else ``None``."""
    token = ctx.id_token
    if token is not None and token.header is not None:
        return token.header.get("alg")
    return ctx.signature.alg if ctx.signature is not None else None
