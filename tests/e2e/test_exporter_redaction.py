"""Redaction sweep of the exporter: under every emulator fault, a wrong password, a wrong
client secret and ``active``, no ``/probe`` or ``/metrics`` answer (nor the exporter's
stderr) holds the client secret, the password, an authorization code, a PKCE verifier or a
token. The raw values are learnt on the emulators' side of the wire
(:class:`tests.e2e.test_redaction_sweep.Recorder`)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from oidc_probe.fake_cognito import create_app, load_pool
from oidc_probe.fake_cognito.faults import Fault
from oidc_probe.fake_cognito.server import RunningServer, start_in_thread
from tests.e2e.conftest import DEMO_PASSWORD_USER, Emulator
from tests.e2e.exporter_process import ExporterProcess, write_module_config
from tests.e2e.test_redaction_sweep import Recorder

pytestmark = pytest.mark.e2e

WRONG_PASSWORD = "Wr0ng-Passw0rd-Exporter-91c2"
WRONG_SECRET = "wrong-client-secret-exporter-3d7f"


@pytest.fixture
def emulators(tmp_path: Path) -> Iterator[dict[str, tuple[Emulator, Recorder]]]:
    """One recorded emulator per fault, and a healthy one (key "healthy")."""
    started: list[RunningServer] = []
    found: dict[str, tuple[Emulator, Recorder]] = {}
    try:
        for name, faults in [("healthy", ()), *((f.value, (f.value,)) for f in Fault)]:
            pool = load_pool(None)
            recorder = Recorder(create_app(pool, faults=faults))
            server = start_in_thread(recorder)
            started.append(server)
            home = tmp_path / name
            home.mkdir()
            found[name] = (Emulator(server, pool, home), recorder)
        yield found
    finally:
        for server in started:
            server.stop()


def test_no_secret_in_any_exporter_output(
    emulators: dict[str, tuple[Emulator, Recorder]], tmp_path: Path
) -> None:
    healthy = emulators["healthy"][0]
    modules: dict[str, dict[str, object]] = {}
    for name, (emu, _) in emulators.items():
        modules[name] = {
            "config": str(emu.config_file(client_secret=None)),
            "username": DEMO_PASSWORD_USER,
            "password_env": "SWEEP_PASSWORD",
            "client_secret_env": "SWEEP_SECRET",
        }
    base = modules["healthy"]
    modules["wrong-password"] = {**base, "password_env": "SWEEP_WRONG_PASSWORD"}
    modules["wrong-secret"] = {**base, "client_secret_env": "SWEEP_WRONG_SECRET"}
    modules["active"] = {**base, "active": True}
    env = {
        "SWEEP_PASSWORD": healthy.password(DEMO_PASSWORD_USER),
        "SWEEP_SECRET": healthy.secret(),
        "SWEEP_WRONG_PASSWORD": WRONG_PASSWORD,
        "SWEEP_WRONG_SECRET": WRONG_SECRET,
    }
    toml = write_module_config(tmp_path / "exporter.toml", modules)
    outputs: list[str] = []
    with ExporterProcess(toml, env) as exporter:
        with ThreadPoolExecutor(4) as pool:  # the exporter's default limit
            answers = list(pool.map(lambda n: exporter.get(f"/probe?module={n}"), modules))
        for name, (status, text) in zip(modules, answers, strict=True):
            assert status == 200, (name, text)
            outputs.append(text)
        outputs.append(exporter.get("/metrics")[1])
        assert exporter.terminate() == 0
        outputs.append(exporter.stderr())
    blob = "\n".join(outputs)
    assert "probe_success 1.0" in outputs[0]  # guard: the healthy module logged in
    seen = set().union(*(recorder.values for _, recorder in emulators.values()))
    assert len(seen) >= 100  # codes, verifiers and tokens of every emulator
    secrets = {healthy.secret(), healthy.password(DEMO_PASSWORD_USER), WRONG_PASSWORD, WRONG_SECRET}
    leaked = [v for v in sorted(seen | secrets) if v in blob]
    assert not leaked, [v[:12] + "..." for v in leaked]
