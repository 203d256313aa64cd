"""Run the real CLI against a peer and summarise its findings for exact assertions."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.e2e.conftest import CliResult, run_cli
from tests.peers.conftest import CognitoPeer, OidcProviderPeer

Findings = dict[str, tuple[str, ...]]


def probe(
    tmp_path: Path,
    config: dict[str, Any],
    *args: str,
    secret: str | None,
    username: str,
    password: str,
    fmt: str = "json",
) -> CliResult:
    """``oidc-probe check --format FMT`` with the secret and password in the environment.

    ``secret=None`` runs as a user whose config has no client secret at all (none in the
    file and no ``OIDC_PROBE_CLIENT_SECRET``).
    """
    path = tmp_path / "idp.json"
    path.write_text(json.dumps({"name": "peer", "type": "oidc", "config": config}))
    return run_cli(
        ["check", "--config", str(path), "--username", username, "--format", fmt, *args],
        env={
            "OIDC_PROBE_PASSWORD": password,
            **({} if secret is None else {"OIDC_PROBE_CLIENT_SECRET": secret}),
        },
    )


def findings(result: CliResult) -> Findings:
    """Check ID -> the statuses of its findings, sorted (a check may report several)."""
    statuses: dict[str, list[str]] = defaultdict(list)
    for item in result.json()["checks"]:
        statuses[item["id"]].append(item["status"])
    return {check_id: tuple(sorted(found)) for check_id, found in statuses.items()}


# Stages of opt-in features (--aws, --policy) no peer test asks for: their checks
# skip saying so, and are left out of the exact summaries unless they did anything else.
OPT_IN_STAGES = frozenset({"pool", "access"})


def not_passing(result: CliResult, *, ignore: tuple[str, ...] = ()) -> Findings:
    """Like :func:`findings`, without the checks whose findings all passed.

    Also without the checks of :data:`OPT_IN_STAGES` that only skipped, and without the
    checks in ``ignore`` (a test that judges them on its own, with its reason).
    """
    opt_in = {item["id"] for item in result.json()["checks"] if item["stage"] in OPT_IN_STAGES}
    return {
        k: v
        for k, v in findings(result).items()
        if set(v) != {"pass"} and not (k in opt_in and set(v) == {"skip"}) and k not in ignore
    }


def finding(result: CliResult, check_id: str, status: str | None = None) -> dict[str, Any]:
    """The first finding of ``check_id`` (with ``status``, when given)."""
    for item in result.json()["checks"]:
        if item["id"] == check_id and (status is None or item["status"] == status):
            return dict(item)
    raise AssertionError(f"no {status or ''} finding for {check_id}:\n{result.stdout[-3000:]}")


def oidc_provider_config(peer: OidcProviderPeer) -> dict[str, Any]:
    return {
        "client_id": peer.client_id,
        "auth_url": f"{peer.issuer}/auth",
        "token_url": f"{peer.issuer}/token",
        "certs_url": f"{peer.issuer}/jwks",
        "scopes": ["openid", "email", "profile"],
        "claims": ["cognito:groups", "cognito:username", "name"],
        "pkce_enabled": True,
        "email_claim_name": "email",
    }


def cognito_config(peer: CognitoPeer, *, oauth: bool = True) -> dict[str, Any]:
    """Cloudflare's JSON for the provisioned pool (``oauth``: cognito-local's /oauth2 paths)."""
    base = peer.base_url
    return {
        "client_id": peer.pool.client_id,
        "auth_url": f"{base}/oauth2/authorize",
        "token_url": f"{base}/oauth2/token",
        "certs_url": f"{base}/{peer.pool.pool_id}/.well-known/jwks.json",
        "scopes": ["openid", "email", "profile"],
        "claims": ["cognito:groups", "cognito:username", "custom:department"],
        "pkce_enabled": True,
        "email_claim_name": "email",
    }
