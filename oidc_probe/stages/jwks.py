"""Fetch the JWKS from ``certs_url``, as Access does."""

from __future__ import annotations

import httpx2

from oidc_probe.core.context import HttpExchange, RunContext
from oidc_probe.core.model import Stage
from oidc_probe.plumbing.http import fetch, is_usable_url

KEY = Stage.JWKS.key


def fetch_jwks(ctx: RunContext, client: httpx2.Client) -> HttpExchange | None:
    """One GET of ``certs_url``, or ``None`` when it is a template value."""
    url = ctx.config.certs_url
    if not ctx.config.usable("certs_url") or not is_usable_url(url):
        return None
    return fetch(client, "GET", url, headers={"Accept": "application/json"})


def run(ctx: RunContext, client: httpx2.Client) -> None:
    exchange = fetch_jwks(ctx, client)
    if exchange is None:
        ctx.stopped[KEY] = "certs_url is not a usable URL"
        return
    ctx.jwks_fetch = exchange
