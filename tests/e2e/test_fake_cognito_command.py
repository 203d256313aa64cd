"""`oidc-probe fake-cognito --write-config`: the emulator in its own process, probed by the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from oidc_probe.fake_cognito import load_pool

from .conftest import REPO, run_cli


def test_write_config_gives_a_config_the_probe_passes_with(tmp_path: Path) -> None:
    config = tmp_path / "idp.json"
    config.write_text("{}")
    config.chmod(0o644)  # an older, world-readable file: the secret must not stay readable
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oidc_probe",
            "fake-cognito",
            "--port",
            "0",
            "--write-config",
            str(config),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()  # written once the socket is bound and listening
        assert f"written to {config}" in first, first
        assert oct(os.stat(config).st_mode & 0o777) == "0o600"
        body = json.loads(config.read_text())
        assert body["type"] == "oidc"
        assert body["config"]["auth_url"].startswith("http://127.0.0.1:")
        password = load_pool(None).user("demo").password
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
            env={"OIDC_PROBE_PASSWORD": password},
        )
        assert result.code == 0, result.stderr
        assert result.json()["result"] == "pass"
    finally:
        server.send_signal(signal.SIGINT)
        out, _ = server.communicate(timeout=20)
    assert server.returncode == 0
    assert body["config"]["client_secret"] not in out


def test_write_config_to_an_unwritable_path_is_one_line(tmp_path: Path) -> None:
    result = run_cli(
        ["fake-cognito", "--port", "0", "--write-config", str(tmp_path / "no" / "such.json")]
    )
    assert result.code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--write-config" in result.stderr
    assert "Traceback" not in result.stderr
