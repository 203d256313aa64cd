"""Fetch the discovery document from ``<issuer>/.well-known/openid-configuration``."""

from __future__ import annotations

import httpx2

from oidc_probe.context import RunContext
from oidc_probe.http import fetch, is_usable_url
from oidc_probe.model import Stage

KEY = Stage.DISCOVERY.key


def discovery_url(issuer: str) -> str:
    """OIDC Discovery 4: the issuer with any trailing slash removed, plus the well-known path."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def run(ctx: RunContext, client: httpx2.Client) -> None:
    issuer = ctx.settings.issuer
    if not is_usable_url(issuer):
        ctx.stopped[KEY] = f"the issuer {issuer!r} is not a usable URL"
        return
    ctx.discovery_fetch = fetch(
        client, "GET", discovery_url(issuer), headers={"Accept": "application/json"}
    )
