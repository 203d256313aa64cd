"""Words that fit what was run: ``verify --tokens`` speaks of tokens given on the command
line (no login), ``--users`` counts in the singular when there is one user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import Emulator, run_cli

pytestmark = pytest.mark.e2e


def test_verify_tokens_speaks_of_tokens_given_without_a_login(
    emulator: Emulator, tmp_path: Path
) -> None:
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("garbage\nnot.a.token\n")
    args = ["verify", "--config", str(emulator.config_file()), "--tokens", str(tokens)]
    result = run_cli([*args, "-q", "--no-color"])
    assert result.code == 1, result.stderr
    assert "(2 tokens)" in result.stderr
    assert "users)" not in result.stderr
    text = " ".join(result.stdout.split())
    assert "Token line 1 (1 failing)" in text
    assert "User line" not in text
    assert "the ID token was given (no login) and does not decode" in text
    assert "the login was not attempted" not in text
    assert "TOK001 did not run" not in text
    data = json.loads(run_cli([*args, "--format", "json"]).stdout)
    (clm007, _) = [c for c in data["checks"] if c["id"] == "CLM007"]
    assert clm007["status"] == "skip"
    assert "given on the command line (no login)" in clm007["message"]


def test_one_user_is_counted_in_the_singular(emulator: Emulator, tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    users.write_text('[[users]]\nusername = "demo"\npassword_env = "DEMO_PW"\n')
    env = {"OIDC_PROBE_CLIENT_SECRET": emulator.secret(), "DEMO_PW": emulator.password("demo")}
    args = ["check", "--config", str(emulator.config_file()), "--users", str(users)]
    result = run_cli([*args, "--format", "json"], env=env)
    assert "probing 1 user (demo)" in result.stderr
    assert "1 users" not in result.stderr
    assert "(1 user)" in result.stderr
