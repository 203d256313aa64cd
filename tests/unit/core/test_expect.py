from __future__ import annotations

from typing import Any

import pytest

from oidc_probe.checks.catalogue import get_check
from oidc_probe.checks.registry import run_check
from oidc_probe.core.context import DecodedJwt
from oidc_probe.core.errors import UsageError
from oidc_probe.core.expect import Expectation, Kind, evaluate, parse_expectation
from oidc_probe.core.model import Finding, Status
from oidc_probe.core.settings import RunSettings
from tests.factories import ISSUER, make_context

CLAIMS: dict[str, Any] = {
    "email": "a@example.com",
    "email_verified": True,
    "cognito:groups": ["admins", "users"],
    "custom:team": "blue=green",
    "custom:level": 3,
    "groups_str": "admins,users",
    "identities": [{"primary": "true"}],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("email=a@example.com", Expectation("email", Kind.EQUALS, "a@example.com")),
        ("cognito:groups~=admins", Expectation("cognito:groups", Kind.CONTAINS, "admins")),
        ("custom:team=blue=green", Expectation("custom:team", Kind.EQUALS, "blue=green")),
        ("email", Expectation("email", Kind.PRESENT)),
        ("!custom:x", Expectation("custom:x", Kind.ABSENT)),
        ("name=", Expectation("name", Kind.EQUALS, "")),
    ],
)
def test_parse_forms(text: str, expected: Expectation) -> None:
    parsed = parse_expectation(text)
    assert parsed == expected
    assert parsed.text == text


@pytest.mark.parametrize("text", ["", "  ", "=x", "~=x", "!", "!a=b"])
def test_parse_errors_are_one_line_usage_errors(text: str) -> None:
    with pytest.raises(UsageError) as exc:
        parse_expectation(text)
    assert "\n" not in str(exc.value)
    assert "--expect" in str(exc.value)


@pytest.mark.parametrize(
    ("text", "met"),
    [
        ("email=a@example.com", True),
        ("email=A@example.com", False),
        ("email_verified=true", True),
        ("email_verified=TRUE", True),
        ("email_verified=false", False),
        ("email_verified=1", False),
        ("custom:level=3", True),
        ("custom:level=3.0", True),
        ("custom:level=4", False),
        ("custom:level=three", False),
        ("custom:team=blue=green", True),
        ("cognito:groups~=admins", True),
        ("cognito:groups~=admin", False),
        ("cognito:groups=admins", False),
        ('cognito:groups=["admins","users"]', True),
        ('cognito:groups=["users","admins"]', False),
        ("groups_str~=admins", False),
        ("groups_str~=admins,users", True),
        ('identities=[{"primary":"true"}]', True),
        ("email", True),
        ("missing", False),
        ("!missing", True),
        ("!email", False),
        ("missing=x", False),
        ("missing~=x", False),
    ],
)
def test_evaluate(text: str, met: bool) -> None:
    assert evaluate(parse_expectation(text), CLAIMS).met is met


def test_membership_hint_for_equals_on_array_and_split_hint_for_strings() -> None:
    assert "~=" in evaluate(parse_expectation("cognito:groups=admins"), CLAIMS).hint
    assert "CLM005" in evaluate(parse_expectation("groups_str~=admins"), CLAIMS).hint


def _ctx(expect: list[str], claims: dict[str, Any] | None = CLAIMS) -> Any:
    settings = RunSettings(issuer=ISSUER, expectations=tuple(parse_expectation(e) for e in expect))
    token = DecodedJwt(raw="x.y.z", header={"alg": "RS256"}, claims=claims)
    return make_context(settings=settings, id_token=None if claims is None else token)


def test_exp001_one_finding_per_expectation_with_evidence() -> None:
    spec = get_check("EXP001")
    assert spec is not None
    findings = run_check(spec, _ctx(["cognito:groups~=admins", "!email"]))
    assert [(f.subject, f.status) for f in findings] == [
        ("cognito:groups~=admins", Status.PASS),
        ("!email", Status.FAIL),
    ]
    assert findings[1].evidence == {"expected": "email absent", "actual": "a@example.com"}
    assert findings[0].evidence["actual"] == ["admins", "users"]


def _exp001(ctx: Any) -> list[Finding]:
    spec = get_check("EXP001")
    assert spec is not None
    return run_check(spec, ctx)


def test_exp001_missing_claim_evidence_says_absent() -> None:
    (outcome,) = _exp001(_ctx(["custom:x=1"]))
    assert outcome.status is Status.FAIL
    assert outcome.evidence["actual"] == "(absent)"
    assert "CLM003" in outcome.hint


def test_exp001_skips_without_expectations_or_without_a_token() -> None:
    (outcome,) = _exp001(_ctx([]))
    assert outcome.status is Status.SKIP
    outcomes = _exp001(_ctx(["email"], claims=None))
    assert [o.status for o in outcomes] == [Status.SKIP]
    assert outcomes[0].subject == "email"
