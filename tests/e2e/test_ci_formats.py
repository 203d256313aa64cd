"""CI report formats, several at once, --fail-on, --baseline and --exit-zero, via the real CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Emulator, probe
from tests.unit.report.junit_schema import validate

pytestmark = pytest.mark.e2e

COMMAND = re.compile(r"^::(error|warning|notice)( title=[^:\r\n]*)?::[^\r\n]*$")


def test_text_junit_json_and_markdown_in_one_run(emulator: Emulator, tmp_path: Path) -> None:
    xml, js, md = tmp_path / "r.xml", tmp_path / "r.json", tmp_path / "r.md"
    result = probe(
        emulator,
        "--expect",
        "cognito:groups~=nobody",
        "--output",
        f"junit={xml}",
        "--output",
        f"json={js}",
        "--output",
        f"markdown={md}",
        fmt="text",
    )
    assert result.code == 1
    assert "EXP001 expectation-met [cognito:groups~=nobody]" in result.stdout
    root = validate(xml.read_text())
    failures = root.findall(".//failure")
    assert [f.get("type") for f in failures] == ["EXP001"]
    assert "see: oidc-probe explain EXP001" in (failures[0].text or "")
    data = json.loads(js.read_text())
    assert data["result"] == "fail"
    assert data["counts"]["fail"] == 1
    assert "| **FAIL** | `EXP001` expectation-met |" in md.read_text()
    secret = emulator.secret()
    for text in (result.stdout, xml.read_text(), js.read_text(), md.read_text()):
        assert secret not in text
        assert emulator.password("demo") not in text


def test_github_annotations_and_step_summary(emulator: Emulator, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    config = emulator.config_file(claims=["cognito:groups", "custom:missing"])
    from tests.e2e.conftest import run_cli

    result = run_cli(
        ["check", "--config", str(config), "--username", "demo", "--format", "github"],
        env={
            "OIDC_PROBE_CLIENT_SECRET": emulator.secret(),
            "OIDC_PROBE_PASSWORD": emulator.password("demo"),
            "GITHUB_STEP_SUMMARY": str(summary),
        },
    )
    assert result.code == 1
    lines = result.stdout.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert commands
    assert all(COMMAND.match(line) for line in commands), commands
    errors = [c for c in commands if c.startswith("::error")]
    assert any("title=CLM003 configured-claim-present [custom%3Amissing]" in c for c in errors)
    assert any(c.startswith("::warning title=CFG002") for c in commands)
    text = summary.read_text()
    assert text.startswith("# earlier step\n")
    assert "## oidc-probe: FAIL" in text
    assert "custom:missing" in text


def test_fail_on_warn_baseline_and_exit_zero(emulator: Emulator, tmp_path: Path) -> None:
    # The emulator is plain http on loopback: CFG002 warns three times, nothing fails.
    assert probe(emulator).code == 0
    strict = probe(emulator, "--fail-on", "warn")
    assert strict.code == 1
    assert strict.json()["result"] == "fail"

    baseline = tmp_path / "baseline.toml"
    baseline.write_text(
        '[[accept]]\nid = "CFG002"\nreason = "the emulator runs on http"\n\n'
        '[[accept]]\nid = "CLM002"\nreason = "fixed long ago"\n'
    )
    accepted = probe(emulator, "--fail-on", "warn", "--baseline", str(baseline))
    assert accepted.code == 0
    data = accepted.json()
    cfg = [c for c in data["checks"] if c["id"] == "CFG002"]
    assert {c["accepted"] for c in cfg} == {"the emulator runs on http"}
    assert data["counts"]["accepted"] == 3
    assert data["counts"]["warn"] == 0
    assert "entry for CLM002 matched no failure or warning" in accepted.stderr

    failing = probe(emulator, "--expect", "name=x", "--exit-zero")
    assert failing.code == 0
    assert failing.json()["result"] == "fail"


def test_bad_output_combinations_are_usage_errors(emulator: Emulator, tmp_path: Path) -> None:
    result = probe(emulator, "--format", "junit", fmt="text")
    assert result.code == 2
    assert "only one format can go to stdout" in result.stderr
