"""Issue 19 item 1: no command ends in PASS (exit 0) over a signature nobody verified.

Each kind of unusable signing key (built by hand where ``cryptography`` refuses to
make it) through the real CLI: ``check``, ``check --users``, ``verify`` (every token
of a batch), ``verify-access`` and the pytest plugin. Each run must exit 1 with the
signature check failing, naming the key and the reason.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oidc_probe.fake_cognito.keys import PoolKeys, sign_rs256, unusable_rsa_jwk
from tests.access_tokens import AUD, KID, TEAM, AccessSigner
from tests.e2e.conftest import CliResult, Emulator, probe, run_cli

pytestmark = pytest.mark.e2e

# fault -> words IDT004's message must hold (the reason a verifier cannot use the key)
UNUSABLE = {
    "signing-key-rsa-e-1": "public exponent e is 1",
    "signing-key-rsa-e-even": "public exponent e is 65536, even",
    "signing-key-rsa-n-even": "is even, so not an RSA modulus",
    "signing-key-rsa-oversized": "16400 bits",
    "signing-key-ec-off-curve": "not on curve P-256",
}
HOW = {"e1": "public exponent e is 1", "e-even": "even", "n-even": "modulus", "oversized": "16400"}


def _idt004(result: CliResult, user: str | None = None) -> list[dict[str, Any]]:
    assert "Traceback" not in result.stderr, result.stderr
    return [
        c
        for c in result.json()["checks"]
        if c["id"] == "IDT004" and (user is None or c.get("user") == user)
    ]


@pytest.mark.parametrize("fault", list(UNUSABLE))
def test_check_fails_the_signature_naming_key_and_reason(
    fault: str, emulator_factory: Callable[..., Emulator], pool_keys: PoolKeys
) -> None:
    result = probe(emulator_factory(fault))
    assert result.code == 1, result.stderr
    assert "result FAIL" in result.stderr
    (finding,) = _idt004(result)
    assert finding["status"] == "fail"
    assert pool_keys.id_key.kid in finding["message"]
    assert UNUSABLE[fault] in finding["message"], finding["message"]


def test_check_text_report_says_fail(
    emulator_factory: Callable[..., Emulator], pool_keys: PoolKeys
) -> None:
    result = probe(emulator_factory("signing-key-rsa-e-1"), "-v", fmt="text")
    assert result.code == 1
    assert "result PASS" not in result.stderr
    assert "FAIL  IDT004" in result.stdout
    assert "Access would reject this login" in " ".join(result.stdout.split())


def test_users_each_user_fails_the_signature(
    emulator_factory: Callable[..., Emulator], tmp_path: Path
) -> None:
    emu = emulator_factory("signing-key-rsa-e-1")
    users = tmp_path / "users.toml"
    users.write_text(
        '[[users]]\nusername = "demo"\npassword_env = "DEMO_PW"\n\n'
        '[[users]]\nusername = "nogroup"\npassword_env = "NOGROUP_PW"\n'
    )
    result = run_cli(
        ["check", "--config", str(emu.config_file()), "--users", str(users), "--format", "json"],
        env={
            "OIDC_PROBE_CLIENT_SECRET": emu.secret(),
            "DEMO_PW": emu.password("demo"),
            "NOGROUP_PW": emu.password("nogroup"),
        },
    )
    assert result.code == 1, result.stderr
    for user in ("demo", "nogroup"):
        assert [c["status"] for c in _idt004(result, user)] == ["fail"]
    assert [u["result"] for u in result.json()["users"]] == ["fail", "fail"]


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "idp.json"
    issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Verdict19"
    domain = "https://verdict.auth.us-east-1.amazoncognito.com"
    path.write_text(
        json.dumps(
            {
                "type": "oidc",
                "name": "verdicts",
                "config": {
                    "client_id": "1verdict19client0000000000",
                    "auth_url": f"{domain}/oauth2/authorize",
                    "token_url": f"{domain}/oauth2/token",
                    "certs_url": f"{issuer}/.well-known/jwks.json",
                    "scopes": ["openid", "email", "profile"],
                },
            }
        )
    )
    return path


def _id_token(keys: PoolKeys, kid: str) -> str:
    now = int(time.time())
    claims = {
        "sub": "9f1c2b3a-1111-4222-8333-444455556666",
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Verdict19",
        "aud": "1verdict19client0000000000",
        "token_use": "id",
        "auth_time": now - 20,
        "iat": now - 10,
        "exp": now + 3600,
        "cognito:username": "ana",
        "email": "ana@example.com",
        "email_verified": True,
    }
    return sign_rs256({"kid": kid}, claims, keys.id_key)


@pytest.mark.parametrize("how", list(HOW))
def test_verify_batch_fails_the_token_whose_key_is_unusable(
    how: str, tmp_path: Path, pool_keys: PoolKeys
) -> None:
    """The usable key beside it verifies the other token; the batch still exits 1."""
    good = pool_keys.id_key.public_jwk()
    bad = {**unusable_rsa_jwk(good, how), "kid": "unusable-1"}
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [good, bad]}))
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(
        _id_token(pool_keys, good["kid"]) + "\n" + _id_token(pool_keys, "unusable-1") + "\n"
    )
    args = ["verify", "--tokens", str(tokens), "--config", str(_config(tmp_path))]
    result = run_cli([*args, "--jwks", str(jwks), "--format", "json"])
    assert result.code == 1, result.stderr
    by_user = {c["user"]: c for c in _idt004(result)}
    assert by_user["line 1"]["status"] == "pass"
    assert by_user["line 2"]["status"] == "fail"
    assert "unusable-1" in by_user["line 2"]["message"]
    assert HOW[how] in by_user["line 2"]["message"]
    assert "NOT verified" in result.stderr


def test_verify_single_token_with_unusable_key_exits_1(tmp_path: Path, pool_keys: PoolKeys) -> None:
    jwk = unusable_rsa_jwk(pool_keys.id_key.public_jwk(), "e1")
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [jwk, pool_keys.access_key.public_jwk()]}))
    token = _id_token(pool_keys, jwk["kid"])
    args = ["verify", "-", "--config", str(_config(tmp_path)), "--jwks", str(jwks)]
    result = run_cli([*args, "--format", "json"], stdin=token)
    assert result.code == 1, result.stderr
    (finding,) = _idt004(result)
    assert finding["status"] == "fail"
    assert "public exponent e is 1" in finding["message"]


@pytest.mark.parametrize("how", list(HOW))
def test_verify_access_fails_an_unusable_certs_key(how: str, tmp_path: Path) -> None:
    signer = AccessSigner()
    certs = signer.certs()
    certs["keys"] = [unusable_rsa_jwk(certs["keys"][0], how)]
    path = tmp_path / "certs.json"
    path.write_text(json.dumps(certs))
    args = ["verify-access", "-", "--team-name", TEAM, "--aud", AUD, "--certs", str(path)]
    result = run_cli([*args, "--format", "json"], stdin=signer.sign() + "\n")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.code == 1
    (finding,) = [c for c in result.json()["checks"] if c["id"] == "CFT001"]
    assert finding["status"] == "fail"
    assert KID in finding["message"]
    assert HOW[how] in finding["message"], finding["message"]


def test_pytest_plugin_fails_over_an_unusable_key(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_cognito(faults=["signing-key-rsa-e-1"])
        def test_unusable_key(fake_cognito, oidc_probe):
            outcome = oidc_probe.check()
            assert outcome.exit_code == 1
            assert "IDT004" in {c["id"] for c in outcome.failures}

        @pytest.mark.fake_cognito(faults=["signing-key-rsa-e-1"])
        @pytest.mark.oidc_probe()
        def test_marker_fails(fake_cognito):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*IDT004*public exponent e is 1*"])


def test_a_baseline_cannot_accept_an_unverified_signature(
    emulator_factory: Callable[..., Emulator], tmp_path: Path
) -> None:
    baseline = tmp_path / "baseline.toml"
    baseline.write_text(
        '[[accept]]\nid = "IDT004"\nreason = "we know"\n\n'
        '[[accept]]\nid = "JWK002"\nreason = "we know"\n'
    )
    result = probe(emulator_factory("signing-key-rsa-e-1"), "--baseline", str(baseline))
    assert result.code == 1, result.stderr
    (finding,) = _idt004(result)
    assert finding["status"] == "fail"
    assert not finding.get("accepted")
    assert "result PASS" not in result.stderr


# Defect found in review: the net (IDT004 failing) was cast before the baseline, only
# when nothing else failed; a baseline accepting the failure that named the cause
# (IDT002, IDT001, AUT001) turned an unverified run into PASS. The net is cast again
# after the baseline, on each run context.


def _accepting(tmp_path: Path, result: CliResult, user: str | None = None) -> Path:
    """A baseline accepting every failure of ``result`` (IDT004 is never among them)."""
    failing = {
        c["id"]
        for c in result.json()["checks"]
        if c["status"] == "fail" and (user is None or c.get("user") in (user, ""))
    }
    assert failing
    assert "IDT004" not in failing, failing
    path = tmp_path / "accept-all.toml"
    path.write_text(
        "".join(f'[[accept]]\nid = "{i}"\nreason = "known"\n\n' for i in sorted(failing))
    )
    return path


def _netted(result: CliResult, user: str | None = None) -> None:
    assert result.code == 1, result.stderr
    assert "result PASS" not in result.stderr
    (finding,) = _idt004(result, user)
    assert finding["status"] == "fail", finding
    assert not finding.get("accepted")
    assert "was not verified" in finding["message"]


def test_a_baseline_accepting_alg_none_does_not_pass(
    emulator_factory: Callable[..., Emulator], tmp_path: Path
) -> None:
    emu = emulator_factory("alg-none")
    first = probe(emu)
    assert [c["status"] for c in first.json()["checks"] if c["id"] == "IDT002"] == ["fail"]
    assert [c["status"] for c in _idt004(first)] == ["skip"]
    baseline = _accepting(tmp_path, first)
    _netted(probe(emu, "--baseline", str(baseline)))
    text = probe(emu, "--baseline", str(baseline), fmt="text")
    assert text.code == 1
    assert "result FAIL" in text.stderr
    assert "IDT004" in text.stderr


def test_a_baseline_accepting_a_refused_authorize_does_not_pass(
    emulator_factory: Callable[..., Emulator], tmp_path: Path
) -> None:
    """No login at all (AUT001 fails): accepting it still leaves IDT004 failing."""
    emu = emulator_factory()
    config = emu.config_file(scopes=["openid", "no-such-scope"])
    first = probe(emu, config=config)
    assert "AUT001" in {c["id"] for c in first.json()["checks"] if c["status"] == "fail"}
    result = probe(emu, "--baseline", str(_accepting(tmp_path, first)), config=config)
    _netted(result)


def test_a_baseline_accepting_a_malformed_token_does_not_pass(
    tmp_path: Path, pool_keys: PoolKeys
) -> None:
    baseline = tmp_path / "b.toml"
    baseline.write_text('[[accept]]\nid = "IDT001"\nreason = "known"\n')
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [pool_keys.id_key.public_jwk()]}))
    args = ["verify", "--config", str(_config(tmp_path)), "--jwks", str(jwks), "--format", "json"]
    result = run_cli([*args, "garbage", "--baseline", str(baseline)])
    _netted(result)
    assert [c["accepted"] for c in result.json()["checks"] if c["id"] == "IDT001"] == ["known"]
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("garbage\nnot.a.token\n")
    batch = run_cli([*args, "--tokens", str(tokens), "--baseline", str(baseline)])
    for user in ("line 1", "line 2"):
        _netted(batch, user)


def test_a_baseline_cannot_pass_one_user_of_a_users_run(
    emulator_factory: Callable[..., Emulator], tmp_path: Path
) -> None:
    emu = emulator_factory("alg-none")
    users = tmp_path / "users.toml"
    users.write_text(
        '[[users]]\nusername = "demo"\npassword_env = "DEMO_PW"\n\n'
        '[[users]]\nusername = "nogroup"\npassword_env = "NOGROUP_PW"\n'
    )
    baseline = tmp_path / "b.toml"
    baseline.write_text('[[accept]]\nid = "IDT002"\nuser = "demo"\nreason = "known"\n')
    args = ["check", "--config", str(emu.config_file()), "--users", str(users)]
    env = {
        "OIDC_PROBE_CLIENT_SECRET": emu.secret(),
        "DEMO_PW": emu.password("demo"),
        "NOGROUP_PW": emu.password("nogroup"),
    }
    result = run_cli([*args, "--format", "json", "--baseline", str(baseline)], env=env)
    _netted(result, "demo")
    nogroup = {c["id"]: c["status"] for c in result.json()["checks"] if c["user"] == "nogroup"}
    assert nogroup["IDT002"] == "fail"  # not accepted for this user: it still names the cause
    assert nogroup["IDT004"] == "skip"
