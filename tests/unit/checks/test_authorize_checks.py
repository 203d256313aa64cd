"""AUT001-AUT004: checks of the authorization request, the login and the callback."""

from __future__ import annotations

from typing import Any

import pytest

from oidc_probe.core.context import AuthorizationRequest, AuthorizeError, LoginResult, RunContext
from oidc_probe.core.model import Status
from oidc_probe.core.settings import RunSettings
from tests.factories import DOMAIN, ISSUER, json_exchange, make_config, make_context
from tests.unit.checks.helpers import only, run, text_of

STATE = "s" * 43
REDIRECT = "http://localhost:8765/callback"
AUT_IDS = ["AUT001", "AUT002", "AUT003", "AUT004"]


def authorization(**changes: Any) -> AuthorizationRequest:
    values: dict[str, Any] = {
        "url": f"{DOMAIN}/oauth2/authorize?client_id=x",
        "state": STATE,
        "nonce": "n" * 43,
        "redirect_uri": REDIRECT,
        "scope": "openid email profile",
    }
    values.update(changes)
    return AuthorizationRequest(**values)


def ctx_with(login: LoginResult | None, **artefacts: Any) -> RunContext:
    return make_context(authorization=authorization(), login=login, **artefacts)


def callback(**params: str) -> LoginResult:
    values = {"code": "the-authorization-code", "state": STATE, **params}
    return LoginResult(callback_url=f"{REDIRECT}?code=x", callback_params=values)


def refused(error: str, description: str = "", via: str = "redirect") -> LoginResult:
    url = f"{DOMAIN}/error?error={error}&client_id=abc" if via == "error_page" else REDIRECT
    return LoginResult(authorize_error=AuthorizeError(error, description, via, url))


@pytest.mark.parametrize("check_id", AUT_IDS)
def test_every_check_skips_when_the_stage_did_not_run(check_id: str) -> None:
    ctx = make_context()
    ctx.stopped["authorize"] = "auth_url not usable"
    finding = only(check_id, ctx)
    assert finding.status is Status.SKIP
    assert "auth_url not usable" in finding.message


# AUT001 authorize-accepted


def test_aut001_passes_when_the_callback_is_reached() -> None:
    assert only("AUT001", ctx_with(callback())).status is Status.PASS


def test_aut001_passes_when_a_login_page_was_shown() -> None:
    login = LoginResult(login_error="Incorrect username or password.")
    assert only("AUT001", ctx_with(login)).status is Status.PASS


def test_aut001_fails_when_the_authorization_request_got_no_answer() -> None:
    """A TLS verification failure is not a login page: AUT001 cannot pass (issue 20)."""
    cause = "TLS certificate verification failed (self-signed certificate)"
    login = LoginResult(login_error=f"GET x failed: {cause}", authorize_unanswered=cause)
    finding = only("AUT001", ctx_with(login))
    assert finding.status is Status.FAIL
    assert cause in finding.message
    assert "--ca-bundle" in finding.hint


def test_aut001_recognises_cognitos_redirect_mismatch_page() -> None:
    finding = only("AUT001", ctx_with(refused("redirect_mismatch", via="error_page")))
    assert finding.status is Status.FAIL
    assert "redirect_mismatch" in finding.message
    assert f"add the exact redirect URI {REDIRECT}" in finding.hint
    assert "Allowed callback URLs" in finding.hint
    assert "client_id" in finding.hint
    assert finding.evidence["actual"]["via"] == "error_page"
    assert "?" not in finding.evidence["actual"]["url"]


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        ("invalid_scope", "allowed OAuth scopes"),
        ("unauthorized_client", "Authorization code grant"),
        ("invalid_request", "S256"),
        ("server_error", "Lambda trigger"),
    ],
)
def test_aut001_error_redirects_have_cognito_hints(error: str, advice: str) -> None:
    finding = only("AUT001", ctx_with(refused(error, "something went wrong")))
    assert finding.status is Status.FAIL
    assert error in finding.message
    assert "something went wrong" in finding.message
    assert advice in finding.hint


def test_aut001_cognito_advice_is_left_out_for_other_providers() -> None:
    config = make_config(
        auth_url="https://login.example.com/authorize",
        token_url="https://login.example.com/token",
        certs_url="https://login.example.com/jwks",
    )
    ctx = make_context(
        config,
        RunSettings(issuer="https://login.example.com"),
        authorization=authorization(),
        login=refused("invalid_scope"),
    )
    finding = only("AUT001", ctx)
    assert "not allowed for this client" in finding.hint
    assert "Cognito" not in finding.hint


def test_aut001_treats_an_error_on_the_callback_as_refused() -> None:
    login = LoginResult(callback_params={"error": "access_denied", "state": STATE})
    finding = only("AUT001", ctx_with(login))
    assert finding.status is Status.FAIL
    assert "access_denied" in finding.message


def test_aut001_http_error_points_at_auth_url() -> None:
    finding = only("AUT001", ctx_with(refused("HTTP 404", via="http")))
    assert finding.status is Status.FAIL
    assert "/oauth2/authorize" in finding.hint


# AUT002 login-completed


def test_aut002_passes_with_a_code() -> None:
    assert only("AUT002", ctx_with(callback())).status is Status.PASS


def test_aut002_fails_with_the_page_error_text() -> None:
    finding = only("AUT002", ctx_with(LoginResult(login_error="Incorrect username or password.")))
    assert finding.status is Status.FAIL
    assert "Incorrect username or password." in finding.message
    assert "--username" in finding.hint


def test_aut002_never_shows_the_password() -> None:
    password = "hunter2-password"
    ctx = make_context(
        settings=RunSettings(issuer=ISSUER, username="u", password=password),
        authorization=authorization(),
        login=LoginResult(login_error=f"rejected {password}"),
    )
    assert password not in text_of(only("AUT002", ctx))


def test_aut002_names_browser_login_modes_when_javascript_is_needed() -> None:
    login = LoginResult(needs_javascript=True, login_error="the page needs JavaScript")
    finding = only("AUT002", ctx_with(login))
    assert finding.status is Status.FAIL
    assert "JavaScript" in finding.message
    for mode in ("--login browser", "--login paste", "--login headless-browser"):
        assert mode in finding.hint


def test_aut002_fails_for_a_callback_without_code() -> None:
    login = LoginResult(callback_params={"state": STATE})
    finding = only("AUT002", ctx_with(login))
    assert finding.status is Status.FAIL
    assert "without an authorization code" in finding.message


def test_aut002_skips_when_authorization_was_refused() -> None:
    finding = only("AUT002", ctx_with(refused("redirect_mismatch", via="error_page")))
    assert finding.status is Status.SKIP
    assert "AUT001" in finding.message


# AUT003 state-echoed


def test_aut003_passes_when_state_matches_without_showing_it() -> None:
    finding = only("AUT003", ctx_with(callback()))
    assert finding.status is Status.PASS
    assert "matches" in finding.message
    assert STATE not in text_of(finding)


def test_aut003_fails_when_state_differs_showing_lengths_only() -> None:
    other = "t" * 12
    finding = only("AUT003", ctx_with(callback(state=other)))
    assert finding.status is Status.FAIL
    assert "differs" in finding.message
    assert finding.evidence == {"expected": {"length": 43}, "actual": {"length": 12}}
    assert STATE not in text_of(finding)
    assert other not in text_of(finding)


def test_aut003_fails_when_state_is_missing() -> None:
    login = LoginResult(callback_params={"code": "c"})
    finding = only("AUT003", ctx_with(login))
    assert finding.status is Status.FAIL
    assert "no state" in finding.message


def test_aut003_skips_without_a_callback() -> None:
    finding = only("AUT003", ctx_with(LoginResult(login_error="bad password")))
    assert finding.status is Status.SKIP


# AUT004 callback-iss-matches


def test_aut004_passes_for_the_issuer() -> None:
    assert only("AUT004", ctx_with(callback(iss=ISSUER))).status is Status.PASS


def test_aut004_fails_for_another_issuer() -> None:
    finding = only("AUT004", ctx_with(callback(iss="https://evil.example")))
    assert finding.status is Status.FAIL
    assert finding.evidence == {"expected": ISSUER, "actual": "https://evil.example"}
    assert "RFC 9207" in finding.hint


def test_aut004_is_info_when_iss_is_absent() -> None:
    assert only("AUT004", ctx_with(callback())).status is Status.INFO


def test_aut004_fails_when_advertised_but_absent() -> None:
    discovery = json_exchange(
        f"{ISSUER}/.well-known/openid-configuration",
        {"issuer": ISSUER, "authorization_response_iss_parameter_supported": True},
    )
    finding = only("AUT004", ctx_with(callback(), discovery_fetch=discovery))
    assert finding.status is Status.FAIL
    assert "authorization_response_iss_parameter_supported" in finding.message


def test_aut004_skips_without_a_callback() -> None:
    assert only("AUT004", ctx_with(refused("invalid_scope"))).status is Status.SKIP


def test_aut_findings_never_show_the_code() -> None:
    for check_id in AUT_IDS:
        for finding in run(check_id, ctx_with(callback(iss="https://evil.example"))):
            assert "the-authorization-code" not in text_of(finding)


def test_aut001_reads_invalid_request_with_invalid_scope_as_a_scope_refusal() -> None:
    finding = only("AUT001", ctx_with(refused("invalid_request", "invalid_scope")))
    assert finding.status is Status.FAIL
    assert "allowed OAuth scopes" in finding.hint
    assert "configured scopes:" in finding.hint


def test_aut001_names_the_redirect_uri_for_an_error_page_served_as_http_200() -> None:
    """Issue 22: a provider that refuses with a page and HTTP 200 (LemonLDAP::NG) fails
    AUT001, and the hint names the redirect URI in neutral words."""
    login = refused("error page (HTTP 200)", "Go to portal", via="page")
    ctx = make_context(
        authorization=authorization(url="https://sso.example.org/oauth2/authorize?client_id=x"),
        login=login,
    )
    finding = only("AUT001", ctx)
    assert finding.status is Status.FAIL
    assert "an error page served as HTTP 200" in finding.message
    assert f"add the exact redirect URI {REDIRECT} to the redirect URIs" in finding.hint
    assert "app client" not in finding.hint
    assert "Cognito" not in finding.hint
