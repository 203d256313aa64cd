"""Unit tests of the claim checks CLM001-CLM006 and their Cognito-aware hints."""

from __future__ import annotations

import json

import pytest

from oidc_probe.access.identity import (
    CUSTOM_CLAIM_BUDGET,
    CUSTOM_CLAIM_BUDGET_NOTE,
    BudgetArithmetic,
    access_custom_claim,
    serialized_size,
)
from oidc_probe.core.context import DecodedJwt, RunContext
from oidc_probe.core.model import Status
from oidc_probe.core.settings import RunSettings
from tests.factories import make_config, make_context
from tests.unit.checks.helpers import by_subject, only, run, statuses, text_of
from tests.unit.checks.token_fixtures import (
    SUB,
    assert_documented,
    failed_userinfo,
    healthy_claims,
    healthy_context,
    secrets_in,
)

CLM_IDS = [f"CLM{n:03d}" for n in range(1, 7)]
CLOUDFLARE_EXAMPLE_CLAIMS = ("sub", "cognito:username", "name", "cognito:groups")


@pytest.mark.parametrize("check_id", CLM_IDS)
def test_healthy_token_passes(check_id: str) -> None:
    findings = run(check_id, healthy_context())
    assert statuses(findings) == [Status.PASS] * len(findings), findings


@pytest.mark.parametrize("check_id", CLM_IDS)
def test_documented(check_id: str) -> None:
    assert_documented(check_id)


@pytest.mark.parametrize("check_id", CLM_IDS)
def test_skips_without_id_token(check_id: str) -> None:
    ctx = healthy_context(id_token=DecodedJwt(raw="a.b", error="not a compact JWS"))
    findings = run(check_id, ctx)
    assert findings
    assert all(f.status is Status.SKIP for f in findings), findings
    assert all("IDT001" in f.message for f in findings)


# CLM001 email-claim-present


def test_clm001_missing_email_gives_cognito_hint() -> None:
    finding = only("CLM001", healthy_context(drop=["email"], userinfo={"sub": SUB}))
    assert finding.status is Status.FAIL
    assert finding.subject == "email"
    assert "'email' scope" in finding.hint
    assert "read permission" in finding.hint
    assert "userinfo" not in finding.message


def test_clm001_says_when_email_is_only_in_userinfo() -> None:
    finding = only("CLM001", healthy_context(drop=["email"]))
    assert finding.status is Status.FAIL
    assert "userinfo has it" in finding.message
    assert "reads only the ID token" in finding.hint


def test_clm001_names_scopes_without_email() -> None:
    config = make_config(scopes=("openid", "phone"))
    finding = only("CLM001", healthy_context(drop=["email"], config=config))
    assert "do not include 'email'" in finding.hint
    # openid alone, or with profile, releases every readable attribute in Cognito.
    for scopes in (("openid",), ("openid", "profile")):
        finding = only("CLM001", healthy_context(drop=["email"], config=make_config(scopes=scopes)))
        assert "do not include 'email'" not in finding.hint


def test_clm001_names_the_federated_provider() -> None:
    identities = [{"providerName": "Okta", "primary": "true", "userId": "1"}]
    ctx = healthy_context(drop=["email"], set_claims={"identities": identities})
    finding = only("CLM001", ctx)
    assert "'Okta'" in finding.hint
    assert "attribute mapping" in finding.hint


def test_clm001_uses_email_claim_name() -> None:
    config = make_config(email_claim_name="mail")
    missing = only("CLM001", healthy_context(config=config))
    assert missing.status is Status.FAIL
    assert missing.subject == "mail"
    assert "email_claim_name is 'mail'" in missing.hint
    found = only("CLM001", healthy_context(config=config, set_claims={"mail": "a@b.example"}))
    assert found.status is Status.PASS


@pytest.mark.parametrize("value", ["ana", "ana@localhost", "@example.com", "a b@example.com"])
def test_clm001_fails_implausible_address(value: str) -> None:
    finding = only("CLM001", healthy_context(set_claims={"email": value}))
    assert finding.status is Status.FAIL
    assert "does not look like an email" in finding.message


def test_clm001_fails_non_string() -> None:
    finding = only("CLM001", healthy_context(set_claims={"email": ["a@b.example"]}))
    assert finding.status is Status.FAIL
    assert finding.evidence["actual"] == "array"


def test_clm001_generic_provider_hint() -> None:
    settings = RunSettings(issuer="https://login.example.com")
    finding = only("CLM001", healthy_context(drop=["email"], settings=settings))
    assert "Cognito" not in finding.hint


# CLM002 email-verified (severity warn)


@pytest.mark.parametrize("value", [True, "true", "True"])
def test_clm002_passes_true(value: object) -> None:
    assert (
        only("CLM002", healthy_context(set_claims={"email_verified": value})).status is Status.PASS
    )


@pytest.mark.parametrize("value", [False, "false"])
def test_clm002_warns_false(value: object) -> None:
    finding = only("CLM002", healthy_context(set_claims={"email_verified": value}))
    assert finding.status is Status.WARN
    assert "not verified" in finding.message


def test_clm002_warns_missing() -> None:
    finding = only("CLM002", healthy_context(drop=["email_verified"]))
    assert finding.status is Status.WARN
    assert "read permission" in finding.hint


def test_clm002_warns_odd_type() -> None:
    finding = only("CLM002", healthy_context(set_claims={"email_verified": 1}))
    assert finding.status is Status.WARN
    assert "CLM005" in finding.message


# CLM003 configured-claim-present


def test_clm003_one_finding_per_claim() -> None:
    config = make_config(claims=CLOUDFLARE_EXAMPLE_CLAIMS)
    findings = by_subject(run("CLM003", healthy_context(config=config)))
    assert set(findings) == set(CLOUDFLARE_EXAMPLE_CLAIMS)
    assert findings["sub"].status is Status.PASS
    assert findings["cognito:groups"].status is Status.PASS
    assert findings["name"].status is Status.FAIL
    assert "'profile' scope" in findings["name"].hint


def test_clm003_no_group_hint() -> None:
    finding = only("CLM003", healthy_context(drop=["cognito:groups"]))
    assert finding.status is Status.FAIL
    assert finding.subject == "cognito:groups"
    assert "the user is in no group" in finding.hint
    assert "add the user to a group" in finding.hint
    assert "do not rely on it" in finding.hint


def test_clm003_custom_attribute_hint() -> None:
    config = make_config(claims=("custom:team",))
    finding = only("CLM003", healthy_context(config=config))
    assert finding.status is Status.FAIL
    assert "unset for this user" in finding.hint
    assert "cannot read it" in finding.hint
    assert "scopes" in finding.hint


def test_clm003_always_present_claim_hint() -> None:
    config = make_config(claims=("sub",))
    finding = only("CLM003", healthy_context(config=config, drop=["sub"]))
    assert finding.status is Status.FAIL
    assert "every Cognito ID token" in finding.hint


def test_clm003_groups_vs_cognito_groups() -> None:
    config = make_config(claims=("groups",))
    finding = only("CLM003", healthy_context(config=config))
    assert finding.status is Status.FAIL
    assert "cognito:groups" in finding.hint


def test_clm003_null_value_is_not_present() -> None:
    finding = only("CLM003", healthy_context(set_claims={"cognito:groups": None}))
    assert finding.status is Status.FAIL
    assert "is null" in finding.message


def test_clm003_points_at_userinfo() -> None:
    userinfo = {"sub": SUB, "cognito:groups": ["admins"]}
    finding = only("CLM003", healthy_context(drop=["cognito:groups"], userinfo=userinfo))
    assert "userinfo has it" in finding.message
    assert "CLM004" in finding.hint


def test_clm003_deduplicates_and_info_when_none_configured() -> None:
    config = make_config(claims=("cognito:groups", "cognito:groups"))
    assert len(run("CLM003", healthy_context(config=config))) == 1
    finding = only("CLM003", healthy_context(config=make_config(claims=())))
    assert finding.status is Status.INFO


def test_clm003_skips_per_claim_without_token() -> None:
    config = make_config(claims=("a", "b"))
    ctx = healthy_context(config=config, id_token=None, token_fetch=None)
    findings = run("CLM003", ctx)
    assert [f.subject for f in findings] == ["a", "b"]
    assert statuses(findings) == [Status.SKIP, Status.SKIP]


# CLM004 claim-only-in-userinfo


def test_clm004_fails_once_per_claim_only_in_userinfo() -> None:
    config = make_config(claims=("cognito:groups", "name", "custom:team"))
    userinfo = {"sub": SUB, "email": "ana@example.com", "name": "Ana", "cognito:groups": ["a"]}
    ctx = healthy_context(config=config, drop=["email", "cognito:groups"], userinfo=userinfo)
    findings = by_subject(run("CLM004", ctx))
    assert set(findings) == {"email", "cognito:groups", "name"}
    assert all(f.status is Status.FAIL for f in findings.values())
    assert "Access reads" in findings["email"].message


def test_clm004_passes_when_nothing_missing() -> None:
    finding = only("CLM004", healthy_context(drop=["cognito:groups"], userinfo={"sub": SUB}))
    assert finding.status is Status.PASS


def test_clm004_skips_without_userinfo() -> None:
    finding = only("CLM004", healthy_context(drop=["email"], userinfo_fetch=None))
    assert finding.status is Status.SKIP
    assert "USR001" in finding.message
    failed = only("CLM004", healthy_context(drop=["email"], userinfo_fetch=failed_userinfo()))
    assert failed.status is Status.SKIP


# CLM005 claim-types


def test_clm005_groups_as_string() -> None:
    finding = only("CLM005", healthy_context(set_claims={"cognito:groups": "admins,users"}))
    assert finding.status is Status.FAIL
    assert finding.subject == "cognito:groups"
    assert finding.evidence == {"expected": "array of strings", "actual": "string"}
    assert "array" in finding.hint


def test_clm005_one_finding_per_problem() -> None:
    bad = {
        "cognito:groups": [1, 2],
        "email": 5,
        "custom:level": 3,
        "identities": ["x"],
        "sub": 9,
        "cognito:roles": "arn",
    }
    findings = by_subject(run("CLM005", healthy_context(set_claims=bad)))
    assert set(findings) == set(bad)
    assert all(f.status is Status.FAIL for f in findings.values())
    assert findings["custom:level"].evidence == {"expected": "string", "actual": "number"}
    assert findings["identities"].evidence["expected"] == "array of objects"
    assert "always strings" in findings["custom:level"].hint


def test_clm005_email_verified_string_warns() -> None:
    finding = only("CLM005", healthy_context(set_claims={"email_verified": "true"}))
    assert finding.status is Status.WARN
    assert finding.subject == "email_verified"


def test_clm005_accepts_cognito_shapes() -> None:
    identities = [{"providerName": "Google", "primary": "true", "dateCreated": "1700000000000"}]
    claims = {"identities": identities, "custom:team": "blue", "cognito:groups": []}
    assert only("CLM005", healthy_context(set_claims=claims)).status is Status.PASS


def test_clm005_checks_configured_email_claim() -> None:
    config = make_config(email_claim_name="mail")
    finding = only("CLM005", healthy_context(config=config, set_claims={"mail": ["x"]}))
    assert finding.status is Status.FAIL
    assert finding.subject == "mail"


# CLM006 custom-claims-fit-access-jwt (severity warn)


def test_clm006_reports_size_when_it_fits() -> None:
    finding = only("CLM006", healthy_context())
    assert finding.status is Status.PASS
    size = serialized_size({"cognito:groups": ["admins"]})
    assert f"{size} bytes" in finding.message
    assert finding.evidence["actual"] == size


def test_clm006_warns_and_names_dropped_claims() -> None:
    config = make_config(claims=("sub", "cognito:groups", "custom:team", "name"))
    groups = [f"group-with-a-fairly-long-name-{n:03d}" for n in range(80)]
    ctx = healthy_context(
        config=config, set_claims={"cognito:groups": groups, "custom:team": "blue", "name": "A"}
    )
    finding = only("CLM006", ctx)
    assert finding.status is Status.WARN
    claims = ctx.id_token_claims
    assert claims is not None
    size = serialized_size(access_custom_claim(claims, config.claims))
    assert size > CUSTOM_CLAIM_BUDGET
    assert f"{size} bytes" in finding.message
    assert "drop: cognito:groups, custom:team, name" in finding.message
    assert "sub," not in finding.message.split("drop:")[1]


def test_clm006_boundary_is_inclusive() -> None:
    config = make_config(claims=("custom:blob",))
    overhead = serialized_size({"custom:blob": ""})
    at_limit = healthy_context(
        config=config, set_claims={"custom:blob": "x" * (CUSTOM_CLAIM_BUDGET - overhead)}
    )
    assert only("CLM006", at_limit).status is Status.PASS
    above = healthy_context(
        config=config, set_claims={"custom:blob": "x" * (CUSTOM_CLAIM_BUDGET + 1 - overhead)}
    )
    assert only("CLM006", above).status is Status.WARN


def test_clm006_budget_is_derived_from_the_4kb_cookie_with_the_arithmetic_shown() -> None:
    # PR 31700 (https://github.com/cloudflare/cloudflare-docs/pull/31700) names only a budget
    # "near 4 KB cookie limit"; the rest of the token is Cloudflare's sample application token.
    arithmetic = BudgetArithmetic()
    assert arithmetic.cookie_value == 4096 - len("CF_Authorization=")
    assert arithmetic.signature == 342  # 256 bytes of RS256 signature in base64url
    assert arithmetic.budget == CUSTOM_CLAIM_BUDGET
    assert 2000 < CUSTOM_CLAIM_BUDGET < 2700
    assert "approximate" in CUSTOM_CLAIM_BUDGET_NOTE
    assert arithmetic.explain() in CUSTOM_CLAIM_BUDGET_NOTE


def test_clm006_counts_utf8_bytes() -> None:
    assert serialized_size({"n": "é"}) == len('{"n":"é"}'.encode())


def test_clm006_ignores_claims_not_configured() -> None:
    ctx = healthy_context(set_claims={"custom:huge": "x" * 5000})
    assert only("CLM006", ctx).status is Status.PASS


# Secrets


def _contexts() -> list[RunContext]:
    config = make_config(claims=("cognito:groups", "custom:team", "name"))
    return [
        healthy_context(config=config),
        healthy_context(config=config, drop=["email", "cognito:groups", "email_verified"]),
        healthy_context(
            config=config,
            set_claims={"cognito:groups": "a,b", "email": "not-an-email", "email_verified": "no"},
        ),
        healthy_context(claims={**healthy_claims(), "cognito:groups": ["g" * 60] * 30}),
    ]


@pytest.mark.parametrize("ctx", _contexts())
def test_no_secret_in_any_claim_finding(ctx: RunContext) -> None:
    secrets = secrets_in(ctx)
    for check_id in CLM_IDS:
        for finding in run(check_id, ctx):
            dump = text_of(finding) + json.dumps(finding.evidence, default=str)
            for secret in secrets:
                assert secret not in dump, (check_id, finding.message)


@pytest.mark.parametrize("check_id", CLM_IDS)
def test_empty_run_only_skips(check_id: str) -> None:
    findings = run(check_id, make_context())
    assert findings
    assert all(f.status is Status.SKIP for f in findings), findings
    assert all(f.message for f in findings)


def test_clm003_names_a_near_claim_the_id_token_has() -> None:
    config = make_config(claims=("custom:departmnt",))
    ctx = healthy_context(config=config, set_claims={"custom:department": "sales"})
    finding = only("CLM003", ctx)
    assert finding.status is Status.FAIL
    assert "did you mean 'custom:department'?" in finding.message
    far = only("CLM003", healthy_context(config=make_config(claims=("custom:team",))))
    assert "did you mean" not in far.message
