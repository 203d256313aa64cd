"""Issue 19 item 2: every JSON a server can send within the 1 MiB cap yields a full report.

Through the real CLI against the emulator: a claim nested 500 arrays deep (configured,
so Access's ``custom`` claim is sized with it), a lone surrogate escape in a configured
claim and in the refresh token, a 160 kB ID token; each in every report format (text
on stdout, the others as files, the GitHub step summary), without a traceback, without
a secret, and naming what was normalised. And ``verify`` of a token over the cap.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from oidc_probe.fake_cognito.keys import PoolKeys, sign_rs256
from tests.e2e.conftest import Emulator, run_cli

pytestmark = pytest.mark.e2e

FILE_FORMATS = ("json", "junit", "markdown", "github")
CLAIMS = ["sub", "cognito:username", "name", "deep_claim", "blob"]


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("deep-claim", "nested over 64 levels"),
        ("lone-surrogate-claim", "U+FFFD (at name)"),
        ("lone-surrogate-refresh-token", "U+FFFD (at refresh_token)"),
        ("large-id-token", ""),
    ],
)
def test_every_format_is_written_for_hostile_json(
    fault: str, words: str, emulator_factory: Callable[..., Emulator], tmp_path: Path
) -> None:
    emu = emulator_factory(fault)
    out = tmp_path / "out"
    out.mkdir()
    files = [f"--output={fmt}={out / ('report.' + fmt)}" for fmt in FILE_FORMATS]
    config = emu.config_file(client_secret=None, claims=CLAIMS)
    password = emu.password("demo")
    env = {
        "OIDC_PROBE_CLIENT_SECRET": emu.secret(),
        "OIDC_PROBE_PASSWORD": password,
        "GITHUB_STEP_SUMMARY": str(out / "step-summary.md"),
    }
    args = ["check", "--config", str(config), "--username", "demo", "--format", "text", *files]
    result = run_cli(args, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.code in (0, 1), (result.code, result.stderr)
    written = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert set(written) >= {f"report.{fmt}" for fmt in FILE_FORMATS} | {"step-summary.md"}
    for text in [result.stdout, result.stderr, *written.values()]:
        assert emu.secret() not in text
        assert password not in text
        assert "\ud800" not in text
    report = json.loads(written["report.json"])
    checks = report["checks"]
    assert {c["status"] for c in checks if c["id"] == "IDT004"} == {"pass"}
    if words:
        assert any(words in c["message"] for c in checks if c["status"] == "warn")
        assert words in " ".join(result.stdout.split())  # the report wraps at 80 columns


def test_large_valid_id_token_verifies_and_one_over_the_cap_names_its_size(
    tmp_path: Path, pool_keys: PoolKeys
) -> None:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [pool_keys.id_key.public_jwk()]}))
    config = tmp_path / "idp.json"
    config.write_text(
        json.dumps(
            {
                "type": "oidc",
                "name": "big",
                "config": {
                    "client_id": "1big19client000000000000000",
                    "auth_url": "https://big.auth.us-east-1.amazoncognito.com/oauth2/authorize",
                    "token_url": "https://big.auth.us-east-1.amazoncognito.com/oauth2/token",
                    "certs_url": "https://cognito-idp.us-east-1.amazonaws.com/x/jwks.json",
                },
            }
        )
    )
    tokens = tmp_path / "tokens.txt"
    kid = {"kid": pool_keys.id_key.kid}
    large = sign_rs256(kid, {"sub": "s", "blob": "a" * 160_000}, pool_keys.id_key)
    huge = sign_rs256(kid, {"sub": "s", "blob": "a" * 1_100_000}, pool_keys.id_key)
    tokens.write_text(f"{large}\n{huge}\n")
    args = ["verify", "--tokens", str(tokens), "--config", str(config), "--jwks", str(jwks)]
    result = run_cli([*args, "--format", "json"])
    assert "Traceback" not in result.stderr, result.stderr
    assert result.code == 1
    by_line = {c["user"]: c for c in result.json()["checks"] if c["id"] == "IDT004"}
    assert by_line["line 1"]["status"] == "pass"
    assert by_line["line 2"]["status"] == "fail"
    assert "bytes, over the 1,048,576-byte" in by_line["line 2"]["message"]
    assert "does not verify" not in by_line["line 2"]["message"]
