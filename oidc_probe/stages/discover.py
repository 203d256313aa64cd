"""Fetch the discovery document from ``<issuer>/.well-known/openid-configuration``."""

from __future__ import annotations

import httpx2

from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Stage
from oidc_probe.plumbing.http import fetch, is_usable_url

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
