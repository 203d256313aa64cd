"""What Access will do: --policy over the emulator's users, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, CliResult, Emulator, probe, run_cli

pytestmark = pytest.mark.e2e

FIXTURES = REPO / "fixtures" / "access"
POLICIES = FIXTURES / "app-policies.json"
GROUPS = FIXTURES / "groups.json"
OFFICE = FIXTURES / "office-network.json"

USERS = """
[[users]]
username = "demo"
password_env = "DEMO_PW"
access = "allow"

[[users]]
username = "nogroup"
password_env = "NOGROUP_PW"
access = "deny"

[[users]]
username = "special"
password_env = "SPECIAL_PW"
access = "allow"
"""


def users_run(emu: Emulator, tmp_path: Path, *extra: str) -> CliResult:
    users = tmp_path / "users.toml"
    users.write_text(USERS)
    return run_cli(
        ["check", "--config", str(emu.config_file()), "--users", str(users), *extra],
        env={
            "OIDC_PROBE_CLIENT_SECRET": emu.secret(),
            "DEMO_PW": emu.password("demo"),
            "NOGROUP_PW": emu.password("nogroup"),
            "SPECIAL_PW": emu.password("special"),
        },
    )


def by_user(result: CliResult, check_id: str) -> dict[str, dict]:
    return {c["user"]: c for c in result.json()["checks"] if c["id"] == check_id}


def test_policies_decide_per_user_with_the_deciding_rule(
    emulator: Emulator, tmp_path: Path
) -> None:
    result = users_run(
        emulator,
        tmp_path,
        "--policy",
        str(POLICIES),
        "--access-groups",
        str(GROUPS),
        "--format",
        "json",
    )
    decisions = by_user(result, "ACC001")
    assert {u: c["status"] for u, c in decisions.items()} == dict.fromkeys(
        ("demo", "nogroup", "special"), "pass"
    )
    demo = decisions["demo"]["evidence"]["actual"]
    assert demo["decision"] == "allow"
    assert demo["policy"] == "Admins"
    assert demo["rule"] == "include oidc cognito:groups = admins matched ['admins']"
    assert demo["compared"] == ["admins"]
    special = decisions["special"]["evidence"]["actual"]
    assert (special["decision"], special["policy"]) == ("deny", "Block beta testers")
    nogroup = decisions["nogroup"]
    assert nogroup["evidence"]["actual"]["decision"] == "no_match"
    assert "no policy matched" in nogroup["message"]
    assert "no Cognito group" in nogroup["hint"]
    assert "cognito:groups" in nogroup["hint"]
    # special is expected allow but the Block policy (precedence 2) denies it first.
    expectations = by_user(result, "ACC002")
    assert {u: c["status"] for u, c in expectations.items()} == {
        "demo": "pass",
        "nogroup": "pass",
        "special": "fail",
    }
    assert "Block beta testers" in expectations["special"]["message"]
    assert result.code == 1


def test_expect_access_fails_ci_naming_the_rule(emulator: Emulator) -> None:
    result = probe(
        emulator,
        "--policy",
        str(POLICIES),
        "--access-groups",
        str(GROUPS),
        "--expect-access",
        "deny",
    )
    assert result.code == 1
    (finding,) = [c for c in result.json()["checks"] if c["id"] == "ACC002"]
    assert finding["status"] == "fail"
    assert "Admins" in finding["message"]
    assert "cognito:groups = admins" in finding["message"]
    ok = probe(
        emulator,
        "--policy",
        str(POLICIES),
        "--access-groups",
        str(GROUPS),
        "--expect-access",
        "allow",
    )
    assert ok.statuses("ACC002") == ["pass"]


def test_request_dependent_rules_are_undetermined(emulator: Emulator) -> None:
    result = probe(emulator, "--policy", str(OFFICE), "--expect-access", "allow", fmt="text")
    assert result.code == 1
    assert "WARN  ACC001" in result.stdout
    assert "undetermined" in result.stdout
    assert "depends on the request" in result.stdout


def test_missing_group_file_is_undetermined_not_silent(emulator: Emulator) -> None:
    result = probe(emulator, "--policy", str(POLICIES), username="nogroup")
    # nogroup: Admins and Block do not match; Staff needs the Access group, which is unknown.
    assert result.statuses("ACC001") == ["warn"]
    (finding,) = [c for c in result.json()["checks"] if c["id"] == "ACC001"]
    assert "--access-groups" in finding["message"]


def test_no_policy_skips_with_the_reason(emulator: Emulator) -> None:
    result = probe(emulator)
    assert result.statuses("ACC001") == ["skip"]
    (finding,) = [c for c in result.json()["checks"] if c["id"] == "ACC001"]
    assert "--policy" in finding["message"]


def test_trimming_that_drops_a_policy_claim_warns(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu = emulator_factory("many-groups")
    result = probe(emu, "--policy", str(POLICIES), "--access-groups", str(GROUPS))
    assert result.statuses("ACC003") == ["warn"]
    (finding,) = [c for c in result.json()["checks"] if c["id"] == "ACC003"]
    assert "cognito:groups" in finding["message"]
    assert "approximate" in finding["hint"]
    passing = probe(emulator_factory(), "--policy", str(POLICIES), "--access-groups", str(GROUPS))
    assert passing.statuses("ACC003") == ["pass"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"name": "x", "decision": "maybe", "include": [{"everyone": {}}]}', "decision must be"),
        ('{"name": "x", "decision": "allow", "include": []}', "no include rule"),
        (
            '{"success": false, "errors": [{"code": 10000, "message": "Forbidden"}], "result": null}',
            "10000 Forbidden",
        ),
        ("[1,", "invalid JSON"),
    ],
)
def test_a_bad_policy_file_is_one_line_exit_2(
    emulator: Emulator, tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "policy.json"
    path.write_text(body)
    result = probe(emulator, "--policy", str(path))
    assert result.code == 2
    assert result.stderr.strip().count("\n") == 0
    assert message in result.stderr


def test_verify_an_id_token_with_policies(emulator: Emulator) -> None:
    shown = probe(emulator, "--show-tokens", username="special")
    token = str(shown.json()["tokens"]["id_token"])
    result = run_cli(
        [
            "verify",
            "-",
            "--config",
            str(emulator.config_file()),
            "--format",
            "json",
            "--policy",
            str(POLICIES),
            "--access-groups",
            str(GROUPS),
            "--expect-access",
            "deny",
        ],
        stdin=token + "\n",
    )
    assert result.code == 0, result.stdout
    (decision,) = [c for c in result.json()["checks"] if c["id"] == "ACC001"]
    assert decision["evidence"]["actual"]["policy"] == "Block beta testers"
    assert result.statuses("ACC002") == ["pass"]
    assert token not in result.stdout + result.stderr


def test_include_everyone_is_a_warning_naming_the_policy(
    emulator: Emulator, tmp_path: Path
) -> None:
    policies = tmp_path / "everyone.json"
    policies.write_text(
        '{"result": [{"name": "Anyone", "decision": "allow", "precedence": 1,'
        ' "include": [{"everyone": {}}]}], "success": true}'
    )
    result = probe(emulator, "--policy", str(policies), "--expect-access", "allow")
    assert result.code == 0, result.stderr  # a warning, not a failure
    assert result.statuses("ACC001") == ["pass", "warn"]
    assert result.statuses("ACC002") == ["pass"]
    warning = [c for c in result.json()["checks"] if c["id"] == "ACC001"][1]
    assert warning["subject"] == "Anyone"
    assert "has include Everyone and no require rule: any identity" in warning["message"]
    text = probe(emulator, "--policy", str(policies), fmt="text")
    assert "WARN  ACC001" in text.stdout
    assert "Include Everyone is no restriction" in " ".join(text.stdout.split())
