"""The exporter's file inputs follow the rule every other input follows (issue 20 item 5):
regular files only, with a size cap. A FIFO or a device named as the exporter TOML, as a
module's config/policies, or as a password_file is one line naming the reason, never a
hang; ``--check-config`` checks the secret files too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import DEMO_PASSWORD_USER, REPO, Emulator
from tests.e2e.exporter_process import ExporterProcess, write_module_config

pytestmark = pytest.mark.e2e

NOT_REGULAR = "not a regular file"


def _exporter(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI with a short timeout: before the fix a FIFO hung it for ever."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_PROBE_")}
    return subprocess.run(
        [sys.executable, "-m", "oidc_probe", "exporter", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=20,
        cwd=REPO,
        check=False,
    )


def _fifo(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


def _module(config: str, **more: object) -> dict[str, object]:
    return {"config": config, "username": DEMO_PASSWORD_USER, **more}


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_the_exporter_toml_must_be_a_regular_file(kind: str, tmp_path: Path) -> None:
    path = _fifo(tmp_path, "exporter.toml") if kind == "fifo" else Path("/dev/zero")
    result = _exporter("--config", str(path), "--check-config")
    assert result.returncode == 2, result.stderr
    assert NOT_REGULAR in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("key", ["config", "policies"])
def test_a_named_file_that_is_a_device_is_named_as_such(
    key: str, emulator: Emulator, tmp_path: Path
) -> None:
    config = str(emulator.config_file())
    module = (
        _module("/dev/zero", password_env="P")
        if key == "config"
        else _module(config, password_env="P", policies=[str(_fifo(tmp_path, "p.json"))])
    )
    toml = write_module_config(tmp_path / "exporter.toml", {"demo": module})
    result = _exporter("--config", str(toml), "--check-config")
    assert result.returncode == 2, result.stderr
    assert f"{key} " in result.stderr
    assert NOT_REGULAR in result.stderr
    assert "file not found" not in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "missing", "empty"])
def test_check_config_checks_the_secret_files(
    kind: str, emulator: Emulator, tmp_path: Path
) -> None:
    secret = tmp_path / "password"
    if kind == "fifo":
        os.mkfifo(secret)
    elif kind == "empty":
        secret.write_text("\n")
    module = _module(str(emulator.config_file()), password_file=str(secret))
    toml = write_module_config(tmp_path / "exporter.toml", {"demo": module})
    result = _exporter("--config", str(toml), "--check-config")
    assert result.returncode == 2, result.stderr
    says = {"fifo": NOT_REGULAR, "missing": "file not found", "empty": "is empty"}[kind]
    assert says in result.stderr
    assert "[modules.demo]" in result.stderr
    assert "password file" in result.stderr


def test_check_config_passes_a_readable_secret_file(emulator: Emulator, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(emulator.password(DEMO_PASSWORD_USER) + "\n")
    module = _module(str(emulator.config_file()), password_file=str(secret))
    toml = write_module_config(tmp_path / "exporter.toml", {"demo": module})
    result = _exporter("--config", str(toml), "--check-config")
    assert result.returncode == 0, result.stderr
    assert emulator.password(DEMO_PASSWORD_USER) not in result.stderr


def test_a_fifo_password_file_does_not_wedge_a_module(emulator: Emulator, tmp_path: Path) -> None:
    """At probe time (the file became a FIFO after the start): the probe answers at once."""
    secret = _fifo(tmp_path, "password")
    module = _module(str(emulator.config_file()), password_file=str(secret))
    toml = write_module_config(tmp_path / "exporter.toml", {"demo": module})
    with ExporterProcess(toml, {"P": "x"}) as exporter:
        status, text = exporter.get("/probe?module=demo", timeout=15)
    assert status == 200, text
    assert "probe_success 0.0" in text
    assert NOT_REGULAR in text
