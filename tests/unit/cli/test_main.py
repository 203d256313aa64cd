from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from oidc_probe import __version__
from oidc_probe.checks.catalogue import all_checks, probe_checks
from oidc_probe.cli.catalogue import plain_text
from oidc_probe.cli.main import main
from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Finding, Status
from oidc_probe.core.refs import ref_url
from oidc_probe.core.settings import ClientAuth, RunSettings
from tests.factories import DOMAIN, ISSUER
from tests.unit.report.builders import (
    CLIENT_SECRET,
    CODE,
    ID_TOKEN,
    PASSWORD,
    finding,
    full_context,
    sample_findings,
)

CERTS_URL = f"{ISSUER}/.well-known/jwks.json"


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


class RaisingStdin(io.StringIO):
    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        raise self.exc


@dataclass
class FakeProbe:
    """Stands in for the pipeline: records what it was given, returns hand-made findings."""

    findings: list[Finding] = field(default_factory=sample_findings)
    raises: BaseException | None = None
    calls: list[tuple[ProbeConfig, RunSettings, bool]] = field(default_factory=list)

    def __call__(
        self, config: ProbeConfig, settings: RunSettings, *, login: bool
    ) -> tuple[RunContext, list[Finding]]:
        self.calls.append((config, settings, login))
        if self.raises is not None:
            raise self.raises
        ctx = full_context()
        ctx.config = config
        ctx.settings = settings
        return ctx, self.findings

    @property
    def config(self) -> ProbeConfig:
        return self.calls[-1][0]

    @property
    def settings(self) -> RunSettings:
        return self.calls[-1][1]


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(
    argv: Sequence[str],
    *,
    environ: Mapping[str, str] | None = None,
    stdin: io.StringIO | None = None,
    stdout: io.StringIO | None = None,
    probe: Any = None,
) -> Result:
    out = stdout if stdout is not None else io.StringIO()
    err = io.StringIO()
    code = main(
        argv,
        stdin=stdin if stdin is not None else io.StringIO(),
        stdout=out,
        stderr=err,
        environ={} if environ is None else environ,
        probe=probe,
    )
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "idp.json"
    body = {
        "name": "test",
        "type": "oidc",
        "config": {
            "client_id": "3n4b5urk1ft4fl3mg5e62d9ado",
            "client_secret": CLIENT_SECRET,
            "auth_url": f"{DOMAIN}/oauth2/authorize",
            "token_url": f"{DOMAIN}/oauth2/token",
            "certs_url": CERTS_URL,
            "scopes": ["openid", "email"],
            "claims": ["cognito:groups"],
        },
    }
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


ENV = {"OIDC_PROBE_PASSWORD": PASSWORD}


def check_args(config_file: Path, *extra: str) -> list[str]:
    return ["check", "--config", str(config_file), "--username", "user", *extra]


def assert_one_line_no_traceback(err: str) -> None:
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err


# --- global options and parsing ---------------------------------------------------------


def test_version() -> None:
    result = run(["--version"])
    assert (result.code, result.out, result.err) == (0, f"oidc-probe {__version__}\n", "")


def test_help_documents_exit_codes() -> None:
    result = run(["--help"])
    assert result.code == 0
    assert "exit codes:" in result.out
    for code in ("0", "1", "2", "70", "130"):
        assert f"\n  {code} " in result.out


def test_check_help_names_the_secret_environment_variables() -> None:
    result = run(["check", "--help"])
    assert result.code == 0
    assert "OIDC_PROBE_CLIENT_SECRET" in result.out


def test_no_command_prints_help_and_exits_2() -> None:
    result = run([])
    assert result.code == 2
    assert "COMMAND" in result.err


@pytest.mark.parametrize(
    "argv",
    [
        ["bogus"],
        ["check", "--nope"],
        ["check", "--leeway", "-1"],
        ["check", "--timeout", "0"],
        ["check", "--format", "xml"],
        ["fake-cognito", "--port", "70000"],
        ["explain"],
    ],
)
def test_argument_errors_exit_2_without_traceback(argv: list[str]) -> None:
    result = run(argv)
    assert result.code == 2
    assert "error:" in result.err
    assert result.err.startswith("usage:")
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("argv", "advice"),
    [
        (["check", "--client-secret", "hunter22"], "OIDC_PROBE_CLIENT_SECRET"),
        (["check", "--password=hunter22"], "--password-stdin"),
        (["check", "--password"], "--password-stdin"),
    ],
)
def test_secrets_as_arguments_are_refused_without_echo(argv: list[str], advice: str) -> None:
    result = run(argv, probe=FakeProbe())
    assert result.code == 2
    assert_one_line_no_traceback(result.err)
    assert advice in result.err
    assert "hunter22" not in result.err


def test_help_does_not_offer_secret_options() -> None:
    out = run(["check", "--help"]).out
    # --client-secret-from-aws takes no value: the secret comes from the AWS API
    assert "--client-secret" not in out.replace("--client-secret-from-aws", "")
    assert "--password " not in out


# --- check: configuration and credentials ------------------------------------------------


def test_invalid_config_json_exits_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"config": {"client_id": }', encoding="utf-8")
    result = run(check_args(path), environ=ENV, probe=FakeProbe())
    assert result.code == 2
    assert_one_line_no_traceback(result.err)
    assert result.err.startswith(f"oidc-probe: error: {path}:1:")


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = run(check_args(tmp_path / "absent.json"), environ=ENV, probe=FakeProbe())
    assert result.code == 2
    assert_one_line_no_traceback(result.err)
    assert "not found" in result.err


def test_no_config_at_all_says_what_to_pass() -> None:
    result = run(["check", "--username", "u"], environ=ENV, probe=FakeProbe())
    assert result.code == 2
    assert_one_line_no_traceback(result.err)
    assert "--config FILE" in result.err


def test_missing_username_exits_2(config_file: Path) -> None:
    probe = FakeProbe()
    result = run(["check", "--config", str(config_file)], environ=ENV, probe=probe)
    assert result.code == 2
    assert_one_line_no_traceback(result.err)
    assert "--username" in result.err
    assert probe.calls == []


def test_missing_password_exits_2_and_names_the_variable(config_file: Path) -> None:
    result = run(check_args(config_file), environ={}, probe=FakeProbe())
    assert result.code == 2
    assert_one_line_no_traceback(result.err)
    assert "OIDC_PROBE_PASSWORD" in result.err
    assert "--password-stdin" in result.err


def test_password_env_names_another_variable(config_file: Path) -> None:
    probe = FakeProbe()
    missing = run(check_args(config_file, "--password-env", "MY_PW"), environ=ENV, probe=probe)
    assert missing.code == 2
    assert "MY_PW" in missing.err
    found = run(
        check_args(config_file, "--password-env", "MY_PW"),
        environ={"MY_PW": "pw-from-env"},
        probe=probe,
    )
    assert found.code == 1
    assert probe.settings.password == "pw-from-env"


def test_password_from_stdin(config_file: Path) -> None:
    probe = FakeProbe()
    result = run(
        check_args(config_file, "--password-stdin"),
        stdin=io.StringIO("pw from stdin\r\nsecond line\n"),
        probe=probe,
    )
    assert result.code == 1
    assert probe.settings.password == "pw from stdin"


def test_empty_stdin_password_exits_2(config_file: Path) -> None:
    result = run(
        check_args(config_file, "--password-stdin"), stdin=io.StringIO(""), probe=FakeProbe()
    )
    assert result.code == 2
    assert_one_line_no_traceback(result.err)


def test_stdin_that_is_not_utf8_exits_2(config_file: Path, tmp_path: Path) -> None:
    raw = tmp_path / "stdin.bin"
    raw.write_bytes(b"\xff\xfe password\n")
    for argv in (
        check_args(config_file, "--password-stdin"),
        ["verify", "-", "--config", str(config_file)],
    ):
        with raw.open(encoding="utf-8", errors="strict") as strict_stdin:
            result = run(argv, stdin=strict_stdin, probe=FakeProbe())  # type: ignore[arg-type]
        assert result.code == 2, argv
        assert "not UTF-8" in result.err
        assert_one_line_no_traceback(result.err)


def test_username_from_environment(config_file: Path) -> None:
    probe = FakeProbe()
    env = {**ENV, "OIDC_PROBE_USERNAME": "env-user"}
    assert run(["check", "--config", str(config_file)], environ=env, probe=probe).code == 1
    assert probe.settings.username == "env-user"


def test_discovery_only_needs_no_credentials(config_file: Path) -> None:
    probe = FakeProbe()
    result = run(["check", "--config", str(config_file), "--discovery-only"], probe=probe)
    assert result.code == 1
    assert probe.calls[-1][2] is False
    assert probe.settings.password is None


def test_unknown_config_fields_are_warnings(tmp_path: Path, config_file: Path) -> None:
    body = json.loads(config_file.read_text())
    body["config"]["colour"] = "blue"
    config_file.write_text(json.dumps(body))
    result = run(check_args(config_file), environ=ENV, probe=FakeProbe())
    warnings = [line for line in result.err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1
    assert "colour" in warnings[0]


def test_client_secret_from_environment(tmp_path: Path, config_file: Path) -> None:
    body = json.loads(config_file.read_text())
    del body["config"]["client_secret"]
    config_file.write_text(json.dumps(body))
    probe = FakeProbe()
    env = {**ENV, "OIDC_PROBE_CLIENT_SECRET": "secret-from-env"}
    run(check_args(config_file), environ=env, probe=probe)
    assert probe.config.client_secret == "secret-from-env"


def test_flags_override_config_fields(config_file: Path) -> None:
    probe = FakeProbe()
    argv = check_args(
        config_file,
        "--client-id",
        "other-client",
        "--scopes",
        "openid email",
        "--scopes",
        "profile,phone",
        "--claims",
        "cognito:groups, custom:team",
        "--pkce",
        "--email-claim-name",
        "mail",
        "--client-auth",
        "post",
        "--leeway",
        "5",
        "--timeout",
        "2.5",
    )
    run(argv, environ=ENV, probe=probe)
    config, settings = probe.config, probe.settings
    assert config.client_id == "other-client"
    assert config.scopes == ("openid", "email", "profile", "phone")
    assert config.claims == ("cognito:groups", "custom:team")
    assert config.pkce_enabled is True
    assert config.email_claim_name == "mail"
    assert settings.client_auth is ClientAuth.POST
    assert (settings.leeway, settings.timeout) == (5, 2.5)


def test_defaults_issuer_and_redirect_uri(config_file: Path) -> None:
    probe = FakeProbe()
    run(check_args(config_file), environ=ENV, probe=probe)
    assert probe.settings.issuer == ISSUER
    assert probe.settings.redirect_uri == "http://localhost:8765/callback"
    assert probe.settings.client_auth is ClientAuth.BASIC
    assert (probe.settings.leeway, probe.settings.timeout) == (60, 10.0)
    assert probe.config.pkce_enabled is False


def test_explicit_issuer_and_redirect_uri(config_file: Path) -> None:
    probe = FakeProbe()
    argv = check_args(
        config_file, "--issuer", "https://issuer.example", "--redirect-uri", "https://x.example/cb"
    )
    run(argv, environ=ENV, probe=probe)
    assert probe.settings.issuer == "https://issuer.example"
    assert probe.settings.redirect_uri == "https://x.example/cb"


def test_bad_redirect_uri_and_ca_bundle_exit_2(tmp_path: Path, config_file: Path) -> None:
    for extra in (["--redirect-uri", "callback"], ["--ca-bundle", str(tmp_path / "none.pem")]):
        result = run(check_args(config_file, *extra), environ=ENV, probe=FakeProbe())
        assert result.code == 2
        assert_one_line_no_traceback(result.err)


# --- check: report, exit codes, output ---------------------------------------------------


def test_failing_check_exits_1_report_on_stdout_summary_on_stderr(config_file: Path) -> None:
    result = run(check_args(config_file), environ=ENV, probe=FakeProbe())
    assert result.code == 1
    assert "FAIL  CLM003 configured-claim-present [custom:team]" in result.out
    assert "passed," not in result.out
    assert result.err.splitlines()[-1] == (
        "oidc-probe: 1 passed, 1 failed, 1 warning, 1 info, 1 skipped: "
        "result FAIL: CLM003 configured-claim-present"
    )


def test_nothing_failing_exits_0(config_file: Path) -> None:
    findings = [finding(status=Status.PASS), finding(status=Status.WARN)]
    result = run(check_args(config_file), environ=ENV, probe=FakeProbe(findings))
    assert result.code == 0
    assert result.err.splitlines()[-1].endswith("result PASS")


def test_json_format(config_file: Path) -> None:
    result = run(check_args(config_file, "--format", "json"), environ=ENV, probe=FakeProbe())
    data = json.loads(result.out)
    assert data["schema_version"] == 1
    assert data["result"] == "fail"
    assert "tokens" not in data


def test_secrets_never_reach_any_output(config_file: Path) -> None:
    leaky = [
        finding(
            status=Status.FAIL,
            message=f"echo {CLIENT_SECRET} {PASSWORD}",
            evidence={"actual": f"{CODE} {ID_TOKEN}"},
        )
    ]
    for fmt in ("text", "json"):
        result = run(check_args(config_file, "--format", fmt), environ=ENV, probe=FakeProbe(leaky))
        for secret in (CLIENT_SECRET, PASSWORD, CODE, ID_TOKEN):
            assert secret not in result.out + result.err
        assert "[redacted]" in result.out


def test_show_tokens_prints_tokens_but_still_hides_secret_and_password(config_file: Path) -> None:
    leaky = [finding(status=Status.FAIL, message=f"echo {CLIENT_SECRET} {PASSWORD}")]
    result = run(
        check_args(config_file, "--show-tokens", "--format", "json"),
        environ=ENV,
        probe=FakeProbe(leaky),
    )
    data = json.loads(result.out)
    assert data["tokens"]["id_token"] == ID_TOKEN
    assert CLIENT_SECRET not in result.out
    assert PASSWORD not in result.out


def test_output_file_gets_the_report_without_colour(tmp_path: Path, config_file: Path) -> None:
    target = tmp_path / "report.txt"
    stdout = TTY()
    result = run(
        check_args(config_file, "--output", str(target)),
        environ=ENV,
        stdout=stdout,
        probe=FakeProbe(),
    )
    assert result.code == 1
    assert result.out == ""
    text = target.read_text(encoding="utf-8")
    assert "FAIL  CLM003" in text
    assert "\x1b[" not in text
    assert f"report written to {target}" in result.err
    assert result.err.splitlines()[-1].startswith("oidc-probe: 1 passed")


@pytest.mark.parametrize("where", ["missing-dir/report.txt", "."])
def test_unwritable_output_exits_2_before_running(
    tmp_path: Path, config_file: Path, where: str
) -> None:
    probe = FakeProbe()
    result = run(
        check_args(config_file, "--output", str(tmp_path / where)), environ=ENV, probe=probe
    )
    assert result.code == 2
    assert_one_line_no_traceback(result.err)
    assert "--output" in result.err
    assert probe.calls == []


@pytest.mark.parametrize(
    ("tty", "env", "flags", "coloured"),
    [
        (True, {}, [], True),
        (False, {}, [], False),
        (True, {"NO_COLOR": "1"}, [], False),
        (True, {"NO_COLOR": ""}, [], True),
        (True, {}, ["--no-color"], False),
    ],
)
def test_colour_only_on_a_tty_without_no_color(
    config_file: Path, tty: bool, env: dict[str, str], flags: list[str], coloured: bool
) -> None:
    stdout = TTY() if tty else io.StringIO()
    result = run(
        check_args(config_file, *flags), environ={**ENV, **env}, stdout=stdout, probe=FakeProbe()
    )
    assert ("\x1b[" in result.out) is coloured


# --- errors caught in one place ----------------------------------------------------------


def test_keyboard_interrupt_in_a_command_exits_130(config_file: Path) -> None:
    result = run(check_args(config_file), environ=ENV, probe=FakeProbe(raises=KeyboardInterrupt()))
    assert result.code == 130
    assert_one_line_no_traceback(result.err)
    assert "interrupted" in result.err


def test_keyboard_interrupt_while_reading_the_password_exits_130(config_file: Path) -> None:
    result = run(
        check_args(config_file, "--password-stdin"),
        stdin=RaisingStdin(KeyboardInterrupt()),
        probe=FakeProbe(),
    )
    assert result.code == 130


def test_unexpected_exception_exits_70_with_one_redacted_line(config_file: Path) -> None:
    boom = RuntimeError(f"boom with {CLIENT_SECRET}\nand {PASSWORD}")
    result = run(check_args(config_file), environ=ENV, probe=FakeProbe(raises=boom))
    assert result.code == 70
    assert_one_line_no_traceback(result.err)
    assert result.err == (
        "oidc-probe: internal error: RuntimeError: boom with [redacted] and [redacted] "
        "(rerun with --debug for the traceback)\n"
    )


@pytest.mark.parametrize("position", ["before", "after"])
def test_debug_shows_the_traceback(config_file: Path, position: str) -> None:
    argv = check_args(config_file)
    argv = ["--debug", *argv] if position == "before" else [*argv, "--debug"]
    result = run(argv, environ=ENV, probe=FakeProbe(raises=RuntimeError(f"boom {CLIENT_SECRET}")))
    assert result.code == 70
    assert "Traceback (most recent call last)" in result.err
    assert "RuntimeError: boom" in result.err
    assert CLIENT_SECRET not in result.err


# --- checks and explain ------------------------------------------------------------------


def test_pages_lose_their_restructuredtext_markup() -> None:
    assert (
        plain_text("use ``--active`` (see :mod:`oidc_probe.x`)")
        == "use --active (see oidc_probe.x)"
    )


def test_checks_lists_every_registered_check() -> None:
    result = run(["checks"])
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "SLUG", "STAGE", "SUMMARY"]
    catalogue = all_checks()
    assert len(lines) == len(catalogue) + 1
    for line, spec in zip(lines[1:], catalogue, strict=True):
        assert line.split()[:3] == [spec.id, spec.slug, spec.stage.key]
        assert line.endswith(plain_text(spec.summary))


def test_checks_as_json() -> None:
    data = json.loads(run(["checks", "--format", "json"]).out)
    assert [c["id"] for c in data["checks"]] == [c.id for c in all_checks()]


def test_explain_prints_the_check_page() -> None:
    spec = all_checks()[-1]
    result = run(["explain", spec.id.lower()])
    assert result.code == 0
    assert result.out.startswith(f"{spec.id} {spec.slug}\n")
    assert spec.stage.title in result.out
    assert plain_text(spec.doc) in result.out
    assert "``" not in result.out
    for ref in spec.refs:
        assert ref_url(ref) in result.out


def test_explain_accepts_the_slug_and_the_report_line() -> None:
    page = run(["explain", "TOK001"]).out
    assert run(["explain", "token-exchange-succeeded"]).out == page
    assert run(["explain", "TOK001 token-exchange-succeeded"]).out == page
    near = run(["explain", "token-exchange-succeded"])
    assert near.code == 2
    assert "did you mean 'token-exchange-succeeded', TOK001?" in near.err


def test_every_check_has_a_page() -> None:
    for spec in all_checks():
        assert run(["explain", spec.id]).code == 0


def test_explain_unknown_id_exits_2() -> None:
    result = run(["explain", "ZZZ999"])
    assert result.code == 2
    assert_one_line_no_traceback(result.err)
    assert "oidc-probe checks" in result.err


# --- fake-cognito ------------------------------------------------------------------------


def test_fake_cognito_list_faults() -> None:
    from oidc_probe.fake_cognito import list_faults

    result = run(["fake-cognito", "--list-faults"])
    assert result.code == 0
    names = [line.split()[0] for line in result.out.splitlines()]
    assert names == [name for name, _ in list_faults()]


def test_fake_cognito_unknown_fault_exits_2() -> None:
    result = run(["fake-cognito", "--port", "0", "--fault", "no-such-fault"])
    assert result.code == 2
    assert_one_line_no_traceback(result.err)
    assert "no-such-fault" in result.err


# --- demo --------------------------------------------------------------------------------


def test_demo_points_the_probe_at_the_emulator() -> None:
    probe = FakeProbe([finding(status=Status.PASS)])
    result = run(["demo", "--no-color"], probe=probe)
    assert result.code == 0
    first = result.err.splitlines()[0]
    assert first.startswith("demo: built-in Cognito emulator at http://127.0.0.1:")
    assert first.endswith(", user demo")
    base_url = first.split(" at ")[1].split(",")[0]
    assert probe.config.auth_url == f"{base_url}/oauth2/authorize"
    assert probe.settings.username == "demo"
    password, secret = probe.settings.password, probe.config.client_secret
    assert password
    assert secret
    assert password not in result.out + result.err
    assert secret not in result.out + result.err


def test_demo_ignores_the_client_secret_of_the_environment() -> None:
    """The emulator's config is complete: OIDC_PROBE_CLIENT_SECRET neither replaces its
    secret nor earns a warning."""
    from oidc_probe.fake_cognito import load_pool

    probe = FakeProbe([finding(status=Status.PASS)])
    environ = {"OIDC_PROBE_CLIENT_SECRET": "another-secret"}
    result = run(["demo", "--no-color"], environ=environ, probe=probe)
    assert result.code == 0
    assert probe.config.client_secret == load_pool().clients[0].client_secret
    assert "warning:" not in result.err


@pytest.mark.e2e
def test_demo_runs_the_real_flow_and_passes() -> None:
    result = run(["demo", "--format", "json"])
    data = json.loads(result.out)
    assert result.code == 0, [c for c in data["checks"] if c["status"] == "fail"]
    assert data["counts"]["fail"] == 0
    # Every check of a probe run; the CFT checks belong to verify-access only.
    assert {c["id"] for c in data["checks"]} == {c.id for c in probe_checks()}


# --- start-up ----------------------------------------------------------------------------

HEAVY = ("httpx", "httpx2", "authlib", "joserfc", "starlette", "uvicorn")
HEAVY_OWN = (
    "oidc_probe.checks",
    "oidc_probe.run.pipeline",
    "oidc_probe.fake_cognito",
    "oidc_probe.report",
)


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["check", "--help"]])
def test_startup_imports_nothing_heavy(argv: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "oidc_probe", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "oidc_probe._entry" in imported
    if argv[0].startswith("--"):
        # The fast path: `--version` and the top-level `--help` need not even argparse.
        assert "argparse" not in imported
        assert "oidc_probe.cli.main" not in imported
    else:
        assert "oidc_probe.cli.main" in imported
    heavy = sorted(
        name for name in imported if name.split(".")[0] in HEAVY or name.startswith(HEAVY_OWN)
    )
    assert heavy == []


@pytest.mark.parametrize("where", ["--leeway", "extra"])
def test_a_token_given_as_an_argument_never_shows_in_a_usage_error(where: str) -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz"
    argv = ["verify-access", "--team-name", "acme"]
    argv += ["--leeway", token] if where == "--leeway" else [token, token]
    result = run(argv)
    assert result.code == 2
    assert token not in result.err
    assert "[redacted]" in result.err


def test_active_help_names_every_active_check() -> None:
    from oidc_probe.checks.catalogue import all_checks

    active = [c.id for c in all_checks() if c.func.__module__ == "oidc_probe.checks.active"]
    assert len(active) == 4
    for command in (["check", "--help"], ["demo", "--help"]):
        text = " ".join(run(command).out.split())
        for check_id in active:
            assert check_id in text, (command, check_id)
