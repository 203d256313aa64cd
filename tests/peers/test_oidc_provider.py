"""oidc-provider (OpenID Certified), configured like a Cognito pool: what the probe reports.

The finding sets are exact, so any change in what the probe says about a conforming
provider is noticed. Checks whose findings all pass are left out of the expected maps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import CliResult
from tests.peers.conftest import OidcProviderPeer
from tests.peers.probe import finding, findings, not_passing, oidc_provider_config, probe

pytestmark = [pytest.mark.peers, pytest.mark.e2e]

# Plain http on loopback, not Cognito, no at_hash (optional), no --expect given.
BASELINE = {
    "CFG002": ("warn", "warn", "warn"),
    "CFG004": ("skip",),
    "IDT010": ("info",),
    "IDT012": ("skip",),
    "EXP001": ("skip",),
}
ACTIVE = ("AUT005", "TOK004", "TOK005", "TOK007")


def run(peer: OidcProviderPeer, tmp_path: Path, *args: str) -> CliResult:
    return probe(
        tmp_path,
        oidc_provider_config(peer),
        "--issuer",
        peer.issuer,
        *args,
        secret=peer.client_secret,
        username="alice",
        password="any-password-devinteractions-ignores-it",
    )


def test_every_applicable_check_passes_and_the_active_checks_too(
    oidc_provider: OidcProviderPeer, tmp_path: Path
) -> None:
    result = run(oidc_provider, tmp_path, "--active")

    assert not_passing(result) == BASELINE, result.stdout[-4000:]
    assert result.code == 0, result.stderr
    statuses = findings(result)
    for check_id in ("AUT001", "AUT002", "AUT003", "AUT004", "IDT009", "CLM001", "CLM004", *ACTIVE):
        assert statuses[check_id] == ("pass",), check_id
    assert "with an HTTP error page" in finding(result, "AUT005")["message"]
    assert finding(result, "TOK004")["evidence"]["actual"] == {
        "status": 400,
        "error": "invalid_grant",
    }
    assert finding(result, "TOK005")["evidence"]["actual"] == {
        "status": 400,
        "error": "invalid_grant",
    }
    # Unlike Cognito, oidc-provider keeps the original nonce and rotates the refresh token.
    tok007 = finding(result, "TOK007")["message"]
    assert "with the main ID token's iss, sub and aud, with the original nonce" in tok007
    assert "a new refresh token (rotation)" in tok007


def test_email_only_in_userinfo_fails_clm001_and_clm004_with_the_userinfo_hint(
    oidc_provider_conform: OidcProviderPeer, tmp_path: Path
) -> None:
    result = run(oidc_provider_conform, tmp_path)

    assert not_passing(result) == {
        **BASELINE,
        "AUT005": ("skip",),
        "TOK004": ("skip",),
        "TOK005": ("skip",),
        "TOK007": ("skip",),
        "CLM001": ("fail",),
        "CLM002": ("warn",),
        "CLM003": ("fail", "pass", "pass"),  # name is a profile claim: userinfo only
        "CLM004": ("fail", "fail"),  # email and name
    }, result.stdout[-4000:]
    assert result.code == 1
    clm001 = finding(result, "CLM001", "fail")
    assert "userinfo has it" in clm001["message"]
    assert "userinfo" in clm001["hint"]
    assert {f["subject"] for f in result.json()["checks"] if f["id"] == "CLM004"} == {
        "email",
        "name",
    }
    assert finding(result, "CLM004", "fail")["evidence"]["actual"] == "only in userinfo"
    assert "--active" in finding(result, "TOK004", "skip")["message"]
    assert "--active" in finding(result, "TOK007", "skip")["message"]
