"""``fake-cognito --request-log FILE``: one ``METHOD PATH`` line per request, no query."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_request_log_lists_method_and_path_of_every_request(tmp_path: Path) -> None:
    log = tmp_path / "requests.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oidc_probe",
            "fake-cognito",
            "--port",
            "0",
            "--request-log",
            str(log),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().split("serving at ")[1].split()[0]
        with urllib.request.urlopen(f"{base}/us-east-1_Fake1Demo/.well-known/jwks.json") as r:
            assert r.status == 200
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/oauth2/userInfo?secret=code123")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)
    assert log.read_text().splitlines() == [
        "GET /us-east-1_Fake1Demo/.well-known/jwks.json",
        "GET /oauth2/userInfo",
    ]


def test_unwritable_request_log_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "oidc_probe",
            "fake-cognito",
            "--port",
            "0",
            "--request-log",
            str(tmp_path / "missing" / "x.log"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--request-log" in result.stderr
    assert "Traceback" not in result.stderr
