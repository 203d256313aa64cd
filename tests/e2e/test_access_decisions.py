"""Decisions that do not give up (issue 24 items 1-3), through the real CLI.

Every expected decision is the one Cloudflare documents on its "Access policies" page
(https://developers.cloudflare.com/cloudflare-one/access-controls/policies/): Bypass and
Service Auth run first, then Allow and Block; Access denies by default; Service Token,
Any Access Service Token and Linked App Token "Require the Service Auth action", which
enforces "authentication flows that do not require an identity provider IdP login";
"Bypass policies do not support identity-based rule types". Authentication method rules
match the amr identifier (RFC 8176) and Cognito user-pool ID tokens carry no amr:
https://developers.cloudflare.com/cloudflare-one/access-controls/policies/mfa-requirements/
and https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CliResult, Emulator, probe, run_cli

pytestmark = pytest.mark.e2e

ADMINS = {
    "name": "Admins",
    "decision": "allow",
    "precedence": 2,
    "include": [{"oidc": {"claim_name": "cognito:groups", "claim_value": "admins"}}],
}
OFFICE_BYPASS = {
    "name": "Office",
    "decision": "bypass",
    "precedence": 1,
    "include": [{"ip": {"ip": "192.0.2.0/24"}}],
}


def policy_file(tmp_path: Path, *policies: dict[str, Any]) -> str:
    path = tmp_path / "policies.json"
    path.write_text(json.dumps({"success": True, "errors": [], "result": list(policies)}))
    return str(path)


def acc(result: CliResult, check_id: str = "ACC001") -> list[dict[str, Any]]:
    return [c for c in result.json()["checks"] if c["id"] == check_id]


def test_bypass_by_ip_then_allow_is_allow_naming_the_branches(
    emulator: Emulator, tmp_path: Path
) -> None:
    policies = policy_file(tmp_path, OFFICE_BYPASS, ADMINS)
    result = probe(emulator, "--policy", policies, "--expect-access", "allow")
    assert result.code == 0, result.stdout
    (decision,) = acc(result)
    assert decision["status"] == "pass"
    assert decision["message"].startswith(
        "allow: Bypass policy 'Office' when ip(ip=192.0.2.0/24) matches, otherwise Allow "
        "policy 'Admins'"
    )
    assert decision["evidence"]["actual"]["branches"][0].startswith("Bypass policy 'Office'")
    assert result.statuses("ACC002") == ["pass"]


def test_block_by_country_without_an_allow_match_is_deny(
    emulator: Emulator, tmp_path: Path
) -> None:
    block = {"name": "Embargo", "decision": "deny", "include": [{"geo": {"country_code": "RU"}}]}
    others = {**ADMINS, "include": [{"email": {"email": "someone-else@example.com"}}]}
    result = probe(
        emulator, "--policy", policy_file(tmp_path, block, others), "--expect-access", "deny"
    )
    assert result.code == 0, result.stdout
    (decision,) = acc(result)
    assert decision["evidence"]["actual"]["access"] == "deny"
    assert "otherwise no policy matched" in decision["message"]


def test_differing_outcomes_depend_on_the_request_naming_the_rule(
    emulator: Emulator, tmp_path: Path
) -> None:
    office = {**OFFICE_BYPASS, "decision": "allow", "name": "Office only"}
    result = probe(emulator, "--policy", policy_file(tmp_path, office))
    (decision,) = acc(result)
    assert decision["status"] == "warn"
    assert "undetermined" in decision["message"]
    assert "include ip(ip=192.0.2.0/24) depends on the request" in decision["message"]


def test_service_auth_is_assumed_not_to_admit_a_browser_login_and_the_flag_drops_it(
    emulator: Emulator, tmp_path: Path
) -> None:
    service = {
        "name": "CI robots",
        "decision": "non_identity",
        "precedence": 1,
        "include": [{"any_valid_service_token": {}}],
    }
    policies = policy_file(tmp_path, service, ADMINS)
    text = probe(emulator, "--policy", policies, "--expect-access", "allow", "-v", fmt="text")
    assert text.code == 0, text.stdout
    shown = " ".join(text.stdout.split())  # the report wraps at 80 columns
    assert "(assumed: an interactive login, see --any-request)" in shown
    dropped = probe(emulator, "--policy", policies, "--any-request")
    (decision,) = acc(dropped)
    assert decision["status"] == "warn"
    assert "undetermined" in decision["message"]
    assert "assumed" not in decision["evidence"]["actual"]


def test_a_bypass_with_identity_rules_is_reported_not_evaluated(
    emulator: Emulator, tmp_path: Path
) -> None:
    bypass = {
        "name": "Staff bypass",
        "decision": "bypass",
        "precedence": 1,
        "include": [{"email_domain": {"domain": "example.com"}}],
    }
    result = probe(emulator, "--policy", policy_file(tmp_path, bypass), "--expect-access", "deny")
    decision, warning = acc(result)
    assert decision["evidence"]["actual"]["decision"] == "no_match"
    assert warning["status"] == "warn"
    assert "Bypass policy 'Staff bypass' uses identity rules (email_domain)" in warning["message"]
    assert result.statuses("ACC002") == ["pass"]


def test_require_mfa_denies_a_cognito_user_and_says_why(emulator: Emulator, tmp_path: Path) -> None:
    mfa = {**ADMINS, "require": [{"auth_method": {"auth_method": "mfa"}}]}
    policies = policy_file(tmp_path, mfa)
    result = probe(emulator, "--policy", policies, "--expect-access", "deny")
    assert result.code == 0, result.stdout
    (decision,) = acc(result)
    assert decision["evidence"]["actual"]["decision"] == "no_match"
    assert "no amr" in decision["hint"]
    assert "independent MFA" in decision["hint"]
    # The same through verify: the ID token's claims alone decide.
    token = str(probe(emulator, "--show-tokens").json()["tokens"]["id_token"])
    verified = run_cli(
        [
            *("verify", "-", "--config", str(emulator.config_file()), "--format", "json"),
            *("--policy", policies, "--expect-access", "deny"),
        ],
        stdin=token + "\n",
    )
    assert verified.code == 0, verified.stdout
    assert verified.statuses("ACC002") == ["pass"]


def test_an_allow_whose_include_is_only_a_login_method_is_a_warning(
    emulator: Emulator, tmp_path: Path
) -> None:
    # Login Methods "checks the identity provider used at the time of login" (Cloudflare,
    # Access policies, selectors): alone, it admits every identity of that provider.
    pool_only = {
        "name": "Pool",
        "decision": "allow",
        "include": [{"login_method": {"id": "idp-1"}}],
    }
    result = probe(
        emulator,
        "--policy",
        policy_file(tmp_path, pool_only),
        "--idp-id",
        "idp-1",
        "--expect-access",
        "allow",
    )
    assert result.code == 0, result.stdout
    decision, warning = acc(result)
    assert decision["status"] == "pass"
    assert warning["status"] == "warn"
    assert warning["subject"] == "Pool"
    assert "an include of only Login Methods (idp-1) and no require rule" in warning["message"]


def test_what_access_will_see_marks_name_groups_and_amr_as_uncertain(emulator: Emulator) -> None:
    # Cloudflare's identity shapes: email, idp {id, type}, oidc_fields (generic OIDC page);
    # name in the policy checker's UserIdentity (cloudflare-python
    # applications/user_policy_check_list_response.py). No Cloudflare sample shows groups or
    # amr for generic OIDC, so the view marks them; a Cognito token has neither.
    result = probe(emulator)
    identity = result.json()["access_view"]["identity"]
    assert identity["name"] == "Demo User"
    assert "ASSUMED" in identity["uncertain"]["name"]
    assert "amr" not in identity  # Cognito user-pool ID tokens carry no amr
    assert "groups" not in identity  # cognito:groups is not a claim named groups
    text = probe(emulator, fmt="text").stdout
    assert "Demo User" in text
