from __future__ import annotations

import base64

from joserfc import jwt
from joserfc.jwk import KeySet

from .conftest import Driver, segment

COGNITO_FIELDS = {
    "authorization_endpoint",
    "id_token_signing_alg_values_supported",
    "issuer",
    "jwks_uri",
    "response_types_supported",
    "scopes_supported",
    "subject_types_supported",
    "token_endpoint",
    "token_endpoint_auth_methods_supported",
    "userinfo_endpoint",
}


def test_discovery_has_cognitos_exact_field_set(driver: Driver) -> None:
    response = driver.discovery()
    assert response.status_code == 200
    doc = response.json()
    assert set(doc) == COGNITO_FIELDS
    issuer = f"http://testserver/{driver.pool.pool_id}"
    assert doc["issuer"] == issuer
    assert doc["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    assert doc["authorization_endpoint"] == "http://testserver/oauth2/authorize"
    assert doc["token_endpoint"] == "http://testserver/oauth2/token"
    assert doc["userinfo_endpoint"] == "http://testserver/oauth2/userInfo"
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["response_types_supported"] == ["code", "token"]
    assert doc["scopes_supported"] == ["openid", "email", "phone", "profile"]
    assert doc["subject_types_supported"] == ["public"]
    assert doc["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
    ]


def test_discovery_follows_the_host_header(driver: Driver) -> None:
    doc = driver.client.get(
        f"/{driver.pool.pool_id}/.well-known/openid-configuration",
        headers={"Host": "127.0.0.1:4567"},
    ).json()
    assert doc["issuer"] == f"http://127.0.0.1:4567/{driver.pool.pool_id}"


def test_unknown_pool_is_404(driver: Driver) -> None:
    assert (
        driver.client.get("/us-east-1_Nope12345/.well-known/openid-configuration").status_code
        == 404
    )
    assert driver.client.get("/us-east-1_Nope12345/.well-known/jwks.json").status_code == 404


def test_jwks_has_two_public_rsa_2048_signing_keys(driver: Driver) -> None:
    keys = driver.jwks()["keys"]
    assert len(keys) == 2
    assert len({k["kid"] for k in keys}) == 2
    for key in keys:
        assert set(key) == {"alg", "e", "kid", "kty", "n", "use"}
        assert (key["alg"], key["kty"], key["use"], key["e"]) == ("RS256", "RSA", "sig", "AQAB")
        n = base64.urlsafe_b64decode(key["n"] + "=" * (-len(key["n"]) % 4))
        assert len(n) * 8 == 2048


def test_id_and_access_tokens_are_signed_with_different_published_keys(driver: Driver) -> None:
    tokens = driver.tokens()
    id_kid = segment(tokens["id_token"], 0)["kid"]
    access_kid = segment(tokens["access_token"], 0)["kid"]
    assert id_kid != access_kid
    key_set = KeySet.import_key_set(driver.jwks())  # type: ignore[arg-type]
    for name in ("id_token", "access_token"):
        decoded = jwt.decode(tokens[name], key_set, algorithms=["RS256"])
        assert decoded.header["alg"] == "RS256"


def test_request_log_counts_requests(driver: Driver) -> None:
    driver.jwks()
    driver.jwks()
    assert driver.app.state.request_log == [
        ("GET", f"/{driver.pool.pool_id}/.well-known/jwks.json"),
        ("GET", f"/{driver.pool.pool_id}/.well-known/jwks.json"),
    ]
