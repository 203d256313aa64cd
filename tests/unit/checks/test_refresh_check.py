"""TOK007 refresh-grant: pass, each warning and skip, on hand-built refresh attempts."""

from __future__ import annotations

from typing import Any

import pytest

from oidc_probe.core.active import ActiveResults, NotAttempted, RefreshAttempt
from oidc_probe.core.context import DecodedJwt, HttpExchange, RunContext, SignatureResult
from oidc_probe.core.model import Status
from oidc_probe.core.settings import RunSettings
from tests.factories import ISSUER, failed_exchange, json_exchange, make_context
from tests.unit.checks.helpers import by_subject, only, run, text_of

TOKEN_URL = "https://example.auth.us-east-1.amazoncognito.com/oauth2/token"
CERTS_URL = f"{ISSUER}/.well-known/jwks.json"
CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"
REFRESH = "main-refresh-token-value-0001"
NEW_ACCESS = "refreshed-access-token-value"
NEW_ID = "refreshed.id-token.value"
SUB = "4f8e2b1c-9d3a-4c57-8e21-6b0a9f3d7c15"
MAIN_CLAIMS = {
    "iss": ISSUER,
    "sub": SUB,
    "aud": CLIENT_ID,
    "auth_time": 1_799_999_000,
    "nonce": "n0nce",
}
REFRESHED_CLAIMS = {k: v for k, v in MAIN_CLAIMS.items() if k != "nonce"}
VERIFIED = SignatureResult("RS256", "k1", True, True, "signature verified with key k1 (RS256)")


def refresh_ctx(
    attempt: RefreshAttempt | NotAttempted, *, jwks: bool = True, **results: Any
) -> RunContext:
    main = json_exchange(
        TOKEN_URL,
        {"id_token": "main.id.token", "access_token": "main-access", "refresh_token": REFRESH},
        method="POST",
    )
    return make_context(
        settings=RunSettings(issuer=ISSUER, active=True),
        active=ActiveResults(refresh=attempt, **results),
        token_fetch=main,
        id_token=DecodedJwt("main.id.token", {"alg": "RS256", "kid": "k1"}, MAIN_CLAIMS),
        jwks_fetch=json_exchange(CERTS_URL, {"keys": []}) if jwks else None,
    )


def answer(body: Any, status: int = 200) -> HttpExchange:
    return json_exchange(TOKEN_URL, body, status=status, method="POST")


def refreshed(
    claims: dict[str, Any] | None = None,
    signature: SignatureResult = VERIFIED,
    **extra: Any,
) -> RefreshAttempt:
    """A 200 answer with a new access token and an ID token carrying ``claims``."""
    body = {"access_token": NEW_ACCESS, "id_token": NEW_ID, "token_type": "Bearer", **extra}
    token = DecodedJwt(NEW_ID, {"alg": "RS256", "kid": "k1"}, claims or REFRESHED_CLAIMS)
    return RefreshAttempt(answer(body), token, signature)


def test_a_refresh_with_a_matching_id_token_and_no_nonce_passes() -> None:
    finding = only("TOK007", refresh_ctx(refreshed()))

    assert finding.status is Status.PASS
    assert "signature verifies" in finding.message
    assert "without a nonce" in finding.message
    assert "no new refresh token" in finding.message
    assert finding.evidence["actual"] == ["access_token", "id_token", "token_type"]
    for token in (REFRESH, NEW_ACCESS, NEW_ID):
        assert token not in text_of(finding)


def test_a_rotated_refresh_token_and_the_original_nonce_pass_and_are_named() -> None:
    attempt = refreshed({**MAIN_CLAIMS}, refresh_token="rotated-refresh-token")
    finding = only("TOK007", refresh_ctx(attempt))

    assert finding.status is Status.PASS
    assert "a new refresh token (rotation)" in finding.message
    assert "with the original nonce" in finding.message
    assert "rotated-refresh-token" not in text_of(finding)


def test_a_refresh_without_an_id_token_passes() -> None:
    attempt = RefreshAttempt(answer({"access_token": NEW_ACCESS, "token_type": "Bearer"}))
    finding = only("TOK007", refresh_ctx(attempt))

    assert finding.status is Status.PASS
    assert "no ID token" in finding.message


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("invalid_grant", "refresh token expiration"),
        ("invalid_client", "12.1"),
        ("unauthorized_client", "may not use the refresh_token grant"),
        ("unsupported_grant_type", "does not support"),
    ],
)
def test_a_refused_refresh_warns_with_the_error_and_its_hint(error: str, words: str) -> None:
    body = {"error": error, "error_description": f"token {REFRESH} is not valid"}
    finding = only("TOK007", refresh_ctx(RefreshAttempt(answer(body, status=400))))

    assert finding.status is Status.WARN
    assert f"HTTP 400 {error}" in finding.message
    assert words in finding.hint
    assert finding.evidence["actual"] == {"status": 400, "error": error}
    assert REFRESH not in text_of(finding)
    assert "[redacted]" in finding.message


def test_a_server_error_warns_as_neither_tokens_nor_an_oauth_error() -> None:
    error = HttpExchange("POST", TOKEN_URL, status=502, text="Bad Gateway")
    finding = only("TOK007", refresh_ctx(RefreshAttempt(error)))

    assert finding.status is Status.WARN
    assert "neither tokens nor an OAuth error" in finding.message


def test_a_200_that_is_not_json_warns() -> None:
    page = HttpExchange("POST", TOKEN_URL, status=200, text="<html>", json_error="Expecting value")
    finding = only("TOK007", refresh_ctx(RefreshAttempt(page)))

    assert finding.status is Status.WARN
    assert "not a JSON object" in finding.message


def test_an_answer_without_an_access_token_warns() -> None:
    finding = only("TOK007", refresh_ctx(RefreshAttempt(answer({"token_type": "Bearer"}))))

    assert finding.status is Status.WARN
    assert finding.subject == "access_token"


@pytest.mark.parametrize(
    ("changes", "subject"),
    [
        ({"sub": "00000000-0000-4000-8000-000000000000"}, "sub"),
        ({"iss": ISSUER + "x"}, "iss"),
        ({"aud": "another-client"}, "aud"),
        ({"azp": "another-client"}, "azp"),
        ({"auth_time": 1_800_000_000}, "auth_time"),
        ({"nonce": "another-nonce"}, "nonce"),
    ],
)
def test_each_claim_a_refresh_must_keep_warns_when_it_changes(
    changes: dict[str, Any], subject: str
) -> None:
    findings = run("TOK007", refresh_ctx(refreshed({**REFRESHED_CLAIMS, **changes})))

    assert [(f.subject, f.status) for f in findings] == [(subject, Status.WARN)]
    if subject != "nonce":
        assert findings[0].evidence["expected"] == MAIN_CLAIMS.get(subject, "absent")
        assert findings[0].evidence["actual"] == changes[subject]
    assert "another-nonce" not in text_of(findings[0])


def test_a_new_sub_and_a_bad_signature_are_each_reported() -> None:
    bad = SignatureResult("RS256", "k1", True, False, "the signature does not match the key")
    attempt = refreshed({**REFRESHED_CLAIMS, "sub": "someone-else"}, signature=bad)
    findings = by_subject(run("TOK007", refresh_ctx(attempt)))

    assert set(findings) == {"signature", "sub"}
    assert "does not match the key" in findings["signature"].message
    assert all(f.status is Status.WARN for f in findings.values())


def test_an_id_token_that_is_not_a_string_warns() -> None:
    attempt = RefreshAttempt(answer({"access_token": NEW_ACCESS, "id_token": {"jwt": NEW_ID}}))
    finding = only("TOK007", refresh_ctx(attempt))

    assert finding.status is Status.WARN
    assert finding.subject == "id_token"


def test_without_a_jwks_the_signature_is_said_unchecked_not_verified() -> None:
    unchecked = SignatureResult("RS256", "k1", None, None, "no JWKS to verify against")
    finding = only("TOK007", refresh_ctx(refreshed(signature=unchecked), jwks=False))

    assert finding.status is Status.PASS
    assert "signature was not checked" in finding.message


def test_no_answer_skips_with_the_reason() -> None:
    silent = failed_exchange(TOKEN_URL, "connection refused", method="POST")
    finding = only("TOK007", refresh_ctx(RefreshAttempt(silent)))

    assert finding.status is Status.SKIP
    assert "connection refused" in finding.message


def test_not_attempted_skips_with_the_stage_reason() -> None:
    reason = "the token response held no refresh_token (the app client may not allow it)"
    finding = only("TOK007", refresh_ctx(NotAttempted(reason)))

    assert finding.status is Status.SKIP
    assert finding.message == reason


def test_without_active_it_skips_saying_how_to_run_it() -> None:
    finding = only("TOK007", make_context())

    assert finding.status is Status.SKIP
    assert "run with --active" in finding.message
