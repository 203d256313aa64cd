"""The config, discovery, JWKS, authorize and token checks are documented and referenced."""

from __future__ import annotations

import re

import pytest

from oidc_probe.checks import catalogue, registry
from oidc_probe.core import refs
from oidc_probe.core.model import Stage

STAGES = {Stage.CONFIG, Stage.DISCOVERY, Stage.JWKS, Stage.AUTHORIZE, Stage.TOKEN}
EXPECTED = {
    "CFG001": "config-complete",
    "CFG002": "endpoints-https",
    "CFG003": "scopes-usable",
    "CFG004": "cognito-urls-consistent",
    "CFG005": "basic-auth-safe-credentials",
    "DSC001": "discovery-reachable",
    "DSC002": "discovery-issuer-matches",
    "DSC003": "discovery-endpoints-match-config",
    "DSC004": "discovery-required-metadata",
    "DSC005": "discovery-scopes-supported",
    "DSC006": "discovery-client-auth-basic",
    "DSC007": "discovery-alg-accepted-by-cloudflare",
    "DSC008": "discovery-pkce-s256",
    "JWK001": "jwks-reachable",
    "JWK002": "jwks-keys-well-formed",
    "JWK003": "jwks-no-private-or-symmetric-keys",
    "JWK004": "jwks-rsa-key-size",
    "AUT001": "authorize-accepted",
    "AUT002": "login-completed",
    "AUT003": "state-echoed",
    "AUT004": "callback-iss-matches",
    "AUT005": "unregistered-redirect-rejected",
    "AUT006": "callback-response-well-formed",
    "TOK001": "token-exchange-succeeded",
    "TOK002": "token-response-shape",
    "TOK003": "token-response-no-store",
    "TOK004": "code-single-use",
    "TOK005": "pkce-enforced",
    "TOK006": "token-response-json-strict",
    "TOK007": "refresh-grant",
}
MINE = [c for c in catalogue.all_checks() if c.stage in STAGES]


def test_the_catalogue_has_exactly_these_ids_and_slugs() -> None:
    assert {c.id: c.slug for c in MINE} == EXPECTED


@pytest.mark.parametrize("spec", MINE, ids=lambda c: c.id)
def test_docstring_has_the_four_parts(spec: registry.Check) -> None:
    doc = spec.doc
    summary = doc.splitlines()[0]
    assert summary.endswith("."), summary
    assert len(summary) <= 100
    positions = [doc.find(part) for part in ("Why it matters:", "How to fix:", "References:")]
    assert all(p > 0 for p in positions), spec.id
    assert positions == sorted(positions), spec.id
    assert re.search(r"Access", doc.split("How to fix:")[0]), "why must speak of Access"


@pytest.mark.parametrize("spec", MINE, ids=lambda c: c.id)
def test_refs_resolve(spec: registry.Check) -> None:
    assert spec.refs
    for ref in spec.refs:
        assert refs.ref_url(ref).startswith("https://")


def test_severities() -> None:
    warn_only = {c.id for c in MINE if c.severity.value == "warn"}
    # DSC006 warns since issue 24: no Cloudflare source names Access's client authentication.
    assert warn_only == {"CFG005", "DSC005", "DSC006", "TOK003", "TOK007"}
