"""Helpers for the interactive login modes: an emulator with chosen callbacks, a live CLI.

The CLI runs as a real subprocess; its stderr is read line by line in a thread so
a test can wait for the authorization URL, act on it, then feed stdin.
"""

from __future__ import annotations

import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oidc_probe.fake_cognito import create_app, load_pool
from oidc_probe.fake_cognito.pool import Pool
from oidc_probe.fake_cognito.server import RunningServer, start_in_thread

REPO = Path(__file__).parents[2]
DEFAULT_POOL = REPO / "oidc_probe" / "fake_cognito" / "default_pool.json"
TEAM = "probe-test"
TEAM_CALLBACK = f"https://{TEAM}.cloudflareaccess.com/cdn-cgi/access/callback"
AUTH_URL_LINE = re.compile(r"^\s+(https?://\S+/oauth2/authorize\?\S+)$")


def free_port() -> int:
    """A port free on 127.0.0.1 and, where IPv6 exists, on ::1 (as localhost needs)."""
    for _ in range(20):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        try:
            with socket.socket(socket.AF_INET6) as six:
                six.bind(("::1", port))
        except OSError as exc:
            if exc.errno == 98:
                continue
        return port
    raise RuntimeError("no free port")


@dataclass
class PoolEmulator:
    """The emulator serving a copy of the demo pool whose client allows ``callbacks``."""

    server: RunningServer
    pool: Pool
    directory: Path
    redirect_uri: str

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def config_file(self, **changes: Any) -> Path:
        body = self.pool.probe_config(self.base_url)
        body["config"].update(changes)
        body["config"].pop("client_secret", None)
        path = self.directory / "idp.json"
        path.write_text(json.dumps(body, indent=2))
        return path

    def secret(self) -> str:
        return str(self.pool.probe_config(self.base_url)["config"]["client_secret"])

    def password(self, username: str = "demo") -> str:
        user = self.pool.user(username)
        assert user is not None
        return user.password


@contextmanager
def pool_emulator(
    directory: Path,
    *,
    login_page: str = "classic",
    callbacks: tuple[str, ...] = (),
    faults: tuple[str, ...] = (),
) -> Iterator[PoolEmulator]:
    """An emulator whose demo client allows a fresh loopback callback plus ``callbacks``."""
    redirect_uri = f"http://localhost:{free_port()}/callback"
    raw = json.loads(DEFAULT_POOL.read_text())
    raw["clients"][0]["callback_urls"] = [redirect_uri, *callbacks]
    pool_file = directory / "pool.json"
    pool_file.write_text(json.dumps(raw))
    pool = load_pool(pool_file)
    server = start_in_thread(create_app(pool, login_page=login_page, faults=faults))
    try:
        yield PoolEmulator(server, pool, directory, redirect_uri)
    finally:
        server.stop()


@dataclass
class LiveCli:
    """``oidc-probe`` running in the background; stderr lines arrive in :attr:`lines`."""

    process: subprocess.Popen[str]
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    seen: list[str] = field(default_factory=list)
    stdout: list[str] = field(default_factory=list)
    readers: list[threading.Thread] = field(default_factory=list)

    @classmethod
    def start(cls, args: list[str], env: dict[str, str]) -> LiveCli:
        base = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_PROBE_")}
        base.pop("NO_COLOR", None)
        process = subprocess.Popen(
            [sys.executable, "-m", "oidc_probe", *args],
            env={**base, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        live = cls(process)
        for target in (live._read_stderr, live._read_stdout):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            live.readers.append(thread)
        return live

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        self.stdout.append(self.process.stdout.read())

    def wait_for_line(self, pattern: re.Pattern[str], timeout: float = 15.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (self.process.poll() is not None and self.lines.empty()):
                raise AssertionError(f"no line matching {pattern.pattern}; got {self.seen}")
            try:
                line = self.lines.get(timeout=min(remaining, 0.2))
            except queue.Empty:
                continue
            self.seen.append(line)
            match = pattern.search(line)
            if match:
                return match

    def authorization_url(self) -> str:
        return self.wait_for_line(AUTH_URL_LINE).group(1)

    def finish(self, stdin: str | None = None, timeout: float = 30.0) -> tuple[int, str, str]:
        """Send ``stdin`` (then EOF), wait; return the exit code, stdout and all stderr."""
        assert self.process.stdin is not None
        if stdin is not None:
            self.process.stdin.write(stdin)
        self.process.stdin.close()
        code = self.process.wait(timeout)
        for reader in self.readers:
            reader.join(5)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code, "".join(self.stdout), "\n".join(self.seen)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)

    def __enter__(self) -> LiveCli:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


def checks(stdout: str) -> dict[str, list[dict[str, Any]]]:
    """The JSON report's findings by check ID."""
    found: dict[str, list[dict[str, Any]]] = {}
    for item in json.loads(stdout)["checks"]:
        found.setdefault(item["id"], []).append(item)
    return found


def statuses(stdout: str, check_id: str) -> list[str]:
    return [c["status"] for c in checks(stdout).get(check_id, [])]
