"""The exporter's label values are inert: a JWKS whose key carries ESC, an OSC title
sequence, BEL and U+202E (right-to-left override) in ``kid``/``alg``/``use`` reaches
``/probe`` escaped by ``plumbing/inert.py``, never raw."""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.e2e.conftest import DEMO_PASSWORD_USER, Emulator
from tests.e2e.exporter_process import ExporterProcess, write_module_config

pytestmark = pytest.mark.e2e

HOSTILE_KID = "evil\x1b]0;owned\x07\u202ekid\x1b[2J"
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile_jwks(emulator: Emulator) -> Iterator[str]:
    """A JWKS server: the emulator's keys plus one with a hostile kid, alg and use."""
    certs_url = json.loads(emulator.config_file().read_text())["config"]["certs_url"]
    with urllib.request.urlopen(certs_url, timeout=10) as response:
        keys = json.loads(response.read())["keys"]
    hostile = {**keys[0], "kid": HOSTILE_KID, "alg": "RS256\u202e", "use": "sig\x07"}
    body = json.dumps({"keys": [*keys, hostile]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    server.shutdown()
    server.server_close()


def test_jwks_labels_reach_probe_escaped(
    emulator: Emulator, hostile_jwks: str, tmp_path: Path
) -> None:
    config = emulator.config_file(certs_url=hostile_jwks)
    module = {
        "config": str(config),
        "login": "form",
        "username": DEMO_PASSWORD_USER,
        "password_env": "EXPORTER_TEST_PASSWORD",
        "client_secret_env": "EXPORTER_TEST_SECRET",
    }
    toml = write_module_config(tmp_path / "exporter.toml", {"demo": module})
    env = {
        "EXPORTER_TEST_PASSWORD": emulator.password(DEMO_PASSWORD_USER),
        "EXPORTER_TEST_SECRET": emulator.secret(),
    }
    with ExporterProcess(toml, env) as exporter:
        status, text = exporter.get("/probe?module=demo")
    assert status == 200, text
    assert not UNSAFE.search(text), repr(UNSAFE.search(text))
    keys = [line for line in text.splitlines() if line.startswith("oidc_probe_jwks_key_info{")]
    assert len(keys) >= 2
    hostile = [line for line in keys if "evil" in line]
    assert len(hostile) == 1, keys
    assert "\\\\x1b]0;owned\\\\x07\\\\u202ekid\\\\x1b[2J" in hostile[0]
    assert 'alg="RS256\\\\u202e"' in hostile[0]
    assert 'use="sig\\\\x07"' in hostile[0]
