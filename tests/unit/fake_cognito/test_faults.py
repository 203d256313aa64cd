"""Each fault changes exactly what it says; the probe's end-to-end tests check the findings."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from oidc_probe.access.identity import CUSTOM_CLAIM_BUDGET
from oidc_probe.core.errors import ConfigError
from oidc_probe.fake_cognito import Fault, create_app, list_faults, load_pool, parse_faults

from .conftest import Driver, b64url, pkce_pair, query, segment

DriverFactory = Callable[..., Driver]


def id_claims(d: Driver, username: str = "demo") -> dict[str, object]:
    return segment(d.tokens(username)["id_token"], 1)


def userinfo(d: Driver, access_token: str) -> dict[str, object]:
    response = d.client.get("/oauth2/userInfo", headers={"Authorization": f"Bearer {access_token}"})
    return dict(response.json())


def test_every_fault_is_listed_with_a_description() -> None:
    listed = dict(list_faults())
    assert set(listed) == {f.value for f in Fault}
    assert all(text.strip() for text in listed.values())
    assert "IDT004" in listed["bad-signature"]


def test_unknown_fault_is_a_config_error_listing_valid_names() -> None:
    with pytest.raises(ConfigError, match=r"unknown fault 'nope'.*bad-signature"):
        parse_faults(["nope"])
    with pytest.raises(ConfigError):
        create_app(load_pool(), faults=["nope"])


def test_no_email(make_driver: DriverFactory) -> None:
    d = make_driver("no-email")
    tokens = d.tokens()
    assert "email" not in segment(tokens["id_token"], 1)
    assert "email" not in userinfo(d, tokens["access_token"])


def test_email_unverified(make_driver: DriverFactory) -> None:
    assert id_claims(make_driver("email-unverified"))["email_verified"] is False


def test_groups_as_string(make_driver: DriverFactory, test_pool: object) -> None:
    d = make_driver("groups-as-string", pool=test_pool)
    assert id_claims(d, "alice")["cognito:groups"] == "admins,staff"


def test_claims_only_in_userinfo(make_driver: DriverFactory) -> None:
    d = make_driver("claims-only-in-userinfo")
    tokens = d.tokens()
    claims = segment(tokens["id_token"], 1)
    assert not {"email", "name", "cognito:groups", "custom:department"} & set(claims)
    assert {"sub", "cognito:username", "iss", "aud"} <= set(claims)
    info = userinfo(d, tokens["access_token"])
    assert info["email"] == "demo@example.com"
    assert info["cognito:groups"] == ["admins"]


def test_many_groups(make_driver: DriverFactory) -> None:
    groups = id_claims(make_driver("many-groups"))["cognito:groups"]
    assert isinstance(groups, list)
    assert "admins" in groups
    assert len(str(groups)) > CUSTOM_CLAIM_BUDGET


def test_wrong_iss(make_driver: DriverFactory) -> None:
    d = make_driver("wrong-iss")
    assert id_claims(d)["iss"] != d.discovery().json()["issuer"]


def test_wrong_aud(make_driver: DriverFactory) -> None:
    d = make_driver("wrong-aud")
    assert id_claims(d)["aud"] != d.client_id


def test_expired(make_driver: DriverFactory) -> None:
    d = make_driver("expired")
    assert int(id_claims(d)["exp"]) < d.clock.t  # type: ignore[call-overload]


def test_exp_in_milliseconds(make_driver: DriverFactory) -> None:
    d = make_driver("exp-in-milliseconds")
    assert id_claims(d)["exp"] == (int(d.clock.t) + 3600) * 1000


def test_iat_in_future(make_driver: DriverFactory) -> None:
    d = make_driver("iat-in-future")
    assert int(id_claims(d)["iat"]) > d.clock.t + 600  # type: ignore[call-overload]


def test_nonce_mismatch(make_driver: DriverFactory) -> None:
    nonce = id_claims(make_driver("nonce-mismatch"))["nonce"]
    assert nonce
    assert nonce != "nonce-456"


def test_nonce_missing(make_driver: DriverFactory) -> None:
    assert "nonce" not in id_claims(make_driver("nonce-missing"))


def test_bad_at_hash(make_driver: DriverFactory) -> None:
    tokens = make_driver("bad-at-hash").tokens()
    digest = hashlib.sha256(tokens["access_token"].encode()).digest()
    assert segment(tokens["id_token"], 1)["at_hash"] != b64url(digest[:16])


def test_no_sub(make_driver: DriverFactory) -> None:
    assert "sub" not in id_claims(make_driver("no-sub"))


def test_token_use_access(make_driver: DriverFactory) -> None:
    tokens = make_driver("token-use-access").tokens()
    assert tokens["id_token"] == tokens["access_token"]
    assert segment(tokens["id_token"], 1)["token_use"] == "access"


def test_bad_signature(make_driver: DriverFactory) -> None:
    d = make_driver("bad-signature")
    token = d.tokens()["id_token"]
    with pytest.raises(BadSignatureError):
        jwt.decode(token, KeySet.import_key_set(d.jwks()), algorithms=["RS256"])  # type: ignore[arg-type]


def test_valid_signature_without_faults(driver: Driver) -> None:
    token = driver.tokens()["id_token"]
    jwt.decode(token, KeySet.import_key_set(driver.jwks()), algorithms=["RS256"])  # type: ignore[arg-type]


def test_alg_none(make_driver: DriverFactory) -> None:
    token = make_driver("alg-none").tokens()["id_token"]
    assert segment(token, 0)["alg"] == "none"
    assert token.endswith(".")


def test_hs256_key_confusion(make_driver: DriverFactory, keys: object) -> None:
    d = make_driver("hs256-key-confusion")
    token = d.tokens()["id_token"]
    assert segment(token, 0)["alg"] == "HS256"
    signing_input, _, signature = token.rpartition(".")
    secret = d.app.state.emulator.keys.id_key.public_pem()
    expected = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected


def test_unknown_kid(make_driver: DriverFactory) -> None:
    d = make_driver("unknown-kid")
    kid = segment(d.tokens()["id_token"], 0)["kid"]
    assert kid not in {k["kid"] for k in d.jwks()["keys"]}


def test_no_kid_multiple_keys(make_driver: DriverFactory) -> None:
    d = make_driver("no-kid-multiple-keys")
    assert "kid" not in segment(d.tokens()["id_token"], 0)
    assert len(d.jwks()["keys"]) > 1


def test_state_mismatch(make_driver: DriverFactory) -> None:
    assert make_driver("state-mismatch").login("demo")["state"] != "state-123"


def test_wrong_callback_iss(make_driver: DriverFactory) -> None:
    d = make_driver("wrong-callback-iss")
    params = d.login("demo")
    assert params["iss"] != d.discovery().json()["issuer"]


def test_userinfo_sub_mismatch(make_driver: DriverFactory) -> None:
    d = make_driver("userinfo-sub-mismatch")
    tokens = d.tokens()
    assert userinfo(d, tokens["access_token"])["sub"] != segment(tokens["id_token"], 1)["sub"]


def test_private_key_in_jwks(make_driver: DriverFactory) -> None:
    keys = make_driver("private-key-in-jwks").jwks()["keys"]
    assert all({"d", "p", "q", "dp", "dq", "qi"} <= set(k) for k in keys)


def test_symmetric_key_in_jwks(make_driver: DriverFactory) -> None:
    keys = make_driver("symmetric-key-in-jwks").jwks()["keys"]
    assert [k["kty"] for k in keys].count("oct") == 1


@pytest.mark.filterwarnings("ignore:Key size should be")
def test_rsa_1024(make_driver: DriverFactory) -> None:
    d = make_driver("rsa-1024")
    for key in d.jwks()["keys"]:
        assert len(base64.urlsafe_b64decode(key["n"] + "==")) * 8 == 1024
    jwt.decode(d.tokens()["id_token"], KeySet.import_key_set(d.jwks()), algorithms=["RS256"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fault", "status", "content_type"),
    [("jwks-500", 500, "text/plain"), ("jwks-html", 200, "text/html")],
)
def test_jwks_broken(
    make_driver: DriverFactory, fault: str, status: int, content_type: str
) -> None:
    d = make_driver(fault)
    response = d.client.get(f"/{d.pool.pool_id}/.well-known/jwks.json")
    assert response.status_code == status
    assert response.headers["content-type"].startswith(content_type)


def test_jwks_empty(make_driver: DriverFactory) -> None:
    assert make_driver("jwks-empty").jwks() == {"keys": []}


def test_discovery_issuer_mismatch(make_driver: DriverFactory) -> None:
    d = make_driver("discovery-issuer-mismatch")
    assert d.discovery().json()["issuer"] != f"http://testserver/{d.pool.pool_id}"


def test_discovery_endpoint_mismatch(make_driver: DriverFactory) -> None:
    doc = make_driver("discovery-endpoint-mismatch").discovery().json()
    assert doc["authorization_endpoint"] != "http://testserver/oauth2/authorize"
    assert doc["token_endpoint"] != "http://testserver/oauth2/token"


def test_discovery_missing_fields(make_driver: DriverFactory) -> None:
    doc = make_driver("discovery-missing-fields").discovery().json()
    assert "response_types_supported" not in doc
    assert "subject_types_supported" not in doc


def test_token_invalid_client(make_driver: DriverFactory) -> None:
    d = make_driver("token-invalid-client")
    response = d.token(d.login("demo")["code"])
    assert (response.status_code, response.json()) == (400, {"error": "invalid_client"})


@pytest.mark.parametrize(
    ("fault", "status", "content_type"),
    [("token-500", 500, "text/plain"), ("token-html", 200, "text/html")],
)
def test_token_broken(
    make_driver: DriverFactory, fault: str, status: int, content_type: str
) -> None:
    d = make_driver(fault)
    response = d.token(d.login("demo")["code"])
    assert response.status_code == status
    assert response.headers["content-type"].startswith(content_type)


def test_token_no_id_token(make_driver: DriverFactory) -> None:
    d = make_driver("token-no-id-token")
    body = d.token(d.login("demo")["code"]).json()
    assert "id_token" not in body
    assert "access_token" in body


def test_token_cacheable(make_driver: DriverFactory) -> None:
    d = make_driver("token-cacheable")
    response = d.token(d.login("demo")["code"])
    assert response.status_code == 200
    assert "cache-control" not in response.headers


def test_rotate_keys(make_driver: DriverFactory) -> None:
    d = make_driver("rotate-keys")
    first = {k["kid"] for k in d.jwks()["keys"]}
    token = d.tokens()["id_token"]
    kid = segment(token, 0)["kid"]
    assert kid not in first
    second = d.jwks()
    assert kid in {k["kid"] for k in second["keys"]}
    jwt.decode(token, KeySet.import_key_set(second), algorithms=["RS256"])  # type: ignore[arg-type]


def test_code_reusable(make_driver: DriverFactory) -> None:
    d = make_driver("code-reusable")
    code = d.login("demo")["code"]
    assert d.token(code).status_code == 200
    assert d.token(code).status_code == 200


def test_pkce_not_enforced(make_driver: DriverFactory) -> None:
    d = make_driver("pkce-not-enforced")
    _, challenge = pkce_pair()
    code = d.login("demo", code_challenge=challenge, code_challenge_method="S256")["code"]
    assert d.token(code, verifier="w" * 50).status_code == 200


def test_open_redirect(make_driver: DriverFactory) -> None:
    d = make_driver("open-redirect")
    evil = "https://evil.example/steal"
    params = d.login("demo", redirect_uri=evil)
    assert "code" in params
    assert d.token(params["code"], redirect_uri=evil).status_code == 200


def test_faults_combine(make_driver: DriverFactory) -> None:
    claims = id_claims(make_driver("no-sub", "wrong-aud"))
    assert "sub" not in claims
    assert claims["aud"] != make_driver().client_id


def test_open_redirect_goes_to_the_unregistered_uri(make_driver: DriverFactory) -> None:
    d = make_driver("open-redirect")
    page = d.login_page(redirect_uri="https://evil.example/x")
    response = d.submit(page.text, "demo", d.pool.user("demo").password)  # type: ignore[union-attr]
    assert response.headers["location"].startswith("https://evil.example/x?")
    assert "code" in query(response.headers["location"])
