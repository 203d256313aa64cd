"""Run the real CLI in a pseudo-terminal of a given size, as a person at a terminal sees it."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).parents[2]
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass(frozen=True)
class Screen:
    """What the terminal received: the raw bytes as text, and its rows without colour."""

    code: int
    raw: str

    @property
    def rows(self) -> list[str]:
        """The rows as printed, a redrawn progress line reduced to what stayed on screen."""
        text = _ANSI.sub("", self.raw).replace("\r\n", "\n")
        rows = []
        for line in text.split("\n"):
            rows.append(line.rsplit("\r", 1)[-1])
        while rows and not rows[-1].strip():
            rows.pop()
        return rows


def run_in_terminal(
    args: Sequence[str],
    *,
    rows: int = 50,
    columns: int = 80,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    cwd: Path = REPO,
) -> Screen:
    """``oidc-probe ARGS`` with stdin, stdout and stderr on one pseudo-terminal."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    base = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_PROBE_")}
    base.pop("NO_COLOR", None)
    base.update({"TERM": "xterm", "COLUMNS": str(columns), "LINES": str(rows)})
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_probe", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**base, **(env or {})},
        cwd=cwd,
        close_fds=True,
    )
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    return Screen(code, b"".join(chunks).decode("utf-8", "replace"))
