from __future__ import annotations

from pathlib import Path

import pytest

from oidc_probe.core.errors import ConfigError, UsageError
from oidc_probe.core.expect import Kind
from oidc_probe.core.model import Stage, Status
from oidc_probe.run.baseline import Baseline, BaselineEntry, load_baseline, parse_baseline
from oidc_probe.run.users import load_users, parse_users, passwords
from tests.unit.report.builders import finding

TOML = """
[[users]]
username = "alice"
password_env = "ALICE_PW"
expect = ["cognito:groups~=admins", "!custom:x"]

[[users]]
username = "bob"
password_env = "BOB_PW"
"""


def test_toml_and_json_users(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    path.write_text(TOML)
    users = load_users(path)
    assert [u.username for u in users] == ["alice", "bob"]
    assert [e.kind for e in users[0].expect] == [Kind.CONTAINS, Kind.ABSENT]
    assert users[1].expect == ()
    as_json = parse_users(
        '[{"username": "alice", "password_env": "A", "expect": ["email"]}]', "u.json", toml=False
    )
    assert as_json[0].expect[0].claim == "email"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"users": []}', "no users"),
        ('{"people": []}', "unknown top-level"),
        ('[{"username": "a"}]', "password_env"),
        ('[{"username": "a", "password_env": "A B"}]', "password_env"),
        ('[{"username": "a", "password_env": "A", "password": "x"}]', "unknown field(s) password"),
        ('[{"username": "a", "password_env": "A", "expect": "email"}]', "list of strings"),
        ('[{"username": "a", "password_env": "A", "expect": ["=x"]}]', "users[0].expect"),
        (
            '[{"username": "a", "password_env": "A"}, {"username": "a", "password_env": "B"}]',
            "duplicate",
        ),
        ("{", "invalid JSON"),
    ],
)
def test_users_file_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_users(text, "u.json", toml=False)
    assert message in str(exc.value)
    assert str(exc.value).startswith("u.json: ")


def test_missing_password_names_user_and_variable() -> None:
    users = parse_users(TOML, "u.toml", toml=True)
    assert passwords(users, {"ALICE_PW": "a", "BOB_PW": "b"}) == {"alice": "a", "bob": "b"}
    with pytest.raises(UsageError, match=r"'bob'.*BOB_PW"):
        passwords(users, {"ALICE_PW": "a"})


def test_baseline_marks_matching_failures_and_reports_unused() -> None:
    baseline = parse_baseline(
        """
        [[accept]]
        id = "clm003"
        subject = "custom:team"
        reason = "known gap"

        [[accept]]
        id = "DSC008"
        reason = "fixed already?"
        """,
        "b.toml",
        toml=True,
    )
    findings = [
        finding("CLM003", Status.FAIL, subject="custom:team"),
        finding("CLM003", Status.FAIL, subject="other"),
        finding("DSC008", Status.PASS, stage=Stage.DISCOVERY),
    ]
    marked, unused = baseline.apply(findings)
    assert [f.accepted for f in marked] == ["known gap", "", ""]
    assert [f.failing for f in marked] == [False, True, False]
    assert [e.check_id for e in unused] == ["DSC008"]


def test_baseline_never_accepts_an_unverified_signature() -> None:
    """Issue 19: a failed IDT004 or CFT001 keeps failing; an IDT004 warning can be accepted."""
    baseline = Baseline(
        (BaselineEntry("IDT004", "kid-less tokens"), BaselineEntry("CFT001", "test team"))
    )
    findings = [
        finding("IDT004", Status.FAIL, stage=Stage.ID_TOKEN),
        finding("CFT001", Status.FAIL, stage=Stage.ACCESS_JWT),
        finding("IDT004", Status.WARN, stage=Stage.ID_TOKEN),
    ]
    marked, _ = baseline.apply(findings)
    assert [f.failing for f in marked] == [True, True, False]
    assert marked[2].accepted == "kid-less tokens"


def test_baseline_user_scope() -> None:
    entry = BaselineEntry("CLM003", "bob only", user="bob")
    baseline = Baseline((entry,))
    from dataclasses import replace

    alice = replace(finding("CLM003", Status.FAIL), user="alice")
    bob = replace(finding("CLM003", Status.FAIL), user="bob")
    marked, _ = baseline.apply([alice, bob])
    assert [f.accepted for f in marked] == ["", "bob only"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"id": "CLM003"}]', "reason is required"),
        ('[{"reason": "x"}]', "check ID"),
        ('[{"id": "CLM003", "reason": "x", "why": 1}]', "unknown field"),
        ('{"entries": []}', "unknown top-level"),
    ],
)
def test_baseline_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_baseline(text, "b.json", toml=False)


def test_baseline_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_baseline(tmp_path / "nope.json")


def test_a_users_access_expectation() -> None:
    text = '[[users]]\nusername = "a"\npassword_env = "A_PW"\naccess = "allow"\n'
    (user,) = parse_users(text, "u.toml", toml=True)
    assert user.access == "allow"
    with pytest.raises(ConfigError, match="access must be one of allow, deny"):
        parse_users(text.replace('"allow"', '"maybe"'), "u.toml", toml=True)
