"""ACC001-ACC003 (what Access will do) and CFT001-CFT006 (the Access application token)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from oidc_probe.access.policies import parse_groups, parse_policies
from oidc_probe.access.setup import AccessSetup
from oidc_probe.core.context import AccessJwt, DecodedJwt, RunContext, SignatureResult
from oidc_probe.core.model import Status
from oidc_probe.core.settings import RunSettings
from tests.factories import ISSUER, NOW, json_exchange, make_config, make_context
from tests.unit.checks.helpers import only, run

ADMINS = {
    "oidc": {"claim_name": "cognito:groups", "claim_value": "admins", "identity_provider_id": "i"}
}
POLICIES = parse_policies(
    [{"name": "Admins", "decision": "allow", "precedence": 1, "include": [ADMINS]}], "test"
)


def ctx_with(
    claims: dict[str, Any] | None,
    *,
    policies: Any = POLICIES,
    expect: str | None = None,
    claims_list: tuple[str, ...] = ("cognito:groups",),
) -> RunContext:
    setup = AccessSetup(policies, {}, None, "test") if policies is not None else None
    settings = RunSettings(issuer=ISSUER, access=setup, expect_access=expect)
    ctx = make_context(make_config(claims=claims_list), settings)
    if claims is not None:
        ctx.id_token = DecodedJwt(raw="h.p.s", header={"alg": "RS256"}, claims=claims)
        ctx.signature = SignatureResult("RS256", "k", True, True, "verified")
    return ctx


USER = {"email": "a@example.com", "cognito:groups": ["admins"]}
NOGROUP = {"email": "n@example.com"}


def test_acc001_passes_with_the_decision_and_the_rule() -> None:
    finding = only("ACC001", ctx_with(USER))
    assert finding.status is Status.PASS
    assert finding.message.startswith("allow: Allow policy 'Admins'")
    assert finding.evidence["actual"]["compared"] == ["admins"]


def test_acc001_warns_when_undetermined() -> None:
    office = parse_policies(
        {"name": "Office", "decision": "allow", "include": [{"ip": {"ip": "10.0.0.0/8"}}]}, "t"
    )
    finding = only("ACC001", ctx_with(USER, policies=office))
    assert finding.status is Status.WARN
    assert "undetermined" in finding.message
    assert "depends on the request" in finding.hint


def test_acc001_denied_user_in_no_group_gets_the_hint() -> None:
    finding = only("ACC001", ctx_with(NOGROUP))
    assert finding.status is Status.PASS
    assert "no policy matched" in finding.message
    assert "no Cognito group" in finding.hint


def test_acc001_skips_without_policies_or_token() -> None:
    assert "--policy" in only("ACC001", ctx_with(USER, policies=None)).message
    skipped = only("ACC001", ctx_with(None))
    assert skipped.status is Status.SKIP


def test_acc001_skips_when_the_signature_failed() -> None:
    ctx = ctx_with(USER)
    ctx.signature = SignatureResult("RS256", "k", True, False, "bad")
    finding = only("ACC001", ctx)
    assert finding.status is Status.SKIP
    assert "IDT004" in finding.message


@pytest.mark.parametrize(
    "signature",
    [None, SignatureResult("none", None, None, None, "alg none is not accepted")],
)
def test_acc_checks_skip_when_the_signature_was_not_verified(
    signature: SignatureResult | None,
) -> None:
    # Forged claims must not reach a policy decision: Access rejects such a token.
    ctx = ctx_with(USER, expect="allow")
    ctx.signature = signature
    assert only("ACC001", ctx).status is Status.SKIP
    assert only("ACC002", ctx).status is Status.SKIP


@pytest.mark.parametrize(
    ("claims", "expect", "status"),
    [
        (USER, "allow", Status.PASS),
        (USER, "deny", Status.FAIL),
        (NOGROUP, "deny", Status.PASS),
        (NOGROUP, "allow", Status.FAIL),
    ],
)
def test_acc002_compares_the_decision(claims: dict[str, Any], expect: str, status: Status) -> None:
    finding = only("ACC002", ctx_with(claims, expect=expect))
    assert finding.status is status
    if status is Status.FAIL and claims is NOGROUP:
        assert "no Cognito group" in finding.hint


def test_acc002_skips_without_an_expectation() -> None:
    assert only("ACC002", ctx_with(USER)).status is Status.SKIP


def test_acc003_warns_when_trimming_drops_a_policy_claim() -> None:
    many = [f"department-{n:02d}-engineering-staff-readers" for n in range(80)]
    claims = {"email": "a@example.com", "name": "A", "cognito:groups": ["admins", *many]}
    finding = only("ACC003", ctx_with(claims, claims_list=("name", "cognito:groups")))
    assert finding.status is Status.WARN
    assert "cognito:groups" in finding.message
    assert "approximate" in finding.hint
    ok = only("ACC003", ctx_with(USER))
    assert ok.status is Status.PASS


def test_acc003_skips_without_oidc_rules() -> None:
    everyone = parse_policies(
        {"name": "All", "decision": "allow", "include": [{"everyone": {}}]}, "t"
    )
    assert "no OIDC Claim rule" in only("ACC003", ctx_with(USER, policies=everyone)).message


def test_acc_group_rules_from_access_groups() -> None:
    groups = parse_groups([{"id": "g", "name": "Admins group", "include": [ADMINS]}], "g")
    policies = parse_policies(
        {"name": "P", "decision": "allow", "include": [{"group": {"id": "g"}}]}, "t"
    )
    ctx = ctx_with(USER, policies=policies)
    ctx.settings = replace(ctx.settings, access=AccessSetup(policies, groups, None, "t"))
    finding = only("ACC001", ctx)
    assert "Admins group" in finding.message


# --- CFT -----------------------------------------------------------------------------

TEAM = "https://acme.cloudflareaccess.com"
GOOD = {
    "aud": ["tag"],
    "iss": TEAM,
    "type": "app",
    "exp": NOW + 60,
    "iat": NOW,
    "nbf": NOW,
    "custom": {"cognito:groups": ["admins"]},
}
VALID = SignatureResult("RS256", "k", True, True, "signature verified with key k (RS256)")


def token_ctx(
    claims: dict[str, Any], signature: SignatureResult = VALID, error: str | None = None
) -> RunContext:
    ctx = make_context()
    certs = json_exchange("https://acme.cloudflareaccess.com/cdn-cgi/access/certs", {"keys": []})
    token = DecodedJwt(
        raw="h.p.s",
        header={"alg": "RS256", "kid": "k"},
        claims=None if error else claims,
        error=error,
    )
    ctx.access_jwt = AccessJwt(token, signature, TEAM, ("tag",), certs)
    return ctx


@pytest.mark.parametrize(
    ("check_id", "change"),
    [
        ("CFT002", {"iss": "https://other.cloudflareaccess.com"}),
        ("CFT003", {"aud": ["other"]}),
        ("CFT004", {"exp": NOW - 3600}),
        ("CFT004", {"iat": NOW + 3600}),
        ("CFT004", {"exp": "soon"}),
        ("CFT005", {"type": "org"}),
        ("CFT006", {"custom": {}}),
    ],
)
def test_cft_checks_pass_a_good_token_and_fail_a_wrong_claim(
    check_id: str, change: dict[str, Any]
) -> None:
    assert only(check_id, token_ctx(GOOD)).status is Status.PASS
    bad = only(check_id, token_ctx({**GOOD, **change}))
    assert bad.status is (Status.WARN if check_id == "CFT006" else Status.FAIL)


def test_cft001_fails_a_bad_signature_and_a_broken_token() -> None:
    assert only("CFT001", token_ctx(GOOD)).status is Status.PASS
    bad = SignatureResult("RS256", "k", True, False, "the signature does not match the key")
    assert only("CFT001", token_ctx(GOOD, bad)).status is Status.FAIL
    broken = only("CFT001", token_ctx(GOOD, bad, error="not three dot-separated segments"))
    assert broken.status is Status.FAIL
    assert only("CFT002", token_ctx(GOOD, bad, error="x")).status is Status.SKIP


def test_cft_checks_skip_without_a_token() -> None:
    assert only("CFT001", make_context()).status is Status.SKIP


def test_acc002_fails_an_undetermined_decision() -> None:
    office = parse_policies(
        {"name": "Office", "decision": "allow", "include": [{"geo": {"country_code": "US"}}]}, "t"
    )
    finding = only("ACC002", ctx_with(USER, policies=office, expect="allow"))
    assert finding.status is Status.FAIL
    assert "undetermined" in finding.message


EVERYONE_POLICIES = [
    {"name": "Block contractors", "decision": "deny", "precedence": 1, "include": [ADMINS]},
    {"name": "Anyone", "decision": "allow", "precedence": 2, "include": [{"everyone": {}}]},
]


def test_acc001_warns_that_include_everyone_lets_any_identity_in() -> None:
    findings = run("ACC001", ctx_with(NOGROUP, policies=parse_policies(EVERYONE_POLICIES, "t")))
    decision, everyone = findings
    assert decision.status is Status.PASS
    assert decision.message == "allow: Allow policy 'Anyone': include everyone"
    assert everyone.status is Status.WARN
    assert everyone.subject == "Anyone"
    assert everyone.message == (
        "Allow policy 'Anyone' has include Everyone and no require rule: any identity that "
        "signs in through the identity provider gets in (every user of the Cognito pool, and "
        "of any other login method the application allows)"
    )
    assert "narrow the include" in everyone.hint
    assert everyone.evidence["actual"]["rule"] == "include Everyone"
    assert any("access-api-examples" in s for s in everyone.evidence["actual"]["sources"])


def test_acc001_warns_even_when_the_user_is_blocked_first() -> None:
    # The user is blocked before the Everyone policy is reached: the policy still admits others.
    findings = run("ACC001", ctx_with(USER, policies=parse_policies(EVERYONE_POLICIES, "t")))
    assert [f.status for f in findings] == [Status.PASS, Status.WARN]
    assert findings[0].message.startswith("deny: Block policy 'Block contractors'")


def test_acc001_everyone_through_an_access_group_bypass_and_excludes() -> None:
    groups = parse_groups(
        [
            {"id": "g-all", "name": "All", "include": [{"everyone": {}}]},
            {"id": "g-nested", "name": "Nested", "include": [{"group": {"id": "g-all"}}]},
        ],
        "t",
    )
    policies = parse_policies(
        [
            {"name": "Public", "decision": "bypass", "include": [{"everyone": {}}]},
            {
                "name": "Via group",
                "decision": "allow",
                "include": [{"group": {"id": "g-nested"}}],
                "exclude": [{"email": {"email": "x@example.com"}}],
            },
        ],
        "t",
    )
    ctx = ctx_with(USER, policies=policies)
    assert ctx.settings.access is not None
    ctx.settings = replace(ctx.settings, access=replace(ctx.settings.access, groups=groups))
    warnings = [f for f in run("ACC001", ctx) if f.status is Status.WARN]
    assert [f.subject for f in warnings] == ["Public", "Via group"]
    assert warnings[0].message.endswith("Access is not enforced for anyone")
    assert "Access group 'Nested' (which includes Access group 'All' (which includes " in (
        warnings[1].message
    )
    assert warnings[1].message.endswith("except what its 1 exclude rule(s) leave out")


@pytest.mark.parametrize(
    "policy",
    [
        # a require rule narrows Include Everyone
        {
            "name": "Staff",
            "decision": "allow",
            "include": [{"everyone": {}}],
            "require": [{"email_domain": {"domain": "example.com"}}],
        },
        # Include Everyone in a Block is the usual way to block all but the excluded
        {
            "name": "Block all",
            "decision": "deny",
            "include": [{"everyone": {}}],
            "exclude": [{"email": {"email": "a@example.com"}}],
        },
        {"name": "Admins", "decision": "allow", "include": [ADMINS]},
    ],
    ids=["require", "block", "no-everyone"],
)
def test_acc001_does_not_warn_about_a_narrowed_or_blocking_policy(policy: dict[str, Any]) -> None:
    findings = run("ACC001", ctx_with(USER, policies=parse_policies(policy, "t")))
    assert [f.status for f in findings] == [Status.PASS]


def test_acc001_warns_about_everyone_when_the_decision_is_skipped() -> None:
    findings = run("ACC001", ctx_with(None, policies=parse_policies(EVERYONE_POLICIES, "t")))
    assert [f.status for f in findings] == [Status.SKIP, Status.WARN]


# Issue 24 item 6: broad includes. Login Methods "checks the identity provider used at the
# time of login" (Cloudflare, Access policies, selectors); AWS AdminCreateUserConfig:
# AllowAdminCreateUserOnly "Set to False if users can sign themselves up via an app".
def test_acc001_warns_about_an_include_of_only_login_methods_and_self_sign_up() -> None:
    from oidc_probe.core.pool import PoolAudit

    only_login = parse_policies(
        {"name": "Pool", "decision": "allow", "include": [{"login_method": {"id": "idp-1"}}]},
        "t",
    )
    ctx = ctx_with(USER, policies=only_login)
    warnings = [f for f in run("ACC001", ctx) if f.subject == "Pool"]
    assert [w.status for w in warnings] == [Status.WARN]
    assert "an include of only Login Methods (idp-1)" in warnings[0].message
    assert "sign themselves up" not in warnings[0].message
    ctx.pool_audit = PoolAudit(
        "us-east-1_x",
        "us-east-1",
        "c",
        pool={"AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False}},
    )
    (signup,) = [f for f in run("ACC001", ctx) if f.subject == "Pool"]
    assert "admits anyone who can create an account" in signup.message
