"""AUT006 (the authorization response's shape) and the near misses of AUT003 and AUT004."""

from __future__ import annotations

import pytest

from oidc_probe.core.context import LoginResult
from oidc_probe.core.model import Status
from oidc_probe.login.callback import callback_result
from tests.factories import ISSUER
from tests.unit.checks.helpers import only, text_of
from tests.unit.checks.test_authorize_checks import REDIRECT, STATE, callback, ctx_with

CODE = "c0de-Secret-Value-9f8e7d6c"


def returned(url: str) -> LoginResult:
    """What the login drivers record for a redirect to ``url``."""
    return callback_result(url)


def test_aut006_passes_a_plain_query_response() -> None:
    finding = only("AUT006", ctx_with(returned(f"{REDIRECT}?code={CODE}&state={STATE}")))
    assert finding.status is Status.PASS


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (f"{REDIRECT}?code={CODE}&state={STATE}&error=server_error", "both code and error"),
        (f"{REDIRECT}?state=decoy&code={CODE}&state={STATE}", "state appear more than once"),
        (f"{REDIRECT}?code={CODE}&code=other&state={STATE}", "code appear more than once"),
        (f"{REDIRECT}#code={CODE}&state={STATE}", "fragment"),
    ],
)
def test_aut006_fails_each_malformed_response(url: str, words: str) -> None:
    finding = only("AUT006", ctx_with(returned(url)))
    assert finding.status is Status.FAIL
    assert words in finding.message
    assert CODE not in text_of(finding)
    assert STATE not in text_of(finding)


def test_aut006_skips_without_a_callback_url_or_callback() -> None:
    assert only("AUT006", ctx_with(LoginResult(login_error="bad password"))).status is Status.SKIP
    no_url = LoginResult(callback_params={"code": CODE, "state": STATE})
    assert only("AUT006", ctx_with(no_url)).status is Status.SKIP


@pytest.mark.parametrize(
    ("state", "words"),
    [(STATE.upper(), "only in letter case"), (f" {STATE}\n", "only by surrounding whitespace")],
)
def test_aut003_names_near_misses_without_showing_the_state(state: str, words: str) -> None:
    finding = only("AUT003", ctx_with(callback(state=state)))
    assert finding.status is Status.FAIL
    assert words in finding.message
    assert STATE not in text_of(finding)


@pytest.mark.parametrize("iss", [ISSUER + "/", ISSUER.upper(), "https://evil.example/pool"])
def test_aut004_mix_up_and_near_misses_fail(iss: str) -> None:
    assert only("AUT004", ctx_with(callback(iss=iss))).status is Status.FAIL


def test_aut006_is_documented() -> None:
    from tests.unit.checks.token_fixtures import assert_documented

    assert_documented("AUT006")


def test_aut004_judges_iss_on_an_error_redirect_too() -> None:
    url = f"{REDIRECT}?error=access_denied&state={STATE}&iss=https%3A%2F%2Fevil.example"
    assert only("AUT004", ctx_with(returned(url))).status is Status.FAIL
    assert only("AUT004", ctx_with(returned(f"{REDIRECT}?error=access_denied"))).status is (
        Status.INFO
    )


def test_aut001_points_at_aut006_when_a_code_came_with_the_error() -> None:
    url = f"{REDIRECT}?code={CODE}&state={STATE}&error=server_error"
    finding = only("AUT001", ctx_with(returned(url)))
    assert finding.status is Status.FAIL
    assert "see AUT006" in finding.message
    assert CODE not in text_of(finding)
