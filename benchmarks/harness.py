"""Timing child processes, summarising samples, and the emulator in a process of its own."""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROBE = str(BIN / "oidc-probe")
PYTHON = sys.executable
_SERVING = re.compile(r"serving at (http://\S+)")


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of every measured process: bytecode caching on, as on a user's machine.

    With ``PYTHONDONTWRITEBYTECODE`` set (some CI images and sandboxes set it) and a venv
    installed without ``.pyc`` files, every run would compile all its sources again, which
    no installed tool does after its first run; the warm-up runs write the caches.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    maxrss_kib: int  # the child's peak resident set size
    returncode: int
    stdout: bytes


def run_once(argv: Sequence[str], env: Mapping[str, str]) -> Sample:
    """Run ``argv`` once; wall time from spawn to exit, peak RSS of that child alone.

    The child is reaped with ``os.wait4``, whose resource usage is the child's own (unlike
    ``RUSAGE_CHILDREN``, which keeps the maximum over every child ever waited for).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=dict(env), cwd=ROOT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read()
        if code not in (0, 1):
            stdout += b"\n" + err.read()
    return Sample(wall, usage.ru_maxrss, code, stdout)


class Measurement:
    """Samples of one command; ``ok`` lists the exit codes that count as success."""

    def __init__(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.samples: list[Sample] = []

    def run(self, runs: int, warmup: int = 1, ok: Sequence[int] = (0,)) -> Measurement:
        for i in range(warmup + runs):
            sample = run_once(self.argv, self.env)
            if sample.returncode not in ok:
                detail = sample.stdout.decode(errors="replace")[-2000:]
                raise RuntimeError(
                    f"{self.name}: exit {sample.returncode}: {' '.join(self.argv)}\n{detail}"
                )
            if i >= warmup:
                self.samples.append(sample)
        return self

    @property
    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, min, max and interquartile range of ``values``."""
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=4, method="inclusive") if len(ordered) > 1 else ordered * 3
    return {
        "median": statistics.median(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "iqr": q[2] - q[0],
        "n": len(ordered),
    }


class EmulatorProcess:
    """``oidc-probe fake-cognito`` on a free loopback port, in its own process.

    ``latency_ms`` delays every response (``--latency``), to model a remote pool.

    Every request it serves is appended to ``request_log`` (``--request-log``);
    :meth:`requests_since` reads the ``(method, path)`` pairs served after a mark.
    """

    def __init__(self, workdir: Path, pool: Path | None = None, latency_ms: float = 0) -> None:
        self.request_log = workdir / "requests.log"
        self.request_log.write_text("")
        argv = [PROBE, "fake-cognito", "--port", "0", "--request-log", str(self.request_log)]
        if pool is not None:
            argv += ["--pool", str(pool)]
        if latency_ms:
            argv += ["--latency", f"{latency_ms:g}"]
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=child_env(), text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = _SERVING.search(line)
        if match is None:
            self.stop()
            raise RuntimeError(f"the emulator did not start: {line.strip()}")
        self.base_url = match.group(1)

    def mark(self) -> int:
        return len(self.request_log.read_text().splitlines())

    def requests_since(self, mark: int) -> list[tuple[str, str]]:
        lines = self.request_log.read_text().splitlines()[mark:]
        return [tuple(line.split(" ", 1)) for line in lines]  # type: ignore[misc]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def count_paths(requests: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Requests by kind: discovery, jwks, and the others by ``METHOD path``."""
    kinds: Counter[str] = Counter()
    for method, path in requests:
        if path.endswith("/.well-known/openid-configuration"):
            kinds["discovery"] += 1
        elif path.endswith("/.well-known/jwks.json"):
            kinds["jwks"] += 1
        else:
            kinds[f"{method} {path}"] += 1
    return dict(kinds)
