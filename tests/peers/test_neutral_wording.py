"""No Cognito wording in a run against a provider that is not Cognito (issue 22).

oidc-provider, misconfigured in the ways a user of another provider meets (claims only in
userinfo, an unlisted scope, PKCE required but off, a wrong certs_url), through the real
CLI in the text format: findings, hints and the AWS section speak of "the provider".
The only Cognito words allowed are the stable slugs of the Cognito-only checks and their
one-line skip reasons, and the one folded line of the pool audit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.peers.conftest import OidcProviderPeer
from tests.peers.probe import oidc_provider_config, probe

pytestmark = [pytest.mark.peers, pytest.mark.e2e]

COGNITO_WORDS = re.compile(
    r"cognito|user pool|hosted ui|managed login|app client|lambda|amazon|\baws\b", re.IGNORECASE
)
# Lines that may name Cognito: Cognito-only checks say they do not apply (with their
# stable slugs), and the pool-audit section's title and its one folded line.
ALLOWED = re.compile(
    r"CFG004 cognito-urls-consistent: |IDT012 cognito-token-use-id: |"
    r"^Pool configuration \(AWS API\)$|pool audit not run: `audit` or `--aws`$"
)

SCENARIOS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "claims-only-in-userinfo": ({}, ("--active",)),
    "scope-not-listed": ({"scopes": ["openid", "email", "phone_x"]}, ()),
    "pkce-required-but-off": ({"pkce_enabled": False}, ()),
    "certs-url-wrong": ({"certs_url": "SUFFIX"}, ()),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_a_run_against_another_provider_has_no_cognito_wording(
    oidc_provider_conform: OidcProviderPeer, tmp_path: Path, scenario: str
) -> None:
    changes, args = SCENARIOS[scenario]
    config = oidc_provider_config(oidc_provider_conform)
    config["claims"] = ["name"]  # the peer also mints cognito:* claims; not asked for here
    config.update(changes)
    if config["certs_url"] == "SUFFIX":
        config["certs_url"] = oidc_provider_config(oidc_provider_conform)["certs_url"] + "-gone"
    result = probe(
        tmp_path,
        config,
        *args,
        secret=oidc_provider_conform.client_secret,
        username="alice",
        password="any-password-devinteractions-ignores-it",
        fmt="text",
    )
    assert result.code == 1, result.stderr  # each scenario has something to fail
    assert "Traceback" not in result.stderr
    offending = [
        line
        for line in result.stdout.splitlines()
        if COGNITO_WORDS.search(line) and not ALLOWED.search(line)
    ]
    assert offending == [], "\n".join(offending)
    # The fifteen AWS checks are one line, not fifteen.
    assert result.stdout.count("pool audit not run: `audit` or `--aws`") == 1
    assert not re.search(r"^\s+SKIP\s+AWS0\d\d ", result.stdout, re.MULTILINE)
