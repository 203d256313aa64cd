"""verify, discover and cloudflare-config through the real CLI against the emulator."""

from __future__ import annotations

import json
import stat
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import Emulator, probe, run_cli

pytestmark = pytest.mark.e2e


def _id_token(emu: Emulator, username: str = "demo") -> str:
    result = probe(emu, "--show-tokens", username=username)
    assert result.code == 0, result.stderr
    return str(result.json()["tokens"]["id_token"])


def test_verify_a_token_from_stdin_and_offline(emulator: Emulator, tmp_path: Path) -> None:
    token = _id_token(emulator)
    config = str(emulator.config_file())
    result = run_cli(["verify", "-", "--config", config, "--format", "json"], stdin=token + "\n")
    assert result.code == 0, result.stderr
    data = result.json()
    statuses = {c["id"]: c["status"] for c in data["checks"]}
    assert statuses["IDT004"] == "pass"
    assert statuses["IDT005"] == "pass"
    assert statuses["IDT009"] == "skip"
    assert {c["stage"] for c in data["checks"]} <= {"jwks", "id_token", "claims"}
    nonce = next(c for c in data["checks"] if c["id"] == "IDT009")
    assert nonce["message"].startswith("verify: the nonce of the original login is unknown")
    assert data["access_view"]["email"] == "demo@example.com"
    assert token not in result.stdout + result.stderr

    jwks = tmp_path / "jwks.json"
    issuer = emulator.pool.issuer(emulator.base_url)
    with urllib.request.urlopen(f"{issuer}/.well-known/jwks.json", timeout=10) as response:
        jwks.write_bytes(response.read())
    offline = run_cli(
        [
            "verify",
            "-",
            "--config",
            config,
            "--jwks",
            str(jwks),
            "--expect",
            "cognito:groups~=admins",
            "-v",
        ],
        stdin=token,
    )
    assert offline.code == 0, offline.stderr
    assert "PASS  IDT004" in offline.stdout
    assert "PASS  EXP001" in offline.stdout


def test_verify_without_a_usable_key_says_nothing_is_verified(
    emulator: Emulator, tmp_path: Path
) -> None:
    token = _id_token(emulator)
    empty = tmp_path / "jwks.json"
    empty.write_text('{"keys": []}')
    config = str(emulator.config_file())
    result = run_cli(
        ["verify", "-", "--config", config, "--jwks", str(empty), "--format", "json"], stdin=token
    )
    assert result.code == 1
    idt004 = [c for c in result.json()["checks"] if c["id"] == "IDT004"]
    assert idt004
    assert all(c["status"] != "pass" for c in idt004)
    assert "NOT verified" in result.stderr
    assert result.json()["id_token_claims"]["email"] == "demo@example.com"


def test_verify_many_tokens_from_a_file(emulator: Emulator, tmp_path: Path) -> None:
    good = _id_token(emulator)
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(f"# from the app log\n{good}\n\nnot-a-token\n{good}\n")
    result = run_cli(
        [
            "verify",
            "--tokens",
            str(tokens),
            "--config",
            str(emulator.config_file()),
            "--format",
            "json",
        ]
    )
    assert result.code == 1
    users = result.json()["users"]
    assert [(u["username"], u["result"]) for u in users] == [
        ("line 2", "pass"),
        ("line 4", "fail"),
        ("line 5", "pass"),
    ]
    bad = [c for c in result.json()["checks"] if c["user"] == "line 4" and c["id"] == "IDT001"]
    assert [c["status"] for c in bad] == ["fail"]
    assert good not in result.stdout + result.stderr


def test_verify_needs_a_token(emulator: Emulator) -> None:
    result = run_cli(["verify", "--config", str(emulator.config_file())])
    assert result.code == 2
    assert "verify needs a token" in result.stderr


def test_discover_needs_no_credentials(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu = emulator_factory("jwks-empty")
    result = run_cli(["discover", "--config", str(emu.config_file()), "--format", "json"])
    assert result.code == 1
    checks = result.json()["checks"]
    assert {c["stage"] for c in checks} == {"config", "discovery", "jwks"}
    assert "JWK001" in result.failing()
    same = run_cli(
        ["check", "--discovery-only", "--config", str(emu.config_file()), "--format", "json"]
    )
    assert [(c["id"], c["status"]) for c in same.json()["checks"]] == [
        (c["id"], c["status"]) for c in checks
    ]


def test_cloudflare_config_writes_the_probed_config(emulator: Emulator, tmp_path: Path) -> None:
    out = tmp_path / "idp.json"
    args = emulator.cloudflare_config_args("--claims", "cognito:groups,name")
    secret = {"OIDC_PROBE_CLIENT_SECRET": emulator.secret()}
    written = run_cli([*args, "--output", str(out)], env=secret)
    assert written.code == 0, written.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    body = json.loads(out.read_text())
    assert body["type"] == "oidc"
    config = body["config"]
    assert config["client_secret"] == emulator.secret()
    issuer = emulator.pool.issuer(emulator.base_url)
    assert config["certs_url"] == f"{issuer}/.well-known/jwks.json"
    assert config["auth_url"] == f"{emulator.base_url}/oauth2/authorize"
    assert config["claims"] == ["cognito:groups", "name"]
    assert emulator.secret() not in written.stdout + written.stderr

    shown = run_cli(args, env=secret)
    assert shown.code == 0
    assert "client_secret" not in json.loads(shown.stdout)["config"]
    assert "--show-secret" in shown.stderr

    checked = probe(emulator, config=out)
    assert checked.code == 0, checked.stderr

    missing = run_cli(args)
    assert missing.code == 2
    assert "OIDC_PROBE_CLIENT_SECRET" in missing.stderr

    wrong = run_cli([*args[:-2], "--discovery-url", f"{emulator.base_url}/nope"], env=secret)
    assert wrong.code == 2
    assert "cannot read the discovery document" in wrong.stderr
