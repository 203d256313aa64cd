"""The wheel works without the clone: built, installed in a fresh venv, run elsewhere.

Uses the project's uv (``make setup`` puts it in ``.tools/bin``) and its cache, so the
dependencies come from where ``make setup`` got them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
UV = REPO / ".tools" / "bin" / "uv"


def _uv(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_PROJECT", "VIRTUAL_ENV"))}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    return subprocess.run(
        [str(UV), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``oidc-probe`` script of a fresh venv holding only the built wheel."""
    if not UV.exists():
        pytest.fail(f"{UV} is missing: run 'make setup' first")
    root = tmp_path_factory.mktemp("wheel")
    built = _uv("build", "--wheel", "--out-dir", str(root / "dist"), str(REPO), cwd=root)
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("oidc_probe-*.whl")
    venv = root / "venv"
    made = _uv("venv", "--quiet", "--python", sys.executable, str(venv), cwd=root)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    added = _uv("pip", "install", "--quiet", "--python", str(python), str(wheel), cwd=root)
    assert added.returncode == 0, added.stderr
    return venv / "bin" / "oidc-probe"


def test_the_installed_wheel_runs_the_demo_from_another_directory(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(
        [str(installed), "demo"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.strip().endswith("result PASS")
    assert "ID token: 18 passed" in result.stdout


def test_the_wheel_is_the_package_imported_not_the_clone(installed: Path, tmp_path: Path) -> None:
    python = installed.parent / "python"
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import oidc_probe, oidc_probe.fake_cognito as f; print(oidc_probe.__file__)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    location = Path(where.stdout.strip())
    assert REPO not in location.parents
    assert (location.parent / "fake_cognito" / "default_pool.json").is_file()
