"""--login initiate-auth: SECRET_HASH, the request, and every kind of answer as a login result."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from oidc_probe.core.context import AuthorizationRequest, HttpExchange
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import LoginMode, RunSettings
from oidc_probe.login.initiate_auth import (
    CHALLENGE_HINTS,
    FLOW_NOT_ENABLED_HINT,
    InitiateAuthLogin,
    api_endpoint,
    headless_driver,
    interpret,
    secret_hash,
)
from oidc_probe.plumbing.http import make_client
from tests.factories import ISSUER, make_config

ENDPOINT = "https://cognito-idp.us-east-1.amazonaws.com/"
REQUEST = AuthorizationRequest(
    url="https://x/oauth2/authorize",
    state="s",
    nonce="n",
    redirect_uri="http://localhost:8765/callback",
    scope="openid",
)


def answer(body: Any, status: int = 200) -> HttpExchange:
    return HttpExchange(
        "POST",
        ENDPOINT,
        status=status,
        headers={"content-type": "application/x-amz-json-1.1"},
        text=json.dumps(body),
        json=body,
    )


def test_secret_hash_is_base64_hmac_sha256_of_username_and_client_id() -> None:
    # Computed independently: printf 'alice7abc' | openssl dgst -sha256 -hmac s3cret -binary | base64
    assert secret_hash("alice", "7abc", "s3cret") == "42MdI+sNLcE2OHJT8cFosQpFkq3o6sXpx7VeNwi3buU="


@pytest.mark.parametrize(
    ("certs_url", "override", "expected"),
    [
        (
            "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Ab1/.well-known/jwks.json",
            None,
            "https://cognito-idp.eu-west-2.amazonaws.com/",
        ),
        (
            "http://127.0.0.1:9/ap-south-1_Zz9/.well-known/jwks.json",
            None,
            "https://cognito-idp.ap-south-1.amazonaws.com/",
        ),
        ("https://idp.example/jwks", None, None),
        ("https://idp.example/jwks", "http://127.0.0.1:5000/", "http://127.0.0.1:5000/"),
    ],
)
def test_api_endpoint(certs_url: str, override: str | None, expected: str | None) -> None:
    assert api_endpoint(certs_url, override) == expected


def test_the_driver_posts_user_password_auth_with_secret_hash() -> None:
    sent: list[httpx2.Request] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        result = {
            "IdToken": "h.p.s",
            "AccessToken": "a.b.c",
            "ExpiresIn": 3600,
            "TokenType": "Bearer",
        }
        return httpx2.Response(
            200, json={"AuthenticationResult": result, "ChallengeParameters": {}}
        )

    driver = InitiateAuthLogin(ENDPOINT, "7abc", "s3cret", "alice", "pw")
    with make_client(RunSettings(issuer=ISSUER), transport=httpx2.MockTransport(handle)) as client:
        result = driver.login(client, REQUEST)

    [request] = sent
    assert request.headers["x-amz-target"] == "AWSCognitoIdentityProviderService.InitiateAuth"
    assert request.headers["content-type"] == "application/x-amz-json-1.1"
    assert json.loads(request.content) == {
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": "7abc",
        "AuthParameters": {
            "USERNAME": "alice",
            "PASSWORD": "pw",
            "SECRET_HASH": secret_hash("alice", "7abc", "s3cret"),
        },
    }
    assert result.login_error is None
    assert result.token_fetch is not None
    assert result.token_fetch.json == {
        "id_token": "h.p.s",
        "access_token": "a.b.c",
        "expires_in": 3600,
        "token_type": "Bearer",
    }
    assert result.token_fetch.text == ""  # the raw body (all tokens) is not kept


def test_no_secret_no_secret_hash() -> None:
    body = InitiateAuthLogin(ENDPOINT, "7abc", None, "alice", "pw").request_body()
    assert "SECRET_HASH" not in body["AuthParameters"]


@pytest.mark.parametrize(
    "challenge", ["NEW_PASSWORD_REQUIRED", "SMS_MFA", "SOFTWARE_TOKEN_MFA", "MFA_SETUP"]
)
def test_challenges_fail_the_login_with_their_hint(challenge: str) -> None:
    result = interpret(
        answer({"ChallengeName": challenge, "Session": "sess-secret", "ChallengeParameters": {}})
    )
    assert result.token_fetch is None
    assert result.login_error is not None
    assert f"challenge {challenge}" in result.login_error
    assert "sess-secret" not in result.login_error
    assert result.hint == CHALLENGE_HINTS[challenge]


@pytest.mark.parametrize(
    ("body", "hint_part"),
    [
        (
            {
                "__type": "InvalidParameterException",
                "message": "USER_PASSWORD_AUTH flow not enabled for this client",
            },
            FLOW_NOT_ENABLED_HINT,
        ),
        (
            {
                "__type": "NotAuthorizedException",
                "message": "Unable to verify secret hash for client 7abc",
            },
            "client secret does not belong",
        ),
        (
            {"__type": "NotAuthorizedException", "message": "Incorrect username or password."},
            "--username",
        ),
        (
            {
                "__type": "com.amazonaws#UserNotConfirmedException",
                "message": "User is not confirmed.",
            },
            "confirm",
        ),
        (
            {
                "__type": "ResourceNotFoundException",
                "message": "User pool client 7abc does not exist.",
            },
            "--cognito-endpoint",
        ),
    ],
)
def test_api_errors_fail_the_login_with_a_hint(body: dict[str, str], hint_part: str) -> None:
    result = interpret(answer(body, status=400))
    assert result.login_error is not None
    assert result.login_error.startswith("login failed: InitiateAuth at")
    assert body["message"] in result.login_error
    assert body["__type"].rsplit("#", 1)[-1] in result.login_error
    assert hint_part in result.hint


def test_network_errors_and_html_are_described() -> None:
    down = interpret(HttpExchange("POST", ENDPOINT, error="connection refused"))
    assert "connection refused" in (down.login_error or "")
    page = interpret(
        HttpExchange(
            "POST", ENDPOINT, status=404, headers={"content-type": "text/html"}, text="<html>"
        )
    )
    assert "not Cognito's JSON" in (page.login_error or "")
    assert "--cognito-endpoint" in page.hint


def test_headless_driver_needs_an_endpoint_for_initiate_auth() -> None:
    config = make_config(certs_url="https://idp.example/jwks")
    settings = RunSettings(issuer=ISSUER, login=LoginMode.INITIATE_AUTH, username="a", password="b")
    with pytest.raises(UsageError, match="--cognito-endpoint"):
        headless_driver(config, settings)
    driver = headless_driver(make_config(), settings)
    assert isinstance(driver, InitiateAuthLogin)
    assert driver.endpoint == ENDPOINT


def test_initiate_auth_on_plain_http_to_a_remote_host_stops_before_sending() -> None:
    import httpx2
    import pytest

    from oidc_probe.core.errors import UsageError
    from oidc_probe.login.initiate_auth import InitiateAuthLogin

    sent: list[httpx2.Request] = []
    transport = httpx2.MockTransport(lambda r: (sent.append(r), httpx2.Response(500))[1])
    driver = InitiateAuthLogin(
        endpoint="http://cognito-idp.example.test/",
        client_id="c",
        client_secret=None,
        username="u",
        password="Pa55word",
    )
    with httpx2.Client(transport=transport) as client, pytest.raises(UsageError, match="password"):
        driver.login(client, None)  # type: ignore[arg-type]
    assert sent == []
