from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from oidc_probe.fake_cognito import Pool

from .conftest import T0, Driver, b64url, segment

ISSUER = "http://testserver/us-east-1_Fake1Demo"


def test_id_token_claims_as_cognito_makes_them(driver: Driver) -> None:
    tokens = driver.tokens("demo")
    claims = segment(tokens["id_token"], 1)
    demo = driver.pool.user("demo")
    assert demo is not None
    assert claims["iss"] == ISSUER
    assert claims["sub"] == demo.sub
    assert claims["aud"] == driver.client_id
    assert claims["token_use"] == "id"
    assert claims["cognito:username"] == "demo"
    assert claims["cognito:groups"] == ["admins"]
    assert claims["iat"] == claims["auth_time"] == int(T0)
    assert claims["exp"] == int(T0) + 3600
    assert claims["nonce"] == "nonce-456"
    assert claims["email"] == "demo@example.com"
    assert claims["email_verified"] is True
    assert claims["name"] == "Demo User"
    assert claims["custom:employee_id"] == "1042"
    for name in ("jti", "origin_jti", "event_id"):
        assert isinstance(claims[name], str)
        assert claims[name]
    digest = hashlib.sha256(tokens["access_token"].encode()).digest()
    assert claims["at_hash"] == b64url(digest[:16])
    assert segment(tokens["id_token"], 0) == {
        "alg": "RS256",
        "kid": segment(tokens["id_token"], 0)["kid"],
    }


def test_access_token_claims(driver: Driver) -> None:
    tokens = driver.tokens("demo")
    claims = segment(tokens["access_token"], 1)
    assert "aud" not in claims
    assert claims["client_id"] == driver.client_id
    assert claims["scope"] == "openid email profile"
    assert claims["username"] == "demo"
    assert claims["token_use"] == "access"
    assert claims["version"] == 2
    assert claims["iss"] == ISSUER
    assert claims["cognito:groups"] == ["admins"]
    assert claims["origin_jti"] == segment(tokens["id_token"], 1)["origin_jti"]
    assert "email" not in claims


def test_user_in_no_group_has_no_groups_claim(driver: Driver) -> None:
    tokens = driver.tokens("nogroup")
    assert "cognito:groups" not in segment(tokens["id_token"], 1)
    assert "cognito:groups" not in segment(tokens["access_token"], 1)


def test_no_nonce_sent_means_no_nonce_claim(driver: Driver) -> None:
    assert "nonce" not in segment(driver.tokens("demo", nonce=None)["id_token"], 1)


def test_custom_attributes_are_strings(make_driver: Callable[..., Driver], test_pool: Pool) -> None:
    d = make_driver(pool=test_pool)
    claims = segment(d.tokens("alice")["id_token"], 1)
    assert claims["custom:level"] == "7"
    assert claims["custom:is_admin"] == "true"
    assert claims["phone_number_verified"] is False


def test_string_email_verified_in_the_pool_becomes_a_boolean(
    make_driver: Callable[..., Driver], test_pool: Pool
) -> None:
    d = make_driver(pool=test_pool)
    assert segment(d.tokens("bob")["id_token"], 1)["email_verified"] is False


@pytest.mark.parametrize(
    ("scope", "present", "absent"),
    [
        ("openid", {"email", "name", "phone_number", "custom:level"}, set()),
        ("openid profile", {"email", "name", "phone_number", "custom:level"}, set()),
        ("openid email", {"email", "email_verified"}, {"name", "phone_number", "custom:level"}),
        ("openid phone", {"phone_number", "phone_number_verified"}, {"email", "name"}),
        ("openid email phone", {"email", "phone_number"}, {"name", "custom:level"}),
    ],
)
def test_scopes_rule(
    make_driver: Callable[..., Driver],
    test_pool: Pool,
    scope: str,
    present: set[str],
    absent: set[str],
) -> None:
    d = make_driver(pool=test_pool)
    claims = segment(d.tokens("alice", scope=scope)["id_token"], 1)
    assert present <= set(claims)
    assert not absent & set(claims)
    assert {"sub", "cognito:username", "cognito:groups"} <= set(claims)


def test_userinfo_returns_attributes_with_string_email_verified(driver: Driver) -> None:
    access = driver.tokens("demo")["access_token"]
    response = driver.client.get("/oauth2/userInfo", headers={"Authorization": f"Bearer {access}"})
    assert response.status_code == 200
    body = response.json()
    assert body["sub"] == driver.pool.user("demo").sub  # type: ignore[union-attr]
    assert body["username"] == "demo"
    assert body["email"] == "demo@example.com"
    assert body["email_verified"] == "true"
    assert "cognito:groups" not in body


def test_userinfo_follows_the_scopes(make_driver: Callable[..., Driver], test_pool: Pool) -> None:
    d = make_driver(pool=test_pool)
    access = d.tokens("alice", scope="openid email")["access_token"]
    body = d.client.get("/oauth2/userInfo", headers={"Authorization": f"Bearer {access}"}).json()
    assert set(body) == {"sub", "email", "email_verified", "username"}


@pytest.mark.parametrize("header", ["", "Bearer not-a-token", "Basic abc"])
def test_userinfo_rejects_bad_tokens(driver: Driver, header: str) -> None:
    response = driver.client.get("/oauth2/userInfo", headers={"Authorization": header})
    assert response.status_code == 401
    assert "invalid_token" in response.headers["www-authenticate"]


def test_userinfo_rejects_expired_access_tokens(driver: Driver) -> None:
    access = driver.tokens("demo")["access_token"]
    driver.clock.t += 3601
    response = driver.client.get("/oauth2/userInfo", headers={"Authorization": f"Bearer {access}"})
    assert response.status_code == 401
