"""The Python API gives the findings the command line gives, for the same run."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from oidc_probe import api
from oidc_probe.cli.main import main


def _cli(argv: list[str], environ: dict[str, str]) -> tuple[int, list[tuple[str, ...]]]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(), stdout=out, stderr=err, environ=environ)
    checks = json.loads(out.getvalue())["checks"]
    return code, [
        (c["id"], c["status"], c.get("subject", ""), _timeless(c["message"])) for c in checks
    ]


def _api(result: api.Result) -> list[tuple[str, ...]]:
    return [(f.check_id, f.status.value, f.subject, _timeless(f.message)) for f in result.findings]


def _timeless(message: str) -> str:
    """Durations and times ("(49 ms)", "issued 1 s ago", "at 22:30:26Z") vary between runs."""
    message = re.sub(r"\d+ (ms|s)\b", r"N \1", message)
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", "TIME", message)


def test_probe_and_verify_match_the_commands(tmp_path: Path) -> None:
    with api.start_emulator(faults=["no-email"]) as emulator:
        path = emulator.config_file(tmp_path / "idp.json")
        env = {"PW": emulator.password("demo")}
        base = ["--config", str(path), "--format", "json"]
        code, cli = _cli(["check", *base, "--username", "demo", "--password-env", "PW"], env)
        result = api.probe(path, username="demo", password_env="PW", environ=env)
        assert (result.exit_code, _api(result)) == (code, cli), _diff(_api(result), cli)
        assert code == 1

        token = emulator.tokens("demo").id_token
        code, cli = _cli(["verify", token, *base], {})
        result = api.verify_tokens(path, token, environ={})
        assert (result.exit_code, _api(result)) == (code, cli), _diff(_api(result), cli)

        code, cli = _cli(["discover", *base], {})
        result = api.probe(path, discovery_only=True, environ={})
        assert (result.exit_code, _api(result)) == (code, cli), _diff(_api(result), cli)


def _diff(a: list[tuple[str, ...]], b: list[tuple[str, ...]]) -> list[object]:
    return [(x, y) for x, y in zip(a, b, strict=False) if x != y] + [len(a), len(b)]


def test_the_plugin_runs_the_api_and_takes_further_check_options(tmp_path: Path) -> None:
    from oidc_probe.pytest_plugin import ProbeRunner

    with api.start_emulator() as emulator:
        runner = ProbeRunner(tmp_path, emulator)
        outcome = runner.check(expect=["email"], env={})
        assert outcome.exit_code == 0, outcome.explain()
        assert {c["id"] for c in outcome.checks} >= {"EXP001", "IDT004"}
        failing = runner.check(args=["--expect", "no_such_claim"], env={})
        assert failing.exit_code == 1
        assert [c["id"] for c in failing.failures] == ["EXP001"]
        assert "no_such_claim" in failing.explain()
        usage = runner.check(args=["--leeway", "5", "--login", "paste"], env={})
        assert usage.exit_code == 2  # paste needs a person: one error line, no report
        assert usage.stderr.startswith("oidc-probe: error: the Python API signs in without")
        assert usage.report == {}
