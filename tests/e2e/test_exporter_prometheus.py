"""A real Prometheus scrapes the real exporter, which probes the real emulator (three processes on
loopback ports); the series are read back through Prometheus' HTTP query API. Between scrapes
the emulator is restarted with a fault (a claim dropped; its keys are new at each start), and
the series show it. The shipped alerting rules are loaded and checked with ``promtool``."""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import DEMO_PASSWORD_USER, REPO
from tests.e2e.exporter_process import ExporterProcess, write_module_config
from tests.needs import unavailable

pytestmark = pytest.mark.e2e

MONITORING = REPO / "docs" / "monitoring"
SCRAPE_INTERVAL = 2  # seconds
DEMO_PASSWORD = (
    "Demo-Passw0rd!"  # the packaged demo pool's (oidc_probe/fake_cognito/default_pool.json)
)


def _tools() -> tuple[str, str]:
    prometheus, promtool = shutil.which("prometheus"), shutil.which("promtool")
    if prometheus is None or promtool is None:
        unavailable(
            "prometheus/promtool not installed (Debian package prometheus; `make prometheus`)"
        )
    assert prometheus is not None
    assert promtool is not None
    return prometheus, promtool


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(what: str, ready: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


class Emulator:
    """``oidc-probe fake-cognito`` on a fixed port, restartable with other faults."""

    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.config = tmp / "idp.json"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, *faults: str) -> None:
        args = ["fake-cognito", "--port", str(self.port), "--write-config", str(self.config)]
        for fault in faults:
            args += ["--fault", fault]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "oidc_probe", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
        )
        _wait("the emulator", self._serving, 20)

    def _serving(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


class Prometheus:
    def __init__(self, binary: str, config: Path, storage: Path) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = (storage.parent / "prometheus.log").open("w")
        self.proc = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={storage}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--log.level=warn",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        _wait("Prometheus", self._ready, 30)

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/-/ready", timeout=1) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def api(self, path: str, **params: str) -> Any:
        url = f"{self.base_url}/api/v1/{path}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=10) as response:
            body = json.loads(response.read())
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        return list(self.api("query", query=expr)["result"])

    def value(self, expr: str) -> float | None:
        result = self.query(expr)
        return float(result[0]["value"][1]) if len(result) == 1 else None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.log.close()


def _prometheus_config(tmp: Path, exporter_address: str) -> Path:
    """docs/monitoring/prometheus.yml with a short interval, the test's module and address."""
    text = (MONITORING / "prometheus.yml").read_text(encoding="utf-8")
    text = text.replace("scrape_interval: 60s", f"scrape_interval: {SCRAPE_INTERVAL}s")
    text = text.replace("scrape_timeout: 30s", f"scrape_timeout: {SCRAPE_INTERVAL}s")
    text = text.replace("evaluation_interval: 60s", "evaluation_interval: 1s")
    text = text.replace("- cognito-prod", "- demo").replace("127.0.0.1:9230", exporter_address)
    text = text.replace("  - alerts.yml", f"  - {MONITORING / 'alerts.yml'}")
    assert "- demo" in text
    assert exporter_address in text
    assert str(MONITORING) in text
    path = tmp / "prometheus.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    emu = Emulator(tmp_path)
    emu.start()
    yield emu
    emu.stop()


def test_the_shipped_rules_and_scrape_config_pass_promtool(tmp_path: Path) -> None:
    _, promtool = _tools()
    rules = subprocess.run(
        [promtool, "check", "rules", str(MONITORING / "alerts.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert rules.returncode == 0, rules.stdout + rules.stderr
    assert "5 rules found" in rules.stdout
    config = subprocess.run(
        [promtool, "check", "config", str(MONITORING / "prometheus.yml")],
        capture_output=True,
        text=True,
        check=False,
        cwd=MONITORING,
    )
    assert config.returncode == 0, config.stdout + config.stderr


def test_prometheus_sees_a_healthy_login_then_a_dropped_claim_and_rotated_keys(
    emulator: Emulator, tmp_path: Path
) -> None:
    binary, _ = _tools()
    toml = write_module_config(
        tmp_path / "exporter.toml",
        {
            "demo": {
                "config": str(emulator.config),
                "username": DEMO_PASSWORD_USER,
                "password_env": "DEMO_PASSWORD",
                "expect": ["email"],
            }
        },
    )
    with ExporterProcess(toml, {"DEMO_PASSWORD": DEMO_PASSWORD}) as exporter:
        address = exporter.base_url.removeprefix("http://")
        storage = tmp_path / "tsdb"
        prom = Prometheus(binary, _prometheus_config(tmp_path, address), storage)
        try:
            demo = '{job="oidc-probe",instance="demo"}'
            _wait(
                "three successful scrapes",
                lambda: (prom.value(f"sum_over_time(probe_success{demo}[5m])") or 0) >= 3,
            )
            assert prom.value(f"probe_success{demo}") == 1
            assert prom.value('oidc_probe_check_status{instance="demo",check="CLM001"}') == 0
            kids_before = {
                r["metric"]["kid"] for r in prom.query(f"oidc_probe_jwks_key_info{demo}")
            }
            assert len(kids_before) == 2
            keyset_before = prom.value(f"oidc_probe_jwks_keyset_id{demo}")
            # The exporter's own job, scraped by the same Prometheus.
            _wait(
                "the exporter's own metrics",
                lambda: (
                    (
                        prom.value(
                            'sum(oidc_probe_exporter_probes_total{job="oidc-probe-exporter",result="success"})'
                        )
                        or 0
                    )
                    >= 3
                ),
            )

            emulator.stop()
            emulator.start("no-email")  # drops the email claim; new keys at each start

            _wait(
                "a failing scrape",
                lambda: prom.value('oidc_probe_check_status{instance="demo",check="CLM001"}') == 4,
            )
            assert prom.value(f"probe_success{demo}") == 0
            assert prom.value('oidc_probe_check_status{instance="demo",check="EXP001"}') == 4
            assert (prom.value(f"changes(probe_success{demo}[5m])") or 0) >= 1
            kids_after = {r["metric"]["kid"] for r in prom.query(f"oidc_probe_jwks_key_info{demo}")}
            assert kids_after
            assert kids_after.isdisjoint(kids_before)
            assert prom.value(f"oidc_probe_jwks_keyset_id{demo}") != keyset_before
            # The shipped rules, evaluated by this Prometheus: the rotation alert fires at once,
            # the failing-login alerts wait out their `for` as pending.
            _wait(
                "the alerts",
                lambda: (
                    {
                        "OidcProbeSigningKeysRotated",
                        "OidcProbeLoginFailing",
                        "OidcProbeCheckFailing",
                    }
                    <= {a["labels"]["alertname"] for a in prom.api("alerts")["alerts"]}
                ),
                timeout=30,
            )
        finally:
            prom.stop()
        assert exporter.terminate() == 0


def test_the_dashboard_queries_parse_and_use_documented_metrics(tmp_path: Path) -> None:
    _, promtool = _tools()
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert len(exprs) >= 10
    rules = tmp_path / "dashboard-rules.yml"
    lines = ["groups:", "  - name: dashboard", "    rules:"]
    for i, expr in enumerate(exprs):
        lines += [f"      - record: dashboard:query{i}", f"        expr: {json.dumps(expr)}"]
    rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked = subprocess.run(
        [promtool, "check", "rules", str(rules)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    documented = (MONITORING / "README.md").read_text(encoding="utf-8")
    for expr in exprs:
        for name in re.findall(r"\b(?:oidc_probe_\w+|probe_\w+)\b", expr):
            assert f"`{name}`" in documented, name
