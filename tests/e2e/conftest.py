"""End-to-end harness: the Cognito emulator on a real loopback port, the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from oidc_probe.fake_cognito import PoolKeys, create_app, load_pool
from oidc_probe.fake_cognito.server import RunningServer, start_in_thread
from tests.e2e import catalogue_coverage

REPO = Path(__file__).parents[2]
DEMO_PASSWORD_USER = "demo"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{catalogue_coverage.RUN_LAST}: run after every other test of the session"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    catalogue_coverage.on_collection_modifyitems(items)


def pytest_deselected(items: list[pytest.Item]) -> None:
    catalogue_coverage.on_deselected(items)


def pytest_collection_finish(session: pytest.Session) -> None:
    catalogue_coverage.on_collection_finish(session.items)


@pytest.fixture(scope="session")
def pool_keys() -> PoolKeys:
    """One pair of RSA keys for every emulator of the session (key generation is slow)."""
    return PoolKeys.generate()


@dataclass
class Emulator:
    server: RunningServer
    pool: Any
    tmp_path: Path

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def config_file(self, **changes: Any) -> Path:
        """Cloudflare's JSON for the demo client, pointed at this emulator, with changes to `config`."""
        body = self.pool.probe_config(self.base_url)
        body["config"].update(changes)
        body["config"] = {k: v for k, v in body["config"].items() if v is not None}
        path = self.tmp_path / "idp.json"
        path.write_text(json.dumps(body, indent=2))
        return path

    def secret(self) -> str:
        return str(self.pool.probe_config(self.base_url)["config"]["client_secret"])

    def password(self, username: str) -> str:
        return str(self.pool.user(username).password)

    def cloudflare_config_args(self, *extra: str) -> list[str]:
        """`oidc-probe cloudflare-config` for the demo client of this emulator's pool."""
        pool = self.pool
        return [
            "cloudflare-config",
            *("--region", pool.region, "--pool-id", pool.pool_id),
            *("--domain", self.base_url, "--client-id", pool.clients[0].client_id),
            *extra,
            *("--issuer", pool.issuer(self.base_url)),
        ]


@pytest.fixture
def emulator_factory(tmp_path: Path, pool_keys: PoolKeys) -> Iterator[Callable[..., Emulator]]:
    started: list[RunningServer] = []

    def start(*faults: str, pool_path: str | None = None) -> Emulator:
        pool = load_pool(pool_path)
        server = start_in_thread(create_app(pool, faults=faults, keys=pool_keys))
        started.append(server)
        return Emulator(server, pool, tmp_path)

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def emulator(emulator_factory: Callable[..., Emulator]) -> Emulator:
    return emulator_factory()


_LABELS = ("hint:", "expected:", "actual:", "accepted:")


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.stdout))

    def statuses(self, check_id: str) -> list[str]:
        return [c["status"] for c in self.json()["checks"] if c["id"] == check_id]

    def failing(self) -> set[str]:
        return {c["id"] for c in self.json()["checks"] if c["status"] == "fail"}

    def entries(self, mark: str) -> list[str]:
        """The text report's ``MARK  ID ...`` lines, each with its wrapped rows joined."""
        found: list[str] = []
        open_entry = False
        for row in self.stdout.splitlines():
            words = row.split()
            if row.lstrip().startswith(f"{mark}  "):
                found.append(" ".join(words))
                open_entry = True
            elif open_entry and row.startswith(" " * 8) and words[0] not in _LABELS:
                found[-1] += " " + " ".join(words)
            else:
                open_entry = False
        return found


def run_cli(
    args: Sequence[str], *, env: dict[str, str] | None = None, stdin: str | None = None
) -> CliResult:
    """Run the installed CLI as a user would: a subprocess with a clean, explicit environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_PROBE_")}
    base.pop("NO_COLOR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "oidc_probe", *args],
        env={**base, **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    catalogue_coverage.record_output(proc.stdout, args)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def probe(
    emu: Emulator,
    *extra: str,
    username: str = DEMO_PASSWORD_USER,
    config: Path | None = None,
    password: str | None = None,
    fmt: str = "json",
    env: dict[str, str] | None = None,
) -> CliResult:
    """`oidc-probe check` against the emulator with the demo client, secret and password from
    env (``env`` adds variables)."""
    args = [
        "check",
        "--config",
        str(config or emu.config_file()),
        "--login",
        "form",
        "--username",
        username,
        "--format",
        fmt,
        *extra,
    ]
    variables = {
        "OIDC_PROBE_CLIENT_SECRET": emu.secret(),
        "OIDC_PROBE_PASSWORD": password if password is not None else emu.password(username),
        **(env or {}),
    }
    return run_cli(args, env=variables)
