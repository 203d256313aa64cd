"""action.yml's script, run as the GitHub runner runs it, against the emulator.

The inputs are those docs/ci/github-actions.yml gives the action; the secrets come through
the environment as the workflow's ``env:`` sets them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.e2e.conftest import Emulator
from tests.e2e.test_ci_examples import DOCS, secrets, workspace
from tests.install.action_runner import action, run_step
from tests.unit.report.junit_schema import validate


def _workflow_step() -> dict[str, Any]:
    workflow = yaml.safe_load((DOCS / "github-actions.yml").read_text())
    steps = workflow["jobs"]["oidc-probe"]["steps"]
    (step,) = [s for s in steps if str(s.get("uses", "")).endswith("/oidc-probe@main")]
    return dict(step)


def test_the_action_declares_its_inputs_and_runs_its_script() -> None:
    spec = action()
    assert spec["runs"]["using"] == "composite"
    assert {"config", "users", "baseline", "format", "python-version", "junit"} <= set(
        spec["inputs"]
    )
    assert spec["inputs"]["config"]["required"] is True
    run_steps = [s for s in spec["runs"]["steps"] if "run" in s]
    assert run_steps[0]["run"] == '"$GITHUB_ACTION_PATH/action/run.sh"'
    # the documented workflow gives only inputs the action has, and no secret as an input
    step = _workflow_step()
    assert set(step["with"]) <= set(spec["inputs"])
    assert not [v for v in step["with"].values() if "secrets." in str(v)]
    assert set(step["env"]) == {"OIDC_PROBE_CLIENT_SECRET", "ALICE_PASSWORD", "BOB_PASSWORD"}


def test_the_documented_workflow_step_passes_writes_summary_and_junit(
    emulator: Emulator, tmp_path: Path
) -> None:
    root = workspace(emulator, tmp_path / "repo")
    temp = tmp_path / "runner"
    temp.mkdir()
    inputs = {k: str(v) for k, v in _workflow_step()["with"].items()}
    result = run_step(root, inputs, secrets(emulator), temp)
    assert result.code == 0, result.stdout + result.stderr
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert not [a for a in annotations if a.startswith("::error")]
    assert any(a.startswith("::notice title=CLM003") for a in annotations)
    assert result.summary.startswith("# an earlier step\n")
    assert "## oidc-probe: PASS" in result.summary
    validate((root / "oidc-probe-junit.xml").read_text())
    assert result.outputs == "junit=oidc-probe-junit.xml\n"
    assert emulator.secret() not in result.stdout + result.stderr + result.summary


def test_the_step_fails_the_job_when_a_check_fails(emulator: Emulator, tmp_path: Path) -> None:
    root = workspace(emulator, tmp_path / "repo")
    users = root / "ci" / "users.toml"
    users.write_text(users.read_text().replace("admins", "auditors"))
    temp = tmp_path / "runner"
    temp.mkdir()
    inputs = {"config": "ci/idp.json", "users": "ci/users.toml", "format": "text"}
    result = run_step(root, inputs, secrets(emulator), temp)
    assert result.code == 1, result.stdout + result.stderr
    assert "result FAIL" in result.stderr
    assert "EXP001" in result.stderr
    assert "## oidc-probe: FAIL" in result.summary  # the text format's summary, appended
    suites = validate((root / "oidc-probe-junit.xml").read_text())
    # without the baseline input, the gap docs/ci/baseline.toml accepts (CLM003) fails too
    assert {f.get("type") for f in suites.findall(".//failure")} == {"EXP001", "CLM003"}


def test_a_bad_input_is_exit_2(emulator: Emulator, tmp_path: Path) -> None:
    root = workspace(emulator, tmp_path / "repo")
    temp = tmp_path / "runner"
    temp.mkdir()
    result = run_step(root, {"config": "ci/idp.json", "format": "xml"}, {}, temp)
    assert result.code == 2
    assert "format must be github or text" in result.stderr


def test_an_input_with_a_newline_never_reaches_the_log_or_the_outputs(
    emulator: Emulator, tmp_path: Path
) -> None:
    """A newline in ``format`` or ``junit`` could start a workflow command line in the
    log or add a line to GITHUB_OUTPUT: both are refused, the value never echoed raw."""
    root = workspace(emulator, tmp_path / "repo")
    temp = tmp_path / "runner"
    temp.mkdir()
    injected = "github\n::add-mask::x\n::set-output name=pwned::1"
    result = run_step(root, {"config": "ci/idp.json", "format": injected}, {}, temp)
    assert result.code == 2
    assert "format must be github or text" in result.stderr
    lines = (result.stdout + result.stderr).splitlines()
    assert not [line for line in lines if line.lstrip().startswith("::")], lines
    junit = "report.xml\npwned=1"
    result = run_step(root, {"config": "ci/idp.json", "junit": junit}, secrets(emulator), temp)
    assert result.code == 2
    assert "junit input must be a path without newlines" in result.stderr
    assert "pwned" not in result.outputs
    assert "pwned" not in result.stdout + result.stderr
