"""The text report as a person reads it: the real CLI in a pseudo-terminal of 50 rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oidc_probe.fake_cognito import PoolKeys, create_app, load_pool
from oidc_probe.fake_cognito.server import start_in_thread
from tests.e2e.conftest import Emulator, run_cli
from tests.e2e.terminal import run_in_terminal


def test_a_passing_demo_fits_a_50_row_terminal() -> None:
    screen = run_in_terminal(["demo"], rows=50, columns=80)
    assert screen.code == 0, screen.raw
    rows = screen.rows
    assert len(rows) <= 50, "\n".join(rows)
    assert all(len(row) <= 80 for row in rows), "\n".join(r for r in rows if len(r) > 80)
    assert rows[-1].startswith("oidc-probe: ")
    assert rows[-1].endswith("result PASS")
    assert "ID token: 18 passed" in rows
    assert "Pool configuration (AWS API): pool audit not run: `audit` or `--aws`" in rows
    assert any(r.startswith("Active checks: 4 checks not run") for r in rows)
    assert "Problems: 3 warnings" in rows


@pytest.mark.parametrize(
    ("fault", "failing"),
    [
        ("token-invalid-client", ["TOK001"]),
        ("bad-signature", ["IDT004"]),
        ("no-email", ["CLM001"]),
        ("no-sub", ["IDT011", "CLM003", "CLM004"]),
        # six failures with long hints: the hints move above the list of problems
        ("claims-only-in-userinfo", ["CLM001", "CLM003", "CLM004"]),
    ],
)
def test_a_failing_run_shows_its_failures_in_the_last_20_rows(
    fault: str, failing: list[str]
) -> None:
    screen = run_in_terminal(["demo", "--fault", fault], rows=50, columns=80)
    assert screen.code == 1, screen.raw
    rows = screen.rows
    last = rows[-20:]
    fail_rows = [r for r in rows if r.lstrip().startswith("FAIL ")]
    assert fail_rows, "\n".join(rows)
    assert all(r in last for r in fail_rows), "\n".join(rows)
    assert {r.split()[1] for r in fail_rows} == set(failing)
    summary = rows[-1]
    assert summary.startswith("oidc-probe: ")
    assert "result FAIL: " in summary
    for check_id in failing:
        assert check_id in summary
    # Each failure once: in the problems block, not also among the stage counts.
    assert len(fail_rows) == len({r.split(":")[0] for r in fail_rows})


def test_checks_skipped_after_a_failure_fold_into_one_line_per_stage() -> None:
    screen = run_in_terminal(["demo", "--fault", "token-invalid-client"], columns=120)
    rows = screen.rows
    assert (
        "ID token: 18 checks not run: no ID token: the token exchange failed (TOK001 failed)"
        in rows
    )
    assert not [r for r in rows if r.lstrip().startswith("SKIP ")]


def test_verbose_lists_every_check() -> None:
    screen = run_in_terminal(["demo", "-v"], rows=50, columns=200)
    assert screen.code == 0
    text = "\n".join(screen.rows)
    assert "PASS  IDT004 id-token-signature-valid" in text
    # the AWS checks not asked for stay one line even in the full listing (issue 22)
    assert "SKIP  pool audit not run: `audit` or `--aws`" in text
    assert "AWS001" not in text
    assert "Problems:" not in text


def test_a_slow_pool_shows_the_stage_in_progress_on_the_terminal(
    tmp_path: Path, pool_keys: PoolKeys
) -> None:
    """At 400 ms a request the terminal is never blank: stderr redraws one progress line."""
    pool = load_pool()
    app = create_app(pool, keys=pool_keys, latency=0.4)
    with start_in_thread(app) as server:
        emulator = Emulator(server, pool, tmp_path)
        args = ["check", "--config", str(emulator.config_file()), "--username", "demo"]
        args += ["--login", "form"]
        env = {
            "OIDC_PROBE_CLIENT_SECRET": emulator.secret(),
            "OIDC_PROBE_PASSWORD": emulator.password("demo"),
        }
        screen = run_in_terminal(args, env=env)
        quiet = run_in_terminal([*args, "--quiet"], env=env)
        piped = run_cli(args, env=env)
    assert screen.code == quiet.code == piped.code == 0, screen.raw
    drawn = re.findall(r"\r\x1b\[K(oidc-probe: [^\r\n]*?) (\d+\.\d) s", screen.raw)
    titles = {title for title, _ in drawn}
    assert "oidc-probe: Authorization and login" in titles, drawn
    assert "oidc-probe: Token exchange" in titles, drawn
    assert any(float(seconds) >= 0.3 for _, seconds in drawn), drawn  # redrawn as time passes
    # erased before the report: no row of the final screen holds it
    assert not [row for row in screen.rows if row.startswith("oidc-probe: ") and " s" in row[-3:]]
    for silent in (quiet.raw, piped.stderr):
        assert "\x1b[K" not in silent
