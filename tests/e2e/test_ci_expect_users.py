"""--expect and --users through the real CLI against the emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from oidc_probe.fake_cognito import PoolKeys, create_app, load_pool
from oidc_probe.fake_cognito.server import start_in_thread
from tests.e2e.conftest import CliResult, Emulator, probe, run_cli

pytestmark = pytest.mark.e2e


def test_expectations_pass_and_fail_with_evidence(emulator: Emulator) -> None:
    result = probe(
        emulator,
        "--expect",
        "cognito:groups~=admins",
        "--expect",
        "email_verified=true",
        "--expect",
        "!custom:nope",
        "--expect",
        "name=Somebody Else",
    )
    assert result.code == 1
    exp = [c for c in result.json()["checks"] if c["id"] == "EXP001"]
    assert [(c["subject"], c["status"]) for c in exp] == [
        ("cognito:groups~=admins", "pass"),
        ("email_verified=true", "pass"),
        ("!custom:nope", "pass"),
        ("name=Somebody Else", "fail"),
    ]
    assert exp[3]["evidence"] == {"expected": "name = 'Somebody Else'", "actual": "Demo User"}
    assert result.failing() == {"EXP001"}


def test_an_expectation_parse_error_is_exit_2_one_line(emulator: Emulator) -> None:
    result = probe(emulator, "--expect", "=admins")
    assert result.code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no claim name" in result.stderr


USERS = """
[[users]]
username = "demo"
password_env = "DEMO_PW"
expect = ["cognito:groups~=admins"]

[[users]]
username = "nogroup"
password_env = "NOGROUP_PW"
expect = ["!cognito:groups"]

[[users]]
username = "special"
password_env = "SPECIAL_PW"
expect = ["cognito:groups~=admins"]
"""


@pytest.fixture(params=[(), ("rotate-keys",)], ids=["plain", "rotate-keys"])
def logged_emulator(
    request: pytest.FixtureRequest, tmp_path: Path, pool_keys: PoolKeys
) -> Iterator[tuple[Emulator, list]]:
    pool = load_pool()
    app = create_app(pool, keys=pool_keys, faults=request.param)
    server = start_in_thread(app)
    yield Emulator(server, pool, tmp_path), app.state.request_log
    server.stop()


def _users_run(emu: Emulator, tmp_path: Path, *extra: str, env: dict | None = None) -> CliResult:
    users = tmp_path / "users.toml"
    users.write_text(USERS)
    passwords = {
        "DEMO_PW": emu.password("demo"),
        "NOGROUP_PW": emu.password("nogroup"),
        "SPECIAL_PW": emu.password("special"),
    }
    return run_cli(
        ["check", "--config", str(emu.config_file()), "--users", str(users), *extra],
        env={"OIDC_PROBE_CLIENT_SECRET": emu.secret(), **passwords, **(env or {})},
    )


def test_users_share_one_discovery_and_one_jwks_fetch(
    logged_emulator: tuple[Emulator, list], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    emu, log = logged_emulator
    result = _users_run(emu, tmp_path, "--format", "json", "--concurrency", "3")
    assert result.code == 1  # special is not in admins
    data = result.json()
    assert [u["username"] for u in data["users"]] == ["demo", "nogroup", "special"]
    assert [u["result"] for u in data["users"]] == ["pass", "fail", "fail"]
    failing = {(c["user"], c["id"]) for c in data["checks"] if c["status"] == "fail"}
    assert failing == {("special", "EXP001"), ("nogroup", "CLM003")}
    nogroup_exp = [c for c in data["checks"] if c["user"] == "nogroup" and c["id"] == "EXP001"]
    assert [c["status"] for c in nogroup_exp] == ["pass"]
    run_wide = [c for c in data["checks"] if c["user"] is None]
    assert {c["stage"] for c in run_wide} <= {"config", "discovery", "jwks"}
    assert all(c["user"] for c in data["checks"] if c["stage"] in ("token", "id_token"))
    paths = [path for _, path in log]
    assert sum(p.endswith("/openid-configuration") for p in paths) == 1
    rotated = any(c["id"] == "IDT003" and "refetch" in c["message"] for c in data["checks"])
    assert rotated == ("rotate-keys" in request.node.callspec.id)
    # One fetch, plus one refetch shared by every user when the signing key rotated.
    assert sum(p.endswith("/jwks.json") for p in paths) == (2 if rotated else 1)
    assert all(c["status"] == "pass" for c in data["checks"] if c["id"] == "IDT004")
    assert paths.count("/oauth2/token") == 3
    for user in ("demo", "nogroup", "special"):
        assert emu.password(user) not in result.stdout + result.stderr


def test_users_text_report_groups_by_user(emulator: Emulator, tmp_path: Path) -> None:
    result = _users_run(emulator, tmp_path)
    assert "User demo (no failure)" in result.stdout
    assert "User special (" in result.stdout
    assert "result FAIL (3 users): CLM003 configured-claim-present" in result.stderr


def test_missing_user_password_is_exit_2_naming_user_and_variable(
    emulator: Emulator, tmp_path: Path
) -> None:
    users = tmp_path / "users.toml"
    users.write_text(USERS)
    result = run_cli(
        ["check", "--config", str(emulator.config_file()), "--users", str(users)],
        env={"OIDC_PROBE_CLIENT_SECRET": emulator.secret(), "DEMO_PW": "x", "NOGROUP_PW": "y"},
    )
    assert result.code == 2
    assert "'special'" in result.stderr
    assert "SPECIAL_PW" in result.stderr
    assert "Traceback" not in result.stderr


def test_users_file_error_is_exit_2(emulator: Emulator, tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"users": [{"username": "a", "pasword_env": "X"}]}))
    result = run_cli(
        ["check", "--config", str(emulator.config_file()), "--users", str(users)],
        env={"OIDC_PROBE_CLIENT_SECRET": emulator.secret()},
    )
    assert result.code == 2
    assert "unknown field(s) pasword_env" in result.stderr


def test_users_with_another_login_mode_is_exit_2(emulator: Emulator, tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    users.write_text(USERS)
    result = run_cli(
        [
            "check",
            "--config",
            str(emulator.config_file()),
            "--users",
            str(users),
            "--login",
            "initiate-auth",
            "--cognito-endpoint",
            emulator.base_url,
        ],
        env={"OIDC_PROBE_CLIENT_SECRET": emulator.secret()},
    )
    assert result.code == 2
    assert "--users signs each user in with --login form" in result.stderr
    assert "Traceback" not in result.stderr
