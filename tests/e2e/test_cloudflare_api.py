"""--cloudflare-account/--cloudflare-idp/--cloudflare-app against a loopback API stand-in."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from oidc_probe.fake_cognito.server import start_in_thread
from tests import cloudflare_api as cf
from tests.e2e.conftest import REPO, CliResult, Emulator, run_cli

pytestmark = pytest.mark.e2e
FIXTURES = REPO / "fixtures" / "access"


@pytest.fixture
def api(emulator: Emulator) -> Iterator[tuple[str, cf.CloudflareData]]:
    policies = json.loads((FIXTURES / "app-policies.json").read_text())["result"]
    groups = json.loads((FIXTURES / "groups.json").read_text())["result"]
    data = cf.CloudflareData(
        identity_providers={
            cf.IDP_ID: cf.idp_result(emulator.pool.probe_config(emulator.base_url))
        },
        app_policies={cf.APP_ID: policies},
        groups={g["id"]: g for g in groups},
        apps={cf.APP_ID: cf.app_object(policies)},
    )
    server = start_in_thread(cf.create_app(data))
    yield f"{server.base_url}/client/v4", data
    server.stop()


def cloudflare_run(
    emulator: Emulator, base: str, *extra: str, token: str = cf.TOKEN, username: str = "demo"
) -> CliResult:
    args = [
        "check",
        "--cloudflare-account",
        cf.ACCOUNT,
        "--cloudflare-idp",
        cf.IDP_ID,
        "--cloudflare-api",
        base,
        "--login",
        "form",
        "--username",
        username,
        "--format",
        "json",
        *extra,
    ]
    env = {
        "OIDC_PROBE_CLIENT_SECRET": emulator.secret(),
        "OIDC_PROBE_PASSWORD": emulator.password(username),
    }
    if token:
        env["CLOUDFLARE_API_TOKEN"] = token
    return run_cli(args, env=env)


def test_config_and_policies_come_from_the_api(
    emulator: Emulator, api: tuple[str, cf.CloudflareData]
) -> None:
    base, data = api
    result = cloudflare_run(
        emulator, base, "--cloudflare-app", cf.APP_ID, "--expect-access", "allow"
    )
    assert result.code == 0, result.stdout + result.stderr
    (decision,) = [c for c in result.json()["checks"] if c["id"] == "ACC001"]
    assert decision["evidence"]["actual"]["policy"] == "Admins"
    assert result.statuses("ACC002") == ["pass"]
    # The masked secret was replaced by the one from the environment: the login worked.
    assert result.statuses("TOK001") == ["pass"]
    # Two pages of policies (the stand-in serves two a page), then the referenced group.
    policy_pages = [p for p in data.requests if p.endswith("/policies")]
    assert len(policy_pages) == 2
    assert any(p.endswith("/groups/aa0a4aab-672b-4bdb-bc33-a59f1130a11f") for p in data.requests)
    assert cf.TOKEN not in result.stdout + result.stderr
    # The identity provider id is known, so the identity names it.
    assert result.json()["access_view"]["identity"]["idp"] == {"id": cf.IDP_ID, "type": "oidc"}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("bad-token", "HTTP 401: 10000 Authentication error"),
        ("limited-token", "HTTP 403: 10000 Forbidden (the API token lacks a permission"),
        ("unknown-idp", "HTTP 404: 12135 access.api.error.not_found"),
        ("unknown-app", "HTTP 404: 12135 access.api.error.not_found"),
        ("no-token", "set the environment variable CLOUDFLARE_API_TOKEN"),
        ("unreachable", "unreachable"),
        ("not-json", "not a JSON object"),
    ],
)
def test_each_api_error_is_one_line_exit_2(
    emulator: Emulator, api: tuple[str, cf.CloudflareData], case: str, expected: str
) -> None:
    base, _ = api
    token = {
        "bad-token": "not-a-valid-token-1234",
        "limited-token": cf.LIMITED_TOKEN,
        "no-token": "",
    }
    extra = ["--cloudflare-app", "0" * 32] if case == "unknown-app" else []
    if case == "unknown-idp":
        extra = []
    if case == "unreachable":
        base = f"http://127.0.0.1:{_closed_port()}/client/v4"
    if case == "not-json":
        base = base.replace("/client/v4", "/html")
    args_idp = ["--cloudflare-idp", "0" * 32] if case == "unknown-idp" else []
    result = cloudflare_run(emulator, base, *extra, *args_idp, token=token.get(case, cf.TOKEN))
    assert result.code == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert cf.LIMITED_TOKEN not in result.stderr


@pytest.mark.parametrize("host", ["cloudflare-stand-in.invalid", "192.0.2.10"])
def test_plain_http_to_another_host_is_refused_before_the_token_is_sent(
    emulator: Emulator, host: str
) -> None:
    result = cloudflare_run(emulator, f"http://{host}/client/v4")
    assert result.code == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert f"plain http to {host} would send the API token in clear; use https" in result.stderr
    assert cf.TOKEN not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_plain_http_to_localhost_is_accepted(
    emulator: Emulator, api: tuple[str, cf.CloudflareData]
) -> None:
    base, data = api  # http://127.0.0.1:PORT/client/v4 (the other tests); here by name
    result = cloudflare_run(emulator, base.replace("127.0.0.1", "localhost"))
    assert result.code == 0, result.stderr
    assert data.requests


def test_the_token_is_never_an_argument(
    emulator: Emulator, api: tuple[str, cf.CloudflareData]
) -> None:
    base, _ = api
    result = cloudflare_run(emulator, base, "--cloudflare-token", cf.TOKEN)
    assert result.code == 2
    assert "CLOUDFLARE_API_TOKEN" in result.stderr


def test_config_and_cloudflare_idp_exclude_each_other(
    emulator: Emulator, api: tuple[str, cf.CloudflareData], tmp_path: Path
) -> None:
    base, _ = api
    result = cloudflare_run(emulator, base, "--config", str(emulator.config_file()))
    assert result.code == 2
    assert "exclude each other" in result.stderr
