"""Issue 13: the emulator as Cognito behaves (scopes, Lambda claims, federated users, sessions).

Each test runs the real CLI in a subprocess against the emulator on a loopback port.
"""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest

from oidc_probe.fake_cognito import load_pool

from .conftest import REPO, CliResult, Emulator, probe, run_cli

LAMBDA_POOL = str(REPO / "fixtures" / "pools" / "lambda_federated_pool.json")
V2_CLIENT = "6lambdav2client00000000006"
V1_CLIENT = "7lambdav1client00000000007"
PLAIN_CLIENT = "8plainclient00000000000008"
UNALLOWED = "openid,email,profile,aws.cognito.signin.user.admin"


def _findings(result: CliResult, check_id: str) -> list[dict[str, Any]]:
    assert "Traceback" not in result.stderr, result.stderr
    return [c for c in result.json()["checks"] if c["id"] == check_id]


def _probe_client(
    emu: Emulator, client_id: str, username: str, *extra: str, claims: list[str] | None = None
) -> CliResult:
    body = emu.pool.probe_config(emu.base_url, client_id)
    if claims is not None:
        body["config"]["claims"] = claims
    secret = body["config"].pop("client_secret")
    path = emu.tmp_path / f"{client_id}.json"
    path.write_text(json.dumps(body))
    args = ["check", "--config", str(path), "--login", "form", "--username", username]
    env = {"OIDC_PROBE_CLIENT_SECRET": secret, "OIDC_PROBE_PASSWORD": emu.password(username)}
    return run_cli([*args, "--format", "json", *extra], env=env)


# 1. openid
def test_without_openid_there_is_no_id_token_and_tok002_names_the_scope(
    emulator: Emulator,
) -> None:
    result = probe(emulator, config=emulator.config_file(scopes=["email", "profile"]))
    assert result.code == 1
    tok002 = [f for f in _findings(result, "TOK002") if f["status"] == "fail"]
    assert [f["subject"] for f in tok002] == ["id_token"]
    assert '"openid"' in tok002[0]["hint"]
    assert "email profile" in tok002[0]["hint"]
    assert {"CFG003", "TOK002"} <= result.failing()
    (granted,) = _findings(result, "CLM007")  # email and profile need openid too
    assert granted["status"] == "warn"
    assert "did not grant email profile" in granted["message"]


# 2. scopes the app client does not allow
def test_unallowed_scope_is_an_invalid_scope_redirect(emulator: Emulator) -> None:
    result = probe(emulator, "--scopes", UNALLOWED)
    (finding,) = _findings(result, "AUT001")
    assert finding["status"] == "fail"
    assert finding["evidence"]["actual"]["via"] == "redirect"
    assert finding["evidence"]["actual"]["error"] == "invalid_scope"
    assert "allowed OAuth scopes" in finding["hint"]


def test_unallowed_scope_error_page_variant(emulator_factory: Callable[..., Emulator]) -> None:
    result = probe(emulator_factory("unallowed-scope-error-page"), "--scopes", UNALLOWED)
    (finding,) = _findings(result, "AUT001")
    assert finding["status"] == "fail"
    assert finding["evidence"]["actual"]["via"] == "error_page"
    assert finding["evidence"]["actual"]["error"] == "invalid_scope"
    assert "allowed OAuth scopes" in finding["hint"]


def test_unallowed_scope_invalid_request_variant(
    emulator_factory: Callable[..., Emulator],
) -> None:
    result = probe(emulator_factory("unallowed-scope-invalid-request"), "--scopes", UNALLOWED)
    (finding,) = _findings(result, "AUT001")
    assert finding["status"] == "fail"
    assert finding["evidence"]["actual"]["error"] == "invalid_request"
    assert "allowed OAuth scopes" in finding["hint"]
    assert "aws.cognito.signin.user.admin" in finding["hint"]


def test_unallowed_scope_ignored_variant(emulator_factory: Callable[..., Emulator]) -> None:
    result = probe(emulator_factory("unallowed-scope-ignored"), "--scopes", UNALLOWED)
    assert [f["status"] for f in _findings(result, "AUT001")] == ["pass"]
    (granted,) = _findings(result, "CLM007")
    assert granted["status"] == "warn"
    assert "did not grant aws.cognito.signin.user.admin" in granted["message"]
    assert result.code == 0, result.failing()


# 3. pre token generation Lambda
def test_v2_lambda_adds_a_literal_groups_array(emulator_factory: Callable[..., Emulator]) -> None:
    emu = emulator_factory(pool_path=LAMBDA_POOL)
    result = _probe_client(emu, V2_CLIENT, "carol", "--show-tokens", claims=["groups"])
    assert result.code == 0, result.failing()
    assert [f["status"] for f in _findings(result, "CLM003")] == ["pass"]
    assert "fail" not in {f["status"] for f in _findings(result, "CLM005")}


def test_v1_lambda_groups_string_fails_the_type_check(
    emulator_factory: Callable[..., Emulator],
) -> None:
    emu = emulator_factory(pool_path=LAMBDA_POOL)
    result = _probe_client(emu, V1_CLIENT, "carol", claims=["groups", "cognito:groups"])
    bad = [f for f in _findings(result, "CLM005") if f["status"] == "fail"]
    assert [f["subject"] for f in bad] == ["groups"]
    assert "V2_0" in bad[0]["hint"]
    assert result.code == 1


# 4. federated users and roles
def test_federated_user_without_mapped_email_names_the_provider(
    emulator_factory: Callable[..., Emulator],
) -> None:
    emu = emulator_factory(pool_path=LAMBDA_POOL)
    result = _probe_client(emu, PLAIN_CLIENT, "Okta_00u1abcd", claims=["identities"])
    (finding,) = _findings(result, "CLM001")
    assert finding["status"] == "fail"
    assert "'Okta'" in finding["hint"]
    assert "attribute mapping" in finding["hint"]
    assert [f["status"] for f in _findings(result, "CLM003")] == ["pass"]
    assert "fail" not in {f["status"] for f in _findings(result, "CLM005")}


def test_roles_are_an_array_and_preferred_role_a_string(
    emulator_factory: Callable[..., Emulator],
) -> None:
    emu = emulator_factory(pool_path=LAMBDA_POOL)
    result = _probe_client(
        emu, PLAIN_CLIENT, "carol", claims=["cognito:roles", "cognito:preferred_role"]
    )
    assert result.code == 0, result.failing()
    assert {f["status"] for f in _findings(result, "CLM003")} == {"pass"}
    assert "fail" not in {f["status"] for f in _findings(result, "CLM005")}


# 5. sessions: the active checks' extra logins ride the session and still test their claim
def test_active_checks_hold_with_the_hosted_ui_session(emulator: Emulator) -> None:
    result = probe(emulator, "--active", "--pkce")
    for check_id in ("TOK004", "TOK005", "AUT005"):
        assert [f["status"] for f in _findings(result, check_id)] == ["pass"], check_id
    assert result.code == 0


def test_open_redirect_is_caught_through_the_session(
    emulator_factory: Callable[..., Emulator],
) -> None:
    result = probe(emulator_factory("open-redirect"), "--active")
    (finding,) = _findings(result, "AUT005")
    assert finding["status"] == "fail"
    assert "authorization code" in finding["message"]


# 6. token endpoint: the grants the probe itself never sends (TOK007 covers the refresh the
# probe makes with --active, tests/e2e/test_refresh_grant.py), against the emulator's command
@pytest.fixture
def served_by_command() -> Iterator[str]:
    """``oidc-probe fake-cognito`` in its own process (the packaged pool); its base URL."""
    command = [sys.executable, "-m", "oidc_probe", "fake-cognito", "--port", "0"]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        yield server.stdout.readline().split("serving at ")[1].split()[0]
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)


def test_refresh_and_unsupported_grants_on_the_emulator_command(served_by_command: str) -> None:
    pool = load_pool(None)
    client = pool.clients[0]
    user = pool.user("demo")
    assert user is not None
    assert client.client_secret is not None
    pair = f"{client.client_id}:{client.client_secret}".encode()
    headers = {"Authorization": "Basic " + base64.b64encode(pair).decode()}
    with httpx2.Client(base_url=served_by_command, follow_redirects=False) as http:
        page = http.get(
            "/oauth2/authorize",
            params={
                "response_type": "code",
                "client_id": client.client_id,
                "redirect_uri": "http://localhost:8765/callback",
                "scope": "openid email",
            },
        )
        login = http.get(page.headers["location"])
        csrf = login.text.split('name="_csrf" value="', 1)[1].split('"', 1)[0]
        done = http.post(
            page.headers["location"],
            data={"_csrf": csrf, "username": "demo", "password": user.password},
        )
        code = done.headers["location"].split("code=", 1)[1].split("&", 1)[0]
        first = http.post(
            "/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "http://localhost:8765/callback",
            },
            headers=headers,
        ).json()
        refreshed = http.post(
            "/oauth2/token",
            data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
            headers=headers,
        )
        other = http.post("/oauth2/token", data={"grant_type": "password"}, headers=headers)
    assert refreshed.status_code == 200
    assert set(refreshed.json()) == {"id_token", "access_token", "expires_in", "token_type"}
    assert (other.status_code, other.json()) == (400, {"error": "unsupported_grant_type"})


# 7. issuer variants: the issuer on a host other than the pool domain
SPLIT_POOL = str(REPO / "fixtures" / "pools" / "split_hosts_pool.json")
SPLIT_CLIENT = "9splithostclient0000000009"


def test_issuer_on_another_host_than_the_pool_domain(
    emulator_factory: Callable[..., Emulator],
) -> None:
    emu = emulator_factory(pool_path=SPLIT_POOL)
    result = _probe_client(emu, SPLIT_CLIENT, "frank")
    assert result.code == 0, result.failing()
    cfg004 = {f["subject"]: f for f in _findings(result, "CFG004")}
    assert cfg004["auth_url/token_url"]["status"] == "pass"
    assert cfg004["certs_url"]["status"] == "pass"
    assert emu.pool.pool_id in cfg004["certs_url"]["message"]
    for check_id in ("DSC002", "DSC003", "IDT005"):
        assert {f["status"] for f in _findings(result, check_id)} == {"pass"}, check_id


def test_certs_url_on_the_pool_domain_is_caught(
    emulator_factory: Callable[..., Emulator],
) -> None:
    emu = emulator_factory(pool_path=SPLIT_POOL)
    pool_id = emu.pool.pool_id
    wrong = f"{emu.pool.domain(emu.base_url)}/{pool_id}/.well-known/jwks.json"
    result = _probe_client(emu, SPLIT_CLIENT, "frank", "--certs-url", wrong)
    assert result.code == 1
    assert {"DSC001", "JWK001"} <= result.failing()


def test_lambda_suppressed_claim_hint_names_the_trigger(
    emulator_factory: Callable[..., Emulator],
) -> None:
    emu = emulator_factory(pool_path=LAMBDA_POOL)
    result = _probe_client(emu, V2_CLIENT, "carol", claims=["custom:department"])
    (finding,) = _findings(result, "CLM003")
    assert finding["status"] == "fail"
    assert "claimsToSuppress" in finding["hint"]
    assert {f["subject"] for f in _findings(result, "CLM004") if f["status"] == "fail"} == {
        "custom:department"
    }


# 9. what CFG003's page says the scopes release, against the emulator and in `explain`
def test_openid_alone_releases_the_email_as_cfg003_says(emulator: Emulator) -> None:
    result = probe(emulator, config=emulator.config_file(scopes=["openid"]))
    assert result.statuses("CLM001") == ["pass"]
    assert result.statuses("CFG003") == ["warn"]


def test_openid_with_phone_drops_the_email_as_cfg003_says(emulator: Emulator) -> None:
    result = probe(emulator, config=emulator.config_file(scopes=["openid", "phone"]))
    assert "CLM001" in result.failing()
    assert result.statuses("CFG003") == ["warn"]


def test_explain_cfg003_states_what_each_scope_list_releases() -> None:
    result = run_cli(["explain", "CFG003"])
    assert result.code == 0
    page = " ".join(result.stdout.split())
    assert "openid alone, or any list with profile, releases every attribute" in page
    assert '["openid", "phone"] drops the email' in page
    assert "``" not in page
