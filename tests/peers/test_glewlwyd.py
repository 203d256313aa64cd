"""Glewlwyd 2.7 from Debian's packages, through the real CLI (issue 22 item 5).

Its login page needs JavaScript, so the login mode a user would pick is
``--login headless-browser``; after the password it shows a grant page and a "Continue"
page, which the headless login clicks through. No --issuer: the issuer, which has a path
(``<base>/api/oidc``), is confirmed by discovery.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM
from tests.e2e.conftest import CliResult
from tests.needs import unavailable
from tests.peers.conftest import SsoPeer
from tests.peers.probe import finding, findings, not_passing, probe
from tests.peers.test_lemonldap_ng import config_for

pytestmark = [pytest.mark.peers, pytest.mark.e2e, pytest.mark.browser]

# Plain http on loopback; not Cognito; no --expect. Glewlwyd sends no RFC 9207 iss on the
# callback (optional) and its claims settings release no email_verified (CLM002 warns:
# Access does not read it, but the address is not known to be verified).
BASELINE = {
    "CFG002": ("warn", "warn", "warn"),
    "CFG004": ("skip",),
    "AUT004": ("info",),
    "IDT012": ("skip",),
    "CLM002": ("warn",),
    "EXP001": ("skip",),
}


def run(peer: SsoPeer, tmp_path: Path, *args: str) -> CliResult:
    if not Path(CHROMIUM).exists():
        unavailable(f"no Chromium at {CHROMIUM} (make browser)")
    return probe(
        tmp_path,
        config_for(peer, scopes=["openid", "email"]),
        "--login",
        "headless-browser",
        "--browser-path",
        CHROMIUM,
        "--login-timeout",
        "60",
        *args,
        secret=peer.client_secret,
        username=peer.username,
        password=peer.password,
    )


def test_a_correct_configuration_passes_with_the_headless_browser(
    glewlwyd_peer: SsoPeer, tmp_path: Path
) -> None:
    result = run(glewlwyd_peer, tmp_path)
    assert not_passing(result, ignore=("TOK004", "TOK005", "TOK007", "AUT005")) == BASELINE, (
        result.stdout[-4000:]
    )
    assert result.code == 0, result.stderr
    assert result.json()["target"]["issuer_basis"]["source"] == "discovery"
    assert result.json()["target"]["issuer"].endswith("/api/oidc")
    statuses = findings(result)
    for check_id in ("AUT002", "TOK001", "IDT004", "IDT005", "CLM001"):
        assert statuses[check_id] == ("pass",), check_id
    assert "Traceback" not in result.stderr


def test_claims_only_in_userinfo_fail_clm001_and_clm004(
    glewlwyd_userinfo_claims: SsoPeer, tmp_path: Path
) -> None:
    result = run(glewlwyd_userinfo_claims, tmp_path)
    assert result.code == 1
    statuses = findings(result)
    assert statuses["AUT002"] == ("pass",)
    assert statuses["CLM001"] == ("fail",), result.stdout[-3000:]
    assert "fail" in statuses["CLM003"]  # groups and name: configured, not in the ID token


def test_the_code_is_single_use(glewlwyd_peer: SsoPeer, tmp_path: Path) -> None:
    """With --active, TOK004 replays the code the headless login brought back."""
    result = run(glewlwyd_peer, tmp_path, "--active")
    statuses = findings(result)
    assert statuses["TOK004"] == ("pass",), result.stdout[-3000:]
    # The unregistered redirect URI gets HTTP 403, no redirect (see the test below); the
    # registered one's sign-in page ("Loading..." in an alert until its script runs) is
    # not taken for a refusal, so AUT005 can tell.
    assert statuses["AUT005"] == ("pass",)
    assert finding(result, "AUT005")["message"].endswith("HTTP 403")


def test_an_unregistered_redirect_uri_fails_aut001_naming_it(
    glewlwyd_peer: SsoPeer, tmp_path: Path
) -> None:
    """Issue 22 item 5. Glewlwyd's OIDC.md ("Error client: ... redirect_uri is invalid for
    this client") documents a 302 to the redirect URI with error=unauthorized_client; the
    2.7 server from Debian answers HTTP 403 with an empty body instead (seen on this
    peer), which is the safer answer, and Chromium then shows no page at all
    (net::ERR_HTTP_RESPONSE_CODE_FAILURE). The headless login reports it as the refusal
    it is, before any sign-in."""
    other = "http://localhost:8766/callback"
    result = run(glewlwyd_peer, tmp_path, "--redirect-uri", other)
    assert result.code == 1, result.stderr
    statuses = findings(result)
    assert statuses["AUT001"] == ("fail",), result.stdout[-3000:]
    aut001 = finding(result, "AUT001")
    assert aut001["message"].endswith("HTTP 403")
    assert f"add the exact redirect URI {other} to the redirect URIs" in aut001["hint"]
    assert statuses["AUT002"] == ("skip",)  # not blamed on the password
    assert "Traceback" not in result.stderr


def test_a_public_client_without_a_secret_fails_cfg001(
    glewlwyd_public_client: SsoPeer, tmp_path: Path
) -> None:
    """Issue 22 item 5: a client without a secret. Glewlwyd's public client (OIDC.md:
    "without secret or public key"; token_endpoint_auth_method none) takes the code
    exchange with client_id alone, so only CFG001 names the missing secret (that Access
    needs one is the probe's ASSUMPTION, see test_lemonldap_ng)."""
    if not Path(CHROMIUM).exists():
        unavailable(f"no Chromium at {CHROMIUM} (make browser)")
    peer = glewlwyd_public_client
    result = probe(
        tmp_path,
        config_for(peer, scopes=["openid", "email"]),
        "--login",
        "headless-browser",
        "--browser-path",
        CHROMIUM,
        "--login-timeout",
        "60",
        secret=None,
        username=peer.username,
        password=peer.password,
    )
    assert result.code == 1, result.stderr
    statuses = findings(result)
    assert statuses["CFG001"] == ("fail",), result.stdout[-3000:]
    assert finding(result, "CFG001")["message"] == "client_secret is missing"
    for check_id in ("AUT002", "TOK001", "IDT004"):
        assert statuses[check_id] == ("pass",), check_id
    assert [k for k, v in statuses.items() if "fail" in v] == ["CFG001"]
