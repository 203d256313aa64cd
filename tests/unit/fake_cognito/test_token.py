from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import quote_plus

import pytest

from oidc_probe.fake_cognito import Pool

from .conftest import CALLBACK, Driver, pkce_pair, segment


def test_code_exchange_with_client_secret_basic(driver: Driver) -> None:
    code = driver.login("demo")["code"]
    response = driver.token(code, auth="basic")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "id_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert "no-store" in response.headers["cache-control"]
    assert response.headers["pragma"] == "no-cache"


def test_code_exchange_with_client_secret_post(driver: Driver) -> None:
    code = driver.login("demo")["code"]
    response = driver.token(code, auth="post")
    assert response.status_code == 200
    assert "id_token" in response.json()


@pytest.mark.parametrize("encode", [True, False], ids=["rfc6749-encoded", "unencoded"])
def test_basic_auth_with_special_characters_in_the_secret(
    make_driver: Callable[..., Driver], test_pool: Pool, encode: bool
) -> None:
    d = make_driver(pool=test_pool, client_index=1)
    code = d.login("alice")["code"]
    secret = d.secret or ""
    sent = quote_plus(secret) if encode else secret
    raw = f"{quote_plus(d.client_id) if encode else d.client_id}:{sent}".encode()
    response = d.client.post(
        "/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
        headers={"Authorization": "Basic " + base64.b64encode(raw).decode()},
    )
    assert response.status_code == 200, response.text


def test_public_client_authenticates_with_its_id_alone(
    make_driver: Callable[..., Driver], test_pool: Pool
) -> None:
    d = make_driver(pool=test_pool, client_index=2)
    code = d.login("alice")["code"]
    assert d.token(code, auth="post").status_code == 200


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_wrong_secret_is_invalid_client(driver: Driver, auth: str) -> None:
    code = driver.login("demo")["code"]
    response = driver.token(code, auth=auth, secret="wrong")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_client"}


def test_missing_secret_is_invalid_client(driver: Driver) -> None:
    code = driver.login("demo")["code"]
    response = driver.client.post(
        "/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "client_id": driver.client_id,
        },
    )
    assert response.json()["error"] == "invalid_client"


def test_code_is_single_use(driver: Driver) -> None:
    code = driver.login("demo")["code"]
    assert driver.token(code).status_code == 200
    again = driver.token(code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_code_expires_after_five_minutes(driver: Driver) -> None:
    code = driver.login("demo")["code"]
    driver.clock.t += 301
    response = driver.token(code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_is_still_valid_just_before_five_minutes(driver: Driver) -> None:
    code = driver.login("demo")["code"]
    driver.clock.t += 299
    assert driver.token(code).status_code == 200


def test_unknown_code_is_invalid_grant(driver: Driver) -> None:
    assert driver.token("00000000-0000-0000-0000-000000000000").json()["error"] == "invalid_grant"


def test_redirect_uri_must_equal_the_authorize_one(
    make_driver: Callable[..., Driver], test_pool: Pool
) -> None:
    d = make_driver(pool=test_pool)
    code = d.login("alice")["code"]
    response = d.token(code, redirect_uri="https://app.example.com/cb")
    assert response.status_code == 400
    assert response.json() == {
        "error": "unauthorized_client",
        "error_description": "invalid_redirect",
    }


def test_pkce_s256_success(driver: Driver) -> None:
    verifier, challenge = pkce_pair()
    code = driver.login("demo", code_challenge=challenge, code_challenge_method="S256")["code"]
    assert driver.token(code, verifier=verifier).status_code == 200


def test_pkce_wrong_verifier_is_invalid_grant(driver: Driver) -> None:
    _, challenge = pkce_pair()
    code = driver.login("demo", code_challenge=challenge, code_challenge_method="S256")["code"]
    response = driver.token(code, verifier="w" * 50)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_pkce_missing_verifier_is_invalid_request(driver: Driver) -> None:
    _, challenge = pkce_pair()
    code = driver.login("demo", code_challenge=challenge, code_challenge_method="S256")["code"]
    assert driver.token(code).json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    ("grant_type", "error"),
    [("password", "unsupported_grant_type"), ("client_credentials", "unauthorized_client")],
)
def test_other_grant_types(driver: Driver, grant_type: str, error: str) -> None:
    response = driver.client.post(
        "/oauth2/token",
        data={"grant_type": grant_type},
        auth=(driver.client_id, driver.secret or ""),
    )
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_json_body_is_invalid_request(driver: Driver) -> None:
    response = driver.client.post("/oauth2/token", json={"grant_type": "authorization_code"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_client_that_cannot_read_an_attribute_in_scope_gets_invalid_grant(
    make_driver: Callable[..., Driver], test_pool: Pool
) -> None:
    d = make_driver(pool=test_pool, client_index=4)
    code = d.login("alice")["code"]
    response = d.token(code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    d.client.cookies.clear()  # the hosted UI session would skip the form
    code = d.login("alice", scope="openid profile")["code"]
    claims = segment(d.token(code).json()["id_token"], 1)
    assert claims["email"] == "alice@example.com"
    assert "email_verified" not in claims
    assert "custom:level" not in claims
