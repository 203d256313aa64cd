"""Logins past the password against oidc-provider, through the real CLI (issue 22 item 3).

- ``--login headless-browser`` continues through oidc-provider's consent page (its
  devInteractions show "Continue" after the sign-in form), and TOK004 replays the code
  it brought back; the run ends without a Playwright traceback.
- AUT005 counts an error page served with HTTP 200 for an unregistered redirect URI
  (oidc-provider with ``renderError`` answering 200, as LemonLDAP::NG does) as a refusal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM
from tests.peers.conftest import OidcProviderPeer
from tests.peers.probe import finding, findings, oidc_provider_config, probe

pytestmark = [pytest.mark.peers, pytest.mark.e2e]
PASSWORD = "any-password-devinteractions-ignores-it"


@pytest.mark.browser
def test_headless_browser_continues_through_the_consent_page_and_replays_the_code(
    oidc_provider: OidcProviderPeer, tmp_path: Path
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (make browser)")
    peer = oidc_provider
    result = probe(
        tmp_path,
        oidc_provider_config(peer),
        "--issuer",
        peer.issuer,
        "--active",
        "--login",
        "headless-browser",
        "--browser-path",
        CHROMIUM,
        "--login-timeout",
        "40",
        secret=peer.client_secret,
        username="alice",
        password=PASSWORD,
    )
    statuses = findings(result)
    assert statuses["AUT002"] == ("pass",), finding(result, "AUT002")
    assert statuses["TOK001"] == ("pass",)
    # TOK004 needs only the code: it runs after a headless-browser login too.
    assert statuses["TOK004"] == ("pass",), finding(result, "TOK004")
    assert finding(result, "TOK004")["evidence"]["actual"] == {
        "status": 400,
        "error": "invalid_grant",
    }
    # TOK005 needs a second sign-in, which only the form login does without a person.
    assert statuses["TOK005"] == ("skip",)
    assert "Traceback" not in result.stderr
    assert "TargetClosedError" not in result.stderr
    assert PASSWORD not in result.stdout + result.stderr


def test_an_error_page_served_as_200_is_a_refusal(
    oidc_provider_errors_as_200: OidcProviderPeer, tmp_path: Path
) -> None:
    peer = oidc_provider_errors_as_200
    result = probe(
        tmp_path,
        oidc_provider_config(peer),
        "--active",
        secret=peer.client_secret,
        username="alice",
        password=PASSWORD,
    )
    aut005 = finding(result, "AUT005")
    assert aut005["status"] == "pass", aut005
    assert "an error page served as HTTP 200, without redirecting" in aut005["message"]
    assert "redirect_uri" in aut005["message"]  # what the page said
    assert aut005["evidence"]["actual"]["via"] == "page"
    assert findings(result)["TOK004"] == ("pass",)
