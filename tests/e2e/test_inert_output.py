"""Text from a hostile provider is inert in every output, through the real CLI.

The emulator serves discovery, the JWKS and the login; the token endpoint is a
hostile loopback server (:data:`Mode.ECHO`) whose ``error_description`` tries to
clear the line and print a PASS for the failing TOK001, hide what follows, write
the clipboard (OSC 52), reverse the text, issue GitHub workflow commands and
inject Markdown. Every format, with and without ``GITHUB_ACTIONS``, must show it
escaped, keep TOK001 a FAIL and keep ``result FAIL`` visible.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import CliResult, Emulator, probe
from tests.e2e.hostile_servers import HostileServer, Mode

HOSTILE = (
    "\r\x1b[2K  PASS  TOK001 token-exchange-succeeded: ok\x1b]52;c;ZXZpbA==\x07"
    "\n::error::pwned\n##[error]forged\n  ::add-mask::x\x9b2J\x1b[8m"
    "\u202e @admin #1 [x](https://evil.example) <img src=x> www.evil.example"
)
# Nothing a terminal or a log viewer would act on.
RAW_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
OUR_COMMAND = re.compile(r"^::(error|warning|notice) title=[A-Z]{3}\d{3} [a-z0-9-]+")
FORMATS = ("text", "json", "junit", "github", "markdown")


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        server.echo_prefix = HOSTILE
        yield server


def _run(
    emulator: Emulator, hostile: HostileServer, fmt: str, *extra: str, github: bool
) -> CliResult:
    config = emulator.config_file(token_url=hostile.url(Mode.ECHO, "/oauth2/token"))
    env = {"GITHUB_ACTIONS": "true"} if github else {"GITHUB_ACTIONS": ""}
    return probe(emulator, *extra, config=config, fmt=fmt, env=env)


def _assert_inert_streams(result: CliResult, fmt: str, *, github: bool) -> None:
    for stream in (result.stdout, result.stderr):
        assert not RAW_CONTROLS.search(stream), repr(stream[:2000])
        for line in stream.splitlines():
            body = line.lstrip()
            if fmt == "github" and result.stdout is stream and OUR_COMMAND.match(line):
                continue
            assert not body.startswith("PASS  TOK001"), line
            if github:
                assert not body.startswith("::"), line
                assert not body.startswith("##["), line
    if github:
        both = result.stdout + result.stderr
        assert "::error::pwned" not in both
        assert "##[error]forged" not in both
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("oidc-probe: "), result.stderr
    assert "result FAIL" in last, result.stderr
    assert result.code == 1, result.stderr


@pytest.mark.parametrize("github", [False, True], ids=["terminal", "github-actions"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_error_description_is_inert(
    emulator: Emulator, hostile: HostileServer, fmt: str, github: bool
) -> None:
    result = _run(emulator, hostile, fmt, github=github)
    _assert_inert_streams(result, fmt, github=github)
    out = result.stdout
    if fmt == "text":
        # The short report (above) holds too; the full listing shows the description.
        result = _run(emulator, hostile, fmt, "-v", github=github)
        _assert_inert_streams(result, fmt, github=github)
        out = result.stdout
        tok = [entry for entry in result.entries("FAIL") if "TOK001 token-exchange" in entry]
        assert tok, out
        assert tok[0].startswith("FAIL TOK001 token-exchange-succeeded:"), out
        for escaped in ("\\x1b[2K", "\\r", "\\n", "\\x9b", "\\x07", "\\u202e"):
            assert escaped in tok[0]
        assert ("#%23[error]" if github else "##[error]forged") in tok[0]
    elif fmt == "json":
        check = next(c for c in result.json()["checks"] if c["id"] == "TOK001")
        assert check["status"] == "fail"
        # JSON keeps the data exactly: a consumer reads what the provider sent.
        assert check["evidence"]["actual"]["error_description"].startswith(HOSTILE)
        assert "\\u202e" in out
        assert "\\u009b" in out
    elif fmt == "junit":
        root = ET.fromstring(out)
        tok = [c for c in root.iter("testcase") if "TOK001" in c.get("name", "")]
        failure = tok[0].find("failure")
        assert failure is not None
        assert "answered HTTP 400 invalid_request" in (failure.text or "")
    elif fmt == "github":
        lines = [line for line in out.splitlines() if "TOK001" in line]
        assert lines, out
        assert lines[0].startswith("::error title=TOK001 token-exchange-succeeded::")
        # terminal-escaped, then GitHub's data escaping (% -> %25): the runner shows ":%3A".
        assert "\\n:%253Aerror:%253Apwned" in lines[0]
    elif fmt == "markdown":
        for live in ("<img", "](https://evil", "@admin", " #1 ", "www.evil"):
            assert live not in out
        assert "| **FAIL** | `TOK001` token-exchange-succeeded |" in out


def test_step_summary_markdown_is_inert(
    emulator: Emulator, hostile: HostileServer, tmp_path: pytest.TempPathFactory
) -> None:
    summary = tmp_path / "summary.md"  # type: ignore[operator]
    config = emulator.config_file(token_url=hostile.url(Mode.ECHO, "/oauth2/token"))
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = probe(emulator, config=config, fmt="github", env=env)
    _assert_inert_streams(result, "github", github=True)
    text = summary.read_text()
    assert "TOK001" in text
    assert not RAW_CONTROLS.search(text)
    for live in ("<img", "](https://evil", "@admin"):
        assert live not in text


def test_claims_with_escape_sequences_in_text_report(emulator: Emulator) -> None:
    """A claim value (from the provider) holding ESC, CR and bidi characters is shown escaped."""
    emulator.pool.user("demo").attributes["name"] = "\x1b[2J\x1b]0;owned\x07\rPASS\u202e"
    config = emulator.config_file(oidc_fields=["name"])
    result = probe(emulator, config=config, fmt="text")
    assert not RAW_CONTROLS.search(result.stdout + result.stderr), result.stdout
    assert "\\x1b[2J" in result.stdout
    assert "\\u202e" in result.stdout


def test_a_lookalike_host_shows_its_ascii_form_in_the_text_report(tmp_path: Path) -> None:
    from tests.e2e.conftest import run_cli

    base = "https://cognito-\u0456dp.oidc-probe.invalid/us-east-1_Ab12Cd34E"
    config = tmp_path / "idp.json"
    body = {
        "client_id": "5example0client0id",
        "auth_url": "https://auth.oidc-probe.invalid/oauth2/authorize",
        "token_url": "https://auth.oidc-probe.invalid/oauth2/token",
        "certs_url": f"{base}/.well-known/jwks.json",
    }
    config.write_text(json.dumps({"config": body}))
    result = run_cli(["check", "--config", str(config), "--discovery-only", "--timeout", "1"])
    header = [line for line in result.stdout.splitlines() if line.startswith("  issuer")]
    # then how the issuer was established (issue 22): here, the Cognito pool URL shape
    assert header == [
        f"  issuer     {base} (ASCII host: xn--cognito-dp-42i.oidc-probe.invalid)"
        " (Cognito pool URL)"
    ]
