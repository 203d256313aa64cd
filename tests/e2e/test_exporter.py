"""``oidc-probe exporter`` as a user runs it: a subprocess on a loopback port, scraped over HTTP,
against the emulator and against providers that hang, refuse or answer garbage."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import DEMO_PASSWORD_USER, REPO, Emulator, run_cli
from tests.e2e.exporter_process import ExporterProcess, promtool, samples, write_module_config
from tests.e2e.hostile_servers import HostileServer, Mode
from tests.needs import unavailable

pytestmark = pytest.mark.e2e

PASSWORD_ENV = "EXPORTER_TEST_PASSWORD"
SECRET_ENV = "EXPORTER_TEST_SECRET"


def _module(config: Path, **more: object) -> dict[str, object]:
    return {
        "config": str(config),
        "login": "form",
        "username": DEMO_PASSWORD_USER,
        "password_env": PASSWORD_ENV,
        **more,
    }


def _env(emu: Emulator, **more: str) -> dict[str, str]:
    return {PASSWORD_ENV: emu.password(DEMO_PASSWORD_USER), SECRET_ENV: emu.secret(), **more}


def _status(found: dict[str, float], check_id: str) -> float:
    hits = [
        v
        for k, v in found.items()
        if k.startswith("oidc_probe_check_status{") and f'check="{check_id}"' in k
    ]
    assert len(hits) == 1, (check_id, hits)
    return hits[0]


def test_a_healthy_pool_is_a_successful_probe(emulator: Emulator, tmp_path: Path) -> None:
    config = emulator.config_file(client_secret=None)
    toml = write_module_config(
        tmp_path / "exporter.toml",
        {"demo": _module(config, client_secret_env=SECRET_ENV, expect=["email_verified=true"])},
    )
    with ExporterProcess(toml, _env(emulator)) as exporter:
        found = exporter.probe("demo")
        assert found["probe_success"] == 1
        assert 0 < found["probe_duration_seconds"] < 30
        assert _status(found, "IDT004") == 0  # the signature was verified
        assert _status(found, "EXP001") == 0
        assert _status(found, "CFG002") == 3  # plain http to the emulator: a warning
        assert found["oidc_probe_jwks_keys"] == 2
        kids = [k for k in found if k.startswith("oidc_probe_jwks_key_info{")]
        assert len(kids) == 2
        assert found["oidc_probe_id_token_expiry_seconds"] > time.time()
        assert found["oidc_probe_id_token_lifetime_seconds"] == 3600
        assert found['oidc_probe_stage_duration_seconds{stage="token"}'] > 0
        assert found['oidc_probe_checks{status="fail"}'] == 0
        status, own = exporter.get("/metrics")
        assert status == 200
        mine = samples(own)
        assert mine['oidc_probe_exporter_probes_total{module="demo",result="success"}'] == 1
        assert mine["oidc_probe_exporter_probes_in_flight"] == 0
        assert exporter.terminate() == 0
        assert "stopped" in exporter.stderr()


def test_promtool_accepts_the_exposition(emulator: Emulator, tmp_path: Path) -> None:
    tool = promtool()
    if tool is None:
        unavailable("promtool not installed (Debian package prometheus; `make prometheus`)")
        return
    toml = write_module_config(
        tmp_path / "exporter.toml", {"demo": _module(emulator.config_file())}
    )
    with ExporterProcess(toml, _env(emulator)) as exporter:
        for path in ("/probe?module=demo", "/metrics"):
            status, text = exporter.get(path)
            assert status == 200
            checked = subprocess.run(
                [tool, "check", "metrics"], input=text, capture_output=True, text=True, check=False
            )
            assert checked.returncode == 0, (path, checked.stdout, checked.stderr)


def test_a_wrong_client_secret_fails_the_probe_and_is_not_echoed(
    emulator: Emulator, tmp_path: Path
) -> None:
    wrong = "wrong-client-secret-exporter-5b1e"
    toml = write_module_config(
        tmp_path / "exporter.toml",
        {"demo": _module(emulator.config_file(client_secret=None), client_secret_env=SECRET_ENV)},
    )
    with ExporterProcess(toml, _env(emulator, **{SECRET_ENV: wrong})) as exporter:
        _, text = exporter.get("/probe?module=demo")
        found = samples(text)
        assert found["probe_success"] == 0
        assert _status(found, "TOK001") == 4
        assert wrong not in text
        assert wrong not in exporter.get("/metrics")[1]


def test_a_missing_password_is_a_failed_probe_naming_the_variable(
    emulator: Emulator, tmp_path: Path
) -> None:
    toml = write_module_config(
        tmp_path / "exporter.toml", {"demo": _module(emulator.config_file())}
    )
    with ExporterProcess(toml, {}) as exporter:
        status, text = exporter.get("/probe?module=demo")
        assert status == 200
        found = samples(text)
        assert found["probe_success"] == 0
        assert any(PASSWORD_ENV in k for k in found if k.startswith("oidc_probe_failure_info"))
        mine = samples(exporter.get("/metrics")[1])
        assert mine['oidc_probe_exporter_errors_total{module="demo",reason="inputs"}'] == 1


def _hostile_config(tmp_path: Path, emu: Emulator, base: str) -> Path:
    """The emulator's config with every endpoint at ``base`` (a hostile or closed server)."""
    return emu.config_file(
        auth_url=f"{base}/oauth2/authorize",
        token_url=f"{base}/oauth2/token",
        certs_url=f"{base}/us-east-1_Fake1Demo/.well-known/jwks.json",
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        (Mode.HANG, "timed out"),
        (Mode.HTML, ""),
        (Mode.RESET, ""),
        ("refused", "connection refused"),
    ],
    ids=str,
)
def test_a_hostile_provider_is_a_failed_probe_not_a_dead_exporter(
    emulator: Emulator, tmp_path: Path, mode: Mode | str, reason: str
) -> None:
    with HostileServer() as hostile:
        base = f"http://127.0.0.1:{_closed_port()}" if mode == "refused" else hostile.url(mode)
        config = _hostile_config(tmp_path, emulator, base)
        toml = write_module_config(tmp_path / "exporter.toml", {"bad": _module(config)})
        with ExporterProcess(toml, _env(emulator)) as exporter:
            started = time.monotonic()
            status, text = exporter.get(
                "/probe?module=bad", headers={"X-Prometheus-Scrape-Timeout-Seconds": "4"}
            )
            assert time.monotonic() - started < 6  # within the scrape timeout
            assert status == 200
            found = samples(text)
            assert found["probe_success"] == 0
            reasons = [k for k in found if k.startswith("oidc_probe_failure_info{")]
            assert reasons, text
            # A hanging provider: one request timed out, or (the issuer being confirmed by
            # discovery fetches that hang too) the whole probe ran out of its deadline.
            wanted = ("timed out", "did not finish within the deadline") if reason else ("",)
            if reason and reason != "timed out":
                wanted = (reason,)
            assert any(w in k for k in reasons for w in wanted), reasons
            # still serving: the exporter's own metrics and a second probe
            assert exporter.get("/metrics")[0] == 200
            assert (
                samples(
                    exporter.get(
                        "/probe?module=bad", headers={"X-Prometheus-Scrape-Timeout-Seconds": "4"}
                    )[1]
                )["probe_success"]
                == 0
            )
            assert exporter.terminate() == 0


def test_an_unknown_or_missing_module_is_a_400(emulator: Emulator, tmp_path: Path) -> None:
    toml = write_module_config(
        tmp_path / "exporter.toml", {"demo": _module(emulator.config_file())}
    )
    with ExporterProcess(toml, _env(emulator)) as exporter:
        status, text = exporter.get("/probe?module=nope%0Aevil")
        assert status == 400
        assert "evil" not in text
        assert "demo" in text
        assert exporter.get("/probe")[0] == 400


def _bad(tmp_path: Path, emu: Emulator, body: str) -> list[str]:
    emu.config_file()
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    return ["exporter", "--config", str(path), "--check-config"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            '[modules.a]\nconfig = "idp.json"\nusername = "u"\npassword = "hunter22"\n',
            "never goes in the config file",
        ),
        (
            '[modules.a]\nconfig = "idp.json"\nlogin = "browser"\nusername = "u"\npassword_env = "P"\n',
            "needs a person",
        ),
        (
            '[modules.a]\nconfig = "missing.json"\nusername = "u"\npassword_env = "P"\n',
            "file not found",
        ),
        (
            '[modules.a]\nconfig = "idp.json"\nusername = "u"\npassword_env = "P"\ncolour = 1\n',
            "unknown key 'colour'",
        ),
        ("[modules.a\n", "invalid TOML"),
        ("", "no modules"),
        ('[modules.a]\nconfig = "idp.json"\nusername = "u"\n', "password_env"),
    ],
)
def test_a_bad_config_is_one_line_and_exit_2(
    emulator: Emulator, tmp_path: Path, body: str, says: str
) -> None:
    result = run_cli(_bad(tmp_path, emulator, body))
    assert result.code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert says in lines[0]
    assert "hunter22" not in result.stderr


def test_check_config_accepts_a_good_file(emulator: Emulator, tmp_path: Path) -> None:
    toml = write_module_config(
        tmp_path / "exporter.toml", {"demo": _module(emulator.config_file())}
    )
    result = run_cli(["exporter", "--config", str(toml), "--check-config"])
    assert result.code == 0, result.stderr
    assert "1 module(s), OK" in result.stderr


def test_a_busy_port_is_one_line_and_exit_2(emulator: Emulator, tmp_path: Path) -> None:
    toml = write_module_config(
        tmp_path / "exporter.toml", {"demo": _module(emulator.config_file())}
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_cli(["exporter", "--config", str(toml), "--listen", f"127.0.0.1:{port}"])
    assert result.code == 2
    assert "already in use" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_access_policies_give_a_decision_series(emulator: Emulator, tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(
            {
                "name": "admins only",
                "decision": "allow",
                "include": [{"oidc": {"claim_name": "cognito:groups", "claim_value": "admins"}}],
            }
        )
    )
    toml = write_module_config(
        tmp_path / "exporter.toml",
        {"demo": _module(emulator.config_file(), policies=[str(policy)], expect_access="allow")},
    )
    with ExporterProcess(toml, _env(emulator)) as exporter:
        found = exporter.probe("demo")
    decisions = {k: v for k, v in found.items() if k.startswith("oidc_probe_access_decision{")}
    assert decisions == {
        'oidc_probe_access_decision{access="allow",outcome="allow",policy="admins only"}': 1
    }
    assert _status(found, "ACC002") == 0


def test_the_certificate_expiry_of_each_host_is_a_series(tmp_path: Path) -> None:
    import datetime

    import trustme

    from oidc_probe.fake_cognito import create_app, load_pool
    from oidc_probe.fake_cognito.server import start_in_thread

    ca = trustme.CA()
    not_after = datetime.datetime(2031, 5, 17, 12, 0, tzinfo=datetime.UTC)
    cert = ca.issue_cert("127.0.0.1", not_after=not_after)
    certfile, keyfile, bundle = tmp_path / "s.pem", tmp_path / "s.key", tmp_path / "ca.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(certfile))
    cert.private_key_pem.write_to_path(str(keyfile))
    ca.cert_pem.write_to_path(str(bundle))
    pool = load_pool(None)
    server = start_in_thread(create_app(pool), ssl_certfile=str(certfile), ssl_keyfile=str(keyfile))
    try:
        emu = Emulator(server, pool, tmp_path)
        toml = write_module_config(
            tmp_path / "exporter.toml", {"tls": _module(emu.config_file(), ca_bundle=str(bundle))}
        )
        with ExporterProcess(toml, _env(emu)) as exporter:
            found = exporter.probe("tls")
    finally:
        server.stop()
    assert found["probe_success"] == 1
    series = {
        k: v for k, v in found.items() if k.startswith("oidc_probe_tls_cert_not_after_seconds")
    }
    host = f"127.0.0.1:{server.port}"
    assert series == {
        f'oidc_probe_tls_cert_not_after_seconds{{host="{host}"}}': not_after.timestamp()
    }


def test_every_metric_the_exporter_answers_is_documented(
    emulator: Emulator, tmp_path: Path
) -> None:
    import re

    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps({"name": "all", "decision": "allow", "include": [{"everyone": {}}]})
    )
    toml = write_module_config(
        tmp_path / "exporter.toml",
        {"demo": _module(emulator.config_file(), policies=[str(policy)])},
    )
    with ExporterProcess(toml, _env(emulator)) as exporter:
        names = {re.split(r"[{ ]", k)[0] for k in exporter.probe("demo")}
        own = {re.split(r"[{ ]", k)[0] for k in samples(exporter.get("/metrics")[1])}
    documented = (REPO / "docs" / "monitoring" / "README.md").read_text(encoding="utf-8")
    own = {re.sub(r"_(bucket|count|sum)$", "", n) for n in own if n.startswith("oidc_probe")}
    assert "oidc_probe_access_decision" in names
    assert {n for n in names | own if f"`{n}`" not in documented} == set()
