"""The six hand-made tokens of issue 15 through ``oidc-probe verify --jwks FILE``.

Each token is a valid Cognito-shaped ID token, correctly signed with a key in the
JWKS file, that breaks exactly one clause; each must fail (or warn, for the
lifetime) with the check named, and the healthy token must pass them all.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from oidc_probe.fake_cognito.keys import PoolKeys, sign_rs256_payload
from tests.e2e.conftest import CliResult, run_cli

pytestmark = pytest.mark.e2e

POOL = "us-east-1_Clause15"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
CLIENT_ID = "1clause15client000000000000"
DOMAIN = "https://clauses.auth.us-east-1.amazoncognito.com"
TEN_YEARS = 10 * 365 * 86_400


def _claims(now: int) -> dict[str, Any]:
    return {
        "sub": "9f1c2b3a-1111-4222-8333-444455556666",
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "token_use": "id",
        "auth_time": now - 20,
        "iat": now - 10,
        "exp": now + 3600,
        "cognito:username": "ana",
        "email": "ana@example.com",
        "email_verified": True,
    }


def _token(keys: PoolKeys, header: dict[str, Any], payload: str) -> str:
    return sign_rs256_payload({"kid": keys.id_key.kid, **header}, payload, keys.id_key)


def _verify(tmp_path: Path, keys: PoolKeys, token: str) -> CliResult:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [keys.id_key.public_jwk()]}))
    config = tmp_path / "idp.json"
    config.write_text(
        json.dumps(
            {
                "type": "oidc",
                "name": "clauses",
                "config": {
                    "client_id": CLIENT_ID,
                    "auth_url": f"{DOMAIN}/oauth2/authorize",
                    "token_url": f"{DOMAIN}/oauth2/token",
                    "certs_url": f"{ISSUER}/.well-known/jwks.json",
                    "scopes": ["openid", "email", "profile"],
                },
            }
        )
    )
    args = ["verify", "-", "--config", str(config), "--jwks", str(jwks), "--format", "json"]
    result = run_cli(args, stdin=token)
    assert "Traceback" not in result.stderr, result.stderr
    assert token not in result.stdout + result.stderr
    return result


def _case(name: str, now: int) -> tuple[dict[str, Any], str, str, str]:
    """(header, payload JSON, check id, words of its message) for one of the six tokens."""
    claims = _claims(now)
    header: dict[str, Any] = {}
    if name == "nbf":
        claims["nbf"] = now + 7200
        check, words = "IDT013", "not valid before"
    elif name == "azp":
        claims["azp"] = "0anotherclient00000000000"
        check, words = "IDT006", "azp names another party"
    elif name == "b64":
        header = {"b64": False, "crit": ["b64"]}
        check, words = "IDT014", "b64"
    elif name == "typ":
        header = {"typ": "at+jwt"}
        check, words = "IDT015", "access token"
    elif name == "lifetime":
        claims["iat"] = now - TEN_YEARS
        check, words = "IDT017", "10.0 years"
    else:
        check, words = "IDT016", "claim iss"
    payload = json.dumps(claims)
    if name == "duplicate":
        payload = '{"iss": "https://evil.example",' + payload[1:]
    return header, payload, check, words


@pytest.mark.parametrize("name", ["nbf", "azp", "b64", "typ", "duplicate", "lifetime"])
def test_each_of_the_six_tokens_is_caught(name: str, tmp_path: Path, pool_keys: PoolKeys) -> None:
    header, payload, check_id, words = _case(name, int(time.time()))
    result = _verify(tmp_path, pool_keys, _token(pool_keys, header, payload))
    checks = result.json()["checks"]
    target = [c for c in checks if c["id"] == check_id]
    expected = "warn" if check_id == "IDT017" else "fail"
    assert [c["status"] for c in target] == [expected], target
    assert words in target[0]["message"]
    assert {c["id"] for c in checks if c["status"] in ("fail", "warn")} == {check_id}
    signature = "skip" if name == "b64" else "pass"  # crit/b64: refused before any key
    assert {c["status"] for c in checks if c["id"] == "IDT004"} == {signature}
    assert result.code == (0 if expected == "warn" else 1), result.stderr


def test_the_healthy_token_passes_every_clause(tmp_path: Path, pool_keys: PoolKeys) -> None:
    payload = json.dumps(_claims(int(time.time())))
    result = _verify(tmp_path, pool_keys, _token(pool_keys, {}, payload))
    assert result.code == 0, result.stdout
    statuses = {c["id"]: c["status"] for c in result.json()["checks"]}
    for check_id in ("IDT004", "IDT006", "IDT013", "IDT014", "IDT015", "IDT016", "IDT017"):
        assert statuses[check_id] == "pass", check_id
