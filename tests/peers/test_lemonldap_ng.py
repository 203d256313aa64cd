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


# A client without a secret (issue 22 item 5). Access's config has a client_secret field
# that its generic OIDC setup asks for; that Access cannot work without one is the
# probe's ASSUMPTION (CFG001's hint), not a statement Cloudflare makes about public
# clients. What LemonLDAP::NG does is read in its code: a relying party with
# oidcRPMetaDataOptionsPublic accepts client_id alone at the token endpoint ("Relying
# Party $rp is public, do not check client secret"), a confidential one refuses a
# request without a secret ("Relying Party $rp is confidential but no client secret was
# provided"; both Lib/OpenIDConnect.pm, checkEndPointAuthenticationCredentials, which
# then answers invalid_client).


def test_a_public_client_without_a_secret_fails_cfg001_only(
    lemonldap_ng_public_client: SsoPeer, tmp_path: Path
) -> None:
    peer = lemonldap_ng_public_client
    result = probe(
        tmp_path,
        config_for(peer),
        secret=None,
        username=peer.username,
        password=peer.password,
    )
    assert result.code == 1, result.stderr
    statuses = findings(result)
    assert statuses["CFG001"] == ("fail",), result.stdout[-3000:]
    cfg001 = finding(result, "CFG001")
    assert cfg001["message"] == "client_secret is missing"
    assert "confidential client" in cfg001["hint"]
    # The server really takes the public client's code exchange: the login and the
    # token checks run and pass (client_id in the form, no Authorization header).
    for check_id in ("AUT002", "TOK001", "IDT004"):
        assert statuses[check_id] == ("pass",), check_id
    assert [k for k, v in statuses.items() if "fail" in v] == ["CFG001"]
    assert "Traceback" not in result.stderr


def test_a_confidential_client_run_without_its_secret_fails_cfg001_and_tok001(
    lemonldap_ng: SsoPeer, tmp_path: Path
) -> None:
    result = probe(
        tmp_path,
        config_for(lemonldap_ng),
        secret=None,
        username=lemonldap_ng.username,
        password=lemonldap_ng.password,
    )
    assert result.code == 1, result.stderr
    statuses = findings(result)
    assert statuses["CFG001"] == ("fail",), result.stdout[-3000:]
    assert statuses["TOK001"] == ("fail",)
    assert "invalid_client" in finding(result, "TOK001")["message"]


# An unregistered redirect URI (issue 22 item 5). LemonLDAP::NG compares the
# redirect_uri with the relying party's oidcRPMetaDataOptionsRedirectUris exactly
# (Issuer/OpenIDConnect.pm, isUriAllowedForRP: `$_ eq $uri`; wildcards only where the
# caller asks for them, which the authorization endpoint does not), after the user has
# signed in, and answers with its portal's error page, PE_UNAUTHORIZEDURL (108,
# "Unauthorized URL", Main/Constants.pm), served as HTTP 200. So no configuration makes
# it redirect to an unregistered URI: AUT005 cannot be made to fail against it (it
# passes in the correct run above).

UNREGISTERED = "http://localhost:8766/callback"


def test_an_unregistered_redirect_uri_fails_aut001_naming_it(
    lemonldap_ng: SsoPeer, tmp_path: Path
) -> None:
    result = run(lemonldap_ng, tmp_path, "--redirect-uri", UNREGISTERED)
    assert result.code == 1, result.stderr
    statuses = findings(result)
    assert statuses["AUT001"] == ("fail",), result.stdout[-3000:]
    aut001 = finding(result, "AUT001")
    assert "error page served as HTTP 200" in aut001["message"]
    assert aut001["evidence"]["actual"]["via"] == "page"
    assert f"add the exact redirect URI {UNREGISTERED} to the redirect URIs" in aut001["hint"]
    assert statuses["AUT002"] == ("skip",)
    assert statuses["TOK001"] == ("skip",)
