"""The emulator as a server people run (issue 20, item 6), through ``oidc-probe fake-cognito``:
body and header caps, Host names, the request log, and a bounded load test."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from oidc_probe.fake_cognito.emulator import MAX_STATE_ENTRIES
from tests.e2e.conftest import REPO
from tests.e2e.emulator_load import Target, run_load

LOAD_CLIENTS = 50
LOAD_SECONDS = float(os.environ.get("OIDC_PROBE_LOAD_SECONDS", "8"))
# The warm-up fills the emulator's bounded state (MAX_STATE_ENTRIES logins and more); after
# it, memory must stay flat: at most this much growth over the measured load.
WARM_LOGINS = MAX_STATE_ENTRIES + 500
WARM_SECONDS_CAP = 60.0
FLAT_MEMORY_KIB = 8 * 1024


@dataclass
class Served:
    process: subprocess.Popen[str]
    base_url: str
    config: dict[str, str]
    log: Path

    def rss_kib(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        assert found is not None
        return int(found.group(1))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    work = tmp_path_factory.mktemp("served")
    config_path, log = work / "idp.json", work / "requests.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_probe", "fake-cognito", "--port", "0",
         "--write-config", str(config_path), "--request-log", str(log)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        base_url = ""
        deadline = time.monotonic() + 30
        while not base_url and time.monotonic() < deadline:
            line = process.stdout.readline()
            found = re.search(r"serving at (http://\S+)", line)
            base_url = found.group(1) if found else ""
        assert base_url, "the emulator did not start"
        config = json.loads(config_path.read_text())["config"]
        yield Served(process, base_url, config, log)
    finally:
        process.terminate()
        process.wait(10)


def _raw(served: Served, request: bytes) -> str:
    """Send ``request`` as is; the status line of the answer."""
    parts = urlsplit(served.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.split(b"\r\n", 1)[0].decode("latin-1")


def test_a_host_that_is_not_one_of_its_names_is_refused(served: Served) -> None:
    path = "/us-east-1_Fake1Demo/.well-known/openid-configuration"
    steered = f"GET {path} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    assert _raw(served, steered.encode()).startswith("HTTP/1.1 421")
    fine = f"GET {path} HTTP/1.1\r\nHost: localhost:1\r\nConnection: close\r\n\r\n"
    assert _raw(served, fine.encode()).startswith("HTTP/1.1 200")


def test_an_oversized_body_is_413_and_oversized_headers_431(served: Served) -> None:
    big = 300 * 1024
    declared = (
        f"POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {big}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n"
    )
    assert _raw(served, declared.encode() + b"a" * big).startswith("HTTP/1.1 413")
    chunk = b"a" * 65536
    chunked = (
        b"POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n"
        + b"".join(b"10000\r\n" + chunk + b"\r\n" for _ in range(5))
        + b"0\r\n\r\n"
    )
    assert _raw(served, chunked).startswith("HTTP/1.1 413")
    headers = "".join(f"X-Pad-{n}: {'p' * 1000}\r\n" for n in range(20))
    padded = f"GET /error HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Connection: close\r\n\r\n"
    assert _raw(served, padded.encode()).startswith("HTTP/1.1 431")


def test_the_request_log_escapes_what_it_writes(served: Served) -> None:
    hostile = "/x%0A%1B%5B2JGET%20/forged%0D"
    request = f"GET {hostile} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    _raw(served, request.encode())
    time.sleep(0.2)
    lines = served.log.read_text(encoding="utf-8").splitlines()
    assert "GET /x%0A%1B%5B2JGET%20/forged%0D" in lines
    assert not any(line.startswith("GET /forged") for line in lines)
    assert "\x1b" not in served.log.read_text(encoding="utf-8")


def test_fifty_clients_run_the_full_flow_with_flat_memory(served: Served) -> None:
    """Bounded: a warm-up that fills the bounded state (at most a minute), then
    LOAD_SECONDS of 50 concurrent logins; no error, and memory stays flat."""
    config = served.config
    target = Target(
        auth_url=config["auth_url"],
        token_url=config["token_url"],
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        username="demo",
        password="Demo-Passw0rd!",
    )
    warm = run_load(target, clients=LOAD_CLIENTS, seconds=WARM_SECONDS_CAP, logins=WARM_LOGINS)
    assert not warm.errors, warm.errors[:3]
    if warm.logins < WARM_LOGINS:
        pytest.skip(f"this machine is too slow to fill the state in {WARM_SECONDS_CAP:.0f} s")
    before = served.rss_kib()
    result = run_load(target, clients=LOAD_CLIENTS, seconds=LOAD_SECONDS)
    after = served.rss_kib()
    assert not result.errors, (len(result.errors), result.errors[:3])
    assert result.logins > 0
    assert after - before < FLAT_MEMORY_KIB, (before, after, result.logins)
    assert served.process.poll() is None
