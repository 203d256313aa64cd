"""AWS001-AWS015 over recorded response shapes of the Cognito API (AWS API reference).

The shapes below follow the API reference's response syntax for DescribeUserPool,
DescribeUserPoolClient, DescribeUserPoolDomain and AdminGetUser, including fields moto
does not return (ManagedLoginVersion, the standard SchemaAttributes, the legacy
PreTokenGeneration trigger), so those branches are covered here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from oidc_probe.checks._pool_causes import pool_cause
from oidc_probe.core.model import Status
from oidc_probe.core.pool import ApiFailure, PoolAudit, UserFacts
from oidc_probe.core.settings import RunSettings
from tests.factories import ISSUER, POOL, make_config, make_context
from tests.unit.checks.helpers import by_subject, only, run

CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"
# DescribeUserPool: UserPool (abridged to the fields the checks read).
USER_POOL: dict[str, Any] = {
    "Id": POOL,
    "Name": "staff",
    "Domain": "example",
    "LambdaConfig": {},
    "IssuerConfiguration": {"Type": "ORIGINAL"},
    "SchemaAttributes": [
        {"Name": "sub", "AttributeDataType": "String", "Mutable": False, "Required": True},
        {"Name": "email", "AttributeDataType": "String", "Mutable": True, "Required": False},
        {"Name": "email_verified", "AttributeDataType": "Boolean", "Mutable": True},
        {"Name": "custom:department", "AttributeDataType": "String", "Mutable": True},
    ],
}
# DescribeUserPoolClient: UserPoolClient.
USER_POOL_CLIENT: dict[str, Any] = {
    "UserPoolId": POOL,
    "ClientName": "cloudflare-access",
    "ClientId": CLIENT_ID,
    "ClientSecret": "recorded-client-secret-value",
    "ReadAttributes": [],
    "SupportedIdentityProviders": ["COGNITO"],
    "CallbackURLs": [
        "http://localhost:8765/callback",
        "https://acme.cloudflareaccess.com/cdn-cgi/access/callback",
    ],
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["openid", "email", "profile"],
    "AllowedOAuthFlowsUserPoolClient": True,
}
# DescribeUserPoolDomain: DomainDescription (ManagedLoginVersion: 1 classic, 2 managed login).
DOMAIN: dict[str, Any] = {
    "UserPoolId": POOL,
    "AWSAccountId": "123456789012",
    "Domain": "example",
    "S3Bucket": "aws-cognito-prod-iad-assets",
    "CloudFrontDistribution": "d3oia8etllorh5.cloudfront.net",
    "Version": "20250101",
    "Status": "ACTIVE",
    "ManagedLoginVersion": 1,
}
# AdminGetUser (without ResponseMetadata).
ALICE: dict[str, Any] = {
    "Username": "alice",
    "UserAttributes": [
        {"Name": "sub", "Value": "11111111-1111-4111-8111-111111111111"},
        {"Name": "email", "Value": "alice@example.com"},
        {"Name": "email_verified", "Value": "true"},
        {"Name": "custom:department", "Value": "sales"},
    ],
    "Enabled": True,
    "UserStatus": "CONFIRMED",
}


def audit(
    *,
    pool: dict[str, Any] | None = None,
    client: dict[str, Any] | None = None,
    domain: dict[str, Any] | None = None,
    user: dict[str, Any] | None = None,
    groups: tuple[str, ...] = ("admins",),
    **changes: Any,
) -> PoolAudit:
    facts = UserFacts("alice", user={**ALICE, **(user or {})}, groups=groups)
    values: dict[str, Any] = {
        "pool_id": POOL,
        "region": "us-east-1",
        "client_id": CLIENT_ID,
        "pool": {**USER_POOL, **(pool or {})},
        "client": {**USER_POOL_CLIENT, **(client or {})},
        "domain_name": "example",
        "domain": {**DOMAIN, **(domain or {})},
        "groups": ("admins", "staff"),
        "users": {"alice": facts},
        "team_name": "acme",
    }
    values.update(changes)
    return PoolAudit(**values)


def ctx_with(pool_audit: PoolAudit | None, **config: Any) -> Any:
    config.setdefault("claims", ("custom:department", "cognito:groups"))
    settings = RunSettings(issuer=ISSUER, username="alice")
    return make_context(make_config(**config), settings, pool_audit=pool_audit)


ALL = [f"AWS{n:03d}" for n in range(1, 16)]


@pytest.mark.parametrize("check_id", ALL)
def test_without_the_audit_every_check_skips_saying_so(check_id: str) -> None:
    findings = run(check_id, ctx_with(None))
    assert {f.status for f in findings} == {Status.SKIP}
    assert "audit did not run" in findings[0].message


@pytest.mark.parametrize("check_id", [c for c in ALL if c != "AWS011"])
def test_a_correct_pool_passes(check_id: str) -> None:
    assert {f.status for f in run(check_id, ctx_with(audit()))} == {Status.PASS}


def test_pool_not_found_fails_aws001_and_skips_the_rest() -> None:
    missing = ApiFailure("cognito-idp:DescribeUserPool", "ResourceNotFoundException", "nope")
    ctx = ctx_with(audit(pool=None, failures=(missing,)))
    assert only("AWS001", ctx).status is Status.FAIL
    assert only("AWS003", ctx).message == "the user pool was not found (see AWS001)"


def test_access_denied_skips_naming_the_action() -> None:
    denied = ApiFailure("cognito-idp:DescribeUserPoolClient", "AccessDeniedException", "x")
    ctx = ctx_with(audit(client=None, failures=(denied,)))
    finding = only("AWS003", ctx)
    assert finding.status is Status.SKIP
    assert "AWS denied cognito-idp:DescribeUserPoolClient" in finding.message


@pytest.mark.parametrize(
    ("check_id", "client"),
    [
        ("AWS002", None),
        ("AWS003", {"ClientSecret": None}),
        ("AWS004", {"AllowedOAuthFlows": ["implicit"]}),
        ("AWS004", {"AllowedOAuthFlowsUserPoolClient": False}),
        ("AWS007", {"CallbackURLs": ["http://localhost:8765/callback"]}),
        ("AWS008", {"SupportedIdentityProviders": []}),
    ],
)
def test_client_misconfigurations_fail(check_id: str, client: dict[str, Any] | None) -> None:
    if client is None:
        gone = ApiFailure("cognito-idp:DescribeUserPoolClient", "ResourceNotFoundException", "")
        pool_audit = replace(audit(failures=(gone,)), client=None)
    else:
        pool_audit = audit(client=client)
    findings = run(check_id, ctx_with(pool_audit))
    assert Status.FAIL in {f.status for f in findings}
    assert all(f.hint for f in findings if f.status is Status.FAIL)


def test_scope_not_allowed_fails_per_scope() -> None:
    findings = by_subject(run("AWS005", ctx_with(audit(client={"AllowedOAuthScopes": ["openid"]}))))
    assert findings["openid"].status is Status.PASS
    assert findings["email"].status is Status.FAIL
    assert findings["profile"].status is Status.FAIL


def test_redirect_uri_missing_warns() -> None:
    finding = only("AWS006", ctx_with(audit(client={"CallbackURLs": []})))
    assert finding.status is Status.WARN


def test_access_callback_without_team_name_lists_or_warns() -> None:
    assert only("AWS007", ctx_with(audit(team_name=None))).status is Status.INFO
    bare = audit(team_name=None, client={"CallbackURLs": ["http://localhost:8765/callback"]})
    assert only("AWS007", ctx_with(bare)).status is Status.WARN


def test_attribute_unreadable_or_undefined() -> None:
    ctx = ctx_with(
        audit(client={"ReadAttributes": ["email"]}), claims=("custom:department", "custom:x")
    )
    findings = by_subject(run("AWS009", ctx))
    assert findings["email"].status is Status.PASS
    assert (
        "ReadAttributes do not include custom:department" in findings["custom:department"].message
    )
    assert "defines no attribute 'custom:x'" in findings["custom:x"].message


@pytest.mark.parametrize(
    ("domain", "status", "words"),
    [
        ({"ManagedLoginVersion": 1}, Status.PASS, "classic hosted UI"),
        ({"ManagedLoginVersion": 2}, Status.PASS, "managed login"),
        ({"ManagedLoginVersion": None}, Status.PASS, "did not say"),
        ({"UserPoolId": "us-east-1_Other0000"}, Status.FAIL, "belongs to pool us-east-1_Other0000"),
    ],
)
def test_domain_and_login_kind(domain: dict[str, Any], status: Status, words: str) -> None:
    finding = only("AWS010", ctx_with(audit(domain=domain)))
    assert finding.status is status
    assert words in finding.message
    if domain.get("ManagedLoginVersion") == 2:
        assert "--login headless-browser" in finding.hint


def test_unknown_domain_fails_and_loopback_skips() -> None:
    assert only("AWS010", ctx_with(replace(audit(), domain={}))).status is Status.FAIL
    assert only("AWS010", ctx_with(audit(domain_name=None))).status is Status.SKIP


@pytest.mark.parametrize(
    ("lambda_config", "version"),
    [
        ({"PreTokenGenerationConfig": {"LambdaVersion": "V3_0", "LambdaArn": "arn:l"}}, "V3_0"),
        ({"PreTokenGeneration": "arn:aws:lambda:us-east-1:1:function:legacy"}, "V1_0"),
    ],
)
def test_pre_token_trigger_is_info(lambda_config: dict[str, Any], version: str) -> None:
    finding = only("AWS011", ctx_with(audit(pool={"LambdaConfig": lambda_config})))
    assert finding.status is Status.INFO
    assert version in finding.message


def test_user_problems() -> None:
    ctx = ctx_with(audit(user={"Enabled": False, "UserStatus": "UNCONFIRMED"}))
    assert "is disabled and has status UNCONFIRMED" in only("AWS012", ctx).message
    no_email = audit(user={"UserAttributes": [{"Name": "sub", "Value": "x"}]}, groups=())
    ctx = ctx_with(no_email)
    assert only("AWS013", ctx).status is Status.FAIL
    findings = by_subject(run("AWS014", ctx))
    assert findings["alice custom:department"].status is Status.FAIL
    assert findings["alice groups"].message == (
        "alice is in no group; the pool has groups admins, staff"
    )
    unverified = audit(user={"UserAttributes": [{"Name": "email", "Value": "a@b.co"}]})
    assert only("AWS013", ctx_with(unverified)).status is Status.WARN


def test_unknown_user_fails_aws012() -> None:
    gone = ApiFailure("cognito-idp:AdminGetUser", "UserNotFoundException", "User does not exist.")
    pool_audit = audit(users={"bob": UserFacts("bob", failures=(gone,))})
    assert only("AWS012", ctx_with(pool_audit)).message == "bob does not exist in the pool"


def test_pool_causes() -> None:
    assert pool_cause(ctx_with(None), "cognito:groups") is None
    ctx = ctx_with(audit(groups=()))
    assert (
        pool_cause(ctx, "cognito:groups")
        == "alice is in no group; the pool has groups admins, staff"
    )
    ctx = ctx_with(audit(client={"ReadAttributes": ["email"]}))
    assert pool_cause(ctx, "custom:department") == (
        "the app client's ReadAttributes do not include custom:department"
    )
    assert (
        pool_cause(ctx_with(audit()), "custom:nope")
        == "the pool's schema defines no attribute custom:nope"
    )
    ctx = ctx_with(audit(client={"AllowedOAuthScopes": ["openid"]}))
    assert pool_cause(ctx, "email") == "the app client does not allow the 'email' scope"
    ctx = ctx_with(audit(user={"UserAttributes": []}))
    assert pool_cause(ctx, "custom:department") == "alice has no value for custom:department"
    predicted = pool_cause(
        ctx_with(audit(pool={"LambdaConfig": {"PreTokenGeneration": "arn:l"}})), "custom:department"
    )
    assert predicted is not None
    assert "pre token generation Lambda (V1_0)" in predicted
    assert "likely cause" in predicted


UPDATED_ISSUER = ISSUER.replace("//cognito-idp.", "//issuer-cognito-idp.")


def test_an_updated_pool_with_the_original_certs_url_fails_aws015() -> None:
    finding = only("AWS015", ctx_with(audit(pool={"IssuerConfiguration": {"Type": "UPDATED"}})))
    assert finding.status is Status.WARN
    assert f"carry iss {UPDATED_ISSUER}, but certs_url belongs to {ISSUER}" in finding.message
    assert finding.hint == f"set certs_url to {UPDATED_ISSUER}/.well-known/jwks.json"


def test_an_updated_pool_with_its_certs_url_passes_aws015() -> None:
    ctx = ctx_with(
        audit(pool={"IssuerConfiguration": {"Type": "UPDATED"}}),
        certs_url=f"{UPDATED_ISSUER}/.well-known/jwks.json",
    )
    finding = only("AWS015", ctx)
    assert finding.status is Status.PASS
    assert finding.evidence == {"actual": "UPDATED"}


@pytest.mark.parametrize("described", [None, {}, {"Type": "FUTURE"}, "UPDATED"])
def test_aws015_skips_when_the_api_does_not_say(described: Any) -> None:
    pool = {k: v for k, v in USER_POOL.items() if k != "IssuerConfiguration"}
    if described is not None:
        pool["IssuerConfiguration"] = described
    finding = only("AWS015", ctx_with(replace(audit(), pool=pool)))
    assert finding.status is Status.SKIP
    assert "named no issuer configuration" in finding.message


def test_aws015_skips_a_certs_url_on_an_emulator_or_proxy_host() -> None:
    ctx = ctx_with(audit(), certs_url=f"http://127.0.0.1:9229/{POOL}/.well-known/jwks.json")
    finding = only("AWS015", ctx)
    assert finding.status is Status.SKIP
    assert "not on a Cognito issuer host" in finding.message
