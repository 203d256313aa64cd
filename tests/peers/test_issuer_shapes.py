"""The issuer is established from the provider, whatever its shape: no --issuer needed.

oidc-provider serves the issuer shapes real providers publish (an issuer ending in '/',
an issuer with a path, the keys outside the issuer's path; tests/peers/conftest.py
``ISSUER_SHAPES``). The config is what a user copies from the discovery document, and
the CLI runs without ``--issuer``: the report says the issuer was confirmed by
discovery, and every applicable check passes as with ``--issuer``.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import run_cli
from tests.peers.conftest import OidcProviderPeer
from tests.peers.probe import findings, not_passing, probe

pytestmark = [pytest.mark.peers, pytest.mark.e2e]

# As in test_oidc_provider.py: plain http on loopback, no at_hash, no --expect.
BASELINE = {
    "CFG002": ("warn", "warn", "warn"),
    "CFG004": ("skip",),
    "IDT010": ("info",),
    "IDT012": ("skip",),
    "EXP001": ("skip",),
}


def _discovery(issuer: str) -> dict[str, Any]:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    with urllib.request.urlopen(url, timeout=5) as response:  # loopback peer only
        document: dict[str, Any] = json.load(response)
    return document


def _config(peer: OidcProviderPeer) -> dict[str, Any]:
    document = _discovery(peer.issuer)
    return {
        "client_id": peer.client_id,
        "auth_url": document["authorization_endpoint"],
        "token_url": document["token_endpoint"],
        "certs_url": document["jwks_uri"],
        "scopes": ["openid", "email", "profile"],
        "claims": ["cognito:groups", "cognito:username", "name"],
        "pkce_enabled": True,
        "email_claim_name": "email",
    }


def test_the_issuer_is_confirmed_by_discovery_without_issuer_flag(
    oidc_provider_shaped: OidcProviderPeer, tmp_path: Path
) -> None:
    peer = oidc_provider_shaped
    result = probe(
        tmp_path,
        _config(peer),
        "--active",
        secret=peer.client_secret,
        username="alice",
        password="any-password-devinteractions-ignores-it",
    )
    assert not_passing(result) == BASELINE, result.stdout[-4000:]
    assert result.code == 0, result.stderr
    target = result.json()["target"]
    expected_url = peer.issuer.rstrip("/") + "/.well-known/openid-configuration"
    assert target["issuer"] == peer.issuer
    assert target["issuer_basis"] == {"source": "discovery", "discovery_url": expected_url}
    statuses = findings(result)
    # The callback's iss (RFC 9207), the document's issuer and the token's iss all judged.
    for check_id in ("AUT004", "DSC002", "DSC003", "IDT005", "TOK001", "TOK004"):
        assert set(statuses[check_id]) == {"pass"}, check_id


def test_the_text_header_says_how_the_issuer_was_established(
    oidc_provider_shaped: OidcProviderPeer, tmp_path: Path
) -> None:
    peer = oidc_provider_shaped
    result = probe(
        tmp_path,
        _config(peer),
        secret=peer.client_secret,
        username="alice",
        password="any-password-devinteractions-ignores-it",
        fmt="text",
    )
    assert result.code == 0, result.stdout[-3000:]
    expected_url = peer.issuer.rstrip("/") + "/.well-known/openid-configuration"
    assert f"issuer     {peer.issuer} (confirmed by discovery at {expected_url})" in result.stdout


def test_a_wrong_certs_url_leaves_the_issuer_unconfirmed_and_never_blocks_the_exchange(
    oidc_provider_shaped: OidcProviderPeer, tmp_path: Path
) -> None:
    """certs_url on another path: no document confirms an issuer. The probe says so
    (DSC002 warns), does not call the callback's iss a mix-up (AUT004 skips, the code is
    redeemed), and the signature check fails for the real reason."""
    peer = oidc_provider_shaped
    config = _config(peer)
    config["certs_url"] = config["certs_url"] + "-missing"
    result = probe(
        tmp_path,
        config,
        secret=peer.client_secret,
        username="alice",
        password="any-password-devinteractions-ignores-it",
    )
    assert result.code == 1
    assert result.json()["target"]["issuer_basis"]["source"] == "unconfirmed"
    statuses = findings(result)
    assert statuses["DSC002"] == ("warn",)
    assert statuses["AUT004"] == ("skip",)
    assert statuses["TOK001"] == ("pass",)  # the code was redeemed
    assert "fail" in statuses["JWK001"]


def test_cloudflare_config_from_the_issuer_writes_a_config_that_passes(
    oidc_provider_shaped: OidcProviderPeer, tmp_path: Path
) -> None:
    """`cloudflare-config --issuer URL` for any provider: the nine fields, then `check`."""
    peer = oidc_provider_shaped
    out = tmp_path / "idp.json"
    written = run_cli(
        [
            "cloudflare-config",
            "--issuer",
            peer.issuer,
            "--client-id",
            peer.client_id,
            "--claims",
            "cognito:groups,cognito:username,name",
            "--output",
            str(out),
        ],
        env={"OIDC_PROBE_CLIENT_SECRET": peer.client_secret},
    )
    assert written.code == 0, written.stderr
    assert peer.client_secret not in written.stdout + written.stderr
    body = json.loads(out.read_text())
    document = _discovery(peer.issuer)
    assert body["type"] == "oidc"
    assert set(body["config"]) == {
        "client_id",
        "client_secret",
        "auth_url",
        "token_url",
        "certs_url",
        "scopes",
        "claims",
        "pkce_enabled",
        "email_claim_name",
    }
    config = body["config"]
    assert config["auth_url"] == document["authorization_endpoint"]
    assert config["token_url"] == document["token_endpoint"]
    assert config["certs_url"] == document["jwks_uri"]
    assert config["pkce_enabled"] is True  # oidc-provider lists S256
    assert config["scopes"] == ["openid", "email", "profile"]
    result = run_cli(
        ["check", "--config", str(out), "--username", "alice", "--format", "json", "--active"],
        env={"OIDC_PROBE_PASSWORD": "any-password-devinteractions-ignores-it"},
    )
    assert not_passing(result) == BASELINE, result.stdout[-3000:]
    assert result.json()["target"]["issuer_basis"]["source"] == "discovery"


def test_cloudflare_config_refuses_a_document_for_another_issuer(
    oidc_provider_shaped: OidcProviderPeer,
) -> None:
    """The same document, asked for under the issuer with or without a trailing slash:
    the issuers differ, so no config is written (Discovery 4.3: identical)."""
    peer = oidc_provider_shaped
    other = peer.issuer.rstrip("/") if peer.issuer.endswith("/") else peer.issuer + "/"
    result = run_cli(["cloudflare-config", "--issuer", other, "--client-id", "c", "--omit-secret"])
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"names issuer {peer.issuer!r}, not {other!r}" in result.stderr
