"""``fake-cognito --latency``, and the probe overlapping its requests against a slow pool.

The overlap is proven from the order of events in the emulator's request log (each
request logged when it arrives and when its response has been sent), not from timings.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oidc_probe.fake_cognito import PoolKeys, create_app, load_pool
from oidc_probe.fake_cognito.server import start_in_thread
from tests.e2e.conftest import Emulator, probe, run_cli

pytestmark = pytest.mark.e2e

LATENCY = 0.3  # seconds before every response
DISCOVERY = "GET /us-east-1_Fake1Demo/.well-known/openid-configuration"
JWKS = "GET /us-east-1_Fake1Demo/.well-known/jwks.json"


class BothEnds:
    """ASGI middleware logging ``> METHOD PATH`` on arrival and ``< METHOD PATH`` once answered."""

    def __init__(self, app: ASGIApp, log: list[str]) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        name = f"{scope['method']} {scope['path']}"
        self.log.append(f"> {name}")

        async def sent(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.log.append(f"< {name}")

        await self.app(scope, receive, sent)


def test_discovery_and_jwks_are_in_flight_during_the_login(
    tmp_path: Path, pool_keys: PoolKeys
) -> None:
    log: list[str] = []
    pool = load_pool()
    app = create_app(pool, keys=pool_keys, latency=LATENCY)
    with start_in_thread(BothEnds(app, log)) as server:
        result = probe(Emulator(server, pool, tmp_path))
    assert result.code == 0, result.stdout + result.stderr
    authorize, login_post = "GET /oauth2/authorize", "POST /login"
    for fetch in (DISCOVERY, JWKS):
        # sent before the login's sign-in form was answered, answered after the login began
        assert log.index(f"> {fetch}") < log.index(f"< {login_post}"), log
        assert log.index(f"< {fetch}") > log.index(f"> {authorize}"), log
    # userinfo after the token; the login chain itself stays in order
    chain = ["GET /oauth2/authorize", "GET /login", "POST /login", "POST /oauth2/token"]
    arrivals = [e[2:] for e in log if e.startswith("> ") and e[2:] in chain]
    assert arrivals == chain, log
    assert log.index("> GET /oauth2/userInfo") > log.index("< POST /oauth2/token"), log
    data = result.json()
    assert data["result"] == "pass"
    timeline = data["timeline_ms"]
    assert timeline["discovery"]["start"] < timeline["authorize"]["end"]


def test_the_same_verdicts_with_and_without_latency(
    tmp_path: Path, pool_keys: PoolKeys, emulator: Emulator
) -> None:
    pool = load_pool()
    with start_in_thread(create_app(pool, keys=pool_keys, latency=0.05, jitter=0.05)) as server:
        slow = probe(Emulator(server, pool, tmp_path))
    fast = probe(emulator)

    def verdicts(data: dict[str, Any]) -> list[tuple[str, str, str]]:
        return sorted((c["id"], c["subject"], c["status"]) for c in data["checks"])

    assert slow.code == fast.code == 0
    assert verdicts(slow.json()) == verdicts(fast.json())


def _serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_probe", "fake-cognito", "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline()]
    base = lines[0].split("serving at ")[1].split()[0]
    return proc, base


def test_fake_cognito_latency_option_delays_every_response(tmp_path: Path) -> None:
    log = tmp_path / "requests.log"
    proc, base = _serve("--latency", "250", "--jitter", "10", "--request-log", str(log))
    try:
        start = time.perf_counter()
        with urllib.request.urlopen(f"{base}/us-east-1_Fake1Demo/.well-known/jwks.json") as r:
            assert r.status == 200
        assert time.perf_counter() - start >= 0.25
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)
    assert proc.stdout is not None
    out = proc.stdout.read()  # the same buffered reader that read the first line
    assert "latency: 250 ms + up to 10 ms of jitter" in out
    assert log.read_text().splitlines() == ["GET /us-east-1_Fake1Demo/.well-known/jwks.json"]


@pytest.mark.parametrize("value", ["-5", "soon", "inf"])
def test_bad_latency_is_a_usage_error(value: str) -> None:
    result = run_cli(["fake-cognito", "--port", "0", "--latency", value])
    assert result.code == 2
    assert "--latency" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_during_overlapping_requests_exits_130_promptly(
    tmp_path: Path, pool_keys: PoolKeys
) -> None:
    """Ctrl-C while discovery, the JWKS and the login wait on a slow pool: 130, at once."""
    pool = load_pool()
    log: list[str] = []
    with start_in_thread(BothEnds(create_app(pool, keys=pool_keys, latency=5.0), log)) as server:
        emu = Emulator(server, pool, tmp_path)
        argv = ["check", "--config", str(emu.config_file()), "--login", "form"]
        argv += ["--username", "demo", "--format", "json"]
        env = {
            "OIDC_PROBE_CLIENT_SECRET": emu.secret(),
            "OIDC_PROBE_PASSWORD": emu.password("demo"),
        }
        # discovery, the JWKS and the authorization request in flight
        code, _, err, waited = _interrupt_when(argv, env, lambda: _arrived(log) >= 3)
    assert code == 130, err
    assert waited < 3, waited
    assert "Traceback" not in err


def test_ctrl_c_during_concurrent_user_logins_exits_130_promptly(
    tmp_path: Path, pool_keys: PoolKeys
) -> None:
    """Ctrl-C while three users' logins wait on a slow pool (``--users``): 130, at once.

    The worker threads must not keep the process alive until the logins in flight end
    (each would take several more slow round trips).
    """
    pool = load_pool()
    log: list[str] = []
    latency = 3.0
    with start_in_thread(
        BothEnds(create_app(pool, keys=pool_keys, latency=latency), log)
    ) as server:
        emu = Emulator(server, pool, tmp_path)
        users = tmp_path / "users.toml"
        users.write_text(
            "".join(f'[[users]]\nusername = "{u}"\npassword_env = "PW_{u}"\n' for u in USERS3)
        )
        argv = ["check", "--config", str(emu.config_file()), "--users", str(users)]
        argv += ["--concurrency", "3", "--format", "json"]
        env = {"OIDC_PROBE_CLIENT_SECRET": emu.secret()}
        env |= {f"PW_{u}": emu.password(u) for u in USERS3}

        def logins_in_flight() -> bool:  # each user's first login request, unanswered
            return _arrived(log, "well-known") >= len(USERS3)

        code, out, err, waited = _interrupt_when(argv, env, logins_in_flight)
    assert code == 130, err
    assert waited < latency - 0.5, waited  # did not wait for a login request to be answered
    assert "Traceback" not in err
    assert "interrupted" in err
    assert out == ""


USERS3 = ("demo", "nogroup", "special")


def _arrived(log: list[str], but: str = "\0") -> int:
    """How many requests have arrived (``>`` in the log), leaving out paths with ``but``."""
    return sum(e.startswith(">") and but not in e for e in log)


def _interrupt_when(
    argv: list[str], env: dict[str, str], ready: Callable[[], bool]
) -> tuple[int, str, str, float]:
    """Run the CLI, send SIGINT once ``ready()``; the exit code, stdout, stderr, seconds waited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_PROBE_")} | env
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_probe", *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not ready():
        proc.kill()
        proc.communicate()
        pytest.fail("the requests to interrupt never arrived")
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    return proc.returncode, out, err, time.monotonic() - sent
