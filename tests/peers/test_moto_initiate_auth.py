"""``--login initiate-auth`` against moto's Cognito API and JWKS.

moto knows nothing of its own address: its discovery document and its tokens name
the real AWS issuer, so with the issuer taken from certs_url (the local server) the
probe reports DSC002 and IDT005; its discovery also lacks the OAuth endpoints (DSC004).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import CliResult
from tests.peers.cognito_api import CognitoApi
from tests.peers.conftest import CognitoPeer
from tests.peers.probe import cognito_config, finding, not_passing, probe

pytestmark = [pytest.mark.peers, pytest.mark.e2e]

MOTO = {
    "CFG002": ("warn", "warn", "warn"),
    "CFG004": ("pass", "pass", "skip"),  # pool and region agree; auth_url is no pool domain
    "DSC002": ("fail",),
    "DSC003": ("pass", "skip", "skip"),  # jwks_uri matches; no OAuth endpoints published
    "DSC004": ("fail", "fail"),
    "DSC008": ("info",),
    "EXP001": ("skip",),
}
NOT_APPLICABLE = dict.fromkeys(
    [
        "AUT001",
        "AUT003",
        "AUT004",
        "AUT006",
        "TOK001",
        "TOK002",
        "TOK003",
        "TOK006",
        "IDT009",
        "IDT010",
        "CLM004",
        "CLM007",
        "USR001",
        "USR002",
    ],
    ("skip",),
)
NOT_ACTIVE = dict.fromkeys(["AUT005", "TOK004", "TOK005", "TOK007"], ("skip",))


def run(
    peer: CognitoPeer, tmp_path: Path, *args: str, username: str = "", password: str = ""
) -> CliResult:
    return probe(
        tmp_path,
        cognito_config(peer),
        "--login",
        "initiate-auth",
        "--cognito-endpoint",
        peer.base_url + "/",
        *args,
        secret=peer.pool.client_secret,
        username=username or peer.pool.username,
        password=password or peer.pool.password,
    )


def test_tokens_from_initiate_auth_are_checked_and_the_difference_is_said(
    moto: CognitoPeer, tmp_path: Path
) -> None:
    result = run(moto, tmp_path)

    assert not_passing(result) == {
        **MOTO,
        **NOT_APPLICABLE,
        **NOT_ACTIVE,
        "AUT002": ("info", "pass"),
        "IDT005": ("fail",),
        "CLM005": ("warn",),  # email_verified is the string "true"
    }, result.stdout[-4000:]
    assert result.code == 1
    aws_issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{moto.pool.pool_id}"
    assert finding(result, "IDT005", "fail")["evidence"]["actual"] == aws_issuer
    assert (
        "not from the authorization-code flow Access uses"
        in finding(result, "AUT002", "info")["message"]
    )
    assert "--login initiate-auth" in finding(result, "TOK001")["message"]
    for check_id in ("IDT004", "IDT006", "IDT012", "CLM001", "CLM002"):
        assert finding(result, check_id)["status"] == "pass", check_id
    report = result.json()
    claims = report["id_token_claims"]
    assert claims["token_use"] == "id"
    assert sorted(claims["cognito:groups"]) == ["admins", "staff"]  # moto keeps no order
    assert claims["custom:department"] == "engineering"
    assert "InitiateAuth" in report["access_view"]["note"]
    assert moto.pool.client_secret not in result.stdout + result.stderr
    assert moto.pool.password not in result.stdout + result.stderr


def test_a_wrong_password_fails_aut002_with_cognitos_message(
    moto: CognitoPeer, tmp_path: Path
) -> None:
    result = run(moto, tmp_path, password="Wrong-Passw0rd!")

    aut002 = finding(result, "AUT002", "fail")
    assert "NotAuthorizedException: Incorrect username or password." in aut002["message"]
    assert "--username" in aut002["hint"]
    assert result.code == 1
    assert finding(result, "IDT001", "skip")["message"] == (
        "no ID token: InitiateAuth returned no tokens (see AUT002)"
    )


def test_a_new_password_challenge_fails_aut002_with_a_hint(
    moto: CognitoPeer, tmp_path: Path
) -> None:
    api = CognitoApi(moto.base_url + "/")
    api.call(
        "AdminCreateUser",
        {
            "UserPoolId": moto.pool.pool_id,
            "Username": "newcomer",
            "TemporaryPassword": "Temp-Passw0rd!",
            "MessageAction": "SUPPRESS",
        },
    )
    result = run(moto, tmp_path, username="newcomer", password="Temp-Passw0rd!")

    aut002 = finding(result, "AUT002", "fail")
    assert "challenge NEW_PASSWORD_REQUIRED" in aut002["message"]
    assert "admin-set-user-password --permanent" in aut002["hint"]


def test_active_checks_that_need_the_code_flow_skip_with_initiate_auth(
    moto: CognitoPeer, tmp_path: Path
) -> None:
    result = run(moto, tmp_path, "--active")

    for check_id in ("TOK004", "TOK005", "TOK007"):
        assert "use --login form" in finding(result, check_id, "skip")["message"]
    # moto has no authorization endpoint: refusing everything is not a pass.
    assert "refuses the registered redirect URI too" in finding(result, "AUT005", "skip")["message"]
