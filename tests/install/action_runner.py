"""Run action.yml's step script as the GitHub runner does: its INPUT_* and GITHUB_* variables."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).parents[2]
ACTION = REPO / "action.yml"
UV_BIN = REPO / ".tools" / "bin"


@dataclass(frozen=True)
class StepRun:
    code: int
    stdout: str
    stderr: str
    summary: str
    outputs: str


def action() -> dict[str, Any]:
    return dict(yaml.safe_load(ACTION.read_text(encoding="utf-8")))


def run_step(
    workspace: Path, inputs: Mapping[str, str], secrets: Mapping[str, str], runner_temp: Path
) -> StepRun:
    """The composite step's ``run`` line with the ``env`` action.yml maps from ``inputs``."""
    spec = action()
    (step,) = [s for s in spec["runs"]["steps"] if "run" in s]
    defaults = {name: str(i.get("default", "")) for name, i in spec["inputs"].items()}
    values = {**defaults, **inputs}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_PROBE_", "GITHUB_"))}
    env = {k: v for k, v in env.items() if not k.startswith(("UV_PROJECT", "VIRTUAL_ENV"))}
    for name, expression in step["env"].items():
        key = expression.removeprefix("${{ inputs.").removesuffix(" }}")
        env[name] = values[key]
    summary, outputs = runner_temp / "step_summary.md", runner_temp / "output.txt"
    summary.write_text("# an earlier step\n")
    outputs.write_text("")
    env.update(
        {
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(outputs),
            "GITHUB_ACTIONS": "true",
            "RUNNER_TEMP": str(runner_temp),
            "UV_PYTHON_DOWNLOADS": "never",
            "PATH": f"{UV_BIN}{os.pathsep}{env.get('PATH', '')}",
            **secrets,
        }
    )
    proc = subprocess.run(
        ["bash", "-c", step["run"].strip("'")],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return StepRun(
        proc.returncode, proc.stdout, proc.stderr, summary.read_text(), outputs.read_text()
    )
