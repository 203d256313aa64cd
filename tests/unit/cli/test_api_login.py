"""CLI options of issue 4: --login initiate-auth, --cognito-endpoint and --active."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oidc_probe.core.settings import LoginMode
from tests.factories import DOMAIN, ISSUER
from tests.unit.cli.test_main import ENV, FakeProbe, run


def config(tmp_path: Path, certs_url: str = f"{ISSUER}/.well-known/jwks.json") -> Path:
    path = tmp_path / "idp.json"
    body = {
        "client_id": "3n4b5urk1ft4fl3mg5e62d9ado",
        "client_secret": "test-client-secret-0123",
        "auth_url": f"{DOMAIN}/oauth2/authorize",
        "token_url": f"{DOMAIN}/oauth2/token",
        "certs_url": certs_url,
    }
    path.write_text(json.dumps({"config": body}))
    return path


def test_initiate_auth_and_active_reach_the_settings(tmp_path: Path) -> None:
    probe = FakeProbe()
    args = ["check", "--config", str(config(tmp_path)), "--username", "u", "--login"]
    result = run([*args, "initiate-auth", "--active"], environ=ENV, probe=probe)
    assert result.code != 2, result.err  # the sample findings decide 0 or 1
    assert probe.settings.login is LoginMode.INITIATE_AUTH
    assert probe.settings.active is True
    assert probe.settings.cognito_endpoint is None
    assert probe.settings.password == ENV["OIDC_PROBE_PASSWORD"]


def test_cognito_endpoint_is_passed_on(tmp_path: Path) -> None:
    probe = FakeProbe()
    argv = ["check", "--config", str(config(tmp_path, "https://idp.example/jwks")), "--username"]
    argv += ["u", "--login", "initiate-auth", "--cognito-endpoint", "http://127.0.0.1:5000/"]
    assert run(argv, environ=ENV, probe=probe).code != 2
    assert probe.settings.cognito_endpoint == "http://127.0.0.1:5000/"


@pytest.mark.parametrize(
    ("extra", "certs_url", "message"),
    [
        (["--login", "initiate-auth"], "https://idp.example/jwks", "pass --cognito-endpoint URL"),
        (["--cognito-endpoint", "http://127.0.0.1:1/"], None, "is for --login initiate-auth"),
        (["--login", "initiate-auth", "--cognito-endpoint", "ftp://x"], None, "absolute http(s)"),
        (["--active", "--discovery-only"], None, "--active needs a login"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, extra: list[str], certs_url: str | None, message: str
) -> None:
    path = config(tmp_path, certs_url) if certs_url else config(tmp_path)
    probe = FakeProbe()
    result = run(
        ["check", "--config", str(path), "--username", "u", *extra], environ=ENV, probe=probe
    )
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert probe.calls == []


def test_initiate_auth_needs_a_password(tmp_path: Path) -> None:
    argv = [
        "check",
        "--config",
        str(config(tmp_path)),
        "--username",
        "u",
        "--login",
        "initiate-auth",
    ]
    result = run(argv, environ={}, probe=FakeProbe())
    assert result.code == 2
    assert "needs a password" in result.err
