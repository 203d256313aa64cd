"""Logins per second of the Cognito emulator beside cognito-local's, on the same machine.

``make bench`` runs it as the ``emulator`` section; alone:

    .venv/bin/python benchmarks/bench_emulator.py [--clients 50] [--seconds 60]

The emulator runs the full code flow a browser runs (authorize, sign-in page, sign-in,
token exchange); cognito-local has no hosted UI, so its login is InitiateAuth
(USER_PASSWORD_AUTH), the only one it offers. Both are served on loopback, with the same
number of concurrent clients, each client logging in again and again, for ``--seconds``
(issue 20: 50 clients for a minute) or until :data:`MAX_LOGINS` logins, whichever comes
first. The emulator must answer every request without error, and its resident memory
(``VmRSS`` of its process, sampled every :data:`RSS_EVERY` seconds) must stay flat: the
second half of the run may grow it by at most :data:`FLAT_GROWTH` (caches fill in the
first).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import httpx2  # noqa: E402
from harness import EmulatorProcess  # noqa: E402

from tests.e2e.emulator_load import Target, run_load  # noqa: E402
from tests.peers import harness as peers  # noqa: E402
from tests.peers.cognito_api import CognitoApi, PoolSpec, provision  # noqa: E402

READY = r"Cognito Local running on (?P<url>http://[\d.]+:\d+)"
MAX_LOGINS = 200_000  # the count bound of one run (the time bound is --seconds)
RSS_EVERY = 0.5  # seconds between samples of the emulator's resident memory
FLAT_GROWTH = 0.05  # at most 5% growth from the middle of the run to its end


def rss_kib(pid: int) -> int | None:
    """``VmRSS`` of process ``pid`` in KiB (Linux ``/proc``), or None where unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


class RssSampler:
    """Samples ``rss_kib(pid)`` every :data:`RSS_EVERY` seconds in a thread, while in ``with``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, int]] = []  # (seconds since start, KiB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        start = time.monotonic()
        while True:
            kib = rss_kib(self.pid)
            if kib is not None:
                self.samples.append((time.monotonic() - start, kib))
            if self._stop.wait(RSS_EVERY):
                break

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def summary(self) -> dict[str, Any] | None:
        """Start, middle, end and peak in MiB, and whether the second half stayed flat."""
        if len(self.samples) < 3:
            return None
        last = self.samples[-1][0]
        middle = min(self.samples, key=lambda s: abs(s[0] - last / 2))[1]
        start, end = self.samples[0][1], self.samples[-1][1]
        growth = (end - middle) / middle
        return {
            "samples": len(self.samples),
            "start_mib": start / 1024,
            "middle_mib": middle / 1024,
            "end_mib": end / 1024,
            "peak_mib": max(kib for _, kib in self.samples) / 1024,
            "growth_middle_to_end": growth,
            "flat": growth <= FLAT_GROWTH,
        }


def emulator_logins(work: Path, clients: int, seconds: float) -> dict[str, Any]:
    from oidc_probe.fake_cognito import load_pool

    with EmulatorProcess(work) as emulator:
        config = load_pool(None).probe_config(emulator.base_url)["config"]
        target = Target(
            auth_url=str(config["auth_url"]),
            token_url=str(config["token_url"]),
            client_id=str(config["client_id"]),
            client_secret=str(config["client_secret"]),
            username="demo",
            password="Demo-Passw0rd!",
        )
        run_load(target, clients=clients, seconds=min(2.0, seconds))  # warm-up
        with RssSampler(emulator.proc.pid) as rss:
            result = run_load(target, clients=clients, seconds=seconds, logins=MAX_LOGINS)
    return {
        "logins": result.logins,
        "errors": len(result.errors),
        "error_kinds": sorted(set(result.errors))[:5],
        "seconds": result.seconds,
        "per_second": result.per_second,
        "rss": rss.summary(),
    }


def cognito_local_logins(work: Path, clients: int, seconds: float) -> dict[str, Any] | str:
    """InitiateAuth logins per second, or why cognito-local could not run here."""
    import re

    try:
        node, package = peers.node(), peers.npm_package("cognito-local")
    except peers.PeerUnavailable as exc:
        return str(exc)
    port = peers.free_port()
    (work / ".cognito").mkdir(exist_ok=True)
    (work / ".cognito" / "config.json").write_text(
        json.dumps(
            {
                "TokenConfig": {"IssuerDomain": f"http://127.0.0.1:{port}"},
                "UserPoolDefaults": {"UsernameAttributes": []},
            }
        )
    )
    try:
        process, ready = peers.start(
            "cognito-local",
            [node, str(package / "lib" / "bin" / "start.js")],
            re.compile(READY),
            cwd=work,
            env={"HOST": "127.0.0.1", "PORT": str(port)},
        )
    except peers.PeerUnavailable as exc:
        return str(exc)
    try:
        base = ready["url"] + "/"
        pool = provision(CognitoApi(base), PoolSpec(callback_url="http://localhost:8765/callback"))
        body = {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": pool.client_id,
            "AuthParameters": {"USERNAME": pool.username, "PASSWORD": pool.password},
        }
        import base64
        import hashlib
        import hmac

        digest = hmac.new(
            pool.client_secret.encode(), (pool.username + pool.client_id).encode(), hashlib.sha256
        ).digest()
        body["AuthParameters"]["SECRET_HASH"] = base64.b64encode(digest).decode()  # type: ignore[index]
        headers = {
            "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
            "Content-Type": "application/x-amz-json-1.1",
        }
        counts = {"logins": 0, "errors": 0}
        lock = threading.Lock()

        def worker(stop_at: float, count: bool) -> None:
            with httpx2.Client(timeout=30.0) as client:
                while time.monotonic() < stop_at:
                    response = client.post(base, json=body, headers=headers)
                    ok = response.status_code == 200 and "AuthenticationResult" in response.json()
                    if count:
                        with lock:
                            counts["logins" if ok else "errors"] += 1

        for count, duration in ((False, min(2.0, seconds)), (True, seconds)):
            stop_at = time.monotonic() + duration
            started = time.monotonic()
            threads = [
                threading.Thread(target=worker, args=(stop_at, count), daemon=True)
                for _ in range(clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(duration + 60)
            elapsed = time.monotonic() - started
        return {
            "logins": counts["logins"],
            "errors": counts["errors"],
            "seconds": elapsed,
            "per_second": counts["logins"] / elapsed,
        }
    finally:
        process.stop()


def bench(work: Path, clients: int = 50, seconds: float = 60.0) -> dict[str, Any]:
    (work / "emulator").mkdir(exist_ok=True)
    (work / "cognito-local").mkdir(exist_ok=True)
    return {
        "clients": clients,
        "fake_cognito_code_flow": emulator_logins(work / "emulator", clients, seconds),
        "cognito_local_initiate_auth": cognito_local_logins(
            work / "cognito-local", clients, seconds
        ),
    }


def describe(result: dict[str, Any]) -> list[str]:
    ours = result["fake_cognito_code_flow"]
    theirs = result["cognito_local_initiate_auth"]
    lines = [
        f"fake-cognito, code flow, {result['clients']} clients: {ours['per_second']:.0f} logins/s "
        f"({ours['logins']} in {ours['seconds']:.1f} s, {ours['errors']} errors)"
    ]
    rss = ours["rss"]
    if rss is not None:
        lines.append(
            f"fake-cognito RSS start / middle / end: {rss['start_mib']:.1f} / "
            f"{rss['middle_mib']:.1f} / {rss['end_mib']:.1f} MiB (peak {rss['peak_mib']:.1f}; "
            f"{rss['growth_middle_to_end']:+.1%} in the second half, "
            f"{'flat' if rss['flat'] else 'NOT flat'})"
        )
    lines += [f"  error: {e}" for e in ours["error_kinds"]]
    if isinstance(theirs, str):
        lines.append(f"cognito-local: not run ({theirs})")
    else:
        lines.append(
            f"cognito-local, InitiateAuth, {result['clients']} clients: "
            f"{theirs['per_second']:.0f} logins/s ({theirs['logins']} in "
            f"{theirs['seconds']:.1f} s, {theirs['errors']} errors)"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="oidc-probe-bench-emulator-") as tmp:
        result = bench(Path(tmp), args.clients, args.seconds)
    print("\n".join(describe(result)))
    ours = result["fake_cognito_code_flow"]
    flat = ours["rss"] is None or ours["rss"]["flat"]
    return 0 if ours["errors"] == 0 and flat else 1


if __name__ == "__main__":
    sys.exit(main())
