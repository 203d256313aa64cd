"""The core flow end to end: the real ``oidc-probe`` against the emulator on a loopback port."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oidc_probe.checks.catalogue import all_checks, probe_checks
from oidc_probe.core.model import Stage, Status

from .conftest import REPO, CliResult, Emulator, probe, run_cli

CLOUDFLARE_EXAMPLE = REPO / "fixtures" / "configs" / "cloudflare-cognito-example.json"
# A compact JWS or JWE: what a raw token looks like in any output.
RAW_TOKEN = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.")


def no_failures(result: CliResult) -> None:
    assert "Traceback" not in result.stderr
    assert result.code == 0, (result.failing(), result.stderr)
    assert result.failing() == set()


def finding(result: CliResult, check_id: str, subject: str = "") -> dict[str, Any]:
    matches = [
        c for c in result.json()["checks"] if c["id"] == check_id and c["subject"] == subject
    ]
    assert len(matches) == 1, (check_id, subject, matches)
    found: dict[str, Any] = matches[0]
    return found


@pytest.mark.parametrize("pkce", ["--pkce", "--no-pkce"])
def test_pkce_on_and_off(emulator: Emulator, pkce: str) -> None:
    result = probe(emulator, pkce)
    no_failures(result)
    dsc008 = finding(result, "DSC008")
    # With PKCE the probe judges the provider's PKCE support; without it, it says why not.
    if pkce == "--pkce":
        assert dsc008["status"] == "info"
        assert "code_challenge_methods_supported" in dsc008["message"]
    else:
        assert dsc008["status"] == "skip"
        assert "pkce_enabled is false" in dsc008["message"]
    assert finding(result, "TOK001")["status"] == "pass"


def test_pkce_is_sent_and_verified(emulator_factory: Callable[..., Emulator]) -> None:
    """With --pkce the exchange succeeds against an emulator that lists S256 and enforces it."""
    result = probe(emulator_factory("discovery-pkce-s256"), "--pkce")
    no_failures(result)
    assert finding(result, "DSC008")["status"] == "pass"


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_basic_and_post_client_auth(emulator: Emulator, auth: str) -> None:
    result = probe(emulator, "--client-auth", auth)
    no_failures(result)
    assert finding(result, "TOK001")["status"] == "pass"


def test_wrong_client_secret_fails_the_exchange_with_invalid_client(emulator: Emulator) -> None:
    result = run_cli(
        [
            "check",
            "--config",
            str(emulator.config_file(client_secret=None)),
            "--username",
            "demo",
            "--format",
            "json",
        ],
        env={"OIDC_PROBE_CLIENT_SECRET": "wrong", "OIDC_PROBE_PASSWORD": emulator.password("demo")},
    )
    assert result.code == 1
    tok001 = finding(result, "TOK001")
    assert tok001["status"] == "fail"
    assert "invalid_client" in tok001["message"]


def test_user_in_no_group_fails_clm003_for_cognito_groups_with_the_hint(
    emulator: Emulator,
) -> None:
    result = probe(emulator, username="nogroup")
    assert result.code == 1
    groups = finding(result, "CLM003", "cognito:groups")
    assert groups["status"] == "fail"
    assert "in no group" in groups["hint"]
    assert result.failing() == {"CLM003"}
    assert [c["subject"] for c in result.json()["checks"] if c["status"] == "fail"] == [
        "cognito:groups"
    ]


def test_wrong_password_fails_aut002_with_the_page_error(emulator: Emulator) -> None:
    result = probe(emulator, password="not-the-password")
    assert result.code == 1
    aut002 = finding(result, "AUT002")
    assert aut002["status"] == "fail"
    assert "Incorrect username or password." in json.dumps(aut002)
    assert "not-the-password" not in result.stdout + result.stderr


def test_unregistered_redirect_uri_fails_aut001_with_the_redirect_mismatch_hint(
    emulator: Emulator,
) -> None:
    other = "http://localhost:8765/not-registered"
    result = probe(emulator, "--redirect-uri", other)
    assert result.code == 1
    aut001 = finding(result, "AUT001")
    assert aut001["status"] == "fail"
    assert "redirect_mismatch" in json.dumps(aut001)
    assert other in aut001["hint"]
    assert "Allowed callback URLs" in aut001["hint"]


# The keys issue 2 item 8 specifies, and the keys added since within schema version 1
# ("new keys may be added within a schema version"); any other key fails the test.
TOP_KEYS = {
    "schema_version",
    "tool",
    "target",
    "result",
    "counts",
    "checks",
    "id_token_claims",
    "timings_ms",
}
TOP_ADDED = {"access_view", "tokens", "users", "timeline_ms"}
STATUSES = {s.value for s in Status}
COUNT_ADDED = {"accepted"}  # baseline-accepted failures and warnings
CHECK_KEYS = {"id", "slug", "stage", "status", "subject", "message", "hint", "refs", "evidence"}
CHECK_ADDED = {"user", "accepted"}


def assert_keys(found: dict[str, Any], required: set[str], added: set[str]) -> None:
    assert required <= set(found), required - set(found)
    assert set(found) - required <= added, set(found) - required - added


def assert_schema(data: dict[str, Any]) -> None:
    """The JSON report as issue 2 item 8 specifies it (schema_version 1)."""
    assert_keys(data, TOP_KEYS, TOP_ADDED)
    assert data["schema_version"] == 1
    assert set(data["tool"]) == {"name", "version"}
    assert data["tool"]["name"] == "oidc-probe"
    assert isinstance(data["tool"]["version"], str)
    assert data["tool"]["version"]
    target = dict(data["target"])
    basis = target.pop("issuer_basis")  # issue 22: how the issuer was established
    assert set(basis) == {"source", "discovery_url"}
    assert basis["source"] in ("given", "cognito-pool", "discovery", "unconfirmed")
    assert set(target) == {"issuer", "client_id", "auth_url", "token_url", "certs_url"}
    assert all(isinstance(v, str) for v in target.values())
    assert data["result"] in ("pass", "fail")
    assert set(data["timeline_ms"]) <= set(data["timings_ms"]) | {"active"}
    for span in data["timeline_ms"].values():
        assert set(span) == {"start", "end"}
        assert 0 <= span["start"] <= span["end"]
    assert_keys(data["counts"], STATUSES, COUNT_ADDED)
    assert all(type(v) is int and v >= 0 for v in data["counts"].values())
    checks = data["checks"]
    assert sum(data["counts"].values()) == len(checks)
    for status in STATUSES:
        counted = [c for c in checks if c["status"] == status and not c.get("accepted")]
        assert data["counts"][status] == len(counted), status
    assert (data["result"] == "fail") == (data["counts"]["fail"] > 0)
    stages = {spec.stage.key for spec in all_checks()}
    for item in checks:
        assert_keys(item, CHECK_KEYS, CHECK_ADDED)
        assert item["status"] in STATUSES
        assert item["stage"] in stages
        for key in ("id", "slug", "subject", "message", "hint"):
            assert isinstance(item[key], str), (key, item)
        assert isinstance(item["evidence"], dict)
        assert isinstance(item["refs"], list)
        for ref in item["refs"]:
            assert set(ref) == {"ref", "url"}
    assert {c["id"] for c in checks} == {
        spec.id for spec in probe_checks()
    }  # CFT: verify-access only
    assert data["id_token_claims"] is None or isinstance(data["id_token_claims"], dict)
    assert all(isinstance(v, int | float) for v in data["timings_ms"].values())


def test_json_report_follows_the_schema(emulator: Emulator) -> None:
    result = probe(emulator)
    no_failures(result)
    data = result.json()
    assert_schema(data)
    assert data["result"] == "pass"
    assert data["target"]["client_id"] == emulator.pool.clients[0].client_id
    assert data["target"]["issuer"] == f"{emulator.base_url}/{emulator.pool.pool_id}"
    assert data["id_token_claims"]["cognito:username"] == "demo"


def test_json_report_of_a_failing_run_follows_the_schema(emulator: Emulator) -> None:
    result = probe(emulator, username="nogroup")
    assert result.code == 1
    assert_schema(result.json())
    assert result.json()["result"] == "fail"


def test_no_secret_or_raw_token_in_any_output(emulator: Emulator, tmp_path: Path) -> None:
    secret, password = emulator.secret(), emulator.password("demo")
    outputs = []
    for fmt in ("text", "json"):
        result = probe(emulator, fmt=fmt)
        assert result.code == 0, result.stderr
        outputs += [result.stdout, result.stderr]
        report = tmp_path / f"report.{fmt}"
        written = probe(emulator, "--output", str(report), fmt=fmt)
        assert written.code == 0
        assert written.stdout == ""
        outputs += [written.stderr, report.read_text()]
    for text in outputs:
        assert text.strip()
        assert secret not in text
        assert password not in text
        assert not RAW_TOKEN.search(text), RAW_TOKEN.search(text)


def test_show_tokens_shows_the_tokens_and_still_no_secret(emulator: Emulator) -> None:
    result = probe(emulator, "--show-tokens")
    no_failures(result)
    data = result.json()
    tokens = data["tokens"]
    assert RAW_TOKEN.match(tokens["id_token"])
    assert RAW_TOKEN.match(tokens["access_token"])
    assert result.stdout.count(tokens["id_token"]) >= 1
    text = probe(emulator, "--show-tokens", fmt="text")
    assert RAW_TOKEN.search(text.stdout)
    for out in (result.stdout, result.stderr, text.stdout, text.stderr):
        assert emulator.secret() not in out
        assert emulator.password("demo") not in out


def test_demo_text_shows_every_check_and_none_fails() -> None:
    result = run_cli(["demo", "-v"])
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    for spec in probe_checks():
        if spec.stage is Stage.POOL:  # issue 22: folded into one line without an audit
            assert not re.search(rf"^\s+\w+\s+{spec.id} ", result.stdout, re.MULTILINE)
            continue
        assert re.search(rf"^\s+\w+\s+{spec.id} ", result.stdout, re.MULTILINE), spec.id
    assert re.search(r"^\s+SKIP\s+pool audit not run: `audit` or `--aws`$", result.stdout, re.M)
    assert not re.search(r"^\s+FAIL\s", result.stdout, re.MULTILINE)
    assert "result PASS" in result.stderr


@pytest.fixture(scope="module")
def demo_json() -> dict[str, Any]:
    """``oidc-probe demo --format json``, run once for the tests of this module."""
    result = run_cli(["demo", "--format", "json"])
    assert result.code == 0, result.stderr
    data = result.json()
    assert_schema(data)
    return data


def test_demo_json_has_every_check_and_none_fails(demo_json: dict[str, Any]) -> None:
    data = demo_json
    assert data["result"] == "pass"
    assert data["counts"]["fail"] == 0


def findings_of(data: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(c["id"], c["subject"], c["status"]) for c in data["checks"]}


def test_cloudflare_example_pointed_at_the_emulator_matches_the_demo(
    emulator: Emulator, tmp_path: Path, demo_json: dict[str, Any]
) -> None:
    body = json.loads(CLOUDFLARE_EXAMPLE.read_text())
    ours = emulator.pool.probe_config(emulator.base_url)["config"]
    for field in ("client_id", "auth_url", "token_url", "certs_url"):
        body["config"][field] = ours[field]
    del body["config"]["client_secret"]  # from OIDC_PROBE_CLIENT_SECRET instead
    config = tmp_path / "cloudflare.json"
    config.write_text(json.dumps(body))
    result = run_cli(
        [
            "check",
            "--config",
            str(config),
            "--login",
            "form",
            "--username",
            "demo",
            "--format",
            "json",
        ],
        env={
            "OIDC_PROBE_CLIENT_SECRET": emulator.secret(),
            "OIDC_PROBE_PASSWORD": "Demo-Passw0rd!",
        },
    )
    no_failures(result)
    assert findings_of(result.json()) == findings_of(demo_json)


class ProxyTrap:
    """A loopback listener set as every proxy: any HTTP request the CLI makes lands here."""

    def __init__(self) -> None:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def env(self) -> dict[str, str]:
        names = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
        return {**dict.fromkeys(names, self.url), **{n.lower(): self.url for n in names}}

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1


def test_cloudflare_example_as_published_is_a_config_error_without_network() -> None:
    """All template values: exit 2 naming the fields to fill, before any request."""
    trap = ProxyTrap()
    try:
        result = run_cli(
            ["check", "--config", str(CLOUDFLARE_EXAMPLE), "--username", "demo"],
            env={**trap.env(), "NO_PROXY": "", "no_proxy": "", "OIDC_PROBE_PASSWORD": "x"},
        )
        assert trap.connections() == 0
    finally:
        trap.sock.close()
    assert result.code == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "fill in client_id, client_secret, auth_url, token_url, certs_url" in result.stderr


@pytest.mark.parametrize(
    ("content", "names"),
    [
        ('{"config": {"client_id": "x",', "invalid JSON"),
        ('{"config": {"auth_url": "https://a.example/authorize"}}', "client_id"),
        (
            '{"config": {"client_id": "x", "client_secret": "s", "auth_url": "https://a.example/a",'
            ' "token_url": "https://a.example/t", "certs_url": "https://a.example/j",'
            ' "pkce_enabled": "yes"}}',
            "pkce_enabled",
        ),
    ],
    ids=["invalid-json", "missing-field", "wrong-type"],
)
def test_config_errors_exit_2_with_one_line(tmp_path: Path, content: str, names: str) -> None:
    config = tmp_path / "idp.json"
    config.write_text(content)
    result = run_cli(
        ["check", "--config", str(config), "--username", "demo"], env={"OIDC_PROBE_PASSWORD": "x"}
    )
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("oidc-probe: error:")
    assert names in lines[0]
