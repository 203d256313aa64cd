"""The example CI jobs in docs/ci, run locally: their oidc-probe commands against the emulator."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, Emulator
from tests.unit.report.junit_schema import validate

pytestmark = pytest.mark.e2e

DOCS = REPO / "docs" / "ci"
START, END = "# oidc-probe:start", "# oidc-probe:end"
USERS = {"alice": "demo", "bob": "nogroup"}  # the example's users -> the emulator's


def commands(workflow: Path) -> list[str]:
    """The ``oidc-probe`` command lines between the markers of a workflow file."""
    lines = workflow.read_text().splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == START]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    assert len(starts) == len(ends) == 1, f"{workflow.name}: one {START} ... {END} block"
    found = []
    for line in lines[starts[0] + 1 : ends[0]]:
        text = line.strip().removeprefix("- ").strip()
        if text and not text.startswith("#"):
            found.append(text)
    assert found, workflow.name
    assert all(c.startswith("oidc-probe ") for c in found), found
    return found


def workspace(emu: Emulator, root: Path) -> Path:
    """The repository layout the examples expect, pointed at the emulator, secret left out."""
    ci = root / "ci"
    ci.mkdir(parents=True)
    body = emu.pool.probe_config(emu.base_url)
    del body["config"]["client_secret"]
    (ci / "idp.json").write_text(json.dumps(body))
    for name in ("users.toml", "baseline.toml"):
        text = (DOCS / name).read_text()
        for example, real in USERS.items():
            text = text.replace(f'"{example}"', f'"{real}"')
        (ci / name).write_text(text)
    return root


def run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(command)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_PROBE_", "GITHUB_"))}
    return subprocess.run(
        [sys.executable, "-m", "oidc_probe", *argv[1:]],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def secrets(emu: Emulator) -> dict[str, str]:
    return {
        "OIDC_PROBE_CLIENT_SECRET": emu.secret(),
        "ALICE_PASSWORD": emu.password(USERS["alice"]),
        "BOB_PASSWORD": emu.password(USERS["bob"]),
    }


def test_the_workflows_take_their_secrets_from_the_secret_store() -> None:
    text = (DOCS / "github-actions.yml").read_text()
    named = dict(re.findall(r"^\s+([A-Z_]+): \$\{\{ secrets\.([A-Z_]+) \}\}$", text, re.M))
    assert set(named) == {"OIDC_PROBE_CLIENT_SECRET", "ALICE_PASSWORD", "BOB_PASSWORD"}
    gitlab = (DOCS / "gitlab-ci.yml").read_text()
    assert all(name in gitlab for name in named)
    for command in commands(DOCS / "gitlab-ci.yml"):
        assert "password" not in command.lower()
        assert "secret" not in command.lower()


# The GitHub workflow runs the action: tests/e2e/test_action.py runs it as the runner does.


def test_the_gitlab_job_runs_and_fails_when_a_user_loses_a_group(
    emulator: Emulator, tmp_path: Path
) -> None:
    root = workspace(emulator, tmp_path)
    (root / "ci" / "users.toml").write_text(
        (root / "ci" / "users.toml").read_text().replace("admins", "auditors")
    )
    for command in commands(DOCS / "gitlab-ci.yml"):
        result = run(command, root, secrets(emulator))
        assert result.returncode == 1, result.stdout + result.stderr
        assert "EXP001 expectation-met [cognito:groups~=auditors]" in result.stdout
    suites = validate((root / "oidc-probe-junit.xml").read_text())
    failures = suites.findall(".//failure")
    assert [f.get("type") for f in failures] == ["EXP001"]
