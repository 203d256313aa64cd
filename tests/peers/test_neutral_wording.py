"""No Cognito wording in a run against a provider that is not Cognito (issue 22).

Against LemonLDAP::NG (a real SSO server from Debian's packages): the correct run and
its misconfigurations (claims only in userinfo, PKCE off, an unregistered redirect URI,
no client secret), and

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

from tests.e2e.conftest import CliResult
from tests.peers.conftest import OidcProviderPeer, SsoPeer
from tests.peers.probe import oidc_provider_config, probe
from tests.peers.test_lemonldap_ng import UNREGISTERED, config_for

pytestmark = [pytest.mark.peers, pytest.mark.e2e]

COGNITO_WORDS = re.compile(
    r"cognito|user pool|hosted ui|managed login|app client|lambda|amazon|\baws\b", re.IGNORECASE
)
# Lines that may name Cognito: Cognito-only checks say they do not apply (with their
# stable slugs), and the pool-audit section's title and its one folded line.
ALLOWED = re.compile(
    r"CFG004 cognito-urls-consistent: |IDT012 cognito-token-use-id: |"
    r"^Pool configuration \(AWS API\)$|pool audit not run: `audit` or `--aws`$|"
    r"^\s+(this )?check applies to Cognito only$"  # CFG004's skip reason, wrapped
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
    assert_neutral(result)


def assert_neutral(result: CliResult) -> None:
    assert "Traceback" not in result.stderr
    offending = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if COGNITO_WORDS.search(line) and not ALLOWED.search(line)
    ]
    assert offending == [], "\n".join(offending)
    # The report wraps at 80 columns: "app client" may be split over two lines.
    kept = [
        line for line in (result.stdout + result.stderr).splitlines() if not ALLOWED.search(line)
    ]
    joined = " ".join(" ".join(kept).split())
    split = [joined[max(0, m.start() - 80) : m.end() + 40] for m in COGNITO_WORDS.finditer(joined)]
    assert split == [], "\n".join(split)
    # The fifteen AWS checks are one line, not fifteen.
    assert result.stdout.count("pool audit not run: `audit` or `--aws`") == 1
    assert not re.search(r"^\s+SKIP\s+AWS0\d\d ", result.stdout, re.MULTILINE)


# LemonLDAP::NG: (fixture, config changes, arguments, whether a secret is given, exit code).
LLNG: dict[str, tuple[str, dict[str, Any], tuple[str, ...], bool, int]] = {
    "correct": ("lemonldap_ng", {}, ("--active",), True, 0),
    "pkce-required-but-off": ("lemonldap_ng", {"pkce_enabled": False}, (), True, 1),
    "claims-only-in-userinfo": ("lemonldap_ng_userinfo_claims", {}, ("--active",), True, 1),
    "unregistered-redirect-uri": ("lemonldap_ng", {}, ("--redirect-uri", UNREGISTERED), True, 1),
    "no-client-secret": ("lemonldap_ng", {}, (), False, 1),
    "claims-not-asked-for": ("lemonldap_ng", {"claims": ["department"]}, (), True, 1),
}


@pytest.mark.parametrize("scenario", sorted(LLNG))
def test_a_run_against_lemonldap_ng_has_no_cognito_wording(
    request: pytest.FixtureRequest, tmp_path: Path, scenario: str
) -> None:
    fixture, changes, args, with_secret, code = LLNG[scenario]
    peer: SsoPeer = request.getfixturevalue(fixture)
    result = probe(
        tmp_path,
        config_for(peer, **changes),
        *args,
        "-v",  # every check's line, not only those that did not pass
        secret=peer.client_secret if with_secret else None,
        username=peer.username,
        password=peer.password,
        fmt="text",
    )
    assert result.code == code, result.stdout[-3000:] + result.stderr
    assert_neutral(result)
