"""Fetch the discovery document from ``<issuer>/.well-known/openid-configuration``.

When the issuer is not established yet (no ``--issuer``, not a Cognito pool URL), the
candidates' documents are fetched instead, to confirm one (:mod:`oidc_probe.stages.issuer`).
"""

from __future__ import annotations

import httpx2

from oidc_probe.core.context import RunContext
from oidc_probe.core.issuer import discovery_url
from oidc_probe.core.model import Stage
from oidc_probe.plumbing.http import fetch, is_usable_url
from oidc_probe.stages import issuer as issuer_stage

KEY = Stage.DISCOVERY.key

__all__ = ["KEY", "discovery_url", "run"]


def run(ctx: RunContext, client: httpx2.Client) -> None:
    basis = ctx.issuer
    if not basis.established and not ctx.config.usable("certs_url"):
        ctx.stopped[KEY] = "certs_url is not a usable URL, so no issuer can be confirmed"
        return
    if not basis.established:
        issuer_stage.confirm_at_start(ctx, client)
        if ctx.discovery_fetch is None:
            ctx.stopped[KEY] = ctx.issuer.unconfirmed_reason()
        return
    issuer = basis.issuer
    if not is_usable_url(issuer):
        ctx.stopped[KEY] = f"the issuer {issuer!r} is not a usable URL"
        return
    ctx.discovery_fetch = fetch(
        client, "GET", discovery_url(issuer), headers={"Accept": "application/json"}
    )
