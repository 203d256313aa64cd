"""Call the userinfo endpoint the discovery document names, with the access token."""

from __future__ import annotations

import httpx2

from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Stage
from oidc_probe.core.settings import LoginMode
from oidc_probe.plumbing.http import fetch, is_usable_url
from oidc_probe.plumbing.urls import refuse_cleartext

KEY = Stage.USERINFO.key


INITIATE_AUTH_REASON = (
    "not called with --login initiate-auth: its access token has the scope "
    "aws.cognito.signin.user.admin, not the openid scope userinfo needs"
)


def run(ctx: RunContext, client: httpx2.Client) -> None:
    if ctx.settings.login is LoginMode.INITIATE_AUTH:
        ctx.stopped[KEY] = INITIATE_AUTH_REASON
        return
    discovery = ctx.discovery
    endpoint = discovery.get("userinfo_endpoint") if discovery is not None else None
    if not isinstance(endpoint, str) or not is_usable_url(endpoint):
        ctx.stopped[KEY] = "the discovery document names no usable userinfo_endpoint"
        return
    response = ctx.token_response
    token = response.get("access_token") if response is not None else None
    if not isinstance(token, str) or not token:
        ctx.stopped[KEY] = "no access token"
        return
    refuse_cleartext(endpoint, "the access token (userinfo)")
    ctx.userinfo_fetch = fetch(
        client,
        "GET",
        endpoint,
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        cookies=False,  # from Access's servers, without the login's cookies
    )
