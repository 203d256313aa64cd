"""Bad configuration through the real CLI: exit 2, one clear line on stderr, no traceback.

No server is needed: the config is read and rejected before any request is made
(``--discovery-only`` avoids asking for credentials).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CliResult, Emulator, run_cli

VALID: dict[str, Any] = {
    "client_id": "5example0client0id",
    "client_secret": "example-secret-value",
    "auth_url": "https://auth.example.com/oauth2/authorize",
    "token_url": "https://auth.example.com/oauth2/token",
    "certs_url": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E/.well-known/jwks.json",
    "scopes": ["openid", "email", "profile"],
    "claims": ["cognito:groups"],
}


def _body(**changes: Any) -> dict[str, Any]:
    config = {k: v for k, v in {**VALID, **changes}.items() if v is not None}
    return {"name": "Cognito", "type": "oidc", "config": config}


def _without(name: str) -> dict[str, Any]:
    return _body(**{name: None})


# case -> (file content: JSON value, text or bytes; words the one error line must contain)
CASES: dict[str, tuple[Any, str]] = {
    "invalid-json": ('{"config": {"client_id": "x",}}', "invalid JSON"),
    "truncated-json": ('{"config": {', "invalid JSON"),
    "empty-file": ("", "config file is empty"),
    "nested-too-deeply": ("[" * 200_000, "nested too deeply"),
    "json-array": ([_body()], "expected a JSON object, got an array"),
    "json-null": ("null", "expected a JSON object, got null"),
    "non-utf8": (b'{"config": {"client_id": "\xff\xfe"}}', "not UTF-8"),
    "config-not-object": ({"type": "oidc", "config": ["x"]}, "'config' must be an object"),
    "type-saml": ({**_body(), "type": "saml"}, "type is 'saml'"),
    "missing-client-id": (_without("client_id"), "missing required field 'client_id'"),
    "missing-certs-url": (_without("certs_url"), "missing required field 'certs_url'"),
    "client-id-number": (_body(client_id=12345), "'client_id' must be a string, got a number"),
    "url-array": (_body(auth_url=["https://x"]), "'auth_url' must be a string, got an array"),
    "pkce-string": (_body(pkce_enabled="true"), "'pkce_enabled' must be true or false"),
    "email-claim-empty": (_body(email_claim_name=" "), "'email_claim_name' is empty"),
    "relative-auth-url": (_body(auth_url="/oauth2/authorize"), "'auth_url' must be an absolute"),
    "relative-certs-url": (
        _body(certs_url="us-east-1_X/.well-known/jwks.json"),
        "'certs_url' must be an absolute",
    ),
    "ftp-token-url": (_body(token_url="ftp://auth.example.com/token"), "'token_url' must be"),
    "no-host-url": (_body(auth_url="https://"), "'auth_url' must be an absolute"),
    "scopes-string": (_body(scopes="openid email"), "'scopes' must be a list of strings"),
    "scopes-number": (_body(scopes=3), "'scopes' must be a list of strings such as"),
    "scopes-empty-name": (_body(scopes=["openid", ""]), "'scopes' holds an empty scope name"),
    "claims-string": (_body(claims="groups"), "'claims' must be a list of strings"),
    "claims-empty-name": (_body(claims=[""]), "'claims' holds an empty claim name"),
    "claims-duplicate": (
        _body(claims=["groups", "email", "groups"]),
        "'claims' lists 'groups' twice",
    ),
}


def _write(path: Path, content: Any) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, indent=2), encoding="utf-8")


def _check(*args: str) -> CliResult:
    return run_cli(["check", *args, "--discovery-only", "--timeout", "1"])


def _assert_one_error_line(result: CliResult, *words: str) -> str:
    assert result.code == 2, (result.code, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = [x for x in result.stderr.splitlines() if not x.startswith("warning:")]
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("oidc-probe: error: "), line
    for word in words:
        assert word in line, line
    return line


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_config_file(tmp_path: Path, case: str) -> None:
    content, words = CASES[case]
    path = tmp_path / "idp.json"
    _write(path, content)
    line = _assert_one_error_line(_check("--config", str(path)), words)
    assert str(path) in line


def test_a_config_error_points_at_the_line_of_the_field(tmp_path: Path) -> None:
    path = tmp_path / "idp.json"
    _write(path, _body(claims=["groups", "groups"]))
    line = _assert_one_error_line(_check("--config", str(path)))
    row = next(i for i, x in enumerate(path.read_text().splitlines(), 1) if '"claims"' in x)
    assert f"{path}:{row}:" in line


def test_config_pointing_nowhere(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "idp.json"
    _assert_one_error_line(_check("--config", str(path)), str(path), "not found")


def test_config_is_a_directory(tmp_path: Path) -> None:
    _assert_one_error_line(_check("--config", str(tmp_path)), "is a directory")


def test_an_empty_claims_list_is_valid(tmp_path: Path) -> None:
    """Cloudflare accepts ``"claims": []`` (no custom claims); the probe runs."""
    path = tmp_path / "idp.json"
    _write(path, _body(claims=[], certs_url="http://idp.oidc-probe.invalid/.well-known/jwks.json"))
    result = _check("--config", str(path), "--format", "json")
    assert result.code == 1  # the .invalid host cannot be reached, but the config was accepted
    assert "error:" not in result.stderr
    assert json.loads(result.stdout)["result"] == "fail"


def test_bad_flags_are_one_line_too(tmp_path: Path) -> None:
    path = tmp_path / "idp.json"
    _write(path, _body())
    for flags, words in (
        (["--claims", "groups,groups"], "'claims' lists 'groups' twice"),
        (["--auth-url", "/relative"], "'auth_url' must be an absolute"),
        (["--token-url", "file:///etc/passwd"], "'token_url' must be an absolute"),
    ):
        _assert_one_error_line(_check("--config", str(path), *flags), words)


def test_unknown_fields_warn_but_run(tmp_path: Path) -> None:
    path = tmp_path / "idp.json"
    body = _body(certs_url="http://idp.oidc-probe.invalid/.well-known/jwks.json")
    body["config"]["clent_secret"] = "typo"
    _write(path, body)
    result = _check("--config", str(path), "--format", "json")
    assert result.code == 1
    assert "unknown field 'clent_secret' ignored" in result.stderr


@pytest.mark.parametrize("field", ["auth_url", "token_url", "certs_url", "claims"])
def test_credentials_in_a_url_are_refused_and_never_printed(tmp_path: Path, field: str) -> None:
    """``https://user:pass@host`` in any field: one line naming the field, not the value."""
    url = "https://probe-user:Url-Pa55word-9f2c@auth.example.com/oauth2/token"
    path = tmp_path / "idp.json"
    _write(path, _body(**{field: [url] if field == "claims" else url}))
    result = _check("--config", str(path))
    line = _assert_one_error_line(result, f"field '{field}' holds credentials in a URL")
    assert "Url-Pa55word-9f2c" not in result.stderr + result.stdout
    assert "probe-user" not in line


def test_credentials_in_a_url_flag_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "idp.json"
    _write(path, _body())
    url = "https://u:Flag-Pa55word-1e7d@auth.example.com/oauth2/authorize"
    for args in (["--auth-url", url], [f"--auth-url={url}"], ["--issuer", url]):
        result = _check("--config", str(path), *args)
        flag = args[0].split("=")[0]
        _assert_one_error_line(result, f"{flag}: a URL with credentials in it")
        assert "Flag-Pa55word-1e7d" not in result.stderr


def test_a_fifo_config_is_one_line_not_a_hang(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "idp.json"
    os.mkfifo(fifo)
    _assert_one_error_line(_check("--config", str(fifo)), "not a regular file")


def test_a_huge_config_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "idp.json"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: no disk used
    _assert_one_error_line(_check("--config", str(path)), "larger than 4 MiB; not read")


def test_a_huge_integer_in_the_config_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "idp.json"
    text = json.dumps(_body()).replace('"claims"', '"n": ' + "9" * 5000 + ', "claims"')
    path.write_text(text)
    _assert_one_error_line(_check("--config", str(path)), "a number too large to read")


@pytest.mark.parametrize("option", ["--users", "--baseline", "--policy", "--access-groups"])
def test_other_input_files_are_regular_files_only(tmp_path: Path, option: str) -> None:
    import os

    config = tmp_path / "idp.json"
    _write(config, _body())
    fifo = tmp_path / "input.json"
    os.mkfifo(fifo)
    result = run_cli(["check", "--config", str(config), option, str(fifo), "--timeout", "1"])
    _assert_one_error_line(result, f"{option} {fifo}: not a regular file")


def test_more_users_than_the_cap_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "idp.json"
    _write(config, _body())
    users = tmp_path / "users.json"
    _write(users, {"users": [{"username": f"u{n}"} for n in range(101)]})
    result = run_cli(["check", "--config", str(config), "--users", str(users)])
    _assert_one_error_line(result, "101 users; at most 100 are probed in one run")


@pytest.mark.parametrize(
    ("flag", "value"), [("--timeout", "1e308"), ("--timeout", "inf"), ("--leeway", "9" * 400)]
)
def test_absurd_numbers_on_the_command_line_are_one_line(
    tmp_path: Path, flag: str, value: str
) -> None:
    config = tmp_path / "idp.json"
    _write(config, _body())
    result = run_cli(["check", "--config", str(config), "--discovery-only", flag, value])
    assert result.code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(f"oidc-probe check: error: argument {flag}")
    )


def test_a_password_on_stdin_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.e2e.conftest import REPO

    config = tmp_path / "idp.json"
    _write(config, _body())
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "oidc_probe",
            "check",
            "--config",
            str(config),
            "--login",
            "form",
            "--username",
            "alice",
            "--password-stdin",
            "--timeout",
            "1",
        ],
        input=b"\xff\xfe-not-utf8\n",
        capture_output=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, stderr
    assert stderr.strip().splitlines()[-1] == "oidc-probe: error: standard input is not UTF-8 text"


def test_a_field_given_twice_is_warned(tmp_path: Path) -> None:
    path = tmp_path / "idp.json"
    text = json.dumps(_body(), indent=2).replace(
        '"client_id": "5example0client0id",',
        '"client_id": "5example0client0id",\n    "client_id": "other",',
    )
    path.write_text(text)
    result = _check("--config", str(path), "--format", "json")
    warnings = [x for x in result.stderr.splitlines() if x.startswith("warning:")]
    row = next(i for i, x in enumerate(text.splitlines(), 1) if '"client_id"' in x)
    assert warnings == [
        f"warning: {path}:{row}:5: field 'client_id' appears more than once; the last value is used"
    ], result.stderr


def test_discovery_only_with_a_callback_url_is_a_usage_line(emulator: Emulator) -> None:
    """The URL was silently ignored: --discovery-only makes no login to end."""
    url = "http://localhost:8765/callback?code=abc&state=xyz"
    result = _check("--config", str(emulator.config_file()), "--callback-url", url)
    line = _assert_one_error_line(result, "--callback-url", "--discovery-only")
    assert "abc" not in line
