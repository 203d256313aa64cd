"""LemonLDAP::NG 2.16 from Debian's packages, through the real CLI (issue 22 item 5).

A correctly configured relying party passes with no workaround flag (no --issuer: the
issuer, the portal URL with its trailing slash, is confirmed by discovery); each
misconfiguration that can be set up fails the check that names it. What LemonLDAP::NG
does is described, with where it was read, in tests/peers/lemonldap.py.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CliResult
from tests.peers.conftest import SsoPeer
from tests.peers.probe import finding, findings, not_passing, probe

pytestmark = [pytest.mark.peers, pytest.mark.e2e]

# Plain http on loopback; not Cognito; no --expect given. What LemonLDAP::NG does and
# may do: no RFC 9207 iss on the callback (optional); none and HS* listed beside RS256
# in discovery (information once this client's ID token verified with RS256); no scope in
# the token response (RFC 6749 5.1: optional when the granted scopes are the requested).
BASELINE: dict[str, tuple[str, ...]] = {
    "CFG002": ("warn", "warn", "warn"),
    "CFG004": ("skip",),
    "AUT004": ("info",),
    "DSC007": ("info", "info", "info", "info", "pass"),
    "IDT012": ("skip",),
    "CLM007": ("skip",),
    "EXP001": ("skip",),
}


def config_for(peer: SsoPeer, **changes: Any) -> dict[str, Any]:
    """What a user copies from the discovery document (or `cloudflare-config --issuer`)."""
    url = peer.issuer.rstrip("/") + "/.well-known/openid-configuration"
    with urllib.request.urlopen(url, timeout=10) as response:  # loopback peer only
        document: dict[str, Any] = json.load(response)
    return {
        "client_id": peer.client_id,
        "auth_url": document["authorization_endpoint"],
        "token_url": document["token_endpoint"],
        "certs_url": document["jwks_uri"],
        "scopes": ["openid", "email", "profile"],
        "claims": ["groups", "name"],
        "pkce_enabled": True,
        "email_claim_name": "email",
        **changes,
    }


def run(peer: SsoPeer, tmp_path: Path, *args: str, **changes: Any) -> CliResult:
    return probe(
        tmp_path,
        config_for(peer, **changes),
        *args,
        secret=peer.client_secret,
        username=peer.username,
        password=peer.password,
    )


def test_a_correct_configuration_passes_without_workaround_flags(
    lemonldap_ng: SsoPeer, tmp_path: Path
) -> None:
    result = run(lemonldap_ng, tmp_path, "--active")
    assert not_passing(result) == BASELINE, result.stdout[-4000:]
    assert result.code == 0, result.stderr
    target = result.json()["target"]
    assert target["issuer"] == lemonldap_ng.issuer
    assert lemonldap_ng.issuer.endswith("/")
    assert target["issuer_basis"]["source"] == "discovery"
    statuses = findings(result)
    for check_id in ("AUT002", "AUT005", "TOK001", "TOK004", "TOK005", "IDT004", "IDT005"):
        assert statuses[check_id] == ("pass",), check_id
    # An unregistered redirect URI gets an error page served as HTTP 200 (PE108).
    assert "served as HTTP 200" in finding(result, "AUT005")["message"]
    view = result.json()["access_view"]
    assert view["email"].endswith("@badwolf.org")  # the user part is the password: redacted
    assert view["missing"] == []
    fields = view["oidc_fields"]
    assert set(fields["groups"]) == {"users", "timelords"}  # the Demo store's groups of dwho
    assert fields["name"] == "Doctor Who"


def test_pkce_required_but_off_in_the_config_fails_aut001(
    lemonldap_ng: SsoPeer, tmp_path: Path
) -> None:
    result = run(lemonldap_ng, tmp_path, pkce_enabled=False)
    assert result.code == 1
    assert findings(result)["AUT001"] == ("fail",), result.stdout[-3000:]


def test_claims_only_in_userinfo_fail_clm001_and_clm004(
    lemonldap_ng_userinfo_claims: SsoPeer, tmp_path: Path
) -> None:
    result = run(lemonldap_ng_userinfo_claims, tmp_path)
    assert result.code == 1
    statuses = findings(result)
    assert statuses["CLM001"] == ("fail",), result.stdout[-3000:]
    assert "fail" in statuses["CLM004"]
    assert "userinfo" in finding(result, "CLM001", "fail")["hint"]


def test_a_wrong_client_secret_fails_tok001(lemonldap_ng: SsoPeer, tmp_path: Path) -> None:
    result = probe(
        tmp_path,
        config_for(lemonldap_ng),
        secret="not-the-secret-0123456789",
        username=lemonldap_ng.username,
        password=lemonldap_ng.password,
    )
    assert result.code == 1
    assert findings(result)["TOK001"] == ("fail",), result.stdout[-3000:]
