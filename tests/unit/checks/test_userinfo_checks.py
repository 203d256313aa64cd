"""Unit tests of the userinfo checks USR001-USR002."""

from __future__ import annotations

import json

import pytest

from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Status
from oidc_probe.core.settings import RunSettings
from tests.factories import failed_exchange, json_exchange, make_context
from tests.unit.checks.helpers import only, run, text_of
from tests.unit.checks.token_fixtures import (
    DISCOVERY_URL,
    SUB,
    USERINFO_URL,
    assert_documented,
    bare_exchange,
    failed_userinfo,
    healthy_context,
    secrets_in,
)

USR_IDS = ["USR001", "USR002"]


@pytest.mark.parametrize("check_id", USR_IDS)
def test_healthy_run_passes(check_id: str) -> None:
    assert only(check_id, healthy_context()).status is Status.PASS


@pytest.mark.parametrize("check_id", USR_IDS)
def test_documented(check_id: str) -> None:
    assert_documented(check_id)


# USR001 userinfo-reachable


def test_usr001_pass_lists_claim_names_only() -> None:
    finding = only("USR001", healthy_context())
    assert "4 claim(s)" in finding.message
    assert finding.evidence["actual"] == ["email", "email_verified", "sub", "username"]
    assert "ana@example.com" not in text_of(finding)


def test_usr001_transport_error_named() -> None:
    fetch = failed_exchange(USERINFO_URL, "connection refused")
    finding = only("USR001", healthy_context(userinfo_fetch=fetch))
    assert finding.status is Status.FAIL
    assert "connection refused" in finding.message
    assert USERINFO_URL in finding.message
    assert "Access itself does not call userinfo" in finding.message


def test_usr001_unauthorized_hint_for_cognito() -> None:
    finding = only("USR001", healthy_context(userinfo_fetch=failed_userinfo(401)))
    assert finding.status is Status.FAIL
    assert "HTTP 401" in finding.message
    assert "openid scope" in finding.hint
    assert "Cognito" in finding.hint
    other = RunSettings(issuer="https://login.example.com")
    generic = only("USR001", healthy_context(settings=other, userinfo_fetch=failed_userinfo(403)))
    assert "Cognito" not in generic.hint


def test_usr001_server_error() -> None:
    finding = only("USR001", healthy_context(userinfo_fetch=failed_userinfo(502)))
    assert finding.status is Status.FAIL
    assert finding.evidence == {"expected": "HTTP 200", "actual": 502}


def test_usr001_html_is_not_json() -> None:
    fetch = bare_exchange(USERINFO_URL, 200, "<html>login</html>", "text/html")
    finding = only("USR001", healthy_context(userinfo_fetch=fetch))
    assert finding.status is Status.FAIL
    assert "not return a JSON object" in finding.message
    assert finding.evidence["actual"] == "text/html"


def test_usr001_json_array_is_not_an_object() -> None:
    fetch = json_exchange(USERINFO_URL, ["sub"])
    finding = only("USR001", healthy_context(userinfo_fetch=fetch))
    assert finding.status is Status.FAIL
    assert "array" in finding.message


def test_usr001_info_when_discovery_names_no_endpoint() -> None:
    discovery = json_exchange(DISCOVERY_URL, {"issuer": "x"})
    finding = only("USR001", healthy_context(discovery_fetch=discovery, userinfo_fetch=None))
    assert finding.status is Status.INFO
    assert "Access itself does not call userinfo" in finding.message


def test_usr001_skips_without_discovery_or_access_token() -> None:
    no_discovery = healthy_context(discovery_fetch=None, userinfo_fetch=None)
    skipped = only("USR001", no_discovery)
    assert skipped.status is Status.SKIP
    assert "DSC001" in skipped.message
    token_fetch = failed_exchange("https://x.example/token", "timeout", "POST")
    no_token = only("USR001", healthy_context(token_fetch=token_fetch, userinfo_fetch=None))
    assert no_token.status is Status.SKIP
    assert "TOK001" in no_token.message


# USR002 userinfo-sub-matches


def test_usr002_fails_on_other_user() -> None:
    ctx = healthy_context(userinfo={"sub": "someone-else"})
    finding = only("USR002", ctx)
    assert finding.status is Status.FAIL
    assert finding.evidence == {"expected": SUB, "actual": "someone-else"}
    assert "another user" in finding.message


def test_usr002_fails_without_sub() -> None:
    finding = only("USR002", healthy_context(userinfo={"email": "ana@example.com"}))
    assert finding.status is Status.FAIL
    assert "no sub" in finding.message


def test_usr002_fails_on_non_string_sub() -> None:
    finding = only("USR002", healthy_context(userinfo={"sub": 12}))
    assert finding.status is Status.FAIL
    assert finding.evidence["actual"] == "number"


def test_usr002_skips_without_userinfo() -> None:
    finding = only("USR002", healthy_context(userinfo_fetch=failed_userinfo()))
    assert finding.status is Status.SKIP
    assert "USR001" in finding.message


def test_usr002_skips_without_id_token_sub() -> None:
    finding = only("USR002", healthy_context(drop=["sub"]))
    assert finding.status is Status.SKIP
    assert "IDT011" in finding.message


def _contexts() -> list[RunContext]:
    return [
        healthy_context(),
        healthy_context(userinfo={"sub": "x"}),
        healthy_context(userinfo_fetch=failed_userinfo()),
        healthy_context(userinfo_fetch=failed_exchange(USERINFO_URL, "timed out after 10 s")),
    ]


@pytest.mark.parametrize("ctx", _contexts())
def test_no_secret_in_any_userinfo_finding(ctx: RunContext) -> None:
    secrets = secrets_in(ctx)
    for check_id in USR_IDS:
        for finding in run(check_id, ctx):
            dump = text_of(finding) + json.dumps(finding.evidence, default=str)
            for secret in secrets:
                assert secret not in dump, (check_id, finding.message)


@pytest.mark.parametrize("check_id", USR_IDS)
def test_empty_run_only_skips(check_id: str) -> None:
    findings = run(check_id, make_context())
    assert findings
    assert all(f.status is Status.SKIP for f in findings), findings
    assert all(f.message for f in findings)
