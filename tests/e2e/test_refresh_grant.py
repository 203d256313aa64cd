"""Issue 13 item 6, the token endpoint, through the real CLI against the emulator.

TOK007 (``--active``) redeems the main login's refresh token: it passes against the
emulator with Basic and with form client authentication and with a public client, and
warns under the faults ``refresh-refused`` and ``refresh-new-sub``. The documented
refusal of a public client that sends a secret (invalid_client) is seen through the
main code exchange. ``unsupported_grant_type`` is not reachable through the CLI: the
probe only ever sends ``authorization_code`` and ``refresh_token``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oidc_probe.fake_cognito.pool import DEFAULT_POOL_RESOURCE

from .conftest import REPO, CliResult, Emulator, probe, run_cli

pytestmark = pytest.mark.e2e
DEFAULT_POOL = REPO / "oidc_probe" / "fake_cognito" / DEFAULT_POOL_RESOURCE


def tok007(result: CliResult) -> list[dict[str, Any]]:
    assert "Traceback" not in result.stderr, result.stderr
    return [c for c in result.json()["checks"] if c["id"] == "TOK007"]


def only_tok007(result: CliResult) -> dict[str, Any]:
    found = tok007(result)
    assert len(found) == 1, found
    return found[0]


def not_passing(result: CliResult) -> set[tuple[str, str]]:
    checks = result.json()["checks"]
    return {(c["id"], c["status"]) for c in checks if c["status"] in ("fail", "warn")}


BASELINE = {("CFG002", "warn")}  # plain http on loopback, in every emulator run


@pytest.mark.parametrize("client_auth", ["basic", "post"])
def test_the_refresh_grant_passes_against_the_emulator(
    emulator: Emulator, client_auth: str
) -> None:
    result = probe(emulator, "--active", "--client-auth", client_auth)

    found = only_tok007(result)
    assert found["status"] == "pass", found
    assert "an ID token whose signature verifies" in found["message"]
    assert "with the main ID token's iss, sub and aud, without a nonce" in found["message"]
    assert "no new refresh token" in found["message"]
    assert not_passing(result) == BASELINE
    assert result.code == 0


def test_without_active_tok007_skips_and_says_how_to_run_it(emulator: Emulator) -> None:
    result = probe(emulator)
    found = only_tok007(result)

    assert result.code == 0, result.failing()
    assert found["status"] == "skip"
    assert "run with --active" in found["message"]


def test_a_refused_refresh_warns_and_the_login_still_passes(
    emulator_factory: Callable[..., Emulator],
) -> None:
    result = probe(emulator_factory("refresh-refused"), "--active")

    found = only_tok007(result)
    assert found["status"] == "warn"
    assert (
        "refused the refresh token it had just issued: HTTP 400 invalid_grant" in (found["message"])
    )
    assert "refresh token expiration" in found["hint"]
    assert not_passing(result) == BASELINE | {("TOK007", "warn")}
    assert result.statuses("TOK004") == ["pass"]  # a refused refresh does not hide TOK004
    # (the refresh goes before the replay: tests/unit/stages/test_refresh_stage.py)
    assert result.code == 0  # a warning: Access never refreshes


def test_a_refresh_for_another_user_warns_naming_sub(
    emulator_factory: Callable[..., Emulator],
) -> None:
    emu = emulator_factory("refresh-new-sub")
    result = probe(emu, "--active")

    found = only_tok007(result)
    assert (found["status"], found["subject"]) == ("warn", "sub")
    user_sub = emu.pool.user("demo").sub
    assert found["evidence"] == {
        "expected": user_sub,
        "actual": "00000000-0000-4000-8000-000000000000",
    }
    assert not_passing(result) == BASELINE | {("TOK007", "warn")}
    assert result.code == 0


def public_pool(tmp_path: Path) -> str:
    """The demo pool with its app client made public (no client secret)."""
    pool = json.loads(DEFAULT_POOL.read_text(encoding="utf-8"))
    del pool["clients"][0]["client_secret"]
    path = tmp_path / "public_pool.json"
    path.write_text(json.dumps(pool), encoding="utf-8")
    return str(path)


def public_run(emu: Emulator, *extra: str, secret: str | None = None) -> CliResult:
    env = {"OIDC_PROBE_PASSWORD": emu.password("demo")}
    if secret is not None:
        env["OIDC_PROBE_CLIENT_SECRET"] = secret
    args = ["check", "--config", str(emu.config_file()), "--login", "form"]
    return run_cli([*args, "--username", "demo", "--format", "json", *extra], env=env)


def test_a_public_client_refreshes_with_its_client_id_alone(
    emulator_factory: Callable[..., Emulator], tmp_path: Path
) -> None:
    result = public_run(emulator_factory(pool_path=public_pool(tmp_path)), "--active")

    assert only_tok007(result)["status"] == "pass"
    assert result.statuses("TOK001") == ["pass"]
    # Access itself needs a client secret (CFG001); the apps TOK007 speaks for may not.
    assert not_passing(result) == BASELINE | {("CFG001", "fail")}
    assert result.code == 1


def test_a_public_client_that_sends_a_secret_is_refused_with_invalid_client(
    emulator_factory: Callable[..., Emulator], tmp_path: Path
) -> None:
    emu = emulator_factory(pool_path=public_pool(tmp_path))
    result = public_run(emu, "--active", secret="a-secret-the-public-client-has-not")

    tok001 = next(c for c in result.json()["checks"] if c["id"] == "TOK001")
    assert tok001["status"] == "fail"
    assert "invalid_client" in tok001["message"]
    found = only_tok007(result)
    assert found["status"] == "skip"
    assert "did not succeed (see TOK001)" in found["message"]
    assert "a-secret-the-public-client-has-not" not in result.stdout + result.stderr
    assert result.code == 1
