"""TOK004, TOK005 and AUT005: pass, fail, warn and skip on hand-built active results."""

from __future__ import annotations

from typing import Any

from oidc_probe.core.active import (
    SIGN_IN_PAGE,
    ActiveResults,
    NotAttempted,
    UnregisteredRedirectAttempt,
    WrongVerifierAttempt,
)
from oidc_probe.core.context import AuthorizeError, HttpExchange, LoginResult
from oidc_probe.core.model import Status
from oidc_probe.core.settings import LoginMode, RunSettings
from tests.factories import ISSUER, failed_exchange, json_exchange, make_context
from tests.unit.checks.helpers import only

TOKEN_URL = "https://example.auth.us-east-1.amazoncognito.com/oauth2/token"
REGISTERED = "http://localhost:8765/callback"
UNREGISTERED = REGISTERED + "/oidc-probe-unregistered"
REFUSED = json_exchange(TOKEN_URL, {"error": "invalid_grant"}, status=400, method="POST")
ACCEPTED = json_exchange(
    TOKEN_URL, {"id_token": "a.b.c", "access_token": "x", "token_type": "Bearer"}, method="POST"
)
SIGNED_IN = LoginResult(callback_params={"code": "c0de", "state": "s"})


def ctx_with(active: ActiveResults | None = None, *, enabled: bool = True, **settings: Any) -> Any:
    return make_context(
        settings=RunSettings(issuer=ISSUER, active=enabled, **settings), active=active
    )


def redirect(
    login: LoginResult, *, signed_in: bool = True, baseline: LoginResult | None = SIGNED_IN
) -> ActiveResults:
    return ActiveResults(
        unregistered_redirect=UnregisteredRedirectAttempt(
            UNREGISTERED, REGISTERED, login, signed_in, baseline
        )
    )


def test_without_active_every_active_check_skips_saying_how_to_run_it() -> None:
    for check_id in ("TOK004", "TOK005", "AUT005"):
        finding = only(check_id, ctx_with(enabled=False))
        assert finding.status is Status.SKIP
        assert "run with --active" in finding.message


def test_tok004_passes_when_the_second_redemption_is_refused() -> None:
    finding = only("TOK004", ctx_with(ActiveResults(code_replay=REFUSED)))
    assert finding.status is Status.PASS
    assert finding.evidence["actual"] == {"status": 400, "error": "invalid_grant"}


def test_tok004_fails_when_the_code_is_accepted_twice() -> None:
    finding = only("TOK004", ctx_with(ActiveResults(code_replay=ACCEPTED)))
    assert finding.status is Status.FAIL
    assert "single-use" in finding.hint


def test_tok004_warns_on_a_server_error_and_skips_without_an_answer() -> None:
    error = HttpExchange("POST", TOKEN_URL, status=500, text="boom")
    assert only("TOK004", ctx_with(ActiveResults(code_replay=error))).status is Status.WARN
    silent = failed_exchange(TOKEN_URL, "connection refused", method="POST")
    finding = only("TOK004", ctx_with(ActiveResults(code_replay=silent)))
    assert finding.status is Status.SKIP
    assert "connection refused" in finding.message


def test_tok004_skips_with_the_stage_reason_when_not_attempted() -> None:
    results = ActiveResults(
        code_replay=NotAttempted("the main login's code exchange did not succeed")
    )
    finding = only("TOK004", ctx_with(results))
    assert finding.status is Status.SKIP
    assert "did not succeed" in finding.message


def test_tok005_passes_fails_and_skips() -> None:
    passed = ActiveResults(wrong_verifier=WrongVerifierAttempt(SIGNED_IN, REFUSED))
    assert only("TOK005", ctx_with(passed)).status is Status.PASS
    accepted = ActiveResults(wrong_verifier=WrongVerifierAttempt(SIGNED_IN, ACCEPTED))
    failed = only("TOK005", ctx_with(accepted))
    assert failed.status is Status.FAIL
    assert "code_verifier" in failed.hint
    no_code = ActiveResults(
        wrong_verifier=WrongVerifierAttempt(LoginResult(login_error="login failed: nope"))
    )
    skipped = only("TOK005", ctx_with(no_code))
    assert skipped.status is Status.SKIP
    assert "nope" in skipped.message


def test_aut005_fails_when_the_provider_redirects_to_the_unregistered_uri() -> None:
    finding = only(
        "AUT005", ctx_with(redirect(LoginResult(callback_params={"code": "c", "state": "s"})))
    )
    assert finding.status is Status.FAIL
    assert "with an authorization code" in finding.message
    assert finding.evidence["actual"]["redirected_to"] == UNREGISTERED


def test_aut005_fails_for_an_error_redirect_to_the_unregistered_uri_too() -> None:
    login = LoginResult(callback_params={"error": "invalid_request"})
    finding = only("AUT005", ctx_with(redirect(login)))
    assert finding.status is Status.FAIL
    assert "error invalid_request" in finding.message


def test_aut005_passes_on_cognitos_error_page() -> None:
    refused = LoginResult(
        authorize_error=AuthorizeError("redirect_mismatch", "", "error_page", "https://x/error")
    )
    finding = only("AUT005", ctx_with(redirect(refused)))
    assert finding.status is Status.PASS
    assert "redirect_mismatch" in finding.message


def test_aut005_skips_when_the_registered_uri_is_refused_too() -> None:
    refused = LoginResult(
        authorize_error=AuthorizeError("HTTP 404", "", "http", "https://x/authorize")
    )
    finding = only("AUT005", ctx_with(redirect(refused, signed_in=False, baseline=refused)))
    assert finding.status is Status.SKIP
    assert "registered redirect URI too" in finding.message


def test_aut005_warns_when_a_sign_in_page_is_shown_without_signing_in() -> None:
    page = LoginResult(login_error=f"{SIGN_IN_PAGE} https://x/login (HTTP 200) without signing in")
    finding = only(
        "AUT005",
        ctx_with(redirect(page, signed_in=False, baseline=page), login=LoginMode.INITIATE_AUTH),
    )
    assert finding.status is Status.WARN
    assert "--login form" in finding.hint


def test_aut005_passes_when_the_provider_sends_the_user_to_the_registered_uri() -> None:
    login = LoginResult(
        login_error="GET failed: connection refused", pages=("https://x/login", REGISTERED)
    )
    finding = only("AUT005", ctx_with(redirect(login)))
    assert finding.status is Status.PASS
    assert "registered one" in finding.message
