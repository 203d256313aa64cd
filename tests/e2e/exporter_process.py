"""The real ``oidc-probe exporter`` in a subprocess on a loopback port, and Prometheus text parsing."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from tests.e2e.conftest import REPO

_LISTENING = re.compile(r"listening on (http://\S+)")
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$")


class ExporterProcess:
    """``python -m oidc_probe exporter --config FILE --listen 127.0.0.1:0``; a context manager."""

    def __init__(self, config: Path, env: Mapping[str, str] | None = None) -> None:
        base = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_PROBE_")}
        self.stderr_path = config.with_suffix(".stderr")
        self._stderr = self.stderr_path.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "oidc_probe",
                "exporter",
                "--config",
                str(config),
                "--listen",
                "127.0.0.1:0",
            ],
            env={**base, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
            cwd=REPO,
        )
        self.base_url = self._wait_for_url()

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            found = _LISTENING.search(self.stderr())
            if found:
                return found.group(1)
            if self.proc.poll() is not None:
                raise AssertionError(f"the exporter exited: {self.stderr()}")
            time.sleep(0.05)
        raise AssertionError(f"the exporter did not start: {self.stderr()}")

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8")

    def get(
        self, path: str, *, timeout: float = 30, headers: Mapping[str, str] | None = None
    ) -> tuple[int, str]:
        request = urllib.request.Request(self.base_url + path, headers=dict(headers or {}))
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def probe(self, module: str, *, scrape_timeout: float | None = None) -> dict[str, float]:
        headers = {}
        if scrape_timeout is not None:
            headers["X-Prometheus-Scrape-Timeout-Seconds"] = str(scrape_timeout)
        status, text = self.get(f"/probe?module={module}", headers=headers)
        assert status == 200, (status, text)
        return samples(text)

    def terminate(self, timeout: float = 10) -> int:
        """SIGTERM, then the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self._stderr.close()

    def __enter__(self) -> ExporterProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._stderr.close()


def samples(text: str) -> dict[str, float]:
    """``{'name{labels}': value}`` for every sample line of a text exposition."""
    found: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        found[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return found


def promtool() -> str | None:
    """The path of ``promtool`` (Debian's ``prometheus`` package), or ``None``."""
    return shutil.which("promtool")


def write_module_config(
    path: Path, modules: Mapping[str, Mapping[str, object]], **exporter: object
) -> Path:
    """An exporter TOML file with ``[modules.NAME]`` tables (strings, numbers, bools, lists)."""
    lines: list[str] = []
    if exporter:
        lines.append("[exporter]")
        lines += [f"{k} = {_toml(v)}" for k, v in exporter.items()]
    for name, body in modules.items():
        lines.append(f"[modules.{name}]")
        lines += [f"{k} = {_toml(v)}" for k, v in body.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
