"""Issue 13, item 7: the emulator under Cognito's own host names, reached with --connect-to.

The emulator serves HTTPS on a loopback port with a certificate (from a local CA) for
``issuer-cognito-idp.eu-west-1.amazonaws.com`` (the "UPDATED" issuer configuration) and
the pool domain ``oidc-probe-demo.auth.eu-west-1.amazoncognito.com``. The config holds the
URLs a real pool would have, without a port, so CFG004, the issuer derivation, discovery
and IDT005 judge exactly what they judge for a real pool; ``--connect-to`` sends the
probe's connections to the loopback port.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from oidc_probe.fake_cognito import create_app, load_pool
from oidc_probe.fake_cognito.server import RunningServer, start_in_thread

from .conftest import REPO, CliResult, run_cli

POOL_FILE = REPO / "fixtures" / "pools" / "cognito_hosts_pool.json"
UPDATED_HOST = "issuer-cognito-idp.eu-west-1.amazonaws.com"
ORIGINAL_HOST = "cognito-idp.eu-west-1.amazonaws.com"
DOMAIN_HOST = "oidc-probe-demo.auth.eu-west-1.amazoncognito.com"
POOL_ID = "eu-west-1_Upd4tedIs"
USER, PASSWORD = "grace", "Grace-Passw0rd!"


@pytest.fixture(scope="module")
def ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA and a server certificate for every host name the tests serve."""
    path = tmp_path_factory.mktemp("cognito-hosts")
    ca = trustme.CA()
    cert = ca.issue_cert(UPDATED_HOST, ORIGINAL_HOST, DOMAIN_HOST)
    cert.private_key_and_cert_chain_pem.write_to_path(str(path / "server.pem"))
    cert.private_key_pem.write_to_path(str(path / "server.key"))
    ca.cert_pem.write_to_path(str(path / "ca.pem"))
    return path


@pytest.fixture
def serve(ca_dir: Path, tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """Start the emulator on HTTPS with the pool file, ``issuer_host`` changed if asked."""
    started: list[RunningServer] = []

    def start(issuer_host: str = UPDATED_HOST) -> RunningServer:
        body = json.loads(POOL_FILE.read_text())
        body["issuer_host"] = issuer_host
        pool_file = tmp_path / "pool.json"
        pool_file.write_text(json.dumps(body))
        server = start_in_thread(
            create_app(load_pool(str(pool_file))),
            ssl_certfile=str(ca_dir / "server.pem"),
            ssl_keyfile=str(ca_dir / "server.key"),
        )
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _port(server: RunningServer) -> int:
    return int(server.base_url.rsplit(":", 1)[1])


def _config(tmp_path: Path, certs_host: str = UPDATED_HOST, region_pool: str = POOL_ID) -> Path:
    """Cloudflare's JSON with the URLs of a real pool (no loopback host, no port)."""
    body = json.loads(POOL_FILE.read_text())["clients"][0]
    config = {
        "client_id": body["client_id"],
        "auth_url": f"https://{DOMAIN_HOST}/oauth2/authorize",
        "token_url": f"https://{DOMAIN_HOST}/oauth2/token",
        "certs_url": f"https://{certs_host}/{region_pool}/.well-known/jwks.json",
        "scopes": ["openid", "email", "profile"],
        "claims": ["cognito:groups"],
        "email_claim_name": "email",
    }
    path = tmp_path / "idp.json"
    path.write_text(json.dumps({"name": "pool", "type": "oidc", "config": config}))
    return path


def _secret() -> str:
    return str(json.loads(POOL_FILE.read_text())["clients"][0]["client_secret"])


def _check(server: RunningServer, config: Path, ca_dir: Path, *extra: str) -> CliResult:
    port = _port(server)
    args = ["check", "--config", str(config), "--username", USER, "--format", "json"]
    args += ["--ca-bundle", str(ca_dir / "ca.pem")]
    for host in (UPDATED_HOST, ORIGINAL_HOST, DOMAIN_HOST):
        args += ["--connect-to", f"{host}:443:127.0.0.1:{port}"]
    env = {"OIDC_PROBE_CLIENT_SECRET": _secret(), "OIDC_PROBE_PASSWORD": PASSWORD}
    result = run_cli([*args, *extra], env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _by_subject(result: CliResult, check_id: str) -> dict[str, dict[str, Any]]:
    return {c.get("subject") or "": c for c in result.json()["checks"] if c["id"] == check_id}


@pytest.mark.parametrize("issuer_host", [UPDATED_HOST, ORIGINAL_HOST])
def test_a_pool_passes_under_its_real_urls_with_either_issuer_configuration(
    issuer_host: str, serve: Callable[..., RunningServer], ca_dir: Path, tmp_path: Path
) -> None:
    server = serve(issuer_host)
    result = _check(server, _config(tmp_path, certs_host=issuer_host), ca_dir)
    assert result.code == 0, result.failing()
    rules = [
        f"{h}:443:127.0.0.1:{_port(server)}" for h in (UPDATED_HOST, ORIGINAL_HOST, DOMAIN_HOST)
    ]
    assert result.json()["target"]["connect_to"] == rules  # the report says it was steered
    issuer = f"https://{issuer_host}/{POOL_ID}"
    cfg004 = _by_subject(result, "CFG004")
    assert {f["status"] for f in cfg004.values()} == {"pass"}
    assert cfg004["certs_url"]["message"] == (
        f"certs_url is the JWKS URL of pool {POOL_ID} on {issuer_host}"
    )
    assert cfg004["region"]["message"] == "the pool domain and the pool are both in eu-west-1"
    (dsc002,) = _by_subject(result, "DSC002").values()
    assert dsc002["status"] == "pass"
    assert dsc002["message"] == f"issuer is {issuer}"
    (idt005,) = _by_subject(result, "IDT005").values()
    assert (idt005["status"], idt005["evidence"]["actual"]) == ("pass", issuer)
    (usr001,) = _by_subject(result, "USR001").values()
    assert f"https://{DOMAIN_HOST}/oauth2/userInfo" in usr001["message"]


def test_a_config_written_for_the_updated_issuer_against_an_original_pool(
    serve: Callable[..., RunningServer], ca_dir: Path, tmp_path: Path
) -> None:
    """The pool keeps the ORIGINAL issuer; the config's certs_url names the UPDATED host."""
    result = _check(serve(issuer_host=ORIGINAL_HOST), _config(tmp_path), ca_dir)
    assert result.code == 1
    assert {"DSC001", "JWK001", "IDT005"} <= result.failing()
    (dsc001,) = _by_subject(result, "DSC001").values()
    assert (
        f"https://{UPDATED_HOST}/{POOL_ID}/.well-known/openid-configuration" in (dsc001["message"])
    )
    assert "HTTP 404" in dsc001["message"]
    (idt005,) = _by_subject(result, "IDT005").values()
    assert idt005["evidence"]["actual"] == f"https://{ORIGINAL_HOST}/{POOL_ID}"
    assert "issuer configuration is ORIGINAL" in idt005["hint"]
    assert f"https://{ORIGINAL_HOST}/{POOL_ID}/.well-known/jwks.json" in idt005["hint"]


def test_certs_url_on_the_updated_host_of_another_region_fails_cfg004(
    serve: Callable[..., RunningServer], ca_dir: Path, tmp_path: Path
) -> None:
    config = _config(tmp_path, region_pool="us-east-1_Upd4tedIs")
    result = _check(serve(), config, ca_dir, "--discovery-only")
    certs = _by_subject(result, "CFG004")["certs_url"]
    assert certs["status"] == "fail"
    assert certs["message"] == (
        "certs_url host region eu-west-1 differs from the pool ID's region us-east-1"
    )
    assert certs["evidence"]["expected"] == (
        "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Upd4tedIs"
        "/.well-known/jwks.json"
    )


def test_discover_follows_the_same_rules(
    serve: Callable[..., RunningServer], ca_dir: Path, tmp_path: Path
) -> None:
    port = _port(serve())
    result = run_cli(
        [
            "discover",
            "--config",
            str(_config(tmp_path)),
            "--ca-bundle",
            str(ca_dir / "ca.pem"),
            "--connect-to",
            f"{UPDATED_HOST}:443:127.0.0.1:{port}",
            "--format",
            "json",
        ],
        env={"OIDC_PROBE_CLIENT_SECRET": _secret()},
    )
    assert result.code == 0, [c for c in result.json()["checks"] if c["status"] == "fail"]
    assert result.statuses("DSC002") == ["pass"]
    assert result.statuses("JWK001") == ["pass"]


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("cognito-idp.eu-west-1.amazonaws.com:127.0.0.1:9443", "is not HOST1:PORT1:HOST2:PORT2"),
        ("cognito-idp.eu-west-1.amazonaws.com:443:127.0.0.1:99999", "is not a port number"),
    ],
)
def test_a_malformed_rule_is_one_usage_line(rule: str, says: str, tmp_path: Path) -> None:
    result = run_cli(["check", "--config", str(_config(tmp_path)), "--connect-to", rule])
    assert result.code == 2
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]  # argparse's usage, then one error line
    assert line.startswith("oidc-probe check: error: argument --connect-to: ")
    assert says in line


def test_the_fake_cognito_command_serves_https_under_the_pool_host_names(
    ca_dir: Path, tmp_path: Path
) -> None:
    """What a user runs: the emulator's own command with --tls-cert, then one catch-all rule."""
    config = tmp_path / "idp.json"
    command = [sys.executable, "-m", "oidc_probe", "fake-cognito", "--port", "0"]
    command += ["--pool", str(POOL_FILE), "--write-config", str(config)]
    command += ["--tls-cert", str(ca_dir / "server.pem"), "--tls-key", str(ca_dir / "server.key")]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        assert f"written to {config}" in server.stdout.readline()
        served = server.stdout.readline()
        assert "serving at https://127.0.0.1:" in served, served
        urls = json.loads(config.read_text())["config"]
        assert urls["certs_url"].startswith(f"https://{UPDATED_HOST}:")
        assert urls["auth_url"].startswith(f"https://{DOMAIN_HOST}:")
        args = ["check", "--config", str(config), "--username", USER, "--format", "json"]
        args += ["--ca-bundle", str(ca_dir / "ca.pem"), "--connect-to", "::127.0.0.1:"]
        result = run_cli(args, env={"OIDC_PROBE_PASSWORD": PASSWORD})
        assert result.code == 0, result.failing()
        assert _by_subject(result, "CFG004")["certs_url"]["status"] == "pass"
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)


def test_a_tls_key_that_is_not_the_certificates_is_one_usage_line(
    ca_dir: Path, tmp_path: Path
) -> None:
    other = trustme.CA().issue_cert(DOMAIN_HOST)
    other.private_key_pem.write_to_path(str(tmp_path / "other.key"))
    args = ["fake-cognito", "--tls-cert", str(ca_dir / "server.pem")]
    result = run_cli([*args, "--tls-key", str(tmp_path / "other.key")])
    assert result.code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("oidc-probe: error: --tls-cert/--tls-key: not a usable PEM certificate")
    assert "Traceback" not in result.stderr


def test_browser_login_modes_are_told_that_the_rules_are_the_probes_own(tmp_path: Path) -> None:
    args = ["check", "--config", str(_config(tmp_path)), "--login", "paste"]
    result = run_cli(
        [*args, "--connect-to", "::127.0.0.1:1", "--format", "json"],
        env={"OIDC_PROBE_CLIENT_SECRET": _secret()},
        stdin="",
    )
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        "warning: --connect-to steers oidc-probe's own requests only; with --login paste "
        "the browser connects to the sign-in pages by itself"
    )
