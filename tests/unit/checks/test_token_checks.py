"""TOK001-TOK003: checks of the token exchange."""

from __future__ import annotations

from typing import Any

import pytest

from oidc_probe.core.context import HttpExchange, LoginResult, RunContext
from oidc_probe.core.model import Status
from oidc_probe.core.settings import ClientAuth, RunSettings
from tests.factories import (
    DOMAIN,
    ISSUER,
    failed_exchange,
    html_exchange,
    json_exchange,
    make_config,
    make_context,
)
from tests.unit.checks.helpers import by_subject, only, run, text_of

TOKEN_URL = f"{DOMAIN}/oauth2/token"
SECRET = "s3cr3t-value-for-tests"
ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
ACCESS_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6Im9wZW5pZCJ9.YWNjZXNz"
TOK_IDS = ["TOK001", "TOK002", "TOK003"]


def token_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id_token": ID_TOKEN,
        "access_token": ACCESS_TOKEN,
        "refresh_token": "refresh-token-value",
        "token_type": "Bearer",
        "expires_in": 3600,
    }
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def token_fetch(
    body: Any = None, status: int = 200, headers: dict[str, str] | None = None
) -> HttpExchange:
    return json_exchange(
        TOKEN_URL,
        token_body() if body is None else body,
        status=status,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"} if headers is None else headers,
        method="POST",
    )


def ctx_with(fetch: HttpExchange | None, **kwargs: Any) -> RunContext:
    login = LoginResult(callback_params={"code": "the-code-value", "state": "s"})
    return make_context(login=login, token_fetch=fetch, **kwargs)


def error_fetch(error: str, description: str = "", status: int = 400) -> HttpExchange:
    body = {"error": error}
    if description:
        body["error_description"] = description
    return token_fetch(body, status=status, headers={})


@pytest.mark.parametrize("check_id", TOK_IDS)
def test_a_good_exchange_passes(check_id: str) -> None:
    assert [f.status for f in run(check_id, ctx_with(token_fetch()))] == [Status.PASS]


@pytest.mark.parametrize("check_id", TOK_IDS)
def test_every_check_skips_without_a_code(check_id: str) -> None:
    finding = only(check_id, make_context(login=LoginResult(login_error="bad password")))
    assert finding.status is Status.SKIP
    assert "AUT002" in finding.message


@pytest.mark.parametrize("check_id", TOK_IDS[1:])
def test_later_checks_skip_naming_tok001(check_id: str) -> None:
    finding = only(check_id, ctx_with(error_fetch("invalid_grant")))
    assert finding.status is Status.SKIP
    assert "TOK001" in finding.message


# TOK001 token-exchange-succeeded


@pytest.mark.parametrize(
    ("error", "description", "advice"),
    [
        ("invalid_client", "", "client secret is wrong"),
        ("invalid_client", "", "create an app client with a client secret"),
        ("invalid_grant", "", "reused"),
        ("invalid_grant", "", "email_verified"),
        ("unauthorized_client", "", "Authorization code grant"),
        ("unauthorized_client", "invalid_redirect", "redirect_uri"),
        ("invalid_request", "", "--client-auth"),
        ("unsupported_grant_type", "", "authorization code grant"),
    ],
)
def test_tok001_shows_the_error_with_a_hint(error: str, description: str, advice: str) -> None:
    finding = only("TOK001", ctx_with(error_fetch(error, description)))
    assert finding.status is Status.FAIL
    assert error in finding.message
    assert description in finding.message
    assert finding.evidence["actual"]["error"] == error
    assert advice in finding.hint


def test_tok001_invalid_client_with_basic_suggests_post() -> None:
    finding = only("TOK001", ctx_with(error_fetch("invalid_client")))
    assert "--client-auth post" in finding.hint
    assert "do contain such characters" not in finding.hint


def test_tok001_invalid_client_with_basic_notes_special_characters() -> None:
    ctx = ctx_with(error_fetch("invalid_client"), config=make_config(client_secret="a+b/c="))
    assert "do contain such characters" in only("TOK001", ctx).hint


def test_tok001_invalid_client_with_post_does_not_blame_basic_auth() -> None:
    settings = RunSettings(issuer=ISSUER, client_auth=ClientAuth.POST)
    finding = only("TOK001", ctx_with(error_fetch("invalid_client"), settings=settings))
    assert "--client-auth post" not in finding.hint


def test_tok001_never_shows_the_secret_or_code() -> None:
    fetch = error_fetch("invalid_client", f"client secret {SECRET} does not match the-code-value")
    finding = only("TOK001", ctx_with(fetch))
    shown = text_of(finding)
    assert SECRET not in shown
    assert "the-code-value" not in shown
    assert "[redacted]" in finding.message


def test_tok001_names_transport_errors() -> None:
    finding = only("TOK001", ctx_with(failed_exchange(TOKEN_URL, "timed out", method="POST")))
    assert finding.status is Status.FAIL
    assert TOKEN_URL in finding.message
    assert "timed out" in finding.message


def test_tok001_names_html_pages() -> None:
    fetch = html_exchange(TOKEN_URL, "<html>Not Found</html>", status=404, method="POST")
    finding = only("TOK001", ctx_with(fetch))
    assert finding.status is Status.FAIL
    assert "HTML page" in finding.message
    assert "/oauth2/token" in finding.hint


def test_tok001_server_errors() -> None:
    fetch = HttpExchange("POST", TOKEN_URL, status=502, text="bad gateway")
    finding = only("TOK001", ctx_with(fetch))
    assert finding.status is Status.FAIL
    assert "HTTP 502" in finding.message
    assert "logs" in finding.hint


# TOK002 token-response-shape


def test_tok002_accepts_bearer_in_any_case() -> None:
    ctx = ctx_with(token_fetch(token_body(token_type="bearer")))
    assert only("TOK002", ctx).status is Status.PASS


def test_tok002_names_every_problem_with_subjects() -> None:
    body = token_body(token_type="mac", id_token=None, access_token=42, expires_in="3600")
    findings = by_subject(run("TOK002", ctx_with(token_fetch(body))))
    assert set(findings) == {"token_type", "id_token", "access_token", "expires_in"}
    assert all(f.status is Status.FAIL for f in findings.values())
    assert "openid" in findings["id_token"].hint
    assert findings["token_type"].evidence["actual"] == "mac"
    assert findings["access_token"].evidence["actual"] == "number"


def test_tok002_warns_when_expires_in_is_missing() -> None:
    finding = only("TOK002", ctx_with(token_fetch(token_body(expires_in=None))))
    assert finding.status is Status.WARN
    assert finding.subject == "expires_in"


def test_tok002_rejects_boolean_expires_in() -> None:
    finding = only("TOK002", ctx_with(token_fetch(token_body(expires_in=True))))
    assert finding.status is Status.FAIL


def test_tok002_fails_for_a_non_json_body() -> None:
    fetch = HttpExchange(
        "POST", TOKEN_URL, status=200, headers={"content-type": "text/plain"}, text="ok"
    )
    finding = only("TOK002", ctx_with(fetch))
    assert finding.status is Status.FAIL
    assert "not JSON" in finding.message


def test_tok002_never_shows_tokens() -> None:
    body = token_body(token_type="mac", expires_in="soon")
    for finding in run("TOK002", ctx_with(token_fetch(body))):
        assert ID_TOKEN not in text_of(finding)
        assert ACCESS_TOKEN not in text_of(finding)


# TOK003 token-response-no-store


def test_tok003_finds_no_store_among_directives() -> None:
    fetch = token_fetch(headers={"cache-control": "private, No-Store, max-age=0"})
    assert only("TOK003", ctx_with(fetch)).status is Status.PASS


def test_tok003_warns_without_no_store() -> None:
    finding = only("TOK003", ctx_with(token_fetch(headers={"Cache-Control": "max-age=60"})))
    assert finding.status is Status.WARN
    assert finding.evidence == {"expected": "no-store", "actual": "max-age=60"}
    assert "RFC 6749 5.1" in finding.hint


def test_tok003_warns_without_cache_control() -> None:
    finding = only("TOK003", ctx_with(token_fetch(headers={})))
    assert finding.status is Status.WARN
    assert finding.evidence["actual"] == "no Cache-Control header"


def test_tok002_names_the_missing_openid_scope() -> None:
    config = make_config(scopes=("email", "profile"))
    findings = by_subject(
        run("TOK002", ctx_with(token_fetch(token_body(id_token=None)), config=config))
    )
    hint = findings["id_token"].hint
    assert findings["id_token"].status is Status.FAIL
    assert 'lack "openid"' in hint
    assert "(email profile)" in hint
