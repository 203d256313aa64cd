"""Start third-party OpenID providers on ephemeral loopback ports and stop them by process id.

Each peer is a child process. Its output is drained by a thread (so a chatty peer
never blocks on a full pipe) and kept for the error message when it does not come
up. Readiness is a line the peer prints once it serves requests.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PEERS_DIR = Path(__file__).parent
NODE_MODULES = PEERS_DIR / "node_modules"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class PeerUnavailable(Exception):
    """The peer cannot run here (missing tool or package, or it did not come up)."""


@dataclass
class PeerProcess:
    """A running peer: its process, and the last lines it printed (ANSI colours removed)."""

    name: str
    proc: subprocess.Popen[str]
    lines: deque[str] = field(default_factory=lambda: deque(maxlen=200))
    _seen: threading.Condition = field(default_factory=threading.Condition)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        with self._seen:
            return "\n".join(self.lines)

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            with self._seen:
                self.lines.append(_ANSI.sub("", raw.rstrip("\n")))
                self._seen.notify_all()
        with self._seen:
            self._seen.notify_all()

    def wait_for(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
        """The first output line matching ``pattern``; raises PeerUnavailable on exit or timeout."""
        deadline = time.monotonic() + timeout
        checked = 0
        with self._seen:
            while True:
                lines = list(self.lines)
                for line in lines[checked:]:
                    match = pattern.search(line)
                    if match is not None:
                        return match
                checked = len(lines)
                if self.proc.poll() is not None:
                    raise PeerUnavailable(
                        f"{self.name} exited with code {self.proc.returncode} before it was "
                        f"ready: {self._tail()}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PeerUnavailable(
                        f"{self.name} was not ready within {timeout:.0f} s: {self._tail()}"
                    )
                self._seen.wait(min(remaining, 0.5))

    def _tail(self) -> str:
        return " | ".join(list(self.lines)[-8:]) or "(no output)"

    def stop(self) -> None:
        """SIGTERM by process id, then SIGKILL if it has not exited after a few seconds."""
        if self.proc.poll() is not None:
            return
        try:
            os.kill(self.pid, signal.SIGTERM)
            self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.kill(self.pid, signal.SIGKILL)
            self.proc.wait(STOP_TIMEOUT)
        except ProcessLookupError:
            pass


def start(
    name: str,
    argv: Sequence[str],
    ready: re.Pattern[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = START_TIMEOUT,
) -> tuple[PeerProcess, re.Match[str]]:
    """Start ``argv`` and wait for a line matching ``ready``; the process is stopped on failure."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    try:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        raise PeerUnavailable(f"{name} cannot be started: {exc}") from None
    peer = PeerProcess(name, proc)
    threading.Thread(target=peer._drain, name=f"{name}-output", daemon=True).start()
    try:
        return peer, peer.wait_for(ready, timeout)
    except BaseException:
        peer.stop()
        raise


def node() -> str:
    """The ``node`` executable with the npm packages of tests/peers installed."""
    executable = shutil.which("node")
    if executable is None:
        raise PeerUnavailable("node is not installed (the npm peers need Node.js >= 20.12)")
    if not NODE_MODULES.is_dir():
        raise PeerUnavailable(
            f"the npm peers are not installed in {NODE_MODULES}: run `make peers`"
        )
    return executable


def npm_package(name: str) -> Path:
    path = NODE_MODULES / name
    if not (path / "package.json").is_file():
        raise PeerUnavailable(f"npm package {name} is not installed: run `make peers`")
    return path


def free_port() -> int:
    """A loopback port free right now, for a peer that must know its port before it starts."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
