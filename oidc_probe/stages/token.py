"""Token requests: the code exchange at ``token_url`` as Access does, and the refresh grant.

The body comes from authlib's RFC 6749 helper; client authentication is built here
the way CFG005 says Access builds it: ``Basic base64(id ":" secret)`` without the
form-urlencoding RFC 6749 2.3.1 asks for (ASSUMPTION from third-party reports; no
Cloudflare source names Access's client authentication), so that the probe's exchange
succeeds or fails as Access's would. CFG005 warns when the credentials hold characters
on which the two encodings differ.
"""

from __future__ import annotations

import base64
import hmac

import httpx2
from authlib.oauth2.rfc6749.parameters import prepare_token_request

from oidc_probe.core.context import AuthorizationRequest, HttpExchange, RunContext
from oidc_probe.core.model import Stage
from oidc_probe.core.settings import ClientAuth, LoginMode
from oidc_probe.plumbing.http import fetch, is_usable_url
from oidc_probe.plumbing.urls import refuse_cleartext

KEY = Stage.TOKEN.key
NO_INITIATE_AUTH_TOKENS = "the InitiateAuth sign-in returned no tokens (see AUT002)"


def basic_authorization(client_id: str, client_secret: str) -> str:
    """``Basic base64(id ":" secret)``, unencoded, as CFG005 says Access sends it."""
    pair = f"{client_id}:{client_secret}"
    return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


def _inputs(ctx: RunContext) -> tuple[AuthorizationRequest, str] | str:
    """The request and the code to exchange, or why there is nothing to exchange."""
    login = ctx.login
    if ctx.authorization is None or login is None:
        return "no authorization response"
    params = login.callback_params
    if params is None:
        return "the login did not reach the redirect URI"
    if "error" in params:
        return "the authorization request was refused"
    if not params.get("code"):
        return "the callback has no code"
    if not hmac.compare_digest(params.get("state", "").encode(), ctx.authorization.state.encode()):
        return "state mismatch"
    iss = params.get("iss")
    # Only an established issuer blocks the exchange: a guessed one is no ground to refuse.
    if iss is not None and ctx.issuer.established and iss != ctx.issuer.issuer:
        return "the callback's iss names another issuer (RFC 9207: do not redeem the code)"
    if not ctx.config.usable("token_url") or not is_usable_url(ctx.config.token_url):
        return "token_url is not a usable URL"
    return ctx.authorization, params["code"]


def run(ctx: RunContext, client: httpx2.Client) -> None:
    if ctx.login is not None and ctx.login.token_fetch is not None:
        ctx.token_fetch = ctx.login.token_fetch  # initiate-auth: the login returned the tokens
        return
    if ctx.settings.login is LoginMode.INITIATE_AUTH:
        ctx.stopped[KEY] = NO_INITIATE_AUTH_TOKENS  # no redirect and no code in this mode
        return
    inputs = _inputs(ctx)
    if isinstance(inputs, str):
        ctx.stopped[KEY] = inputs
        return
    request, code = inputs
    ctx.token_fetch = exchange_code(ctx, client, request, code, request.code_verifier)


def exchange_code(
    ctx: RunContext,
    client: httpx2.Client,
    request: AuthorizationRequest,
    code: str,
    code_verifier: str | None,
) -> HttpExchange:
    """One authorization-code token request, authenticated as ``--client-auth`` says."""
    params: dict[str, str] = {"redirect_uri": request.redirect_uri, "code": code}
    if code_verifier is not None:
        params["code_verifier"] = code_verifier
    return token_request(ctx, client, "authorization_code", params)


def refresh_tokens(ctx: RunContext, client: httpx2.Client, refresh_token: str) -> HttpExchange:
    """One ``refresh_token`` grant (RFC 6749 6), authenticated as the code exchange was.

    OpenID Connect Core 12.1: the client authenticates with the method it is registered
    for, so the same ``--client-auth`` and secret as :func:`exchange_code`. No ``scope``
    is sent: the refreshed tokens keep the scopes of the original grant.
    """
    return token_request(ctx, client, "refresh_token", {"refresh_token": refresh_token})


def token_request(
    ctx: RunContext, client: httpx2.Client, grant_type: str, params: dict[str, str]
) -> HttpExchange:
    """POST ``grant_type`` with ``params`` to ``token_url``, authenticated as ``--client-auth`` says.

    ``client_secret_basic`` puts the secret in the Authorization header; otherwise (``post``,
    or a public client without a secret) ``client_id`` and any secret go in the form.
    """
    config = ctx.config
    extra = dict(params)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    secret = config.client_secret if config.usable("client_secret") else None
    if secret is not None:
        refuse_cleartext(config.token_url, "the client secret")
    if "refresh_token" in params:
        refuse_cleartext(config.token_url, "the refresh token")
    if secret is not None and ctx.settings.client_auth is ClientAuth.BASIC:
        headers["Authorization"] = basic_authorization(config.client_id, secret)
    else:
        extra["client_id"] = config.client_id
        if secret is not None:
            extra["client_secret"] = secret
    body = prepare_token_request(grant_type, **extra)
    # From Access's servers: without the cookies the login left in the client.
    return fetch(
        client, "POST", config.token_url, headers=headers, content=str(body), cookies=False
    )
