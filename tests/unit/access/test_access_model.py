"""The pure Access model: policy parsing, identity, custom trimming and the evaluation."""

from __future__ import annotations

from typing import Any

import pytest

from oidc_probe.access.evaluate import NO_MATCH, UNDETERMINED, Evaluator, execution_order
from oidc_probe.access.identity import CUSTOM_CLAIM_BUDGET, build_identity, trim_custom
from oidc_probe.access.policies import Policy, Rule, parse_groups, parse_policies
from oidc_probe.core.errors import ConfigError

CLAIMS = {
    "email": "alice@example.com",
    "cognito:groups": ["admins", "staff"],
    "custom:level": 3,
    "sub": "abc",
}
CONFIGURED = ("sub", "cognito:groups", "custom:level")


def identity(claims: dict[str, Any] | None = None, idp_id: str | None = None) -> Evaluator:
    built = build_identity(claims if claims is not None else CLAIMS, CONFIGURED, "email", idp_id)
    return Evaluator(built)


def policy(
    decision: str = "allow", precedence: int | None = None, order: int = 0, **rules: Any
) -> Policy:
    doc = {"name": f"{decision}-{precedence}-{order}", "decision": decision, **rules}
    if precedence is not None:
        doc["precedence"] = precedence
    return parse_policies(doc, "test", start=order)[0]


def oidc(name: str, value: str) -> dict[str, Any]:
    return {"oidc": {"claim_name": name, "claim_value": value, "identity_provider_id": "idp-1"}}


# --- parsing -------------------------------------------------------------------------


def test_one_policy_a_list_and_an_envelope_all_parse() -> None:
    one = {"name": "p", "decision": "allow", "include": [{"everyone": {}}]}
    assert len(parse_policies(one, "x")) == 1
    assert len(parse_policies([one, one], "x")) == 2
    envelope = {"success": True, "errors": [], "messages": [], "result": [one]}
    (parsed,) = parse_policies(envelope, "x")
    assert parsed.include == (Rule("everyone", {}),)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"name": "p", "decision": "maybe", "include": [{"everyone": {}}]}, "decision must be"),
        ({"name": "p", "decision": "allow"}, "no include rule"),
        ({"name": "p", "decision": "allow", "include": [{"a": {}, "b": {}}]}, "one selector"),
        (
            {"name": "p", "decision": "allow", "include": [{"everyone": {}}], "precedence": "1"},
            "integer",
        ),
        (
            {"success": False, "errors": [{"code": 10000, "message": "Forbidden"}]},
            "10000 Forbidden",
        ),
        ("f174e90a", "expected a policy object"),
        (["f174e90a"], "only a policy id"),
    ],
)
def test_bad_policy_json_is_one_config_error(doc: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_policies(doc, "--policy p.json")


def test_groups_need_an_id() -> None:
    assert set(parse_groups([{"id": "g1", "include": [{"everyone": {}}]}], "g")) == {"g1"}
    with pytest.raises(ConfigError, match="has no 'id'"):
        parse_groups([{"name": "no id"}], "g")


# --- identity and trimming -----------------------------------------------------------


def test_groups_only_from_a_claim_named_groups() -> None:
    assert build_identity(CLAIMS, CONFIGURED).groups is None  # cognito:groups is not `groups`
    named = build_identity({**CLAIMS, "Groups": ["a", "b"]}, CONFIGURED)
    assert named.groups == ("a", "b")
    assert named.as_json()["groups"] == ["a", "b"]


def test_oidc_fields_hold_only_the_configured_claims() -> None:
    built = build_identity({**CLAIMS, "other": 1}, ("sub", "missing"), idp_id="idp-1")
    assert built.oidc_fields == {"sub": "abc"}
    assert built.as_json()["idp"] == {"id": "idp-1", "type": "oidc"}


def test_trimming_drops_from_the_end_of_the_claims_list() -> None:
    big = {"a": "x" * 1400, "b": "y" * 1400, "c": "z"}
    trimmed = trim_custom(big, ("a", "b", "c"))
    assert trimmed.dropped == ("b", "c")
    assert list(trimmed.kept) == ["a"]
    assert trimmed.budget == CUSTOM_CLAIM_BUDGET
    assert not trim_custom({"a": "x"}, ("a",)).trimmed


# --- rules ---------------------------------------------------------------------------


def test_oidc_claim_matches_a_value_of_an_array_exactly() -> None:
    evaluator = identity()
    assert evaluator.rule(Rule("oidc", oidc("cognito:groups", "admins")["oidc"])).matched is True
    assert evaluator.rule(Rule("oidc", oidc("cognito:groups", "admin")["oidc"])).matched is False
    differs = evaluator.rule(Rule("oidc", oidc("cognito:groups", "ADMINS")["oidc"]))
    assert differs.matched is None
    assert "UNSETTLED" in differs.unsettled


def test_oidc_claim_not_configured_or_absent_does_not_match() -> None:
    evaluator = identity({**CLAIMS, "name": "A"})
    result = evaluator.rule(Rule("oidc", oidc("name", "A")["oidc"]))
    assert result.matched is False
    assert "not in the configured claims" in result.text
    absent = identity({"email": "a@example.com"}).rule(
        Rule("oidc", oidc("cognito:groups", "x")["oidc"])
    )
    assert absent.matched is False
    assert "absent" in absent.text


def test_oidc_claim_for_another_identity_provider_does_not_match() -> None:
    result = identity(idp_id="idp-2").rule(Rule("oidc", oidc("cognito:groups", "admins")["oidc"]))
    assert result.matched is False


def test_non_string_claim_values_are_marked_unsettled() -> None:
    result = identity(idp_id="idp-1").rule(Rule("oidc", oidc("custom:level", "3")["oidc"]))
    assert result.matched is True
    assert "UNSETTLED" in result.unsettled


def test_email_and_email_domain() -> None:
    evaluator = identity()
    assert evaluator.rule(Rule("email", {"email": "alice@example.com"})).matched is True
    assert evaluator.rule(Rule("email", {"email": "Alice@example.com"})).matched is None
    assert evaluator.rule(Rule("email_domain", {"domain": "example.com"})).matched is True
    assert evaluator.rule(Rule("email_domain", {"domain": "other.com"})).matched is False
    sub = identity({"email": "a@eu.example.com"}).rule(
        Rule("email_domain", {"domain": "example.com"})
    )
    assert sub.matched is None
    assert "subdomain" in sub.unsettled


@pytest.mark.parametrize(
    "selector", ["ip", "geo", "device_posture", "service_token", "linked_app_token", "certificate"]
)
def test_request_dependent_selectors_are_undetermined(selector: str) -> None:
    result = identity().rule(Rule(selector, {}))
    assert result.matched is None
    assert "depends on the request" in result.text


def test_selectors_of_other_identity_providers_never_match() -> None:
    assert identity().rule(Rule("saml", {"attribute_name": "g"})).matched is False
    assert identity().rule(Rule("azureAD", {"id": "g"})).matched is False


def test_login_method_needs_the_identity_provider_id() -> None:
    assert identity().rule(Rule("login_method", {"id": "idp-1"})).matched is None
    assert identity(idp_id="idp-1").rule(Rule("login_method", {"id": "idp-1"})).matched is True
    assert identity(idp_id="idp-2").rule(Rule("login_method", {"id": "idp-1"})).matched is False


# --- policies ------------------------------------------------------------------------


def test_include_or_require_and_exclude_not() -> None:
    evaluator = identity()
    either = policy(include=[oidc("cognito:groups", "nope"), oidc("cognito:groups", "staff")])
    assert evaluator.policy(either).matched is True
    both = policy(
        include=[{"everyone": {}}],
        require=[oidc("cognito:groups", "admins"), oidc("cognito:groups", "nope")],
    )
    result = evaluator.policy(both)
    assert result.matched is False
    assert result.deciding is not None
    assert result.deciding.text.startswith("require oidc cognito:groups = nope")
    excluded = policy(
        include=[{"everyone": {}}], exclude=[{"email": {"email": "alice@example.com"}}]
    )
    assert evaluator.policy(excluded).matched is False


def test_service_auth_and_bypass_run_first_then_precedence() -> None:
    allow = policy("allow", 1, 0, include=[{"everyone": {}}])
    deny = policy("deny", 2, 1, include=[{"everyone": {}}])
    bypass = policy("bypass", 9, 2, include=[{"everyone": {}}])
    service = policy("non_identity", 3, 3, include=[{"everyone": {}}])
    assert [p.decision for p in execution_order([deny, allow, bypass, service])] == [
        "non_identity",
        "bypass",
        "allow",
        "deny",
    ]
    assert identity().decide([deny, allow]).outcome == "allow"
    assert (
        identity().decide([policy("deny", 0, 0, include=[{"everyone": {}}]), allow]).outcome
        == "deny"
    )


def test_no_match_is_deny_by_default() -> None:
    decision = identity().decide([policy(include=[oidc("cognito:groups", "nope")])])
    assert decision.outcome == NO_MATCH
    assert decision.access == "deny"
    assert "denies by default" in decision.describe()


def test_a_policy_that_might_match_makes_the_decision_undetermined() -> None:
    office = policy(
        "allow", 1, include=[{"everyone": {}}], require=[{"ip": {"ip": "203.0.113.0/24"}}]
    )
    decision = identity().decide([office])
    assert decision.outcome == UNDETERMINED
    assert decision.access == UNDETERMINED
    assert "depends on the request" in decision.describe()


def test_access_groups_are_resolved_and_unknown_ones_undetermined() -> None:
    groups = parse_groups(
        [{"id": "g1", "name": "Staff", "include": [oidc("cognito:groups", "staff")]}], "g"
    )
    built = build_identity(CLAIMS, CONFIGURED)
    rule = policy(include=[{"group": {"id": "g1"}}])
    assert Evaluator(built, groups).decide([rule]).outcome == "allow"
    unknown = Evaluator(built).decide([rule])
    assert unknown.outcome == UNDETERMINED
    assert "--access-groups" in unknown.describe()


def test_an_access_group_that_includes_itself_is_undetermined_not_a_crash() -> None:
    groups = parse_groups([{"id": "g1", "include": [{"group": {"id": "g1"}}]}], "g")
    built = build_identity(CLAIMS, CONFIGURED)
    decision = Evaluator(built, groups).decide([policy(include=[{"group": {"id": "g1"}}])])
    assert decision.outcome == UNDETERMINED
    assert "includes itself" in decision.describe()


# --- every outcome of the request-dependent rules (issue 24 items 1 and 2) ----------
# Cloudflare "Access policies": Bypass and Service Auth run first, then Allow and Block;
# Access denies by default; Service Token, Any Access Service Token and Linked App Token
# "Require the Service Auth action"; Bypass does "not support identity-based rule types".
# https://developers.cloudflare.com/cloudflare-one/access-controls/policies/

OFFICE_BYPASS = {
    "name": "Office",
    "decision": "bypass",
    "include": [{"ip": {"ip": "192.0.2.0/24"}}],
}


def parsed(*docs: dict[str, Any]) -> list[Policy]:
    return [parse_policies(doc, "t", start=i)[0] for i, doc in enumerate(docs)]


def test_a_bypass_by_ip_before_a_matching_allow_is_allow_either_way() -> None:
    admins = {"name": "Admins", "decision": "allow", "include": [oidc("cognito:groups", "admins")]}
    decision = identity().decide(parsed(OFFICE_BYPASS, admins))
    assert decision.access == "allow"
    assert decision.outcome == "allow"  # bypass or allow: both let the user in
    assert decision.branches[0] == "Bypass policy 'Office' when ip(ip=192.0.2.0/24) matches"
    assert decision.branches[-1].startswith("otherwise Allow policy 'Admins'")
    assert decision.describe().startswith("allow: Bypass policy 'Office' when")


def test_a_block_by_country_without_an_allow_is_deny_either_way() -> None:
    block = {"name": "No RU", "decision": "deny", "include": [{"geo": {"country_code": "RU"}}]}
    other = {"name": "Others", "decision": "allow", "include": [oidc("cognito:groups", "x")]}
    decision = identity().decide(parsed(block, other))
    assert decision.access == "deny"
    assert decision.outcome == "deny"
    assert decision.branches[-1] == "otherwise no policy matched (Access denies by default)"


def test_only_differing_outcomes_depend_on_the_request() -> None:
    office = {"name": "Office", "decision": "allow", "include": [{"ip": {"ip": "192.0.2.0/24"}}]}
    decision = identity().decide(parsed(office))
    assert decision.outcome == UNDETERMINED
    assert decision.depends_on_request
    assert "policy 'Office' depends on: include ip(ip=192.0.2.0/24)" in decision.describe()


def test_service_auth_does_not_admit_an_interactive_login() -> None:
    service = {
        "name": "CI",
        "decision": "non_identity",
        "include": [{"any_valid_service_token": {}}],
    }
    admins = {"name": "Admins", "decision": "allow", "include": [oidc("cognito:groups", "admins")]}
    built = build_identity(CLAIMS, CONFIGURED)
    interactive = Evaluator(built, interactive=True).decide(parsed(service, admins))
    assert (interactive.outcome, interactive.branches) == ("allow", ())
    assert "ASSUMED: an interactive login" in interactive.assumed
    anything = Evaluator(built).decide(parsed(service, admins))
    assert anything.outcome == UNDETERMINED  # a service token would meet Service Auth first


def test_a_bypass_with_identity_rules_is_reported_not_evaluated() -> None:
    bypass = {
        "name": "Staff bypass",
        "decision": "bypass",
        "include": [{"email": {"email": "alice@example.com"}}],
    }
    decision = identity().decide(parsed(bypass))
    assert decision.outcome == NO_MATCH
    assert "does not support" in decision.not_evaluated[0]


def test_auth_method_matches_amr_and_no_amr_never_matches() -> None:
    rule = Rule("auth_method", {"auth_method": "mfa"})
    assert identity({**CLAIMS, "amr": ["pwd", "mfa"]}).rule(rule).matched is True
    assert identity({**CLAIMS, "amr": ["pwd"]}).rule(rule).matched is False
    missing = identity().rule(rule)  # a Cognito user-pool ID token has no amr
    assert missing.matched is False
    assert "no amr" in missing.text


def test_warp_and_gateway_are_not_rule_keys() -> None:
    assert "not an Access rule key" in identity().rule(Rule("warp", {})).text


# --- the application object and policy flags (issue 24 item 4) -----------------------
# cloudflare-python SelfHostedApplication / SelfHostedApplicationPolicy; Cloudflare "Enforce
# MFA": https://developers.cloudflare.com/cloudflare-one/access-controls/policies/mfa-requirements/


def test_application_fields_and_mfa_in_words() -> None:
    from oidc_probe.access.application import parse_application

    app = parse_application(
        {
            "id": "a",
            "name": "Wiki",
            "aud": "tag",
            "allowed_idps": ["i1"],
            "mfa_config": {"mfa_disabled": False, "allowed_authenticators": ["totp"]},
        },
        "x",
    )
    assert (app.aud, app.allowed_idps, app.mfa) == ("tag", ("i1",), "independent MFA (totp)")
    assert parse_application({"id": "a"}, "x").allowed_idps == ()


def test_policy_flags_make_an_allow_conditional() -> None:
    flagged = parse_policies(
        {
            "name": "P",
            "decision": "allow",
            "include": [{"everyone": {}}],
            "approval_required": True,
            "isolation_required": True,
        },
        "t",
    )
    decision = identity().decide(list(flagged))
    assert decision.after == ("admin approval", "an isolated browser")
    assert decision.describe().startswith("allow, after admin approval and an isolated browser:")


def test_email_list_rules_with_the_list_known() -> None:
    rule = Rule("email_list", {"id": "l1"})
    built = build_identity(CLAIMS, CONFIGURED)
    assert Evaluator(built, email_lists={"l1": ("alice@example.com",)}).rule(rule).matched is True
    assert Evaluator(built, email_lists={"l1": ("bob@example.com",)}).rule(rule).matched is False
    assert Evaluator(built).rule(rule).matched is None


def test_a_diamond_of_groups_is_judged_in_linear_time() -> None:
    """Each of 60 levels names the next group twice (2**60 paths): each group is judged once
    (without that, this test would not end before pytest's timeout)."""
    levels = 60
    raw = [
        {
            "id": f"g{n}",
            "include": [{"group": {"id": f"g{n + 1}"}}, {"group": {"id": f"g{n + 1}"}}],
        }
        for n in range(levels)
    ] + [{"id": f"g{levels}", "include": [oidc("cognito:groups", "staff")]}]
    groups = parse_groups(raw, "g")
    evaluator = Evaluator(build_identity(CLAIMS, CONFIGURED), groups)
    decision = evaluator.decide([policy(include=[{"group": {"id": "g59"}}])])
    assert decision.outcome == "allow"


def test_groups_nested_past_the_depth_cap_are_undetermined() -> None:
    from oidc_probe.access.evaluate import MAX_GROUP_DEPTH

    depth = MAX_GROUP_DEPTH + 5
    raw = [{"id": f"g{n}", "include": [{"group": {"id": f"g{n + 1}"}}]} for n in range(depth)]
    raw.append({"id": f"g{depth}", "include": [oidc("cognito:groups", "staff")]})
    evaluator = Evaluator(build_identity(CLAIMS, CONFIGURED), parse_groups(raw, "g"))
    decision = evaluator.decide([policy(include=[{"group": {"id": "g0"}}])])
    assert decision.outcome == UNDETERMINED
    assert f"nested deeper than {MAX_GROUP_DEPTH}" in decision.describe()
