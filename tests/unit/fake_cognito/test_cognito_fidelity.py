"""Issue 13 in-process: scopes, sessions and prompt, refresh, Lambda effects, federation, roles."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from oidc_probe.core.errors import ConfigError
from oidc_probe.fake_cognito import Pool, PoolKeys, create_app, load_pool
from oidc_probe.fake_cognito.pool import parse_pool

from .conftest import CALLBACK, REPO, Clock, Driver, query, segment

LAMBDA_POOL = REPO / "fixtures" / "pools" / "lambda_federated_pool.json"


@pytest.fixture(scope="module")
def lambda_pool() -> Pool:
    return load_pool(LAMBDA_POOL)


def _driver(pool: Pool, keys: PoolKeys, index: int = 0, **kwargs: Any) -> Driver:
    clock = Clock()
    app = create_app(pool, now=clock, keys=keys, **kwargs)
    client = pool.clients[index]
    return Driver(TestClient(app), pool, clock, app, client.client_id, client.client_secret)


# 1. openid
def test_no_id_token_without_openid(driver: Driver) -> None:
    body = driver.tokens("demo", scope="email profile")
    assert "id_token" not in body
    assert segment(body["access_token"], 1)["scope"] == ""  # email/profile need openid


def test_openid_alone_gives_an_id_token(driver: Driver) -> None:
    assert "id_token" in driver.tokens("demo", scope="openid")


# 2. scopes the client does not allow
@pytest.mark.parametrize(
    ("faults", "where", "error", "description"),
    [
        ((), "callback", "invalid_scope", None),
        (("unallowed-scope-invalid-request",), "callback", "invalid_request", "invalid_scope"),
        (("unallowed-scope-error-page",), "/error", "invalid_scope", None),
    ],
)
def test_unallowed_scope_refusals(
    make_driver: Callable[..., Driver],
    faults: tuple[str, ...],
    where: str,
    error: str,
    description: str | None,
) -> None:
    d = make_driver(*faults)
    location = d.authorize(scope="openid aws.cognito.signin.user.admin").headers["location"]
    assert location.startswith(CALLBACK if where == "callback" else "/error?")
    params = query(location)
    assert params["error"] == error
    assert params.get("error_description") == description


def test_unallowed_scope_ignored(make_driver: Callable[..., Driver]) -> None:
    d = make_driver("unallowed-scope-ignored")
    body = d.tokens("demo", scope="openid aws.cognito.signin.user.admin")
    assert segment(body["access_token"], 1)["scope"] == "openid"


# 5. sessions and prompt
def test_second_authorization_rides_the_session(driver: Driver) -> None:
    first = driver.login("demo")
    driver.clock.t += 60
    again = driver.authorize()
    assert again.headers["location"].startswith(CALLBACK)
    code = query(again.headers["location"])["code"]
    assert code != first["code"]
    claims = segment(driver.token(code).json()["id_token"], 1)
    assert claims["auth_time"] == int(driver.clock.t) - 60  # the sign-in's time


def test_session_expires_after_an_hour(driver: Driver) -> None:
    driver.login("demo")
    driver.clock.t += 3601
    assert driver.authorize().headers["location"].startswith("/login?")


def test_no_session_fault(make_driver: Callable[..., Driver]) -> None:
    d = make_driver("no-session")
    d.login("demo")
    assert d.authorize().headers["location"].startswith("/login?")


def test_logout_ends_the_session(driver: Driver) -> None:
    driver.login("demo")
    driver.client.get("/logout", follow_redirects=False)
    assert driver.authorize().headers["location"].startswith("/login?")


def test_classic_hosted_ui_ignores_prompt(driver: Driver) -> None:
    driver.login("demo")
    assert driver.authorize(prompt="login").headers["location"].startswith(CALLBACK)


def test_managed_login_prompt_login_forces_the_form(default_pool: Pool, keys: PoolKeys) -> None:
    d = _driver(default_pool, keys, login_page="js")
    assert query(d.authorize(prompt="none").headers["location"])["error"] == "login_required"
    target = d.authorize().headers["location"]
    d.client.get(target)  # the JavaScript page: its form posts to the same /login URL
    response = d.client.post(
        target,
        data={
            "_csrf": d.client.cookies["XSRF-TOKEN"],
            "username": "demo",
            "password": default_pool.user("demo").password,  # type: ignore[union-attr]
        },
        follow_redirects=False,
    )
    assert response.headers["location"].startswith(CALLBACK)
    assert d.authorize(prompt="login consent").headers["location"].startswith("/login?")
    assert d.authorize(prompt="none").headers["location"].startswith(CALLBACK)


# 6. token endpoint
def test_refresh_token_grant(driver: Driver) -> None:
    body = driver.tokens("demo")
    refreshed = driver.client.post(
        "/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        auth=(driver.client_id, driver.secret or ""),
    )
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert "refresh_token" not in new
    claims = segment(new["id_token"], 1)
    assert "nonce" not in claims
    assert claims["sub"] == segment(body["id_token"], 1)["sub"]


def test_unknown_refresh_token_is_invalid_grant(driver: Driver) -> None:
    response = driver.client.post(
        "/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": "nope"},
        auth=(driver.client_id, driver.secret or ""),
    )
    assert response.json()["error"] == "invalid_grant"


def test_public_client_sending_a_secret_is_invalid_client(
    make_driver: Callable[..., Driver], test_pool: Pool
) -> None:
    d = make_driver(pool=test_pool, client_index=2)
    code = d.login("alice")["code"]
    assert d.token(code, auth="post", secret="anything").json() == {"error": "invalid_client"}


# 3. pre token generation
def test_v2_trigger_edits_both_tokens(lambda_pool: Pool, keys: PoolKeys) -> None:
    d = _driver(lambda_pool, keys, 0)
    body = d.tokens("carol")
    id_claims, access = segment(body["id_token"], 1), segment(body["access_token"], 1)
    assert id_claims["groups"] == ["engineering", "admins"]
    assert id_claims["team"] == {"id": 7}
    assert "custom:department" not in id_claims
    assert access["groups"] == ["engineering", "admins"]
    assert access["scope"].split() == ["openid", "email", "profile", "api/read"]


def test_v1_trigger_strings_id_token_only_and_group_override(
    lambda_pool: Pool, keys: PoolKeys
) -> None:
    d = _driver(lambda_pool, keys, 1)
    body = d.tokens("carol")
    id_claims, access = segment(body["id_token"], 1), segment(body["access_token"], 1)
    assert id_claims["groups"] == "engineering,admins"
    assert "groups" not in access
    assert id_claims["cognito:groups"] == access["cognito:groups"] == ["overridden"]


def _pool_with(trigger: dict[str, Any]) -> str:
    doc = json.loads(LAMBDA_POOL.read_text())
    doc["clients"][0]["pre_token_generation"] = trigger
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("trigger", "message"),
    [
        (
            {
                "lambda_version": "V1_0",
                "claimsOverrideDetails": {"claimsToAddOrOverride": {"groups": ["a"]}},
            },
            "string values only",
        ),
        (
            {
                "lambda_version": "V2_0",
                "claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {"claimsToAddOrOverride": {"aud": "x"}}
                },
            },
            "does not let a Lambda change 'aud'",
        ),
        ({"lambda_version": "V9"}, "lambda_version"),
    ],
)
def test_bad_triggers_are_config_errors(trigger: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_pool(_pool_with(trigger), "pool.json")


# 4. federation and roles
def test_federated_user_identities_and_username(lambda_pool: Pool, keys: PoolKeys) -> None:
    d = _driver(lambda_pool, keys, 2)
    claims = segment(d.tokens("Google_104857600000000000001")["id_token"], 1)
    assert claims["cognito:username"] == "Google_104857600000000000001"
    (identity,) = claims["identities"]
    assert identity["primary"] == "true"
    assert identity["dateCreated"] == "1700000000000"
    assert identity["issuer"] is None
    assert claims["cognito:roles"] == ["arn:aws:iam::123456789012:role/PoolStaff"]
    assert claims["cognito:groups"] == ["staff", "us-west-2_Lambda0Fed_Google"]


def test_roles_and_preferred_role(lambda_pool: Pool, keys: PoolKeys) -> None:
    d = _driver(lambda_pool, keys, 2)
    claims = segment(d.tokens("carol")["id_token"], 1)
    assert claims["cognito:roles"] == [
        "arn:aws:iam::123456789012:role/PoolAdmins",
        "arn:aws:iam::123456789012:role/PoolStaff",
    ]
    assert claims["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/PoolAdmins"


def test_preferred_role_tie_with_different_roles_is_unset() -> None:
    doc = json.loads(LAMBDA_POOL.read_text())
    for group in doc["groups"]:
        group["precedence"] = 3
    pool = parse_pool(json.dumps(doc), "pool.json")
    roles, preferred = pool.roles(("admins", "staff"))
    assert len(roles) == 2
    assert preferred is None
