"""Files the tool writes (issue 20, item 4): never through a symbolic link; owner-only
(0600) when they may hold a secret or a token. Through the real CLI."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.e2e.conftest import REPO, Emulator, probe, run_cli


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_report_with_tokens_is_written_owner_only(emulator: Emulator, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old")
    out.chmod(0o644)
    result = probe(emulator, "--show-tokens", "--output", f"json={out}", fmt="text")
    assert result.code == 0, result.stderr
    assert _mode(out) == 0o600
    assert json.loads(out.read_text())["tokens"]["id_token"].startswith("eyJ")


def test_a_report_is_never_written_through_a_symlink(emulator: Emulator, tmp_path: Path) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("keep me")
    link = tmp_path / "report.xml"
    link.symlink_to(target)
    result = probe(emulator, "--output", f"junit={link}", fmt="text")
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"oidc-probe: error: --output {link}: is a symbolic link; not written through it "
        "(name the file itself)"
    ]
    assert target.read_text() == "keep me"


def test_a_fifo_as_output_is_one_line(emulator: Emulator, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = probe(emulator, "--output", f"json={fifo}", fmt="text")
    assert result.code == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"oidc-probe: error: --output {fifo}: not a regular file"
    )


def test_cloudflare_config_output_refuses_symlinks(emulator: Emulator, tmp_path: Path) -> None:
    """The 0600 mode of ``cloudflare-config --output`` is tested in test_ci_debugging."""
    args = emulator.cloudflare_config_args()
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    result = run_cli(
        [*args, "--output", str(link)], env={"OIDC_PROBE_CLIENT_SECRET": emulator.secret()}
    )
    assert result.code == 2, result.stderr
    assert "is a symbolic link; not written through it" in result.stderr
    assert not (tmp_path / "elsewhere.json").exists()


def test_an_unknown_format_name_in_output_is_a_usage_line(
    emulator: Emulator, tmp_path: Path
) -> None:
    """``--output bogus=x`` wrote the text report to a file named ``bogus=x``."""
    name = f"bogus={tmp_path.name}"
    try:
        result = probe(emulator, "--output", name, fmt="text")
        assert result.code == 2, result.stderr
        assert "unknown format 'bogus'" in result.stderr
        assert "text, json, junit, github, markdown" in result.stderr
        assert not (REPO / name).exists()  # the CLI runs in the repository
    finally:
        (REPO / name).unlink(missing_ok=True)
    # a path says it is a file: written as asked
    result = probe(emulator, "--output", str(tmp_path / "report=1.txt"), fmt="text")
    assert result.code in (0, 1), result.stderr
    assert (tmp_path / "report=1.txt").is_file()
