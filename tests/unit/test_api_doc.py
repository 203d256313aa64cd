"""docs/api.md's example runs as written, and the API's names stay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oidc_probe import api

DOC = Path(__file__).parents[2] / "docs" / "api.md"


def test_the_documented_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    exec(compile(blocks[0], str(DOC), "exec"), {})


def test_public_names_are_stable() -> None:
    assert set(api.__all__) >= {
        "Emulator",
        "EmulatorError",
        "Finding",
        "ProbeError",
        "Result",
        "Status",
        "audit",
        "probe",
        "start_emulator",
        "verify_access_token",
        "verify_tokens",
    }
    for name in api.__all__:
        assert hasattr(api, name), name


def test_a_config_problem_is_a_probe_error_with_the_commands_line(tmp_path: Path) -> None:
    with pytest.raises(api.ProbeError, match="config file not found"):
        api.probe(tmp_path / "absent.json", username="u", password="p" * 12, environ={})


def test_results_keep_secrets_out() -> None:
    with api.start_emulator() as emulator:
        password = emulator.password("demo")
        result = api.probe(
            emulator.cloudflare_config(), username="demo", password=password, environ={}
        )
        assert result.ok, [(f.check_id, f.message) for f in result.failures]
        for fmt in ("text", "json", "junit", "github", "markdown"):
            text = result.render(fmt)
            assert password not in text
            assert (emulator.client_secret or "-") not in text
